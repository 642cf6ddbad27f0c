//! The client against servers that misbehave on purpose (issue 14): oversized bodies, redirects,
//! error objects in 2xx answers, resets and drips, and answers that echo credentials. Each test
//! asserts what a caller relies on: the error kind and message, the attempts made, how many
//! requests the server saw, and (for the 500 MB body) the memory the client used, measured in a
//! child process.

mod hostile_support;

use std::time::{Duration, Instant};

use hostile_support::{assert_no_secret, capture_tracing, secret_forms, Act, Hostile, Received};
use ice_api::media_production::{
    GetBatchMediaProducingJobRequest, MediaGroup, OutputConfig, ScriptInputConfig,
    SubmitBatchMediaProducingJobRequest,
};
use ice_api::runtime::config::DEFAULT_MAX_RESPONSE_BYTES;
use ice_api::runtime::credentials::Credentials;
use ice_api::runtime::error::MAX_SNIPPET_BYTES;
use ice_api::runtime::sign::string_to_sign_v2;
use ice_api::{
    Auth, Client, Config, ConfigBuilder, EncodeError, EncodeWire, ErrorKind, HttpMethod, Location,
    Operation, RawRequest, RetryPolicy, SignatureVersion, TransportKind, Validate, WireParams,
};
use serde::Deserialize;

const AK: &str = "LTAI5tHostileKeyId0042";
const SECRET: &str = "hostile-SeCrEt-v4lue-0123456789";
const STS_AK: &str = "STS.NHostileTemporaryKey42";
const STS_SECRET: &str = "hostile-sts-SeCrEt-77xq-abcdef";
/// With `+`, `/` and `=`, so its encoded forms differ from the raw one.
const STS_TOKEN: &str = "CAIS+hostile/T0KEN+with/slash=and+plus==abcdefghijklmnop";

fn config(server: &Hostile) -> ConfigBuilder {
    Config::builder()
        .endpoint(server.url())
        .credentials(Credentials::new(AK, SECRET))
        .retry_policy(RetryPolicy::new().with_base_delay(Duration::from_millis(1)))
}

fn client(builder: ConfigBuilder) -> Client {
    Client::new(builder.build().expect("config")).expect("client")
}

fn sts() -> Credentials {
    Credentials::new(STS_AK, STS_SECRET).with_security_token(STS_TOKEN)
}

fn submit() -> SubmitBatchMediaProducingJobRequest {
    SubmitBatchMediaProducingJobRequest::new(ScriptInputConfig::new([MediaGroup::new("g", ["m1"])]))
        .with_output_config(
            OutputConfig::new("https://b.oss-cn-shanghai.aliyuncs.com/o_{index}.mp4").with_count(1),
        )
}

fn get() -> GetBatchMediaProducingJobRequest {
    GetBatchMediaProducingJobRequest::new("job-1")
}

fn kind_name(e: &ice_api::Error) -> &'static str {
    match e.kind() {
        ErrorKind::Config(_) => "Config",
        ErrorKind::Validation(_) => "Validation",
        ErrorKind::Encode(_) => "Encode",
        ErrorKind::Credentials(_) => "Credentials",
        ErrorKind::Transport(_) => "Transport",
        ErrorKind::Service(_) => "Service",
        ErrorKind::Decode(_) => "Decode",
        _ => "other",
    }
}

// ---------------------------------------------------------------------------------------------
// Response-size cap

#[tokio::test]
async fn streamed_body_over_the_cap_is_a_decode_error_naming_the_limit() {
    let cap = 64 * 1024;
    let server = Hostile::start(vec![Act::Stream {
        status: 200,
        headers: vec![("x-acs-request-id".into(), "req-big".into())],
        prefix: br#"{"RequestId":"req-big","Pad":""#.to_vec(),
        len: 10 * 1024 * 1024,
        announce: false,
    }])
    .await;
    let err = client(config(&server).max_response_bytes(cap))
        .send(&get())
        .await
        .unwrap_err();
    let ErrorKind::Decode(d) = err.kind() else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.body_limit, Some(cap));
    assert_eq!(d.status, 200);
    assert!(d
        .body_snippet
        .starts_with(r#"{"RequestId":"req-big","Pad":"xxx"#));
    assert_eq!(err.request_id(), Some("req-big"));
    assert!(
        err.to_string().contains("larger than the 65536-byte limit"),
        "{err}"
    );
    assert_eq!(err.attempts(), 1, "a body over the cap is not retried");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn announced_length_over_the_cap_fails_without_reading_the_body() {
    let server = Hostile::start(vec![Act::Stream {
        status: 200,
        headers: vec![],
        prefix: vec![],
        len: 500 * 1024 * 1024,
        announce: true,
    }])
    .await;
    let started = Instant::now();
    let err = client(config(&server)).send(&get()).await.unwrap_err();
    let ErrorKind::Decode(d) = err.kind() else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.body_limit, Some(DEFAULT_MAX_RESPONSE_BYTES));
    assert!(err.to_string().contains(&format!(
        "larger than the {DEFAULT_MAX_RESPONSE_BYTES}-byte limit"
    )));
    // 500 MB over loopback would take seconds; refusing it takes milliseconds.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn body_of_exactly_the_cap_is_accepted() {
    let cap = 4096;
    let head = r#"{"RequestId":"req-fit","EditingBatchJob":{},"Pad":""#;
    let body = format!("{head}{}\"}}", "p".repeat(cap - head.len() - 2));
    assert_eq!(body.len(), cap);
    let server = Hostile::start(vec![Act::json(200, &body)]).await;
    let resp = client(config(&server).max_response_bytes(cap))
        .send(&get())
        .await
        .expect("a body of exactly the cap fits");
    assert_eq!(resp.request_id.as_deref(), Some("req-fit"));
}

#[tokio::test]
async fn huge_error_page_is_read_only_to_its_bound() {
    let server = Hostile::start(vec![Act::Stream {
        status: 500,
        headers: vec![("content-type".into(), "text/html".into())],
        prefix: b"<html><body>Internal error".to_vec(),
        len: 50 * 1024 * 1024,
        announce: false,
    }])
    .await;
    let err = client(config(&server)).send(&submit()).await.unwrap_err();
    let s = err.service().expect("a service error");
    assert_eq!(s.status, 500);
    assert_eq!(s.code, None);
    let snippet = s.body_snippet.as_deref().unwrap_or_default();
    assert!(
        snippet.starts_with("<html><body>Internal error"),
        "{snippet}"
    );
    assert!(snippet.len() <= MAX_SNIPPET_BYTES);
    assert_eq!(err.attempts(), 1, "a 500 after a Submit is not re-sent");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn error_object_cut_at_the_bound_keeps_the_fields_before_the_cut() {
    // A SignatureDoesNotMatch whose message echoes a huge string to sign.
    let body = format!(
        r#"{{"RequestId":"req-cut","HostId":"ice.cn-shanghai.aliyuncs.com","Code":"SignatureDoesNotMatch","Message":"server string to sign is:{}"}}"#,
        "A".repeat(1024 * 1024)
    );
    let server = Hostile::start(vec![Act::json(400, &body)]).await;
    let err = client(config(&server)).send(&get()).await.unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(err.request_id(), Some("req-cut"));
    assert_eq!(err.message(), None, "the message was cut");
    let snippet = err.service().unwrap().body_snippet.clone().unwrap();
    assert!(
        snippet.starts_with(r#"{"RequestId":"req-cut""#),
        "{snippet}"
    );
    assert!(err
        .to_string()
        .contains("HTTP 400 SignatureDoesNotMatch: body starts: {"));
}

/// Name of the RSS test; the child process runs exactly this test again.
const RSS_TEST: &str = "five_hundred_mb_body_keeps_client_rss_under_cap_plus_64_mb";
/// Set in the child: the server URL.
const RSS_CHILD_ENV: &str = "ICE_HOSTILE_RSS_CHILD_URL";

/// `VmHWM` (peak resident set size) of this process, in KiB.
#[cfg(target_os = "linux")]
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .expect("/proc/self/status")
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// The child: one client with the default cap, a 50 MB error page, then a 500 MB success body.
/// Prints `HOSTILE_RSS start=<KiB> after_error=<KiB> after_500mb=<KiB>` for the parent.
#[cfg(target_os = "linux")]
async fn rss_child(url: String) {
    let client = Client::new(
        Config::builder()
            .endpoint(url)
            .credentials(Credentials::new(AK, SECRET))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap(),
    )
    .unwrap();
    let start = peak_rss_kib();
    let err = client.send(&get()).await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    let after_error = peak_rss_kib();
    let err = client.send(&get()).await.unwrap_err();
    let ErrorKind::Decode(d) = err.kind() else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.body_limit, Some(DEFAULT_MAX_RESPONSE_BYTES));
    let after = peak_rss_kib();
    println!("HOSTILE_RSS start={start} after_error={after_error} after_500mb={after}");
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn five_hundred_mb_body_keeps_client_rss_under_cap_plus_64_mb() {
    if let Ok(url) = std::env::var(RSS_CHILD_ENV) {
        return rss_child(url).await;
    }
    let server = Hostile::start(vec![
        Act::Stream {
            status: 500,
            headers: vec![("content-type".into(), "text/html".into())],
            prefix: b"<html>".to_vec(),
            len: 50 * 1024 * 1024,
            announce: false,
        },
        Act::Stream {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            prefix: br#"{"RequestId":"req-500mb","Pad":""#.to_vec(),
            len: 500 * 1024 * 1024,
            announce: false,
        },
    ])
    .await;
    let exe = std::env::current_exe().expect("test binary");
    let url = server.url();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe)
            .args([RSS_TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(RSS_CHILD_ENV, url)
            .output()
            .expect("run the child")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The harness prints the test name on the same line.
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("HOSTILE_RSS ").map(|(_, m)| m))
        .unwrap_or_else(|| panic!("no measurement in:\n{stdout}"));
    println!("child peak RSS (KiB): {line}");
    let value = |key: &str| -> u64 {
        line.split(' ')
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    let bound_kib = (DEFAULT_MAX_RESPONSE_BYTES as u64 + 64 * 1024 * 1024) / 1024;
    assert!(
        value("after_500mb") < bound_kib,
        "peak RSS {} KiB ≥ cap + 64 MiB = {bound_kib} KiB",
        value("after_500mb")
    );
    // The 50 MB error page cost at most a few MiB over the start.
    assert!(
        value("after_error") < value("start") + 8 * 1024,
        "error page raised the peak from {} to {} KiB",
        value("start"),
        value("after_error")
    );
    assert_eq!(server.count(), 2);
}

// ---------------------------------------------------------------------------------------------
// Redirects and false success

#[tokio::test]
async fn redirect_with_a_success_body_is_an_error_naming_status_and_location() {
    let server = Hostile::start(vec![Act::json(
        302,
        r#"{"RequestId":"req-302","JobId":"****fake****"}"#,
    )
    .with_header(
        "location",
        &format!("https://portal.example.com/login?SecurityToken={STS_TOKEN}&from=ice"),
    )])
    .await;
    let (logs, guard) = capture_tracing();
    let err = client(config(&server).credentials(sts()))
        .send(&submit())
        .await
        .unwrap_err();
    drop(guard);
    let s = err
        .service()
        .expect("a service error, not Ok and not a decode error");
    assert_eq!(s.status, 302);
    assert!(s.is_redirect());
    assert_eq!(
        s.location.as_deref(),
        Some("https://portal.example.com/login?SecurityToken=***&from=ice")
    );
    let line = err.to_string();
    assert!(
        line.contains("HTTP 302 redirect to https://portal.example.com/login?SecurityToken=***&from=ice not followed"),
        "{line}"
    );
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.count(), 1, "the redirect was not followed");
    assert_no_secret(
        "302 Location",
        &err,
        &logs.text(),
        &secret_forms(&[STS_TOKEN, STS_SECRET]),
    );
}

#[tokio::test]
async fn moved_permanently_is_a_redirect_error_even_for_idempotent_calls() {
    let server = Hostile::start(vec![Act::Respond {
        status: 301,
        headers: vec![("location".into(), "http://ice.example.net/".into())],
        body: b"<html>Moved</html>".to_vec(),
    }])
    .await;
    let err = client(config(&server)).send(&get()).await.unwrap_err();
    let s = err.service().expect("a service error");
    assert_eq!(
        (s.status, s.location.as_deref()),
        (301, Some("http://ice.example.net/"))
    );
    assert!(err
        .to_string()
        .contains("HTTP 301 redirect to http://ice.example.net/ not followed"));
    assert_eq!(
        server.count(),
        1,
        "a redirect is neither followed nor retried"
    );
}

#[tokio::test]
async fn gateway_error_object_in_a_200_is_a_service_error() {
    let server = Hostile::start(vec![Act::json(
        200,
        r#"{"RequestId":"req-env","HostId":"ice.cn-shanghai.aliyuncs.com","Code":"InvalidParameter","Message":"The specified parameter \"InputConfig\" is not valid."}"#,
    )])
    .await;
    let err = client(config(&server)).send(&submit()).await.unwrap_err();
    assert_eq!(kind_name(&err), "Service");
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.code(), Some("InvalidParameter"));
    assert_eq!(err.request_id(), Some("req-env"));
    assert_eq!(
        err.to_string(),
        "ICE SubmitBatchMediaProducingJob failed: HTTP 200 InvalidParameter: The specified \
         parameter \"InputConfig\" is not valid. (request id req-env)"
    );
    assert_eq!(server.count(), 1);

    // The same through the raw API.
    let raw = client(config(&server))
        .send_raw(
            "SubmitBatchMediaProducingJob",
            HttpMethod::Post,
            WireParams::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(raw.code(), Some("InvalidParameter"));
}

/// A search-library-like operation whose response declares `Code` and `Success` (the generator
/// emits `RESPONSE_DECLARES_CODE = true` for the 28 such operations; set by hand here).
#[derive(Debug, Clone, Default)]
struct SearchLike;

impl EncodeWire for SearchLike {
    fn encode_wire(&self, out: &mut WireParams) -> Result<(), EncodeError> {
        out.scalar(Location::Query, "SearchLibName", "lib-1");
        Ok(())
    }
}

impl Validate for SearchLike {}

#[derive(Debug, Deserialize)]
struct SearchLikeResponse {
    #[serde(rename = "Code")]
    code: Option<String>,
    #[serde(rename = "Success")]
    success: Option<String>,
}

impl Operation for SearchLike {
    const ACTION: &'static str = "QuerySearchLib";
    const VERSION: &'static str = "2020-11-09";
    const METHOD: HttpMethod = HttpMethod::Post;
    const AUTH: Auth = Auth::AccessKey;
    const IDEMPOTENT: bool = true;
    const RESPONSE_DECLARES_CODE: bool = true;
    type Response = SearchLikeResponse;
}

#[tokio::test]
async fn operations_that_declare_code_fail_only_on_success_false() {
    let server = Hostile::start(vec![
        Act::json(
            200,
            r#"{"RequestId":"r1","Code":"200","Success":"true","Message":"ok"}"#,
        ),
        Act::json(
            200,
            r#"{"RequestId":"r2","Code":"SearchLibNotFound","Success":"false","Message":"no such library"}"#,
        ),
        // The gateway's error object without `Success`: the operation's own answer.
        Act::json(200, r#"{"RequestId":"r3","Code":"Busy","Message":"try later"}"#),
        Act::json(200, r#"{"RequestId":"r4","Code":"Busy","Message":"try later"}"#),
    ])
    .await;
    let c = client(config(&server));
    let ok = c.send(&SearchLike).await.expect("Success true");
    assert_eq!(
        (ok.code.as_deref(), ok.success.as_deref()),
        (Some("200"), Some("true"))
    );

    let err = c.send(&SearchLike).await.unwrap_err();
    assert_eq!(err.code(), Some("SearchLibNotFound"));
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.attempts(), 1, "not a retryable code");

    let own = c.send(&SearchLike).await.expect("no Success: false");
    assert_eq!(own.code.as_deref(), Some("Busy"));

    // A raw request declares the same with `response_declares_code`; without it, the
    // operation-agnostic rule applies.
    let raw = c
        .send_raw_request(
            RawRequest::new("QuerySearchLib", HttpMethod::Post, WireParams::new())
                .response_declares_code(false),
        )
        .await
        .unwrap_err();
    assert_eq!(raw.code(), Some("Busy"));
    assert_eq!(server.count(), 4);
}

// ---------------------------------------------------------------------------------------------
// A Submit is received exactly once

async fn submit_against(
    act: Act,
    builder: impl FnOnce(ConfigBuilder) -> ConfigBuilder,
) -> (ice_api::Error, usize) {
    let server = Hostile::start(vec![act]).await;
    let err = client(builder(config(&server)))
        .send(&submit())
        .await
        .unwrap_err();
    (err, server.count())
}

#[tokio::test]
async fn submit_is_received_once_when_the_connection_resets_mid_body() {
    let (err, count) = submit_against(
        Act::ResetMidBody {
            announced: 4096,
            sent: 100,
        },
        |b| b,
    )
    .await;
    let t = err
        .transport()
        .unwrap_or_else(|| panic!("transport error, got {err:?}"));
    assert!(t.may_have_reached_server);
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        count, 1,
        "a Submit that may have been received is not re-sent"
    );
}

#[tokio::test]
async fn submit_is_received_once_when_the_server_answers_502() {
    let (err, count) = submit_against(
        Act::Respond {
            status: 502,
            headers: vec![],
            body: b"<html>Bad Gateway</html>".to_vec(),
        },
        |b| b,
    )
    .await;
    assert_eq!(err.status(), Some(502));
    assert!(
        err.is_retryable(),
        "retryable in itself, but not for a Submit"
    );
    assert_eq!(err.attempts(), 1);
    assert_eq!(count, 1);
}

#[tokio::test]
async fn submit_is_received_once_when_the_server_drips_its_body() {
    let (err, count) = submit_against(
        Act::Drip {
            body: br#"{"RequestId":"drip","JobId":"j-1"}"#.to_vec(),
            every: Duration::from_millis(100),
        },
        |b| b.total_timeout(Duration::from_millis(600)),
    )
    .await;
    let t = err
        .transport()
        .unwrap_or_else(|| panic!("transport error, got {err:?}"));
    assert_eq!(t.kind, TransportKind::Timeout);
    assert!(t.may_have_reached_server);
    assert_eq!(count, 1);
}

// ---------------------------------------------------------------------------------------------
// Echoed credentials never reach a message

/// The gateway's answer to a V2 request whose signature does not verify: it echoes its string
/// to sign, which carries `SecurityToken` (and the AccessKey id), doubly percent-encoded.
fn v2_mismatch(r: &Received) -> Act {
    let params: Vec<(String, String)> = r
        .query_pairs()
        .into_iter()
        .chain(hostile_support::decode_form(&String::from_utf8_lossy(
            &r.body,
        )))
        .filter(|(k, _)| k != "Signature")
        .collect();
    let sts = string_to_sign_v2(&r.method, &params);
    assert!(sts.contains("SecurityToken%3D"), "{sts}");
    let body = serde_json::json!({
        "RequestId": "req-v2-sig",
        "HostId": "ice.cn-shanghai.aliyuncs.com",
        "Code": "SignatureDoesNotMatch",
        "Message": format!("Specified signature is not matched with our calculation. server string to sign is:{sts}"),
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=ICE&{}", r.query()),
    });
    Act::json(400, &body.to_string())
}

#[tokio::test]
async fn v2_signature_mismatch_echoing_the_string_to_sign_leaks_no_token() {
    let server = Hostile::start(vec![Act::Dynamic(std::sync::Arc::new(v2_mismatch))]).await;
    let (logs, guard) = capture_tracing();
    let err = client(
        config(&server)
            .credentials(sts())
            .signature_version(SignatureVersion::V2),
    )
    .send(&submit())
    .await
    .unwrap_err();
    drop(guard);
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    let message = err.message().unwrap();
    // Still useful: the string to sign is there, minus the token.
    assert!(
        message.contains("server string to sign is:POST&%2F&"),
        "{message}"
    );
    assert!(message.contains("SecurityToken%3D***%26"), "{message}");
    assert!(message.contains("SignatureMethod%3DHMAC-SHA1"), "{message}");
    assert!(
        message.contains("AccessKeyId%3DSTS.****ey42%26"),
        "{message}"
    );
    assert!(
        err.to_string().contains("AccessKeyId%3DSTS.****ey42%26"),
        "{err}"
    );
    let signature = server.requests()[0].param("Signature").unwrap();
    assert_no_secret(
        "V2 SignatureDoesNotMatch",
        &err,
        &logs.text(),
        &secret_forms(&[STS_TOKEN, STS_SECRET, &signature]),
    );
}

/// Echoes the STS token, the secret and the signature in every shape a V3 answer or a proxy
/// could: canonical-request lines, the Authorization header, JSON, a query string, bare, and in
/// the request-id header.
fn v3_echo(r: &Received) -> Act {
    let auth = r.header("authorization").unwrap_or_default().to_owned();
    let token = r
        .header("x-acs-security-token")
        .unwrap_or_default()
        .to_owned();
    let message = format!(
        "canonical request:\nPOST\n/\n\nx-acs-security-token:{token}\n; Authorization: {auth}; \
         {{\"AccessKeySecret\":\"{STS_SECRET}\",\"SecurityToken\":\"{token}\"}}; \
         query SecurityToken={} ; bare token {token} and secret {STS_SECRET}",
        ice_api::runtime::sign::percent::encode(&token),
    );
    let body = serde_json::json!({
        "RequestId": format!("req-{token}"),
        "Code": "SignatureDoesNotMatch",
        "Message": message,
        "AccessDeniedDetail": {"AuthAction": "ice:SubmitBatchMediaProducingJob", "EncodedDiagnosticMessage": token},
    });
    Act::json(400, &body.to_string()).with_header("x-acs-request-id", &token)
}

#[tokio::test]
async fn v3_answers_echoing_token_secret_and_signature_leak_none_of_them() {
    let server = Hostile::start(vec![Act::Dynamic(std::sync::Arc::new(v3_echo))]).await;
    let (logs, guard) = capture_tracing();
    let err = client(config(&server).credentials(sts()))
        .send(&submit())
        .await
        .unwrap_err();
    drop(guard);
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    let auth = server.requests()[0]
        .header("authorization")
        .unwrap()
        .to_owned();
    let signature = auth.rsplit("Signature=").next().unwrap().to_owned();
    assert_no_secret(
        "V3 echoes",
        &err,
        &logs.text(),
        &secret_forms(&[STS_TOKEN, STS_SECRET, &signature]),
    );
    // The AccessKey id is shown masked, not whole.
    assert!(!err.to_string().contains(STS_AK));
}

/// An operation whose response has a number where a hostile server puts the token: serde_json
/// quotes the value it could not decode.
#[derive(Debug, Clone, Default)]
struct CountJobs;

impl EncodeWire for CountJobs {
    fn encode_wire(&self, _out: &mut WireParams) -> Result<(), EncodeError> {
        Ok(())
    }
}

impl Validate for CountJobs {}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct CountJobsResponse {
    #[serde(rename = "Count")]
    count: i64,
}

impl Operation for CountJobs {
    const ACTION: &'static str = "CountJobs";
    const VERSION: &'static str = "2020-11-09";
    const METHOD: HttpMethod = HttpMethod::Post;
    const AUTH: Auth = Auth::AccessKey;
    const IDEMPOTENT: bool = true;
    type Response = CountJobsResponse;
}

#[tokio::test]
async fn decode_error_quoting_an_echoed_token_leaks_nothing() {
    let server = Hostile::start(vec![Act::Dynamic(std::sync::Arc::new(|r: &Received| {
        let token = r.header("x-acs-security-token").unwrap_or_default();
        Act::json(
            200,
            &serde_json::json!({"RequestId": "req-dec", "Count": token}).to_string(),
        )
    }))])
    .await;
    let (logs, guard) = capture_tracing();
    let err = client(config(&server).credentials(sts()))
        .send(&CountJobs)
        .await
        .unwrap_err();
    drop(guard);
    let ErrorKind::Decode(d) = err.kind() else {
        panic!("expected a decode error, got {err:?}")
    };
    assert!(
        d.message.contains("invalid type: string \"***\""),
        "{}",
        d.message
    );
    assert!(
        d.body_snippet.contains("\"Count\":\"***\""),
        "{}",
        d.body_snippet
    );
    assert_no_secret(
        "decode error",
        &err,
        &logs.text(),
        &secret_forms(&[STS_TOKEN, STS_SECRET]),
    );
}
