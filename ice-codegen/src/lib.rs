//! Spec model (Alibaba api-docs), resolved IR, and Rust / JSON Schema emitters for the ICE SDK.

pub mod configs;
pub mod output;

pub use output::{CodegenError, GeneratedFile};
