//! The one waiter engine: polls any generated request that implements [`Waitable`] (the waiters
//! are declared per job family in `specs/ice/2020-11-09/overlay.yaml` and generated) until the job
//! reaches a terminal status, with exponential backoff, an overall timeout and an optional
//! progress hook. The outcome carries the poll operation's own typed response.
//!
//! - [`WaitOutcome`] tells apart a job that succeeded, one that finished with failed sub-jobs (the
//!   batch family still says `Finished`), and a failed job (with its error code and message).
//!   [`WaitOutcome::require_success`] turns anything but success into an [`Error`].
//! - Transient poll failures (throttling, 5xx, transport) that survive the client's own retries
//!   are tolerated until the overall timeout; other errors end the wait.
//! - Cancellation-safe: dropping the future stops polling; nothing is left running.
//!
// A crate regenerated from a spec without the seed operation keeps this example, untested.
#![cfg_attr(ice_op = "SubmitSceneMediaSelectionJob", doc = "```no_run")]
#![cfg_attr(not(ice_op = "SubmitSceneMediaSelectionJob"), doc = "```ignore")]
//! # async fn demo(client: ice_api::Client, submitted: ice_api::media_production::SubmitSceneMediaSelectionJobResponse) -> Result<(), ice_api::Error> {
//! // Short form: default schedule (1 s growing to 15 s, 2 h timeout), no progress hook.
//! let job = client.wait(submitted.poll_request()).await?.require_success()?;
//! println!("{:?}", job.editing_batch_job.status);
//!
//! // With a schedule and a progress hook.
//! use std::time::Duration;
//! use ice_api::WaitOptions;
//! let outcome = client
//!     .wait(submitted.poll_request())
//!     .options(WaitOptions::default().timeout(Duration::from_secs(600)))
//!     .on_progress(|p| println!("{} {}/{} sub-jobs done", p.status, p.sub_jobs.done(), p.sub_jobs.total))
//!     .await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use tokio::time::Instant;

use super::client::Client;
use super::error::{Error, ErrorKind};
use super::operation::Operation;

/// A poll request whose response says where an async job stands. Implemented by generated code
/// for every poll operation the overlay declares a waiter on.
pub trait Waitable: Operation + Clone {
    /// What the job is called in messages (`batch media-producing job`).
    const JOB: &'static str;
    /// Statuses that end the wait successfully.
    const SUCCESS: &'static [&'static str];
    /// Statuses of a failed job.
    const FAILURE: &'static [&'static str];
    /// Sub-job statuses that count as succeeded.
    const SUB_JOB_SUCCESS: &'static [&'static str] = &[];
    /// Sub-job statuses that count as failed.
    const SUB_JOB_FAILURE: &'static [&'static str] = &[];

    /// The job this request polls.
    fn job_id(&self) -> &str;

    /// The job's status in `response`, as sent.
    fn status(response: &Self::Response) -> Option<&str>;

    /// The status of each sub-job in `response` (empty for jobs without sub-jobs).
    fn sub_job_statuses(response: &Self::Response) -> Vec<Option<&str>> {
        let _ = response;
        Vec::new()
    }

    /// The job's error code and message in `response`, when the response carries them.
    fn job_error(response: &Self::Response) -> (Option<String>, Option<String>) {
        let _ = response;
        (None, None)
    }
}

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

/// Where a job stands after a poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Not finished yet (or a status this SDK does not know).
    Running,
    /// Finished successfully.
    Succeeded,
    /// Finished, but at least one sub-job failed.
    FinishedWithFailures,
    /// Failed.
    Failed,
}

/// Sub-job counts by status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubJobCounts {
    /// All sub-jobs.
    pub total: usize,
    /// Succeeded.
    pub succeeded: usize,
    /// Failed.
    pub failed: usize,
}

impl SubJobCounts {
    /// Sub-jobs in a terminal status.
    pub fn done(&self) -> usize {
        self.succeeded + self.failed
    }

    fn of<P: Waitable>(response: &P::Response) -> Self {
        let statuses = P::sub_job_statuses(response);
        let mut c = SubJobCounts {
            total: statuses.len(),
            ..Self::default()
        };
        for s in statuses.into_iter().flatten() {
            if P::SUB_JOB_SUCCESS.contains(&s) {
                c.succeeded += 1;
            } else if P::SUB_JOB_FAILURE.contains(&s) {
                c.failed += 1;
            }
        }
        c
    }
}

/// What the progress hook sees after each successful poll.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// The job polled.
    pub job_id: String,
    /// Its status as sent (empty when the response had none).
    pub status: String,
    /// Where it stands.
    pub state: JobState,
    /// Its sub-jobs.
    pub sub_jobs: SubJobCounts,
    /// Polls so far (including this one).
    pub polls: u32,
    /// Time since the wait started.
    pub elapsed: Duration,
}

impl Progress {
    /// A completion estimate in `[0, 1]`: finished sub-jobs over all of them; 1 when the job is
    /// done; 0.5 while a job without sub-jobs runs.
    pub fn fraction(&self) -> f64 {
        match self.state {
            JobState::Running if self.sub_jobs.total == 0 => 0.5,
            JobState::Running => self.sub_jobs.done() as f64 / self.sub_jobs.total as f64,
            _ => 1.0,
        }
    }
}

/// Why a job did not succeed: its status and, when the service says, its error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobError {
    /// What the job is (`batch media-producing job`).
    pub job: &'static str,
    /// The job.
    pub job_id: String,
    /// Its last status.
    pub status: String,
    /// Error code (e.g. `InvalidMaterial.NotFound`).
    pub code: Option<String>,
    /// Error message.
    pub message: Option<String>,
    /// Failed sub-jobs / all sub-jobs, when the job has sub-jobs.
    pub failed_sub_jobs: Option<(usize, usize)>,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ended with status {:?}", self.status)?;
        if let Some((failed, total)) = self.failed_sub_jobs.filter(|(n, _)| *n > 0) {
            write!(f, ", {failed} of {total} sub-jobs failed")?;
        }
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => write!(f, ": {c}: {m}"),
            (Some(c), None) => write!(f, ": {c}"),
            (None, Some(m)) => write!(f, ": {m}"),
            (None, None) => Ok(()),
        }
    }
}

/// How a job ended. Each variant holds the poll operation's last typed response.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitOutcome<R> {
    /// Finished successfully (every sub-job too).
    Succeeded(R),
    /// Finished, but some sub-jobs failed; `error` says how many.
    FinishedWithFailures {
        /// The last response.
        response: R,
        /// The failed sub-jobs.
        error: JobError,
    },
    /// Failed.
    Failed {
        /// The last response.
        response: R,
        /// Status, error code and message.
        error: JobError,
    },
}

impl<R> WaitOutcome<R> {
    /// The last response, however the job ended.
    pub fn response(&self) -> &R {
        match self {
            Self::Succeeded(r)
            | Self::FinishedWithFailures { response: r, .. }
            | Self::Failed { response: r, .. } => r,
        }
    }

    /// Takes the last response, however the job ended.
    pub fn into_response(self) -> R {
        match self {
            Self::Succeeded(r)
            | Self::FinishedWithFailures { response: r, .. }
            | Self::Failed { response: r, .. } => r,
        }
    }

    /// The response of a successful job; a failed job, or one with failed sub-jobs, is an
    /// [`Error`] whose kind is [`ErrorKind::Wait`].
    pub fn require_success(self) -> Result<R, Error> {
        match self {
            Self::Succeeded(r) => Ok(r),
            Self::FinishedWithFailures { error, .. } | Self::Failed { error, .. } => {
                Err(Error::new("", ErrorKind::Wait(WaitError::JobFailed(error))).with_attempts(0))
            }
        }
    }
}

/// Why waiting did not end in success.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WaitError {
    /// The overall timeout passed before the job finished.
    TimedOut {
        /// The job.
        job_id: String,
        /// The last status seen (empty when no poll succeeded).
        status: String,
        /// Polls made.
        polls: u32,
        /// Time waited.
        elapsed: Duration,
    },
    /// The job failed (or finished with failed sub-jobs, through
    /// [`WaitOutcome::require_success`]).
    JobFailed(JobError),
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TimedOut {
                job_id,
                status,
                polls,
                elapsed,
            } => {
                write!(f, "job {job_id} did not finish within {elapsed:.0?}")?;
                if status.is_empty() {
                    write!(f, " ({polls} polls)")
                } else {
                    write!(f, " (last status {status:?} after {polls} polls)")
                }
            }
            Self::JobFailed(e) => write!(f, "{} {} {e}", e.job, e.job_id),
        }
    }
}

impl std::error::Error for WaitError {}

type ProgressHook<'a> = Box<dyn FnMut(&Progress) + Send + 'a>;

/// A wait in preparation: set [`options`](Self::options) and
/// [`on_progress`](Self::on_progress) if needed, then `.await` it.
#[must_use = "a wait does nothing until it is awaited"]
pub struct Wait<'a, P: Waitable> {
    client: &'a Client,
    request: P,
    options: WaitOptions,
    progress: Option<ProgressHook<'a>>,
}

impl<'a, P: Waitable> Wait<'a, P> {
    /// The polling schedule (default [`WaitOptions::default`]).
    pub fn options(mut self, options: WaitOptions) -> Self {
        self.options = options;
        self
    }

    /// Calls `hook` after every successful poll (e.g. to draw a progress bar).
    pub fn on_progress(mut self, hook: impl FnMut(&Progress) + Send + 'a) -> Self {
        self.progress = Some(Box::new(hook));
        self
    }
}

impl<'a, P> IntoFuture for Wait<'a, P>
where
    P: Waitable + Send + Sync + 'a,
    P::Response: Send,
{
    type Output = Result<WaitOutcome<P::Response>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self))
    }
}

fn state_of<P: Waitable>(response: &P::Response, sub_jobs: &SubJobCounts) -> JobState {
    match P::status(response) {
        Some(s) if P::SUCCESS.contains(&s) && sub_jobs.failed > 0 => JobState::FinishedWithFailures,
        Some(s) if P::SUCCESS.contains(&s) => JobState::Succeeded,
        Some(s) if P::FAILURE.contains(&s) => JobState::Failed,
        _ => JobState::Running,
    }
}

async fn run<P>(w: Wait<'_, P>) -> Result<WaitOutcome<P::Response>, Error>
where
    P: Waitable + Send + Sync,
    P::Response: Send,
{
    let Wait {
        client,
        request,
        options,
        mut progress,
    } = w;
    let job_id = request.job_id().to_owned();
    let start = Instant::now();
    // A timeout too large to represent means "no deadline".
    let deadline = start.checked_add(options.timeout);
    let expired = |now: Instant| deadline.is_some_and(|d| now >= d);
    let mut delay = options.initial_delay;
    let mut polls = 0u32;
    let mut last_status = String::new();
    loop {
        match client.send(&request).await {
            Ok(response) => {
                polls += 1;
                let sub_jobs = SubJobCounts::of::<P>(&response);
                let state = state_of::<P>(&response, &sub_jobs);
                last_status = P::status(&response).unwrap_or_default().to_owned();
                if let Some(hook) = progress.as_mut() {
                    hook(&Progress {
                        job_id: job_id.clone(),
                        status: last_status.clone(),
                        state,
                        sub_jobs: sub_jobs.clone(),
                        polls,
                        elapsed: start.elapsed(),
                    });
                }
                let error = |with_code: bool| {
                    let (code, message) = if with_code {
                        P::job_error(&response)
                    } else {
                        (None, None)
                    };
                    JobError {
                        job: P::JOB,
                        job_id: job_id.clone(),
                        status: last_status.clone(),
                        code,
                        message,
                        failed_sub_jobs: (sub_jobs.total > 0)
                            .then_some((sub_jobs.failed, sub_jobs.total)),
                    }
                };
                match state {
                    JobState::Succeeded => return Ok(WaitOutcome::Succeeded(response)),
                    JobState::FinishedWithFailures => {
                        let error = error(false);
                        return Ok(WaitOutcome::FinishedWithFailures { response, error });
                    }
                    JobState::Failed => {
                        let error = error(true);
                        return Ok(WaitOutcome::Failed { response, error });
                    }
                    JobState::Running => {}
                }
            }
            Err(e) if is_transient(&e) && !expired(Instant::now()) => {}
            Err(e) => return Err(e),
        }
        let now = Instant::now();
        if expired(now) {
            let e = WaitError::TimedOut {
                job_id,
                status: last_status,
                polls,
                elapsed: start.elapsed(),
            };
            return Err(Error::new(P::ACTION, ErrorKind::Wait(e)).with_attempts(polls));
        }
        let left = deadline.map_or(delay, |d| d.saturating_duration_since(now));
        tokio::time::sleep(delay.min(left)).await;
        delay = options.next_delay(delay);
    }
}

fn is_transient(e: &Error) -> bool {
    e.is_retryable() || e.is_throttling() || e.transport().is_some()
}

impl Client {
    /// Waits for the job `request` polls (a generated poll request such as
    /// `GetBatchMediaProducingJobRequest`, usually from a submit response's `poll_request()`).
    /// Await the returned [`Wait`] directly, or set options and a progress hook first.
    pub fn wait<P: Waitable>(&self, request: P) -> Wait<'_, P> {
        Wait {
            client: self,
            request,
            options: WaitOptions::default(),
            progress: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn job_error_reads_like_a_sentence() {
        let e = JobError {
            job: "batch media-producing job",
            job_id: "j-1".into(),
            status: "Failed".into(),
            code: Some("InvalidMaterial.NotFound".into()),
            message: Some("gone".into()),
            failed_sub_jobs: Some((1, 3)),
        };
        assert_eq!(
            WaitError::JobFailed(e).to_string(),
            "batch media-producing job j-1 ended with status \"Failed\", 1 of 3 sub-jobs failed: InvalidMaterial.NotFound: gone"
        );
    }
}
