//! Typed, validated, signed client for Alibaba Cloud Intelligent Media Services (ICE, API 2020-11-09).
//!
//! Data flow of every call: typed request → [`Validate`] →
//! derive-generated [`EncodeWire`] → signer → HTTP → typed response or
//! typed error. Generated operation types live in [`generated`]; all behaviour lives in the
//! hand-written [`runtime`].

// Lets `#[derive(ice_macros::EncodeWire)]` expand to `::ice_api::…` paths inside this crate too.
extern crate self as ice_api;

pub mod callback;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod generated;
pub mod jobs;
pub mod runtime;

pub use runtime::client::{Client, RawRequest, RawResponse};
pub use runtime::config::{Config, ConfigBuilder, ConfigError, SignatureVersion, Timeouts};
pub use runtime::endpoint::{Endpoint, Network};
pub use runtime::error::{
    AccessDeniedDetail, DecodeError, Error, ErrorKind, ServiceError, TransportError, TransportKind,
};
pub use runtime::operation::{Auth, HttpMethod, Operation};
pub use runtime::rate_limit::RateLimit;
pub use runtime::retry::RetryPolicy;
pub use runtime::validate::{Validate, ValidationErrors, Validator, Violation};
pub use runtime::wire::{EncodeError, EncodeWire, Location, WireParams};
