//! An ICE emulator for integration tests, offline demos and other languages' SDKs (cargo
//! feature `emulator`; also the standalone `ice-emulator` binary).
//!
//! It is an HTTP/1 server on a loopback port that speaks the ICE RPC protocol the way the real
//! gateway does:
//!
//! - verifies the ACS3-HMAC-SHA256 signature (and the older HMAC-SHA1 V2 one) with an
//!   [independent implementation](verify), the date skew and nonce replay, answering
//!   `SignatureDoesNotMatch`, `IncompleteSignature`,
//!   `InvalidAccessKeyId.NotFound`, `InvalidTimeStamp.Expired`, `SignatureNonceUsed`;
//! - checks `x-acs-version` (`2020-11-09`);
//! - emulates the whole `media-production` operation group statefully ([`SUPPORTED_ACTIONS`]):
//!   batch and scene jobs and media producing jobs move `Init` → `Processing` →
//!   `Finished`/`Failed` (`Success`/`Failed` for media producing jobs) on a configurable
//!   [`Timing`]; `*_Media_Select` jobs reveal a selection result built from the submitted
//!   `SpeechTextArray` and `MediaArray`; listings paginate and filter; `ClientToken` makes a
//!   submit idempotent; templates are kept, listed, updated and deleted, and their `$Name`
//!   placeholders are the parameters a templated job must fill;
//! - keeps `SetEventCallback`/`GetEventCallback` settings per account and delivers each job's
//!   completion event ([`crate::callback`]) by HTTP `POST` to a loopback receiver, signed when
//!   `AuthSwitch=on` and retried per [`CallbackPolicy`], or to an in-memory MNS queue
//!   ([`EmulatorHandle::take_mns_messages`]); see [Callbacks](#callbacks) below;
//! - answers 400 `InvalidParameter` naming the parameter on bad input, and 400
//!   `UnsupportedOperation` for operations outside these groups (never a fake success);
//! - answers every protocol error (malformed or oversized request head, oversized or slow
//!   body) with the gateway's JSON envelope, and closes connections that stall
//!   ([`Limits`]);
//! - injects [`Faults`]: throttling with `x-acs-retry-after`, 503, latency, dropped connections,
//!   by seeded rate or by script.
//!
//! Everything random (IDs, failures, clips, faults) comes from one seed. State lives in memory and
//! is bounded by [`Limits`] (jobs by count and by a byte budget, oldest finished jobs evicted
//! first). Material whose ID or URL contains `not-found` makes a job fail with
//! `InvalidMaterial.NotFound`, to exercise failure paths on purpose.
//!
//! # Callbacks
//!
//! Following Alibaba's documentation (event list, callback settings, callback
//! authentication): a job's completion is reported once, as an HTTP `POST` of the envelope
//! `{"EventType", "UserId", "EventTime", "MessageBody"}` to the job's `UserData.NotifyAddress`
//! (an `http(s)://` URL, or an MNS queue name starting with `ice-callback`) or else to the
//! account's callback (`CallbackType` `HTTP` with `CallbackURL`, or `MNS` with
//! `CallbackQueueName` starting with `ice-callback-`); only HTTP 200 counts as delivered, and a
//! failed delivery is tried 3 times in all, 1 s apart, with 3 s to answer each; with
//! `AuthSwitch=on` the request carries `X-ICE-TIMESTAMP` and
//! `X-ICE-SIGNATURE = md5("<url>|<timestamp>|<AuthKey>")`; `CallbackURL` is at most 256 bytes;
//! `AuthKey` at most 32 letters and digits mixing cases and digits.
//!
//! Our choices, where the documentation is silent: settings are per AccessKey (each key is its
//! own account); `SetEventCallback` keeps earlier values of parameters left out; an empty
//! `EventTypeList` means every event, and a job's own `NotifyAddress` is used whatever the list
//! says; HTTP callbacks are signed with the account's key when its `AuthSwitch` is `on`, for a
//! `NotifyAddress` too; the signed URL is the destination exactly as configured; batch and scene
//! jobs report `BatchProduceMediaComplete` and media producing jobs `ProduceMediaComplete`, with
//! the `MessageBody` fields listed in [`crate::callback`]; only loopback hosts are called (other
//! URLs are counted in [`EmulatorStats::callbacks_refused`]); MNS messages stay in memory, at
//! most [`CallbackPolicy::mns_capacity`] per queue; retries, timeouts and queue sizes are
//! configurable ([`CallbackPolicy`]).
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
mod conn;
mod delivery;
mod events;
mod jobs;
mod nonce;
mod params;
mod producing;
mod rng;
mod selection;
mod serve;
mod templates;
pub mod verify;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

pub use actions::SUPPORTED_ACTIONS;
pub use config::{CallbackPolicy, Faults, Limits, Outcome, Timing};
use delivery::Delivery;
use jobs::{Clock, Store};
use nonce::NonceCache;
use rng::Rng;
use templates::Templates;
use verify::KeyEntry;

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
    /// A builder with seed 0, [`Timing::default`], no faults, default [`Limits`] and
    /// [`CallbackPolicy`], bound to `127.0.0.1:0`.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            seed: 0,
            timing: Timing::default(),
            faults: Faults::default(),
            limits: Limits::default(),
            callbacks: CallbackPolicy::default(),
            keys: HashMap::new(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
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
    callbacks: CallbackPolicy,
    keys: HashMap<String, KeyEntry>,
    bind: SocketAddr,
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

    /// How event callbacks are delivered.
    pub fn callbacks(mut self, policy: CallbackPolicy) -> Self {
        self.callbacks = policy;
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an ephemeral loopback port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
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

    /// Binds the address (default `127.0.0.1:0`) and starts serving on the current Tokio
    /// runtime.
    pub async fn start(mut self) -> std::io::Result<EmulatorHandle> {
        if self.keys.is_empty() {
            self.keys.insert(
                DEFAULT_ACCESS_KEY_ID.into(),
                KeyEntry::new(DEFAULT_ACCESS_KEY_SECRET),
            );
        }
        let listener = TcpListener::bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let wake = Arc::new(Notify::new());
        let state = State {
            store: Store::default(),
            templates: Templates::new(self.seed),
            event_settings: HashMap::new(),
            delivery: Delivery::new(wake.clone(), self.callbacks.mns_capacity),
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
            callbacks: self.callbacks,
            host: addr.to_string(),
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        let server = tokio::spawn(conn::accept_loop(listener, shared.clone(), stop_rx.clone()));
        let delivery = tokio::spawn(delivery::run(shared.clone(), wake, stop_rx));
        Ok(EmulatorHandle {
            addr,
            shared,
            stop: stop_tx,
            tasks: vec![server, delivery],
        })
    }
}

/// A running emulator. Dropping it stops the server (in-flight connections and callback
/// deliveries are aborted).
#[derive(Debug)]
pub struct EmulatorHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
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

    /// Base URL, `http://HOST:PORT`, for the client's endpoint override.
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
        s.job_bytes = st.store.bytes() as u64;
        s.jobs_evicted = st.store.evicted;
        s.templates_stored = st.templates.len() as u64;
        s.nonces_remembered = st.nonces.len() as u64;
        s
    }

    /// Moves the job clock forward (with [`Timing::manual`] this is the only way it moves);
    /// completion events that become due are sent.
    pub fn advance(&self, by: Duration) {
        let mut st = self.shared.lock();
        st.clock.advance(by);
        st.delivery.wake();
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

    /// Removes and returns the event messages delivered to the MNS queue `queue` (a job's
    /// `NotifyAddress`, or the account's `CallbackQueueName`), oldest first.
    pub fn take_mns_messages(&self, queue: &str) -> Vec<String> {
        self.shared.lock().delivery.take_queue(queue)
    }

    /// Stops accepting connections and delivering callbacks, aborts open connections and
    /// waits for the server tasks.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
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
    /// TCP connections accepted.
    pub connections: u64,
    /// Connections closed for a timeout (header read, idle, body read, unread response).
    pub connections_timed_out: u64,
    /// Protocol errors answered below hyper (malformed or oversized request heads).
    pub protocol_errors: u64,
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
    /// Approximate bytes held by the kept jobs (see [`Limits::max_job_bytes`]).
    pub job_bytes: u64,
    /// Jobs evicted to stay within [`Limits::max_jobs`] and [`Limits::max_job_bytes`].
    pub jobs_evicted: u64,
    /// Templates currently kept.
    pub templates_stored: u64,
    /// Nonces currently remembered.
    pub nonces_remembered: u64,
    /// Callback HTTP requests sent (every attempt).
    pub callback_attempts: u64,
    /// Callbacks a receiver accepted (HTTP 200).
    pub callbacks_delivered: u64,
    /// Callbacks given up after [`CallbackPolicy::attempts`].
    pub callbacks_failed: u64,
    /// Callbacks not sent because their URL is not on loopback.
    pub callbacks_refused: u64,
    /// Callbacks dropped because [`CallbackPolicy::max_queued`] were waiting.
    pub callbacks_dropped: u64,
    /// Completion events lost because their job was evicted first.
    pub callbacks_lost_evicted: u64,
    /// Messages written to in-memory MNS queues.
    pub mns_messages: u64,
    /// MNS messages dropped (queue at [`CallbackPolicy::mns_capacity`], or too many queues).
    pub mns_dropped: u64,
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
    templates: Templates,
    /// `SetEventCallback` settings per account (AccessKey ID; bounded by the configured keys).
    event_settings: HashMap<String, events::Settings>,
    delivery: Delivery,
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
    callbacks: CallbackPolicy,
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
