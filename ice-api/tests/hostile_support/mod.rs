//! A deliberately misbehaving loopback HTTP/1.1 server for the hostile-server tests: raw tokio
//! TCP, one scripted act per request (the last one repeats), every request recorded as it
//! arrived (request line, header lines in order, body). Also the shared checks: a TRACE-level
//! tracing capture and the "no secret anywhere" assertion.

#![allow(dead_code)]

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tracing_subscriber::fmt::format::FmtSpan;

/// Builds the answer from the request (e.g. to echo it back).
pub type Responder = Arc<dyn Fn(&Received) -> Act + Send + Sync>;

/// What the server does with one request.
#[derive(Clone)]
pub enum Act {
    /// Status, extra headers and a body sent with its `content-length`.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Status and headers, then a `len`-byte body (`prefix`, then `x` filler) written in 64 KiB
    /// pieces, then close. With `announce`, a `content-length: len` header; otherwise the body
    /// ends at close.
    Stream {
        status: u16,
        headers: Vec<(String, String)>,
        prefix: Vec<u8>,
        len: u64,
        announce: bool,
    },
    /// A 200 announcing `announced` bytes, `sent` of them, then a TCP reset.
    ResetMidBody { announced: usize, sent: usize },
    /// A 200 whose body arrives one byte every `every`.
    Drip { body: Vec<u8>, every: Duration },
    /// An answer computed from the request.
    Dynamic(Responder),
}

impl Act {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Self {
        Act::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        match &mut self {
            Act::Respond { headers, .. } | Act::Stream { headers, .. } => {
                headers.push((name.into(), value.into()))
            }
            Act::ResetMidBody { .. } | Act::Drip { .. } | Act::Dynamic(_) => {}
        }
        self
    }
}

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header lines in arrival order, names as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// A header value by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many times a header (case-insensitive) was sent.
    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// The raw query string.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// Decoded query pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        decode_form(self.query())
    }

    /// One decoded query or form parameter.
    pub fn param(&self, key: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .chain(decode_form(&String::from_utf8_lossy(&self.body)))
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space).
pub fn decode_form(raw: &str) -> Vec<(String, String)> {
    fn hex(c: Option<&u8>) -> Option<u8> {
        char::from(*c?).to_digit(16).map(|d| d as u8)
    }
    fn dec(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' => match (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    raw.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (dec(k), dec(v))
        })
        .collect()
}

struct State {
    script: Vec<Act>,
    requests: Vec<Received>,
}

/// A running hostile server (stops with the test's runtime).
pub struct Hostile {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

/// The most of a request the server reads (head and body each).
const MAX_REQUEST: usize = 1 << 20;

impl Hostile {
    /// Starts a server answering the n-th request with `script[n]` (the last act repeats).
    pub async fn start(script: Vec<Act>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State {
            script,
            requests: Vec::new(),
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

    /// Requests received so far.
    pub fn requests(&self) -> Vec<Received> {
        self.state.lock().unwrap().requests.clone()
    }

    /// How many requests arrived (the server-side count).
    pub fn count(&self) -> usize {
        self.state.lock().unwrap().requests.len()
    }
}

async fn serve(mut sock: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let head_end = loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 || buf.len() > MAX_REQUEST {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let received = Received {
        method,
        target,
        headers,
        body,
    };
    let act = {
        let mut st = state.lock().unwrap();
        let i = st.requests.len();
        st.requests.push(received.clone());
        st.script.get(i).or(st.script.last()).cloned()
    };
    let act = match act {
        Some(Act::Dynamic(f)) => f(&received),
        Some(act) => act,
        None => return Ok(()),
    };
    match act {
        Act::Respond {
            status,
            headers,
            body,
        } => {
            let mut out = head_bytes(status, &headers, Some(body.len() as u64));
            out.extend_from_slice(&body);
            sock.write_all(&out).await?;
            sock.shutdown().await?;
        }
        Act::Stream {
            status,
            headers,
            prefix,
            len,
            announce,
        } => {
            sock.write_all(&head_bytes(status, &headers, announce.then_some(len)))
                .await?;
            sock.write_all(&prefix).await?;
            let piece = vec![b'x'; 64 * 1024];
            let mut left = len.saturating_sub(prefix.len() as u64);
            while left > 0 {
                let n = left.min(piece.len() as u64) as usize;
                // The client hangs up once it has read enough: that ends the stream.
                sock.write_all(&piece[..n]).await?;
                left -= n as u64;
            }
            sock.shutdown().await?;
        }
        Act::ResetMidBody { announced, sent } => {
            let mut out = head_bytes(200, &[], Some(announced as u64));
            out.extend(std::iter::repeat_n(b'{', sent));
            sock.write_all(&out).await?;
            sock.flush().await?;
            tokio::time::sleep(Duration::from_millis(20)).await;
            // Deprecated because a non-zero linger blocks on drop; a zero linger resets at once.
            #[allow(deprecated)]
            sock.set_linger(Some(Duration::ZERO))?;
            drop(sock);
        }
        Act::Drip { body, every } => {
            sock.write_all(&head_bytes(200, &[], Some(body.len() as u64)))
                .await?;
            for b in body {
                sock.write_all(&[b]).await?;
                tokio::time::sleep(every).await;
            }
        }
        // Resolved above.
        Act::Dynamic(_) => {}
    }
    Ok(())
}

fn head_bytes(status: u16, headers: &[(String, String)], len: Option<u64>) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Hostile\r\nconnection: close\r\n");
    if let Some(len) = len {
        out.push_str(&format!("content-length: {len}\r\n"));
    }
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// A `MakeWriter` that appends everything to a shared buffer.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Captures every tracing event and span (TRACE level, span open/close included) on this
/// thread until the guard drops. Use with a current-thread runtime.
pub fn capture_tracing() -> (Captured, tracing::subscriber::DefaultGuard) {
    let buf = Captured::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .finish();
    (buf, tracing::subscriber::set_default(subscriber))
}

/// The shapes a secret takes on the wire and in echoes: raw, percent-encoded once and twice,
/// form-encoded.
pub fn secret_forms(secrets: &[&str]) -> Vec<String> {
    use ice_api::runtime::sign::percent;
    let mut out = Vec::new();
    for s in secrets {
        out.push(s.to_string());
        out.push(percent::encode(s));
        out.push(percent::encode(&percent::encode(s)));
        out.push(percent::form_encode(s));
    }
    out.sort();
    out.dedup();
    out
}

/// Everything a user could print about `err` plus the captured tracing output, printed (so the
/// suite's output can be grepped too) and checked for every `secret`.
pub fn assert_no_secret(what: &str, err: &ice_api::Error, logs: &str, secrets: &[String]) {
    let printed =
        format!("--- {what}\nDisplay: {err}\nDebug: {err:?}\nDebug#: {err:#?}\nTracing:\n{logs}");
    println!("{printed}");
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        assert!(
            !printed.contains(s),
            "{what}: output leaks {s:?}:\n{printed}"
        );
    }
}
