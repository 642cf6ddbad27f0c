//! The emulator answers like the gateway: signature, key, nonce, date and version checks,
//! parameter validation and unsupported operations, over real loopback HTTP through the client.
#![cfg(feature = "emulator")]

mod emulator_support;

use std::time::{Duration, SystemTime};

use emulator_support::*;
use ice_api::emulator::{Emulator, Timing};
use ice_api::{Location, RetryPolicy, WireParams};
use serde_json::Value;

fn get_params(job_id: &str) -> WireParams {
    let mut p = WireParams::new();
    p.push(Location::Query, "JobId", job_id);
    p
}

#[tokio::test]
async fn wrong_secret_gets_signature_does_not_match() {
    let (emu, _) = start(Emulator::builder().timing(Timing::instant())).await;
    let bad = client_for(&emu, "not-the-secret", RetryPolicy::disabled());
    let err = call(&bad, "GetBatchMediaProducingJob", get_params("x"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert!(
        err.message().unwrap().contains("ACS3-HMAC-SHA256\n"),
        "echoes the string to sign"
    );
    assert!(!format!("{err}").contains("not-the-secret"));
}

#[tokio::test]
async fn unknown_access_key_gets_not_found() {
    let emu = Emulator::builder()
        .credentials("someone-else", "s")
        .start()
        .await
        .unwrap();
    let client = client_for(&emu, SECRET, RetryPolicy::disabled());
    let err = call(&client, "GetBatchMediaProducingJob", get_params("x"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(404), Some("InvalidAccessKeyId.NotFound"))
    );
}

#[tokio::test]
async fn replayed_nonce_gets_signature_nonce_used() {
    let (emu, _) = start(Emulator::builder().timing(Timing::instant())).await;
    let send = || {
        hand_signed(
            &emu.endpoint(),
            "GetBatchMediaProducingJob",
            "JobId=nope",
            "nonce-1",
            SystemTime::now(),
            SECRET,
        )
        .send()
    };
    let first = send().await.unwrap();
    // The hand-signed request is valid: it reaches the action (unknown job).
    assert_eq!(first.status(), 400);
    let body: Value = serde_json::from_slice(&first.bytes().await.unwrap()).unwrap();
    assert_eq!(body["Code"], "InvalidParameter");
    let second = send().await.unwrap();
    assert_eq!(second.status(), 400);
    let body: Value = serde_json::from_slice(&second.bytes().await.unwrap()).unwrap();
    assert_eq!(body["Code"], "SignatureNonceUsed");
    assert!(body["RequestId"].is_string());
}

#[tokio::test]
async fn stale_date_gets_timestamp_expired() {
    let (emu, _) = start(Emulator::builder()).await;
    let old = SystemTime::now() - Duration::from_secs(3600);
    let resp = hand_signed(
        &emu.endpoint(),
        "GetBatchMediaProducingJob",
        "JobId=x",
        "n",
        old,
        SECRET,
    )
    .send()
    .await
    .unwrap();
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["Code"], "InvalidTimeStamp.Expired");
}

#[tokio::test]
async fn unsigned_request_gets_incomplete_signature() {
    let (emu, _) = start(Emulator::builder()).await;
    let resp = raw_http()
        .post(format!("{}/?JobId=x", emu.endpoint()))
        .header("x-acs-action", "GetBatchMediaProducingJob")
        .header("x-acs-version", "2020-11-09")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["Code"], "IncompleteSignature");
}

#[tokio::test]
async fn unsupported_operation_is_a_clear_error_not_a_fake_success() {
    let (emu, client) = start(Emulator::builder()).await;
    let err = call(&client, "DeleteMediaInfos", WireParams::new())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), Some("UnsupportedOperation"));
    assert!(err.message().unwrap().contains("DeleteMediaInfos"));
    assert_eq!(
        emu.stats().errors_by_code.get("UnsupportedOperation"),
        Some(&1)
    );
}

#[tokio::test]
async fn validation_errors_name_the_parameter() {
    let (_emu, client) = start(Emulator::builder()).await;
    let mut p = selection_params(&["a"], &["m"]);
    p = {
        let (q, f) = p.into_parts();
        let mut n = WireParams::new();
        for (k, v) in q.into_iter().filter(|(k, _)| k != "JobType") {
            n.push(Location::Query, k, v);
        }
        for (k, v) in f {
            n.push(Location::Form, k, v);
        }
        n
    };
    let err = call(&client, "SubmitSceneMediaSelectionJob", p)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter"));
    assert!(err.message().unwrap().contains("\"JobType\""), "{err}");

    let mut p = WireParams::new();
    p.push(Location::Query, "JobType", "Smart_Mix_Media_Select");
    p.push(Location::Query, "OutputConfig", "{}");
    p.push(Location::Form, "InputConfig", "{not json");
    let err = call(&client, "SubmitSceneMediaSelectionJob", p)
        .await
        .unwrap_err();
    assert!(err.message().unwrap().contains("\"InputConfig\""), "{err}");

    for bad in ["0", "101", "ten"] {
        let mut p = WireParams::new();
        p.push(Location::Query, "MaxResults", bad);
        let err = call(&client, "ListBatchMediaProducingJobs", p)
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("InvalidParameter"));
        assert!(err.message().unwrap().contains("\"MaxResults\""), "{err}");
    }
    let err = call(
        &client,
        "GetBatchMediaProducingJob",
        get_params("no-such-job"),
    )
    .await
    .unwrap_err();
    assert!(err.message().unwrap().contains("\"JobId\""));
}

#[tokio::test]
async fn client_token_makes_submit_idempotent_even_when_the_response_is_lost() {
    use ice_api::emulator::Outcome;
    let (emu, client) = start(Emulator::builder().timing(Timing::instant())).await;
    // First attempt: the emulator creates the job, then drops the connection. The client may
    // re-send because the request carries a ClientToken; the retry must return the same job.
    emu.push_script([Outcome::DropAfterActing]);
    let id = submit(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(Some("tok-1"), 2),
    )
    .await;
    let again = submit(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(Some("tok-1"), 2),
    )
    .await;
    assert_eq!(id, again);
    let stats = emu.stats();
    assert_eq!(stats.jobs_created, 1);
    assert_eq!(stats.token_replays, 2);
    assert_eq!(stats.injected_drops, 1);

    let err = call(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(Some("tok-1"), 3),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), Some("IdempotentParameterMismatch"));
}

#[tokio::test]
async fn submit_without_token_is_not_resent_after_a_lost_response() {
    use ice_api::emulator::Outcome;
    let (emu, client) = start(Emulator::builder().timing(Timing::instant())).await;
    emu.push_script([Outcome::DropAfterActing]);
    let err = call(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(None, 1),
    )
    .await
    .unwrap_err();
    assert!(err.transport().is_some(), "{err}");
    assert_eq!(emu.stats().jobs_created, 1, "acted once, never re-sent");
    assert_eq!(emu.stats().requests, 1);
}

#[tokio::test]
async fn job_store_is_bounded() {
    use ice_api::emulator::Limits;
    let (emu, client) = start(
        Emulator::builder()
            .timing(Timing::instant())
            .limits(Limits {
                max_jobs: 5,
                ..Limits::default()
            }),
    )
    .await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(
            submit(
                &client,
                "SubmitBatchMediaProducingJob",
                batch_params(None, 1),
            )
            .await,
        );
    }
    let stats = emu.stats();
    assert_eq!((stats.jobs_stored, stats.jobs_evicted), (5, 3));
    assert!(
        call(&client, "GetBatchMediaProducingJob", get_params(&ids[0]))
            .await
            .is_err()
    );
    assert!(
        call(&client, "GetBatchMediaProducingJob", get_params(&ids[7]))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn sts_credentials_need_their_token() {
    use ice_api::runtime::credentials::Credentials;
    let emu = Emulator::builder()
        .sts_credentials("STS.key", "sts-secret", "the-token")
        .start()
        .await
        .unwrap();
    let make = |creds: Credentials| {
        ice_api::Client::new(
            ice_api::Config::builder()
                .endpoint(emu.endpoint())
                .credentials(creds)
                .retry_policy(RetryPolicy::disabled())
                .build()
                .unwrap(),
        )
        .unwrap()
    };
    let good = make(Credentials::new("STS.key", "sts-secret").with_security_token("the-token"));
    let err = call(&good, "GetBatchMediaProducingJob", get_params("x"))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("InvalidParameter"),
        "authenticated, then unknown job"
    );
    let tokenless = make(Credentials::new("STS.key", "sts-secret"));
    let err = call(&tokenless, "GetBatchMediaProducingJob", get_params("x"))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("InvalidSecurityToken.MismatchWithAccessKey")
    );
}

#[tokio::test]
async fn list_filters_by_job_type_time_range_and_rejects_foreign_tokens() {
    use ice_api::emulator::verify::format_acs_date;
    let (_emu, client) = start(Emulator::builder().timing(Timing::instant())).await;
    let before = SystemTime::now() - Duration::from_secs(5);
    submit(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(None, 1),
    )
    .await;
    submit(
        &client,
        "SubmitSceneMediaSelectionJob",
        selection_params(&["Hi."], &["m"]),
    )
    .await;
    let list = |pairs: Vec<(&'static str, String)>| {
        let client = client.clone();
        async move {
            let mut p = WireParams::new();
            for (k, v) in pairs {
                p.push(Location::Query, k, v);
            }
            call(&client, "ListBatchMediaProducingJobs", p).await
        }
    };
    let smart = list(vec![("JobType", "Smart_Mix".into())]).await.unwrap();
    let jobs = smart["EditingBatchJobList"].as_array().unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["JobType"], "Smart_Mix");
    assert!(
        jobs[0].get("SubJobList").is_none(),
        "list items carry no sub-jobs"
    );

    let in_range = list(vec![("StartTime", format_acs_date(before))])
        .await
        .unwrap();
    assert_eq!(in_range["EditingBatchJobList"].as_array().unwrap().len(), 2);
    let too_early = list(vec![("EndTime", format_acs_date(before))])
        .await
        .unwrap();
    assert_eq!(
        too_early["EditingBatchJobList"].as_array().unwrap().len(),
        0
    );

    let err = list(vec![("NextToken", "forged".into())])
        .await
        .unwrap_err();
    assert!(err.message().unwrap().contains("\"NextToken\""));
    let err = list(vec![("Status", "Done".into())]).await.unwrap_err();
    assert!(err.message().unwrap().contains("\"Status\""));
}

#[tokio::test]
async fn v2_signed_client_is_verified_too() {
    let (emu, _) = start(Emulator::builder().timing(Timing::instant())).await;
    let make = |secret: &str| {
        ice_api::Client::new(
            ice_api::Config::builder()
                .endpoint(emu.endpoint())
                .credentials(ice_api::runtime::credentials::Credentials::new(AK, secret))
                .signature_version(ice_api::SignatureVersion::V2)
                .retry_policy(RetryPolicy::disabled())
                .build()
                .unwrap(),
        )
        .unwrap()
    };
    let client = make(SECRET);
    let id = submit(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(Some("v2-tok"), 1),
    )
    .await;
    let again = submit(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(Some("v2-tok"), 1),
    )
    .await;
    assert_eq!(
        id, again,
        "V2 common parameters do not count as request parameters"
    );
    let got = call(&client, "GetBatchMediaProducingJob", get_params(&id))
        .await
        .unwrap();
    assert_eq!(got["EditingBatchJob"]["JobId"], id.as_str());
    let err = call(&make("wrong"), "GetBatchMediaProducingJob", get_params(&id))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
}
