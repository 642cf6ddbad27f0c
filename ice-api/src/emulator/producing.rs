//! Media producing jobs: `SubmitMediaProducingJob`, `GetMediaProducingJob`,
//! `ListMediaProducingJobs`.
//!
//! A job renders a timeline, an editing project or a template (exactly one, as the API
//! requires) into one output. The emulator keeps no editing projects: any `ProjectId` is
//! accepted; a job without one gets a new project ID, as the service creates one. A template
//! must exist in the emulator and every one of its parameters must be given in `ClipsParam`.

use serde_json::{json, Value};

use super::actions::{self, media_url_pattern, missing_material, status_filter, Call, Window};
use super::jobs::{Job, NewJob, Plan};
use super::params::{at_most, invalid, json_object, one_of, optional, required, Params};
use super::templates;
use super::verify::GatewayError;
use super::State;

/// `ClientToken` limit documented for `SubmitMediaProducingJob`.
const MAX_CLIENT_TOKEN: usize = 64;

pub(crate) fn submit(state: &mut State, call: &Call<'_>) -> Result<Value, GatewayError> {
    let p = call.params;
    if let Some(token) = optional(p, "ClientToken") {
        at_most("ClientToken", token, MAX_CLIENT_TOKEN)?;
        if !token.is_ascii() {
            return Err(invalid("ClientToken", "expected ASCII characters only"));
        }
    }
    let sources: Vec<&str> = ["ProjectId", "Timeline", "TemplateId"]
        .into_iter()
        .filter(|k| optional(p, k).is_some())
        .collect();
    if sources.len() != 1 {
        return Err(invalid(
            "ProjectId",
            format!(
                "specify exactly one of ProjectId, Timeline and TemplateId (got {})",
                if sources.is_empty() {
                    "none".to_string()
                } else {
                    sources.join(", ")
                }
            ),
        ));
    }
    json_object(p, "Timeline", false)?;
    let timeline = optional(p, "Timeline").map(str::to_string);
    let mut job_type = "EditingJob";
    let mut clips = None;
    let template_id = optional(p, "TemplateId").map(str::to_string);
    if let Some(id) = &template_id {
        let clips_param = json_object(p, "ClipsParam", true)?.unwrap_or_default();
        job_type = templates::check_clips(state, id, &clips_param)?;
        clips = optional(p, "ClipsParam").map(str::to_string);
    }
    for name in ["EditingProduceConfig", "MediaMetadata", "ProjectMetadata"] {
        json_object(p, name, false)?;
    }
    let target = one_of(p, "OutputMediaTarget", &["oss-object", "vod-media", "S3"])?;
    let output = json_object(p, "OutputMediaConfig", true)?.unwrap_or_default();
    let vod = target == Some("vod-media");
    let media_url = if vod {
        for k in ["StorageLocation", "FileName"] {
            if output
                .get(k)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                return Err(invalid(
                    &format!("OutputMediaConfig.{k}"),
                    "required when OutputMediaTarget is vod-media",
                ));
            }
        }
        media_url_pattern(&output)?
    } else {
        match output.get("MediaURL").and_then(Value::as_str) {
            Some(u) if !u.is_empty() => u.to_string(),
            _ => return Err(invalid("OutputMediaConfig.MediaURL", "it is required")),
        }
    };
    let documents: Vec<Value> = [optional(p, "Timeline"), clips.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|raw| serde_json::from_str(raw).ok())
        .collect();
    let material = missing_material(documents.iter().flat_map(string_leaves));
    let new = NewJob {
        account: call.account.to_string(),
        user_data: actions::user_data(p)?,
        forced_error: material,
        client_token: None,
        plan: Plan::Producing {
            job_type,
            project_id: optional(p, "ProjectId").map(str::to_string),
            media_url: media_url.replace("{index}", "1"),
            vod,
            template_id,
            clips_param: clips,
            timeline,
        },
    };
    actions::create(
        state,
        "SubmitMediaProducingJob",
        call,
        new,
        Job::submit_answer,
    )
}

/// Every string in a JSON document (material IDs and URLs sit at many depths of a timeline).
fn string_leaves(v: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => out.push(s.as_str()),
            Value::Array(a) => stack.extend(a),
            Value::Object(o) => stack.extend(o.values()),
            _ => {}
        }
    }
    out
}

pub(crate) fn get(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let id = required(p, "JobId")?;
    let now = state.clock.now();
    let view = state
        .store
        .get(id)
        .and_then(|job| job.producing_view(&state.timing, &state.clock, now, true))
        .ok_or_else(|| invalid("JobId", format!("no media producing job \"{id}\"")))?;
    Ok(json!({ "MediaProducingJob": view }))
}

/// Longest `StartTime`..`EndTime` range the API allows.
const MAX_RANGE_SECS: u64 = 30 * 24 * 3600;

pub(crate) fn list(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let window = Window::parse(p)?;
    if window.span_secs().is_some_and(|s| s > MAX_RANGE_SECS) {
        return Err(invalid("EndTime", "at most 30 days after StartTime"));
    }
    let asc = one_of(p, "SortBy", &["CreationTime:Asc", "CreationTime:Desc"])?
        == Some("CreationTime:Asc");
    let status = status_filter(p, "Init, Processing, Success or Failed")?;
    let job_type = one_of(
        p,
        "JobType",
        &["LiveEditingJob", "EditingJob", "VETemplateJob"],
    )?;
    let project = optional(p, "ProjectId");
    let keyword = optional(p, "Keyword");
    let now = state.clock.now();
    let st = &*state;
    if let Some(master) = optional(p, "MasterJobId") {
        let job = st
            .store
            .get(master)
            .filter(|j| j.batch().is_some())
            .ok_or_else(|| invalid("MasterJobId", format!("no batch job \"{master}\"")))?;
        let list: Vec<Value> = job
            .sub_jobs_as_producing(&st.timing, &st.clock, now)
            .into_iter()
            .filter(|v| {
                status.is_none_or(|s| v["Status"] == s.as_producing_str())
                    && keyword.is_none_or(|k| v["JobId"].as_str().is_some_and(|id| id.contains(k)))
            })
            .take(window.max)
            .collect();
        return Ok(json!({ "MaxResults": window.max.to_string(), "MediaProducingJobList": list }));
    }
    let filter = |j: &Job| {
        j.producing().is_some_and(|pj| {
            job_type.is_none_or(|t| pj.job_type == t)
                && project.is_none_or(|id| pj.project_id == id)
        }) && keyword.is_none_or(|k| j.id.contains(k))
            && status.is_none_or(|s| j.status(&st.timing, now) == s)
            && window.contains(st, j)
    };
    let (page, next) = st.store.page(filter, asc, window.after, window.max);
    let list: Vec<Value> = page
        .iter()
        .filter_map(|j| j.producing_view(&st.timing, &st.clock, now, false))
        .collect();
    let mut out = json!({ "MaxResults": window.max.to_string(), "MediaProducingJobList": list });
    if let Some(n) = next {
        out["NextToken"] = json!(Window::token(n));
    }
    Ok(out)
}
