//! Hand-written runtime shared by every generated operation.

pub mod client;
pub mod config;
pub mod credentials;
pub(crate) mod de;
pub mod endpoint;
pub mod error;
pub mod json_field;
pub mod number;
pub mod operation;
pub mod pagination;
pub mod paginator;
pub mod rate_limit;
pub mod redact;
pub mod response;
pub mod retry;
pub mod sign;
pub(crate) mod tls;
pub mod validate;
pub mod waiter;
pub mod wire;
