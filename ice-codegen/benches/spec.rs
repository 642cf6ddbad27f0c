//! Cost of reading specs: the duplicate-key-detecting JSON parse against plain
//! `serde_json::from_str::<Value>` on the committed spec (≈2 MB), the whole accumulating load, and
//! the `cargo xtask diff` pipeline (both files prepared the way import does, then compared) of the
//! committed spec against the stripped 2025 copy when `../shared/` (or `$ICE_SHARED_DIR`) has it.
//! Budget for that diff: under 1 s.
//!
//! Run: `cargo bench -p ice-codegen --bench spec -- --warm-up-time 1 --measurement-time 5`

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use ice_codegen::import::{prepare_file, ImportOptions};
use ice_codegen::spec::{load_spec, parse_json};
use ice_codegen::Diagnostics;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bench(c: &mut Criterion) {
    let spec = root().join("specs/ice/2020-11-09/api-docs.json");
    let text = std::fs::read_to_string(&spec).expect("committed spec");
    let file = Path::new("api-docs.json");
    let mut g = c.benchmark_group("committed spec");
    g.sample_size(20);
    g.bench_function("serde_json::from_str::<Value>", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&text)).expect("JSON"))
    });
    g.bench_function("parse_json (duplicate keys reported)", |b| {
        b.iter(|| {
            let mut diag = Diagnostics::new();
            parse_json(file, black_box(&text), &mut diag).expect("JSON")
        })
    });
    g.bench_function("load_spec (parse + load + checks)", |b| {
        b.iter(|| load_spec(file, black_box(&text)).expect("valid"))
    });
    g.finish();

    let shared = std::env::var_os("ICE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"));
    let stripped =
        shared.join("ice-api-docs-published/ice-2020-11-09.api-docs.2025-12-03.stripped.json");
    if !stripped.is_file() {
        eprintln!("diff bench skipped: {} is absent", stripped.display());
        return;
    }
    let options = ImportOptions {
        allow_missing_responses: true,
        ..ImportOptions::default()
    };
    let mut g = c.benchmark_group("diff committed vs 2025 stripped");
    g.sample_size(20);
    g.bench_function("prepare both + diff", |b| {
        b.iter(|| {
            let old = prepare_file(&spec, &options).expect("committed");
            let new = prepare_file(&stripped, &options).expect("stripped");
            ice_codegen::diff::diff(&old.spec, &new.spec)
        })
    });
    let old = prepare_file(&spec, &options).expect("committed");
    let new = prepare_file(&stripped, &options).expect("stripped");
    g.bench_function("diff only", |b| {
        b.iter(|| ice_codegen::diff::diff(black_box(&old.spec), black_box(&new.spec)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
