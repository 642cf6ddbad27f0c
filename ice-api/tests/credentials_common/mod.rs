//! Shared helpers of the `credentials_*` tests: a loopback HTTP stand-in that records requests,
//! temp homes, time formatting and an independent RPC (V2) signature check.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path without the query.
    pub path: String,
    pub query: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Decoded query pairs plus decoded form-body pairs.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut out = decode_pairs(&self.query);
        if self.method == "POST" {
            out.extend(decode_pairs(&self.body));
        }
        out
    }

    pub fn param(&self, key: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn ok(body: impl Into<String>) -> Self {
        Self::status(200, body)
    }
    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn delayed(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1 (one thread per connection, `Connection: close`).
pub struct Stub {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Stub {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = handler.clone();
                let recorded = recorded.clone();
                std::thread::spawn(move || serve(stream, &*handler, &recorded));
            }
        });
        Self { url, requests }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// Requests whose path is `path`.
    pub fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }
}

fn serve(stream: TcpStream, handler: &Handler, recorded: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.clone(), String::new()),
    };
    let req = Request {
        method,
        path,
        query,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    recorded.lock().unwrap().push(req.clone());
    let reply = handler(&req);
    if !reply.delay.is_zero() {
        std::thread::sleep(reply.delay);
    }
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
        reply.status,
        reply.body.len(),
        reply.body
    );
    let _ = stream.flush();
}

pub fn decode_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// RFC 3986 encoding written independently of the SDK's `percent` module.
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

/// The RPC signature computed from the received parameters, independently of the SDK signer.
pub fn expected_v2_signature(method: &str, params: &[(String, String)], secret: &str) -> String {
    use base64::Engine as _;
    use hmac::{Hmac, KeyInit, Mac};
    let mut sorted: Vec<_> = params.iter().filter(|(k, _)| k != "Signature").collect();
    sorted.sort();
    let cqs = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", rfc3986(k), rfc3986(v)))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("{method}&%2F&{}", rfc3986(&cqs));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// `yyyy-MM-ddTHH:mm:ssZ` of `t`.
pub fn iso8601(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil-from-days (H. Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// An expiration `offset_secs` from now (negative: in the past).
pub fn expiration_in(offset_secs: i64) -> String {
    let now = SystemTime::now();
    let t = if offset_secs >= 0 {
        now + Duration::from_secs(offset_secs as u64)
    } else {
        now - Duration::from_secs(offset_secs.unsigned_abs())
    };
    iso8601(t)
}

/// The JSON the metadata service / credentials URI return.
pub fn flat_credentials_json(id: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        r#"{{"Code":"Success","AccessKeyId":"{id}","AccessKeySecret":"{secret}","SecurityToken":"{token}","Expiration":"{expiration}","LastUpdated":"2024-01-01T00:00:00Z"}}"#
    )
}

/// The JSON STS `AssumeRole` returns.
pub fn sts_json(id: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        r#"{{"RequestId":"6894B13B-6D71-4EF5-88FA-F32781734A7F","AssumedRoleUser":{{"Arn":"acs:ram::123:role/r/s","AssumedRoleId":"3:s"}},"Credentials":{{"SecurityToken":"{token}","AccessKeyId":"{id}","AccessKeySecret":"{secret}","Expiration":"{expiration}"}}}}"#
    )
}

/// A fresh, empty directory under the system temp dir (unique per call).
pub fn temp_home() -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir =
        std::env::temp_dir().join(format!("ice-creds-test-{}-{nanos}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The role and OIDC provider the AssumeRoleWithOIDC stand-in accepts.
pub const OIDC_ROLE: &str = "acs:ram::1234567890123456:role/ice-rrsa";
pub const OIDC_PROVIDER: &str = "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c1";
pub const OIDC_TEMP_SECRET: &str = "oidcTempSecretValue";
pub const OIDC_TEMP_TOKEN: &str = "CAIS.oidcSessionToken";

/// An STS stand-in for `AssumeRoleWithOIDC` that checks the call as STS needs it: a POST to `/`
/// with `Action`, `Version`, `Format` and `Timestamp` in the query, the role, provider, token,
/// session name and duration (≥ 900) in the form body, the token never in the URL, and no
/// AccessKey or signature (the call is anonymous). A token not in `tokens` gets the 400 STS
/// answers, echoing the token as a hostile server might. On success the AccessKeyId is
/// `STS.OidcKey.<index of the token in tokens>`, valid for `expires_in` seconds.
pub fn oidc_sts_stub(tokens: &[&str], expires_in: i64) -> Stub {
    let tokens: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
    Stub::start(move |req: &Request| {
        let bad = |why: &str| {
            Reply::status(
                400,
                format!(r#"{{"Code":"InvalidParameter","Message":"{why}","RequestId":"R-OIDC"}}"#),
            )
        };
        if req.method != "POST" || req.path != "/" {
            return bad("expected POST /");
        }
        if req.header("content-type") != Some("application/x-www-form-urlencoded") {
            return bad("expected a form body");
        }
        let query = decode_pairs(&req.query);
        let q = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        if q("Action") != Some("AssumeRoleWithOIDC")
            || q("Version") != Some("2015-04-01")
            || q("Format") != Some("JSON")
        {
            return bad("Action, Version or Format missing from the query");
        }
        if !q("Timestamp").is_some_and(|t| t.len() == 20 && t.ends_with('Z')) {
            return bad("Timestamp missing or malformed");
        }
        if q("OIDCToken").is_some() {
            return bad("OIDCToken in the URL");
        }
        if ["AccessKeyId", "Signature", "SecurityToken"]
            .iter()
            .any(|k| req.param(k).is_some())
        {
            return bad("an AccessKey or signature on an anonymous call");
        }
        let form = decode_pairs(&req.body);
        let f = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if f("RoleArn").as_deref() != Some(OIDC_ROLE)
            || f("OIDCProviderArn").as_deref() != Some(OIDC_PROVIDER)
        {
            return bad("RoleArn or OIDCProviderArn not the ones trusted");
        }
        if f("RoleSessionName").is_none_or(|s| s.is_empty()) {
            return bad("RoleSessionName missing");
        }
        if f("DurationSeconds")
            .and_then(|d| d.parse::<u32>().ok())
            .is_none_or(|d| d < 900)
        {
            return bad("DurationSeconds missing or below 900");
        }
        let token = f("OIDCToken").unwrap_or_default();
        let Some(index) = tokens.iter().position(|t| *t == token) else {
            return Reply::status(
                400,
                format!(
                    r#"{{"Code":"AuthenticationFail.OIDCToken.Invalid","Message":"invalid token {token}","RequestId":"R-TOKEN"}}"#
                ),
            );
        };
        Reply::ok(sts_json(
            &format!("STS.OidcKey.{index}"),
            OIDC_TEMP_SECRET,
            OIDC_TEMP_TOKEN,
            &expiration_in(expires_in),
        ))
    })
}

/// A metadata-service stand-in that would hand out the node's role credentials
/// (`STS.NodeEcsRole01`); tests assert it is never asked.
pub fn node_metadata_stub() -> Stub {
    Stub::start(|req: &Request| match req.path.as_str() {
        "/latest/api/token" => Reply::ok("imds-token"),
        "/latest/meta-data/ram/security-credentials/" => Reply::ok("node-role"),
        _ => Reply::ok(flat_credentials_json(
            "STS.NodeEcsRole01",
            "nodeSecret",
            "CAIS.node",
            &expiration_in(3600),
        )),
    })
}

/// A JWT-shaped service-account token (made up).
pub fn jwt(subject: &str) -> String {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.{}",
        b64(r#"{"alg":"RS256","kid":"k1"}"#),
        b64(&format!(
            r#"{{"sub":"system:serviceaccount:ice:{subject}"}}"#
        )),
        b64("signature-bytes")
    )
}
