//! What the one-pass request encoding and response decoding must keep, checked over
//! loopback HTTP against the recording, signature-verifying test server: the same bytes on the
//! wire as the public encoding, a 2xx error object still failing the call, request ids on
//! successes and failures (read lazily, still redacted), decode failures naming the JSON path,
//! the total timeout while credentials are awaited, and `UserData`'s size limit.
// The seed operations exist only when the spec in use has them (a crate regenerated from another
// metadata file may not).
#![cfg(all(
    feature = "emulator",
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "GetBatchMediaProducingJob"
))]

mod support;

use ice_api::media_production::{
    GetBatchMediaProducingJobRequest, OutputConfig, SceneMediaSelection, SmartMixInputConfig,
    SubmitSceneMediaSelectionJobRequest, UserData,
};
use ice_api::runtime::credentials::Credentials;
use ice_api::runtime::sign::percent;
use ice_api::{EncodeWire, ErrorKind, RetryPolicy, Validate};
use support::{Auth, Reply, TestServer};

fn seed(user_data: UserData) -> SubmitSceneMediaSelectionJobRequest {
    let input = SmartMixInputConfig::from_media_array(["****9d46c886b45481030f6e****"])
        .with_speech_text_array(["夏天到了，轻装出发。", "A cup of coffee & a \"new\" road."]);
    let output = OutputConfig::new("https://bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4")
        .with_count(2);
    SubmitSceneMediaSelectionJobRequest::new(SceneMediaSelection::smart_mix(input, output))
        .with_user_data(user_data)
}

fn notify() -> UserData {
    UserData::new().with_notify_address("https://example.com/ice/callback")
}

fn client(server: &TestServer) -> ice_api::Client {
    ice_api::Client::new(
        support::config(server)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("config"),
    )
    .expect("client")
}

#[tokio::test]
async fn typed_requests_send_exactly_the_public_encoding() {
    let server = TestServer::start(vec![Reply::ok("r-1", r#""JobId":"j-1""#)]).await;
    let req = seed(notify().with_extra("Order", "A 1/2+3"));
    let job = client(&server).send(&req).await.expect("sent");
    assert_eq!(job.job_id, "j-1");

    let sent = server.requests().pop().expect("one request");
    assert!(matches!(sent.auth, Auth::V3(_)), "{:?}", sent.auth);
    let wire = req.to_wire().expect("encodes");
    assert_eq!(
        String::from_utf8(sent.body).expect("ASCII"),
        percent::form_body(wire.form())
    );
    assert_eq!(sent.query, percent::canonical_query(wire.query()));
}

#[tokio::test]
async fn a_2xx_error_object_still_fails_with_its_request_id() {
    let envelope = r#"{"RequestId":"r-env","Code":"InvalidParameter","Message":"bad input"}"#;
    let server = TestServer::start(vec![Reply::json(200, envelope)]).await;
    let err = client(&server)
        .send(&seed(notify()))
        .await
        .expect_err("an error object is not a success");
    let service = err.service().expect("a service error");
    assert_eq!(service.status, 200);
    assert_eq!(err.code(), Some("InvalidParameter"));
    assert_eq!(err.request_id(), Some("r-env"));
}

#[tokio::test]
async fn successes_carry_their_request_id() {
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/jobs/responses/GetBatchMediaProducingJob.json"
    ))
    .expect("fixture");
    let fixture: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let server = TestServer::start(vec![Reply::json(200, &body)]).await;
    let job = client(&server)
        .send(&GetBatchMediaProducingJobRequest::new("j-1"))
        .await
        .expect("decodes");
    assert_eq!(job.request_id.as_deref(), fixture["RequestId"].as_str());
    assert_eq!(
        job.editing_batch_job.job_id.as_deref(),
        fixture["EditingBatchJob"]["JobId"].as_str()
    );
}

#[tokio::test]
async fn a_decode_failure_names_the_json_path_and_the_request_id() {
    let body = r#"{"RequestId":"r-bad","EditingBatchJob":{"JobId":7,"Status":"Finished"}}"#;
    let server = TestServer::start(vec![Reply::json(200, body)]).await;
    let err = client(&server)
        .send(&GetBatchMediaProducingJobRequest::new("j-1"))
        .await
        .expect_err("JobId is not a string");
    let ErrorKind::Decode(d) = err.kind() else {
        panic!("a decode error, got {err}");
    };
    assert!(
        d.message.starts_with("EditingBatchJob.JobId: invalid type"),
        "{}",
        d.message
    );
    assert_eq!(err.request_id(), Some("r-bad"));
}

/// The request id of a success is read from the body where it lies and redacted only when
/// asked for: it must still come out redacted, decoded when escaped, and from the
/// `x-acs-request-id` header when the body has none.
#[tokio::test]
async fn raw_success_request_ids_are_redacted_decoded_and_fall_back_to_the_header() {
    let server = TestServer::start(vec![
        Reply::json(
            200,
            &format!(r#"{{"RequestId":"id-{}-x"}}"#, support::SECRET),
        ),
        Reply::json(200, r#"{"RequestId":"r\u002d1"}"#),
        Reply::json(200, r#"{"JobId":"j"}"#).with_header("x-acs-request-id", "h-1"),
        Reply::json(200, r#"{"RequestId":"b-1"}"#).with_header("x-acs-request-id", "h-2"),
    ])
    .await;
    let client = client(&server);
    let mut ids = Vec::new();
    for _ in 0..4 {
        let raw = client
            .send_raw(
                "GetBatchMediaProducingJob",
                ice_api::HttpMethod::Post,
                ice_api::WireParams::new(),
            )
            .await
            .expect("a success");
        ids.push(raw.request_id().map(str::to_owned));
        assert!(!format!("{raw:?}").contains(support::SECRET), "{raw:?}");
    }
    assert_eq!(
        ids,
        [
            Some("id-***-x".to_owned()),
            Some("r-1".to_owned()),
            Some("h-1".to_owned()),
            Some("b-1".to_owned()),
        ]
    );
}

/// Credentials from a provider that answers after `delay` (never, for `None`).
#[derive(Debug)]
struct Slow(Option<std::time::Duration>);

impl ice_api::runtime::credentials::ProvideCredentials for Slow {
    fn provide(
        &self,
    ) -> ice_api::runtime::credentials::BoxFuture<
        '_,
        Result<Credentials, ice_api::runtime::credentials::CredentialsError>,
    > {
        let delay = self.0;
        Box::pin(async move {
            match delay {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
            Ok(Credentials::new(support::AK, support::SECRET))
        })
    }
}

/// Credentials that are not ready at once are waited for within the call's total timeout:
/// they sign the request when they come in time, and nothing is sent when they do not.
#[tokio::test]
async fn credentials_are_waited_for_within_the_total_timeout() {
    let server = TestServer::start(vec![Reply::ok("r-1", r#""JobId":"j-1""#)]).await;
    let with = |provider: Slow| {
        ice_api::Client::new(
            support::config(&server)
                .credentials_provider(provider)
                .total_timeout(std::time::Duration::from_millis(300))
                .retry_policy(RetryPolicy::disabled())
                .build()
                .expect("config"),
        )
        .expect("client")
    };
    let job = with(Slow(Some(std::time::Duration::from_millis(20))))
        .send(&seed(notify()))
        .await
        .expect("signed once the credentials came");
    assert_eq!(job.job_id, "j-1");
    let err = with(Slow(None))
        .send(&seed(notify()))
        .await
        .expect_err("the credentials never came");
    assert!(
        err.to_string().contains("while fetching credentials"),
        "{err}"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "nothing sent without credentials"
    );
}

/// `UserData` padded to `len` bytes of compact JSON.
fn user_data_of(len: usize) -> UserData {
    let base = serde_json::to_string(&notify().with_extra("Pad", ""))
        .expect("JSON")
        .len();
    let data = notify().with_extra("Pad", "x".repeat(len - base));
    assert_eq!(serde_json::to_string(&data).expect("JSON").len(), len);
    data
}

#[tokio::test]
async fn user_data_is_limited_to_512_bytes_of_json_before_anything_is_sent() {
    let server = TestServer::start(vec![Reply::ok("r-1", r#""JobId":"j-1""#)]).await;
    let client = client(&server);

    let at_limit = seed(user_data_of(512));
    assert!(at_limit.validated().is_ok());
    client.send(&at_limit).await.expect("512 bytes are allowed");

    let over = seed(user_data_of(513));
    let standalone = over.validated().expect_err("513 bytes are not");
    let err = client.send(&over).await.expect_err("513 bytes are not");
    let violations = err.validation().expect("a validation error");
    assert!(violations.has_path("UserData"), "{violations}");
    assert_eq!(violations, &standalone, "the client and validated() agree");
    assert!(violations
        .to_string()
        .contains("513 bytes as JSON, at most 512"));
    assert_eq!(server.count(), 1, "the oversized request was not sent");
}

#[tokio::test]
async fn the_cached_signing_key_stays_out_of_debug() {
    let creds = Credentials::new(support::AK, support::SECRET);
    let server = TestServer::start(vec![Reply::ok("r-1", r#""JobId":"j-1""#)]).await;
    let config = support::config(&server)
        .credentials(creds.clone())
        .build()
        .expect("config");
    ice_api::Client::new(config)
        .expect("client")
        .send(&seed(notify()))
        .await
        .expect("signed and sent");
    let shown = format!("{creds:?} {:?}", creds.access_key_secret);
    assert!(!shown.contains(support::SECRET), "{shown}");
    assert!(shown.contains("Secret(***)"), "{shown}");
}
