//! End-to-end over loopback HTTP: what the client puts on the wire, checked by a server that
//! verifies every signature with the emulator's independent verifier.
#![cfg(feature = "emulator")]

mod support;

use ice_api::runtime::credentials::Credentials;
use ice_api::{Client, Config, HttpMethod, Location, RawRequest, SignatureVersion, WireParams};
use serde_json::json;
use support::ops::{GetJob, PublicInfo, SubmitJob};
use support::{Auth, Reply, TestServer, AK, STS_AK, STS_SECRET, STS_TOKEN};

fn submit() -> SubmitJob {
    SubmitJob {
        job_type: "Montage".into(),
        input_config: json!({
            "Title": "春天的故事 — spring * ~ + / = & 100%",
            "MediaArray": ["oss://bucket/a b.mp4", "oss://bucket/视频.mp4"],
            "Nested": {"SpeechTextArray": ["你好，世界！", "line\nbreak"], "Emoji": "🎬"}
        }),
        output_config: json!({"MediaURL": "https://b.oss-cn-shanghai.aliyuncs.com/out/{index}.mp4", "Count": 2}),
        user_data: Some(r#"{"NotifyAddress":"https://example.invalid/cb?a=1&b=2"}"#.into()),
        client_token: None,
    }
}

#[tokio::test]
async fn form_body_submit_with_chinese_and_nested_json_verifies_and_round_trips() {
    let server = TestServer::start(vec![Reply::ok("req-1", r#""JobId":"job-1""#)]).await;
    let req = submit();
    let resp = support::client(&server).send(&req).await.expect("send");
    assert_eq!(resp.job_id, "job-1");
    assert_eq!(resp.request_id, "req-1");

    let recs = server.requests();
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    let Auth::V3(caller) = &r.auth else {
        panic!("signature did not verify: {:?}", r.auth)
    };
    assert_eq!(caller.access_key_id, AK);
    assert_eq!(caller.action, "SubmitSceneMediaSelectionJob");
    assert_eq!(caller.version, "2020-11-09");
    for h in [
        "host",
        "content-type",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
    ] {
        assert!(
            caller.signed_headers.iter().any(|s| s == h),
            "{h} not signed"
        );
    }
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/");
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.header("accept"), Some("application/json"));
    assert!(r.header("user-agent").unwrap().starts_with("ice-rs/"));
    assert_eq!(
        r.header("host"),
        Some(server.url().trim_start_matches("http://"))
    );
    // The server decodes exactly the JSON the caller gave.
    let input: serde_json::Value =
        serde_json::from_str(&r.param("InputConfig").expect("InputConfig in form")).unwrap();
    assert_eq!(input, req.input_config);
    let output: serde_json::Value =
        serde_json::from_str(&r.param("OutputConfig").unwrap()).unwrap();
    assert_eq!(output, req.output_config);
    assert_eq!(r.param("UserData"), req.user_data);
    assert!(r.form_params().iter().any(|(k, _)| k == "InputConfig"));
    assert_eq!(
        r.query_params(),
        vec![("JobType".to_string(), "Montage".to_string())]
    );
}

#[tokio::test]
async fn query_only_get_has_no_body_and_verifies() {
    let server = TestServer::start(vec![Reply::ok("req-g", r#""Status":"Finished""#)]).await;
    let req = GetJob {
        job_id: "id with space+plus*star~tilde/slash".into(),
        job_ids: (1..=11).map(|i| format!("j{i}")).collect(),
    };
    let resp = support::client(&server).send(&req).await.expect("send");
    assert_eq!(resp.status, "Finished");

    let r = &server.requests()[0];
    assert!(r.verified(), "{:?}", r.auth);
    assert_eq!(r.method, "GET");
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
    assert_eq!(
        r.param("JobId").as_deref(),
        Some("id with space+plus*star~tilde/slash")
    );
    assert_eq!(r.param("JobIds.10").as_deref(), Some("j10"));
    assert_eq!(r.query_params().len(), 12);
}

#[tokio::test]
async fn sts_credentials_send_and_sign_the_security_token() {
    let server = TestServer::start(vec![Reply::ok("req-s", r#""Status":"Ok""#)]).await;
    let config = Config::builder()
        .endpoint(server.url())
        .credentials(Credentials::new(STS_AK, STS_SECRET).with_security_token(STS_TOKEN))
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    client
        .send(&GetJob {
            job_id: "j".into(),
            ..Default::default()
        })
        .await
        .expect("send");
    let r = &server.requests()[0];
    let Auth::V3(caller) = &r.auth else {
        panic!("STS request did not verify: {:?}", r.auth)
    };
    assert!(caller.sts);
    assert_eq!(caller.access_key_id, STS_AK);
    assert_eq!(r.header("x-acs-security-token"), Some(STS_TOKEN));
    assert!(caller
        .signed_headers
        .iter()
        .any(|h| h == "x-acs-security-token"));
}

#[tokio::test]
async fn wrong_secret_is_rejected_by_the_verifier_and_surfaces_as_service_error() {
    let server = TestServer::start(vec![Reply::ok("never", "")]).await;
    let config = Config::builder()
        .endpoint(server.url())
        .credentials(Credentials::new(AK, "not-the-secret"))
        .build()
        .unwrap();
    let err = Client::new(config)
        .unwrap()
        .send(&GetJob {
            job_id: "j".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(err.status(), Some(400));
    assert_eq!(server.count(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn anonymous_operations_go_out_unsigned_without_credentials() {
    let server = TestServer::start(vec![Reply::ok("req-a", r#""MediaInfo":{}"#)]).await;
    let client = Client::new(Config::builder().endpoint(server.url()).build().unwrap()).unwrap();
    let v = client
        .send(&PublicInfo {
            media_id: "m1".into(),
        })
        .await
        .expect("send");
    assert_eq!(v["RequestId"], "req-a");
    let r = &server.requests()[0];
    assert!(matches!(r.auth, Auth::None));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.header("x-acs-security-token"), None);
    // The official SDK's unsigned RPC path: common parameters in the query, no V3 headers.
    assert_eq!(r.param("Action").as_deref(), Some("GetPublicMediaInfo"));
    assert!(r.param("SignatureNonce").is_some_and(|n| !n.is_empty()));
    assert_eq!(r.param("AccessKeyId"), None);
    assert_eq!(r.header("x-acs-signature-nonce"), None);
}

#[tokio::test]
async fn signed_operation_without_credentials_fails_before_sending() {
    let server = TestServer::start(vec![Reply::ok("x", "")]).await;
    let client = Client::new(Config::builder().endpoint(server.url()).build().unwrap()).unwrap();
    let err = client
        .send(&GetJob {
            job_id: "j".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ice_api::ErrorKind::Credentials(_)),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 0);
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn v2_signature_puts_common_params_and_signature_in_the_query() {
    let server = TestServer::start(vec![Reply::ok("req-v2", r#""JobId":"j2""#)]).await;
    let config = support::config(&server)
        .signature_version(SignatureVersion::V2)
        .build()
        .unwrap();
    let resp = Client::new(config)
        .unwrap()
        .send(&submit())
        .await
        .expect("send");
    assert_eq!(resp.job_id, "j2");
    let r = &server.requests()[0];
    assert!(matches!(&r.auth, Auth::V2(ak) if ak == AK), "{:?}", r.auth);
    assert_eq!(r.header("authorization"), None);
    for k in [
        "Action",
        "Version",
        "Timestamp",
        "SignatureNonce",
        "SignatureMethod",
        "AccessKeyId",
    ] {
        assert!(r.query_params().iter().any(|(q, _)| q == k), "{k} missing");
    }
    assert_eq!(
        r.param("Action").as_deref(),
        Some("SubmitSceneMediaSelectionJob")
    );
    assert!(r.param("InputConfig").is_some());
}

#[tokio::test]
async fn validation_failure_sends_nothing_and_names_the_field() {
    let server = TestServer::start(vec![Reply::ok("x", "")]).await;
    let mut req = submit();
    req.job_type = "Nope".into();
    req.user_data = Some("x".repeat(600));
    let err = support::client(&server).send(&req).await.unwrap_err();
    let v = err.validation().expect("validation error");
    assert!(v.has_path("JobType") && v.has_path("UserData"), "{v}");
    assert_eq!(server.count(), 0);
    assert!(err.to_string().contains("JobType"));
    assert!(!err.to_string().contains('\n'));
}

#[tokio::test]
async fn send_raw_is_an_escape_hatch_with_the_same_signing() {
    let server = TestServer::start(vec![Reply::ok("req-raw", r#""Anything":1"#)]).await;
    let client = support::client(&server);
    let mut params = WireParams::new();
    params.push(Location::Query, "JobId", "j-1");
    params.push(Location::Form, "Config", r#"{"a":"中文"}"#);
    let raw = client
        .send_raw("SubmitSomethingNew", HttpMethod::Post, params.clone())
        .await
        .expect("send_raw");
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.request_id(), Some("req-raw"));
    let v: serde_json::Value = raw.json().unwrap();
    assert_eq!(v["Anything"], 1);
    // A GET carries no body: form parameters move to the query.
    let mut get_params = WireParams::new();
    get_params.push(Location::Form, "PageSize", "10");
    let raw = client
        .send_raw_request(
            RawRequest::new("GetSomething", HttpMethod::Get, get_params).idempotent(true),
        )
        .await
        .expect("send_raw_request");
    assert_eq!(raw.attempts(), 1);
    let recs = server.requests();
    assert!(recs.iter().all(|r| r.verified()));
    assert_eq!(recs[0].header("x-acs-action"), Some("SubmitSomethingNew"));
    assert_eq!(recs[0].param("Config").as_deref(), Some(r#"{"a":"中文"}"#));
    assert_eq!(recs[1].method, "GET");
    assert!(recs[1].body.is_empty(), "{:?}", recs[1]);
    assert_eq!(
        recs[1].query_params(),
        vec![("PageSize".to_string(), "10".to_string())]
    );
}
