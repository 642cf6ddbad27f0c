//! The emulator as a hostile client meets it: slow or idle connections are closed on time,
//! every protocol error is answered with the gateway's JSON envelope, and stored jobs stay
//! within their byte budget. Raw TCP on loopback, so that nothing is tidied up by a client.
#![cfg(feature = "emulator")]

mod emulator_support;

use std::time::{Duration, Instant};

use emulator_support::*;
use ice_api::emulator::{Emulator, EmulatorHandle, Limits, Timing};
use ice_api::{Location, WireParams};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn limits() -> Limits {
    Limits {
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(400),
        body_read_timeout: Duration::from_millis(300),
        max_head: 8 << 10,
        max_body: 64 << 10,
        ..Limits::default()
    }
}

async fn emulator(limits: Limits) -> EmulatorHandle {
    Emulator::builder()
        .timing(Timing::instant())
        .limits(limits)
        .credentials(AK, SECRET)
        .start()
        .await
        .unwrap()
}

/// Reads until the server closes; `None` if it does not within `within`.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match tokio::time::timeout(within, stream.read_to_end(&mut out)).await {
        Ok(_) => Some(out),
        Err(_) => None,
    }
}

/// Status and JSON body of one raw HTTP response.
fn parse_response(raw: &[u8]) -> (u16, String, Value) {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete response");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, head.to_ascii_lowercase(), json)
}

async fn exchange(emu: &EmulatorHandle, request: &[u8]) -> (u16, String, Value) {
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    s.write_all(request).await.unwrap();
    let raw = read_to_close(&mut s, Duration::from_secs(5))
        .await
        .expect("the server answers and closes");
    parse_response(&raw)
}

fn assert_gateway_error(status: u16, head: &str, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert_eq!(body["Code"], want_code, "{body}");
    for field in ["Message", "RequestId", "HostId", "Recommend"] {
        assert!(body[field].is_string(), "{field} in {body}");
    }
}

#[tokio::test]
async fn slowloris_connections_are_closed_after_the_header_read_timeout() {
    let emu = emulator(limits()).await;
    let client = client_for(&emu, SECRET, ice_api::RetryPolicy::disabled());
    let started = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut s = TcpStream::connect(emu.addr()).await.unwrap();
        s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    // Drip one header byte per connection every 50 ms: each keeps sending, none finishes.
    let drip = tokio::spawn(async move {
        let mut closed_at = vec![None; slow.len()];
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            for (i, s) in slow.iter_mut().enumerate() {
                if closed_at[i].is_none() && s.write_all(b"X").await.is_err() {
                    closed_at[i] = Some(started.elapsed());
                }
            }
            // A closed socket shows when a read returns end of stream.
            for (i, s) in slow.iter_mut().enumerate() {
                let mut buf = [0u8; 64];
                if closed_at[i].is_none() {
                    if let Ok(Ok(0)) =
                        tokio::time::timeout(Duration::from_millis(1), s.read(&mut buf)).await
                    {
                        closed_at[i] = Some(started.elapsed());
                    }
                }
            }
        }
        closed_at
    });
    // Meanwhile the emulator keeps serving well-behaved clients.
    let v = call(&client, "ListBatchMediaProducingJobs", WireParams::new())
        .await
        .unwrap();
    assert!(v["EditingBatchJobList"].is_array());
    let closed_at = drip.await.unwrap();
    for at in &closed_at {
        let at = at.expect("every slow connection is closed");
        assert!(at >= Duration::from_millis(250), "{at:?}");
        assert!(at < Duration::from_millis(1500), "{at:?}");
    }
    // The 50 slow ones, and the well-behaved client's pooled connection once it idles.
    let timed_out = emu.stats().connections_timed_out;
    assert!((50..=51).contains(&timed_out), "{timed_out}");
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_idle_timeout() {
    let emu = emulator(limits()).await;
    // Never sends a byte.
    let mut silent = TcpStream::connect(emu.addr()).await.unwrap();
    let started = Instant::now();
    assert_eq!(
        read_to_close(&mut silent, Duration::from_secs(3)).await,
        Some(Vec::new())
    );
    assert!(started.elapsed() >= Duration::from_millis(350));
    // Sends one request, then keeps the connection open without another.
    let mut kept = TcpStream::connect(emu.addr()).await.unwrap();
    kept.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let raw = read_to_close(&mut kept, Duration::from_secs(3))
        .await
        .expect("answered, then closed when idle");
    let (status, _, body) = parse_response(&raw);
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("IncompleteSignature"))
    );
    assert_eq!(emu.stats().connections_timed_out, 2);
}

#[tokio::test]
async fn a_slow_body_gets_request_timeout() {
    let emu = emulator(limits()).await;
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
        .await
        .unwrap();
    let raw = read_to_close(&mut s, Duration::from_secs(3))
        .await
        .expect("answered and closed");
    let (status, head, body) = parse_response(&raw);
    assert_gateway_error(status, &head, &body, 408, "RequestTimeout");
}

#[tokio::test]
async fn every_protocol_error_is_answered_with_the_gateway_envelope() {
    let emu = emulator(limits()).await;
    let many_headers: String = (0..101).map(|i| format!("X-H{i}: v\r\n")).collect();
    let big_header = format!("X-Big: {}\r\n", "a".repeat(9 << 10));
    let cases: Vec<(String, u16, &str)> = vec![
        ("GARBAGE\r\n\r\n".into(), 400, "BadRequest"),
        (
            "GET / HTTP/1.1\r\nBad Header\r\n\r\n".into(),
            400,
            "BadRequest",
        ),
        ("GET / HTTP/3.0\r\n\r\n".into(), 400, "BadRequest"),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".into(), 400, "BadRequest"),
        ("GET http://[::1 HTTP/1.1\r\n\r\n".into(), 400, "BadRequest"),
        (
            format!("GET / HTTP/1.1\r\n{big_header}\r\n"),
            431,
            "RequestHeaderFieldsTooLarge",
        ),
        (
            format!("GET / HTTP/1.1\r\n{many_headers}\r\n"),
            431,
            "RequestHeaderFieldsTooLarge",
        ),
        (
            "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello".into(),
            400,
            "BadRequest",
        ),
        (
            "POST / HTTP/1.1\r\nContent-Length: five\r\n\r\n".into(),
            400,
            "BadRequest",
        ),
        (
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n".into(),
            400,
            "BadRequest",
        ),
        (
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n".into(),
            400,
            "BadRequest",
        ),
        (
            format!("POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", 1 << 30),
            413,
            "RequestEntityTooLarge",
        ),
    ];
    for (request, want_status, want_code) in &cases {
        let (status, head, body) = exchange(&emu, request.as_bytes()).await;
        assert_gateway_error(status, &head, &body, *want_status, want_code);
    }
    // hyper's own limit on the request target, with a head limit that would allow it.
    let roomy = emulator(Limits {
        max_head: 128 << 10,
        ..limits()
    })
    .await;
    let long = format!("GET /?{} HTTP/1.1\r\n\r\n", "a".repeat(70_000));
    let (status, head, body) = exchange(&roomy, long.as_bytes()).await;
    assert_gateway_error(status, &head, &body, 414, "RequestURITooLong");
    assert_eq!(emu.stats().protocol_errors, cases.len() as u64 - 1);
}

#[tokio::test]
async fn chunked_and_pipelined_requests_pass_the_guard() {
    let emu = emulator(limits()).await;
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    // Two requests in one write: a chunked POST, then a GET. Both unsigned, so both are
    // answered IncompleteSignature, in order, on one connection.
    s.write_all(
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
          5\r\nhello\r\n0\r\n\r\n\
          GET /?JobId=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    let raw = read_to_close(&mut s, Duration::from_secs(3)).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    assert_eq!(text.matches("HTTP/1.1 400").count(), 2, "{text}");
    assert_eq!(text.matches("IncompleteSignature").count(), 4, "{text}");
    assert_eq!(emu.stats().requests, 2);
    assert_eq!(emu.stats().protocol_errors, 0);
}

fn big_batch(bytes: usize) -> WireParams {
    let mut p = batch_params(None, 1);
    p.push(
        Location::Form,
        "InputConfig",
        json!({"MediaArray": ["****media-1****"], "SpeechTextArray": ["x".repeat(bytes)]})
            .to_string(),
    );
    p
}

#[tokio::test]
async fn stored_jobs_stay_within_their_byte_budget() {
    let budget = 1 << 20;
    let (emu, client) = start(
        Emulator::builder()
            .timing(Timing::instant())
            .limits(Limits {
                max_job_bytes: budget,
                ..Limits::default()
            }),
    )
    .await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        ids.push(
            submit(
                &client,
                "SubmitBatchMediaProducingJob",
                big_batch(100 << 10),
            )
            .await,
        );
        assert!(emu.stats().job_bytes <= budget as u64);
    }
    let stats = emu.stats();
    assert!(stats.jobs_evicted >= 10, "{stats:?}");
    assert_eq!(stats.jobs_evicted + stats.jobs_stored, 20);
    let get = |id: &str| {
        let mut p = WireParams::new();
        p.push(Location::Query, "JobId", id);
        p
    };
    assert!(call(&client, "GetBatchMediaProducingJob", get(&ids[0]))
        .await
        .is_err());
    assert!(call(&client, "GetBatchMediaProducingJob", get(&ids[19]))
        .await
        .is_ok());

    // Unfinished jobs are never evicted: a full budget then refuses new jobs.
    let (_emu, client) = start(
        Emulator::builder()
            .timing(Timing::manual(
                Duration::from_secs(1),
                Duration::from_secs(1),
            ))
            .limits(Limits {
                max_job_bytes: budget,
                ..Limits::default()
            }),
    )
    .await;
    let mut refused = None;
    for _ in 0..20 {
        if let Err(e) = call(
            &client,
            "SubmitBatchMediaProducingJob",
            big_batch(100 << 10),
        )
        .await
        {
            refused = Some(e);
            break;
        }
    }
    let err = refused.expect("the budget refuses jobs once full of unfinished ones");
    assert_eq!(err.code(), Some("QuotaExceeded.Jobs"));
    assert!(err.message().unwrap().contains("max_job_bytes"), "{err}");
}
