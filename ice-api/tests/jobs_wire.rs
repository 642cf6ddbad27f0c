//! Exact wire parameters of the typed job operations: `JobType` derived from the config types,
//! configs as compact JSON strings, each parameter in the location the official SDK uses.
// These operations and their config types exist only when the spec in use has them (a crate
// regenerated from another metadata file may not).
#![cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitSceneBatchEditingJob",
    ice_op = "SubmitBatchMediaProducingJob"
))]

use ice_api::media_production::{
    BatchEditingOutputConfig, BatchJobStatus, BatchJobType, EditingConfig,
    GetBatchMediaProducingJobRequest, HighlightStrategy, HighlightsInputConfig,
    ListBatchMediaProducingJobsRequest, MediaConfig, MediaGroup, MediaSelectResult, OutputConfig,
    SceneMediaSelection, SceneTimelineOrganization, ScriptInputConfig, SmartMixInputConfig,
    SpeechConfig, SubmitBatchMediaProducingJobRequest, SubmitSceneBatchEditingJobRequest,
    SubmitSceneMediaSelectionJobRequest, SubmitSceneTimelineOrganizationJobRequest, UserData,
};
use ice_api::{Auth, EncodeWire, HttpMethod, Operation};

// Submitting is not idempotent (retried after sending only with a ClientToken); reading is.
const _: () = assert!(!SubmitSceneMediaSelectionJobRequest::IDEMPOTENT);
const _: () = assert!(!SubmitBatchMediaProducingJobRequest::IDEMPOTENT);
const _: () = assert!(GetBatchMediaProducingJobRequest::IDEMPOTENT);
const _: () = assert!(ListBatchMediaProducingJobsRequest::IDEMPOTENT);

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn smart_mix_media_select_wire() {
    let req = SubmitSceneMediaSelectionJobRequest::new(
        SceneMediaSelection::smart_mix(
            SmartMixInputConfig::from_media_array([
                "m1",
                "https://b.oss-cn-shanghai.aliyuncs.com/a.mp4",
            ])
            .with_speech_text_array(["第一句。", "second"]),
            OutputConfig::new("http://b.oss-cn-shanghai.aliyuncs.com/x_{index}.mp4")
                .with_count(2)
                .with_width(1080)
                .with_height(1920),
        )
        .with_editing_config(
            EditingConfig::new()
                .with_media_config(MediaConfig::new().with_volume(0))
                .with_speech_config(SpeechConfig::new().with_volume(1)),
        ),
    )
    .with_user_data(UserData::new().with_notify_address("ice-callback-demo"));
    let wire = req.to_wire().unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[
            ("JobType", "Smart_Mix_Media_Select"),
            (
                "OutputConfig",
                r#"{"MediaURL":"http://b.oss-cn-shanghai.aliyuncs.com/x_{index}.mp4","Count":2,"Width":1080,"Height":1920}"#
            ),
            ("UserData", r#"{"NotifyAddress":"ice-callback-demo"}"#),
        ])
    );
    assert_eq!(
        wire.form(),
        pairs(&[
            (
                "InputConfig",
                r#"{"MediaArray":["m1","https://b.oss-cn-shanghai.aliyuncs.com/a.mp4"],"SpeechTextArray":["第一句。","second"]}"#
            ),
            (
                "EditingConfig",
                r#"{"MediaConfig":{"Volume":0},"SpeechConfig":{"Volume":1}}"#
            ),
        ])
    );
    assert_eq!(
        SubmitSceneMediaSelectionJobRequest::ACTION,
        "SubmitSceneMediaSelectionJob"
    );
    assert_eq!(SubmitSceneMediaSelectionJobRequest::VERSION, "2020-11-09");
    assert_eq!(
        SubmitSceneMediaSelectionJobRequest::METHOD,
        HttpMethod::Post
    );
    assert_eq!(SubmitSceneMediaSelectionJobRequest::AUTH, Auth::AccessKey);
    assert_eq!(req.client_token(), None);
}

#[test]
fn highlights_media_select_wire_without_optional_params() {
    let req = SubmitSceneMediaSelectionJobRequest::new(SceneMediaSelection::highlights(
        HighlightsInputConfig::new(["v1", "v2"])
            .with_highlight_strategy(HighlightStrategy::new().with_target_duration(60)),
        OutputConfig::new("http://b/x.mp4"),
    ));
    let wire = req.to_wire().unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[
            ("JobType", "Screen_Media_Highlights_Media_Select"),
            ("OutputConfig", r#"{"MediaURL":"http://b/x.mp4"}"#),
        ])
    );
    assert_eq!(
        wire.form(),
        pairs(&[(
            "InputConfig",
            r#"{"MediaArray":["v1","v2"],"HighlightStrategy":{"TargetDuration":60}}"#
        )])
    );
}

#[test]
fn timeline_organization_sends_the_selection_result_in_the_query() {
    let selection: MediaSelectResult = serde_json::from_str(
        r#"{"textMatchMediaOutputList":[{"textMatchMediaSentenceOutputList":[{"duration":3.366667,"matchClipList":[{"mediaId":"m1","startTime":8.04,"endTime":11.16}],"text":"t"}]}]}"#,
    )
    .unwrap();
    let req = SubmitSceneTimelineOrganizationJobRequest::new(SceneTimelineOrganization::smart_mix(
        selection,
        SmartMixInputConfig::from_media_array(["m1"]),
        OutputConfig::new("http://b/x_{index}.mp4"),
    ));
    let wire = req.to_wire().unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[
            ("JobType", "Smart_Mix_Timeline_Organize"),
            (
                "MediaSelectResult",
                r#"{"textMatchMediaOutputList":[{"textMatchMediaSentenceOutputList":[{"duration":3.366667,"matchClipList":[{"mediaId":"m1","startTime":8.04,"endTime":11.16}],"text":"t"}]}]}"#
            ),
            ("OutputConfig", r#"{"MediaURL":"http://b/x_{index}.mp4"}"#),
        ])
    );
    assert_eq!(
        wire.form(),
        pairs(&[("InputConfig", r#"{"MediaArray":["m1"]}"#)])
    );
}

#[test]
fn scene_batch_editing_wire() {
    let req = SubmitSceneBatchEditingJobRequest::new(
        BatchEditingOutputConfig::new("http://b/x_{index}.mp4").with_width(1080),
        ["p1", "p2"],
    );
    let wire = req.to_wire().unwrap();
    assert_eq!(
        wire.query(),
        // Spec order: OutputConfig, ProjectIds.
        pairs(&[
            (
                "OutputConfig",
                r#"{"MediaURL":"http://b/x_{index}.mp4","Width":1080}"#
            ),
            ("ProjectIds", "p1,p2"),
        ])
    );
    assert!(wire.form().is_empty());
}

#[test]
fn batch_media_producing_script_mode_with_template_and_client_token() {
    let input = ScriptInputConfig::new([MediaGroup::new("opening", ["m1", "m2"])])
        .with_speech_text_array(["hello"]);
    let req = SubmitBatchMediaProducingJobRequest::new(input)
        .with_template_config(["tpl1", "tpl2"])
        .with_client_token("token-1")
        .with_user_data(UserData::new().with_extra("OrderId", "A-1"));
    let wire = req.to_wire().unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[
            ("ClientToken", "token-1"),
            ("TemplateConfig", r#"["tpl1","tpl2"]"#),
            ("UserData", r#"{"OrderId":"A-1"}"#),
        ])
    );
    assert_eq!(
        wire.form(),
        pairs(&[(
            "InputConfig",
            r#"{"MediaGroupArray":[{"GroupName":"opening","MediaArray":["m1","m2"]}],"SpeechTextArray":["hello"]}"#
        )])
    );
    assert_eq!(req.client_token(), Some("token-1"));
}

#[test]
fn batch_media_producing_image_text_mode_serializes_untagged() {
    let req =
        SubmitBatchMediaProducingJobRequest::new(SmartMixInputConfig::from_media_array(["m1"]))
            .with_output_config(OutputConfig::new("http://b/x_{index}.mp4").with_count(3));
    let wire = req.to_wire().unwrap();
    assert_eq!(
        wire.get("InputConfig"),
        Some((ice_api::Location::Form, r#"{"MediaArray":["m1"]}"#))
    );
    assert_eq!(
        wire.get("OutputConfig"),
        Some((
            ice_api::Location::Query,
            r#"{"MediaURL":"http://b/x_{index}.mp4","Count":3}"#
        ))
    );
}

#[test]
fn get_and_list_requests() {
    let get = GetBatchMediaProducingJobRequest::new("job-1");
    assert_eq!(get.to_wire().unwrap().query(), pairs(&[("JobId", "job-1")]));

    let list = ListBatchMediaProducingJobsRequest::new()
        .with_job_type(BatchJobType::SmartMix)
        .with_status(BatchJobStatus::Unknown("Paused".into()))
        .with_sort_by("asc")
        .with_max_results(100);
    assert_eq!(
        list.to_wire().unwrap().query(),
        pairs(&[
            ("JobType", "Smart_Mix"),
            ("MaxResults", "100"),
            ("SortBy", "asc"),
            ("Status", "Paused"),
        ])
    );
    assert_eq!(
        ListBatchMediaProducingJobsRequest::new()
            .to_wire()
            .unwrap()
            .query(),
        &[]
    );
}
