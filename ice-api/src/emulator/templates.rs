//! Editing templates: `AddTemplate`, `UpdateTemplate`, `DeleteTemplate`, `GetTemplate`,
//! `ListTemplates`, `GetTemplateParams`, `GetTemplateMaterials`.
//!
//! Templates are kept in memory, at most [`Limits::max_templates`](super::Limits::max_templates)
//! of them. A template's parameters are the `$Name` placeholders in its `Config` (as in
//! Alibaba's standard-template examples): a placeholder under `Content` is a `Text` parameter,
//! one under `MediaId`/`MediaURL` takes the clip's `Type` (default `Video`). Our choices where
//! the API reference is silent: `Type` defaults to `Timeline`, `Status` to `Available`, `Source`
//! to `OpenAPI`; an unknown `TemplateId` is a 400 `InvalidParameter`; `DeleteTemplate` ignores
//! IDs it does not know; `GetTemplateMaterials` answers a URL under `ice-emulator.invalid` for
//! every requested file name.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::params::{int, invalid, one_of, optional, required, Params};
use super::rng::Rng;
use super::verify::{format_acs_date, GatewayError};
use super::State;

const TYPES: [&str; 3] = ["Timeline", "VETemplate", "BatchEditing"];
const STATUSES: [&str; 6] = [
    "Available",
    "Created",
    "Uploading",
    "Processing",
    "UploadFailed",
    "ProcessFailed",
];
const SOURCES: [&str; 3] = ["OpenAPI", "AliyunConsole", "WebSDK"];

#[derive(Debug, Clone)]
struct Template {
    id: String,
    name: String,
    kind: String,
    config: Option<String>,
    cover_url: Option<String>,
    preview_media: Option<String>,
    related_media_ids: Option<String>,
    status: String,
    create_source: String,
    modified_source: String,
    created: Duration,
    modified: Duration,
}

/// All templates, in creation order, with an index by ID.
#[derive(Debug)]
pub(crate) struct Templates {
    by_seq: BTreeMap<u64, Template>,
    by_id: HashMap<String, u64>,
    next_seq: u64,
    rng: Rng,
}

impl Templates {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            by_seq: BTreeMap::new(),
            by_id: HashMap::new(),
            next_seq: 0,
            rng: Rng::derive(seed, 0x7E3),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.by_seq.len()
    }

    fn get(&self, id: &str) -> Option<&Template> {
        self.by_id.get(id).and_then(|s| self.by_seq.get(s))
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut Template> {
        self.by_id.get(id).and_then(|s| self.by_seq.get_mut(s))
    }
}

fn not_found(id: &str) -> GatewayError {
    invalid("TemplateId", format!("no template \"{id}\""))
}

/// `Config`, when given, must be JSON.
fn config(p: &Params) -> Result<Option<String>, GatewayError> {
    match optional(p, "Config") {
        None => Ok(None),
        Some(c) => match serde_json::from_str::<Value>(c) {
            Ok(_) => Ok(Some(c.to_string())),
            Err(e) => Err(invalid("Config", format!("not valid JSON ({e})"))),
        },
    }
}

fn text(p: &Params, name: &str) -> Option<String> {
    optional(p, name).map(str::to_string)
}

pub(crate) fn add(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let kind = one_of(p, "Type", &TYPES)?.unwrap_or("Timeline").to_string();
    let status = one_of(p, "Status", &STATUSES)?
        .unwrap_or("Available")
        .to_string();
    let source = one_of(p, "Source", &SOURCES)?
        .unwrap_or("OpenAPI")
        .to_string();
    let config = config(p)?;
    if state.templates.len() >= state.limits.max_templates {
        return Err(GatewayError::new(
            400,
            "QuotaExceeded.Templates",
            format!(
                "The emulator keeps at most {} templates (raise Limits::max_templates)",
                state.limits.max_templates
            ),
        ));
    }
    let now = state.clock.now();
    let t = &mut state.templates;
    let seq = t.next_seq;
    t.next_seq += 1;
    let template = Template {
        id: t.rng.hex32(),
        name: text(p, "Name").unwrap_or_default(),
        kind,
        config,
        cover_url: text(p, "CoverUrl"),
        preview_media: text(p, "PreviewMedia"),
        related_media_ids: text(p, "RelatedMediaids"),
        status,
        create_source: source.clone(),
        modified_source: source,
        created: now,
        modified: now,
    };
    let mut o = Map::new();
    for (k, v) in [
        ("TemplateId", Some(&template.id)),
        ("Name", Some(&template.name)),
        ("Type", Some(&template.kind)),
        ("Config", template.config.as_ref()),
        ("CoverUrl", template.cover_url.as_ref()),
        ("PreviewMedia", template.preview_media.as_ref()),
        ("Status", Some(&template.status)),
        ("CreateSource", Some(&template.create_source)),
        ("ModifiedSource", Some(&template.modified_source)),
    ] {
        if let Some(v) = v {
            o.insert(k.into(), json!(v));
        }
    }
    t.by_id.insert(template.id.clone(), seq);
    t.by_seq.insert(seq, template);
    Ok(json!({ "Template": o }))
}

pub(crate) fn update(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let id = required(p, "TemplateId")?;
    let status = one_of(p, "Status", &STATUSES)?.map(str::to_string);
    let source = one_of(p, "Source", &SOURCES)?.unwrap_or("OpenAPI");
    let config = config(p)?;
    let now = state.clock.now();
    let t = state.templates.get_mut(id).ok_or_else(|| not_found(id))?;
    if let Some(name) = text(p, "Name") {
        t.name = name;
    }
    for (field, name) in [
        (&mut t.cover_url, "CoverUrl"),
        (&mut t.preview_media, "PreviewMedia"),
        (&mut t.related_media_ids, "RelatedMediaids"),
    ] {
        if let Some(v) = text(p, name) {
            *field = Some(v);
        }
    }
    if config.is_some() {
        t.config = config;
    }
    if let Some(s) = status {
        t.status = s;
    }
    t.modified_source = source.to_string();
    t.modified = now;
    Ok(json!({}))
}

pub(crate) fn delete(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let ids = required(p, "TemplateIds")?;
    let t = &mut state.templates;
    for id in ids.split(',').map(str::trim) {
        if let Some(seq) = t.by_id.remove(id) {
            t.by_seq.remove(&seq);
        }
    }
    Ok(json!({}))
}

/// The `GetTemplate`/`ListTemplates` view.
fn view(state: &State, t: &Template, related: bool) -> Value {
    let date = |at: Duration| format_acs_date(state.clock.wall(at));
    let mut o = Map::new();
    o.insert("TemplateId".into(), json!(t.id));
    o.insert("Name".into(), json!(t.name));
    o.insert("Type".into(), json!(t.kind));
    o.insert("Status".into(), json!(t.status));
    o.insert("CreateSource".into(), json!(t.create_source));
    o.insert("ModifiedSource".into(), json!(t.modified_source));
    o.insert("CreationTime".into(), json!(date(t.created)));
    o.insert("ModifiedTime".into(), json!(date(t.modified)));
    for (k, v) in [
        ("Config", &t.config),
        ("CoverURL", &t.cover_url),
        ("PreviewMedia", &t.preview_media),
    ] {
        if let Some(v) = v {
            o.insert(k.into(), json!(v));
        }
    }
    if t.preview_media.is_some() {
        o.insert("PreviewMediaStatus".into(), json!("Normal"));
    }
    let params = placeholders(t);
    if !params.is_empty() {
        let clips: Map<String, Value> = params
            .iter()
            .map(|(key, kind)| {
                let example = if *kind == "Text" { "text" } else { "mediaId" };
                (key.clone(), json!(example))
            })
            .collect();
        o.insert("ClipsParam".into(), json!(Value::Object(clips).to_string()));
    }
    if related {
        if let Some(r) = &t.related_media_ids {
            o.insert("RelatedMediaids".into(), json!(r));
        }
    }
    Value::Object(o)
}

pub(crate) fn get(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let id = required(p, "TemplateId")?;
    let related = one_of(p, "RelatedMediaidFlag", &["0", "1"])? == Some("1");
    let t = state.templates.get(id).ok_or_else(|| not_found(id))?;
    Ok(json!({ "Template": view(state, t, related) }))
}

pub(crate) fn list(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let page_no = int(p, "PageNo", 1..=100_000, 1)? as usize;
    let page_size = int(p, "PageSize", 1..=100, 10)? as usize;
    let asc = one_of(p, "SortType", &["CreationTime:Asc", "CreationTime:Desc"])?
        == Some("CreationTime:Asc");
    let kind = one_of(p, "Type", &TYPES)?;
    let status = one_of(p, "Status", &STATUSES)?;
    let source = one_of(p, "CreateSource", &SOURCES)?;
    let keyword = optional(p, "Keyword");
    let matches = |t: &&Template| {
        kind.is_none_or(|k| t.kind == k)
            && status.is_none_or(|s| t.status == s)
            && source.is_none_or(|s| t.create_source == s)
            && keyword.is_none_or(|k| t.id == k || t.name.contains(k))
    };
    let all = state.templates.by_seq.values();
    let hits: Vec<&Template> = if asc {
        all.filter(matches).collect()
    } else {
        all.rev().filter(matches).collect()
    };
    let page: Vec<Value> = hits
        .iter()
        .skip((page_no - 1).saturating_mul(page_size))
        .take(page_size)
        .map(|t| view(state, t, false))
        .collect();
    Ok(json!({ "Templates": page, "TotalCount": hits.len() }))
}

pub(crate) fn params(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let id = required(p, "TemplateId")?;
    let t = state.templates.get(id).ok_or_else(|| not_found(id))?;
    let list: Vec<Value> = placeholders(t)
        .into_iter()
        .map(|(key, kind)| json!({ "Key": key, "Type": kind }))
        .collect();
    Ok(json!({ "TemplateId": id, "ParamList": list }))
}

pub(crate) fn materials(state: &mut State, p: &Params) -> Result<Value, GatewayError> {
    let id = required(p, "TemplateId")?;
    state.templates.get(id).ok_or_else(|| not_found(id))?;
    let files: Vec<String> = match optional(p, "FileList") {
        None => Vec::new(),
        Some(raw) => serde_json::from_str(raw)
            .map_err(|_| invalid("FileList", "expected a JSON array of file names"))?,
    };
    let urls: Map<String, Value> = files
        .into_iter()
        .map(|f| {
            let url = format!("https://ice-emulator.invalid/templates/{id}/{f}");
            (f, json!(url))
        })
        .collect();
    Ok(json!({ "MaterialUrls": Value::Object(urls).to_string() }))
}

/// Checks `ClipsParam` of a job that renders template `id`: the template exists, is
/// `Available`, and every parameter is given. Returns the job's `JobType`.
pub(crate) fn check_clips(
    state: &State,
    id: &str,
    clips: &Value,
) -> Result<&'static str, GatewayError> {
    let t = state.templates.get(id).ok_or_else(|| not_found(id))?;
    if t.status != "Available" {
        return Err(invalid(
            "TemplateId",
            format!("template \"{id}\" is {}, not Available", t.status),
        ));
    }
    for (key, _) in placeholders(t) {
        if clips.get(&key).is_none_or(Value::is_null) {
            return Err(invalid(
                &format!("ClipsParam.{key}"),
                "required by the template",
            ));
        }
    }
    Ok(if t.kind == "VETemplate" {
        "VETemplateJob"
    } else {
        "EditingJob"
    })
}

/// The `$Name` placeholders of a template's `Config`, in document order, with their type.
fn placeholders(t: &Template) -> Vec<(String, &'static str)> {
    let Some(config) = t
        .config
        .as_deref()
        .and_then(|c| serde_json::from_str::<Value>(c).ok())
    else {
        return Vec::new();
    };
    let mut out: Vec<(String, &'static str)> = Vec::new();
    collect_placeholders(&config, &mut out);
    out
}

fn collect_placeholders(v: &Value, out: &mut Vec<(String, &'static str)>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect_placeholders(i, out)),
        Value::Object(o) => {
            for (k, child) in o {
                let name = child
                    .as_str()
                    .and_then(|s| s.strip_prefix('$'))
                    .filter(|n| {
                        n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    });
                match (name, k.as_str()) {
                    (Some(n), "Content") => push_unique(out, n, "Text"),
                    (Some(n), "MediaId" | "MediaURL") => {
                        let kind = match o.get("Type").and_then(Value::as_str) {
                            Some("Image") => "Image",
                            Some("Audio") => "Audio",
                            _ => "Video",
                        };
                        push_unique(out, n, kind);
                    }
                    _ => collect_placeholders(child, out),
                }
            }
        }
        _ => {}
    }
}

fn push_unique(out: &mut Vec<(String, &'static str)>, name: &str, kind: &'static str) {
    if !out.iter().any(|(n, _)| n == name) {
        out.push((name.to_string(), kind));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_come_from_config_with_their_types() {
        let config = json!({
            "VideoTracks": [{"VideoTrackClips": [
                {"MediaId": "$Video1"},
                {"Type": "Image", "MediaURL": "$Pic_2"},
                {"MediaId": "fixed-id"}
            ]}],
            "SubtitleTracks": [{"SubtitleTrackClips": [{"Type": "Text", "Content": "$Text1"}]}],
            "Again": {"MediaId": "$Video1"}
        });
        let t = Template {
            id: "t".into(),
            name: String::new(),
            kind: "Timeline".into(),
            config: Some(config.to_string()),
            cover_url: None,
            preview_media: None,
            related_media_ids: None,
            status: "Available".into(),
            create_source: "OpenAPI".into(),
            modified_source: "OpenAPI".into(),
            created: Duration::ZERO,
            modified: Duration::ZERO,
        };
        let mut got = placeholders(&t);
        got.sort();
        assert_eq!(
            got,
            vec![
                ("Pic_2".to_string(), "Image"),
                ("Text1".to_string(), "Text"),
                ("Video1".to_string(), "Video"),
            ]
        );
    }
}
