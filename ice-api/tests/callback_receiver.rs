//! The callback receiver: what it answers (ICE counts only 200 as delivered), what reaches the
//! handler, and that it works as a `tower::Service`.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use ice_api::callback::{signature, AuthKey, CallbackEvent, Event, Receiver, Verifier};
use serde_json::json;

const URL: &str = "https://example.com/ice/callback";
const KEY: &str = "ReceiverKey1";

type Seen = Arc<Mutex<Vec<CallbackEvent>>>;

fn receiver(
    seen: Seen,
) -> Receiver<impl Fn(CallbackEvent) -> std::future::Ready<Result<(), &'static str>> + Clone> {
    Receiver::new(
        URL,
        Verifier::new(AuthKey::new(KEY)),
        move |e: CallbackEvent| {
            let fail = e.event_type == "FailMe";
            seen.lock().unwrap().push(e);
            std::future::ready(if fail { Err("storage down") } else { Ok(()) })
        },
    )
}

fn now_ts() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

fn body(event_type: &str) -> Bytes {
    Bytes::from(
        json!({
            "EventType": event_type,
            "UserId": 1234567890123456u64,
            "EventTime": "2025-11-20T08:00:00Z",
            "MessageBody": {"JobId": "job-1", "Status": "Finished"}
        })
        .to_string(),
    )
}

fn signed(ts: &str, key: &str, body: Bytes) -> http::Request<Bytes> {
    http::Request::post("/ice/callback")
        .header("X-ICE-TIMESTAMP", ts)
        .header("X-ICE-SIGNATURE", signature(URL, ts, &AuthKey::new(key)))
        .header("content-type", "application/json")
        .body(body)
        .unwrap()
}

async fn answer(
    r: &Receiver<impl Fn(CallbackEvent) -> std::future::Ready<Result<(), &'static str>>>,
    req: http::Request<Bytes>,
) -> (u16, String) {
    let resp = r.handle(req).await;
    (
        resp.status().as_u16(),
        String::from_utf8(resp.body().to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn verified_event_reaches_the_handler_and_answers_200() {
    let seen = Seen::default();
    let r = receiver(seen.clone());
    let (status, _) = answer(
        &r,
        signed(&now_ts(), KEY, body("BatchProduceMediaComplete")),
    )
    .await;
    assert_eq!(status, 200);
    let events = seen.lock().unwrap();
    assert_eq!(events.len(), 1);
    let Event::BatchProduceMediaComplete(done) = &events[0].event else {
        panic!("{:?}", events[0].event)
    };
    assert_eq!(done.job_id.as_deref(), Some("job-1"));
}

#[tokio::test]
async fn refusals_name_the_reason_and_never_reach_the_handler() {
    let seen = Seen::default();
    let r = receiver(seen.clone());
    let stale = (SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 3600)
        .to_string();
    let mut unsigned = signed(&now_ts(), KEY, body("X"));
    unsigned.headers_mut().remove("x-ice-signature");
    let get = http::Request::get("/ice/callback")
        .body(Bytes::new())
        .unwrap();
    let cases = vec![
        (
            signed(&now_ts(), "WrongKey99", body("X")),
            401,
            "bad signature",
        ),
        (
            signed(&stale, KEY, body("X")),
            401,
            "stale x-ice-timestamp: 3600 s old",
        ),
        (unsigned, 401, "missing header x-ice-signature"),
        (get, 405, "method GET not allowed"),
        (
            signed(&now_ts(), KEY, Bytes::from_static(b"[1]")),
            400,
            "expected a JSON object",
        ),
        (
            signed(&now_ts(), KEY, Bytes::from(vec![b' '; 300 << 10])),
            413,
            "larger than 262144 bytes",
        ),
    ];
    for (req, want_status, want_text) in cases {
        let (status, text) = answer(&r, req).await;
        assert_eq!(status, want_status, "{text}");
        assert!(text.contains(want_text), "{text}");
        assert!(
            !text.contains(KEY) && !text.contains("WrongKey99"),
            "{text}"
        );
    }
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn handler_failure_answers_500_so_that_ice_retries() {
    let seen = Seen::default();
    let r = receiver(seen.clone());
    let (status, text) = answer(&r, signed(&now_ts(), KEY, body("FailMe"))).await;
    assert_eq!(status, 500);
    assert!(
        !text.contains("storage down"),
        "the handler's error stays in the logs: {text}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn extra_urls_and_unauthenticated_receivers() {
    let per_job = "http://127.0.0.1:9/job-42";
    let seen = Seen::default();
    let s2 = seen.clone();
    let r = Receiver::new(
        URL,
        Verifier::new(AuthKey::new(KEY)),
        move |e: CallbackEvent| {
            s2.lock().unwrap().push(e);
            std::future::ready(Ok::<(), &'static str>(()))
        },
    )
    .with_url(per_job);
    let ts = now_ts();
    let req = http::Request::post("/job-42")
        .header("X-ICE-TIMESTAMP", &ts)
        .header(
            "X-ICE-SIGNATURE",
            signature(per_job, &ts, &AuthKey::new(KEY)),
        )
        .body(body("X"))
        .unwrap();
    assert_eq!(r.handle(req).await.status(), 200);

    let open = Receiver::unauthenticated(|_e: CallbackEvent| async { Ok::<(), Infallible>(()) });
    let req = http::Request::post("/").body(body("X")).unwrap();
    assert_eq!(open.handle(req).await.status(), 200);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn works_as_a_tower_service() {
    use tower_service::Service;
    let seen = Seen::default();
    let mut svc = receiver(seen.clone());
    std::future::poll_fn(|cx| svc.poll_ready(cx)).await.unwrap();
    let resp = svc
        .call(signed(&now_ts(), KEY, body("ProduceMediaComplete")))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(matches!(
        seen.lock().unwrap()[0].event,
        Event::ProduceMediaComplete(_)
    ));
    let debug = format!("{svc:?}");
    assert!(!debug.contains(KEY), "{debug}");
}
