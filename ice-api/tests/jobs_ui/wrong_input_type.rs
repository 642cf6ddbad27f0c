// A job type fixes its input type: an image-text matching input cannot be sent as a
// highlight-mashup job (the constructor `SceneMediaSelection::highlights` takes the same types).
use ice_api::jobs::{OutputConfig, SceneMediaSelection, SmartMixInputConfig};

fn main() {
    let _job = SceneMediaSelection::Highlights {
        input: SmartMixInputConfig::from_media_array(["m1"]),
        editing: None,
        output: OutputConfig::new("http://b/x.mp4"),
    };
}
