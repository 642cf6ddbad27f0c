//! Spec model (Alibaba api-docs), resolved IR, and Rust / JSON Schema emitters for the ICE SDK.
//!
//! Pipeline: [`spec`] (JSON → typed model, pointer-precise errors) + [`overlay`] (YAML) →
//! [`resolve`] → [`ir`] → emitters ([`emit::rust`], [`emit::schema`]). Maintenance: [`import`]
//! (any api-docs file → the committed form) and [`diff`] (what changed between two specs, and
//! what it breaks).

pub mod diff;
pub mod emit;
pub mod import;
pub mod ir;
pub mod names;
pub mod output;
pub mod overlay;
pub mod pipeline;
pub mod resolve;
pub mod spec;

pub use output::{CodegenError, CodegenErrors, Diagnostics, GeneratedFile};
