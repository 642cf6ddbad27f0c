//! The generated waiters and the one waiter engine: the batch family against the emulator
//! (success under injected 503/throttling, failed sub-jobs, failed jobs, progress, timeouts), and
//! a second family (transcoding: a nested job id, its own status enum and sub-jobs) against a
//! scripted loopback server. The outcome is always the poll operation's own typed response.
#![cfg(feature = "emulator")]
#![cfg(all(
    ice_op = "GetBatchMediaProducingJob",
    ice_op = "SubmitBatchMediaProducingJob"
))]

mod emulator_support;
mod support;

use std::time::Duration;

use emulator_support::*;
use ice_api::emulator::{Emulator, Faults, Timing};
use ice_api::media_production::{BatchJobStatus, GetBatchMediaProducingJobRequest, SubJobStatus};
use ice_api::{JobState, Progress, WaitError, WaitOptions, WaitOutcome};

fn fast() -> WaitOptions {
    WaitOptions::default()
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(80))
        .timeout(Duration::from_secs(20))
}

#[tokio::test]
async fn batch_waiter_finishes_under_injected_503_and_throttling() {
    let (emu, client) = start(
        Emulator::builder()
            .seed(11)
            .timing(
                Timing::default().durations(Duration::from_millis(100), Duration::from_millis(400)),
            )
            .faults(
                Faults::none()
                    .throttle(0.25)
                    .unavailable(0.25)
                    .only_actions(["GetBatchMediaProducingJob"]),
            ),
    )
    .await;
    let id = submit(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(None, 4),
    )
    .await;
    let mut seen: Vec<Progress> = Vec::new();
    let outcome = client
        .wait(GetBatchMediaProducingJobRequest::new(&id))
        .options(fast())
        .on_progress(|p| seen.push(p.clone()))
        .await
        .unwrap();
    let WaitOutcome::Succeeded(done) = outcome else {
        panic!("expected success, got {outcome:?}")
    };
    let job = done.editing_batch_job;
    assert_eq!(job.job_id.as_deref(), Some(id.as_str()));
    assert_eq!(job.status, Some(BatchJobStatus::Finished));
    let subs = job.sub_job_list.unwrap();
    assert_eq!(subs.len(), 4);
    assert!(subs.iter().all(|s| s.status == Some(SubJobStatus::Success)
        && s.media_url.as_deref().is_some_and(|u| u.ends_with(".mp4"))));
    let stats = emu.stats();
    assert!(
        stats.injected_throttles + stats.injected_unavailable > 0,
        "{stats:?}"
    );
    // Progress is reported on every successful poll, in order, ending terminal.
    assert!(seen
        .windows(2)
        .all(|w| w[0].polls < w[1].polls && w[0].fraction() <= w[1].fraction()));
    let last = seen.last().unwrap();
    assert_eq!(
        (last.status.as_str(), last.state),
        ("Finished", JobState::Succeeded)
    );
    assert_eq!((last.sub_jobs.succeeded, last.sub_jobs.total), (4, 4));
    assert_eq!(last.job_id, id);
}

#[tokio::test]
async fn failed_sub_jobs_are_reported_distinctly() {
    let (_emu, client) =
        start(Emulator::builder().timing(Timing::instant().failure_rates(0.0, 1.0))).await;
    let id = submit(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(None, 2),
    )
    .await;
    let outcome = client
        .wait(GetBatchMediaProducingJobRequest::new(&id))
        .options(fast())
        .await
        .unwrap();
    let WaitOutcome::FinishedWithFailures { response, error } = &outcome else {
        panic!("expected FinishedWithFailures, got {outcome:?}")
    };
    assert_eq!(
        response.editing_batch_job.status,
        Some(BatchJobStatus::Finished)
    );
    assert_eq!(error.failed_sub_jobs, Some((2, 2)));
    let subs = response.editing_batch_job.sub_job_list.as_ref().unwrap();
    assert!(subs
        .iter()
        .all(|s| s.status == Some(SubJobStatus::Failed) && s.error_code.is_some()));
    // Demanding success turns it into the one error type, with the counts in its message.
    let err = outcome.require_success().unwrap_err();
    assert!(err.to_string().contains("2 of 2 sub-jobs failed"), "{err}");
    assert!(matches!(err.wait(), Some(WaitError::JobFailed(_))));
}

#[tokio::test]
async fn failed_job_carries_the_extend_error() {
    let (_emu, client) = start(Emulator::builder().timing(Timing::instant())).await;
    let params = selection_params(&["One. Two."], &["https://b/not-found.mp4"]);
    let id = submit(&client, "SubmitSceneMediaSelectionJob", params).await;
    let outcome = client
        .wait(GetBatchMediaProducingJobRequest::new(&id))
        .options(fast())
        .await
        .unwrap();
    let WaitOutcome::Failed { response, error } = &outcome else {
        panic!("expected Failed, got {outcome:?}")
    };
    assert_eq!(
        response.editing_batch_job.status,
        Some(BatchJobStatus::Failed)
    );
    assert_eq!(error.code.as_deref(), Some("InvalidMaterial.NotFound"));
    assert_eq!(error.status, "Failed");
    assert_eq!(error.job_id, id);
    let err = outcome.require_success().unwrap_err();
    assert!(
        err.to_string().contains("InvalidMaterial.NotFound"),
        "{err}"
    );
}

#[tokio::test]
async fn manual_clock_drives_status_and_the_waiter_times_out() {
    let (emu, client) = start(Emulator::builder().timing(Timing::manual(
        Duration::from_secs(10),
        Duration::from_secs(60),
    )))
    .await;
    let id = submit(
        &client,
        "SubmitBatchMediaProducingJob",
        batch_params(None, 3),
    )
    .await;
    let opts = fast().timeout(Duration::from_millis(150));
    let err = client
        .wait(GetBatchMediaProducingJobRequest::new(&id))
        .options(opts.clone())
        .await
        .unwrap_err();
    match err.wait() {
        Some(WaitError::TimedOut {
            job_id,
            status,
            polls,
            ..
        }) => {
            assert_eq!((job_id.as_str(), status.as_str()), (id.as_str(), "Init"));
            assert!(*polls >= 1);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(err.action(), "GetBatchMediaProducingJob");

    emu.advance(Duration::from_secs(30));
    let job = client
        .send(&GetBatchMediaProducingJobRequest::new(&id))
        .await
        .unwrap()
        .editing_batch_job;
    assert_eq!(job.status, Some(BatchJobStatus::Processing));
    let statuses: Vec<_> = job
        .sub_job_list
        .unwrap()
        .into_iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == Some(SubJobStatus::Success))
            .count(),
        1,
        "sub-jobs finish one after another: {statuses:?}"
    );
    let mut seen = Vec::new();
    let waited = client
        .wait(GetBatchMediaProducingJobRequest::new(&id))
        .options(opts)
        .on_progress(|p| seen.push(p.clone()))
        .await;
    assert!(matches!(
        waited.unwrap_err().wait(),
        Some(WaitError::TimedOut { .. })
    ));
    let last = seen.last().unwrap();
    assert_eq!(
        (
            last.status.as_str(),
            last.sub_jobs.succeeded,
            last.sub_jobs.total
        ),
        ("Processing", 1, 3)
    );
    assert!((last.fraction() - 1.0 / 3.0).abs() < 1e-9);

    emu.advance(Duration::from_secs(60));
    let outcome = client
        .wait(GetBatchMediaProducingJobRequest::new(&id))
        .options(fast())
        .await
        .unwrap();
    assert!(matches!(outcome, WaitOutcome::Succeeded(_)));
}

#[tokio::test]
async fn unknown_job_is_a_client_error_not_a_retry_loop() {
    let (_emu, client) = start(Emulator::builder()).await;
    let err = client
        .wait(GetBatchMediaProducingJobRequest::new("missing"))
        .options(fast())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter"));
}

/// Transcoding: the job id sits inside the submit response (`TranscodeParentJob.ParentJobId`),
/// the poll parameter is `ParentJobId`, statuses are `TranscodeJobStatus`, and sub-jobs count.
#[cfg(all(
    feature = "media-processing",
    ice_op = "SubmitTranscodeJob",
    ice_op = "GetTranscodeJob"
))]
#[tokio::test]
async fn transcode_waiter_follows_the_nested_id_and_counts_sub_jobs() {
    use ice_api::media_processing::{SubmitTranscodeJobResponse, TranscodeJobStatus};
    use support::{Reply, TestServer};

    let submit: SubmitTranscodeJobResponse = serde_json::from_str(
        r#"{"RequestId":"r0","TranscodeParentJob":{"ParentJobId":"p-42","Status":"Init"}}"#,
    )
    .unwrap();
    let poll = submit.poll_request();
    assert_eq!(poll.parent_job_id, "p-42");
    let job = |status: &str, subs: &str| {
        Reply::ok(
            "r1",
            &format!(
                r#""TranscodeParentJob":{{"ParentJobId":"p-42","Status":"{status}","TranscodeJobList":[{subs}]}}"#
            ),
        )
    };
    let server = TestServer::start(vec![
        job(
            "Processing",
            r#"{"Status":"Success"},{"Status":"Processing"}"#,
        ),
        job("Success", r#"{"Status":"Success"},{"Status":"Fail"}"#),
    ])
    .await;
    let client = support::client(&server);
    let mut fractions = Vec::new();
    let outcome = client
        .wait(poll)
        .options(fast())
        .on_progress(|p| fractions.push(p.fraction()))
        .await
        .unwrap();
    let WaitOutcome::FinishedWithFailures { response, error } = outcome else {
        panic!("expected FinishedWithFailures, got {outcome:?}")
    };
    assert_eq!(
        response.transcode_parent_job.status,
        Some(TranscodeJobStatus::Success)
    );
    assert_eq!(error.failed_sub_jobs, Some((1, 2)));
    assert_eq!(fractions, [0.5, 1.0]);
    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    assert!(sent
        .iter()
        .all(|r| r.param("ParentJobId").as_deref() == Some("p-42") && r.verified()));
}

/// A success body without the job id is a decode error naming the field, never a poll of job "".
#[tokio::test]
async fn a_submit_answer_without_a_job_id_is_a_decode_error() {
    use ice_api::media_production::{SmartMixInputConfig, SubmitBatchMediaProducingJobRequest};
    use support::{Reply, TestServer};

    for body in [r#"{"RequestId":"r1"}"#, r#"{"RequestId":"r1","JobId":""}"#] {
        let server = TestServer::start(vec![Reply::json(200, body)]).await;
        let err = support::client(&server)
            .send(&SubmitBatchMediaProducingJobRequest::new(
                SmartMixInputConfig::from_media_array(["m"]),
            ))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(200));
        assert!(err.to_string().contains("JobId"), "{err}");
        assert_eq!(err.request_id(), Some("r1"));
    }
}
