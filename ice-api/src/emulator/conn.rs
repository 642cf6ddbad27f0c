//! Connections: the accept loop, per-connection timeouts, and a check of every request head
//! before hyper parses it.
//!
//! hyper answers a malformed or oversized request head itself, with an empty body; the real
//! gateway answers with its JSON error envelope. So each connection's bytes pass through
//! [`Guarded`], which frames HTTP/1.1 messages (head, then `Content-Length` or chunked body),
//! parses each head with the same parser and rules hyper uses (`httparse`, the `http` crate's
//! URI, hyper's `Content-Length`/`Transfer-Encoding` rules), and answers a bad one with a
//! gateway-style error before closing; hyper only ever sees heads it will accept. The same
//! layer closes a connection whose head does not arrive within
//! [`Limits::header_read_timeout`] of its first byte (slowloris), one idle for
//! [`Limits::idle_timeout`] between requests, and one whose responses are not read for that
//! long. Hand-written because hyper exposes no hook for its automatic error responses.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};

use super::config::Limits;
use super::serve::{self, raw_error_response};
use super::verify::GatewayError;
use super::Shared;

/// hyper's own limits, mirrored so that a head this layer accepts never fails in hyper.
const MAX_HEADERS: usize = 100;
const MAX_URI_LEN: usize = (u16::MAX - 1) as usize;
/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 16 << 10;

pub(crate) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors or similar: back off briefly instead of spinning.
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                shared.lock().stats.connections += 1;
                conns.spawn(serve_connection(stream, shared.clone()));
            }
        }
    }
    conns.abort_all();
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let io = Guarded::new(stream, shared.clone(), in_flight.clone());
    let svc = service_fn(move |req| {
        let (shared, in_flight) = (shared.clone(), in_flight.clone());
        async move {
            in_flight.fetch_add(1, Ordering::Relaxed);
            let reply = serve::serve(shared, req).await;
            in_flight.fetch_sub(1, Ordering::Relaxed);
            reply
        }
    });
    let _ = http1::Builder::new()
        .max_buf_size(io.limits.max_head.saturating_add(READ_CHUNK).max(8192))
        .serve_connection(TokioIo::new(io), svc)
        .await;
}

/// Where the reader is in the current message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// Waiting for (the rest of) a request head.
    Head,
    /// This many body bytes to go.
    Body(u64),
    /// Inside a chunked body.
    Chunked(Chunk),
    /// Framing lost (malformed chunked body): bytes pass through, hyper reports the error.
    Passthrough,
    /// A protocol error was answered; hyper sees end of stream.
    Closed,
}

/// States of a chunked body scanner (RFC 9112 §7.1), only as detailed as finding its end needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    Size { digits: u8, value: u64 },
    Extension { value: u64 },
    SizeLf { value: u64 },
    Data(u64),
    DataCr,
    DataLf,
    TrailerStart,
    TrailerLine,
    TrailerLf,
    EndLf,
}

/// Outcome of scanning body bytes.
enum Scan {
    /// All the bytes belong to the body; more follow.
    More(Chunk),
    /// The body ends after this many bytes.
    End(usize),
    /// Not a chunked body.
    Invalid,
}

fn scan_chunked(mut state: Chunk, bytes: &[u8]) -> Scan {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        state = match state {
            Chunk::Size { digits, value } => match (b as char).to_digit(16) {
                Some(d) if digits < 16 => Chunk::Size {
                    digits: digits + 1,
                    value: value * 16 + u64::from(d),
                },
                None if digits > 0 && b == b';' => Chunk::Extension { value },
                None if digits > 0 && b == b'\r' => Chunk::SizeLf { value },
                _ => return Scan::Invalid,
            },
            Chunk::Extension { value } => match b {
                b'\r' => Chunk::SizeLf { value },
                b'\n' => return Scan::Invalid,
                _ => Chunk::Extension { value },
            },
            Chunk::SizeLf { value } => match (b, value) {
                (b'\n', 0) => Chunk::TrailerStart,
                (b'\n', n) => Chunk::Data(n),
                _ => return Scan::Invalid,
            },
            Chunk::Data(n) => {
                let take = n.min((bytes.len() - i) as u64);
                i += take as usize;
                state = if take == n {
                    Chunk::DataCr
                } else {
                    Chunk::Data(n - take)
                };
                continue;
            }
            Chunk::DataCr if b == b'\r' => Chunk::DataLf,
            Chunk::DataLf if b == b'\n' => Chunk::Size {
                digits: 0,
                value: 0,
            },
            Chunk::TrailerStart if b == b'\r' => Chunk::EndLf,
            Chunk::TrailerStart | Chunk::TrailerLine if b != b'\r' && b != b'\n' => {
                Chunk::TrailerLine
            }
            Chunk::TrailerLine if b == b'\r' => Chunk::TrailerLf,
            Chunk::TrailerLf if b == b'\n' => Chunk::TrailerStart,
            Chunk::EndLf if b == b'\n' => return Scan::End(i + 1),
            _ => return Scan::Invalid,
        };
        i += 1;
    }
    Scan::More(state)
}

/// Checks one complete request head as hyper would; returns how its body is framed.
fn check_head(req: &httparse::Request<'_, '_>) -> Result<Frame, GatewayError> {
    let bad = |msg: &str| GatewayError::new(400, "BadRequest", msg.to_string());
    let path = req.path.unwrap_or("");
    if path.len() > MAX_URI_LEN {
        return Err(GatewayError::new(
            414,
            "RequestURITooLong",
            format!("the request target is longer than {MAX_URI_LEN} bytes"),
        ));
    }
    if http::Uri::try_from(path).is_err() {
        return Err(bad("the request target is not a valid URI"));
    }
    let http11 = req.version == Some(1);
    let mut chunked = None;
    let mut length: Option<u64> = None;
    for h in req.headers.iter() {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            if !http11 {
                return Err(bad("HTTP/1.0 requests cannot use Transfer-Encoding"));
            }
            let last = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.rsplit(',').next())
                .map(str::trim);
            chunked = Some(last.is_some_and(|l| l.eq_ignore_ascii_case("chunked")));
        } else if h.name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(h.value)
                .ok()
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or_else(|| bad("Content-Length is not a number"))?;
            if length.is_some_and(|prev| prev != n) {
                return Err(bad("conflicting Content-Length headers"));
            }
            length = Some(n);
        }
    }
    match chunked {
        Some(false) => Err(bad("Transfer-Encoding must end with chunked")),
        Some(true) => Ok(Frame::Chunked(Chunk::Size {
            digits: 0,
            value: 0,
        })),
        None => match length {
            Some(n) if n > u64::MAX - 2 => Err(GatewayError::new(
                413,
                "RequestEntityTooLarge",
                "Content-Length is too large",
            )),
            Some(n) => Ok(Frame::Body(n)),
            None => Ok(Frame::Body(0)),
        },
    }
}

/// What the connection deadline currently guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Watch {
    Nothing,
    /// No request in progress: closes after `idle_timeout`.
    Idle,
    /// A head has started: closes `header_read_timeout` after its first byte.
    Head,
}

/// The socket as hyper sees it: framed, checked, and bounded in time.
pub(crate) struct Guarded {
    io: TcpStream,
    shared: Arc<Shared>,
    limits: Limits,
    in_flight: Arc<AtomicUsize>,
    frame: Frame,
    /// Bytes read from the socket, not yet classified.
    input: Vec<u8>,
    /// Checked bytes waiting for hyper, and how many of them it has taken.
    ready: Vec<u8>,
    taken: usize,
    watch: Watch,
    deadline: Pin<Box<Sleep>>,
    write_stall: Option<Pin<Box<Sleep>>>,
    /// A protocol-error response to send before closing, and how much of it is sent.
    reply: Option<(Vec<u8>, usize)>,
}

impl Guarded {
    fn new(io: TcpStream, shared: Arc<Shared>, in_flight: Arc<AtomicUsize>) -> Self {
        let limits = shared.limits.clone();
        let mut g = Self {
            io,
            shared,
            deadline: Box::pin(tokio::time::sleep(limits.idle_timeout)),
            limits,
            in_flight,
            frame: Frame::Head,
            input: Vec::new(),
            ready: Vec::new(),
            taken: 0,
            watch: Watch::Nothing,
            write_stall: None,
            reply: None,
        };
        g.arm(Watch::Idle);
        g
    }

    fn arm(&mut self, watch: Watch) {
        let after = match watch {
            Watch::Idle => self.limits.idle_timeout,
            Watch::Head => self.limits.header_read_timeout,
            Watch::Nothing => {
                self.watch = Watch::Nothing;
                return;
            }
        };
        self.watch = watch;
        self.deadline.as_mut().reset(Instant::now() + after);
    }

    /// Answers a protocol error: hyper sees end of stream; the reply goes out on shutdown.
    fn refuse(&mut self, err: GatewayError) {
        let bytes = raw_error_response(&self.shared, &err);
        self.shared.lock().stats.protocol_errors += 1;
        self.reply = Some((bytes, 0));
        self.frame = Frame::Closed;
        self.input.clear();
        self.watch = Watch::Nothing;
    }

    /// Moves the next checked bytes from `input` to `ready`, as far as framing allows.
    /// Returns false when more input is needed.
    fn classify(&mut self) -> bool {
        match self.frame {
            Frame::Closed => true,
            Frame::Passthrough => {
                self.ready.append(&mut self.input);
                !self.ready.is_empty()
            }
            Frame::Body(0) => {
                self.frame = Frame::Head;
                self.arm(Watch::Idle);
                self.classify()
            }
            Frame::Body(n) => {
                if self.input.is_empty() {
                    return false;
                }
                let take = n.min(self.input.len() as u64) as usize;
                self.ready.extend(self.input.drain(..take));
                self.frame = Frame::Body(n - take as u64);
                true
            }
            Frame::Chunked(state) => {
                if self.input.is_empty() {
                    return false;
                }
                match scan_chunked(state, &self.input) {
                    Scan::More(next) => {
                        self.ready.append(&mut self.input);
                        self.frame = Frame::Chunked(next);
                    }
                    Scan::End(n) => {
                        self.ready.extend(self.input.drain(..n));
                        self.frame = Frame::Head;
                        self.arm(Watch::Idle);
                    }
                    Scan::Invalid => self.frame = Frame::Passthrough,
                }
                true
            }
            Frame::Head => {
                if self.input.is_empty() {
                    return false;
                }
                if self.watch != Watch::Head {
                    self.arm(Watch::Head);
                }
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut req = httparse::Request::new(&mut headers);
                let parsed = req.parse(&self.input);
                let outcome = match parsed {
                    Ok(httparse::Status::Complete(n)) if n > self.limits.max_head => {
                        Err(too_large(self.limits.max_head))
                    }
                    Ok(httparse::Status::Complete(n)) => check_head(&req).map(|f| Some((n, f))),
                    Ok(httparse::Status::Partial) if self.input.len() > self.limits.max_head => {
                        Err(too_large(self.limits.max_head))
                    }
                    Ok(httparse::Status::Partial) => Ok(None),
                    Err(httparse::Error::TooManyHeaders) => Err(GatewayError::new(
                        431,
                        "RequestHeaderFieldsTooLarge",
                        format!("more than {MAX_HEADERS} request headers"),
                    )),
                    Err(e) => Err(GatewayError::new(
                        400,
                        "BadRequest",
                        format!("malformed request head: {e}"),
                    )),
                };
                match outcome {
                    Ok(Some((n, frame))) => {
                        self.ready.extend(self.input.drain(..n));
                        self.frame = frame;
                        self.arm(Watch::Nothing);
                        true
                    }
                    Ok(None) => false,
                    Err(e) => {
                        self.refuse(e);
                        true
                    }
                }
            }
        }
    }

    /// Reads more socket bytes into `input` (at most [`READ_CHUNK`]); `Ok(0)` is end of stream.
    fn fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let start = self.input.len();
        self.input.resize(start + READ_CHUNK, 0);
        let mut buf = ReadBuf::new(&mut self.input[start..]);
        let polled = Pin::new(&mut self.io).poll_read(cx, &mut buf);
        let n = buf.filled().len();
        self.input.truncate(start + n);
        polled.map_ok(|()| n)
    }

    fn timed_out(&mut self, what: &str) -> io::Error {
        self.shared.lock().stats.connections_timed_out += 1;
        io::Error::new(io::ErrorKind::TimedOut, what.to_string())
    }
}

fn too_large(max: usize) -> GatewayError {
    GatewayError::new(
        431,
        "RequestHeaderFieldsTooLarge",
        format!("the request line and headers are larger than {max} bytes"),
    )
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.taken < this.ready.len() {
                let n = (this.ready.len() - this.taken).min(out.remaining());
                out.put_slice(&this.ready[this.taken..this.taken + n]);
                this.taken += n;
                if this.taken == this.ready.len() {
                    this.ready.clear();
                    this.taken = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.frame == Frame::Closed {
                return Poll::Ready(Ok(()));
            }
            if this.classify() {
                continue;
            }
            match this.fill(cx) {
                Poll::Ready(Ok(0)) => {
                    // End of stream: pass what is framed; a cut-off head is simply dropped.
                    if this.frame != Frame::Head {
                        this.ready.append(&mut this.input);
                    }
                    this.frame = Frame::Closed;
                    if this.ready.is_empty() {
                        return Poll::Ready(Ok(()));
                    }
                }
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {
                    if this.watch != Watch::Nothing && this.deadline.as_mut().poll(cx).is_ready() {
                        if this.in_flight.load(Ordering::Relaxed) > 0 {
                            // A request is being served (e.g. injected latency): not idle.
                            let w = this.watch;
                            this.arm(w);
                            continue;
                        }
                        let what = if this.watch == Watch::Head {
                            "request head not received within the header-read timeout"
                        } else {
                            "connection idle for longer than the idle timeout"
                        };
                        return Poll::Ready(Err(this.timed_out(what)));
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Pending => {
                let idle = this.limits.idle_timeout;
                let stall = this
                    .write_stall
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                if stall.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(this.timed_out("response not read by the client")));
                }
                Poll::Pending
            }
            ready => {
                this.write_stall = None;
                ready
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some((bytes, sent)) = &mut this.reply {
            while *sent < bytes.len() {
                match Pin::new(&mut this.io).poll_write(cx, &bytes[*sent..]) {
                    Poll::Ready(Ok(0)) => break,
                    Poll::Ready(Ok(n)) => *sent += n,
                    Poll::Ready(Err(_)) => break,
                    Poll::Pending => return Poll::Pending,
                }
            }
            this.reply = None;
        }
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(body: &[u8]) -> Option<usize> {
        match scan_chunked(
            Chunk::Size {
                digits: 0,
                value: 0,
            },
            body,
        ) {
            Scan::End(n) => Some(n),
            _ => None,
        }
    }

    #[test]
    fn chunked_bodies_end_where_they_end() {
        let body = b"5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\n\r\nNEXT";
        assert_eq!(scan_all(body), Some(body.len() - 4));
        let trailers = b"1\r\nx\r\n0\r\nA: b\r\n\r\n";
        assert_eq!(scan_all(trailers), Some(trailers.len()));
        // Split anywhere, the scanner resumes.
        for split in 1..body.len() - 4 {
            let Scan::More(state) = scan_chunked(
                Chunk::Size {
                    digits: 0,
                    value: 0,
                },
                &body[..split],
            ) else {
                panic!("split {split}")
            };
            assert!(
                matches!(scan_chunked(state, &body[split..]), Scan::End(n) if n == body.len() - 4 - split)
            );
        }
        for bad in [&b"x\r\n"[..], b"\r\n", b"5\n", b"11111111111111111\r\n"] {
            assert!(matches!(
                scan_chunked(
                    Chunk::Size {
                        digits: 0,
                        value: 0
                    },
                    bad
                ),
                Scan::Invalid
            ));
        }
    }
}
