//! Helpers shared by the emulator-backed integration tests: a client pointed at an emulator,
//! raw submits, and a hand-signed request for replay tests.
#![allow(dead_code)]

use std::time::{Duration, SystemTime};

use hmac::{Hmac, KeyInit, Mac};
use ice_api::emulator::verify::{canonical_request, format_acs_date, string_to_sign, RequestView};
use ice_api::emulator::{EmulatorBuilder, EmulatorHandle};
use ice_api::runtime::credentials::Credentials;
use ice_api::{Client, Config, HttpMethod, Location, RawRequest, RetryPolicy, WireParams};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const AK: &str = "test-ak";
pub const SECRET: &str = "test-secret";

/// A plain reqwest client for hand-made requests. ice-api hands reqwest its own rustls
/// configuration and enables reqwest's `rustls-no-provider`, so a reqwest client that ice-api
/// did not build needs a process-wide crypto provider, as an application's own would.
pub fn raw_http() -> reqwest::Client {
    // Already installed (by an earlier test in this binary) is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Starts `builder` (with the test key pair) and a client for it.
pub async fn start(builder: EmulatorBuilder) -> (EmulatorHandle, Client) {
    let emu = builder.credentials(AK, SECRET).start().await.unwrap();
    let client = client_for(&emu, SECRET, RetryPolicy::default());
    (emu, client)
}

pub fn client_for(emu: &EmulatorHandle, secret: &str, retry: RetryPolicy) -> Client {
    client_at(&emu.endpoint(), secret, retry)
}

/// A client for an emulator at `endpoint` (e.g. a standalone `ice-emulator`).
pub fn client_at(endpoint: &str, secret: &str, retry: RetryPolicy) -> Client {
    let config = Config::builder()
        .endpoint(endpoint)
        .credentials(Credentials::new(AK, secret))
        .retry_policy(retry)
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

pub fn selection_params(texts: &[&str], media: &[&str]) -> WireParams {
    let mut p = WireParams::new();
    p.push(Location::Query, "JobType", "Smart_Mix_Media_Select");
    p.push(
        Location::Query,
        "OutputConfig",
        json!({"MediaURL": "https://b.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4", "Count": 1})
            .to_string(),
    );
    p.push(
        Location::Form,
        "InputConfig",
        json!({"MediaArray": media, "SpeechTextArray": texts}).to_string(),
    );
    p
}

pub fn batch_params(token: Option<&str>, count: u32) -> WireParams {
    let mut p = WireParams::new();
    if let Some(t) = token {
        p.push(Location::Query, "ClientToken", t);
    }
    p.push(
        Location::Query,
        "OutputConfig",
        json!({"MediaURL": "https://b.oss-cn-shanghai.aliyuncs.com/batch_{index}.mp4", "Count": count})
            .to_string(),
    );
    p.push(
        Location::Form,
        "InputConfig",
        json!({"MediaArray": ["****media-1****"], "SpeechTextArray": ["Hello."]}).to_string(),
    );
    p
}

/// Sends a raw request and returns its JSON body.
pub async fn call(
    client: &Client,
    action: &str,
    params: WireParams,
) -> Result<Value, ice_api::Error> {
    let idempotent = action.starts_with("Get") || action.starts_with("List");
    let raw = client
        .send_raw_request(RawRequest::new(action, HttpMethod::Post, params).idempotent(idempotent))
        .await?;
    Ok(serde_json::from_slice(raw.body()).unwrap())
}

pub async fn submit(client: &Client, action: &str, params: WireParams) -> String {
    let v = call(client, action, params).await.unwrap();
    v["JobId"].as_str().unwrap().to_string()
}

/// A V3-signed POST built by hand (independently of the client), for replay and skew tests.
pub fn hand_signed(
    endpoint: &str,
    action: &str,
    query: &str,
    nonce: &str,
    date: SystemTime,
    secret: &str,
) -> reqwest::RequestBuilder {
    let host = endpoint.trim_start_matches("http://").to_string();
    let headers: Vec<(String, String)> = [
        ("host", host.as_str()),
        ("x-acs-action", action),
        ("x-acs-content-sha256", &hex::encode(Sha256::digest(b""))),
        ("x-acs-date", &format_acs_date(date)),
        ("x-acs-signature-nonce", nonce),
        ("x-acs-version", "2020-11-09"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let names: Vec<String> = headers.iter().map(|h| h.0.clone()).collect();
    let view = RequestView {
        method: "POST",
        path: "/",
        query,
        headers: &headers,
        body: b"",
    };
    let canonical = canonical_request(&view, &names, &hex::encode(Sha256::digest(b""))).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(string_to_sign(&canonical).as_bytes());
    let sig = hex::encode(mac.finalize().into_bytes());
    let mut rb = raw_http().post(format!("{endpoint}/?{query}"));
    for (n, v) in &headers {
        if n != "host" {
            rb = rb.header(n, v);
        }
    }
    rb.header(
        "Authorization",
        format!(
            "ACS3-HMAC-SHA256 Credential={AK},SignedHeaders={},Signature={sig}",
            names.join(";")
        ),
    )
    .timeout(Duration::from_secs(10))
}

/// Serves `svc` over real HTTP/1 on `listener`, the way a user mounts a callback
/// [`Receiver`](ice_api::callback::Receiver) in a hyper server: bodies are collected with a
/// limit, then handed over as `http::Request<Bytes>`.
pub fn serve_http<S>(listener: tokio::net::TcpListener, svc: S, max_body: usize)
where
    S: tower_service::Service<
            http::Request<bytes::Bytes>,
            Response = http::Response<bytes::Bytes>,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    use http_body_util::{BodyExt, Full, Limited};
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let svc = svc.clone();
            tokio::spawn(async move {
                let handler = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let mut svc = svc.clone();
                        async move {
                            let (parts, body) = req.into_parts();
                            let resp = match Limited::new(body, max_body).collect().await {
                                Ok(b) => {
                                    let req = http::Request::from_parts(parts, b.to_bytes());
                                    svc.call(req).await?
                                }
                                Err(_) => {
                                    let mut r =
                                        http::Response::new(bytes::Bytes::from("too large"));
                                    *r.status_mut() = http::StatusCode::PAYLOAD_TOO_LARGE;
                                    r
                                }
                            };
                            Ok::<_, std::convert::Infallible>(resp.map(Full::new))
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), handler)
                    .await;
            });
        }
    });
}

/// Polls `cond` every 10 ms until it holds; panics with `what` after `timeout`.
pub async fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Query parameters from name/value pairs.
pub fn query(pairs: &[(&str, &str)]) -> WireParams {
    let mut p = WireParams::new();
    for (k, v) in pairs {
        p.push(Location::Query, *k, *v);
    }
    p
}

/// A standalone `ice-emulator` child process, killed when dropped.
pub struct EmulatorProcess {
    pub child: std::process::Child,
    pub endpoint: String,
    /// Time from spawning to the listening line.
    pub startup: Duration,
}

impl EmulatorProcess {
    /// Spawns the binary with `args` and reads its first stdout line.
    pub fn spawn(args: &[&str]) -> Self {
        use std::io::BufRead;
        let started = std::time::Instant::now();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ice-emulator"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let startup = started.elapsed();
        let endpoint = line
            .trim_end()
            .strip_prefix("ICE emulator listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Self {
            child,
            endpoint,
            startup,
        }
    }

    /// Sends `signal` (e.g. `TERM`) and waits for the exit status.
    pub fn signal_and_wait(&mut self, signal: &str) -> std::process::ExitStatus {
        let sent = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
        self.child.wait().unwrap()
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
