//! Typed JobType configs for the scene and batch media-producing operations.
//!
//! On the wire `InputConfig`, `EditingConfig`, `OutputConfig`, `UserData`, `TemplateConfig` and
//! `MediaSelectResult` are JSON *strings* whose structure "depends on the JobType". Here they are
//! Rust types, and the job type is chosen by the config types themselves:
//!
//! - [`SceneMediaSelection`] / [`SceneTimelineOrganization`] are enums with one variant per job
//!   type; each variant holds the input type of *its* job type, and the `JobType` parameter is
//!   derived from the variant. Pairing a [`HighlightsInputConfig`] with an image-text matching job
//!   does not compile.
//! - Required fields are constructor arguments; optional ones are `with_*` setters. Config
//!   structs are `#[non_exhaustive]`, so they can only be built through their constructors.
//! - [`BatchEditingOutputConfig`] (for `Scene_Batch_Editing`) has no `Count` and no
//!   `GeneratePreviewOnly`.
//! - Every config struct has an `extra` map (and `with_extra`) for keys the model does not know
//!   yet; unknown keys in responses are kept there too.
//! - [`Validate`](crate::Validate) checks the documented limits and reports **all** violations
//!   with wire paths, e.g. `InputConfig.SpeechTextArray[3]: 1203 characters, at most 1000`.
//!
//! Each doc ends with how sure its facts are: \[SDK\] official SDK models and examples,
//! \[DOC\] official help pages, \[3P\] seen only in third-party callers, \[INF\] inferred. Where
//! the sources disagree or stop (e.g. `BackgroundMusic` vs `BackgroundMusicArray`, the
//! highlight-mashup selection result), the choice is stated on the type and `extra` stays open.
//!
//! The types, fields, limits and docs come from `specs/ice/2020-11-09/jobtype-configs.yaml`
//! (generated into `generated.rs` by `cargo xtask codegen`); the few rules YAML cannot express are
//! hand-written in [`checks`]. `cargo xtask schema` exports a JSON Schema per config type.
//!
//! ```
//! use ice_api::jobs::{
//!     EditingConfig, MediaConfig, OutputConfig, SceneMediaSelection, SmartMixInputConfig,
//!     SubmitSceneMediaSelectionJob, UserData,
//! };
//! use ice_api::{EncodeWire, Validate};
//!
//! let job = SceneMediaSelection::smart_mix(
//!     SmartMixInputConfig::from_media_array(["****b4549d46c88681030f6e****"])
//!         .with_speech_text_array(["第一句文案。", "第二句文案。"]),
//!     OutputConfig::new("https://bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4")
//!         .with_count(2),
//! )
//! .with_editing(EditingConfig::new().with_media_config(MediaConfig::new().with_volume(0)));
//! let request = SubmitSceneMediaSelectionJob::new(job)
//!     .with_user_data(UserData::new().with_notify_address("ice-callback-demo"));
//! request.validated().unwrap();
//! let wire = request.to_wire().unwrap();
//! assert_eq!(wire.get("JobType").unwrap().1, "Smart_Mix_Media_Select");
//! ```
//!
//! Responses: [`GetBatchMediaProducingJobResponse`] keeps the JSON-string fields raw and parses
//! them on demand ([`EditingBatchJob::parse_extend_output`] gives a [`MediaSelectResult`] ready
//! for [`SceneTimelineOrganization`]); job type and statuses are open enums with `Unknown(String)`.

pub mod checks;
// Generated code is formatted by the generator (prettyplease), not by rustfmt.
#[rustfmt::skip]
mod generated;
mod json_field;
mod number;
mod rules;

pub use generated::*;
pub use json_field::JsonFieldError;
pub use number::{Number, NumberOrString};

use json_field::parse_json_field;
use rules::{check_extra_keys, check_json_bytes, check_key_count};
