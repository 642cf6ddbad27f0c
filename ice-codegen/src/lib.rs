//! Spec model (Alibaba api-docs), resolved IR, and Rust / JSON Schema emitters for the ICE SDK.
