//! The seed flow in one command:
//!
//! ```text
//! cargo run -p ice-api --example quickstart --features emulator
//! ```
//!
//! 1. submit a scene media-selection job (typed configs) and print its job id;
//! 2. wait for it, showing progress from the waiter's progress hook (an `indicatif` bar on a
//!    terminal, one plain line per poll when stdout is a pipe or a file);
//! 3. print the typed selection result (`ExtendOutput`);
//! 4. submit timeline organisation with that result and print the timeline job id.
//!
//! `RUST_LOG=ice_api=debug` also logs each call's span (action, attempts, status, request id,
//! latency) to stderr.
//!
//! Without `ALIBABA_CLOUD_ACCESS_KEY_ID`/`ALIBABA_CLOUD_ACCESS_KEY_SECRET` it starts the embedded
//! emulator on 127.0.0.1 and needs no network or account. With them it calls the real service at
//! `ALIBABA_CLOUD_ICE_ENDPOINT`, else the endpoint of `ALIBABA_CLOUD_REGION_ID` (default
//! `cn-shanghai`); then set `ICE_QUICKSTART_MEDIA` (comma-separated media IDs or OSS URLs in that
//! region) and `ICE_QUICKSTART_OUTPUT_URL` (an OSS URL pattern with `{index}`) to your own assets.

// A crate regenerated from a spec without these operations builds this example as a stub.
#[cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "GetBatchMediaProducingJob"
))]
fn main() -> Result<(), ice_api::Error> {
    example::main()
}

#[cfg(not(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "GetBatchMediaProducingJob"
)))]
fn main() {
    println!("this crate's spec lacks the operations this example calls; nothing to run");
}

#[cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "GetBatchMediaProducingJob"
))]
mod example {
    use std::io::IsTerminal;
    use std::time::Duration;

    use ice_api::emulator::{Emulator, EmulatorHandle, Timing};
    use ice_api::prelude::*;
    use ice_api::runtime::credentials::DefaultChain;
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use tracing_subscriber::EnvFilter;

    const SPEECH: [&str; 2] = [
        "Summer is here. Pack light, travel far, and keep the sunsets.",
        "一杯咖啡，一段旅程。出发吧！",
    ];

    #[tokio::main]
    pub async fn main() -> Result<(), Error> {
        tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
        run(has_credentials()).await
    }

    /// The whole flow; `live` selects the real service, else the embedded emulator.
    async fn run(live: bool) -> Result<(), Error> {
        let (client, _emulator) = connect(live).await?;
        let media = env_list("ICE_QUICKSTART_MEDIA").unwrap_or_else(|| {
            vec![
                "https://example-bucket.oss-cn-shanghai.aliyuncs.com/beach.mp4".into(),
                "https://example-bucket.oss-cn-shanghai.aliyuncs.com/cafe.mp4".into(),
            ]
        });
        let output_url = std::env::var("ICE_QUICKSTART_OUTPUT_URL").unwrap_or_else(|_| {
            "https://example-bucket.oss-cn-shanghai.aliyuncs.com/quickstart_{index}.mp4".into()
        });
        let input =
            || SmartMixInputConfig::from_media_array(media.clone()).with_speech_text_array(SPEECH);

        // 1. Media selection.
        let selection = SceneMediaSelection::smart_mix(input(), OutputConfig::new(&output_url));
        let submitted = client
            .send(&SubmitSceneMediaSelectionJobRequest::new(selection))
            .await?;
        println!("media selection job: {}", submitted.job_id);

        // 2. Wait, with a progress bar; anything but success ends the program with its reason.
        let options = if live {
            WaitOptions::default()
        } else {
            WaitOptions::default()
                .initial_delay(Duration::from_millis(150))
                .max_delay(Duration::from_millis(400))
        };
        let view = ProgressView::new();
        let waited = client
            .wait(submitted.poll_request())
            .options(options)
            .on_progress(|p| view.show(p))
            .await;
        view.finish();
        let done = waited?.require_success()?;

        // 3. The typed selection result.
        let Some(result) = done.editing_batch_job.parse_extend_output()? else {
            println!("the job returned no selection result");
            return Ok(());
        };
        print_selection(&result);

        // 4. Timeline organisation from the selection.
        let timeline =
            SceneTimelineOrganization::smart_mix(result, input(), OutputConfig::new(&output_url));
        let timeline_job = client
            .send(&SubmitSceneTimelineOrganizationJobRequest::new(timeline))
            .await?;
        println!("timeline organization job: {}", timeline_job.job_id);
        Ok(())
    }

    fn has_credentials() -> bool {
        [
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        ]
        .iter()
        .all(|k| std::env::var(k).is_ok_and(|v| !v.trim().is_empty()))
    }

    /// The real service (`live`), else the embedded emulator.
    async fn connect(live: bool) -> Result<(Client, Option<EmulatorHandle>), Error> {
        if live {
            let config = match Config::from_env() {
                Ok(c) => c,
                // Neither a region nor an endpoint override: default to cn-shanghai.
                Err(_) => Config::builder()
                    .region("cn-shanghai")
                    .credentials_provider(DefaultChain::new())
                    .build()?,
            };
            println!("using Alibaba Cloud ICE at {:?}", config.endpoint());
            return Ok((Client::new(config)?, None));
        }
        let emulator = Emulator::builder()
            .seed(20_201_109)
            .timing(Timing::default().durations(Duration::from_millis(400), Duration::from_secs(2)))
            .start()
            .await?;
        println!(
            "no ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET set: using the embedded emulator at {}",
            emulator.endpoint()
        );
        Ok((emulator.client()?, Some(emulator)))
    }

    /// Job progress: an `indicatif` bar on stdout when it is a terminal, else one plain line per poll
    /// (a bar redrawn with `\r` is noise in a pipe, a log file or CI output).
    enum ProgressView {
        Bar(ProgressBar),
        Lines,
    }

    impl ProgressView {
        /// Bar positions are per mille of [`Progress::fraction`].
        const STEPS: u64 = 1000;

        fn new() -> Self {
            if !std::io::stdout().is_terminal() {
                return Self::Lines;
            }
            let style = ProgressStyle::with_template("[{bar:30}] {percent:>3}% {msg}")
                .map(|s| s.progress_chars("#>."))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar =
                ProgressBar::with_draw_target(Some(Self::STEPS), ProgressDrawTarget::stdout())
                    .with_style(style);
            Self::Bar(bar)
        }

        fn show(&self, p: &Progress) {
            let line = format!(
                "{:<10} sub-jobs {}/{}  {:.1}s",
                p.status,
                p.sub_jobs.done(),
                p.sub_jobs.total,
                p.elapsed.as_secs_f64()
            );
            match self {
                Self::Bar(bar) => {
                    bar.set_message(line);
                    bar.set_position((p.fraction() * Self::STEPS as f64).round() as u64);
                }
                Self::Lines => println!("{:>3.0}% {line}", p.fraction() * 100.0),
            }
        }

        /// Leaves the bar's last state on screen, on a line of its own.
        fn finish(&self) {
            if let Self::Bar(bar) = self {
                bar.abandon();
                println!();
            }
        }
    }

    fn print_selection(result: &MediaSelectResult) {
        println!("selection result:");
        for (i, text) in result
            .text_match_media_output_list
            .iter()
            .flatten()
            .enumerate()
        {
            println!("  text {}:", i + 1);
            for sentence in &text.text_match_media_sentence_output_list {
                let duration = sentence.duration.map(|d| d.as_f64()).unwrap_or(0.0);
                println!("    \"{}\" ({duration:.2}s)", sentence.text);
                for clip in &sentence.match_clip_list {
                    println!(
                        "      clip {} {:.2}s-{:.2}s score {}",
                        clip.media_id,
                        clip.start_time.as_f64(),
                        clip.end_time.as_f64(),
                        clip.score
                            .map(|s| s.to_string())
                            .unwrap_or_else(|| "-".into())
                    );
                }
            }
        }
    }

    fn env_list(name: &str) -> Option<Vec<String>> {
        let v = std::env::var(name).ok()?;
        let items: Vec<String> = v
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        (!items.is_empty()).then_some(items)
    }

    /// `cargo test` runs the quickstart against the emulator (the `[[example]]` has `test = true`),
    /// so the README's first command stays working.
    #[cfg(test)]
    mod tests {
        #[tokio::test]
        async fn quickstart_runs_against_the_emulator() {
            super::run(false).await.unwrap();
        }
    }
}
