//! Client-side validation of the typed job configs: every violation is reported, each with its
//! wire path and a message saying what was found and what was expected.
// These operations and their config types exist only when the spec in use has them (a crate
// regenerated from another metadata file may not).
#![cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitSceneBatchEditingJob",
    ice_op = "SubmitBatchMediaProducingJob"
))]

use ice_api::media_production::{
    BatchEditingOutputConfig, EditingConfig, GetBatchMediaProducingJobRequest,
    HighlightsInputConfig, LibSearchCondition, ListBatchMediaProducingJobsRequest, MediaConfig,
    MediaGroup, MediaSearchInput, OutputConfig, SceneMediaSelection, ScriptInputConfig,
    SmartMixInputConfig, Sticker, SubHeading, SubmitBatchMediaProducingJobRequest,
    SubmitSceneBatchEditingJobRequest, SubmitSceneMediaSelectionJobRequest, UserData,
};
use ice_api::Validate;

fn messages<T: Validate>(value: &T) -> Vec<String> {
    match value.validated() {
        Ok(()) => Vec::new(),
        Err(e) => e.violations().iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn all_violations_of_a_request_are_reported_with_wire_paths() {
    let mut speech: Vec<String> = vec!["ok".into(); 4];
    speech[3] = "字".repeat(1203);
    let req = SubmitSceneMediaSelectionJobRequest::new(
        SceneMediaSelection::smart_mix(
            SmartMixInputConfig::from_media_array(["m1"])
                .with_speech_text_array(speech)
                .with_title_array(["t".repeat(51)])
                .with_sub_heading_array([SubHeading::new(6, ["x"])]),
            OutputConfig::new("http://b/x.mp4").with_count(3),
        )
        .with_editing_config(
            EditingConfig::new().with_media_config(MediaConfig::new().with_volume(10.5)),
        ),
    )
    .with_user_data(UserData::new().with_notify_address("ftp://x"));
    assert_eq!(
        messages(&req),
        [
            "InputConfig.TitleArray[0]: 51 characters, at most 50",
            "InputConfig.SubHeadingArray[0].Level: 6, expected from 1 to 5",
            "InputConfig.SpeechTextArray[3]: 1203 characters, at most 1000",
            "EditingConfig.MediaConfig.Volume: 10.5, expected from 0 to 10",
            "OutputConfig.MediaURL: no {index} placeholder although Count is 3; every output would overwrite the same file",
            "UserData.NotifyAddress: scheme \"ftp\", expected an http(s) URL with a host or an MNS queue name starting with ice-callback",
        ]
    );
}

#[test]
fn array_sizes_are_checked() {
    let cfg = HighlightsInputConfig::new((0..31).map(|i| format!("v{i}"))).with_opening_array(
        vec![ice_api::media_production::Media::from_media_id("m"); 21],
    );
    assert_eq!(
        messages(&cfg),
        [
            "MediaArray: 31 items, at most 30",
            "OpeningArray: 21 items, at most 20"
        ]
    );
    assert_eq!(
        messages(&HighlightsInputConfig::new(Vec::<String>::new())),
        ["MediaArray: 0 items, at least 1"]
    );
}

#[test]
fn image_text_sources_are_mutually_exclusive_including_extra_keys() {
    let search = MediaSearchInput::new(LibSearchCondition::new(["ims-default-search-lib"], "sea"));
    let both =
        SmartMixInputConfig::from_media_array(["m1"]).with_media_search_input(search.clone());
    assert_eq!(
        messages(&both),
        ["MediaArray and MediaSearchInput are set, at most 1 of MediaArray, MediaSearchInput allowed: \
          image-text matching takes its materials either from MediaArray or from MediaSearchInput"]
    );
    // A typed key cannot come in through the escape hatch (its checks would not apply), and the
    // conflict it would cause is still found.
    let via_extra = SmartMixInputConfig::from_media_search(search)
        .with_extra("MediaArray", serde_json::json!(["m1"]));
    assert_eq!(
        messages(&via_extra),
        [
            "MediaArray: given as an extra key although the model has a typed field for it; use the typed field (its checks apply)",
            "MediaArray and MediaSearchInput are set, at most 1 of MediaArray, MediaSearchInput allowed: \
             image-text matching takes its materials either from MediaArray or from MediaSearchInput",
        ]
    );
    let mut none = SmartMixInputConfig::from_media_array(["m1"]);
    none.media_array = None;
    assert_eq!(
        messages(&none),
        [
            "none of MediaArray, MediaSearchInput is set: image-text matching takes its materials \
          either from MediaArray or from MediaSearchInput"
        ]
    );
}

#[test]
fn extra_keys_must_not_duplicate_typed_fields() {
    let out = OutputConfig::new("http://b/x_{index}.mp4")
        .with_count(2)
        .with_extra("Count", 3)
        .with_extra("MediaURL", "http://b/y.mp4");
    assert_eq!(
        messages(&out),
        [
            "MediaURL: set both as a typed field and as an extra key; keep one",
            "Count: set both as a typed field and as an extra key; keep one",
        ]
    );
}

#[test]
fn scene_batch_editing_output_rejects_count_from_extra() {
    let out = BatchEditingOutputConfig::new("http://b/x_{index}.mp4")
        .with_extra("Count", 2)
        .with_extra("GeneratePreviewOnly", true);
    let req = SubmitSceneBatchEditingJobRequest::new(out, ["p1", "p,2", ""]);
    assert_eq!(
        messages(&req),
        [
            "OutputConfig: Count and GeneratePreviewOnly not allowed: SubmitSceneBatchEditingJob \
             does not support Count or GeneratePreviewOnly",
            "ProjectIds[2]: empty, expected a value",
            "ProjectIds[1]: \"p,2\" contains a comma, which would split it in two",
        ]
    );
}

#[test]
fn index_placeholder_is_needed_only_for_several_outputs() {
    assert!(OutputConfig::new("http://b/x.mp4")
        .with_count(1)
        .validated()
        .is_ok());
    assert_eq!(
        messages(&OutputConfig::new("http://b/x.mp4").with_count(2)),
        ["MediaURL: no {index} placeholder although Count is 2; every output would overwrite the same file"]
    );
    // `Count` cannot slip past its checks as an extra key, whatever its JSON form.
    for count in [
        serde_json::json!("3"),
        serde_json::json!(3.0),
        serde_json::json!(i64::MAX),
    ] {
        assert_eq!(
            messages(&OutputConfig::new("http://b/x.mp4").with_extra("Count", count.clone())),
            ["Count: given as an extra key although the model has a typed field for it; use the typed field (its checks apply)"],
            "{count}"
        );
    }
}

#[test]
fn user_data_size_and_notify_address_forms() {
    for ok in [
        "http://a.example/cb",
        "https://a.example",
        "HTTPS://A.EXAMPLE/cb",
        "ice-callback-demo",
        "ice-callback",
    ] {
        assert!(
            UserData::new().with_notify_address(ok).validated().is_ok(),
            "{ok}"
        );
    }
    for bad in [
        "https://",
        "mns-queue",
        "ice-callback demo",
        "http:// a",
        "http://@/",
    ] {
        assert_eq!(
            messages(&UserData::new().with_notify_address(bad)).len(),
            1,
            "{bad}"
        );
    }
    // 512 bytes of compact JSON at most: {"K":"…"} is 8 bytes plus the value (é is 2 bytes).
    assert!(UserData::new()
        .with_extra("K", "x".repeat(504))
        .validated()
        .is_ok());
    assert_eq!(
        messages(&UserData::new().with_extra("K", "x".repeat(505))),
        ["513 bytes as JSON, at most 512"]
    );
    let req =
        SubmitSceneBatchEditingJobRequest::new(BatchEditingOutputConfig::new("http://b/x"), ["p"])
            .with_user_data(UserData::new().with_extra("K", "é".repeat(300)));
    assert_eq!(messages(&req), ["UserData: 608 bytes as JSON, at most 512"]);
}

#[test]
fn volumes_stickers_and_numbers_are_range_checked() {
    let cfg = MediaConfig::new().with_volume("loud");
    assert_eq!(
        messages(&cfg),
        ["Volume: \"loud\", expected a decimal number"]
    );
    assert!(MediaConfig::new().with_volume("2.5").validated().is_ok());
    assert_eq!(
        messages(&MediaConfig::new().with_volume("-1")),
        ["Volume: -1, expected from 0 to 10"]
    );
    let sticker = Sticker::from_media_id("s")
        .with_opacity(1.5)
        .with_dync_frames(101);
    assert_eq!(
        messages(&sticker),
        [
            "DyncFrames: 101, expected from 0 to 100",
            "Opacity: 1.5, expected from 0 to 1"
        ]
    );
    let mut no_source =
        Sticker::from_media_url("https://b.oss-cn-shanghai.aliyuncs.com/s.png").with_x(f64::NAN);
    no_source.media_url = None;
    assert_eq!(
        messages(&no_source),
        [
            "X: NaN, expected a finite number",
            "none of MediaId, MediaURL is set: a media asset ID or an OSS URL is required",
        ]
    );
}

#[test]
fn grouped_and_global_voice_over_do_not_mix() {
    let cfg = ScriptInputConfig::new([
        MediaGroup::new("a", ["m1"]),
        MediaGroup::new("b", ["m2"]).with_speech_text_array(["group script"]),
    ])
    .with_speech_text_array(["global script"]);
    assert_eq!(
        messages(&cfg),
        [
            "SpeechTextArray: global voice-over cannot be combined with grouped voice-over \
          (MediaGroupArray[1].SpeechTextArray)"
        ]
    );
    let req = SubmitBatchMediaProducingJobRequest::new(
        cfg.with_extra("MediaArray", serde_json::json!(["x"])),
    );
    assert_eq!(
        messages(&req),
        [
            "InputConfig: MediaGroupArray and MediaArray are set, at most 1 of MediaGroupArray, \
             MediaArray, MediaSearchInput allowed: MediaGroupArray selects script-to-video; \
             MediaArray / MediaSearchInput would be ignored (use SmartMixInputConfig)",
            "InputConfig.SpeechTextArray: global voice-over cannot be combined with grouped \
             voice-over (MediaGroupArray[1].SpeechTextArray)",
        ]
    );
}

#[test]
fn list_and_get_parameters() {
    assert_eq!(
        messages(
            &ListBatchMediaProducingJobsRequest::new()
                .with_max_results(0)
                .with_sort_by("newest")
        ),
        [
            "MaxResults: 0, expected from 1 to 100",
            "SortBy: \"newest\", expected one of desc, asc",
        ]
    );
    assert_eq!(
        messages(&ListBatchMediaProducingJobsRequest::new().with_max_results(101)),
        ["MaxResults: 101, expected from 1 to 100"]
    );
    assert!(ListBatchMediaProducingJobsRequest::new()
        .with_max_results(100)
        .validated()
        .is_ok());
    assert_eq!(
        messages(&GetBatchMediaProducingJobRequest::new("")),
        ["JobId: empty, expected a value"]
    );
    let token =
        SubmitBatchMediaProducingJobRequest::new(SmartMixInputConfig::from_media_array(["m"]))
            .with_client_token("t".repeat(65));
    assert_eq!(messages(&token), ["ClientToken: 65 characters, at most 64"]);
}

#[test]
fn runaway_urls_and_ids_fail_locally_with_their_path() {
    // 10 MB in a media URL or a music ID used to be accepted and sent; every free-text, name and
    // URL field now has a length limit (types.yaml), checked before anything travels.
    let huge = format!(
        "https://b.oss-cn-shanghai.aliyuncs.com/{}",
        "a".repeat(10 << 20)
    );
    let req = SubmitSceneMediaSelectionJobRequest::new(SceneMediaSelection::smart_mix(
        SmartMixInputConfig::from_media_array(["m1".to_owned(), huge.clone()])
            .with_background_music(huge.clone())
            .with_sticker_array([Sticker::from_media_url(huge.clone())]),
        OutputConfig::new(huge.clone()),
    ));
    let got = messages(&req);
    let paths: Vec<&str> = got
        .iter()
        .map(|m| m.split_once(": ").map_or(m.as_str(), |(p, _)| p))
        .collect();
    assert_eq!(
        paths,
        [
            "InputConfig.MediaArray[1]",
            "InputConfig.StickerArray[0].MediaURL",
            "InputConfig.BackgroundMusic",
            "OutputConfig.MediaURL",
        ],
        "{got:#?}"
    );
    for m in &got {
        assert!(m.contains("characters, at most"), "{m}");
        assert!(m.len() < 200, "the message does not echo the value: {m}");
    }
}
