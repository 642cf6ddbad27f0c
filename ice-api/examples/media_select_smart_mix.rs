//! Builds a `Smart_Mix_Media_Select` job (image-text matching, media selection stage), validates
//! it, and prints the exact wire parameters it would send. No network, no credentials.
//!
//! `cargo run -p ice-api --example media_select_smart_mix`

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
        BackgroundMusicConfig, EditingConfig, MediaConfig, OutputConfig, SceneMediaSelection,
        SmartMixInputConfig, SpeechConfig, SubmitSceneMediaSelectionJobRequest, UserData,
    };
    use ice_api::{EncodeWire, Operation, Validate};

    pub fn main() -> Result<(), Box<dyn std::error::Error>> {
        // `RUST_LOG=ice_api=debug` shows what the SDK does, on stderr.
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
        let input = SmartMixInputConfig::from_media_array([
            "****b4549d46c88681030f6e****",
            "https://your-bucket.oss-cn-shanghai.aliyuncs.com/materials/beach.mp4",
        ])
        .with_speech_text_array(["海边的清晨，阳光正好。", "带上好心情，出发去旅行。"])
        .with_title_array(["周末去海边"]);
        let editing = EditingConfig::new()
            .with_media_config(MediaConfig::new().with_volume(0))
            .with_speech_config(
                SpeechConfig::new()
                    .with_volume(1)
                    .with_voice("zhiru,zhilun"),
            )
            .with_background_music_config(BackgroundMusicConfig::new().with_volume(0.3));
        let output = OutputConfig::new(
            "https://your-bucket.oss-cn-shanghai.aliyuncs.com/out/trip_{index}.mp4",
        )
        .with_count(3)
        .with_width(1080)
        .with_height(1920);

        let request = SubmitSceneMediaSelectionJobRequest::new(
            SceneMediaSelection::smart_mix(input, output).with_editing_config(editing),
        )
        .with_user_data(
            UserData::new()
                .with_notify_address("ice-callback-demo")
                .with_extra("Campaign", "summer-2025"),
        );

        // Every documented limit is checked before anything would be sent.
        request.validated()?;
        print_wire::<SubmitSceneMediaSelectionJobRequest>(&request.to_wire()?);
        Ok(())
    }

    fn print_wire<O: Operation>(wire: &ice_api::WireParams) {
        println!(
            "{} / (Action={}, Version={})",
            O::METHOD.as_str(),
            O::ACTION,
            O::VERSION
        );
        println!("query:");
        for (k, v) in wire.query() {
            println!("  {k} = {v}");
        }
        println!("form body:");
        for (k, v) in wire.form() {
            println!("  {k} = {v}");
        }
    }
}
