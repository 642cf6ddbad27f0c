// `InputConfig` and `OutputConfig` are required for a media selection job: leaving one out does
// not compile (the constructors take them as arguments; `HighlightsInputConfig::new` likewise
// takes the required `MediaArray`).
use ice_api::media_production::{OutputConfig, SceneMediaSelection};

fn main() {
    let _job = SceneMediaSelection::Highlights {
        editing_config: None,
        output_config: OutputConfig::new("http://b/x.mp4"),
    };
}
