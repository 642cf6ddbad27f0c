//! What every generated request type knows about its operation. The client's single `send` path
//! is generic only over this trait; everything after encoding is non-generic.

use serde::de::DeserializeOwned;

use super::validate::Validate;
use super::wire::EncodeWire;

/// HTTP method of an operation (ICE: 386 POST, 14 GET).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`: every parameter in the query.
    Get,
    /// `POST`: query plus an optional form body.
    Post,
}

impl HttpMethod {
    /// The upper-case method name as sent and signed.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// How an operation authenticates (`security` in the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Auth {
    /// Signed with an AccessKey (`AK`).
    AccessKey,
    /// Sent unsigned (`Anonymous`; 3 ICE operations).
    Anonymous,
}

/// A typed ICE request. Implemented by generated code; not meant to be implemented by hand.
pub trait Operation: EncodeWire + Validate {
    /// Wire action name, e.g. `SubmitSceneMediaSelectionJob`.
    const ACTION: &'static str;
    /// API version, `2020-11-09`.
    const VERSION: &'static str;
    /// HTTP method.
    const METHOD: HttpMethod;
    /// Signed or anonymous.
    const AUTH: Auth;
    /// Whether re-sending after the request may have reached the server is harmless
    /// (Get*/List*/Query*/Describe*/Search*…). Non-idempotent operations are retried after that
    /// point only when [`client_token`](Operation::client_token) is set.
    const IDEMPOTENT: bool;
    /// Whether the operation's declared success response has a top-level `Code` field of its
    /// own (28 ICE operations do, e.g. the search-library family, which report `Code` and
    /// `Success` inside a 2xx body). From the spec; decides how a 2xx body carrying a `Code` is
    /// read:
    /// - `false` (default): a 2xx body with a non-empty `Code` and a `Message` is the gateway's
    ///   error object, so the call fails with a [`Service`](crate::ErrorKind::Service) error.
    /// - `true`: only `Success: false` (boolean or string) together with a non-empty `Code`
    ///   fails the call that way; any other body is the operation's response.
    const RESPONSE_DECLARES_CODE: bool = false;
    /// The decoded success body. `Send`, because the client decodes it within the retry loop
    /// of a future that must stay `Send`.
    type Response: DeserializeOwned + Send;

    /// The request's `ClientToken`, when the operation has one and it is set.
    fn client_token(&self) -> Option<&str> {
        None
    }
}
