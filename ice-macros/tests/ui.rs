//! Compile-fail snapshots for every `#[ice(...)]` diagnostic, plus expansions that must compile
//! warning-free. Refresh snapshots with `TRYBUILD=overwrite cargo test -p ice-macros --test ui`
//! and review each `.stderr`: the caret must sit under the offending token.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
