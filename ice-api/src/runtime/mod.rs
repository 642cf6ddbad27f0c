//! Hand-written runtime shared by every generated operation.

pub mod credentials;
pub mod operation;
pub mod sign;
pub mod validate;
pub mod wire;
