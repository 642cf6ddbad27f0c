//! The emulator's in-memory job store: creation, status over time, JSON views, listing.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use serde_json::{json, Map, Value};

use super::config::Timing;
use super::rng::{fnv1a, Rng};
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
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Init => "Init",
            Status::Processing => "Processing",
            Status::Finished => "Finished",
            Status::Failed => "Failed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "Init" => Status::Init,
            "Processing" => Status::Processing,
            "Finished" => Status::Finished,
            "Failed" => Status::Failed,
            _ => return None,
        })
    }

    fn terminal(self) -> bool {
        matches!(self, Status::Finished | Status::Failed)
    }
}

/// What a sub-job produces when it succeeds.
#[derive(Debug, Clone)]
pub(crate) enum SubOutput {
    /// An editing project (timeline organisation).
    Project(String),
    /// A rendered media file.
    Media { media_id: String, url: String },
}

#[derive(Debug, Clone)]
pub(crate) struct SubJob {
    id: String,
    output: SubOutput,
    duration: f64,
    error: Option<(String, String)>,
}

/// The submitted parameters of a job, echoed by Get/List.
#[derive(Debug, Clone, Default)]
pub(crate) struct Submitted {
    pub(crate) input_config: Option<String>,
    pub(crate) editing_config: Option<String>,
    pub(crate) output_config: Option<String>,
    pub(crate) user_data: Option<String>,
    pub(crate) extend_input: Option<String>,
}

/// A job as planned at submission: everything about its future is fixed then.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) job_type: String,
    created: Duration,
    submitted: Submitted,
    extend_output: Option<String>,
    error: Option<(String, String)>,
    sub_jobs: Vec<SubJob>,
    pub(crate) client_token: Option<(String, u64)>,
}

/// How to plan a new job.
pub(crate) struct NewJob {
    pub(crate) job_type: String,
    pub(crate) submitted: Submitted,
    /// Outputs to produce (one sub-job each).
    pub(crate) outputs: Vec<SubOutputKind>,
    /// Selection result to reveal on success (`*_Media_Select`).
    pub(crate) extend_output: Option<String>,
    /// A failure forced by the inputs (e.g. material marked not found).
    pub(crate) forced_error: Option<(String, String)>,
    pub(crate) client_token: Option<(String, u64)>,
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
    pub(crate) evicted: u64,
}

/// Why a job could not be stored.
pub(crate) enum StoreError {
    /// The store is full of unfinished jobs.
    Full,
}

impl Store {
    pub(crate) fn len(&self) -> usize {
        self.by_seq.len()
    }

    /// The job created earlier with this ClientToken, if any.
    pub(crate) fn by_token(&self, token: &str) -> Option<&Job> {
        self.by_token.get(token).and_then(|s| self.by_seq.get(s))
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Job> {
        self.by_id.get(id).and_then(|s| self.by_seq.get(s))
    }

    /// Plans and stores a job; evicts the oldest terminal job when `max_jobs` is reached.
    pub(crate) fn create(
        &mut self,
        new: NewJob,
        seed: u64,
        timing: &Timing,
        now: Duration,
        max_jobs: usize,
    ) -> Result<&Job, StoreError> {
        if self.by_seq.len() >= max_jobs.max(1) {
            let victim = self
                .by_seq
                .values()
                .find(|j| j.status(timing, now).terminal())
                .map(|j| j.seq)
                .ok_or(StoreError::Full)?;
            self.remove(victim);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
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
        let count = new.outputs.len();
        let sub_jobs = new
            .outputs
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
            .collect::<Vec<_>>();
        debug_assert_eq!(sub_jobs.len(), count);
        let job = Job {
            seq,
            id: id.clone(),
            job_type: new.job_type,
            created: now,
            submitted: new.submitted,
            extend_output: new.extend_output,
            error,
            sub_jobs,
            client_token: new.client_token,
        };
        if let Some((token, _)) = &job.client_token {
            self.by_token.insert(token.clone(), seq);
        }
        self.by_id.insert(id, seq);
        Ok(self.by_seq.entry(seq).or_insert(job))
    }

    fn remove(&mut self, seq: u64) {
        if let Some(job) = self.by_seq.remove(&seq) {
            self.by_id.remove(&job.id);
            if let Some((token, _)) = &job.client_token {
                self.by_token.remove(token);
            }
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

impl Job {
    fn started(&self, t: &Timing) -> Duration {
        self.created.saturating_add(t.queue)
    }

    fn done(&self, t: &Timing) -> Duration {
        self.started(t).saturating_add(t.processing)
    }

    /// When sub-job `i` of `n` reaches its terminal status.
    fn sub_done(&self, t: &Timing, i: usize) -> Duration {
        let n = self.sub_jobs.len().max(1) as f64;
        let share = ((i + 1) as f64 / n).min(1.0);
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

    /// The JSON object Get (`full`) or List (not `full`) returns for this job.
    pub(crate) fn view(&self, t: &Timing, clock: &Clock, now: Duration, full: bool) -> Value {
        let status = self.status(t, now);
        let date = |at: Duration| Value::String(format_acs_date(clock.wall(at)));
        let mut o = Map::new();
        o.insert("JobId".into(), json!(self.id));
        o.insert("JobType".into(), json!(self.job_type));
        o.insert("Status".into(), json!(status.as_str()));
        let s = &self.submitted;
        for (k, v) in [
            ("InputConfig", &s.input_config),
            ("EditingConfig", &s.editing_config),
            ("OutputConfig", &s.output_config),
            ("UserData", &s.user_data),
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
        let modified = match status {
            Status::Init => self.created,
            Status::Processing => {
                let last_sub = (0..self.sub_jobs.len())
                    .map(|i| self.sub_done(t, i))
                    .filter(|d| *d <= now)
                    .max();
                last_sub.unwrap_or(self.started(t))
            }
            _ => self.done(t),
        };
        o.insert("ModifiedTime".into(), date(modified));
        if status.terminal() {
            o.insert("CompleteTime".into(), date(self.done(t)));
        }
        if full {
            if let Some(input) = &s.extend_input {
                o.insert("ExtendInput".into(), json!(input));
            }
            if status == Status::Finished {
                if let Some(out) = &self.extend_output {
                    o.insert("ExtendOutput".into(), json!(out));
                }
            }
            let subs: Vec<Value> = self
                .sub_jobs
                .iter()
                .enumerate()
                .map(|(i, sj)| self.sub_view(sj, t, now, i, status))
                .collect();
            o.insert("SubJobList".into(), Value::Array(subs));
        }
        Value::Object(o)
    }

    fn sub_view(&self, sj: &SubJob, t: &Timing, now: Duration, i: usize, main: Status) -> Value {
        let sub_status = if main == Status::Init {
            "Init"
        } else if now < self.sub_done(t, i) {
            "Processing"
        } else if sj.error.is_some() {
            "Failed"
        } else {
            "Success"
        };
        let mut o = Map::new();
        o.insert("JobId".into(), json!(sj.id));
        o.insert("Status".into(), json!(sub_status));
        match sub_status {
            "Success" => {
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
            "Failed" => {
                if let Some((code, msg)) = &sj.error {
                    o.insert("ErrorCode".into(), json!(code));
                    o.insert("ErrorMessage".into(), json!(msg));
                }
            }
            _ => {}
        }
        Value::Object(o)
    }
}

/// Builds a plausible image-text-matching selection result (camelCase, ice-jobtypes.md §4.2):
/// one `textMatchMediaOutputList` entry per `SpeechTextArray` item, one sentence entry per
/// sentence, clips drawn deterministically from `MediaArray`.
pub(crate) fn smart_mix_selection(input: &Value, seed: u64) -> Value {
    let media = media_ids(input);
    let texts: Vec<&str> = input
        .get("SpeechTextArray")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut rng = Rng::derive(seed, fnv1a(input.to_string().as_bytes()));
    let outputs: Vec<Value> = texts
        .iter()
        .map(|text| {
            let sentences: Vec<Value> = split_sentences(text)
                .into_iter()
                .enumerate()
                .map(|(j, sentence)| {
                    let duration = round(sentence_seconds(&sentence), 6);
                    let clips: Vec<Value> = (0..(1 + rng.below(2)))
                        .filter(|_| !media.is_empty())
                        .map(|k| {
                            let m = rng.below(media.len() as u64) as usize;
                            let start = round(rng.below(60_000) as f64 / 1000.0, 3);
                            json!({
                                "clipId": format!("{m}-{k}"),
                                "mediaId": media.get(m).cloned().unwrap_or_default(),
                                "startTime": start,
                                "endTime": round(start + duration, 3),
                                "score": round(-rng.unit(), 3),
                            })
                        })
                        .collect();
                    json!({
                        "duration": duration,
                        "matchClipList": clips,
                        "text": sentence,
                        "textId": j.to_string(),
                    })
                })
                .collect();
            json!({ "textMatchMediaSentenceOutputList": sentences })
        })
        .collect();
    json!({ "textMatchMediaOutputList": outputs })
}

/// The highlight-mashup selection shape is undocumented; the emulator invents a simple one:
/// `{"highlightClipList":[{"mediaId","startTime","endTime","score"}]}`.
pub(crate) fn highlights_selection(input: &Value, seed: u64) -> Value {
    let media = media_ids(input);
    let mut rng = Rng::derive(seed, fnv1a(input.to_string().as_bytes()));
    let clips: Vec<Value> = media
        .iter()
        .flat_map(|m| {
            let n = 1 + rng.below(3);
            (0..n)
                .map(|_| {
                    let start = round(rng.below(600_000) as f64 / 1000.0, 3);
                    json!({
                        "mediaId": m,
                        "startTime": start,
                        "endTime": round(start + 3.0 + rng.below(12_000) as f64 / 1000.0, 3),
                        "score": round(rng.unit(), 3),
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    json!({ "highlightClipList": clips })
}

/// Media IDs for `MediaArray` entries: IDs are kept; URLs get a stable 32-hex ID, as if the
/// service had registered them.
fn media_ids(input: &Value) -> Vec<String> {
    input
        .get("MediaArray")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|m| {
                    if m.contains("://") {
                        Rng::derive(fnv1a(m.as_bytes()), 1).hex32()
                    } else {
                        m.to_string()
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Splits text into sentences after `.!?;` and their full-width forms, and at line breaks.
pub(crate) fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        let end = matches!(c, '.' | '!' | '?' | ';' | '。' | '！' | '？' | '；' | '\n');
        if c != '\n' {
            cur.push(c);
        }
        if end {
            let s = cur.trim();
            if !s.is_empty() {
                out.push(s.to_string());
            }
            cur.clear();
        }
    }
    let s = cur.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
    out
}

/// A TTS-like duration estimate: ~0.25 s per CJK character, ~0.4 s per other word.
fn sentence_seconds(s: &str) -> f64 {
    let cjk = s.chars().filter(|c| (*c as u32) >= 0x2E80).count();
    let words = s
        .split(|c: char| c.is_whitespace() || (c as u32) >= 0x2E80)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    (cjk as f64 * 0.25 + words as f64 * 0.4).max(1.0)
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_ascii_and_cjk_punctuation() {
        assert_eq!(
            split_sentences("Hello world. How are you?\nFine 好。再见！"),
            vec!["Hello world.", "How are you?", "Fine 好。", "再见！"]
        );
        assert!(split_sentences("  ").is_empty());
    }

    #[test]
    fn selection_has_one_entry_per_text_and_sentence() {
        let input =
            json!({"MediaArray": ["m1", "https://b.oss/x.mp4"], "SpeechTextArray": ["A. B.", "C"]});
        let v = smart_mix_selection(&input, 7);
        let list = v["textMatchMediaOutputList"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        let first = list[0]["textMatchMediaSentenceOutputList"]
            .as_array()
            .unwrap();
        assert_eq!(first.len(), 2);
        assert_eq!(first[1]["text"], "B.");
        let clip = &first[0]["matchClipList"][0];
        assert!(clip["endTime"].as_f64().unwrap() > clip["startTime"].as_f64().unwrap());
        assert_eq!(
            v,
            smart_mix_selection(&input, 7),
            "deterministic under a seed"
        );
    }
}
