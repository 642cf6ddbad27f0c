//! Every operation of the `media-production` group (as listed in the overlay) answers
//! statefully, and every answer has the shape of the operation's response schema in
//! `specs/ice/2020-11-09/api-docs.json`: no undeclared field, every field of its declared type.
#![cfg(feature = "emulator")]

mod emulator_support;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use emulator_support::*;
use ice_api::emulator::{Emulator, Timing};
use ice_api::{Client, WireParams};
use serde_json::Value;

fn spec_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/ice/2020-11-09")
}

/// The operations of the `media-production` group, as generated from the overlay (names and
/// patterns alike).
fn group_operations() -> BTreeSet<String> {
    let ops: BTreeSet<String> = ice_api::OPERATIONS
        .iter()
        .filter(|(_, group)| *group == "media-production")
        .map(|(action, _)| (*action).to_owned())
        .collect();
    assert!(!ops.is_empty(), "the media-production group has operations");
    ops
}

/// Whether the spec in use has every operation the emulator serves (the spec it was written
/// against), so that its answers must not carry a field the spec does not declare.
fn emulates_this_spec() -> bool {
    ice_api::emulator::SUPPORTED_ACTIONS
        .iter()
        .all(|a| ice_api::OPERATIONS.iter().any(|(op, _)| op == a))
}

struct Spec(Value);

impl Spec {
    fn load() -> Self {
        let text = std::fs::read_to_string(spec_dir().join("api-docs.json")).unwrap();
        Spec(serde_json::from_str(&text).unwrap())
    }

    fn response_schema(&self, op: &str) -> &Value {
        &self.0["apis"][op]["responses"]["200"]["schema"]
    }
}

/// Shape errors of `v` against an api-docs schema, each with its JSON pointer.
fn conform(v: &Value, schema: &Value, at: &str, errors: &mut Vec<String>) {
    let ty = schema["type"].as_str().unwrap_or("any");
    let ok = match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => true,
    };
    if !ok {
        errors.push(format!("{at}: expected {ty}, got {v}"));
        return;
    }
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                match schema["properties"].get(k) {
                    Some(s) => conform(child, s, &format!("{at}/{k}"), errors),
                    // The emulator answers as ICE does today; against a spec regenerated from
                    // another (older) metadata file, extra fields are expected and harmless.
                    None if !emulates_this_spec() => {}
                    None => errors.push(format!("{at}/{k}: not declared by the spec")),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                conform(item, &schema["items"], &format!("{at}/{i}"), errors);
            }
        }
        _ => {}
    }
}

/// Calls `op` and checks its answer against the spec; records that `op` was exercised.
struct Checked<'a> {
    client: &'a Client,
    spec: Spec,
    seen: BTreeSet<String>,
}

impl Checked<'_> {
    async fn ok(&mut self, op: &str, params: WireParams) -> Value {
        let v = call(self.client, op, params)
            .await
            .unwrap_or_else(|e| panic!("{op}: {e}"));
        let mut errors = Vec::new();
        conform(&v, self.spec.response_schema(op), "", &mut errors);
        assert!(
            errors.is_empty(),
            "{op} answered {v}\nnot as the spec says: {errors:#?}"
        );
        self.seen.insert(op.to_string());
        v
    }

    async fn invalid(&mut self, op: &str, params: WireParams, names: &str) {
        let err = call(self.client, op, params).await.unwrap_err();
        assert_eq!(err.code(), Some("InvalidParameter"), "{op}: {err}");
        let msg = err.message().unwrap();
        assert!(msg.contains(names), "{op}: {msg}");
    }
}

const TEMPLATE_CONFIG: &str = r#"{"VideoTracks":[{"VideoTrackClips":[{"MediaId":"$Video1"},{"Type":"Image","MediaId":"$Logo"}]}],"SubtitleTracks":[{"SubtitleTrackClips":[{"Type":"Text","Content":"$Title"}]}]}"#;

#[tokio::test]
async fn every_operation_of_the_group_answers_statefully_in_the_spec_shape() {
    let (_emu, client) = start(Emulator::builder().seed(5).timing(Timing::instant())).await;
    let mut c = Checked {
        client: &client,
        spec: Spec::load(),
        seen: BTreeSet::new(),
    };

    // Templates.
    let added = c
        .ok(
            "AddTemplate",
            query(&[
                ("Name", "promo-template"),
                ("Type", "Timeline"),
                ("Config", TEMPLATE_CONFIG),
                ("CoverUrl", "https://b.oss/cover.png"),
                ("RelatedMediaids", r#"{"video":["m-1"]}"#),
            ]),
        )
        .await;
    let template_id = added["Template"]["TemplateId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(added["Template"]["Status"], "Available");
    let got = c
        .ok(
            "GetTemplate",
            query(&[("TemplateId", &template_id), ("RelatedMediaidFlag", "1")]),
        )
        .await;
    assert_eq!(got["Template"]["Name"], "promo-template");
    assert_eq!(got["Template"]["RelatedMediaids"], r#"{"video":["m-1"]}"#);
    let clips: Value =
        serde_json::from_str(got["Template"]["ClipsParam"].as_str().unwrap()).unwrap();
    assert_eq!(
        clips.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["Video1", "Logo", "Title"]
    );
    let params = c
        .ok("GetTemplateParams", query(&[("TemplateId", &template_id)]))
        .await;
    let kinds: Vec<(String, String)> = params["ParamList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["Key"].as_str().unwrap().into(),
                p["Type"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("Video1".to_string(), "Video".to_string()),
            ("Logo".to_string(), "Image".to_string()),
            ("Title".to_string(), "Text".to_string())
        ]
    );
    c.ok(
        "UpdateTemplate",
        query(&[("TemplateId", &template_id), ("Name", "promo-v2")]),
    )
    .await;
    let listed = c
        .ok(
            "ListTemplates",
            query(&[("Keyword", "promo-v2"), ("Type", "Timeline")]),
        )
        .await;
    assert_eq!(listed["TotalCount"], 1);
    assert_eq!(listed["Templates"][0]["TemplateId"], template_id.as_str());
    let materials = c
        .ok(
            "GetTemplateMaterials",
            query(&[("TemplateId", &template_id), ("FileList", r#"["bg.png"]"#)]),
        )
        .await;
    let urls: Value = serde_json::from_str(materials["MaterialUrls"].as_str().unwrap()).unwrap();
    assert!(urls["bg.png"].as_str().unwrap().starts_with("https://"));

    // Media producing jobs: from the template (every parameter needed), from a timeline to VOD.
    let output = r#"{"MediaURL":"https://b.oss-cn-shanghai.aliyuncs.com/produced.mp4"}"#;
    c.invalid(
        "SubmitMediaProducingJob",
        query(&[
            ("TemplateId", &template_id),
            ("ClipsParam", r#"{"Video1":"m-1","Logo":"m-2"}"#),
            ("OutputMediaConfig", output),
        ]),
        "\"ClipsParam.Title\"",
    )
    .await;
    let templated = c
        .ok(
            "SubmitMediaProducingJob",
            query(&[
                ("TemplateId", &template_id),
                (
                    "ClipsParam",
                    r#"{"Video1":"m-1","Logo":"m-2","Title":"Hi"}"#,
                ),
                ("OutputMediaConfig", output),
                ("UserData", r#"{"biz":1}"#),
            ]),
        )
        .await;
    let job_id = templated["JobId"].as_str().unwrap().to_string();
    assert!(templated["ProjectId"].is_string() && templated["MediaId"].is_string());
    let to_vod = c
        .ok(
            "SubmitMediaProducingJob",
            query(&[
                (
                    "Timeline",
                    r#"{"VideoTracks":[{"VideoTrackClips":[{"MediaId":"m-1"}]}]}"#,
                ),
                ("OutputMediaTarget", "vod-media"),
                (
                    "OutputMediaConfig",
                    r#"{"StorageLocation":"out.oss-cn-shanghai.aliyuncs.com","FileName":"v.mp4"}"#,
                ),
            ]),
        )
        .await;
    assert!(to_vod["VodMediaId"].is_string());
    let job = c
        .ok("GetMediaProducingJob", query(&[("JobId", &job_id)]))
        .await;
    let job = &job["MediaProducingJob"];
    assert_eq!(job["Status"], "Success");
    assert_eq!(job["TemplateId"], template_id.as_str());
    assert_eq!(
        job["MediaURL"],
        "https://b.oss-cn-shanghai.aliyuncs.com/produced.mp4"
    );
    assert_eq!(job["UserData"], r#"{"biz":1}"#);
    assert_eq!(job["Progress"], 100);
    let listed = c
        .ok(
            "ListMediaProducingJobs",
            query(&[
                ("Status", "Success"),
                ("SortBy", "CreationTime:Asc"),
                ("MaxResults", "1"),
            ]),
        )
        .await;
    assert_eq!(listed["MaxResults"], "1");
    assert_eq!(listed["MediaProducingJobList"][0]["JobId"], job_id.as_str());
    let token = listed["NextToken"].as_str().unwrap();
    let page2 = c
        .ok(
            "ListMediaProducingJobs",
            query(&[
                ("Status", "Success"),
                ("SortBy", "CreationTime:Asc"),
                ("MaxResults", "1"),
                ("NextToken", token),
            ]),
        )
        .await;
    assert_eq!(page2["MediaProducingJobList"][0]["JobId"], to_vod["JobId"]);
    assert!(page2.get("NextToken").is_none());

    // The batch family.
    let selection = c
        .ok(
            "SubmitSceneMediaSelectionJob",
            selection_params(&["One. Two."], &["****media-1****"]),
        )
        .await;
    let sel_id = selection["JobId"].as_str().unwrap().to_string();
    let sel = c
        .ok("GetBatchMediaProducingJob", query(&[("JobId", &sel_id)]))
        .await;
    let result = sel["EditingBatchJob"]["ExtendOutput"]
        .as_str()
        .unwrap()
        .to_string();
    let timeline = c
        .ok(
            "SubmitSceneTimelineOrganizationJob",
            query(&[
                ("JobType", "Smart_Mix_Timeline_Organize"),
                ("MediaSelectResult", &result),
                (
                    "InputConfig",
                    r#"{"MediaArray":["****media-1****"],"SpeechTextArray":["One. Two."]}"#,
                ),
                (
                    "OutputConfig",
                    r#"{"MediaURL":"https://b.oss/tl_{index}.mp4","Count":2}"#,
                ),
            ]),
        )
        .await;
    let tl = c
        .ok(
            "GetBatchMediaProducingJob",
            query(&[("JobId", timeline["JobId"].as_str().unwrap())]),
        )
        .await;
    let projects: Vec<&str> = tl["EditingBatchJob"]["SubJobList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ProjectId"].as_str().unwrap())
        .collect();
    c.ok(
        "SubmitSceneBatchEditingJob",
        query(&[
            ("ProjectIds", &projects.join(",")),
            (
                "OutputConfig",
                r#"{"MediaURL":"https://b.oss/final_{index}.mp4"}"#,
            ),
        ]),
    )
    .await;
    let batch = c
        .ok("SubmitBatchMediaProducingJob", batch_params(None, 3))
        .await;
    let listed = c
        .ok(
            "ListBatchMediaProducingJobs",
            query(&[("Status", "Finished"), ("MaxResults", "2")]),
        )
        .await;
    assert_eq!(listed["EditingBatchJobList"].as_array().unwrap().len(), 2);
    // The sub-jobs of a batch job are media producing jobs too.
    let subs = c
        .ok(
            "ListMediaProducingJobs",
            query(&[("MasterJobId", batch["JobId"].as_str().unwrap())]),
        )
        .await;
    let subs = subs["MediaProducingJobList"].as_array().unwrap();
    assert_eq!(subs.len(), 3);
    assert!(subs
        .iter()
        .all(|s| s["Status"] == "Success" && s["MediaURL"].is_string()));

    c.ok("DeleteTemplate", query(&[("TemplateIds", &template_id)]))
        .await;
    c.invalid(
        "GetTemplate",
        query(&[("TemplateId", &template_id)]),
        "\"TemplateId\"",
    )
    .await;

    // The account group's callback settings, which the emulator also keeps.
    c.ok(
        "SetEventCallback",
        query(&[
            ("CallbackURL", "http://127.0.0.1:9/cb"),
            ("AuthSwitch", "on"),
            ("AuthKey", "Key12345"),
        ]),
    )
    .await;
    let settings = c.ok("GetEventCallback", WireParams::new()).await;
    assert_eq!(settings["AuthKey"], "Key12345");

    let mut expected = group_operations();
    expected.extend([
        "SetEventCallback".to_string(),
        "GetEventCallback".to_string(),
    ]);
    let missed: Vec<_> = expected.difference(&c.seen).collect();
    assert!(
        missed.is_empty(),
        "operations of the group not exercised: {missed:?}"
    );
}

#[tokio::test]
async fn no_operation_of_the_group_is_unsupported() {
    let (_emu, client) = start(Emulator::builder().timing(Timing::instant())).await;
    for op in group_operations() {
        // Without parameters each answers a result or names what is missing; never
        // UnsupportedOperation.
        if let Err(err) = call(&client, &op, WireParams::new()).await {
            assert_eq!(err.code(), Some("InvalidParameter"), "{op}: {err}");
        }
    }
}

#[tokio::test]
async fn media_producing_jobs_move_through_their_states_and_fail_on_missing_material() {
    let (emu, client) = start(Emulator::builder().timing(Timing::manual(
        Duration::from_secs(2),
        Duration::from_secs(10),
    )))
    .await;
    let submit = |timeline: &'static str| {
        let client = client.clone();
        async move {
            call(
                &client,
                "SubmitMediaProducingJob",
                query(&[
                    ("Timeline", timeline),
                    ("OutputMediaConfig", r#"{"MediaURL":"https://b.oss/o.mp4"}"#),
                ]),
            )
            .await
            .unwrap()["JobId"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let good = submit(r#"{"VideoTracks":[{"VideoTrackClips":[{"MediaId":"m-ok"}]}]}"#).await;
    let bad =
        submit(r#"{"VideoTracks":[{"VideoTrackClips":[{"MediaURL":"https://b/not-found.mp4"}]}]}"#)
            .await;
    let get = |id: String| {
        let client = client.clone();
        async move {
            call(&client, "GetMediaProducingJob", query(&[("JobId", &id)]))
                .await
                .unwrap()["MediaProducingJob"]
                .clone()
        }
    };
    assert_eq!(get(good.clone()).await["Status"], "Init");
    emu.advance(Duration::from_secs(7));
    let mid = get(good.clone()).await;
    assert_eq!(mid["Status"], "Processing");
    assert_eq!(mid["Progress"], 50);
    assert!(mid.get("CompleteTime").is_none());
    emu.advance(Duration::from_secs(10));
    let done = get(good).await;
    assert_eq!(done["Status"], "Success");
    assert!(done["Duration"].as_f64().unwrap() > 0.0);
    let failed = get(bad).await;
    assert_eq!(failed["Status"], "Failed");
    assert_eq!(failed["Code"], "InvalidMaterial.NotFound");
    assert!(failed["Message"]
        .as_str()
        .unwrap()
        .contains("not-found.mp4"));

    let err = call(
        &client,
        "SubmitMediaProducingJob",
        query(&[
            ("Timeline", "{}"),
            ("ProjectId", "p-1"),
            ("OutputMediaConfig", "{}"),
        ]),
    )
    .await
    .unwrap_err();
    assert!(
        err.message()
            .unwrap()
            .contains("exactly one of ProjectId, Timeline and TemplateId"),
        "{err}"
    );
    let listed = call(
        &client,
        "ListMediaProducingJobs",
        query(&[("Status", "Failed")]),
    )
    .await
    .unwrap();
    assert_eq!(listed["MediaProducingJobList"].as_array().unwrap().len(), 1);
    let range = call(
        &client,
        "ListMediaProducingJobs",
        query(&[
            ("StartTime", "2025-01-01T00:00:00Z"),
            ("EndTime", "2025-03-01T00:00:00Z"),
        ]),
    )
    .await
    .unwrap_err();
    assert!(range.message().unwrap().contains("\"EndTime\""), "{range}");
}

#[tokio::test]
async fn template_store_is_bounded() {
    use ice_api::emulator::Limits;
    let (emu, client) = start(Emulator::builder().limits(Limits {
        max_templates: 2,
        ..Limits::default()
    }))
    .await;
    for _ in 0..2 {
        call(&client, "AddTemplate", query(&[("Name", "t")]))
            .await
            .unwrap();
    }
    let err = call(&client, "AddTemplate", query(&[("Name", "t")]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("QuotaExceeded.Templates"));
    assert_eq!(emu.stats().templates_stored, 2);
}
