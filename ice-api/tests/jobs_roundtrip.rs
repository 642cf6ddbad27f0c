//! Every example JSON of the reference (`shared/reference/ice-jobtypes.md`, including the SDK
//! docstring examples quoted there) parses into the typed model and re-serializes to the same
//! JSON; responses keep unknown keys and parse their JSON-string fields lazily.
// These operations and their config types exist only when the spec in use has them (a crate
// regenerated from another metadata file may not).
#![cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitSceneBatchEditingJob",
    ice_op = "SubmitBatchMediaProducingJob"
))]

use std::path::{Path, PathBuf};

use ice_api::media_production::{
    BatchEditingOutputConfig, BatchJobStatus, BatchJobType, EditingConfig,
    GetBatchMediaProducingJobResponse, HighlightsInputConfig, JobExtend,
    ListBatchMediaProducingJobsResponse, MediaSelectResult, OutputConfig,
    SceneTimelineOrganization, ScriptInputConfig, SmartMixInputConfig, SubJobStatus, UserData,
};
use ice_api::{ErrorKind, Validate, ValidationErrors};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jobs")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses `json` as `T`, re-serializes it, and validates it.
fn typed<T: DeserializeOwned + Serialize + Validate>(
    json: &Value,
) -> Result<(Value, Result<(), ValidationErrors>), String> {
    let value: T = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&value).unwrap();
    Ok((back, value.validated()))
}

fn by_type(name: &str, json: &Value) -> Result<(Value, Result<(), ValidationErrors>), String> {
    match name {
        "SmartMixInputConfig" => typed::<SmartMixInputConfig>(json),
        "HighlightsInputConfig" => typed::<HighlightsInputConfig>(json),
        "ScriptInputConfig" => typed::<ScriptInputConfig>(json),
        "EditingConfig" => typed::<EditingConfig>(json),
        "OutputConfig" => typed::<OutputConfig>(json),
        "BatchEditingOutputConfig" => typed::<BatchEditingOutputConfig>(json),
        "UserData" => typed::<UserData>(json),
        "MediaSelectResult" => typed::<MediaSelectResult>(json),
        "JobExtend" => {
            let v: JobExtend = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
            Ok((serde_json::to_value(&v).unwrap(), Ok(())))
        }
        other => panic!("fixture for unknown type {other}: add it to by_type"),
    }
}

/// Fixture files `<Type>.<label>.json` directly in `dir`.
fn fixture_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            (name.split('.').next().unwrap().to_owned(), p)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn reference_examples_round_trip_and_validate() {
    let files = fixture_files(&fixtures());
    assert!(files.len() >= 15, "fixtures missing: {files:?}");
    for (ty, path) in files {
        let json = read(&path);
        let (back, valid) =
            by_type(&ty, &json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // `Value` equality is exact: 1 and 1.0 differ, so number forms are kept too.
        assert_eq!(back, json, "{} does not round-trip", path.display());
        assert!(valid.is_ok(), "{}: {}", path.display(), valid.unwrap_err());
    }
}

#[test]
fn known_bad_examples_are_rejected_by_parsing_or_validation() {
    for (ty, path) in fixture_files(&fixtures().join("bad")) {
        let json = read(&path);
        match by_type(&ty, &json) {
            Err(_) => {}
            Ok((_, valid)) => assert!(valid.is_err(), "{} was accepted", path.display()),
        }
    }
}

#[test]
fn serialization_is_compact_json_with_service_key_names() {
    let out = OutputConfig::new("http://b.oss-cn-shanghai.aliyuncs.com/x_{index}.mp4")
        .with_count(1)
        .with_width(1080)
        .with_height(1920);
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"MediaURL":"http://b.oss-cn-shanghai.aliyuncs.com/x_{index}.mp4","Count":1,"Width":1080,"Height":1920}"#
    );
}

#[test]
fn unknown_keys_survive_a_round_trip() {
    let json = serde_json::json!({
        "MediaArray": ["m"],
        "FutureKey": {"Nested": [1, 2.5, "x"]},
        "HighlightStrategy": {"TargetDuration": 30, "PlotPacingType": "Fast", "NewKnob": true}
    });
    let cfg: HighlightsInputConfig = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(cfg.extra["FutureKey"], json["FutureKey"]);
    assert_eq!(serde_json::to_value(&cfg).unwrap(), json);
}

#[test]
fn get_response_is_typed_and_json_string_fields_parse_on_demand() {
    let raw = read(&fixtures().join("responses/GetBatchMediaProducingJob.json"));
    let resp: GetBatchMediaProducingJobResponse = serde_json::from_value(raw.clone()).unwrap();
    let job = &resp.editing_batch_job;
    assert_eq!(job.job_type, Some(BatchJobType::SmartMixMediaSelect));
    assert_eq!(job.status, Some(BatchJobStatus::Finished));
    let subs = job.sub_job_list.as_ref().unwrap();
    assert_eq!(subs[0].status, Some(SubJobStatus::Success));
    assert_eq!(subs[0].duration, Some(15.2));
    assert_eq!(
        subs[1].error_code.as_deref(),
        Some("InvalidMaterial.NotFound")
    );
    // An undocumented sub-job status is kept, and unknown keys do not fail the response.
    assert_eq!(
        subs[2].status,
        Some(SubJobStatus::Unknown("Queuing".into()))
    );
    assert!(raw["EditingBatchJob"]["SubJobList"][2]
        .get("FutureField")
        .is_some());

    let extend = job.parse_extend().unwrap().unwrap();
    assert_eq!(
        extend.error_code.as_deref(),
        Some("InvalidMaterial.NotFound")
    );
    let user_data = job.parse_user_data().unwrap().unwrap();
    assert_eq!(
        user_data.notify_address.as_deref(),
        Some("https://example.com/cb")
    );
    assert_eq!(user_data.extra["OrderId"], "A-1");
    let editing = job.parse_editing_config().unwrap().unwrap();
    assert_eq!(
        editing,
        serde_json::from_str::<EditingConfig>(r#"{"MediaConfig":{"Volume":0}}"#).unwrap()
    );
    assert_eq!(job.parse_extend_input().unwrap(), None);

    // The selection result goes straight into the timeline stage.
    let selection = job.parse_extend_output().unwrap().unwrap();
    let sentence = &selection.text_match_media_output_list.as_ref().unwrap()[0]
        .text_match_media_sentence_output_list[0];
    assert_eq!(
        sentence.match_clip_list[0].media_id,
        "****9d46c886b45481030f6e****"
    );
    let next = SceneTimelineOrganization::smart_mix(
        selection.clone(),
        SmartMixInputConfig::from_media_array(["****b4549d46c88681030f6e****"]),
        OutputConfig::new("http://b.oss-cn-shanghai.aliyuncs.com/x_{index}.mp4"),
    );
    assert!(next.validated().is_ok());
    // …and it is sent exactly as it was received.
    assert_eq!(
        serde_json::to_string(&selection).unwrap(),
        raw["EditingBatchJob"]["ExtendOutput"].as_str().unwrap()
    );
}

#[test]
fn odd_echo_fields_do_not_fail_the_list_response() {
    let raw = read(&fixtures().join("responses/ListBatchMediaProducingJobs.json"));
    let resp: ListBatchMediaProducingJobsResponse = serde_json::from_value(raw).unwrap();
    let jobs = resp.editing_batch_job_list.unwrap();
    assert_eq!(jobs.len(), 3);
    assert_eq!(jobs[0].job_type, Some(BatchJobType::Script));
    assert_eq!(
        jobs[1].job_type,
        Some(BatchJobType::Unknown("Some_Future_Type".into()))
    );
    assert_eq!(
        jobs[1].job_type.as_ref().unwrap().as_str(),
        "Some_Future_Type"
    );
    assert_eq!(jobs[1].status, Some(BatchJobStatus::Failed));
    assert_eq!(
        jobs[1]
            .parse_extend()
            .unwrap()
            .unwrap()
            .error_code
            .as_deref(),
        Some("Throttling.User")
    );

    // A UserData echo that is not JSON is an error of that field only, raw text kept.
    let err = jobs[0].parse_user_data().unwrap_err();
    let ErrorKind::JsonField(e) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(e.field, "UserData");
    assert_eq!(jobs[0].user_data.as_deref(), Some("not json at all"));

    // A malformed nested value names its path inside the field.
    let err = jobs[2].parse_extend_output().unwrap_err();
    let ErrorKind::JsonField(e) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(e.field, "ExtendOutput");
    assert_eq!(
        e.path,
        "textMatchMediaOutputList[0].textMatchMediaSentenceOutputList[0].matchClipList[0].mediaId"
    );
    assert!(e.to_string().starts_with(
        "cannot parse ExtendOutput.textMatchMediaOutputList[0].textMatchMediaSentenceOutputList[0].matchClipList[0].mediaId: invalid type: integer `7`, expected a string"
    ), "{err}");
}
