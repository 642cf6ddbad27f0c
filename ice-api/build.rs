//! Sets `cfg(ice_op = "<Action>")` for every operation of the generated crate, read from the list
//! `cargo xtask codegen` writes. Examples, tests and docs that need one operation gate themselves
//! on it, so a crate regenerated from a spec without that operation still builds and tests.

use std::fs;

fn main() {
    let list = "src/generated/operations.txt";
    println!("cargo::rerun-if-changed={list}");
    println!("cargo::rustc-check-cfg=cfg(ice_op, values(any()))");
    // A missing list means a broken checkout; the build then fails on the generated modules.
    let text = fs::read_to_string(list).unwrap_or_default();
    for action in text.lines().map(str::trim) {
        if !action.is_empty() && !action.starts_with('#') {
            println!("cargo::rustc-cfg=ice_op=\"{action}\"");
        }
    }
}
