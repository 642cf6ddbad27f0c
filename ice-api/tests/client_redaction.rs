//! Secrets never reach Debug output or log lines.
#![cfg(feature = "emulator")]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use ice_api::runtime::credentials::Credentials;
use ice_api::{Client, Config, SignatureVersion};
use support::ops::GetJob;
use support::{Reply, TestServer, SECRET, STS_AK, STS_SECRET, STS_TOKEN};
use tracing_subscriber::fmt::format::FmtSpan;

/// A `MakeWriter` that appends everything to a shared buffer.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn capture() -> (Buffer, tracing::subscriber::DefaultGuard) {
    let buf = Buffer::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .finish();
    (buf, tracing::subscriber::set_default(subscriber))
}

fn sts() -> Credentials {
    Credentials::new(STS_AK, STS_SECRET).with_security_token(STS_TOKEN)
}

fn assert_clean(what: &str, text: &str, extra: &[&str]) {
    for s in [SECRET, STS_SECRET, STS_TOKEN].iter().chain(extra) {
        assert!(!text.contains(s), "{what} leaks {s:?}:\n{text}");
    }
}

#[test]
fn debug_of_credentials_client_and_config_shows_no_secret() {
    let creds = sts();
    let config = Config::builder()
        .region("cn-shanghai")
        .credentials(creds.clone())
        .build()
        .unwrap();
    let client = Client::new(config.clone()).unwrap();
    for (what, text) in [
        ("credentials", format!("{creds:?}")),
        ("config", format!("{config:?}")),
        ("client", format!("{client:?}")),
        (
            "config builder",
            format!("{:?}", Config::builder().credentials(creds.clone())),
        ),
    ] {
        assert_clean(what, &text, &[]);
    }
    // The Debug output is still useful.
    assert!(format!("{client:?}").contains("ice.cn-shanghai.aliyuncs.com"));
}

#[tokio::test]
async fn tracing_of_a_signed_sts_call_shows_no_secret_signature_or_token() {
    let server = TestServer::start(vec![
        Reply::error(503, "ServiceUnavailable", "busy", "req-busy"),
        Reply::ok("req-trace", r#""Status":"Ok""#),
    ])
    .await;
    let client = Client::new(
        Config::builder()
            .region("cn-shanghai")
            .endpoint(server.url())
            .credentials(sts())
            .build()
            .unwrap(),
    )
    .unwrap();
    let (buf, guard) = capture();
    client
        .send(&GetJob {
            job_id: "job-1".into(),
            ..Default::default()
        })
        .await
        .expect("send");
    drop(guard);
    let logs = buf.text();

    let recs = server.requests();
    assert_eq!(recs.len(), 2);
    assert!(recs.iter().all(|r| r.verified()));
    let signatures: Vec<String> = recs
        .iter()
        .map(|r| {
            let auth = r.header("authorization").unwrap();
            auth.rsplit("Signature=").next().unwrap().to_owned()
        })
        .collect();
    let sig_refs: Vec<&str> = signatures.iter().map(String::as_str).collect();
    assert_clean("tracing output", &logs, &sig_refs);
    assert!(!logs.contains("ACS3-HMAC-SHA256 Credential"), "{logs}");

    // The span carries what an operator needs.
    assert!(logs.contains("ice_call"), "{logs}");
    assert!(logs.contains("action=GetLiveRecordJob"), "{logs}");
    assert!(
        logs.contains("region=\"cn-shanghai\"") || logs.contains("region=cn-shanghai"),
        "{logs}"
    );
    assert!(logs.contains("req-trace"), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("latency_ms"), "{logs}");
}

#[tokio::test]
async fn v2_sts_failures_do_not_leak_the_signature_or_token_from_the_url() {
    let server = TestServer::start(vec![Reply::Close]).await;
    let client = Client::new(
        Config::builder()
            .endpoint(server.url())
            .credentials(sts())
            .signature_version(SignatureVersion::V2)
            .build()
            .unwrap(),
    )
    .unwrap();
    let (buf, guard) = capture();
    let err = client
        .send(&GetJob {
            job_id: "job-1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    drop(guard);
    let recs = server.requests();
    assert!(recs[0].verified(), "{:?}", recs[0].auth);
    let signature = recs[0].param("Signature").unwrap();
    let encoded_sig = recs[0]
        .query
        .split('&')
        .find_map(|kv| kv.strip_prefix("Signature="))
        .unwrap()
        .to_owned();
    let extra = [signature.as_str(), encoded_sig.as_str()];
    assert!(err.transport().is_some(), "{err:?}");
    assert_clean("error Display", &err.to_string(), &extra);
    assert_clean("error Debug", &format!("{err:?}"), &extra);
    assert_clean("tracing output", &buf.text(), &extra);
}
