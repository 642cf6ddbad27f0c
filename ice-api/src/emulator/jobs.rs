//! The emulator's in-memory job store: creation, status over time, JSON views, listing, and a
//! byte budget with oldest-first eviction.
//!
//! Two kinds of job share one store (so one budget and one eviction order): batch jobs
//! (`Submit*BatchMediaProducingJob`, the scene jobs) and media producing jobs
//! (`SubmitMediaProducingJob`). Everything about a job's future (IDs, outcome, timing) is fixed
//! when it is submitted, so reads are pure functions of the clock.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use serde_json::{json, Map, Value};

use super::config::{Limits, Timing};
use super::rng::Rng;
use super::verify::format_acs_date;

/// Terminal or not, the status of a job at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Init,
    Processing,
    Finished,
    Failed,
}

impl Status {
    /// As batch jobs spell it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Init => "Init",
            Status::Processing => "Processing",
            Status::Finished => "Finished",
            Status::Failed => "Failed",
        }
    }

    /// As media producing jobs (and sub-jobs) spell it: `Success` instead of `Finished`.
    pub(crate) fn as_producing_str(self) -> &'static str {
        match self {
            Status::Finished => "Success",
            other => other.as_str(),
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "Init" => Status::Init,
            "Processing" => Status::Processing,
            "Finished" | "Success" => Status::Finished,
            "Failed" => Status::Failed,
            _ => return None,
        })
    }

    pub(crate) fn terminal(self) -> bool {
        matches!(self, Status::Finished | Status::Failed)
    }
}

/// What a sub-job produces when it succeeds.
#[derive(Debug, Clone)]
enum SubOutput {
    /// An editing project (timeline organisation).
    Project(String),
    /// A rendered media file.
    Media { media_id: String, url: String },
}

#[derive(Debug, Clone)]
struct SubJob {
    id: String,
    output: SubOutput,
    duration: f64,
    error: Option<(String, String)>,
}

/// The submitted parameters of a batch job, echoed by Get/List.
#[derive(Debug, Clone, Default)]
pub(crate) struct Submitted {
    pub(crate) input_config: Option<String>,
    pub(crate) editing_config: Option<String>,
    pub(crate) output_config: Option<String>,
    pub(crate) extend_input: Option<String>,
}

/// A job as planned at submission.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) seq: u64,
    pub(crate) id: String,
    /// The AccessKey that submitted it: whose event callback settings apply.
    pub(crate) account: String,
    created: Duration,
    error: Option<(String, String)>,
    pub(crate) client_token: Option<(String, u64)>,
    pub(crate) user_data: Option<String>,
    /// Approximate heap bytes, charged against [`Limits::max_job_bytes`].
    bytes: usize,
    pub(crate) kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Batch(Batch),
    Producing(Producing),
}

#[derive(Debug, Clone)]
pub(crate) struct Batch {
    pub(crate) job_type: String,
    submitted: Submitted,
    extend_output: Option<String>,
    sub_jobs: Vec<SubJob>,
}

#[derive(Debug, Clone)]
pub(crate) struct Producing {
    /// `EditingJob` or `VETemplateJob` (the `JobType` filter of `ListMediaProducingJobs`).
    pub(crate) job_type: &'static str,
    pub(crate) project_id: String,
    media_id: String,
    media_url: String,
    vod_media_id: Option<String>,
    template_id: Option<String>,
    clips_param: Option<String>,
    timeline: Option<String>,
    duration: f64,
}

/// How to plan a new job.
pub(crate) struct NewJob {
    pub(crate) account: String,
    pub(crate) user_data: Option<String>,
    /// A failure forced by the inputs (e.g. material marked not found).
    pub(crate) forced_error: Option<(String, String)>,
    pub(crate) client_token: Option<(String, u64)>,
    pub(crate) plan: Plan,
}

pub(crate) enum Plan {
    Batch {
        job_type: String,
        submitted: Submitted,
        /// Outputs to produce (one sub-job each).
        outputs: Vec<SubOutputKind>,
        /// Selection result to reveal on success (`*_Media_Select`).
        extend_output: Option<String>,
    },
    Producing {
        job_type: &'static str,
        /// The project to render; a new one is created when absent.
        project_id: Option<String>,
        media_url: String,
        vod: bool,
        template_id: Option<String>,
        clips_param: Option<String>,
        timeline: Option<String>,
    },
}

/// Which kind of output a sub-job makes; the URL pattern may contain `{index}`.
pub(crate) enum SubOutputKind {
    Project,
    Media { url_pattern: String },
}

/// The clock jobs are measured against: real time since start, plus manual advances.
#[derive(Debug)]
pub(crate) struct Clock {
    start_wall: SystemTime,
    start: tokio::time::Instant,
    manual: bool,
    advanced: Duration,
}

impl Clock {
    pub(crate) fn new(manual: bool) -> Self {
        Self {
            start_wall: SystemTime::now(),
            start: tokio::time::Instant::now(),
            manual,
            advanced: Duration::ZERO,
        }
    }

    pub(crate) fn now(&self) -> Duration {
        if self.manual {
            self.advanced
        } else {
            self.start.elapsed().saturating_add(self.advanced)
        }
    }

    /// Whether time moves only by [`advance`](Self::advance).
    pub(crate) fn is_manual(&self) -> bool {
        self.manual
    }

    pub(crate) fn advance(&mut self, by: Duration) {
        self.advanced = self.advanced.saturating_add(by);
    }

    pub(crate) fn wall(&self, at: Duration) -> SystemTime {
        self.start_wall.checked_add(at).unwrap_or(self.start_wall)
    }
}

/// All jobs, in creation order, with an index by ID and by ClientToken.
#[derive(Debug, Default)]
pub(crate) struct Store {
    by_seq: BTreeMap<u64, Job>,
    by_id: HashMap<String, u64>,
    by_token: HashMap<String, u64>,
    next_seq: u64,
    bytes: usize,
    pub(crate) evicted: u64,
}

/// Why a job could not be stored.
pub(crate) enum StoreError {
    /// The store is full of unfinished jobs.
    Full,
}

/// Fixed per-job overhead in the byte estimate: the struct, map entries, small strings.
const JOB_OVERHEAD: usize = 512;
/// Fixed per-sub-job overhead in the byte estimate.
const SUB_JOB_OVERHEAD: usize = 192;

impl Store {
    pub(crate) fn len(&self) -> usize {
        self.by_seq.len()
    }

    /// Approximate bytes held by stored jobs.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// The job created earlier with this ClientToken, if any.
    pub(crate) fn by_token(&self, token: &str) -> Option<&Job> {
        self.by_token.get(token).and_then(|s| self.by_seq.get(s))
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Job> {
        self.by_id.get(id).and_then(|s| self.by_seq.get(s))
    }

    pub(crate) fn by_seq(&self, seq: u64) -> Option<&Job> {
        self.by_seq.get(&seq)
    }

    /// Plans and stores a job. To stay within `limits.max_jobs` and `limits.max_job_bytes`,
    /// evicts the oldest terminal jobs first; fails when only unfinished jobs are left.
    pub(crate) fn create(
        &mut self,
        new: NewJob,
        seed: u64,
        timing: &Timing,
        now: Duration,
        limits: &Limits,
    ) -> Result<&Job, StoreError> {
        let seq = self.next_seq;
        let job = plan(new, seq, seed, timing, now);
        while self.by_seq.len() >= limits.max_jobs.max(1)
            || self.bytes.saturating_add(job.bytes) > limits.max_job_bytes
        {
            let victim = self
                .by_seq
                .values()
                .find(|j| j.status(timing, now).terminal())
                .map(|j| j.seq)
                .ok_or(StoreError::Full)?;
            self.remove(victim);
        }
        self.next_seq += 1;
        if let Some((token, _)) = &job.client_token {
            self.by_token.insert(token.clone(), seq);
        }
        self.by_id.insert(job.id.clone(), seq);
        self.bytes += job.bytes;
        Ok(self.by_seq.entry(seq).or_insert(job))
    }

    fn remove(&mut self, seq: u64) {
        if let Some(job) = self.by_seq.remove(&seq) {
            self.by_id.remove(&job.id);
            if let Some((token, _)) = &job.client_token {
                self.by_token.remove(token);
            }
            self.bytes = self.bytes.saturating_sub(job.bytes);
            self.evicted += 1;
        }
    }

    /// One page of jobs matching `filter`, in creation order (`asc`) or reverse, after the job
    /// with sequence number `after` (exclusive). Returns the page and the sequence number to
    /// continue after, when more matches exist.
    pub(crate) fn page(
        &self,
        filter: impl Fn(&Job) -> bool,
        asc: bool,
        after: Option<u64>,
        max: usize,
    ) -> (Vec<&Job>, Option<u64>) {
        let iter: Box<dyn Iterator<Item = &Job>> = match (asc, after) {
            (true, None) => Box::new(self.by_seq.values()),
            (true, Some(a)) => Box::new(self.by_seq.range(a.saturating_add(1)..).map(|(_, j)| j)),
            (false, None) => Box::new(self.by_seq.values().rev()),
            (false, Some(a)) => Box::new(self.by_seq.range(..a).rev().map(|(_, j)| j)),
        };
        let mut page: Vec<&Job> = iter.filter(|j| filter(j)).take(max + 1).collect();
        let more = page.len() > max;
        page.truncate(max);
        let next = if more {
            page.last().map(|j| j.seq)
        } else {
            None
        };
        (page, next)
    }
}

fn opt_len(s: &Option<String>) -> usize {
    s.as_ref().map_or(0, String::len)
}

/// Draws everything about a new job from the seed and its sequence number.
fn plan(new: NewJob, seq: u64, seed: u64, timing: &Timing, now: Duration) -> Job {
    let mut rng = Rng::derive(seed, seq);
    let id = rng.hex32();
    let error = new.forced_error.or_else(|| {
        rng.chance(timing.job_failure_rate).then(|| {
            (
                "InternalError.Render".to_string(),
                "The job failed while rendering (injected by the emulator).".to_string(),
            )
        })
    });
    let mut bytes = JOB_OVERHEAD
        + 2 * id.len()
        + new.account.len()
        + opt_len(&new.user_data)
        + new.client_token.as_ref().map_or(0, |(t, _)| 2 * t.len())
        + error.as_ref().map_or(0, |(c, m)| c.len() + m.len());
    let kind = match new.plan {
        Plan::Batch {
            job_type,
            submitted,
            outputs,
            extend_output,
        } => {
            let sub_jobs: Vec<SubJob> = outputs
                .into_iter()
                .enumerate()
                .map(|(i, kind)| {
                    let output = match kind {
                        SubOutputKind::Project => SubOutput::Project(rng.hex32()),
                        SubOutputKind::Media { url_pattern } => SubOutput::Media {
                            media_id: rng.hex32(),
                            url: url_pattern.replace("{index}", &(i + 1).to_string()),
                        },
                    };
                    let sub_error = error.clone().or_else(|| {
                        rng.chance(timing.sub_job_failure_rate).then(|| {
                            (
                                "InvalidMaterial.NotFound".to_string(),
                                "The specified clips id not found (injected by the emulator)."
                                    .to_string(),
                            )
                        })
                    });
                    SubJob {
                        id: rng.hex32(),
                        output,
                        duration: 10.0 + rng.below(5000) as f64 / 100.0,
                        error: sub_error,
                    }
                })
                .collect();
            bytes += job_type.len()
                + opt_len(&submitted.input_config)
                + opt_len(&submitted.editing_config)
                + opt_len(&submitted.output_config)
                + opt_len(&submitted.extend_input)
                + opt_len(&extend_output)
                + sub_jobs
                    .iter()
                    .map(|s| {
                        SUB_JOB_OVERHEAD
                            + match &s.output {
                                SubOutput::Project(p) => p.len(),
                                SubOutput::Media { media_id, url } => media_id.len() + url.len(),
                            }
                            + s.error.as_ref().map_or(0, |(c, m)| c.len() + m.len())
                    })
                    .sum::<usize>();
            Kind::Batch(Batch {
                job_type,
                submitted,
                extend_output,
                sub_jobs,
            })
        }
        Plan::Producing {
            job_type,
            project_id,
            media_url,
            vod,
            template_id,
            clips_param,
            timeline,
        } => {
            let p = Producing {
                job_type,
                project_id: project_id.unwrap_or_else(|| rng.hex32()),
                media_id: rng.hex32(),
                media_url,
                vod_media_id: vod.then(|| rng.hex32()),
                template_id,
                clips_param,
                timeline,
                duration: 10.0 + rng.below(5000) as f64 / 100.0,
            };
            bytes += p.project_id.len()
                + p.media_id.len()
                + p.media_url.len()
                + opt_len(&p.vod_media_id)
                + opt_len(&p.template_id)
                + opt_len(&p.clips_param)
                + opt_len(&p.timeline);
            Kind::Producing(p)
        }
    };
    Job {
        seq,
        id,
        account: new.account,
        created: now,
        error,
        client_token: new.client_token,
        user_data: new.user_data,
        bytes,
        kind,
    }
}

impl Job {
    fn started(&self, t: &Timing) -> Duration {
        self.created.saturating_add(t.queue)
    }

    /// When the job reaches its terminal status (and its completion event fires).
    pub(crate) fn done(&self, t: &Timing) -> Duration {
        self.started(t).saturating_add(t.processing)
    }

    /// When sub-job `i` of `n` reaches its terminal status.
    fn sub_done(&self, t: &Timing, i: usize, n: usize) -> Duration {
        let share = ((i + 1) as f64 / n.max(1) as f64).min(1.0);
        self.started(t).saturating_add(t.processing.mul_f64(share))
    }

    pub(crate) fn status(&self, t: &Timing, now: Duration) -> Status {
        if now < self.started(t) {
            Status::Init
        } else if now < self.done(t) {
            Status::Processing
        } else if self.error.is_some() {
            Status::Failed
        } else {
            Status::Finished
        }
    }

    pub(crate) fn created_at(&self) -> Duration {
        self.created
    }

    pub(crate) fn batch(&self) -> Option<&Batch> {
        match &self.kind {
            Kind::Batch(b) => Some(b),
            Kind::Producing(_) => None,
        }
    }

    pub(crate) fn producing(&self) -> Option<&Producing> {
        match &self.kind {
            Kind::Producing(p) => Some(p),
            Kind::Batch(_) => None,
        }
    }

    /// Last modification: creation, the latest finished sub-job, or completion.
    fn modified(&self, t: &Timing, now: Duration) -> Duration {
        match self.status(t, now) {
            Status::Init => self.created,
            Status::Processing => {
                let n = self.batch().map_or(0, |b| b.sub_jobs.len());
                (0..n)
                    .map(|i| self.sub_done(t, i, n))
                    .filter(|d| *d <= now)
                    .max()
                    .unwrap_or(self.started(t))
            }
            _ => self.done(t),
        }
    }

    /// The JSON object `GetBatchMediaProducingJob` (`full`) or `ListBatchMediaProducingJobs`
    /// (not `full`) returns for a batch job; `None` for a media producing job.
    pub(crate) fn batch_view(
        &self,
        t: &Timing,
        clock: &Clock,
        now: Duration,
        full: bool,
    ) -> Option<Value> {
        let b = self.batch()?;
        let status = self.status(t, now);
        let date = |at: Duration| Value::String(format_acs_date(clock.wall(at)));
        let mut o = Map::new();
        o.insert("JobId".into(), json!(self.id));
        o.insert("JobType".into(), json!(b.job_type));
        o.insert("Status".into(), json!(status.as_str()));
        let s = &b.submitted;
        for (k, v) in [
            ("InputConfig", &s.input_config),
            ("EditingConfig", &s.editing_config),
            ("OutputConfig", &s.output_config),
            ("UserData", &self.user_data),
        ] {
            if let Some(v) = v {
                o.insert(k.into(), json!(v));
            }
        }
        if status == Status::Failed {
            if let Some((code, msg)) = &self.error {
                let extend = json!({"ErrorCode": code, "ErrorMessage": msg}).to_string();
                o.insert("Extend".into(), json!(extend));
            }
        }
        o.insert("CreateTime".into(), date(self.created));
        o.insert("ModifiedTime".into(), date(self.modified(t, now)));
        if status.terminal() {
            o.insert("CompleteTime".into(), date(self.done(t)));
        }
        if full {
            if let Some(input) = &s.extend_input {
                o.insert("ExtendInput".into(), json!(input));
            }
            if status == Status::Finished {
                if let Some(out) = &b.extend_output {
                    o.insert("ExtendOutput".into(), json!(out));
                }
            }
            o.insert("SubJobList".into(), Value::Array(self.sub_views(t, now)));
        }
        Some(Value::Object(o))
    }

    /// Sub-jobs as `SubJobList` items (`JobId`, `Status`, outputs or error).
    fn sub_views(&self, t: &Timing, now: Duration) -> Vec<Value> {
        let Some(b) = self.batch() else {
            return Vec::new();
        };
        let main = self.status(t, now);
        let n = b.sub_jobs.len();
        b.sub_jobs
            .iter()
            .enumerate()
            .map(|(i, sj)| {
                let sub_status = if main == Status::Init {
                    Status::Init
                } else if now < self.sub_done(t, i, n) {
                    Status::Processing
                } else if sj.error.is_some() {
                    Status::Failed
                } else {
                    Status::Finished
                };
                let mut o = Map::new();
                o.insert("JobId".into(), json!(sj.id));
                o.insert("Status".into(), json!(sub_status.as_producing_str()));
                match sub_status {
                    Status::Finished => {
                        match &sj.output {
                            SubOutput::Project(p) => {
                                o.insert("ProjectId".into(), json!(p));
                            }
                            SubOutput::Media { media_id, url } => {
                                o.insert("MediaId".into(), json!(media_id));
                                o.insert("MediaURL".into(), json!(url));
                            }
                        }
                        o.insert("Duration".into(), json!(sj.duration));
                    }
                    Status::Failed => {
                        if let Some((code, msg)) = &sj.error {
                            o.insert("ErrorCode".into(), json!(code));
                            o.insert("ErrorMessage".into(), json!(msg));
                        }
                    }
                    _ => {}
                }
                Value::Object(o)
            })
            .collect()
    }

    /// The sub-jobs of a batch job as `ListMediaProducingJobs` items (`MasterJobId`).
    pub(crate) fn sub_jobs_as_producing(
        &self,
        t: &Timing,
        clock: &Clock,
        now: Duration,
    ) -> Vec<Value> {
        let date = |at: Duration| Value::String(format_acs_date(clock.wall(at)));
        let n = self.batch().map_or(0, |b| b.sub_jobs.len());
        self.sub_views(t, now)
            .into_iter()
            .enumerate()
            .map(|(i, mut v)| {
                if let Value::Object(o) = &mut v {
                    if let Some(code) = o.remove("ErrorCode") {
                        o.insert("Code".into(), code);
                    }
                    if let Some(msg) = o.remove("ErrorMessage") {
                        o.insert("Message".into(), msg);
                    }
                    o.insert("CreateTime".into(), date(self.created));
                    let done = self.sub_done(t, i, n);
                    if now >= done {
                        o.insert("ModifiedTime".into(), date(done));
                        o.insert("CompleteTime".into(), date(done));
                    } else {
                        o.insert("ModifiedTime".into(), date(self.created));
                    }
                }
                v
            })
            .collect()
    }

    /// The JSON object `GetMediaProducingJob` (`full`) or `ListMediaProducingJobs` (not `full`)
    /// returns for a media producing job; `None` for a batch job.
    pub(crate) fn producing_view(
        &self,
        t: &Timing,
        clock: &Clock,
        now: Duration,
        full: bool,
    ) -> Option<Value> {
        let p = self.producing()?;
        let status = self.status(t, now);
        let date = |at: Duration| Value::String(format_acs_date(clock.wall(at)));
        let mut o = Map::new();
        o.insert("JobId".into(), json!(self.id));
        o.insert("ProjectId".into(), json!(p.project_id));
        o.insert("Status".into(), json!(status.as_producing_str()));
        o.insert("MediaId".into(), json!(p.media_id));
        o.insert("MediaURL".into(), json!(p.media_url));
        for (k, v) in [
            ("TemplateId", &p.template_id),
            ("ClipsParam", &p.clips_param),
            ("UserData", &self.user_data),
        ] {
            if let Some(v) = v {
                o.insert(k.into(), json!(v));
            }
        }
        match (status, &self.error) {
            (Status::Failed, Some((code, msg))) => {
                o.insert("Code".into(), json!(code));
                o.insert("Message".into(), json!(msg));
            }
            (Status::Finished, _) => {
                o.insert("Duration".into(), json!(p.duration));
            }
            _ => {}
        }
        o.insert("CreateTime".into(), date(self.created));
        o.insert("ModifiedTime".into(), date(self.modified(t, now)));
        if status.terminal() {
            o.insert("CompleteTime".into(), date(self.done(t)));
        }
        if full {
            if let Some(v) = &p.vod_media_id {
                o.insert("VodMediaId".into(), json!(v));
            }
            if let Some(tl) = &p.timeline {
                o.insert("Timeline".into(), json!(tl));
            }
            let progress = match status {
                Status::Init => 0,
                Status::Processing => {
                    let span = t.processing.as_secs_f64().max(1e-9);
                    let elapsed = now.saturating_sub(self.started(t)).as_secs_f64();
                    ((elapsed / span) * 100.0).clamp(0.0, 99.0) as u64
                }
                _ => 100,
            };
            o.insert("Progress".into(), json!(progress));
        }
        Some(Value::Object(o))
    }

    /// What a submit answers: `JobId`, and for a media producing job its `ProjectId`,
    /// `MediaId` and (VOD output) `VodMediaId`.
    pub(crate) fn submit_answer(&self) -> Value {
        let mut o = Map::new();
        o.insert("JobId".into(), json!(self.id));
        if let Some(p) = self.producing() {
            o.insert("ProjectId".into(), json!(p.project_id));
            o.insert("MediaId".into(), json!(p.media_id));
            if let Some(v) = &p.vod_media_id {
                o.insert("VodMediaId".into(), json!(v));
            }
        }
        Value::Object(o)
    }

    /// The completion event ICE sends for this job: its `EventType` and `MessageBody`.
    pub(crate) fn completion_event(&self, t: &Timing, now: Duration) -> (&'static str, Value) {
        let status = self.status(t, now);
        let mut o = Map::new();
        o.insert("JobId".into(), json!(self.id));
        let event = match &self.kind {
            Kind::Batch(b) => {
                o.insert("JobType".into(), json!(b.job_type));
                o.insert("Status".into(), json!(status.as_str()));
                o.insert("SubJobList".into(), Value::Array(self.sub_views(t, now)));
                crate::callback::BATCH_PRODUCE_MEDIA_COMPLETE
            }
            Kind::Producing(p) => {
                o.insert("ProjectId".into(), json!(p.project_id));
                o.insert("Status".into(), json!(status.as_producing_str()));
                if status == Status::Finished {
                    o.insert("MediaId".into(), json!(p.media_id));
                    o.insert("MediaURL".into(), json!(p.media_url));
                }
                crate::callback::PRODUCE_MEDIA_COMPLETE
            }
        };
        if let (Status::Failed, Some((code, msg))) = (status, &self.error) {
            o.insert("ErrorCode".into(), json!(code));
            o.insert("ErrorMessage".into(), json!(msg));
        }
        if let Some(ud) = &self.user_data {
            o.insert("UserData".into(), json!(ud));
        }
        (event, Value::Object(o))
    }
}
