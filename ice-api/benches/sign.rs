//! Cost of signing a typical SubmitSceneMediaSelectionJob (≈600-byte form body, 3 query
//! parameters) with ACS3-HMAC-SHA256. Budget for validate + encode + sign: ≤ 3 µs.
//!
//! Run: `cargo bench -p ice-api --bench sign -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

use ice_api::runtime::credentials::Credentials;
use ice_api::runtime::sign::{percent, sign_v3, V3Input};
use ice_api::{Location, WireParams};

const INPUT_CONFIG: &str = r#"{"MediaArray":["****9d46c886b45481030f6e****","****c886b45481030f6e9d46****","****45481030f6e9d46c886b****"],"Sentence":"夏日海边的清晨","Title":"Summer highlights 2026"}"#;
const EDITING_CONFIG: &str = r#"{"Script":[{"Text":"第一段 opening shot","Duration":3.5},{"Text":"second scene","Duration":4}],"Music":{"Volume":0.8,"Loop":true}}"#;
const OUTPUT_CONFIG: &str = r#"{"MediaURL":"https://bucket.oss-cn-shanghai.aliyuncs.com/out/{index}.mp4","Count":2,"Width":1080,"Height":1920}"#;
const USER_DATA: &str = r#"{"NotifyAddress":"https://example.com/callback"}"#;

fn wire() -> WireParams {
    let mut w = WireParams::new();
    w.push(Location::Query, "JobType", "Mixcut");
    w.push(Location::Query, "OutputConfig", OUTPUT_CONFIG);
    w.push(Location::Query, "UserData", USER_DATA);
    w.push(Location::Form, "EditingConfig", EDITING_CONFIG);
    w.push(Location::Form, "InputConfig", INPUT_CONFIG);
    w
}

const HEADERS: [(&str, &str); 5] = [
    ("host", "ice.cn-shanghai.aliyuncs.com"),
    ("x-acs-action", "SubmitSceneMediaSelectionJob"),
    ("x-acs-version", "2020-11-09"),
    ("content-type", "application/x-www-form-urlencoded"),
    ("accept", "application/json"),
];

fn bench(c: &mut Criterion) {
    let creds = Credentials::new("LTAI5tTestAccessKeyId", "TestAccessKeySecret");
    let w = wire();
    let body = percent::form_body(w.form());
    assert!(
        (550..750).contains(&body.len()),
        "body is {} bytes",
        body.len()
    );

    // Scale reference for the figures below on a shared machine: SHA-256 of 1 KiB.
    let kib = vec![0x5a_u8; 1024];
    c.bench_function("reference_sha256_1kib", |b| {
        b.iter(|| <sha2::Sha256 as sha2::Digest>::digest(black_box(&kib)))
    });

    c.bench_function("form_body", |b| {
        b.iter(|| percent::form_body(black_box(w.form())))
    });
    c.bench_function("canonical_query", |b| {
        b.iter(|| percent::canonical_query(black_box(w.query())))
    });

    // The same two encodings through the `percent-encoding` crate (already in every build via
    // `url`), to keep `runtime/sign/percent.rs` honest: its module doc quotes these figures.
    assert_eq!(by_crate::form_body(w.form()), body);
    assert_eq!(
        by_crate::canonical_query(w.query()),
        percent::canonical_query(w.query())
    );
    c.bench_function("form_body_percent_encoding_crate", |b| {
        b.iter(|| by_crate::form_body(black_box(w.form())))
    });
    c.bench_function("canonical_query_percent_encoding_crate", |b| {
        b.iter(|| by_crate::canonical_query(black_box(w.query())))
    });

    // The floor of any ACS3 signer: hash the body, hash the canonical request, one HMAC.
    let signed = sign_v3(&V3Input {
        method: "POST",
        path: "/",
        query: w.query(),
        headers: &HEADERS,
        body: body.as_bytes(),
        date: "2026-11-24T01:00:00Z",
        nonce: "e9af8d2cdde25a28e2689beda2c6bab8",
        credentials: &creds,
    })
    .expect("signs");
    let cr = signed.canonical_request().to_owned();
    let sts = signed.string_to_sign().to_owned();
    eprintln!("body {} B, canonical request {} B", body.len(), cr.len());
    c.bench_function("reference_hashes_only", |b| {
        use hmac::{KeyInit, Mac};
        use sha2::Digest;
        b.iter(|| {
            let h1 = sha2::Sha256::digest(black_box(body.as_bytes()));
            let h2 = sha2::Sha256::digest(black_box(cr.as_bytes()));
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"TestAccessKeySecret")
                .expect("any key length");
            mac.update(black_box(sts.as_bytes()));
            (h1, h2, mac.finalize().into_bytes())
        })
    });

    c.bench_function("sign_v3", |b| {
        b.iter(|| {
            sign_v3(black_box(&V3Input {
                method: "POST",
                path: "/",
                query: w.query(),
                headers: &HEADERS,
                body: body.as_bytes(),
                date: "2026-11-24T01:00:00Z",
                nonce: "e9af8d2cdde25a28e2689beda2c6bab8",
                credentials: &creds,
            }))
        })
    });
    // The whole per-call pipeline on the typed seed request (validate + encode + form body + sign)
    // is measured by `benches/hot_path.rs` (the client's one-pass path, against the hashing
    // floor) and `benches/submit_pipeline.rs` (the public decoded path).
}

/// `runtime/sign/percent.rs`'s form body and canonical query built on `percent-encoding`.
mod by_crate {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

    /// Everything but RFC 3986's unreserved `A-Za-z0-9-_.~` is encoded.
    const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');

    fn join(pairs: &[(String, String)], plus_for_space: bool) -> String {
        let mut refs: Vec<&(String, String)> = pairs.iter().collect();
        refs.sort_unstable();
        // The same capacity guess as the hand-written encoder.
        let raw: usize = pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
        let mut out = String::with_capacity(raw * 2);
        let push = |out: &mut String, s: &str| {
            for chunk in utf8_percent_encode(s, RFC3986) {
                out.push_str(if plus_for_space && chunk == "%20" {
                    "+"
                } else {
                    chunk
                });
            }
        };
        for (i, (k, v)) in refs.into_iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            push(&mut out, k);
            out.push('=');
            push(&mut out, v);
        }
        out
    }

    pub fn form_body(pairs: &[(String, String)]) -> String {
        join(pairs, true)
    }

    pub fn canonical_query(pairs: &[(String, String)]) -> String {
        join(pairs, false)
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
