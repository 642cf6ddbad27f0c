// `InputConfig` and `OutputConfig` are required for a media selection job: leaving one out does
// not compile (the constructors take them as arguments; `HighlightsInputConfig::new` likewise
// takes the required `MediaArray`).
use ice_api::jobs::{OutputConfig, SceneMediaSelection};

fn main() {
    let _job = SceneMediaSelection::Highlights {
        editing: None,
        output: OutputConfig::new("http://b/x.mp4"),
    };
}
