//! Issue-3 budget: validate + encode + sign one typical `SubmitSceneMediaSelectionJob`
//! (typed configs, ≈600-byte form body, 3 query parameters) in ≤ 3 µs. This is exactly what the
//! client does per call before the network: `Validate::validated`, `EncodeWire::to_wire`, the
//! form body, and ACS3-HMAC-SHA256.
//!
//! Run: `cargo bench -p ice-api --bench submit_pipeline -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

use ice_api::runtime::credentials::Credentials;
use ice_api::runtime::sign::{percent, sign_v3, V3Input};
use ice_api::{EncodeWire, Validate};

#[path = "support/seed.rs"]
mod seed;
use seed::{request, HEADERS};

fn bench(c: &mut Criterion) {
    let creds = Credentials::new(seed::ACCESS_KEY_ID, seed::ACCESS_KEY_SECRET);
    let req = request();
    let wire = req.to_wire().expect("encodes");
    let body = percent::form_body(wire.form());
    eprintln!(
        "form body {} B, {} query params, {} form params",
        body.len(),
        wire.query().len(),
        wire.form().len()
    );

    c.bench_function("validate", |b| b.iter(|| black_box(&req).validated()));
    c.bench_function("encode", |b| b.iter(|| black_box(&req).to_wire()));
    c.bench_function("validate_encode_sign_v3", |b| {
        b.iter(|| {
            let req = black_box(&req);
            req.validated().expect("valid");
            let wire = req.to_wire().expect("encodes");
            let body = percent::form_body(wire.form());
            let signed = sign_v3(&V3Input {
                method: "POST",
                path: "/",
                query: wire.query(),
                headers: &HEADERS,
                body: body.as_bytes(),
                date: seed::DATE,
                nonce: seed::NONCE,
                credentials: &creds,
            });
            black_box((body, signed))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
