// `HighlightStrategy` belongs to highlight mashup only; image-text matching has no such field.
use ice_api::media_production::{HighlightStrategy, SmartMixInputConfig};

fn main() {
    let _input = SmartMixInputConfig::from_media_array(["m1"])
        .with_highlight_strategy(HighlightStrategy::new());
}
