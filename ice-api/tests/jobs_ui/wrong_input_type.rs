// A job type fixes its input type: an image-text matching input cannot be sent as a
// highlight-mashup job (the constructor `SceneMediaSelection::highlights` takes the same types).
use ice_api::media_production::{OutputConfig, SceneMediaSelection, SmartMixInputConfig};

fn main() {
    let _job = SceneMediaSelection::Highlights {
        input_config: SmartMixInputConfig::from_media_array(["m1"]),
        editing_config: None,
        output_config: OutputConfig::new("http://b/x.mp4"),
    };
}
