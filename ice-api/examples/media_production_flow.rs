//! The whole media-production flow against the embedded emulator, with one error type and the
//! prelude only:
//!
//! ```text
//! cargo run -p ice-api --features emulator --example media_production_flow
//! ```
//!
//! 1. media selection with both job types (image-text matching, highlight mashup);
//! 2. waiting with a progress hook;
//! 3. the typed selection result fed into timeline organization;
//! 4. a one-click batch job (script-to-video);
//! 5. the typed job list, page by page, through the paginator;
//! 6. an invalid request, rejected before anything is sent.

#[cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitBatchMediaProducingJob",
    ice_op = "ListBatchMediaProducingJobs"
))]
#[tokio::main]
async fn main() -> Result<(), ice_api::Error> {
    // `RUST_LOG=ice_api=debug` logs each call's span (action, attempts, status, request id).
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    flow::run().await
}

/// A crate regenerated from a spec without these operations has nothing to show here.
#[cfg(not(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitBatchMediaProducingJob",
    ice_op = "ListBatchMediaProducingJobs"
)))]
fn main() {
    println!("this crate's spec has no scene media-production operations; nothing to run");
}

#[cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitBatchMediaProducingJob",
    ice_op = "ListBatchMediaProducingJobs"
))]
mod flow {
    use std::time::Duration;

    use ice_api::emulator::Timing;
    use ice_api::prelude::*;

    const MEDIA: [&str; 2] = [
        "https://example-bucket.oss-cn-shanghai.aliyuncs.com/beach.mp4",
        "https://example-bucket.oss-cn-shanghai.aliyuncs.com/cafe.mp4",
    ];

    fn output() -> OutputConfig {
        OutputConfig::new("https://example-bucket.oss-cn-shanghai.aliyuncs.com/flow_{index}.mp4")
    }

    fn smart_mix_input() -> SmartMixInputConfig {
        SmartMixInputConfig::from_media_array(MEDIA).with_speech_text_array([
            "Summer is here. Pack light, travel far.",
            "一杯咖啡，一段旅程。",
        ])
    }

    fn show(p: &Progress) {
        println!(
            "  {:>5.1}s  {:<10} sub-jobs {}/{}",
            p.elapsed.as_secs_f64(),
            p.status,
            p.sub_jobs.done(),
            p.sub_jobs.total
        );
    }

    pub async fn run() -> Result<(), Error> {
        let emulator = Emulator::builder()
            .seed(20_201_109)
            .timing(
                Timing::default().durations(Duration::from_millis(200), Duration::from_millis(600)),
            )
            .start()
            .await?;
        let client = emulator.client()?;
        let waiting = WaitOptions::default()
            .initial_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(300));

        // 1. Media selection, image-text matching: the variant sets JobType.
        let job = SceneMediaSelection::smart_mix(smart_mix_input(), output());
        let submitted = client
            .send(&SubmitSceneMediaSelectionJobRequest::new(job))
            .await?;
        println!("image-text matching selection {}", submitted.job_id);

        // 2. Wait, with a progress hook; anything but success becomes an Error.
        let selected = client
            .wait(submitted.poll_request())
            .options(waiting.clone())
            .on_progress(show)
            .await?
            .require_success()?;

        // …and highlight mashup, whose input type is its own.
        let highlights = SceneMediaSelection::highlights(
            HighlightsInputConfig::new(MEDIA)
                .with_highlight_strategy(HighlightStrategy::new().with_target_duration(30)),
            output(),
        );
        let submitted = client
            .send(&SubmitSceneMediaSelectionJobRequest::new(highlights))
            .await?;
        println!("highlight mashup selection {}", submitted.job_id);
        match client
            .wait(submitted.poll_request())
            .options(waiting.clone())
            .await?
        {
            WaitOutcome::Succeeded(done) => {
                println!("  finished: {:?}", done.editing_batch_job.status)
            }
            WaitOutcome::FinishedWithFailures { error, .. } | WaitOutcome::Failed { error, .. } => {
                println!("  did not succeed: {error}")
            }
        }

        // 3. The typed selection result, straight into timeline organization.
        match selected.editing_batch_job.parse_extend_output()? {
            None => println!("the selection job returned no result"),
            Some(selection) => {
                for (i, text) in selection
                    .text_match_media_output_list
                    .iter()
                    .flatten()
                    .enumerate()
                {
                    for sentence in &text.text_match_media_sentence_output_list {
                        let clips: Vec<String> = sentence
                            .match_clip_list
                            .iter()
                            .map(|c| format!("{} {}s-{}s", c.media_id, c.start_time, c.end_time))
                            .collect();
                        println!(
                            "  text {}: \"{}\" ← {}",
                            i + 1,
                            sentence.text,
                            clips.join(", ")
                        );
                    }
                }
                let timeline =
                    SceneTimelineOrganization::smart_mix(selection, smart_mix_input(), output());
                let organized = client
                    .send(&SubmitSceneTimelineOrganizationJobRequest::new(timeline))
                    .await?;
                let done = client
                    .wait(organized.poll_request())
                    .options(waiting.clone())
                    .await?
                    .require_success()?;
                let projects: Vec<String> = done
                    .editing_batch_job
                    .sub_job_list
                    .iter()
                    .flatten()
                    .filter_map(|s| s.project_id.clone())
                    .collect();
                println!(
                    "timeline organization {}: projects {projects:?}",
                    organized.job_id
                );
            }
        }

        // 4. A one-click batch job: script-to-video, two outputs, safe to retry (ClientToken).
        let script = ScriptInputConfig::new([
            MediaGroup::new("opening", [MEDIA[0]]),
            MediaGroup::new("coffee", [MEDIA[1]]),
        ])
        .with_speech_text_array(["Two places, one summer."]);
        let batch = SubmitBatchMediaProducingJobRequest::new(script)
            .with_output_config(output().with_count(2))
            .with_client_token("media-production-flow-1");
        let submitted = client.send(&batch).await?;
        let done = client
            .wait(submitted.poll_request())
            .options(waiting.clone())
            .on_progress(show)
            .await?
            .require_success()?;
        for sub in done.editing_batch_job.sub_job_list.iter().flatten() {
            println!("  output {:?}: {:?}", sub.status, sub.media_url);
        }

        // 5. Every job, two per page, typed.
        let mut jobs =
            client.paginate_items(ListBatchMediaProducingJobsRequest::new().with_max_results(2));
        println!("jobs:");
        while let Some(job) = jobs.next().await {
            let job = job?;
            println!(
                "  {} {} {}",
                job.job_id.unwrap_or_default(),
                job.job_type.map(|t| t.to_string()).unwrap_or_default(),
                job.status.map(|s| s.to_string()).unwrap_or_default()
            );
        }

        // 6. An invalid request never leaves the process; every problem is named at once.
        let invalid = SubmitSceneMediaSelectionJobRequest::new(SceneMediaSelection::smart_mix(
            SmartMixInputConfig::from_media_array(Vec::<String>::new())
                .with_speech_text_array(["x".repeat(1001)]),
            OutputConfig::new("https://example-bucket.oss-cn-shanghai.aliyuncs.com/one.mp4")
                .with_count(3),
        ))
        .with_user_data(UserData::new().with_notify_address("ftp://example.com/cb"));
        match client.send(&invalid).await {
            Err(e) if e.validation().is_some() => println!("rejected before sending: {e}"),
            Err(e) => return Err(e),
            Ok(answer) => println!("unexpectedly accepted: {answer:?}"),
        }
        emulator.shutdown().await;
        Ok(())
    }
}
