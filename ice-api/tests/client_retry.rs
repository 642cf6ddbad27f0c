//! Retries over loopback HTTP: the server counts what actually arrived.
#![cfg(feature = "emulator")]

mod support;

use std::collections::HashSet;
use std::time::Duration;

use ice_api::{Client, ErrorKind, RetryPolicy, TransportKind};
use serde_json::json;
use support::ops::{GetJob, SubmitJob};
use support::{Reply, TestServer};

fn submit(client_token: Option<&str>) -> SubmitJob {
    SubmitJob {
        job_type: "Montage".into(),
        input_config: json!({"MediaArray": ["m1"]}),
        output_config: json!({"MediaURL": "https://b/out.mp4"}),
        user_data: None,
        client_token: client_token.map(str::to_owned),
    }
}

fn get() -> GetJob {
    GetJob {
        job_id: "job-1".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn two_503s_then_200_succeeds_on_the_third_attempt_each_freshly_signed() {
    let server = TestServer::start(vec![
        Reply::error(503, "ServiceUnavailable", "busy", "r1"),
        Reply::error(503, "ServiceUnavailable", "busy", "r2"),
        Reply::ok("r3", r#""JobId":"job-3""#),
    ])
    .await;
    // A Submit: 503 means the service did not act, so even a non-idempotent call is retried.
    let resp = support::client(&server)
        .send(&submit(None))
        .await
        .expect("third attempt succeeds");
    assert_eq!(resp.job_id, "job-3");
    let recs = server.requests();
    assert_eq!(recs.len(), 3);
    assert!(recs.iter().all(|r| r.verified()), "every attempt verifies");
    let nonces: HashSet<_> = recs
        .iter()
        .map(|r| r.header("x-acs-signature-nonce").unwrap().to_owned())
        .collect();
    assert_eq!(nonces.len(), 3, "a fresh nonce per attempt");
    assert_eq!(recs[0].header("x-acs-retry-attempts"), None);
    assert_eq!(recs[1].header("x-acs-retry-attempts"), Some("1"));
    assert_eq!(recs[2].header("x-acs-retry-attempts"), Some("2"));
    assert!(recs[2]
        .header("x-acs-retry-delay")
        .unwrap()
        .parse::<u64>()
        .is_ok());
}

#[tokio::test]
async fn exhausted_retries_return_the_last_service_error_with_attempt_count() {
    let server = TestServer::start(vec![Reply::error(
        503,
        "ServiceUnavailable",
        "busy",
        "r-last",
    )])
    .await;
    let err = support::client(&server).send(&get()).await.unwrap_err();
    assert_eq!(server.count(), 3);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.request_id(), Some("r-last"));
    assert!(
        err.to_string()
            .ends_with("(request id r-last, after 3 attempts)"),
        "{err}"
    );
}

#[tokio::test]
async fn throttling_retry_after_is_waited_for() {
    let server = TestServer::start(vec![
        Reply::error(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
            "t1",
        )
        .with_header("x-acs-retry-after", "300"),
        Reply::ok("t2", r#""JobId":"job-t""#),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let resp = support::client(&server)
        .send(&submit(None))
        .await
        .expect("retried after throttling");
    let elapsed = started.elapsed();
    assert_eq!(resp.job_id, "job-t");
    let recs = server.requests();
    assert_eq!(recs.len(), 2);
    let gap = recs[1].at - recs[0].at;
    assert!(gap >= Duration::from_millis(300), "waited only {gap:?}");
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert_eq!(recs[1].header("x-acs-retry-delay"), Some("300"));
}

#[tokio::test]
async fn submit_whose_response_times_out_is_sent_exactly_once() {
    let server = TestServer::start(vec![
        Reply::Hang(Duration::from_secs(3)),
        Reply::ok("never", r#""JobId":"duplicate""#),
    ])
    .await;
    let config = support::config(&server)
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = Client::new(config)
        .unwrap()
        .send(&submit(None))
        .await
        .unwrap_err();
    let Some(t) = err.transport() else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind, TransportKind::Timeout);
    assert!(t.may_have_reached_server);
    // Give a (wrong) retry the chance to arrive before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        server.count(),
        1,
        "a non-idempotent request must not be re-sent"
    );
    assert_eq!(err.attempts(), 1);
    assert!(
        err.to_string().contains("may have reached the server"),
        "{err}"
    );
}

#[tokio::test]
async fn submit_with_client_token_is_retried_after_a_timeout() {
    let server = TestServer::start(vec![
        Reply::Hang(Duration::from_secs(3)),
        Reply::ok("r2", r#""JobId":"job-once""#),
    ])
    .await;
    let config = support::config(&server)
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let resp = Client::new(config)
        .unwrap()
        .send(&submit(Some("token-123")))
        .await
        .expect("retried with the same ClientToken");
    assert_eq!(resp.job_id, "job-once");
    let recs = server.requests();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].param("ClientToken").as_deref(), Some("token-123"));
    assert_eq!(recs[1].param("ClientToken").as_deref(), Some("token-123"));
}

#[tokio::test]
async fn idempotent_get_is_retried_after_the_connection_drops() {
    let server = TestServer::start(vec![Reply::Close, Reply::ok("g2", r#""Status":"Ok""#)]).await;
    let resp = support::client(&server)
        .send(&get())
        .await
        .expect("retried");
    assert_eq!(resp.status, "Ok");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn submit_is_not_resent_after_the_connection_drops_mid_response() {
    let server = TestServer::start(vec![Reply::Close, Reply::ok("x", r#""JobId":"dup""#)]).await;
    let err = support::client(&server)
        .send(&submit(None))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transport(t) if t.may_have_reached_server),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn bad_request_is_not_retried() {
    let server = TestServer::start(vec![Reply::error(
        400,
        "InvalidParameter",
        "The specified parameter \"JobId\" is not valid.",
        "r-400",
    )])
    .await;
    let err = support::client(&server).send(&get()).await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(err.code(), Some("InvalidParameter"));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn internal_error_is_retried_only_when_resending_is_safe() {
    let server = TestServer::start(vec![
        Reply::error(500, "InternalError", "oops", "r1"),
        Reply::ok("r2", r#""Status":"Ok""#),
    ])
    .await;
    support::client(&server)
        .send(&get())
        .await
        .expect("idempotent: retried");
    assert_eq!(server.count(), 2);

    let server = TestServer::start(vec![
        Reply::error(500, "InternalError", "oops", "r1"),
        Reply::ok("r2", r#""JobId":"dup""#),
    ])
    .await;
    let err = support::client(&server)
        .send(&submit(None))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(
        server.count(),
        1,
        "a Submit that may have run is not repeated"
    );
}

#[tokio::test]
async fn connect_errors_are_retried_even_for_submit_and_report_connect() {
    let url = support::closed_port_url().await;
    let config = ice_api::Config::builder()
        .endpoint(url)
        .credentials(ice_api::runtime::credentials::Credentials::new(
            support::AK,
            support::SECRET,
        ))
        .retry_policy(RetryPolicy::new().with_base_delay(Duration::from_millis(5)))
        .build()
        .unwrap();
    let err = Client::new(config)
        .unwrap()
        .send(&submit(None))
        .await
        .unwrap_err();
    let t = err.transport().expect("transport error");
    assert_eq!(t.kind, TransportKind::Connect);
    assert!(!t.may_have_reached_server);
    assert_eq!(err.attempts(), 3);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn disabled_policy_makes_one_attempt() {
    let server =
        TestServer::start(vec![Reply::error(503, "ServiceUnavailable", "busy", "r")]).await;
    let config = support::config(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = Client::new(config).unwrap().send(&get()).await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn total_timeout_bounds_retries_and_waits() {
    let server = TestServer::start(vec![Reply::error(400, "Throttling.User", "slow down", "r")
        .with_header("x-acs-retry-after", "5000")])
    .await;
    let config = support::config(&server)
        .total_timeout(Duration::from_millis(800))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let err = Client::new(config).unwrap().send(&get()).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(err.is_throttling());
    assert_eq!(server.count(), 1, "a wait past the deadline is not started");
}

#[tokio::test]
async fn rate_limit_is_shared_by_clones() {
    let server = TestServer::start(vec![Reply::ok("r", r#""Status":"Ok""#)]).await;
    let config = support::config(&server)
        .rate_limit_per_second(10.0)
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    // Burst of 10, then 10 per second: 15 calls from 15 clones need ≥ ~0.4 s in total.
    let started = tokio::time::Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..15 {
        let c = client.clone();
        tasks.push(tokio::spawn(
            async move { c.send(&get()).await.map(|_| ()) },
        ));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(server.count(), 15);
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn rate_limit_wait_past_the_deadline_fails_without_sending() {
    let server = TestServer::start(vec![Reply::ok("r", r#""Status":"Ok""#)]).await;
    let config = support::config(&server)
        .rate_limit_per_second(0.5)
        .total_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    client
        .send(&get())
        .await
        .expect("first call uses the burst");
    let started = tokio::time::Instant::now();
    let err = client.send(&get()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    let t = err.transport().expect("transport timeout");
    assert_eq!(t.kind, TransportKind::Timeout);
    assert!(!t.may_have_reached_server);
    assert_eq!(err.attempts(), 0);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn absurd_timeouts_do_not_panic() {
    let server = TestServer::start(vec![
        Reply::error(503, "ServiceUnavailable", "busy", "r1"),
        Reply::ok("r2", r#""Status":"Ok""#),
    ])
    .await;
    let config = support::config(&server)
        .connect_timeout(Duration::MAX)
        .read_timeout(Duration::MAX)
        .total_timeout(Duration::MAX)
        .retry_policy(
            RetryPolicy::new()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5))
                .with_max_retry_after(Duration::MAX),
        )
        .build()
        .unwrap();
    let resp = Client::new(config)
        .unwrap()
        .send(&get())
        .await
        .expect("send");
    assert_eq!(resp.status, "Ok");
    assert_eq!(server.count(), 2);
}
