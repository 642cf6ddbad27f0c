//! The emulated operations: the media-production job family. Everything else is answered with
//! `UnsupportedOperation`, never a fake success.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::jobs::{
    highlights_selection, smart_mix_selection, NewJob, Status, StoreError, SubOutputKind, Submitted,
};
use super::verify::{parse_acs_date, GatewayError};
use super::State;

/// The actions the emulator implements.
pub const SUPPORTED_ACTIONS: [&str; 6] = [
    "SubmitSceneMediaSelectionJob",
    "SubmitSceneTimelineOrganizationJob",
    "SubmitSceneBatchEditingJob",
    "SubmitBatchMediaProducingJob",
    "GetBatchMediaProducingJob",
    "ListBatchMediaProducingJobs",
];

/// Decoded request parameters (query and form body merged).
pub(crate) type Params = HashMap<String, String>;

const MAX_OUTPUTS: u64 = 100;
const MAX_USER_DATA: usize = 512;

fn invalid(param: &str, why: impl std::fmt::Display) -> GatewayError {
    GatewayError::new(
        400,
        "InvalidParameter",
        format!("The specified parameter \"{param}\" is not valid: {why}"),
    )
}

fn missing(param: &str) -> GatewayError {
    invalid(param, "it is required")
}

fn required<'a>(p: &'a Params, name: &str) -> Result<&'a str, GatewayError> {
    match p.get(name).map(String::as_str) {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(missing(name)),
    }
}

/// Parses a JSON-string parameter that must hold a JSON object.
fn json_object(p: &Params, name: &str, needed: bool) -> Result<Option<Value>, GatewayError> {
    let Some(raw) = p.get(name).filter(|v| !v.trim().is_empty()) else {
        return if needed { Err(missing(name)) } else { Ok(None) };
    };
    match serde_json::from_str::<Value>(raw) {
        Ok(v @ Value::Object(_)) => Ok(Some(v)),
        Ok(_) => Err(invalid(name, "expected a JSON object")),
        Err(e) => Err(invalid(name, format!("not valid JSON ({e})"))),
    }
}

/// Runs one supported action; `None` when the action is not emulated.
pub(crate) fn dispatch(
    state: &mut State,
    action: &str,
    p: &Params,
) -> Option<Result<Value, GatewayError>> {
    Some(match action {
        "SubmitSceneMediaSelectionJob" => submit_media_selection(state, p),
        "SubmitSceneTimelineOrganizationJob" => submit_timeline(state, p),
        "SubmitSceneBatchEditingJob" => submit_batch_editing(state, p),
        "SubmitBatchMediaProducingJob" => submit_batch_producing(state, p),
        "GetBatchMediaProducingJob" => get_job(state, p),
        "ListBatchMediaProducingJobs" => list_jobs(state, p),
        _ => return None,
    })
}

/// Fields every submit echoes back.
fn submitted(p: &Params) -> Result<Submitted, GatewayError> {
    if let Some(ud) = p.get("UserData").filter(|u| !u.is_empty()) {
        if ud.len() > MAX_USER_DATA {
            return Err(invalid(
                "UserData",
                format!("at most {MAX_USER_DATA} bytes, got {}", ud.len()),
            ));
        }
    }
    json_object(p, "EditingConfig", false)?;
    let get = |k: &str| p.get(k).filter(|v| !v.is_empty()).cloned();
    Ok(Submitted {
        input_config: get("InputConfig"),
        editing_config: get("EditingConfig"),
        output_config: get("OutputConfig"),
        user_data: get("UserData"),
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

fn media_url_pattern(output: &Value) -> Result<String, GatewayError> {
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
fn forced_error(input: &Value) -> Option<(String, String)> {
    let missing: Vec<&str> = input
        .get("MediaArray")
        .and_then(Value::as_array)?
        .iter()
        .filter_map(Value::as_str)
        .filter(|m| m.contains("not-found"))
        .collect();
    (!missing.is_empty()).then(|| {
        (
            "InvalidMaterial.NotFound".to_string(),
            format!("The specified clips id not found:{missing:?}"),
        )
    })
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

fn client_token(p: &Params) -> Option<String> {
    p.get("ClientToken").filter(|t| !t.is_empty()).cloned()
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

/// Creates a job, honouring ClientToken idempotency.
fn create(
    state: &mut State,
    action: &str,
    p: &Params,
    mut new: NewJob,
) -> Result<Value, GatewayError> {
    if let Some(token) = client_token(p) {
        let fp = fingerprint(action, p);
        if let Some(job) = state.store.by_token(&token) {
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
            return Ok(json!({ "JobId": job.id }));
        }
        new.client_token = Some((token, fp));
    }
    let now = state.clock.now();
    let job = state
        .store
        .create(new, state.seed, &state.timing, now, state.limits.max_jobs)
        .map_err(|StoreError::Full| {
            GatewayError::new(
                400,
                "QuotaExceeded.Jobs",
                "The emulator's job store is full of unfinished jobs (raise Limits::max_jobs)",
            )
        })?;
    let id = job.id.clone();
    state.stats.jobs_created += 1;
    Ok(json!({ "JobId": id }))
}

fn submit_media_selection(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let action = "SubmitSceneMediaSelectionJob";
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
    let new = NewJob {
        job_type: job_type.to_string(),
        submitted: submitted(p)?,
        outputs: Vec::new(),
        extend_output: Some(selection.to_string()),
        forced_error: forced_error(&input),
        client_token: None,
    };
    create(state, action, p, new)
}

fn submit_timeline(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let action = "SubmitSceneTimelineOrganizationJob";
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
    sub.extend_input = p.get("MediaSelectResult").cloned();
    let new = NewJob {
        job_type: job_type.to_string(),
        submitted: sub,
        outputs: (0..count).map(|_| SubOutputKind::Project).collect(),
        extend_output: None,
        forced_error: forced_error(&input),
        client_token: None,
    };
    create(state, action, p, new)
}

fn submit_batch_editing(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let action = "SubmitSceneBatchEditingJob";
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
    let new = NewJob {
        job_type: "Scene_Batch_Editing".into(),
        submitted: sub,
        outputs: ids
            .iter()
            .map(|_| SubOutputKind::Media {
                url_pattern: pattern.clone(),
            })
            .collect(),
        extend_output: None,
        forced_error: None,
        client_token: None,
    };
    create(state, action, p, new)
}

fn submit_batch_producing(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let action = "SubmitBatchMediaProducingJob";
    let input = json_object(p, "InputConfig", true)?.unwrap_or_default();
    let output = json_object(p, "OutputConfig", true)?.unwrap_or_default();
    if let Some(t) = p.get("TemplateConfig").filter(|t| !t.is_empty()) {
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
    let new = NewJob {
        job_type: job_type.into(),
        submitted: submitted(p)?,
        outputs: (0..count)
            .map(|_| SubOutputKind::Media {
                url_pattern: pattern.clone(),
            })
            .collect(),
        extend_output: None,
        forced_error: forced_error(&input),
        client_token: None,
    };
    create(state, action, p, new)
}

fn get_job(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let id = required(p, "JobId")?;
    let now = state.clock.now();
    let job = state.store.get(id).ok_or_else(|| {
        GatewayError::new(
            400,
            "InvalidParameter",
            format!("The specified parameter \"JobId\" is not valid: no job \"{id}\""),
        )
    })?;
    Ok(json!({ "EditingBatchJob": job.view(&state.timing, &state.clock, now, true) }))
}

const TOKEN_PREFIX: &str = "emu1-";

fn list_jobs(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let max = match p.get("MaxResults").filter(|v| !v.is_empty()) {
        None => 10,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                return Err(invalid(
                    "MaxResults",
                    format!("expected an integer from 1 to 100, got \"{v}\""),
                ))
            }
        },
    };
    let asc = match p.get("SortBy").map(String::as_str) {
        None | Some("") | Some("desc") => false,
        Some("asc") => true,
        Some(other) => {
            return Err(invalid(
                "SortBy",
                format!("expected asc or desc, got \"{other}\""),
            ))
        }
    };
    let status = match p.get("Status").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            invalid(
                "Status",
                format!("expected Init, Processing, Finished or Failed, got \"{s}\""),
            )
        })?),
    };
    let time = |name: &str| -> Result<Option<u64>, GatewayError> {
        match p.get(name).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => parse_acs_date(s)
                .map(|t| Some(epoch_secs(t)))
                .ok_or_else(|| {
                    invalid(name, format!("expected yyyy-MM-ddTHH:mm:ssZ, got \"{s}\""))
                }),
        }
    };
    let (start, end) = (time("StartTime")?, time("EndTime")?);
    let after = match p.get("NextToken").filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => Some(
            t.strip_prefix(TOKEN_PREFIX)
                .and_then(|n| u64::from_str_radix(n, 16).ok())
                .ok_or_else(|| invalid("NextToken", "not a token returned by this service"))?,
        ),
    };
    let job_type = p.get("JobType").filter(|s| !s.is_empty());
    let job_id = p.get("JobId").filter(|s| !s.is_empty());
    let now = state.clock.now();
    let timing = &state.timing;
    // CreateTime has whole-second precision on the wire, so filter on whole seconds too.
    let clock = &state.clock;
    let secs = |d: std::time::Duration| epoch_secs(clock.wall(d));
    let filter = |j: &super::jobs::Job| {
        job_type.is_none_or(|t| &j.job_type == t)
            && job_id.is_none_or(|i| &j.id == i)
            && status.is_none_or(|s| j.status(timing, now) == s)
            && start.is_none_or(|s| secs(j.created_at()) >= s)
            && end.is_none_or(|e| secs(j.created_at()) <= e)
    };
    let (page, next) = state.store.page(filter, asc, after, max);
    let list: Vec<Value> = page
        .iter()
        .map(|j| j.view(timing, &state.clock, now, false))
        .collect();
    let mut out = json!({ "MaxResults": max, "EditingBatchJobList": list });
    if let Some(n) = next {
        out["NextToken"] = json!(format!("{TOKEN_PREFIX}{n:x}"));
    }
    Ok(out)
}

fn epoch_secs(t: std::time::SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
