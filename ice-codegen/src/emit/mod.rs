//! Emitters: Rust source ([`rust`]) and JSON Schema ([`schema`]), both from the same [`crate::ir`].

pub mod docs;
pub mod rust;
pub mod schema;
