//! Error decoding over loopback HTTP: status kept, both key spellings, one-line Display.
#![cfg(feature = "emulator")]

mod support;

use ice_api::{ErrorKind, RetryPolicy};
use support::ops::{GetJob, SubmitJob};
use support::{Reply, TestServer};

fn get() -> GetJob {
    GetJob {
        job_id: "job-1".into(),
        ..Default::default()
    }
}

fn submit() -> SubmitJob {
    SubmitJob {
        job_type: "Split".into(),
        input_config: serde_json::json!({}),
        output_config: serde_json::json!({}),
        ..Default::default()
    }
}

#[tokio::test]
async fn html_502_keeps_its_status_and_a_bounded_snippet() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "网关错误 ".repeat(200)
    );
    let server = TestServer::start(vec![Reply::Respond {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        body: page,
    }])
    .await;
    let err = support::client(&server).send(&submit()).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.code(), None);
    assert_eq!(
        server.count(),
        1,
        "non-idempotent Submit is not re-sent after a 502"
    );
    let s = err.service().unwrap();
    let snip = s.body_snippet.as_deref().unwrap();
    assert!(snip.starts_with("<html>"));
    assert!(snip.len() <= ice_api::runtime::error::MAX_SNIPPET_BYTES);
    let line = err.to_string();
    assert!(
        line.starts_with("ICE SubmitSceneMediaSelectionJob failed: HTTP 502"),
        "{line}"
    );
    assert!(!line.contains('\n'));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn lower_camel_error_keys_are_read() {
    let server = TestServer::start(vec![Reply::json(
        404,
        r#"{"requestId":"lc-1","hostId":"ice.cn-shanghai.aliyuncs.com","code":"InvalidJob.NotFound","message":"The job does not exist.","recommend":"https://api.aliyun.com/troubleshoot?q=x"}"#,
    )])
    .await;
    let err = support::client(&server).send(&get()).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.code(), Some("InvalidJob.NotFound"));
    assert_eq!(err.message(), Some("The job does not exist."));
    assert_eq!(err.request_id(), Some("lc-1"));
    let s = err.service().unwrap();
    assert_eq!(s.host_id.as_deref(), Some("ice.cn-shanghai.aliyuncs.com"));
    assert!(s.recommend.is_some());
}

#[tokio::test]
async fn access_denied_detail_is_a_struct() {
    let server = TestServer::start(vec![Reply::json(
        403,
        r#"{"RequestId":"ad-1","Code":"Forbidden.RAM","Message":"User not authorized to operate on the specified resource.",
            "AccessDeniedDetail":{"PolicyType":"AccountLevelIdentityBasedPolicy","AuthPrincipalType":"SubUser",
            "NoPermissionType":"ImplicitDeny","AuthAction":"ice:GetLiveRecordJob","EncodedDiagnosticMessage":"AQEAAAAA"}}"#,
    )])
    .await;
    let err = support::client(&server).send(&get()).await.unwrap_err();
    let d = err.service().unwrap().access_denied_detail.clone().unwrap();
    assert_eq!(d.auth_action.as_deref(), Some("ice:GetLiveRecordJob"));
    assert_eq!(
        d.policy_type.as_deref(),
        Some("AccountLevelIdentityBasedPolicy")
    );
    assert_eq!(d.no_permission_type.as_deref(), Some("ImplicitDeny"));
    assert!(err.to_string().contains("ice:GetLiveRecordJob"));
}

#[tokio::test]
async fn display_is_one_line_with_status_code_message_and_request_id() {
    let server = TestServer::start(vec![Reply::error(
        400,
        "InvalidParameter",
        "The specified parameter \"JobId\" is not valid.",
        "8906582E-6722-409A-A6C4-0E7863B733A5",
    )])
    .await;
    let err = support::client(&server).send(&submit()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "ICE SubmitSceneMediaSelectionJob failed: HTTP 400 InvalidParameter: The specified \
         parameter \"JobId\" is not valid. (request id 8906582E-6722-409A-A6C4-0E7863B733A5)"
    );
}

#[tokio::test]
async fn success_body_that_does_not_decode_keeps_status_request_id_and_snippet() {
    let server =
        TestServer::start(vec![Reply::json(200, r#"{"RequestId":"d-1","JobId":42}"#)]).await;
    let err = support::client(&server).send(&submit()).await.unwrap_err();
    let ErrorKind::Decode(d) = err.kind() else {
        panic!("expected decode error, got {err:?}")
    };
    assert_eq!(d.status, 200);
    assert_eq!(d.request_id.as_deref(), Some("d-1"));
    assert!(d.body_snippet.contains("\"JobId\":42"));
    assert_eq!(err.request_id(), Some("d-1"));
    assert!(!err.to_string().contains('\n'));
}

#[tokio::test]
async fn empty_success_body_is_a_decode_error_not_a_panic() {
    let server = TestServer::start(vec![Reply::json(200, "")]).await;
    let config = support::config(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = ice_api::Client::new(config)
        .unwrap()
        .send(&get())
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Decode(d) if d.status == 200),
        "{err:?}"
    );
}
