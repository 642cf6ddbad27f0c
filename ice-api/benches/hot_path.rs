//! The per-call hot path against its floor, in one run (issue 11):
//!
//! - `floor/acs3_hashes`: the work no ACS3 signer can skip, on the exact bytes the pipeline
//!   produces: SHA-256 of the form body, SHA-256 of the canonical request, and the HMAC chain
//!   (HMAC-SHA256 keyed with the secret, over the string to sign).
//! - `seed/validate_encode_sign`: what the client does per call before the network on the seed
//!   `SubmitSceneMediaSelectionJob`: validate, encode, form body, ACS3 signature.
//! - `seed/client_call`: the whole `Client::send` of the seed request through an in-process
//!   transport (`Client::with_transport`, no sockets): credentials, signing, headers, URL, the
//!   bounded body read, the one-pass decode of the answer.
//! - `decode/get_2_4kb`, `decode/list_100`: the 2xx decode of a `GetBatchMediaProducingJob`
//!   body (the fixture `tests/fixtures/jobs/responses/GetBatchMediaProducingJob.json`, as
//!   stored: 1.7 KB; the id keeps the name) and of a 100-job
//!   `ListBatchMediaProducingJobs` page (the list fixture's envelope holding 100 copies of that
//!   job in its list form, without `SubJobList`: ≈100 KB), through `decode_success`, which is
//!   what the client runs on every 2xx body (typed value, `RequestId` and the error-object
//!   check in one pass).
//!
//! After the group, one line per benchmark gives its time as a multiple of the floor (read
//! from criterion's estimates of this run).
//!
//! Run: `cargo bench -p ice-api --bench hot_path -- --warm-up-time 1 --measurement-time 3`

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::hint::black_box;
use std::path::PathBuf;
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;

use ice_api::media_production::{
    GetBatchMediaProducingJobRequest, ListBatchMediaProducingJobsRequest,
};
use ice_api::runtime::client::sign_operation;
use ice_api::runtime::credentials::Credentials;
use ice_api::runtime::response::decode_success;
use ice_api::runtime::sign::{percent, sign_v3, SignedV3, V3Input};
use ice_api::{Client, Config, EncodeWire};

#[path = "support/seed.rs"]
mod seed;

const GROUP: &str = "hot_path";
const FLOOR: &str = "floor/acs3_hashes";

const GET_FIXTURE: &str =
    include_str!("../tests/fixtures/jobs/responses/GetBatchMediaProducingJob.json");
const LIST_FIXTURE: &str =
    include_str!("../tests/fixtures/jobs/responses/ListBatchMediaProducingJobs.json");

/// Validate, encode, form body, sign: the client's work per call before the network
/// (`sign_operation` runs the client's own steps).
fn validate_encode_sign(
    req: &ice_api::media_production::SubmitSceneMediaSelectionJobRequest,
    creds: &Credentials,
) -> (Bytes, SignedV3) {
    sign_operation(req, &seed::HEADERS, creds, seed::DATE, seed::NONCE).expect("signs")
}

/// An in-process ICE answering every request with the same 2xx body.
#[derive(Clone)]
struct Answer(Bytes);

impl tower_service::Service<http::Request<Bytes>> for Answer {
    type Response = http::Response<Bytes>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Request<Bytes>) -> Self::Future {
        let mut response = http::Response::new(self.0.clone());
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json;charset=utf-8"),
        );
        ready(Ok(response))
    }
}

fn compact(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("a JSON value serialises")
}

/// The 100-job list page: the list fixture's envelope around 100 copies of the Get fixture's
/// job as `ListBatchMediaProducingJobs` shows it (no `SubJobList`), each with its own id.
fn list_page(get: &Value, list: &Value) -> Vec<u8> {
    let mut job = get["EditingBatchJob"].clone();
    if let Some(o) = job.as_object_mut() {
        o.remove("SubJobList");
    }
    let jobs: Vec<Value> = (0..100)
        .map(|i| {
            let mut j = job.clone();
            j["JobId"] = Value::String(format!("****{i:04}8e81933a4e8d8b4bd1f5****"));
            j
        })
        .collect();
    let mut page = list.clone();
    page["EditingBatchJobList"] = Value::Array(jobs);
    page["MaxResults"] = Value::from(100);
    compact(&page)
}

fn bench(c: &mut Criterion) {
    let started = SystemTime::now();
    let creds = Credentials::new(seed::ACCESS_KEY_ID, seed::ACCESS_KEY_SECRET);
    let req = seed::request();

    // The exact bytes the pipeline hashes.
    let (body, signed) = validate_encode_sign(&req, &creds);
    let canonical = signed.canonical_request().to_owned();
    let to_sign = signed.string_to_sign().to_owned();
    // The same bytes as the decoded encoding and the public signer produce.
    let wire = req.to_wire().expect("encodes");
    assert_eq!(percent::form_body(wire.form()).as_bytes(), &body[..]);
    let public = sign_v3(&V3Input {
        method: "POST",
        path: "/",
        query: wire.query(),
        headers: &seed::HEADERS,
        body: &body,
        date: seed::DATE,
        nonce: seed::NONCE,
        credentials: &creds,
    })
    .expect("signs");
    assert_eq!(public.canonical_request(), canonical);
    assert_eq!(public.authorization(), signed.authorization());

    let get: Value = serde_json::from_str(GET_FIXTURE).expect("the Get fixture is JSON");
    let list: Value = serde_json::from_str(LIST_FIXTURE).expect("the List fixture is JSON");
    let get_body = GET_FIXTURE.as_bytes();
    let list_body = list_page(&get, &list);
    // The seed call's answer: the fixture's request id and job id, as SubmitSceneMediaSelectionJob
    // returns them.
    let submit_answer = compact(&serde_json::json!({
        "RequestId": get["RequestId"],
        "JobId": get["EditingBatchJob"]["JobId"],
    }));
    eprintln!(
        "form body {} B, canonical request {} B; Get body {} B, List body {} B (100 jobs)",
        body.len(),
        canonical.len(),
        get_body.len(),
        list_body.len()
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let config = Config::builder()
        .region("cn-shanghai")
        .credentials(creds.clone())
        .build()
        .expect("a config");
    let client =
        Client::with_transport(config, Answer(Bytes::from(submit_answer))).expect("a client");
    let answer = rt
        .block_on(client.send(&req))
        .expect("the seed call succeeds");
    assert_eq!(
        Some(answer.job_id.as_str()),
        get["EditingBatchJob"]["JobId"].as_str()
    );

    let mut g = c.benchmark_group(GROUP);
    g.bench_function(FLOOR, |b| {
        use hmac::{KeyInit, Mac};
        use sha2::Digest;
        b.iter(|| {
            let h1 = sha2::Sha256::digest(black_box(&body[..]));
            let h2 = sha2::Sha256::digest(black_box(canonical.as_bytes()));
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(black_box(
                seed::ACCESS_KEY_SECRET.as_bytes(),
            ))
            .expect("HMAC takes any key length");
            mac.update(black_box(to_sign.as_bytes()));
            (h1, h2, mac.finalize().into_bytes())
        })
    });
    g.bench_function("seed/validate_encode_sign", |b| {
        b.iter(|| validate_encode_sign(black_box(&req), &creds))
    });
    g.bench_function("seed/client_call", |b| {
        b.iter(|| rt.block_on(client.send(black_box(&req))))
    });
    g.bench_function("decode/get_2_4kb", |b| {
        b.iter(|| decode_success::<GetBatchMediaProducingJobRequest>(200, black_box(get_body)))
    });
    g.bench_function("decode/list_100", |b| {
        b.iter(|| decode_success::<ListBatchMediaProducingJobsRequest>(200, black_box(&list_body)))
    });
    g.finish();
    assert!(decode_success::<GetBatchMediaProducingJobRequest>(200, get_body).is_ok());
    assert!(decode_success::<ListBatchMediaProducingJobsRequest>(200, &list_body).is_ok());

    ratios(started);
}

/// Prints each benchmark of this run as a multiple of the floor, from criterion's estimates
/// (`<target>/criterion/hot_path/<id>/new/estimates.json`); results of earlier runs are skipped.
fn ratios(since: SystemTime) {
    let Some(dir) = criterion_dir().map(|d| d.join(GROUP)) else {
        eprintln!("ratios: criterion's output directory not found");
        return;
    };
    let estimate = |id: &str| -> Option<f64> {
        let file = dir.join(id.replace('/', "_")).join("new/estimates.json");
        let fresh = std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= since);
        let v: Value = serde_json::from_slice(&std::fs::read(&file).ok()?).ok()?;
        let point = |k: &str| v.get(k)?.get("point_estimate")?.as_f64();
        fresh.then(|| point("slope").or_else(|| point("mean")))?
    };
    let Some(floor) = estimate(FLOOR) else {
        eprintln!("ratios: the floor did not run");
        return;
    };
    println!("\n{GROUP}: ratio to {FLOOR} ({:.3} µs)", floor / 1e3);
    for id in [
        "seed/validate_encode_sign",
        "seed/client_call",
        "decode/get_2_4kb",
        "decode/list_100",
    ] {
        if let Some(t) = estimate(id) {
            println!("  {id:<28} {:>10.3} µs  {:>7.2}× floor", t / 1e3, t / floor);
        }
    }
}

/// Where criterion writes: `$CRITERION_HOME`, else `<target dir>/criterion`, the target
/// directory being `$CARGO_TARGET_DIR` or the one this benchmark binary was built into.
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    // <target>/release/deps/hot_path-…
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

criterion_group!(benches, bench);
criterion_main!(benches);
