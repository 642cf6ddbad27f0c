//! Hostile input on the request side (issue 14): what cannot be sent fails locally, as an
//! `Encode` error that is never retried and never claims the request "may have reached the
//! server"; and bodiless POSTs carry `Content-Length: 0`, as the official SDK's do.

mod hostile_support;

use hostile_support::{Act, Hostile};
use ice_api::media_production::{
    GetBatchMediaProducingJobRequest, OutputConfig, SmartMixInputConfig,
    SubmitBatchMediaProducingJobRequest,
};
use ice_api::runtime::client::{MAX_HEADER_BYTES, MAX_URL_BYTES};
use ice_api::runtime::credentials::Credentials;
use ice_api::{
    Auth, Client, Config, EncodeError, EncodeWire, ErrorKind, HttpMethod, Location, Operation,
    RawRequest, Validate, WireParams,
};

fn client(server: &Hostile, credentials: Credentials) -> Client {
    Client::new(
        Config::builder()
            .endpoint(server.url())
            .credentials(credentials)
            .build()
            .unwrap(),
    )
    .unwrap()
}

fn plain() -> Credentials {
    Credentials::new("LTAI5tHostileKeyId0042", "hostile-SeCrEt-v4lue-0123456789")
}

/// A success that fits every typed response used here (submit: `JobId`; get: `EditingBatchJob`).
fn ok() -> Act {
    Act::json(
        200,
        r#"{"RequestId":"req-ok","JobId":"j-1","EditingBatchJob":{"JobId":"j-1"}}"#,
    )
}

/// Checks the error is a local `Encode` failure that sent nothing.
fn assert_local(err: &ice_api::Error, param: &str, limit: &str) {
    assert!(matches!(err.kind(), ErrorKind::Encode(_)), "{err:?}");
    assert_eq!(err.attempts(), 0);
    assert!(!err.is_retryable());
    let line = err.to_string();
    assert!(
        line.contains(&format!("request not sent: cannot encode {param}")),
        "{line}"
    );
    assert!(line.contains(limit), "{line}");
    assert!(!line.contains("may have reached the server"), "{line}");
    assert!(
        line.len() < 400,
        "the message does not quote the value: {line}"
    );
}

#[tokio::test]
async fn ten_mb_query_value_is_a_local_encode_error_never_sent() {
    let server = Hostile::start(vec![ok()]).await;
    let c = client(&server, plain());
    let err = c
        .send(&GetBatchMediaProducingJobRequest::new("J".repeat(10 << 20)))
        .await
        .unwrap_err();
    assert_local(&err, "JobId", "MAX_URL_BYTES");
    // The same through the raw API, for a request that may be re-sent.
    let mut params = WireParams::new();
    params.push(Location::Query, "JobId", "J".repeat(10 << 20));
    let err = c
        .send_raw_request(
            RawRequest::new("GetSmartHandleJob", HttpMethod::Post, params).idempotent(true),
        )
        .await
        .unwrap_err();
    assert_local(&err, "JobId", "MAX_URL_BYTES");
    assert_eq!(server.count(), 0, "nothing left the process");
}

#[tokio::test]
async fn url_of_exactly_the_limit_is_sent_and_one_byte_more_is_not() {
    let server = Hostile::start(vec![ok()]).await;
    let c = client(&server, plain());
    // `<endpoint>/?JobId=<value>`: unreserved characters are sent as they are.
    let fixed = format!("{}/?JobId=", server.url()).len();
    let fits = "j".repeat(MAX_URL_BYTES - fixed);
    c.send(&GetBatchMediaProducingJobRequest::new(fits.clone()))
        .await
        .expect("a URL of exactly MAX_URL_BYTES is sent");
    let received = &server.requests()[0];
    assert_eq!(received.param("JobId").as_deref(), Some(fits.as_str()));
    let err = c
        .send(&GetBatchMediaProducingJobRequest::new(format!("{fits}j")))
        .await
        .unwrap_err();
    assert_local(&err, "JobId", "MAX_URL_BYTES");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn oversized_security_token_is_a_local_encode_error_that_shows_no_token() {
    let server = Hostile::start(vec![ok()]).await;
    let token = format!("CAIS{}", "t".repeat(MAX_HEADER_BYTES));
    let c = client(
        &server,
        Credentials::new(
            "STS.NHostileTemporaryKey42",
            "hostile-sts-SeCrEt-77xq-abcdef",
        )
        .with_security_token(token.clone()),
    );
    let err = c
        .send(&GetBatchMediaProducingJobRequest::new("j"))
        .await
        .unwrap_err();
    assert_local(&err, "header x-acs-security-token", "MAX_HEADER_BYTES");
    assert!(!format!("{err:?}").contains("CAIStttt"));
    assert_eq!(server.count(), 0);
}

/// A query-only `GET`, like `ListSmartJobs`.
#[derive(Debug, Clone, Default)]
struct ListJobs;

impl EncodeWire for ListJobs {
    fn encode_wire(&self, out: &mut WireParams) -> Result<(), EncodeError> {
        out.scalar(Location::Query, "PageSize", "10");
        Ok(())
    }
}

impl Validate for ListJobs {}

impl Operation for ListJobs {
    const ACTION: &'static str = "ListSmartJobs";
    const VERSION: &'static str = "2020-11-09";
    const METHOD: HttpMethod = HttpMethod::Get;
    const AUTH: Auth = Auth::AccessKey;
    const IDEMPOTENT: bool = true;
    type Response = serde_json::Value;
}

#[tokio::test]
async fn every_post_without_a_body_carries_content_length_zero() {
    let server = Hostile::start(vec![ok()]).await;
    let c = client(&server, plain());
    c.send(&GetBatchMediaProducingJobRequest::new("j-1"))
        .await
        .unwrap();
    c.send_raw("ListMediaLiveChannels", HttpMethod::Post, WireParams::new())
        .await
        .unwrap();
    c.send(&ListJobs).await.unwrap();
    c.send(
        &SubmitBatchMediaProducingJobRequest::new(SmartMixInputConfig::from_media_array(["m"]))
            .with_output_config(OutputConfig::new("https://b/o.mp4")),
    )
    .await
    .unwrap();
    let r = server.requests();
    for bodiless_post in &r[..2] {
        assert_eq!(bodiless_post.method, "POST");
        assert_eq!(bodiless_post.header("content-length"), Some("0"));
        assert_eq!(bodiless_post.header_count("content-length"), 1);
        assert_eq!(bodiless_post.header("transfer-encoding"), None);
    }
    assert_eq!(r[2].method, "GET");
    assert_eq!(
        r[2].header("content-length"),
        None,
        "a GET has no body and no length"
    );
    let body_len = r[3].body.len().to_string();
    assert_eq!(r[3].header("content-length"), Some(body_len.as_str()));
}
