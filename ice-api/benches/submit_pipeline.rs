//! Issue-3 budget: validate + encode + sign one typical `SubmitSceneMediaSelectionJob`
//! (typed configs, ≈600-byte form body, 3 query parameters) in ≤ 3 µs. This is exactly what the
//! client does per call before the network: `Validate::validated`, `EncodeWire::to_wire`, the
//! form body, and ACS3-HMAC-SHA256.
//!
//! Run: `cargo bench -p ice-api --bench submit_pipeline -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

use ice_api::media_production::{
    BackgroundMusicConfig, EditingConfig, MediaConfig, OutputConfig, SceneMediaSelection,
    SmartMixInputConfig, SpeechConfig, SubmitSceneMediaSelectionJobRequest, UserData,
};
use ice_api::runtime::credentials::Credentials;
use ice_api::runtime::sign::{percent, sign_v3, V3Input};
use ice_api::{EncodeWire, Validate};

const HEADERS: [(&str, &str); 5] = [
    ("host", "ice.cn-shanghai.aliyuncs.com"),
    ("x-acs-action", "SubmitSceneMediaSelectionJob"),
    ("x-acs-version", "2020-11-09"),
    ("content-type", "application/x-www-form-urlencoded"),
    ("accept", "application/json"),
];

fn request() -> SubmitSceneMediaSelectionJobRequest {
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

fn bench(c: &mut Criterion) {
    let creds = Credentials::new("LTAI5tTestAccessKeyId", "TestAccessKeySecret");
    let req = request();
    let wire = req.to_wire().expect("encodes");
    let body = percent::form_body(wire.form());
    eprintln!(
        "form body {} B, {} query params, {} form params",
        body.len(),
        wire.query().len(),
        wire.form().len()
    );

    c.bench_function("validate", |b| b.iter(|| black_box(&req).validated()));
    c.bench_function("encode", |b| b.iter(|| black_box(&req).to_wire()));
    c.bench_function("validate_encode_sign_v3", |b| {
        b.iter(|| {
            let req = black_box(&req);
            req.validated().expect("valid");
            let wire = req.to_wire().expect("encodes");
            let body = percent::form_body(wire.form());
            let signed = sign_v3(&V3Input {
                method: "POST",
                path: "/",
                query: wire.query(),
                headers: &HEADERS,
                body: body.as_bytes(),
                date: "2026-11-24T01:00:00Z",
                nonce: "e9af8d2cdde25a28e2689beda2c6bab8",
                credentials: &creds,
            });
            black_box((body, signed))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
