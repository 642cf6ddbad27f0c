//! The batch-job waiter against the emulator: finishes under injected 503/throttling, tells
//! apart success, failed sub-jobs and failed jobs, reports progress, and times out.
#![cfg(feature = "emulator")]

mod emulator_support;

use std::time::Duration;

use emulator_support::*;
use ice_api::emulator::{Emulator, Faults, Timing};
use ice_api::runtime::waiter::{JobStatus, Progress, WaitError, WaitOptions, WaitOutcome};

fn fast() -> WaitOptions {
    WaitOptions::default()
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(80))
        .timeout(Duration::from_secs(20))
}

#[tokio::test]
async fn waiter_finishes_under_injected_503_and_throttling() {
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
        .wait_for_batch_job(&id, &fast(), |p| seen.push(p.clone()))
        .await
        .unwrap();
    let job = match outcome {
        WaitOutcome::Succeeded(job) => job,
        other => panic!("expected success, got {other:?}"),
    };
    assert_eq!(job.job_id, id);
    assert_eq!(job.counts().success, 4);
    assert!(job
        .sub_jobs
        .iter()
        .all(|s| s.media_url.as_deref().is_some_and(|u| u.ends_with(".mp4"))));
    let stats = emu.stats();
    assert!(
        stats.injected_throttles + stats.injected_unavailable > 0,
        "{stats:?}"
    );
    // Progress is reported on every successful poll, in order, ending terminal.
    assert!(!seen.is_empty());
    assert!(seen
        .windows(2)
        .all(|w| w[0].polls < w[1].polls && w[0].fraction() <= w[1].fraction()));
    assert_eq!(seen.last().unwrap().status, JobStatus::Finished);
    assert_eq!(seen.last().unwrap().sub_jobs.success, 4);
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
    match client
        .wait_for_batch_job(&id, &fast(), |_| {})
        .await
        .unwrap()
    {
        WaitOutcome::FinishedWithFailures(job) => {
            assert_eq!(job.status, JobStatus::Finished);
            assert_eq!(job.failed_sub_jobs().count(), 2);
            assert!(job.failed_sub_jobs().all(|s| s.error_code.is_some()));
        }
        other => panic!("expected FinishedWithFailures, got {other:?}"),
    }
}

#[tokio::test]
async fn failed_job_carries_the_extend_error() {
    let (_emu, client) = start(Emulator::builder().timing(Timing::instant())).await;
    let params = selection_params(&["One. Two."], &["https://b/not-found.mp4"]);
    let id = submit(&client, "SubmitSceneMediaSelectionJob", params).await;
    match client
        .wait_for_batch_job(&id, &fast(), |_| {})
        .await
        .unwrap()
    {
        WaitOutcome::Failed { job, error } => {
            assert_eq!(error.code.as_deref(), Some("InvalidMaterial.NotFound"));
            assert!(
                job.extend_output.is_none(),
                "no selection result for a failed job"
            );
        }
        other => panic!("expected Failed, got {other:?}"),
    }
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
    match client.wait_for_batch_job(&id, &opts, |_| {}).await {
        Err(WaitError::Timeout { job_id, last }) => {
            assert_eq!(job_id, id);
            assert_eq!(last.unwrap().status, JobStatus::Init);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    emu.advance(Duration::from_secs(30));
    let job = client.get_batch_job(&id).await.unwrap();
    assert_eq!(job.status, JobStatus::Processing);
    let c = job.counts();
    assert_eq!(
        (c.success, c.processing),
        (1, 2),
        "sub-jobs finish one after another"
    );
    let mut seen = Vec::new();
    let waited = client
        .wait_for_batch_job(&id, &opts, |p| seen.push(p.clone()))
        .await;
    assert!(matches!(waited, Err(WaitError::Timeout { .. })));
    let last = seen.last().unwrap();
    assert_eq!(
        (
            last.status.clone(),
            last.sub_jobs.success,
            last.sub_jobs.total
        ),
        (JobStatus::Processing, 1, 3)
    );
    assert!((last.fraction() - 1.0 / 3.0).abs() < 1e-9);
    emu.advance(Duration::from_secs(60));
    let outcome = client
        .wait_for_batch_job(&id, &fast(), |_| {})
        .await
        .unwrap();
    assert!(matches!(outcome, WaitOutcome::Succeeded(_)));
}

#[tokio::test]
async fn unknown_job_is_a_client_error_not_a_retry_loop() {
    let (_emu, client) = start(Emulator::builder()).await;
    let err = client
        .wait_for_batch_job("missing", &fast(), |_| {})
        .await
        .unwrap_err();
    match err {
        WaitError::Client(e) => assert_eq!(e.code(), Some("InvalidParameter")),
        other => panic!("{other:?}"),
    }
}
