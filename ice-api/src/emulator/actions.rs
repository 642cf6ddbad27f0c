//! Dispatch of the emulated operations, and the batch job family: the scene jobs and
//! `SubmitBatchMediaProducingJob`, `GetBatchMediaProducingJob`, `ListBatchMediaProducingJobs`.
//! Any other action is answered with `UnsupportedOperation`, never a fake success.

use serde_json::{json, Value};

use super::events;
use super::jobs::{NewJob, Plan, Status, StoreError, SubOutputKind, Submitted};
use super::params::{invalid, json_object, optional, required, Params};
use super::producing;
use super::selection::{highlights_selection, smart_mix_selection};
use super::templates;
use super::verify::{parse_acs_date, GatewayError};
use super::State;

/// The actions the emulator implements: the whole `media-production` group, plus the event
/// callback settings of the `account` group.
pub const SUPPORTED_ACTIONS: [&str; 18] = [
    "AddTemplate",
    "DeleteTemplate",
    "GetBatchMediaProducingJob",
    "GetEventCallback",
    "GetMediaProducingJob",
    "GetTemplate",
    "GetTemplateMaterials",
    "GetTemplateParams",
    "ListBatchMediaProducingJobs",
    "ListMediaProducingJobs",
    "ListTemplates",
    "SetEventCallback",
    "SubmitBatchMediaProducingJob",
    "SubmitMediaProducingJob",
    "SubmitSceneBatchEditingJob",
    "SubmitSceneMediaSelectionJob",
    "SubmitSceneTimelineOrganizationJob",
    "UpdateTemplate",
];

const MAX_OUTPUTS: u64 = 100;
/// `UserData` limit documented for the submit operations.
pub(crate) const MAX_USER_DATA: usize = 512;

/// Who is calling and what: the authenticated AccessKey (the emulator's notion of an account).
pub(crate) struct Call<'a> {
    pub(crate) account: &'a str,
    pub(crate) params: &'a Params,
}

/// Runs one supported action; `None` when the action is not emulated.
pub(crate) fn dispatch(
    state: &mut State,
    action: &str,
    call: &Call<'_>,
) -> Option<Result<Value, GatewayError>> {
    let p = call.params;
    Some(match action {
        "SubmitSceneMediaSelectionJob" => submit_media_selection(state, call),
        "SubmitSceneTimelineOrganizationJob" => submit_timeline(state, call),
        "SubmitSceneBatchEditingJob" => submit_batch_editing(state, call),
        "SubmitBatchMediaProducingJob" => submit_batch_producing(state, call),
        "GetBatchMediaProducingJob" => get_job(state, p),
        "ListBatchMediaProducingJobs" => list_jobs(state, p),
        "SubmitMediaProducingJob" => producing::submit(state, call),
        "GetMediaProducingJob" => producing::get(state, p),
        "ListMediaProducingJobs" => producing::list(state, p),
        "AddTemplate" => templates::add(state, p),
        "UpdateTemplate" => templates::update(state, p),
        "DeleteTemplate" => templates::delete(state, p),
        "GetTemplate" => templates::get(state, p),
        "ListTemplates" => templates::list(state, p),
        "GetTemplateParams" => templates::params(state, p),
        "GetTemplateMaterials" => templates::materials(state, p),
        "SetEventCallback" => events::set(state, call),
        "GetEventCallback" => events::get(state, call),
        _ => return None,
    })
}

/// `UserData`, when given: at most 512 bytes.
pub(crate) fn user_data(p: &Params) -> Result<Option<String>, GatewayError> {
    match optional(p, "UserData") {
        None => Ok(None),
        Some(ud) if ud.len() > MAX_USER_DATA => Err(invalid(
            "UserData",
            format!("at most {MAX_USER_DATA} bytes, got {}", ud.len()),
        )),
        Some(ud) => Ok(Some(ud.to_string())),
    }
}

/// Fields every submit echoes back.
fn submitted(p: &Params) -> Result<Submitted, GatewayError> {
    json_object(p, "EditingConfig", false)?;
    let get = |k: &str| optional(p, k).map(str::to_string);
    Ok(Submitted {
        input_config: get("InputConfig"),
        editing_config: get("EditingConfig"),
        output_config: get("OutputConfig"),
        extend_input: None,
    })
}

/// `OutputConfig.Count` (default 1, 1..=100).
fn output_count(output: &Value) -> Result<u64, GatewayError> {
    match output.get("Count") {
        None | Some(Value::Null) => Ok(1),
        Some(v) => match v.as_u64() {
            Some(n) if (1..=MAX_OUTPUTS).contains(&n) => Ok(n),
            _ => Err(invalid(
                "OutputConfig.Count",
                format!("expected an integer from 1 to {MAX_OUTPUTS}, got {v}"),
            )),
        },
    }
}

pub(crate) fn media_url_pattern(output: &Value) -> Result<String, GatewayError> {
    match output.get("MediaURL").and_then(Value::as_str) {
        Some(u) if !u.is_empty() => Ok(u.to_string()),
        _ => match output.get("StorageLocation").and_then(Value::as_str) {
            Some(s) if !s.is_empty() => Ok(format!(
                "https://{s}/{}",
                output
                    .get("FileName")
                    .and_then(Value::as_str)
                    .unwrap_or("output_{index}.mp4")
            )),
            _ => Err(invalid(
                "OutputConfig.MediaURL",
                "expected MediaURL (or StorageLocation and FileName)",
            )),
        },
    }
}

/// Material whose ID or URL contains `not-found` makes the job fail with
/// `InvalidMaterial.NotFound`, so users can exercise the failure path on purpose.
pub(crate) fn missing_material<'a>(
    material: impl IntoIterator<Item = &'a str>,
) -> Option<(String, String)> {
    let missing: Vec<&str> = material
        .into_iter()
        .filter(|m| m.contains("not-found"))
        .collect();
    (!missing.is_empty()).then(|| {
        (
            "InvalidMaterial.NotFound".to_string(),
            format!("The specified clips id not found:{missing:?}"),
        )
    })
}

/// [`missing_material`] over `InputConfig.MediaArray`.
fn forced_error(input: &Value) -> Option<(String, String)> {
    let media = input.get("MediaArray").and_then(Value::as_array)?;
    missing_material(media.iter().filter_map(Value::as_str))
}

fn require_media(input: &Value, param: &str) -> Result<(), GatewayError> {
    let has_array = input
        .get("MediaArray")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if has_array || input.get("MediaSearchInput").is_some() {
        Ok(())
    } else {
        Err(invalid(
            &format!("{param}.MediaArray"),
            "expected a non-empty MediaArray (or MediaSearchInput)",
        ))
    }
}

/// Stable fingerprint of the parameters, to detect a ClientToken reused for another request.
fn fingerprint(action: &str, p: &Params) -> u64 {
    let mut keys: Vec<_> = p.iter().filter(|(k, _)| *k != "ClientToken").collect();
    keys.sort();
    let mut s = String::from(action);
    for (k, v) in keys {
        s.push('\0');
        s.push_str(k);
        s.push('=');
        s.push_str(v);
    }
    super::rng::fnv1a(s.as_bytes())
}

/// Creates a job (honouring ClientToken idempotency), schedules its completion event, and
/// answers with `respond(job)`; a replayed token answers with the earlier job.
pub(crate) fn create(
    state: &mut State,
    action: &str,
    call: &Call<'_>,
    mut new: NewJob,
    respond: fn(&super::jobs::Job) -> Value,
) -> Result<Value, GatewayError> {
    if let Some(token) = optional(call.params, "ClientToken") {
        let fp = fingerprint(action, call.params);
        if let Some(job) = state.store.by_token(token) {
            if job.client_token.as_ref().map(|t| t.1) != Some(fp) {
                return Err(GatewayError::new(
                    400,
                    "IdempotentParameterMismatch",
                    format!(
                        "The ClientToken \"{token}\" was already used with different parameters"
                    ),
                ));
            }
            state.stats.token_replays += 1;
            return Ok(respond(job));
        }
        new.client_token = Some((token.to_string(), fp));
    }
    let now = state.clock.now();
    let job = state
        .store
        .create(new, state.seed, &state.timing, now, &state.limits)
        .map_err(|StoreError::Full| {
            GatewayError::new(
                400,
                "QuotaExceeded.Jobs",
                "The emulator's job store is full of unfinished jobs (raise Limits::max_jobs or Limits::max_job_bytes)",
            )
        })?;
    let answer = respond(job);
    let (due, seq) = (job.done(&state.timing), job.seq);
    state.stats.jobs_created += 1;
    state.delivery.schedule(due, seq);
    Ok(answer)
}

fn batch_job(
    call: &Call<'_>,
    job_type: &str,
    submitted: Submitted,
    outputs: Vec<SubOutputKind>,
    extend_output: Option<String>,
    forced_error: Option<(String, String)>,
) -> Result<NewJob, GatewayError> {
    Ok(NewJob {
        account: call.account.to_string(),
        user_data: user_data(call.params)?,
        forced_error,
        client_token: None,
        plan: Plan::Batch {
            job_type: job_type.to_string(),
            submitted,
            outputs,
            extend_output,
        },
    })
}

fn submit_media_selection(state: &mut State, call: &Call<'_>) -> Result<Value, GatewayError> {
    let p = call.params;
    let job_type = required(p, "JobType")?;
    if !matches!(
        job_type,
        "Smart_Mix_Media_Select" | "Screen_Media_Highlights_Media_Select"
    ) {
        return Err(invalid(
            "JobType",
            format!("expected Smart_Mix_Media_Select or Screen_Media_Highlights_Media_Select, got \"{job_type}\""),
        ));
    }
    let input = json_object(p, "InputConfig", true)?.unwrap_or_default();
    json_object(p, "OutputConfig", true)?;
    require_media(&input, "InputConfig")?;
    let selection = if job_type == "Smart_Mix_Media_Select" {
        smart_mix_selection(&input, state.seed)
    } else {
        highlights_selection(&input, state.seed)
    };
    let new = batch_job(
        call,
        job_type,
        submitted(p)?,
        Vec::new(),
        Some(selection.to_string()),
        forced_error(&input),
    )?;
    create(
        state,
        "SubmitSceneMediaSelectionJob",
        call,
        new,
        super::jobs::Job::submit_answer,
    )
}

fn submit_timeline(state: &mut State, call: &Call<'_>) -> Result<Value, GatewayError> {
    let p = call.params;
    let job_type = required(p, "JobType")?;
    if !matches!(
        job_type,
        "Smart_Mix_Timeline_Organize" | "Screen_Media_Highlights_Timeline_Organize"
    ) {
        return Err(invalid(
            "JobType",
            format!("expected Smart_Mix_Timeline_Organize or Screen_Media_Highlights_Timeline_Organize, got \"{job_type}\""),
        ));
    }
    let selection = json_object(p, "MediaSelectResult", true)?.unwrap_or_default();
    if job_type == "Smart_Mix_Timeline_Organize"
        && !selection
            .get("textMatchMediaOutputList")
            .is_some_and(Value::is_array)
    {
        return Err(invalid(
            "MediaSelectResult",
            "expected an object with a textMatchMediaOutputList array (the ExtendOutput of a Smart_Mix_Media_Select job)",
        ));
    }
    let input = json_object(p, "InputConfig", true)?.unwrap_or_default();
    let output = json_object(p, "OutputConfig", true)?.unwrap_or_default();
    let count = output_count(&output)?;
    let mut sub = submitted(p)?;
    sub.extend_input = optional(p, "MediaSelectResult").map(str::to_string);
    let outputs = (0..count).map(|_| SubOutputKind::Project).collect();
    let new = batch_job(call, job_type, sub, outputs, None, forced_error(&input))?;
    create(
        state,
        "SubmitSceneTimelineOrganizationJob",
        call,
        new,
        super::jobs::Job::submit_answer,
    )
}

fn submit_batch_editing(state: &mut State, call: &Call<'_>) -> Result<Value, GatewayError> {
    let p = call.params;
    let ids: Vec<&str> = required(p, "ProjectIds")?
        .split(',')
        .map(str::trim)
        .collect();
    if ids.iter().any(|i| i.is_empty()) {
        return Err(invalid(
            "ProjectIds",
            "expected comma-separated non-empty project IDs",
        ));
    }
    let output = json_object(p, "OutputConfig", true)?.unwrap_or_default();
    for unsupported in ["Count", "GeneratePreviewOnly"] {
        if output.get(unsupported).is_some() {
            return Err(invalid(
                &format!("OutputConfig.{unsupported}"),
                "not supported by SubmitSceneBatchEditingJob",
            ));
        }
    }
    let pattern = media_url_pattern(&output)?;
    let mut sub = submitted(p)?;
    sub.extend_input = Some(json!(ids).to_string());
    let outputs = ids
        .iter()
        .map(|_| SubOutputKind::Media {
            url_pattern: pattern.clone(),
        })
        .collect();
    let new = batch_job(call, "Scene_Batch_Editing", sub, outputs, None, None)?;
    create(
        state,
        "SubmitSceneBatchEditingJob",
        call,
        new,
        super::jobs::Job::submit_answer,
    )
}

fn submit_batch_producing(state: &mut State, call: &Call<'_>) -> Result<Value, GatewayError> {
    let p = call.params;
    let input = json_object(p, "InputConfig", true)?.unwrap_or_default();
    let output = json_object(p, "OutputConfig", true)?.unwrap_or_default();
    if let Some(t) = optional(p, "TemplateConfig") {
        if serde_json::from_str::<Value>(t).is_err() {
            return Err(invalid("TemplateConfig", "not valid JSON"));
        }
    }
    let job_type = if input.get("MediaGroupArray").is_some() {
        "Script"
    } else if input.get("MediaArray").is_some() || input.get("MediaSearchInput").is_some() {
        "Smart_Mix"
    } else {
        return Err(invalid(
            "InputConfig",
            "expected MediaGroupArray (script-to-video) or MediaArray/MediaSearchInput (image-text matching)",
        ));
    };
    let count = output_count(&output)?;
    let pattern = media_url_pattern(&output)?;
    let outputs = (0..count)
        .map(|_| SubOutputKind::Media {
            url_pattern: pattern.clone(),
        })
        .collect();
    let new = batch_job(
        call,
        job_type,
        submitted(p)?,
        outputs,
        None,
        forced_error(&input),
    )?;
    create(
        state,
        "SubmitBatchMediaProducingJob",
        call,
        new,
        super::jobs::Job::submit_answer,
    )
}

fn get_job(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let id = required(p, "JobId")?;
    let now = state.clock.now();
    let view = state
        .store
        .get(id)
        .and_then(|job| job.batch_view(&state.timing, &state.clock, now, true))
        .ok_or_else(|| invalid("JobId", format!("no batch job \"{id}\"")))?;
    Ok(json!({ "EditingBatchJob": view }))
}

const TOKEN_PREFIX: &str = "emu1-";

/// The paging and time-range parameters the two job listings share.
pub(crate) struct Window {
    pub(crate) max: usize,
    pub(crate) after: Option<u64>,
    start: Option<u64>,
    end: Option<u64>,
}

impl Window {
    /// `MaxResults` (1..=100, default 10), `NextToken`, `StartTime`, `EndTime`.
    pub(crate) fn parse(p: &Params) -> Result<Self, GatewayError> {
        let max = super::params::int(p, "MaxResults", 1..=100, 10)? as usize;
        let time = |name: &str| -> Result<Option<u64>, GatewayError> {
            match optional(p, name) {
                None => Ok(None),
                Some(s) => parse_acs_date(s)
                    .map(|t| Some(epoch_secs(t)))
                    .ok_or_else(|| {
                        invalid(name, format!("expected yyyy-MM-ddTHH:mm:ssZ, got \"{s}\""))
                    }),
            }
        };
        let after = match optional(p, "NextToken") {
            None => None,
            Some(t) => Some(
                t.strip_prefix(TOKEN_PREFIX)
                    .and_then(|n| u64::from_str_radix(n, 16).ok())
                    .ok_or_else(|| invalid("NextToken", "not a token returned by this service"))?,
            ),
        };
        Ok(Self {
            max,
            after,
            start: time("StartTime")?,
            end: time("EndTime")?,
        })
    }

    /// Whether the job was created within `StartTime..=EndTime` (whole seconds, as on the wire).
    pub(crate) fn contains(&self, state: &State, job: &super::jobs::Job) -> bool {
        let created = epoch_secs(state.clock.wall(job.created_at()));
        self.start.is_none_or(|s| created >= s) && self.end.is_none_or(|e| created <= e)
    }

    /// `EndTime - StartTime` in seconds, when both are given.
    pub(crate) fn span_secs(&self) -> Option<u64> {
        Some(self.end?.saturating_sub(self.start?))
    }

    /// The `NextToken` to continue after sequence number `next`.
    pub(crate) fn token(next: u64) -> String {
        format!("{TOKEN_PREFIX}{next:x}")
    }
}

/// `Status` filter: one of the given spellings of a job status.
pub(crate) fn status_filter(p: &Params, spellings: &str) -> Result<Option<Status>, GatewayError> {
    optional(p, "Status")
        .map(|s| {
            Status::parse(s)
                .ok_or_else(|| invalid("Status", format!("expected {spellings}, got \"{s}\"")))
        })
        .transpose()
}

fn list_jobs(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let window = Window::parse(p)?;
    let asc = match optional(p, "SortBy") {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(other) => {
            return Err(invalid(
                "SortBy",
                format!("expected asc or desc, got \"{other}\""),
            ))
        }
    };
    let status = status_filter(p, "Init, Processing, Finished or Failed")?;
    let job_type = optional(p, "JobType");
    let job_id = optional(p, "JobId");
    let now = state.clock.now();
    let st = &*state;
    let filter = |j: &super::jobs::Job| {
        j.batch()
            .is_some_and(|b| job_type.is_none_or(|t| b.job_type == t))
            && job_id.is_none_or(|i| j.id == i)
            && status.is_none_or(|s| j.status(&st.timing, now) == s)
            && window.contains(st, j)
    };
    let (page, next) = st.store.page(filter, asc, window.after, window.max);
    let list: Vec<Value> = page
        .iter()
        .filter_map(|j| j.batch_view(&st.timing, &st.clock, now, false))
        .collect();
    let mut out = json!({ "MaxResults": window.max, "EditingBatchJobList": list });
    if let Some(n) = next {
        out["NextToken"] = json!(Window::token(n));
    }
    Ok(out)
}

fn epoch_secs(t: std::time::SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
