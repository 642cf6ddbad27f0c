//! Waiting for a batch media-producing job (any `Submit*` of the scene or one-click family) to
//! reach a terminal status, by polling `GetBatchMediaProducingJob` with exponential backoff.
//!
//! - The outcome tells apart a job that finished with every sub-job successful, one that
//!   finished with failed sub-jobs (the service still says `Finished`), and a failed job (with
//!   the `Extend` error code and message).
//! - A progress hook sees every poll (status and sub-job counts), e.g. to draw a progress bar.
//! - Transient poll failures (throttling, 5xx, transport) that survive the client's own retries
//!   are tolerated until the overall timeout; other errors end the wait.
//! - Cancellation-safe: dropping the future stops polling; nothing is left running.
//!
//! ```no_run
//! # async fn demo(client: ice_api::Client, job_id: &str) -> Result<(), ice_api::runtime::waiter::WaitError> {
//! use ice_api::runtime::waiter::{WaitOptions, WaitOutcome};
//!
//! let outcome = client
//!     .wait_for_batch_job(job_id, &WaitOptions::default(), |p| {
//!         println!("{} {}/{} sub-jobs done", p.status, p.sub_jobs.done(), p.sub_jobs.total)
//!     })
//!     .await?;
//! match outcome {
//!     WaitOutcome::Succeeded(job) => println!("done: {:?}", job.extend_output),
//!     WaitOutcome::FinishedWithFailures(job) => println!("{} sub-jobs failed", job.failed_sub_jobs().count()),
//!     WaitOutcome::Failed { error, .. } => println!("failed: {error}"),
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use tokio::time::Instant;

use super::client::{Client, RawRequest};
use super::error::Error;
use super::operation::HttpMethod;
use super::wire::{Location, WireParams};

/// Polling schedule: the first poll is immediate, then delays grow from `initial_delay` by
/// `multiplier` up to `max_delay`; the wait gives up after `timeout`.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    /// Delay after the first poll (default 1 s).
    pub initial_delay: Duration,
    /// Longest delay between polls (default 15 s).
    pub max_delay: Duration,
    /// Growth factor of the delay (default 1.5; values below 1 are treated as 1).
    pub multiplier: f64,
    /// Overall limit (default 2 h: long renders are normal).
    pub timeout: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15),
            multiplier: 1.5,
            timeout: Duration::from_secs(2 * 3600),
        }
    }
}

impl WaitOptions {
    /// Sets the first delay.
    pub fn initial_delay(mut self, d: Duration) -> Self {
        self.initial_delay = d;
        self
    }

    /// Sets the longest delay.
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Sets the growth factor.
    pub fn multiplier(mut self, m: f64) -> Self {
        self.multiplier = m;
        self
    }

    /// Sets the overall timeout.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    fn next_delay(&self, current: Duration) -> Duration {
        let m = if self.multiplier.is_finite() && self.multiplier > 1.0 {
            self.multiplier
        } else {
            1.0
        };
        Duration::try_from_secs_f64(current.as_secs_f64() * m)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// Status of a batch job (`EditingBatchJob.Status`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Queued.
    Init,
    /// Running.
    Processing,
    /// Done (sub-jobs may still have failed).
    Finished,
    /// The whole job failed.
    Failed,
    /// A status this SDK does not know.
    Unknown(String),
}

impl JobStatus {
    fn parse(s: &str) -> Self {
        match s {
            "Init" => Self::Init,
            "Processing" => Self::Processing,
            "Finished" => Self::Finished,
            "Failed" => Self::Failed,
            other => Self::Unknown(other.to_string()),
        }
    }

    /// `Finished` or `Failed`.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Finished | Self::Failed)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Init => "Init",
            Self::Processing => "Processing",
            Self::Finished => "Finished",
            Self::Failed => "Failed",
            Self::Unknown(s) => s,
        })
    }
}

/// Sub-job counts by status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubJobCounts {
    /// All sub-jobs.
    pub total: usize,
    /// `Init`.
    pub init: usize,
    /// `Processing`.
    pub processing: usize,
    /// `Success`.
    pub success: usize,
    /// `Failed`.
    pub failed: usize,
    /// Any other status.
    pub other: usize,
}

impl SubJobCounts {
    /// Sub-jobs in a terminal status (`Success` or `Failed`).
    pub fn done(&self) -> usize {
        self.success + self.failed
    }
}

/// What the progress hook sees after each successful poll.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// The job polled.
    pub job_id: String,
    /// Its status.
    pub status: JobStatus,
    /// Its sub-jobs by status.
    pub sub_jobs: SubJobCounts,
    /// Polls so far (including this one).
    pub polls: u32,
    /// Time since the wait started.
    pub elapsed: Duration,
}

impl Progress {
    /// A completion estimate in `[0, 1]`: sub-jobs done over total, `Init` = 0, terminal = 1.
    /// Jobs without sub-jobs show 0.5 while processing.
    pub fn fraction(&self) -> f64 {
        match self.status {
            JobStatus::Finished | JobStatus::Failed => 1.0,
            JobStatus::Init => 0.0,
            _ if self.sub_jobs.total == 0 => 0.5,
            _ => self.sub_jobs.done() as f64 / self.sub_jobs.total as f64,
        }
    }
}

/// One sub-job (`SubJobList` item).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SubJob {
    /// Sub-job ID.
    pub job_id: Option<String>,
    /// `Init`, `Processing`, `Success`, `Failed`.
    pub status: Option<String>,
    /// Output media asset ID.
    pub media_id: Option<String>,
    /// Output file URL.
    #[serde(rename = "MediaURL")]
    pub media_url: Option<String>,
    /// Editing project ID (timeline organisation).
    pub project_id: Option<String>,
    /// Output duration in seconds.
    pub duration: Option<f64>,
    /// Error code, when failed.
    pub error_code: Option<String>,
    /// Error message, when failed.
    pub error_message: Option<String>,
}

/// The job as last read (`EditingBatchJob`), with the raw JSON for typed decoding.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchJob {
    /// Job ID.
    pub job_id: String,
    /// Job type, e.g. `Smart_Mix_Media_Select`.
    pub job_type: Option<String>,
    /// Status.
    pub status: JobStatus,
    /// Sub-jobs.
    pub sub_jobs: Vec<SubJob>,
    /// `Extend` (JSON string: main-job error info).
    pub extend: Option<String>,
    /// `ExtendOutput` (JSON string: e.g. the media-selection result).
    pub extend_output: Option<String>,
    /// The whole `EditingBatchJob` object.
    pub raw: Value,
}

impl BatchJob {
    fn from_value(raw: Value) -> Result<Self, serde_json::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Wire {
            #[serde(default)]
            job_id: Option<String>,
            #[serde(default)]
            job_type: Option<String>,
            #[serde(default)]
            status: Option<String>,
            #[serde(default)]
            sub_job_list: Option<Vec<SubJob>>,
            #[serde(default)]
            extend: Option<String>,
            #[serde(default)]
            extend_output: Option<String>,
        }
        let w = Wire::deserialize(&raw)?;
        Ok(Self {
            job_id: w.job_id.unwrap_or_default(),
            job_type: w.job_type,
            status: JobStatus::parse(w.status.as_deref().unwrap_or("")),
            sub_jobs: w.sub_job_list.unwrap_or_default(),
            extend: w.extend,
            extend_output: w.extend_output,
            raw,
        })
    }

    /// Sub-job counts by status.
    pub fn counts(&self) -> SubJobCounts {
        let mut c = SubJobCounts {
            total: self.sub_jobs.len(),
            ..SubJobCounts::default()
        };
        for s in &self.sub_jobs {
            match s.status.as_deref() {
                Some("Init") => c.init += 1,
                Some("Processing") => c.processing += 1,
                Some("Success") => c.success += 1,
                Some("Failed") => c.failed += 1,
                _ => c.other += 1,
            }
        }
        c
    }

    /// The sub-jobs whose status is `Failed`.
    pub fn failed_sub_jobs(&self) -> impl Iterator<Item = &SubJob> {
        self.sub_jobs
            .iter()
            .filter(|s| s.status.as_deref() == Some("Failed"))
    }

    /// The main-job error from `Extend` (`{"ErrorCode","ErrorMessage"}`), when present.
    pub fn error(&self) -> Option<JobError> {
        let v: Value = serde_json::from_str(self.extend.as_deref()?).ok()?;
        let get = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let (code, message) = (get("ErrorCode"), get("ErrorMessage"));
        (code.is_some() || message.is_some()).then_some(JobError { code, message })
    }

    /// Decodes the whole `EditingBatchJob` into a typed model (e.g. `ice_api::jobs::EditingBatchJob`).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.raw)
    }
}

/// Why a job failed (its `Extend`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobError {
    /// `ErrorCode`, e.g. `InvalidMaterial.NotFound`.
    pub code: Option<String>,
    /// `ErrorMessage`.
    pub message: Option<String>,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.code.as_deref().unwrap_or("(no code)"),
            self.message.as_deref().unwrap_or("(no message)")
        )
    }
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitOutcome {
    /// `Finished`, every sub-job `Success` (or no sub-jobs).
    Succeeded(BatchJob),
    /// `Finished`, but at least one sub-job `Failed`.
    FinishedWithFailures(BatchJob),
    /// `Failed`.
    Failed {
        /// The job as last read.
        job: BatchJob,
        /// `Extend` error info (empty when the service gave none).
        error: JobError,
    },
}

impl WaitOutcome {
    /// The job as last read.
    pub fn job(&self) -> &BatchJob {
        match self {
            Self::Succeeded(j) | Self::FinishedWithFailures(j) | Self::Failed { job: j, .. } => j,
        }
    }
}

/// Why waiting stopped without a terminal status.
#[derive(Debug)]
pub enum WaitError {
    /// The overall timeout passed; `last` is the last progress seen.
    Timeout {
        /// The job.
        job_id: String,
        /// The last successful poll, if any.
        last: Option<Progress>,
    },
    /// A poll failed with a non-transient error (or a transient one when time ran out).
    Client(Error),
    /// The response had no `EditingBatchJob` object or it could not be read.
    Decode(String),
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout { job_id, last } => {
                write!(f, "timed out waiting for batch job {job_id}")?;
                if let Some(p) = last {
                    write!(f, " (last status {} after {} polls)", p.status, p.polls)?;
                }
                Ok(())
            }
            Self::Client(e) => write!(f, "polling the batch job failed: {e}"),
            Self::Decode(m) => write!(f, "unexpected GetBatchMediaProducingJob response: {m}"),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Client(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Error> for WaitError {
    fn from(e: Error) -> Self {
        Self::Client(e)
    }
}

impl Client {
    /// Reads a batch job once (`GetBatchMediaProducingJob`).
    pub async fn get_batch_job(&self, job_id: &str) -> Result<BatchJob, WaitError> {
        let mut params = WireParams::new();
        params.push(Location::Query, "JobId", job_id);
        let raw = self
            .send_raw_request(
                RawRequest::new("GetBatchMediaProducingJob", HttpMethod::Post, params)
                    .idempotent(true),
            )
            .await?;
        let mut body: Value =
            serde_json::from_slice(raw.body()).map_err(|e| WaitError::Decode(e.to_string()))?;
        let job = body
            .get_mut("EditingBatchJob")
            .map(Value::take)
            .filter(Value::is_object)
            .ok_or_else(|| WaitError::Decode("no EditingBatchJob object".into()))?;
        BatchJob::from_value(job).map_err(|e| WaitError::Decode(e.to_string()))
    }

    /// Polls until the job is `Finished` or `Failed`, calling `on_progress` after every poll.
    pub async fn wait_for_batch_job(
        &self,
        job_id: &str,
        options: &WaitOptions,
        mut on_progress: impl FnMut(&Progress),
    ) -> Result<WaitOutcome, WaitError> {
        let start = Instant::now();
        // A timeout too large to represent means "no deadline".
        let deadline = start.checked_add(options.timeout);
        let expired = |now: Instant| deadline.is_some_and(|d| now >= d);
        let mut delay = options.initial_delay;
        let mut polls = 0u32;
        let mut last: Option<Progress> = None;
        loop {
            match self.get_batch_job(job_id).await {
                Ok(job) => {
                    polls += 1;
                    let progress = Progress {
                        job_id: job_id.to_string(),
                        status: job.status.clone(),
                        sub_jobs: job.counts(),
                        polls,
                        elapsed: start.elapsed(),
                    };
                    on_progress(&progress);
                    last = Some(progress);
                    match job.status {
                        JobStatus::Finished if job.counts().failed > 0 => {
                            return Ok(WaitOutcome::FinishedWithFailures(job))
                        }
                        JobStatus::Finished => return Ok(WaitOutcome::Succeeded(job)),
                        JobStatus::Failed => {
                            let error = job.error().unwrap_or_default();
                            return Ok(WaitOutcome::Failed { job, error });
                        }
                        _ => {}
                    }
                }
                Err(WaitError::Client(e)) if is_transient(&e) && !expired(Instant::now()) => {}
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            if expired(now) {
                return Err(WaitError::Timeout {
                    job_id: job_id.to_string(),
                    last,
                });
            }
            let left = deadline.map_or(delay, |d| d.saturating_duration_since(now));
            tokio::time::sleep(delay.min(left)).await;
            delay = options.next_delay(delay);
        }
    }
}

fn is_transient(e: &Error) -> bool {
    e.is_retryable() || e.is_throttling() || e.transport().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn backoff_grows_and_caps() {
        let o = WaitOptions::default()
            .initial_delay(Duration::from_millis(100))
            .multiplier(2.0)
            .max_delay(Duration::from_millis(300));
        let d1 = o.next_delay(o.initial_delay);
        assert_eq!(d1, Duration::from_millis(200));
        assert_eq!(o.next_delay(d1), Duration::from_millis(300));
        let flat = o.clone().multiplier(f64::NAN);
        assert_eq!(
            flat.next_delay(Duration::from_millis(100)),
            Duration::from_millis(100)
        );
        let huge = o.max_delay(Duration::MAX).multiplier(1e300);
        assert_eq!(
            huge.next_delay(Duration::from_secs(1)),
            Duration::MAX,
            "no overflow panic"
        );
    }

    #[test]
    fn job_view_counts_sub_jobs_and_reads_extend_error() {
        let job = BatchJob::from_value(json!({
            "JobId": "j", "Status": "Failed", "Unknown": 1,
            "Extend": "{\"ErrorCode\":\"InvalidMaterial.NotFound\",\"ErrorMessage\":\"gone\"}",
            "SubJobList": [{"Status": "Failed"}, {"Status": "Success"}, {"Status": "Weird"}]
        }))
        .unwrap();
        assert_eq!(job.status, JobStatus::Failed);
        let c = job.counts();
        assert_eq!((c.total, c.failed, c.success, c.other), (3, 1, 1, 1));
        let e = job.error().unwrap();
        assert_eq!(e.code.as_deref(), Some("InvalidMaterial.NotFound"));
        assert_eq!(job.failed_sub_jobs().count(), 1);
        assert_eq!(JobStatus::parse("New"), JobStatus::Unknown("New".into()));
    }
}
