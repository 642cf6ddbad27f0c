//! The api-docs spec: typed model and a loader that turns any file into either a [`Spec`] or every
//! problem in it ([`CodegenErrors`](crate::CodegenErrors)), each naming the file and JSON pointer.
//!
//! Reading is bounded ([`Limits`]), byte-order marks are named, duplicate keys are reported, and
//! contradictory bounds and invalid patterns are rejected.

mod check;
mod json;
mod load;
pub mod model;
pub mod node;
mod read;

pub use json::parse_json;
pub(crate) use load::{finish, load_into, parse_text};
pub use load::{load_spec, load_value, read_spec};
pub use model::{Api, Info, ParamIn, ParamStyle, Parameter, Response, Schema, SchemaKind, Spec};
pub use read::{read_text, Limits, DEFAULT_MAX_BYTES};
