//! The seed flow end to end over loopback through the real client and the typed job configs:
//! media selection → wait → typed selection result → timeline organisation → wait → batch
//! editing of the created projects → rendered media.
#![cfg(feature = "emulator")]
#![cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitSceneBatchEditingJob"
))]

mod emulator_support;

use std::time::Duration;

use emulator_support::*;
use ice_api::emulator::{Emulator, Timing};
use ice_api::media_production::{
    BatchEditingOutputConfig, BatchJobType, GetBatchMediaProducingJobRequest, OutputConfig,
    SceneMediaSelection, SceneTimelineOrganization, SmartMixInputConfig,
    SubmitSceneBatchEditingJobRequest, SubmitSceneMediaSelectionJobRequest,
    SubmitSceneTimelineOrganizationJobRequest,
};
use ice_api::{WaitOptions, WaitOutcome};

const MEDIA: [&str; 2] = [
    "****b4549d46c88681030f6e****",
    "****c88681030f6eb4549d46****",
];
const TEXTS: [&str; 2] = [
    "Summer is here. Pack your bags!",
    "第一句文案。第二句文案。第三句！",
];

fn input() -> SmartMixInputConfig {
    SmartMixInputConfig::from_media_array(MEDIA).with_speech_text_array(TEXTS)
}

fn opts() -> WaitOptions {
    WaitOptions::default()
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(100))
        .timeout(Duration::from_secs(20))
}

#[tokio::test]
async fn seed_flow_selection_timeline_batch_editing() {
    let (emu, client) = start(Emulator::builder().seed(7).timing(
        Timing::default().durations(Duration::from_millis(50), Duration::from_millis(150)),
    ))
    .await;

    // 1. Media selection.
    let selection = SceneMediaSelection::smart_mix(
        input(),
        OutputConfig::new("https://bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4")
            .with_count(1),
    );
    let submitted = client
        .send(&SubmitSceneMediaSelectionJobRequest::new(selection))
        .await
        .unwrap();
    let selection_id = submitted.job_id.clone();
    assert_eq!(selection_id.len(), 32);

    let mut polls = 0;
    let outcome = client
        .wait(submitted.poll_request())
        .options(opts())
        .on_progress(|_| polls += 1)
        .await
        .unwrap();
    assert!(matches!(outcome, WaitOutcome::Succeeded(_)), "{outcome:?}");
    assert!(polls >= 1, "the progress hook saw every poll");

    // 2. The typed selection result, from the waiter's own typed response.
    let job = outcome.into_response().editing_batch_job;
    assert_eq!(job.job_id.as_deref(), Some(selection_id.as_str()));
    let result = job.parse_extend_output().unwrap().expect("ExtendOutput");
    let texts = result
        .text_match_media_output_list
        .clone()
        .expect("textMatchMediaOutputList");
    assert_eq!(
        texts.len(),
        TEXTS.len(),
        "one entry per SpeechTextArray item"
    );
    let raw: serde_json::Value =
        serde_json::from_str(job.extend_output.as_deref().unwrap()).unwrap();
    let sentences = |i: usize| {
        raw["textMatchMediaOutputList"][i]["textMatchMediaSentenceOutputList"]
            .as_array()
            .unwrap()
            .clone()
    };
    assert_eq!(sentences(0).len(), 2);
    assert_eq!(sentences(1).len(), 3);
    assert_eq!(sentences(1)[2]["text"], "第三句！");
    for s in sentences(0).iter().chain(sentences(1).iter()) {
        for clip in s["matchClipList"].as_array().unwrap() {
            assert!(
                MEDIA.contains(&clip["mediaId"].as_str().unwrap()),
                "clips come from MediaArray"
            );
        }
    }

    // 3. Timeline organisation with the selection result.
    let timeline = SceneTimelineOrganization::smart_mix(
        result,
        input(),
        OutputConfig::new("https://bucket.oss-cn-shanghai.aliyuncs.com/tl_{index}.mp4")
            .with_count(2),
    );
    let tl = client
        .send(&SubmitSceneTimelineOrganizationJobRequest::new(timeline))
        .await
        .unwrap();
    assert_ne!(tl.job_id, selection_id);
    let done = client
        .wait(tl.poll_request())
        .options(opts())
        .await
        .unwrap()
        .require_success()
        .unwrap()
        .editing_batch_job;
    assert_eq!(done.job_type, Some(BatchJobType::SmartMixTimelineOrganize));
    let projects: Vec<String> = done
        .sub_job_list
        .iter()
        .flatten()
        .filter_map(|s| s.project_id.clone())
        .collect();
    assert_eq!(projects.len(), 2);
    // ExtendInput echoes the selection result the job was given.
    assert_eq!(done.parse_extend_input().unwrap(), Some(raw));

    // 4. Batch editing renders one video per project.
    let render = SubmitSceneBatchEditingJobRequest::new(
        BatchEditingOutputConfig::new(
            "https://bucket.oss-cn-shanghai.aliyuncs.com/final_{index}.mp4",
        ),
        projects.clone(),
    );
    let rendered = client.send(&render).await.unwrap();
    let rendered = client
        .wait(rendered.poll_request())
        .options(opts())
        .await
        .unwrap()
        .require_success()
        .unwrap();
    let urls: Vec<_> = rendered
        .editing_batch_job
        .sub_job_list
        .iter()
        .flatten()
        .filter_map(|s| s.media_url.clone())
        .collect();
    assert_eq!(
        urls,
        vec![
            "https://bucket.oss-cn-shanghai.aliyuncs.com/final_1.mp4",
            "https://bucket.oss-cn-shanghai.aliyuncs.com/final_2.mp4"
        ]
    );
    assert_eq!(emu.stats().jobs_created, 3);
}

#[tokio::test]
async fn same_seed_same_ids_and_selection() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let (_emu, client) = start(Emulator::builder().seed(99).timing(Timing::instant())).await;
        let job =
            SceneMediaSelection::smart_mix(input(), OutputConfig::new("https://b/o_{index}.mp4"));
        let id = client
            .send(&SubmitSceneMediaSelectionJobRequest::new(job))
            .await
            .unwrap()
            .job_id;
        let got = client
            .send(&GetBatchMediaProducingJobRequest::new(id.clone()))
            .await
            .unwrap();
        runs.push((id, got.editing_batch_job.extend_output));
    }
    assert_eq!(runs[0], runs[1]);
}
