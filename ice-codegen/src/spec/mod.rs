//! The api-docs spec: typed model and a loader that turns any JSON into either a [`Spec`] or a
//! [`CodegenError`](crate::CodegenError) naming the file and JSON pointer.

mod load;
pub mod model;
pub mod node;

pub use load::{load_spec, load_value, read_spec};
pub use model::{Api, Info, ParamIn, ParamStyle, Parameter, Response, Schema, SchemaKind, Spec};
