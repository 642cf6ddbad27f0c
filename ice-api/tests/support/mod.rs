//! Loopback test server for the client tests: a scripted HTTP/1.1 server over raw tokio TCP
//! that records every request, verifies its signature with the emulator's independent V3
//! verifier (or the small V2 verifier below), and answers per script.
//!
//! A request whose signature does not verify gets the gateway's error (e.g. 400
//! `SignatureDoesNotMatch`) instead of the scripted answer, so a signing bug fails the test.

#![allow(dead_code)]

pub mod ops;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use ice_api::emulator::verify::{self, GatewayError, KeyEntry, RequestView};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// AccessKey used by most tests.
pub const AK: &str = "LTAI5tTestKeyId0001";
/// Its secret: must never appear in logs or Debug output.
pub const SECRET: &str = "tEsT-SeCrEt-0f-th3-c1ient-9z";
/// STS AccessKey.
pub const STS_AK: &str = "STS.NTestTemporaryKey42";
/// STS secret.
pub const STS_SECRET: &str = "sts-SeCrEt-value-7781xq";
/// STS token.
pub const STS_TOKEN: &str = "CAIS-sts-T0KEN-abcdefghijklmnop==";

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer with status, extra headers and body.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Read the request, then send nothing for this long (then close).
    Hang(Duration),
    /// Read the request, then close the connection without answering.
    Close,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Self {
        Reply::Respond {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json;charset=utf-8".into(),
            )],
            body: body.into(),
        }
    }

    /// A 200 answer with a request id and `extra` JSON members (e.g. `"JobId":"j1"`).
    pub fn ok(request_id: &str, extra: &str) -> Self {
        let sep = if extra.is_empty() { "" } else { "," };
        Self::json(
            200,
            &format!(r#"{{"RequestId":"{request_id}"{sep}{extra}}}"#),
        )
    }

    /// A gateway-style error answer.
    pub fn error(status: u16, code: &str, message: &str, request_id: &str) -> Self {
        let body = serde_json::json!({
            "RequestId": request_id,
            "HostId": "ice.cn-shanghai.aliyuncs.com",
            "Code": code,
            "Message": message,
        });
        Self::json(status, &body.to_string())
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// How a recorded request authenticated.
#[derive(Debug, Clone)]
pub enum Auth {
    /// V3 `Authorization` header that verified (the AccessKey id).
    V3(verify::VerifiedCaller),
    /// V2 `Signature` query parameter that verified (the AccessKey id).
    V2(String),
    /// No signature at all.
    None,
    /// A signature that did not verify.
    Rejected(GatewayError),
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Raw query (still percent-encoded).
    pub query: String,
    /// Header (lower-case name, value) pairs as received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub auth: Auth,
    /// When the request had been read completely.
    pub at: Instant,
}

impl Recorded {
    /// A header value by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Decoded query parameters.
    pub fn query_params(&self) -> Vec<(String, String)> {
        decode_pairs(&self.query)
    }

    /// Decoded form-body parameters.
    pub fn form_params(&self) -> Vec<(String, String)> {
        decode_pairs(std::str::from_utf8(&self.body).unwrap_or_default())
    }

    /// One decoded parameter from the query or the form body.
    pub fn param(&self, key: &str) -> Option<String> {
        self.query_params()
            .into_iter()
            .chain(self.form_params())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Whether the signature verified (V3 or V2).
    pub fn verified(&self) -> bool {
        matches!(self.auth, Auth::V3(_) | Auth::V2(_))
    }
}

fn decode_pairs(raw: &str) -> Vec<(String, String)> {
    verify::decode_query(raw)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            (
                String::from_utf8_lossy(&k).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            )
        })
        .collect()
}

struct State {
    script: Vec<Reply>,
    requests: Vec<Recorded>,
    keys: HashMap<String, KeyEntry>,
}

/// A running loopback server (stops when dropped, with the test's runtime).
pub struct TestServer {
    addr: std::net::SocketAddr,
    state: Arc<Mutex<State>>,
}

impl TestServer {
    /// Starts a server answering the n-th request with `script[n]` (the last entry repeats).
    /// Knows the test AccessKey and the STS key.
    pub async fn start(script: Vec<Reply>) -> Self {
        let mut keys = HashMap::new();
        keys.insert(AK.to_owned(), KeyEntry::new(SECRET));
        keys.insert(
            STS_AK.to_owned(),
            KeyEntry::new(STS_SECRET).with_security_token(STS_TOKEN),
        );
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State {
            script,
            requests: Vec::new(),
            keys,
        }));
        let st = state.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let st = st.clone();
                tokio::spawn(async move {
                    let _ = serve(sock, st).await;
                });
            }
        });
        Self { addr, state }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.state.lock().unwrap().requests.len()
    }
}

async fn serve(mut sock: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));

    let reply = {
        let mut st = state.lock().unwrap();
        let view = RequestView {
            method: &method,
            path,
            query,
            headers: &headers,
            body: &body,
        };
        let auth = authenticate(&view, &st.keys);
        let idx = st.requests.len();
        let reply = match &auth {
            Auth::Rejected(g) => Reply::error(g.status, &g.code, &g.message, "rejected"),
            _ => st
                .script
                .get(idx)
                .or(st.script.last())
                .cloned()
                .unwrap_or_else(|| Reply::ok("no-script", "")),
        };
        st.requests.push(Recorded {
            method: method.clone(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: headers.clone(),
            body: body.clone(),
            auth,
            at: Instant::now(),
        });
        reply
    };

    match reply {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut out = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (n, v) in headers {
                out.push_str(&format!("{n}: {v}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&body);
            sock.write_all(out.as_bytes()).await?;
            sock.shutdown().await?;
        }
        Reply::Hang(d) => {
            tokio::time::sleep(d).await;
        }
        Reply::Close => {}
    }
    Ok(())
}

fn authenticate(req: &RequestView<'_>, keys: &HashMap<String, KeyEntry>) -> Auth {
    let has_auth = req
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("authorization"));
    if has_auth {
        return match verify::verify_v3(
            req,
            |ak| keys.get(ak).cloned(),
            SystemTime::now(),
            Duration::from_secs(900),
        ) {
            Ok(c) => Auth::V3(c),
            Err(e) => Auth::Rejected(e),
        };
    }
    let query = decode_pairs(req.query);
    if query.iter().any(|(k, _)| k == "Signature") {
        return match verify_v2(req, &query, keys) {
            Ok(ak) => Auth::V2(ak),
            Err(e) => Auth::Rejected(e),
        };
    }
    Auth::None
}

/// An independent V2 (HMAC-SHA1) check written from signing.md §4: every query and form
/// parameter except `Signature`, sorted by key, RFC 3986-encoded, then
/// `METHOD&%2F&enc(cqs)`, key = secret + `&`.
fn verify_v2(
    req: &RequestView<'_>,
    query: &[(String, String)],
    keys: &HashMap<String, KeyEntry>,
) -> Result<String, GatewayError> {
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let ak = get("AccessKeyId")
        .ok_or_else(|| GatewayError::new(400, "MissingAccessKeyId", "no AccessKeyId"))?;
    let key = keys
        .get(&ak)
        .ok_or_else(|| GatewayError::new(404, "InvalidAccessKeyId.NotFound", "unknown key"))?;
    if let Some(token) = &key.security_token {
        if get("SecurityToken").as_deref() != Some(token.expose()) {
            return Err(GatewayError::new(
                400,
                "InvalidSecurityToken",
                "token mismatch",
            ));
        }
    }
    let mut all: Vec<(String, String)> = query.to_vec();
    all.extend(decode_pairs(
        std::str::from_utf8(req.body).unwrap_or_default(),
    ));
    let signature = get("Signature").unwrap_or_default();
    all.retain(|(k, _)| k != "Signature");
    all.sort();
    let cqs = all
        .iter()
        .map(|(k, v)| format!("{}={}", rfc3986(k), rfc3986(v)))
        .collect::<Vec<_>>()
        .join("&");
    let sts = format!("{}&%2F&{}", req.method, rfc3986(&cqs));
    let mut mac =
        Hmac::<sha1::Sha1>::new_from_slice(format!("{}&", key.secret.expose()).as_bytes())
            .expect("hmac key");
    mac.update(sts.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if expected == signature {
        Ok(ak)
    } else {
        Err(GatewayError::new(
            400,
            "SignatureDoesNotMatch",
            "V2 signature mismatch",
        ))
    }
}

fn rfc3986(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A port on 127.0.0.1 where nothing listens (connect fails immediately).
pub async fn closed_port_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    drop(l);
    format!("http://{addr}")
}

/// A config builder aimed at `server` with the test AccessKey and short retry waits.
pub fn config(server: &TestServer) -> ice_api::ConfigBuilder {
    ice_api::Config::builder()
        .region("cn-shanghai")
        .endpoint(server.url())
        .credentials(ice_api::runtime::credentials::Credentials::new(AK, SECRET))
}

/// A client for `server` with the default policy.
pub fn client(server: &TestServer) -> ice_api::Client {
    ice_api::Client::new(config(server).build().expect("config")).expect("client")
}
