//! Emulator settings: job timing, fault injection and memory limits.

use std::time::Duration;

/// How fast jobs move through `Init` → `Processing` → `Finished`/`Failed`, and how often they fail.
///
/// A job stays `Init` for [`queue`](Timing::queue), then `Processing` for
/// [`processing`](Timing::processing); its sub-jobs finish one after another, evenly spread over
/// the processing time. Whether a job or sub-job fails is drawn once, at submission, from the
/// emulator's seed, so a run is reproducible.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Time spent in `Init`.
    pub queue: Duration,
    /// Time spent in `Processing`.
    pub processing: Duration,
    /// Probability that a whole job ends `Failed`.
    pub job_failure_rate: f64,
    /// Probability that one sub-job of an otherwise healthy job ends `Failed`
    /// (the main job still ends `Finished`, as on the real service).
    pub sub_job_failure_rate: f64,
    /// Use a virtual clock that only moves when [`EmulatorHandle::advance`] is called.
    ///
    /// [`EmulatorHandle::advance`]: super::EmulatorHandle::advance
    pub manual_clock: bool,
}

impl Default for Timing {
    /// 200 ms queued, 1 s processing, no failures, real clock.
    fn default() -> Self {
        Self {
            queue: Duration::from_millis(200),
            processing: Duration::from_secs(1),
            job_failure_rate: 0.0,
            sub_job_failure_rate: 0.0,
            manual_clock: false,
        }
    }
}

impl Timing {
    /// Jobs are `Finished` (or `Failed`) as soon as they are read.
    pub fn instant() -> Self {
        Self {
            queue: Duration::ZERO,
            processing: Duration::ZERO,
            ..Self::default()
        }
    }

    /// Virtual clock driven by [`EmulatorHandle::advance`](super::EmulatorHandle::advance), with
    /// the given phase durations.
    pub fn manual(queue: Duration, processing: Duration) -> Self {
        Self {
            queue,
            processing,
            manual_clock: true,
            ..Self::default()
        }
    }

    /// Sets the phase durations.
    pub fn durations(mut self, queue: Duration, processing: Duration) -> Self {
        self.queue = queue;
        self.processing = processing;
        self
    }

    /// Sets the job and sub-job failure probabilities.
    pub fn failure_rates(mut self, job: f64, sub_job: f64) -> Self {
        self.job_failure_rate = job;
        self.sub_job_failure_rate = sub_job;
        self
    }
}

/// What the emulator does with one request, before (or instead of) answering it normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Answer normally.
    Normal,
    /// Answer `Throttling.User` with this HTTP status (the gateway uses 400; some proxies 429),
    /// with an `x-acs-retry-after` header (milliseconds) when set.
    Throttle {
        /// HTTP status.
        status: u16,
        /// Value of `x-acs-retry-after`.
        retry_after: Option<Duration>,
    },
    /// Answer 503 `ServiceUnavailable`.
    Unavailable,
    /// Wait, then answer normally.
    Delay(Duration),
    /// Act on the request (e.g. create the job), then wait before answering, so a client with a
    /// shorter read timeout gives up after the server has acted.
    DelayResponse(Duration),
    /// Close the connection without answering and without acting.
    Drop,
    /// Act on the request, then close the connection without answering.
    DropAfterActing,
    /// Answer this error instead of acting.
    Error {
        /// HTTP status.
        status: u16,
        /// Error `Code`.
        code: String,
        /// Error `Message`.
        message: String,
    },
}

/// Fault injection: a script consumed first (one [`Outcome`] per request, in arrival order),
/// then seeded random faults at the given rates.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Outcomes for the next requests, in order.
    pub script: Vec<Outcome>,
    /// Probability of `Throttling.User`.
    pub throttle_rate: f64,
    /// HTTP status used for random throttling (default 400, as the gateway).
    pub throttle_status: u16,
    /// `x-acs-retry-after` sent with random throttling (default 20 ms).
    pub retry_after: Option<Duration>,
    /// Probability of 503 `ServiceUnavailable`.
    pub unavailable_rate: f64,
    /// Probability of a dropped connection (before acting).
    pub drop_rate: f64,
    /// Probability of added latency.
    pub latency_rate: f64,
    /// Latency added when it is drawn.
    pub latency: Duration,
    /// When non-empty, random faults apply only to these actions (the script applies to all).
    pub actions: Vec<String>,
}

impl Default for Faults {
    /// No faults.
    fn default() -> Self {
        Self {
            script: Vec::new(),
            throttle_rate: 0.0,
            throttle_status: 400,
            retry_after: Some(Duration::from_millis(20)),
            unavailable_rate: 0.0,
            drop_rate: 0.0,
            latency_rate: 0.0,
            latency: Duration::from_millis(50),
            actions: Vec::new(),
        }
    }
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Scripted outcomes for the next requests.
    pub fn script(outcomes: impl IntoIterator<Item = Outcome>) -> Self {
        Self {
            script: outcomes.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Sets the throttling rate.
    pub fn throttle(mut self, rate: f64) -> Self {
        self.throttle_rate = rate;
        self
    }

    /// Sets the 503 rate.
    pub fn unavailable(mut self, rate: f64) -> Self {
        self.unavailable_rate = rate;
        self
    }

    /// Sets the dropped-connection rate.
    pub fn drop_connections(mut self, rate: f64) -> Self {
        self.drop_rate = rate;
        self
    }

    /// Adds `latency` to a fraction `rate` of requests.
    pub fn latency(mut self, rate: f64, latency: Duration) -> Self {
        self.latency_rate = rate;
        self.latency = latency;
        self
    }

    /// Restricts random faults to these actions.
    pub fn only_actions(mut self, actions: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.actions = actions.into_iter().map(Into::into).collect();
        self
    }
}

/// Memory and protocol limits, and the connection timeouts that bound what a client can hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Most jobs kept; beyond it the oldest terminal job is evicted (default 200,000).
    pub max_jobs: usize,
    /// Byte budget for stored jobs (submitted configs, results, IDs; default 256 MiB): beyond it
    /// the oldest terminal jobs are evicted and counted in
    /// [`EmulatorStats::jobs_evicted`](super::EmulatorStats::jobs_evicted); when only
    /// unfinished jobs are left, a submit fails with `QuotaExceeded.Jobs`.
    pub max_job_bytes: usize,
    /// Most templates kept (default 1,000); `AddTemplate` beyond it fails with
    /// `QuotaExceeded.Templates`. Each template is at most [`max_body`](Self::max_body) bytes.
    pub max_templates: usize,
    /// Most nonces remembered for replay detection (default 200,000, oldest forgotten first).
    pub max_nonces: usize,
    /// Largest accepted request body (default 4 MiB).
    pub max_body: usize,
    /// Largest accepted request line plus headers (default 64 KiB); larger heads get 431
    /// `RequestHeaderFieldsTooLarge`.
    pub max_head: usize,
    /// Allowed difference between `x-acs-date` and the emulator's clock (default 15 min).
    pub max_skew: Duration,
    /// Time allowed to receive a request line and headers, from their first byte (default
    /// 10 s); a slower client's connection is closed.
    pub header_read_timeout: Duration,
    /// Time allowed to receive a request body (default 30 s); a slower client gets 408
    /// `RequestTimeout` and the connection is closed.
    pub body_read_timeout: Duration,
    /// A connection on which nothing is received or sent for this long, with no request in
    /// progress, is closed (default 60 s).
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_jobs: 200_000,
            max_job_bytes: 256 << 20,
            max_templates: 1_000,
            max_nonces: 200_000,
            max_body: 4 << 20,
            max_head: 64 << 10,
            max_skew: Duration::from_secs(900),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// How the emulator delivers event callbacks.
///
/// The defaults follow Alibaba's description of HTTP callbacks: a delivery succeeds when the
/// receiver answers HTTP 200 within 3 s, and a failed one is tried twice more, 1 s apart.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackPolicy {
    /// Attempts per callback, including the first (default 3).
    pub attempts: u32,
    /// Pause between attempts (default 1 s).
    pub retry_delay: Duration,
    /// Time a receiver has to answer one attempt (default 3 s).
    pub timeout: Duration,
    /// Deliveries in flight at once (default 64); more wait their turn.
    pub max_in_flight: usize,
    /// Deliveries waiting for a slot (default 10,000); beyond it new ones are dropped and
    /// counted in [`EmulatorStats::callbacks_dropped`](super::EmulatorStats::callbacks_dropped).
    pub max_queued: usize,
    /// Messages kept per MNS queue (default 10,000; oldest dropped first, and counted).
    pub mns_capacity: usize,
}

impl Default for CallbackPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            retry_delay: Duration::from_secs(1),
            timeout: Duration::from_secs(3),
            max_in_flight: 64,
            max_queued: 10_000,
            mns_capacity: 10_000,
        }
    }
}
