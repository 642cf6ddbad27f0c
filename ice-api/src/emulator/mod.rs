//! An embedded ICE emulator for integration tests and offline demos (cargo feature `emulator`).
//!
//! It is an HTTP/1 server on an ephemeral `127.0.0.1` port that speaks the ICE RPC protocol the
//! way the real gateway does:
//!
//! - verifies the ACS3-HMAC-SHA256 signature (and the older HMAC-SHA1 V2 one) with an
//!   [independent implementation](verify), the date skew and nonce replay, answering
//!   `SignatureDoesNotMatch`, `IncompleteSignature`,
//!   `InvalidAccessKeyId.NotFound`, `InvalidTimeStamp.Expired`, `SignatureNonceUsed`;
//! - checks `x-acs-version` (`2020-11-09`);
//! - emulates the media-production job family statefully ([`SUPPORTED_ACTIONS`]): the four
//!   Submit operations create jobs that move `Init` → `Processing` → `Finished`/`Failed` on a
//!   configurable [`Timing`], `GetBatchMediaProducingJob` returns sub-jobs and, for
//!   `*_Media_Select` jobs, a selection result built from the submitted `SpeechTextArray` and
//!   `MediaArray`; `ListBatchMediaProducingJobs` paginates (`NextToken`/`MaxResults`) and filters;
//!   `ClientToken` makes a submit idempotent;
//! - answers 400 `InvalidParameter` naming the parameter on bad input, and 400
//!   `UnsupportedOperation` for every other action (never a fake success);
//! - injects [`Faults`]: throttling with `x-acs-retry-after`, 503, latency, dropped connections,
//!   by seeded rate or by script.
//!
//! Everything random (IDs, failures, clips, faults) comes from one seed. State lives in memory and
//! is bounded by [`Limits`]. Material whose ID or URL contains `not-found` makes a job fail with
//! `InvalidMaterial.NotFound`, to exercise failure paths on purpose.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use ice_api::emulator::{Emulator, Faults, Timing};
//!
//! let emu = Emulator::builder()
//!     .seed(42)
//!     .timing(Timing::instant())
//!     .faults(Faults::none().throttle(0.05))
//!     .credentials("my-ak", "my-secret")
//!     .start()
//!     .await?;
//! // Point the client at it: endpoint override + the same credentials.
//! println!("{}", emu.endpoint()); // http://127.0.0.1:PORT
//! emu.shutdown().await;
//! # Ok(()) }
//! ```

mod actions;
mod config;
mod jobs;
mod nonce;
mod rng;
pub mod verify;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

pub use actions::SUPPORTED_ACTIONS;
pub use config::{Faults, Limits, Outcome, Timing};
use jobs::{Clock, Store};
use nonce::NonceCache;
use rng::Rng;
use verify::{GatewayError, KeyEntry, RequestView};

/// AccessKey ID accepted when the builder is given no credentials.
pub const DEFAULT_ACCESS_KEY_ID: &str = "emulator-access-key-id";
/// AccessKey secret accepted when the builder is given no credentials.
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "emulator-access-key-secret";
/// The API version the emulator accepts.
pub const API_VERSION: &str = "2020-11-09";

/// Entry point: `Emulator::builder()`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with seed 0, [`Timing::default`], no faults, default [`Limits`].
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            seed: 0,
            timing: Timing::default(),
            faults: Faults::default(),
            limits: Limits::default(),
            keys: HashMap::new(),
        }
    }
}

/// Configures and starts an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    seed: u64,
    timing: Timing,
    faults: Faults,
    limits: Limits,
    keys: HashMap<String, KeyEntry>,
}

impl EmulatorBuilder {
    /// Seed for IDs, failures, selection results and random faults.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Job timing and failure rates.
    pub fn timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    /// Fault injection.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Memory and protocol limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Accepts this AccessKey pair (may be called several times). Without any call, the
    /// emulator accepts [`DEFAULT_ACCESS_KEY_ID`]/[`DEFAULT_ACCESS_KEY_SECRET`].
    pub fn credentials(
        mut self,
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
    ) -> Self {
        self.keys
            .insert(access_key_id.into(), KeyEntry::new(access_key_secret));
        self
    }

    /// Accepts this STS key; its requests must carry `x-acs-security-token: <token>`.
    pub fn sts_credentials(
        mut self,
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        self.keys.insert(
            access_key_id.into(),
            KeyEntry::new(access_key_secret).with_security_token(security_token),
        );
        self
    }

    /// Binds `127.0.0.1:0` and starts serving on the current Tokio runtime.
    pub async fn start(mut self) -> std::io::Result<EmulatorHandle> {
        if self.keys.is_empty() {
            self.keys.insert(
                DEFAULT_ACCESS_KEY_ID.into(),
                KeyEntry::new(DEFAULT_ACCESS_KEY_SECRET),
            );
        }
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = State {
            store: Store::default(),
            clock: Clock::new(self.timing.manual_clock),
            nonces: NonceCache::new(self.limits.max_nonces),
            script: self.faults.script.drain(..).collect(),
            fault_rng: Rng::derive(self.seed, 0xFA17),
            request_rng: Rng::derive(self.seed, 0x5EC),
            seed: self.seed,
            timing: self.timing,
            limits: self.limits.clone(),
            faults: self.faults,
            stats: EmulatorStats::default(),
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            keys: self.keys,
            limits: self.limits,
            host: addr.to_string(),
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, shared.clone(), stop_rx));
        Ok(EmulatorHandle {
            addr,
            shared,
            stop: stop_tx,
            task: Some(task),
        })
    }
}

/// A running emulator. Dropping it stops the server (in-flight connections are aborted).
#[derive(Debug)]
pub struct EmulatorHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl EmulatorHandle {
    /// A client for this emulator: its endpoint, and the accepted AccessKey whose id sorts first
    /// (the default key when the builder was given none).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), ice_api::Error> {
    /// let emulator = ice_api::emulator::Emulator::builder().start().await?;
    /// let client = emulator.client()?;
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> Result<crate::Client, crate::Error> {
        let (id, entry) = self
            .shared
            .keys
            .iter()
            .min_by(|a, b| a.0.cmp(b.0))
            .ok_or_else(|| crate::ConfigError::new("credentials", "the emulator accepts no key"))?;
        let mut creds =
            crate::runtime::credentials::Credentials::new(id.clone(), entry.secret.expose());
        if let Some(token) = &entry.security_token {
            creds = creds.with_security_token(token.expose());
        }
        crate::Client::new(
            crate::Config::builder()
                .endpoint(self.endpoint())
                .credentials(creds)
                .build()?,
        )
    }

    /// Base URL, `http://127.0.0.1:PORT`, for the client's endpoint override.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> EmulatorStats {
        let st = self.shared.lock();
        let mut s = st.stats.clone();
        s.jobs_stored = st.store.len() as u64;
        s.jobs_evicted = st.store.evicted;
        s.nonces_remembered = st.nonces.len() as u64;
        s
    }

    /// Moves the job clock forward (with [`Timing::manual`] this is the only way it moves).
    pub fn advance(&self, by: Duration) {
        self.shared.lock().clock.advance(by);
    }

    /// Appends outcomes to the fault script; they apply to the next requests, in order.
    pub fn push_script(&self, outcomes: impl IntoIterator<Item = Outcome>) {
        self.shared.lock().script.extend(outcomes);
    }

    /// Replaces the random fault rates (and the script, with `faults.script`).
    pub fn set_faults(&self, mut faults: Faults) {
        let mut st = self.shared.lock();
        st.script = faults.script.drain(..).collect();
        st.faults = faults;
    }

    /// Stops accepting connections, aborts open ones and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Counters kept by the emulator (see [`EmulatorHandle::stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmulatorStats {
    /// HTTP requests received.
    pub requests: u64,
    /// Requests per `x-acs-action` (all outcomes).
    pub by_action: BTreeMap<String, u64>,
    /// Error responses per `Code` (including injected ones).
    pub errors_by_code: BTreeMap<String, u64>,
    /// Jobs created (a ClientToken replay does not create one).
    pub jobs_created: u64,
    /// Submits answered from an earlier job with the same ClientToken.
    pub token_replays: u64,
    /// Jobs currently kept.
    pub jobs_stored: u64,
    /// Jobs evicted to stay within [`Limits::max_jobs`].
    pub jobs_evicted: u64,
    /// Nonces currently remembered.
    pub nonces_remembered: u64,
    /// Injected throttling responses.
    pub injected_throttles: u64,
    /// Injected 503 responses.
    pub injected_unavailable: u64,
    /// Connections dropped on purpose.
    pub injected_drops: u64,
    /// Requests delayed on purpose.
    pub injected_delays: u64,
}

/// Everything mutable, behind one mutex (critical sections are short and never await).
#[derive(Debug)]
pub(crate) struct State {
    store: Store,
    clock: Clock,
    nonces: NonceCache,
    script: VecDeque<Outcome>,
    faults: Faults,
    fault_rng: Rng,
    request_rng: Rng,
    seed: u64,
    timing: Timing,
    limits: Limits,
    stats: EmulatorStats,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    keys: HashMap<String, KeyEntry>,
    limits: Limits,
    host: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// The scripted outcome, else one seeded draw against the random rates.
    fn next_outcome(&mut self, action: &str) -> Outcome {
        if let Some(o) = self.script.pop_front() {
            return o;
        }
        let f = &self.faults;
        if !f.actions.is_empty() && !f.actions.iter().any(|a| a == action) {
            return Outcome::Normal;
        }
        let total = f.throttle_rate + f.unavailable_rate + f.drop_rate + f.latency_rate;
        if total <= 0.0 {
            return Outcome::Normal;
        }
        let r = self.fault_rng.unit();
        let mut edge = f.throttle_rate;
        if r < edge {
            return Outcome::Throttle {
                status: f.throttle_status,
                retry_after: f.retry_after,
            };
        }
        edge += f.unavailable_rate;
        if r < edge {
            return Outcome::Unavailable;
        }
        edge += f.drop_rate;
        if r < edge {
            return Outcome::Drop;
        }
        edge += f.latency_rate;
        if r < edge {
            return Outcome::Delay(f.latency);
        }
        Outcome::Normal
    }
}

/// The service's error to hyper: closes the connection without a response.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the emulator's fault injection")
    }
}

impl std::error::Error for DropConnection {}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
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
                let shared = shared.clone();
                conns.spawn(async move {
                    let svc = service_fn(move |req| serve(shared.clone(), req));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        }
    }
    conns.abort_all();
}

type Reply = Response<Full<Bytes>>;

async fn serve(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Reply, DropConnection> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, shared.limits.max_body).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            let mut st = shared.lock();
            st.stats.requests += 1;
            let err = GatewayError::new(
                413,
                "RequestEntityTooLarge",
                format!(
                    "the request body is larger than {} bytes or was cut off",
                    shared.limits.max_body
                ),
            );
            return Ok(error_reply(&mut st, &shared.host, &err, None));
        }
    };
    let action = parts
        .headers
        .get("x-acs-action")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let outcome = {
        let mut st = shared.lock();
        st.stats.requests += 1;
        *st.stats.by_action.entry(action.clone()).or_default() += 1;
        st.next_outcome(&action)
    };
    match outcome {
        Outcome::Normal => Ok(process(&shared, &parts, &body)),
        Outcome::Delay(d) => {
            shared.lock().stats.injected_delays += 1;
            tokio::time::sleep(d).await;
            Ok(process(&shared, &parts, &body))
        }
        Outcome::DelayResponse(d) => {
            let reply = process(&shared, &parts, &body);
            shared.lock().stats.injected_delays += 1;
            tokio::time::sleep(d).await;
            Ok(reply)
        }
        Outcome::Drop => {
            shared.lock().stats.injected_drops += 1;
            Err(DropConnection)
        }
        Outcome::DropAfterActing => {
            let _ = process(&shared, &parts, &body);
            shared.lock().stats.injected_drops += 1;
            Err(DropConnection)
        }
        Outcome::Throttle {
            status,
            retry_after,
        } => {
            let mut st = shared.lock();
            st.stats.injected_throttles += 1;
            let err = GatewayError::new(
                status,
                "Throttling.User",
                "Request was denied due to user flow control.",
            );
            Ok(error_reply(&mut st, &shared.host, &err, retry_after))
        }
        Outcome::Unavailable => {
            let mut st = shared.lock();
            st.stats.injected_unavailable += 1;
            let err = GatewayError::new(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
            );
            Ok(error_reply(&mut st, &shared.host, &err, None))
        }
        Outcome::Error {
            status,
            code,
            message,
        } => {
            let mut st = shared.lock();
            let err = GatewayError::new(status, code, message);
            Ok(error_reply(&mut st, &shared.host, &err, None))
        }
    }
}

/// Authenticates, validates and runs one request; always produces an HTTP answer.
fn process(shared: &Shared, parts: &hyper::http::request::Parts, body: &[u8]) -> Reply {
    match authenticate_and_run(shared, parts, body) {
        Ok((mut st, value)) => ok_reply(&mut st, value),
        Err(err) => {
            let mut st = shared.lock();
            error_reply(&mut st, &shared.host, &err, None)
        }
    }
}

fn authenticate_and_run<'a>(
    shared: &'a Shared,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Result<(MutexGuard<'a, State>, Value), GatewayError> {
    let method = parts.method.as_str();
    if method != "GET" && method != "POST" {
        return Err(GatewayError::new(
            400,
            "UnsupportedHTTPMethod",
            format!("RPC APIs accept GET and POST, not {method}"),
        ));
    }
    let path = parts.uri.path();
    if path != "/" {
        return Err(GatewayError::new(
            404,
            "InvalidAction.NotFound",
            format!("RPC requests go to \"/\", not \"{path}\""),
        ));
    }
    let query = parts.uri.query().unwrap_or("");
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let view = RequestView {
        method,
        path,
        query,
        headers: &headers,
        body,
    };
    let lookup = |ak: &str| shared.keys.get(ak).cloned();
    // V3 carries an Authorization header; the older V2 puts `Signature` in the query.
    let v2 = !parts.headers.contains_key("authorization")
        && query.split('&').any(|kv| kv.starts_with("Signature="));
    let caller = if v2 {
        verify::verify_v2(&view, lookup, SystemTime::now(), shared.limits.max_skew)?
    } else {
        verify::verify_v3(&view, lookup, SystemTime::now(), shared.limits.max_skew)?
    };
    if caller.version != API_VERSION {
        return Err(GatewayError::new(
            400,
            "InvalidVersion",
            format!(
                "Specified parameter Version is not valid: \"{}\" (the emulator serves {API_VERSION})",
                caller.version
            ),
        ));
    }
    let mut params = decode_params(query, &parts.headers, body)?;
    if v2 {
        params.retain(|k, _| !verify::V2_COMMON_PARAMS.contains(&k.as_str()));
    }
    let mut st = shared.lock();
    if !st.nonces.insert(&caller.access_key_id, &caller.nonce) {
        return Err(GatewayError::new(
            400,
            "SignatureNonceUsed",
            format!(
                "Specified signature nonce was used already: {}",
                caller.nonce
            ),
        ));
    }
    match actions::dispatch(&mut st, &caller.action, &params) {
        Some(Ok(v)) => Ok((st, v)),
        Some(Err(e)) => Err(e),
        None => Err(GatewayError::new(
            400,
            "UnsupportedOperation",
            format!(
                "The emulator does not implement the action \"{}\"; it emulates only: {}",
                caller.action,
                SUPPORTED_ACTIONS.join(", ")
            ),
        )),
    }
}

/// Merges the query and a form-urlencoded body into named UTF-8 parameters.
fn decode_params(
    query: &str,
    headers: &hyper::HeaderMap,
    body: &[u8],
) -> Result<actions::Params, GatewayError> {
    let mut pairs = verify::decode_query(query)?;
    let form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if form && !body.is_empty() {
        let text = std::str::from_utf8(body).map_err(|_| {
            GatewayError::new(400, "InvalidParameter", "the form body is not valid UTF-8")
        })?;
        pairs.extend(verify::decode_query(text)?);
    }
    pairs
        .into_iter()
        .map(|(k, v)| {
            let key = String::from_utf8(k).map_err(|_| {
                GatewayError::new(400, "InvalidParameter", "a parameter name is not UTF-8")
            })?;
            let val = String::from_utf8(v).map_err(|_| {
                GatewayError::new(
                    400,
                    "InvalidParameter",
                    format!("the value of \"{key}\" is not valid UTF-8"),
                )
            })?;
            Ok((key, val))
        })
        .collect()
}

fn json_reply(status: u16, mut value: Value, request_id: &str) -> Reply {
    if let Value::Object(o) = &mut value {
        o.insert("RequestId".into(), json!(request_id));
    }
    let mut resp = Response::new(Full::new(Bytes::from(value.to_string())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-acs-request-id", v);
    }
    resp
}

fn ok_reply(st: &mut State, value: Value) -> Reply {
    let id = st.request_rng.request_id();
    json_reply(200, value, &id)
}

fn error_reply(
    st: &mut State,
    host: &str,
    err: &GatewayError,
    retry_after: Option<Duration>,
) -> Reply {
    let id = st.request_rng.request_id();
    *st.stats.errors_by_code.entry(err.code.clone()).or_default() += 1;
    let body = json!({
        "HostId": host,
        "Code": err.code,
        "Message": err.message,
        "Recommend": format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=ICE&requestId={id}",
            err.code
        ),
    });
    let mut resp = json_reply(err.status, body, &id);
    if let Some(ra) = retry_after {
        if let Ok(v) = HeaderValue::from_str(&ra.as_millis().to_string()) {
            resp.headers_mut().insert("x-acs-retry-after", v);
        }
    }
    resp
}
