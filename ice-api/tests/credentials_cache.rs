//! Caching and refreshing of temporary credentials.

#[path = "credentials_common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::{expiration_in, sts_json, Reply, Request, Stub};
use ice_api::runtime::credentials::{
    BoxFuture, CachingProvider, Credentials, CredentialsError, ProvideCredentials,
    RamRoleArnProvider, StaticProvider,
};

/// STS stand-in whose credentials expire `offset` seconds after each request (shared cell, so a
/// test can change it), numbering the keys it hands out; fails with 503 while `fail` is set.
struct Sts {
    stub: Stub,
    offset: Arc<AtomicI64>,
    fail: Arc<AtomicBool>,
}

fn sts(offset: i64) -> Sts {
    let offset = Arc::new(AtomicI64::new(offset));
    let fail = Arc::new(AtomicBool::new(false));
    let issued = Arc::new(AtomicUsize::new(0));
    let (o, f) = (offset.clone(), fail.clone());
    let stub = Stub::start(move |_: &Request| {
        if f.load(Ordering::SeqCst) {
            return Reply::status(
                503,
                r#"{"Code":"ServiceUnavailable","Message":"down","RequestId":"R-503"}"#,
            );
        }
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        Reply::ok(sts_json(
            &format!("STS.Key{n:08}"),
            "tempSecret",
            "tempToken",
            &expiration_in(o.load(Ordering::SeqCst)),
        ))
        .delayed(Duration::from_millis(100))
    });
    Sts { stub, offset, fail }
}

fn role(stub: &Stub) -> RamRoleArnProvider {
    RamRoleArnProvider::new(
        Arc::new(StaticProvider::new("LTAI5tSourceKey0001", "sourceSecret")),
        "acs:ram::1:role/r",
    )
    .with_endpoint(stub.url.clone())
}

#[tokio::test]
async fn far_expiry_is_fetched_once() {
    let s = sts(3600);
    let p = role(&s.stub);
    let first = p.provide().await.unwrap();
    for _ in 0..3 {
        assert_eq!(
            p.provide().await.unwrap().access_key_id,
            first.access_key_id
        );
    }
    assert_eq!(s.stub.requests().len(), 1);
}

#[tokio::test]
async fn past_or_near_expiry_is_refetched() {
    // Already expired.
    let s = sts(-60);
    let p = role(&s.stub);
    let a = p.provide().await.unwrap();
    let b = p.provide().await.unwrap();
    assert_ne!(a.access_key_id, b.access_key_id);
    assert_eq!(s.stub.requests().len(), 2);

    // Expires in 5 minutes: inside the 15-minute refresh margin.
    let s = sts(300);
    let p = role(&s.stub).with_refresh_margin(Duration::from_secs(15 * 60));
    p.provide().await.unwrap();
    p.provide().await.unwrap();
    assert_eq!(s.stub.requests().len(), 2);

    // The same 5 minutes are fine with a 1-minute margin.
    let s = sts(300);
    let p = role(&s.stub).with_refresh_margin(Duration::from_secs(60));
    p.provide().await.unwrap();
    p.provide().await.unwrap();
    assert_eq!(s.stub.requests().len(), 1);
}

#[tokio::test]
async fn shortest_session_is_not_refreshed_on_every_call() {
    // DurationSeconds=900 with the default margin: refreshed at half-life, not on every call.
    let s = sts(900);
    let p = role(&s.stub).with_duration_seconds(900);
    p.provide().await.unwrap();
    p.provide().await.unwrap();
    assert_eq!(s.stub.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_share_one_refresh() {
    let s = sts(3600);
    let p = Arc::new(role(&s.stub));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.provide().await.map(|c| c.access_key_id) })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().unwrap());
    }
    assert_eq!(s.stub.requests().len(), 1);
    assert!(ids.iter().all(|id| id == &ids[0]));
}

#[tokio::test]
async fn failed_refresh_serves_still_valid_credentials() {
    // Valid for 10 more minutes, but inside the 15-minute margin: each call tries to refresh.
    let s = sts(600);
    let p = role(&s.stub).with_refresh_margin(Duration::from_secs(15 * 60));
    let first = p.provide().await.unwrap();
    s.fail.store(true, Ordering::SeqCst);
    let served = p.provide().await.unwrap();
    assert_eq!(served.access_key_id, first.access_key_id);
    assert_eq!(s.stub.requests().len(), 2, "a refresh was attempted");

    // Once they have expired, the refresh error surfaces.
    let s = sts(-1);
    let p = role(&s.stub);
    p.provide().await.unwrap();
    s.fail.store(true, Ordering::SeqCst);
    let err = p.provide().await.unwrap_err();
    assert!(
        err.message.contains("ServiceUnavailable") && err.message.contains("R-503"),
        "{err}"
    );
    s.offset.store(3600, Ordering::SeqCst);
    s.fail.store(false, Ordering::SeqCst);
    assert!(p.provide().await.is_ok());
}

/// Counts calls; hands out credentials expiring at a settable offset (0: never); can be told to
/// fail.
#[derive(Debug, Default)]
struct Counting {
    calls: AtomicUsize,
    offset_secs: AtomicI64,
    fail: AtomicBool,
}

impl ProvideCredentials for Counting {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
            if self.fail.load(Ordering::SeqCst) {
                return Err(CredentialsError::new("counting", "refused"));
            }
            let mut c =
                Credentials::new(format!("STS.Counting{n:08}"), "s").with_security_token("t");
            let off = self.offset_secs.load(Ordering::SeqCst);
            if off == 0 {
                return Ok(c); // long-lived: no expiration
            }
            c.expiration = Some(if off > 0 {
                SystemTime::now() + Duration::from_secs(off as u64)
            } else {
                SystemTime::now() - Duration::from_secs(off.unsigned_abs())
            });
            Ok(c)
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn caching_provider_wraps_any_provider() {
    let inner = Arc::new(Counting::default());
    inner.offset_secs.store(3600, Ordering::SeqCst);
    let cached = Arc::new(CachingProvider::new(inner.clone()));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = cached.clone();
            tokio::spawn(async move { c.provide().await.unwrap().access_key_id })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), "STS.Counting00000001");
    }
    assert_eq!(inner.calls.load(Ordering::SeqCst), 1);

    // A margin longer than the remaining life makes the next call refresh.
    let inner = Arc::new(Counting::default());
    inner.offset_secs.store(120, Ordering::SeqCst);
    let cached = CachingProvider::new(inner.clone()).with_refresh_margin(Duration::from_secs(300));
    cached.provide().await.unwrap();
    inner.fail.store(true, Ordering::SeqCst);
    // Refresh fails, the cached ones (valid 2 more minutes) are served.
    assert_eq!(
        cached.provide().await.unwrap().access_key_id,
        "STS.Counting00000001"
    );
    inner.fail.store(false, Ordering::SeqCst);
    assert_eq!(
        cached.provide().await.unwrap().access_key_id,
        "STS.Counting00000003"
    );
    assert_eq!(inner.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn credentials_without_expiry_are_kept() {
    let inner = Arc::new(Counting::default());
    let cached = CachingProvider::new(inner.clone());
    for _ in 0..3 {
        assert_eq!(
            cached.provide().await.unwrap().access_key_id,
            "STS.Counting00000001"
        );
    }
    assert_eq!(inner.calls.load(Ordering::SeqCst), 1);
    let shown = format!("{cached:?}");
    assert!(!shown.contains("STS.Counting00000001"), "{shown}");
}
