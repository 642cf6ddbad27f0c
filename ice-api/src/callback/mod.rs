//! ICE event callbacks: typed parsing, authentication, and a receiver for your HTTP server.
//!
//! ICE reports job completion by an HTTP `POST` to the job's `UserData.NotifyAddress` or the
//! account's callback URL (`SetEventCallback`), or by a message on an `ice-callback-…` MNS
//! queue. [`CallbackEvent`] parses either body; [`Verifier`] authenticates HTTP callbacks;
//! [`Receiver`] does both and hands typed events to your handler.
//!
//! # What follows Alibaba's documentation, and what is this crate's choice
//!
//! From the help page "Callback authentication" (Intelligent Media Services, user guide):
//! - with `AuthSwitch=on`, ICE adds `X-ICE-TIMESTAMP` (UNIX time, seconds) and
//!   `X-ICE-SIGNATURE` (32-character MD5) to HTTP callbacks;
//! - `X-ICE-SIGNATURE = md5("<callback URL>|<X-ICE-TIMESTAMP>|<auth key>")`;
//! - the receiver recomputes it with the URL it configured, and refuses a request whose
//!   timestamp is too far from its clock ("for example 5 minutes, defined by the receiver");
//! - to switch keys, the receiver accepts the old and the new key for a while.
//!
//! The page's worked example prints the key as `Test123`, but its (masked) result
//! `c72b60894140fa98920f1279219b****` is the MD5 of
//! `https://www.example.com/your/callback|1519375990|test123`: the separator and the order are
//! confirmed, the key's case in the example is a typo (the test `callback_auth` pins this).
//!
//! Our choices, where the page is silent:
//! - the URL signed is the callback URL exactly as configured (account `CallbackURL` or the
//!   job's `NotifyAddress`), not one rebuilt from the request, which a proxy may have rewritten;
//! - the window (default [`DEFAULT_WINDOW`], 5 minutes) applies to timestamps in the future as
//!   well as in the past;
//! - hex digits are accepted in either case, compared in constant time against every key;
//! - a receiver answers `200` when the handler succeeded (ICE's documented success condition
//!   is HTTP 200), `401`/`400`/`405`/`413` with a plain-text reason when it refuses, and `500`
//!   when the handler fails, so that ICE retries.
//!
//! ```
//! use std::time::{SystemTime, UNIX_EPOCH};
//! use ice_api::callback::{signature, AuthKey, Rejection, Verifier};
//!
//! let url = "https://example.com/ice/callback";
//! let verifier = Verifier::new(AuthKey::new("Key12345"));
//! let now = SystemTime::now();
//! let stale = (now.duration_since(UNIX_EPOCH).unwrap().as_secs() - 3600).to_string();
//! let sig = signature(url, &stale, &AuthKey::new("Key12345"));
//! let err = verifier.verify(url, Some(&stale), Some(&sig), now).unwrap_err();
//! assert!(matches!(err, Rejection::StaleTimestamp { .. }));
//! assert_eq!(err.to_string(), "stale x-ice-timestamp: 3600 s old, more than the 300 s window");
//! ```

mod auth;
mod event;
mod receiver;

pub use auth::{
    signature, AuthKey, Rejection, Verifier, DEFAULT_WINDOW, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
pub use event::{
    BatchProduceMediaComplete, CallbackError, CallbackEvent, CallbackSubJob, Event,
    ProduceMediaComplete, BATCH_PRODUCE_MEDIA_COMPLETE, PRODUCE_MEDIA_COMPLETE,
};
pub use receiver::{Receiver, DEFAULT_MAX_BODY};
