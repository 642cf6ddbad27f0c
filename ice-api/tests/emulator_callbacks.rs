//! Callbacks end to end over loopback: the emulator delivers completion events to a
//! `callback::Receiver` mounted in a hyper server, signed when callback authentication is on,
//! retried a bounded number of times, or written to a bounded in-memory MNS queue.
#![cfg(feature = "emulator")]

mod emulator_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use emulator_support::*;
use ice_api::callback::{
    signature, AuthKey, CallbackEvent, Event, Receiver, Verifier, DEFAULT_MAX_BODY,
};
use ice_api::emulator::{CallbackPolicy, Emulator, EmulatorBuilder, Timing};
use ice_api::{Location, WireParams};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const AUTH_KEY: &str = "CallbackKey2024";
const WAIT: Duration = Duration::from_secs(10);

fn fast_callbacks() -> CallbackPolicy {
    CallbackPolicy {
        retry_delay: Duration::from_millis(20),
        ..CallbackPolicy::default()
    }
}

fn builder() -> EmulatorBuilder {
    Emulator::builder()
        .seed(11)
        .timing(Timing::default().durations(Duration::from_millis(20), Duration::from_millis(60)))
        .callbacks(fast_callbacks())
}

/// A loopback listener and the callback URL that points at it.
async fn listener(path: &str) -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{path}", l.local_addr().unwrap());
    (l, url)
}

/// Starts an authenticated receiver for `url`; events arrive on the returned channel.
async fn start_receiver(
    l: TcpListener,
    url: &str,
    key: &str,
) -> mpsc::UnboundedReceiver<CallbackEvent> {
    let (tx, rx) = mpsc::unbounded_channel();
    let receiver = Receiver::new(url, Verifier::new(AuthKey::new(key)), move |e| {
        let tx = tx.clone();
        async move { tx.send(e).map_err(|_| "test receiver closed") }
    });
    serve_http(l, receiver, DEFAULT_MAX_BODY);
    rx
}

fn selection_with_notify(notify: &str) -> WireParams {
    let mut p = selection_params(&["Hello there. Bye."], &["****media-1****"]);
    p.push(
        Location::Query,
        "UserData",
        json!({ "NotifyAddress": notify, "biz": "x" }).to_string(),
    );
    p
}

async fn next_event(rx: &mut mpsc::UnboundedReceiver<CallbackEvent>) -> CallbackEvent {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("a callback within the timeout")
        .expect("receiver alive")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn signed_completion_event_reaches_the_receiver_and_forgeries_do_not() {
    let (emu, client) = start(builder()).await;
    let (l, url) = listener("/ice/callback").await;
    let mut events = start_receiver(l, &url, AUTH_KEY).await;

    let set = call(
        &client,
        "SetEventCallback",
        query(&[
            ("CallbackType", "HTTP"),
            ("CallbackURL", &url),
            ("AuthSwitch", "on"),
            ("AuthKey", AUTH_KEY),
            (
                "EventTypeList",
                "BatchProduceMediaComplete,ProduceMediaComplete",
            ),
        ]),
    )
    .await
    .unwrap();
    assert_eq!(set["Success"], true);

    let job_id = submit(
        &client,
        "SubmitSceneMediaSelectionJob",
        selection_with_notify(&url),
    )
    .await;
    let event = next_event(&mut events).await;
    assert_eq!(event.event_type, "BatchProduceMediaComplete");
    let Event::BatchProduceMediaComplete(done) = &event.event else {
        panic!("{:?}", event.event)
    };
    assert_eq!(done.job_id.as_deref(), Some(job_id.as_str()));
    assert!(done.is_finished());
    assert_eq!(done.job_type.as_deref(), Some("Smart_Mix_Media_Select"));
    assert_eq!(done.user_data_json().unwrap()["biz"], "x");
    assert_eq!(event.user_id.as_deref().map(str::len), Some(16));
    assert!(event
        .event_time
        .as_deref()
        .is_some_and(|t| t.ends_with('Z')));
    wait_until("the delivery counted", WAIT, || {
        emu.stats().callbacks_delivered == 1
    })
    .await;

    // Forged, stale and wrong-key callbacks to the same receiver: refused with their reason,
    // and never handed to the handler.
    let body = event.raw.to_string();
    let now = unix_now().to_string();
    let stale = (unix_now() - 3600).to_string();
    let http = raw_http();
    let cases = [
        (
            now.clone(),
            "0123456789abcdef0123456789abcdef".to_string(),
            "bad signature",
        ),
        (
            stale.clone(),
            signature(&url, &stale, &AuthKey::new(AUTH_KEY)),
            "stale x-ice-timestamp",
        ),
        (
            now.clone(),
            signature(&url, &now, &AuthKey::new("SomeOtherKey1")),
            "bad signature",
        ),
    ];
    for (ts, sig, reason) in cases {
        let resp = http
            .post(&url)
            .header("X-ICE-TIMESTAMP", ts)
            .header("X-ICE-SIGNATURE", sig)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
        let text = resp.text().await.unwrap();
        assert!(text.contains(reason), "{text}");
        assert!(!text.contains(AUTH_KEY), "{text}");
    }
    let unsigned = http.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(unsigned.status(), 401);
    assert!(unsigned
        .text()
        .await
        .unwrap()
        .contains("missing header x-ice-timestamp"));
    assert!(events.try_recv().is_err(), "no forged event got through");
    let debug = format!("{emu:?} {:?}", emu.stats());
    assert!(!debug.contains(AUTH_KEY), "the auth key stays out of Debug");
}

#[tokio::test]
async fn account_callback_url_applies_its_event_list_and_authentication_switch() {
    let (emu, client) = start(builder()).await;
    let (l, url) = listener("/account-callback").await;
    let (tx, mut events) = mpsc::unbounded_channel();
    let open = Receiver::unauthenticated(move |e: CallbackEvent| {
        let tx = tx.clone();
        async move { tx.send(e).map_err(|_| "closed") }
    });
    serve_http(l, open, DEFAULT_MAX_BODY);
    call(
        &client,
        "SetEventCallback",
        query(&[
            ("CallbackURL", &url),
            ("EventTypeList", "ProduceMediaComplete"),
        ]),
    )
    .await
    .unwrap();
    let got = call(&client, "GetEventCallback", WireParams::new())
        .await
        .unwrap();
    assert_eq!(got["CallbackType"], "HTTP");
    assert_eq!(got["CallbackURL"], url.as_str());
    assert_eq!(got["AuthSwitch"], "off");
    assert_eq!(got["EventTypeList"], "ProduceMediaComplete");

    // Not in the event list: no callback for the batch job.
    let batch = submit(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(None, 1),
    )
    .await;
    let produce = call(
        &client,
        "SubmitMediaProducingJob",
        query(&[
            (
                "Timeline",
                r#"{"VideoTracks":[{"VideoTrackClips":[{"MediaId":"m-1"}]}]}"#,
            ),
            (
                "OutputMediaConfig",
                r#"{"MediaURL":"https://b.oss/out.mp4"}"#,
            ),
        ]),
    )
    .await
    .unwrap();
    let event = next_event(&mut events).await;
    let Event::ProduceMediaComplete(done) = &event.event else {
        panic!("{:?}", event.event)
    };
    assert_eq!(done.job_id.as_deref(), produce["JobId"].as_str());
    assert_eq!(done.project_id.as_deref(), produce["ProjectId"].as_str());
    assert!(done.is_success());
    assert_eq!(done.media_url.as_deref(), Some("https://b.oss/out.mp4"));
    // Events are taken in completion order, so the batch job's (earlier) turn has passed.
    assert!(
        events.try_recv().is_err(),
        "batch job {batch} was not in the event list"
    );
    wait_until("the delivery counted", WAIT, || {
        emu.stats().callbacks_delivered == 1
    })
    .await;
}

/// A receiver that answers 500 to the first `failures` requests, then 200.
fn flaky(l: TcpListener, failures: usize) -> Arc<AtomicUsize> {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let svc = Receiver::unauthenticated(move |_e: CallbackEvent| {
        let n = h.fetch_add(1, Ordering::SeqCst);
        async move {
            if n < failures {
                Err("not yet")
            } else {
                Ok(())
            }
        }
    });
    serve_http(l, svc, DEFAULT_MAX_BODY);
    hits
}

#[tokio::test]
async fn failed_deliveries_are_retried_a_bounded_number_of_times() {
    let (emu, client) = start(builder()).await;
    let (l, recovers) = listener("/recovers").await;
    let hits = flaky(l, 2);
    submit(
        &client,
        "SubmitSceneMediaSelectionJob",
        selection_with_notify(&recovers),
    )
    .await;
    wait_until("a delivery after two failures", WAIT, || {
        emu.stats().callbacks_delivered == 1
    })
    .await;
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    assert_eq!(emu.stats().callback_attempts, 3);

    let (l, never) = listener("/never").await;
    let hits = flaky(l, usize::MAX);
    submit(
        &client,
        "SubmitSceneMediaSelectionJob",
        selection_with_notify(&never),
    )
    .await;
    wait_until("the delivery given up", WAIT, || {
        emu.stats().callbacks_failed == 1
    })
    .await;
    assert_eq!(hits.load(Ordering::SeqCst), 3, "3 attempts, then dropped");
    assert_eq!(emu.stats().callback_attempts, 6);
}

#[tokio::test]
async fn mns_destinations_fill_a_bounded_in_memory_queue() {
    let (emu, client) = start(builder().callbacks(CallbackPolicy {
        mns_capacity: 2,
        ..fast_callbacks()
    }))
    .await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            submit(
                &client,
                "SubmitSceneMediaSelectionJob",
                selection_with_notify("ice-callback-tests"),
            )
            .await,
        );
    }
    wait_until("three MNS messages", WAIT, || emu.stats().mns_messages == 3).await;
    let messages = emu.take_mns_messages("ice-callback-tests");
    assert_eq!(messages.len(), 2, "capacity 2: the oldest was dropped");
    assert_eq!(emu.stats().mns_dropped, 1);
    let got: Vec<String> = messages
        .iter()
        .map(
            |m| match CallbackEvent::from_slice(m.as_bytes()).unwrap().event {
                Event::BatchProduceMediaComplete(done) => done.job_id.unwrap(),
                other => panic!("{other:?}"),
            },
        )
        .collect();
    assert_eq!(got, ids[1..]);
    assert!(
        emu.take_mns_messages("ice-callback-tests").is_empty(),
        "taken"
    );
}

#[tokio::test]
async fn the_emulator_never_calls_out_beyond_loopback() {
    let (emu, client) = start(builder()).await;
    submit(
        &client,
        "SubmitSceneMediaSelectionJob",
        selection_with_notify("http://example.com/ice/callback"),
    )
    .await;
    wait_until("the refusal", WAIT, || emu.stats().callbacks_refused == 1).await;
    assert_eq!(emu.stats().callback_attempts, 0);
}

#[tokio::test]
async fn with_a_manual_clock_events_fire_when_the_clock_is_advanced() {
    let (emu, client) = start(
        Emulator::builder()
            .timing(Timing::manual(
                Duration::from_secs(5),
                Duration::from_secs(60),
            ))
            .callbacks(fast_callbacks()),
    )
    .await;
    let (l, url) = listener("/manual").await;
    let hits = flaky(l, 0);
    submit(
        &client,
        "SubmitSceneMediaSelectionJob",
        selection_with_notify(&url),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 0, "not finished yet");
    emu.advance(Duration::from_secs(65));
    wait_until("the event after advance", WAIT, || {
        hits.load(Ordering::SeqCst) == 1
    })
    .await;
}

#[tokio::test]
async fn event_callback_settings_are_validated_without_echoing_the_key() {
    let (_emu, client) = start(builder()).await;
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("CallbackURL", "http://127.0.0.1:9/cb"),
                ("AuthSwitch", "on"),
                ("AuthKey", "alllowercase1"),
            ],
            "\"AuthKey\"",
        ),
        (&[("CallbackType", "HTTP")], "\"CallbackURL\""),
        (
            &[("CallbackType", "MNS"), ("CallbackQueueName", "my-queue")],
            "\"CallbackQueueName\"",
        ),
        (&[("CallbackURL", "ftp://127.0.0.1/cb")], "\"CallbackURL\""),
        (
            &[
                ("CallbackURL", "http://127.0.0.1:9/cb"),
                ("AuthSwitch", "on"),
            ],
            "\"AuthKey\"",
        ),
    ];
    for (params, names) in cases {
        let err = call(&client, "SetEventCallback", query(params))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("InvalidParameter"), "{err}");
        let msg = err.message().unwrap();
        assert!(msg.contains(names), "{msg}");
        assert!(!msg.contains("alllowercase1"), "{msg}");
    }
    let long = format!("http://127.0.0.1/{}", "a".repeat(300));
    let err = call(
        &client,
        "SetEventCallback",
        query(&[("CallbackURL", &long)]),
    )
    .await
    .unwrap_err();
    assert!(
        err.message().unwrap().contains("at most 256 bytes"),
        "{err}"
    );

    // MNS settings round-trip; HTTP-only fields are not reported for MNS.
    call(
        &client,
        "SetEventCallback",
        query(&[
            ("CallbackType", "MNS"),
            ("CallbackQueueName", "ice-callback-q"),
        ]),
    )
    .await
    .unwrap();
    let got = call(&client, "GetEventCallback", WireParams::new())
        .await
        .unwrap();
    assert_eq!(got["CallbackType"], "MNS");
    assert_eq!(got["CallbackQueueName"], "ice-callback-q");
    assert!(got.get("AuthSwitch").is_none());
}
