//! Builds a `Screen_Media_Highlights_Media_Select` job (highlight mashup, media selection stage),
//! validates it, and prints the exact wire parameters it would send. No network, no credentials.
//!
//! `cargo run -p ice-api --example media_select_highlights`

// A crate regenerated from a spec without these operations builds this example as a stub.
#[cfg(ice_op = "SubmitSceneMediaSelectionJob")]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    example::main()
}

#[cfg(not(ice_op = "SubmitSceneMediaSelectionJob"))]
fn main() {
    println!("this crate's spec lacks the operations this example calls; nothing to run");
}

#[cfg(ice_op = "SubmitSceneMediaSelectionJob")]
mod example {
    use ice_api::media_production::{
        EditingConfig, HighlightIntroConfig, HighlightStrategy, HighlightsInputConfig, Media,
        MediaConfig, OutputConfig, ProcessConfig, SceneMediaSelection,
        SubmitSceneMediaSelectionJobRequest, UserData,
    };
    use ice_api::{EncodeWire, Operation, Validate};

    pub fn main() -> Result<(), Box<dyn std::error::Error>> {
        // `RUST_LOG=ice_api=debug` shows what the SDK does, on stderr.
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
        let input = HighlightsInputConfig::new([
            "****20b48fb04483915d4f2cd8ac****",
            "****30b48fb04483915d4f2cd8ac****",
        ])
        .with_highlight_strategy(
            HighlightStrategy::new()
                .with_intro_config(HighlightIntroConfig::new("Auto"))
                .with_target_duration(60),
        )
        .with_opening_array([Media::from_media_id("****40b48fb04483915d4f2cd8ac****")])
        .with_title_array(["高能名场面"]);
        let editing = EditingConfig::new()
            .with_media_config(MediaConfig::new().with_volume(1))
            .with_process_config(
                ProcessConfig::new()
                    .with_allow_transition(true)
                    .with_transition_list(["fadecolor"]),
            );
        let output = OutputConfig::new(
            "https://your-bucket.oss-cn-shanghai.aliyuncs.com/out/highlights_{index}.mp4",
        )
        .with_count(2)
        .with_width(1080)
        .with_height(1920);

        let request = SubmitSceneMediaSelectionJobRequest::new(
            SceneMediaSelection::highlights(input, output).with_editing_config(editing),
        )
        .with_user_data(UserData::new().with_notify_address("https://example.com/ice/callback"));

        request.validated()?;
        let wire = request.to_wire()?;
        println!(
            "{} / (Action={}, Version={})",
            SubmitSceneMediaSelectionJobRequest::METHOD.as_str(),
            SubmitSceneMediaSelectionJobRequest::ACTION,
            SubmitSceneMediaSelectionJobRequest::VERSION
        );
        println!("query:");
        for (k, v) in wire.query() {
            println!("  {k} = {v}");
        }
        println!("form body:");
        for (k, v) in wire.form() {
            println!("  {k} = {v}");
        }
        Ok(())
    }
}
