//! Typed, validated, signed client for Alibaba Cloud Intelligent Media Services (ICE, API
//! 2020-11-09), generated from Alibaba's own api-docs metadata.
//!
#![cfg_attr(
    all(ice_op = "SubmitSceneMediaSelectionJob", ice_op = "SubmitSceneTimelineOrganizationJob"),
    doc = include_str!("../docs/flow.md")
)]
//!
//! # Where things are
//!
//! - [`prelude`]: everything the flow above names.
//! - One module per operation group (a cargo feature; `default` is `media-production`):
//!   `media_production`, `media_processing`, … Each holds its operations' requests
//!   (`<Action>Request`), responses (`<Action>Response`) and every type they use; names are unique
//!   across the crate, and [`components`] holds the types several groups share. Where Alibaba
//!   sends a JSON document inside a string (`InputConfig`, `ExtendOutput`, …) the type is the
//!   document's typed model; JobType-dependent configs are enums whose variant chooses the
//!   `JobType`.
//! - [`Client`]: [`send`](Client::send) any request; [`wait`](Client::wait) for an async job
//!   (every job family with a status has a generated waiter); [`paginate`](Client::paginate) any
//!   paginated operation. [`RawRequest::from_operation`] is the one escape hatch to raw wire
//!   parameters.
//! - [`Error`]: the one error type, for calls, configuration, waiting and parsing alike.
//!
//! Data flow of every call: typed request → [`Validate`] → derive-generated [`EncodeWire`] →
//! signer → HTTP → typed response or [`Error`]. All behaviour lives in the hand-written
//! [`runtime`]; generated code only describes operations.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets `#[derive(ice_macros::EncodeWire)]` expand to `::ice_api::…` paths inside this crate too.
extern crate self as ice_api;

#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
pub mod callback;
pub mod checks;
#[cfg(feature = "emulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "emulator")))]
pub mod emulator;
// Generated code is formatted by the generator (prettyplease), not by rustfmt.
#[rustfmt::skip]
mod generated;
pub mod prelude;
pub mod runtime;

pub use generated::*;
pub use runtime::client::{Client, RawRequest, RawResponse};
pub use runtime::config::{Config, ConfigBuilder, ConfigError, SignatureVersion, Timeouts};
pub use runtime::endpoint::{Endpoint, Network};
pub use runtime::error::{
    AccessDeniedDetail, DecodeError, Error, ErrorKind, ServiceError, TransportError, TransportKind,
};
pub use runtime::json_field::JsonFieldError;
pub use runtime::number::{Number, NumberOrString};
pub use runtime::operation::{Auth, HttpMethod, Operation};
pub use runtime::pagination::Paginated;
pub use runtime::paginator::Page;
pub use runtime::rate_limit::RateLimit;
pub use runtime::retry::RetryPolicy;
pub use runtime::validate::{Validate, ValidationErrors, Validator, Violation};
pub use runtime::waiter::{
    JobError, JobState, Progress, SubJobCounts, Wait, WaitError, WaitOptions, WaitOutcome, Waitable,
};
pub use runtime::wire::{EncodeError, EncodeWire, Location, WireParams, WireScalar};
