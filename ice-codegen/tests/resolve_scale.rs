//! Shapes that made the old resolver exponential or recursive: a diamond of shared `$ref`s 40
//! deep (2^40 paths to the leaf) and an acyclic chain of 10,000 components. Both resolve, emit
//! Rust and emit JSON Schemas in time linear in the components (well under a second in release;
//! the bound here is loose enough for a debug build on a loaded machine, an exponential walk never
//! finishes).

use std::path::Path;
use std::time::{Duration, Instant};

use ice_codegen::overlay::Overlay;
use ice_codegen::resolve::{resolve, Options};
use ice_codegen::spec::load_spec;
use serde_json::{json, Value};

/// Components `C0 … C{n}`; each of the first `n` holds `Left` (and with `diamond`, `Right`), both
/// references to the next; the last holds a string `Leaf`.
fn components(n: usize, diamond: bool) -> Value {
    let mut schemas = serde_json::Map::new();
    for i in 0..n {
        let next = json!({"$ref": format!("#/components/schemas/C{}", i + 1)});
        let mut props = serde_json::Map::new();
        props.insert("Left".into(), next.clone());
        if diamond {
            props.insert("Right".into(), next);
        }
        schemas.insert(
            format!("C{i}"),
            json!({"type": "object", "properties": props}),
        );
    }
    schemas.insert(
        format!("C{n}"),
        json!({"type": "object", "properties": {"Leaf": {"type": "string"}}}),
    );
    json!({
        "info": {"style": "RPC", "product": "ICE", "version": "2020-11-09"},
        "components": {"schemas": schemas},
        "apis": {"GetThing": {
            "methods": ["post"],
            "parameters": [{"name": "Root", "in": "query", "style": "json",
                "schema": {"$ref": "#/components/schemas/C0"}}],
            "responses": {"200": {"schema": {"type": "object", "properties": {
                "RequestId": {"type": "string"},
                "Root": {"$ref": "#/components/schemas/C0"}}}}}
        }}
    })
}

/// Resolves and emits everything; returns the number of generated types and the time taken.
fn run(v: &Value) -> (usize, Duration) {
    let text = v.to_string();
    let started = Instant::now();
    let spec = load_spec(Path::new("spec.json"), &text).expect("valid spec");
    let resolved = resolve(&spec, &Overlay::default(), Options::default()).expect("resolves");
    let rust = ice_codegen::emit::rust::generate(&resolved.api).expect("emits Rust");
    let schemas = ice_codegen::emit::schema::schemas(&resolved.api);
    let elapsed = started.elapsed();
    assert!(!rust.is_empty() && !schemas.is_empty());
    (resolved.api.types.len(), elapsed)
}

const BOUND: Duration = Duration::from_secs(10);

#[test]
fn a_shared_ref_diamond_40_deep_resolves_once_per_component() {
    let (types, elapsed) = run(&components(40, true));
    // Every component becomes exactly one type, however many paths reach it.
    assert_eq!(types, 41, "one type per component");
    assert!(elapsed < BOUND, "took {elapsed:?}");
    eprintln!("diamond 40 deep: {elapsed:?}");
}

#[test]
fn a_reference_chain_10000_long_resolves_without_recursing() {
    // Run on a thread with a small stack: a walk that recursed per reference would overflow it.
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| run(&components(10_000, false)))
        .expect("thread");
    let (types, elapsed) = handle.join().expect("no stack overflow, no panic");
    assert_eq!(types, 10_001, "one type per component");
    assert!(elapsed < BOUND, "took {elapsed:?}");
    eprintln!("chain of 10,000: {elapsed:?}");
}
