//! Everything a media-production program names, in one import:
//!
//! ```
//! use ice_api::prelude::*;
//! ```
//!
//! The client, its configuration and credentials, the one [`Error`], waiting and paging
//! ([`WaitOptions`], [`Progress`], [`StreamExt`] for the paginators' streams), and the requests,
//! responses and typed configs of the seed job family (`SubmitSceneMediaSelectionJobRequest`,
//! `SceneMediaSelection`, `SmartMixInputConfig`, `GetBatchMediaProducingJobRequest`, …; the list
//! is `prelude:` in `specs/ice/2020-11-09/types.yaml`). Generated names are unique across the
//! crate, so this glob never clashes with a group module's.

#[cfg(feature = "emulator")]
pub use crate::emulator::Emulator;
// Empty when no operation group is enabled.
#[allow(unused_imports)]
pub use crate::generated::prelude::*;
pub use crate::runtime::credentials::Credentials;
pub use crate::runtime::waiter::{JobState, Progress, WaitOptions, WaitOutcome};
pub use crate::{Client, Config, Error, ErrorKind, Validate};
pub use futures_util::StreamExt;
