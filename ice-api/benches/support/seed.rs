//! The seed request of the per-call benches: one typical `SubmitSceneMediaSelectionJob` (typed
//! configs, a ≈750-byte form body, 3 query parameters), and the fixed signing inputs.

use ice_api::media_production::{
    BackgroundMusicConfig, EditingConfig, MediaConfig, OutputConfig, SceneMediaSelection,
    SmartMixInputConfig, SpeechConfig, SubmitSceneMediaSelectionJobRequest, UserData,
};

/// The headers a minimal ACS3 signer signs besides its own (as in the measurement).
pub const HEADERS: [(&str, &str); 5] = [
    ("host", "ice.cn-shanghai.aliyuncs.com"),
    ("x-acs-action", "SubmitSceneMediaSelectionJob"),
    ("x-acs-version", "2020-11-09"),
    ("content-type", "application/x-www-form-urlencoded"),
    ("accept", "application/json"),
];

pub const DATE: &str = "2026-11-24T01:00:00Z";
pub const NONCE: &str = "e9af8d2cdde25a28e2689beda2c6bab8";
pub const ACCESS_KEY_ID: &str = "LTAI5tTestAccessKeyId";
pub const ACCESS_KEY_SECRET: &str = "TestAccessKeySecret";

pub fn request() -> SubmitSceneMediaSelectionJobRequest {
    let input = SmartMixInputConfig::from_media_array([
        "****9d46c886b45481030f6e****",
        "****c886b45481030f6e9d46****",
        "****45481030f6e9d46c886b****",
    ])
    .with_speech_text_array([
        "夏天到了，轻装出发，把日落留在相册里。",
        "A cup of coffee, a new road, and a morning by the sea.",
    ])
    .with_background_music_array(["****c886b45481030f6e9d46****"]);
    let editing = EditingConfig::new()
        .with_media_config(MediaConfig::new().with_volume(0))
        .with_speech_config(SpeechConfig::new().with_volume(1).with_voice("zhiru"))
        .with_background_music_config(BackgroundMusicConfig::new().with_volume(0.3));
    let output =
        OutputConfig::new("https://bucket.oss-cn-shanghai.aliyuncs.com/out/seed_{index}.mp4")
            .with_count(2)
            .with_width(1080)
            .with_height(1920);
    SubmitSceneMediaSelectionJobRequest::new(
        SceneMediaSelection::smart_mix(input, output).with_editing_config(editing),
    )
    .with_user_data(UserData::new().with_notify_address("https://example.com/ice/callback"))
}
