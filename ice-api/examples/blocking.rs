//! The seed flow without async, as a CLI tool or a sync service would write it:
//!
//! ```text
//! cargo run -p ice-api --features blocking,emulator --example blocking
//! ```
//!
//! `ice_api::blocking::BlockingClient` sends, waits (with a progress hook) and pages through the job list;
//! no `#[tokio::main]`, no `.await`. Only the embedded emulator, a server, runs on a Tokio
//! runtime of its own here; against the real service (`Config::from_env()`) there is none.
//! `RUST_LOG=ice_api=debug` logs each call's span to stderr.

// A crate regenerated from a spec without these operations builds this example as a stub.
#[cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "GetBatchMediaProducingJob",
    ice_op = "ListBatchMediaProducingJobs"
))]
fn main() -> Result<(), ice_api::Error> {
    example::main()
}

#[cfg(not(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "GetBatchMediaProducingJob",
    ice_op = "ListBatchMediaProducingJobs"
)))]
fn main() {
    println!("this crate's spec lacks the operations this example calls; nothing to run");
}

#[cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "GetBatchMediaProducingJob",
    ice_op = "ListBatchMediaProducingJobs"
))]
mod example {
    use std::time::Duration;

    use ice_api::blocking::BlockingClient;
    use ice_api::emulator::{Emulator, Timing};
    use ice_api::media_production::{
        ListBatchMediaProducingJobsRequest, OutputConfig, SceneMediaSelection, SmartMixInputConfig,
        SubmitSceneMediaSelectionJobRequest,
    };
    use ice_api::runtime::credentials::Credentials;
    use ice_api::{Config, Error, WaitOptions};

    pub fn main() -> Result<(), Error> {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();

        // The emulator needs a runtime; the client below does not use it.
        let server = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let emulator = server.block_on(
            Emulator::builder()
                .timing(
                    Timing::default().durations(Duration::from_millis(300), Duration::from_secs(1)),
                )
                .credentials("example-ak", "example-secret")
                .start(),
        )?;

        let client = BlockingClient::new(
            Config::builder()
                .endpoint(emulator.endpoint())
                .credentials(Credentials::new("example-ak", "example-secret"))
                .build()?,
        )?;

        let job = SceneMediaSelection::smart_mix(
            SmartMixInputConfig::from_media_array([
                "https://example-bucket.oss-cn-shanghai.aliyuncs.com/beach.mp4",
            ])
            .with_speech_text_array(["Summer is here.", "Pack light, travel far."]),
            OutputConfig::new(
                "https://example-bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4",
            ),
        );
        let submitted = client.send(&SubmitSceneMediaSelectionJobRequest::new(job))?;
        println!("media selection job: {}", submitted.job_id);

        let done = client
            .wait(submitted.poll_request())
            .options(WaitOptions::default().initial_delay(Duration::from_millis(100)))
            .on_progress(|p| println!("  {:<10} after {} polls", p.status, p.polls))
            .run()?
            .require_success()?;
        println!("finished: {:?}", done.editing_batch_job.status);

        for job in
            client.paginate_items(ListBatchMediaProducingJobsRequest::new().with_max_results(10))
        {
            let job = job?;
            println!("listed: {}", job.job_id.unwrap_or_default());
        }

        drop(client); // stops the client's runtime thread
        server.block_on(emulator.shutdown());
        Ok(())
    }
}
