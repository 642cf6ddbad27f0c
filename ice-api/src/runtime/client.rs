//! The client: one generic entry point ([`Client::send`]) that validates and encodes a typed
//! request, then hands plain wire parameters to a single non-generic executor (sign → send →
//! retry → classify). Only the final JSON decoding is generic again, so each operation adds
//! almost no code.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ice_api::Error> {
//! use ice_api::{Client, HttpMethod, Location, WireParams};
//! let client = Client::from_env()?;
//! // Escape hatch for an operation built by hand:
//! let mut params = WireParams::new();
//! params.push(Location::Query, "JobId", "****cdb3e74639973036bc84****");
//! let raw = client.send_raw("GetSmartHandleJob", HttpMethod::Post, params).await?;
//! println!("{} {:?}", raw.status(), raw.request_id());
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use smallvec::SmallVec;
use tokio::time::Instant;
use tracing::field::Empty;
use tracing::Instrument;

use super::config::{Config, ConfigError, SignatureVersion};
use super::credentials::{Credentials, CredentialsError};
use super::error::{
    redacted_snippet, DecodeError, Error, ErrorKind, ServiceError, TransportError, TransportKind,
    MAX_ERROR_BODY_BYTES,
};
use super::operation::{Auth, HttpMethod, Operation};
use super::rate_limit::RateLimiter;
use super::redact::{Known, Redactor};
use super::response::{explain, FoundId, ProbeOnly, SuccessDecoder, Typed};
use super::sign::{self, clock, percent, v3, SignedV3, V3Input};
use super::validate::Validator;
use super::wire::encoded::{EncodedParams, Joined};
use super::wire::{EncodeError, WireParams};

/// ICE API version used by [`Client::send_raw`].
pub const API_VERSION: &str = "2020-11-09";

/// Longest `x-acs-retry-after` value parsed (one hour, in ms); larger values are clamped by the
/// retry policy anyway.
const MAX_RETRY_AFTER_MS: u64 = 3_600_000;

/// Upper bound applied to the total timeout (30 days).
const MAX_TOTAL_TIMEOUT: Duration = Duration::from_secs(30 * 86_400);

/// Longest request URL the client sends, in bytes: 65,534, the most an HTTP request target can
/// hold in the `http` crate (`http::Uri`), so nothing longer could leave the process anyway.
/// Checked before sending: a longer URL fails the call with an [`Encode`](ErrorKind::Encode)
/// error naming the largest query parameter, and is never retried. Front ends may refuse much
/// shorter request lines (HTTP 414); large values belong in form parameters.
pub const MAX_URL_BYTES: usize = 65_534;

/// Largest total size of a request's headers (each `name: value` line with its CRLF), in bytes:
/// 32 KiB. The client's own headers take under 1 KiB plus the STS token (a few KiB at most);
/// front ends commonly refuse header blocks of 8–64 KiB. Checked before sending, like
/// [`MAX_URL_BYTES`].
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// An ICE client. Cheap to clone (one `Arc`); clones share the connection pool, the credentials
/// provider and the rate limiter. `Send + Sync`: share it across tasks.
///
/// What goes on the wire for each attempt:
/// - `GET`: every parameter in the query, no body. `POST`: query parameters in the URL, form
///   parameters in an `application/x-www-form-urlencoded` body (only when there are any;
///   otherwise `content-length: 0`, as the official SDKs send).
/// - Headers `host`, `x-acs-action`, `x-acs-version`, `accept: application/json`,
///   `user-agent: ice-rs/<version>`, `content-type` (with a body), `x-acs-date`,
///   `x-acs-signature-nonce`, `x-acs-content-sha256`, `Authorization` (V3), plus
///   `x-acs-accesskey-id` / `x-acs-security-token` for STS credentials,
///   `x-acs-credentials-provider` (the credentials' provider name, e.g. `default/env`) and
///   `x-acs-retry-attempts` / `x-acs-retry-delay` on retries. All of them are signed.
/// - [`SignatureVersion::V2`]: the common RPC parameters (`Action`, `Timestamp`,
///   `SignatureNonce`, `AccessKeyId`, `SecurityToken`, …) and `Signature` go into the query;
///   headers are sent but not signed.
/// - `Anonymous` operations go out as the official SDK sends them: on its RPC path, unsigned,
///   with `Action`, `Format=json`, `Version`, `Timestamp` and `SignatureNonce` first in the
///   query, no `x-acs-date`/nonce/content hash headers; the credentials provider is never asked.
/// - URLs over [`MAX_URL_BYTES`] and header blocks over [`MAX_HEADER_BYTES`] are refused
///   before sending ([`Encode`](ErrorKind::Encode) error).
///
/// What is read back: success bodies up to
/// [`Config::max_response_bytes`](crate::Config::max_response_bytes) (checked while streaming),
/// error answers up to [`MAX_ERROR_BODY_BYTES`]. Redirects (3xx) are never followed; they fail
/// the call with a [`Service`](ErrorKind::Service) error naming the status and the redacted
/// `Location`. Every text taken from a response into an error or a log line is
/// [redacted](super::redact).
///
/// ```no_run
/// # use ice_api::Operation;
/// # async fn demo<Req: Operation>(request: Req) -> Result<(), ice_api::Error>
/// # where Req::Response: std::fmt::Debug {
/// use ice_api::runtime::credentials::Credentials;
/// use ice_api::{Client, Config};
///
/// let client = Client::new(
///     Config::builder()
///         .region("cn-shanghai")
///         .credentials(Credentials::new("LTAI5tExampleKeyabcd", "example-secret"))
///         .build()?,
/// )?;
/// // `request` is any generated request type, e.g. `SubmitSceneMediaSelectionJobRequest`.
/// match client.send(&request).await {
///     Ok(response) => println!("{response:?}"),
///     Err(e) if e.is_throttling() => eprintln!("still throttled after retries: {e}"),
///     Err(e) => eprintln!("{e}"), // one line: status, code, message, request id
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// The endpoint, parsed once.
    base_url: reqwest::Url,
    /// `host` and `user-agent` as header values, made once (`None`: not sendable, reported
    /// per call as before).
    host: Option<HeaderValue>,
    user_agent: Option<HeaderValue>,
    /// The first credentials provider name sent, as a header value (a client's credentials
    /// nearly always come from one provider).
    provider: OnceLock<(String, HeaderValue)>,
    transport: Transport,
    limiter: Option<RateLimiter>,
}

impl Inner {
    /// The `x-acs-credentials-provider` value: made once for the first provider name seen.
    fn provider_value(&self, name: &str) -> Result<HeaderValue, Box<ErrorKind>> {
        const HEADER: &str = "x-acs-credentials-provider";
        let (first, value) = match self.provider.get() {
            Some(cached) => cached,
            None => {
                let v = HeaderValue::from_str(name).map_err(|_| unsendable_value(HEADER))?;
                self.provider.get_or_init(|| (name.to_owned(), v))
            }
        };
        if first == name {
            return Ok(value.clone());
        }
        HeaderValue::from_str(name).map_err(|_| unsendable_value(HEADER))
    }
}

/// The header values of an operation's constants (`ACTION`, `VERSION`), made at compile time,
/// once per operation type.
trait ConstValues: Operation {
    const ACTION_VALUE: Option<HeaderValue> = const_value(Self::ACTION);
    const VERSION_VALUE: Option<HeaderValue> = const_value(Self::VERSION);
}

impl<O: Operation> ConstValues for O {}

/// `text` as a header value without a copy, when it is one (non-empty visible ASCII, checked
/// first, so that `from_static` never sees what it would reject).
const fn const_value(text: &'static str) -> Option<HeaderValue> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_graphic() {
            return None;
        }
        i += 1;
    }
    Some(HeaderValue::from_static(text))
}

/// The content type of every form body.
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Constant header values, made at compile time.
const FORM_CONTENT_TYPE_VALUE: HeaderValue = HeaderValue::from_static(FORM_CONTENT_TYPE);
const ACCEPT_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// Where requests go: the network, or an in-process service ([`Client::with_transport`]).
enum Transport {
    Http(reqwest::Client),
    /// The service, and the endpoint as a URI (parsed once).
    InProcess(Box<dyn InProcess>, http::Uri),
}

/// A boxed in-process service: a clone of it answers each request.
trait InProcess: Send + Sync {
    fn call(&self, request: http::Request<Bytes>) -> BoxFuture<'static, http::Response<Bytes>>;
}

impl<S> InProcess for S
where
    S: tower_service::Service<
            http::Request<Bytes>,
            Response = http::Response<Bytes>,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    fn call(&self, request: http::Request<Bytes>) -> BoxFuture<'static, http::Response<Bytes>> {
        let mut service = self.clone();
        // Most in-process services are ready at once. Asked first without the task's waker,
        // such a service takes the request here, and only its answer is boxed; one that is not
        // ready is asked again, with the waker, inside the boxed future.
        let mut cx = Context::from_waker(std::task::Waker::noop());
        if let Poll::Ready(Ok(())) = service.poll_ready(&mut cx) {
            let answer = tower_service::Service::call(&mut service, request);
            return Box::pin(async move {
                match answer.await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            });
        }
        Box::pin(async move {
            match std::future::poll_fn(|cx| service.poll_ready(cx)).await {
                Ok(()) => match tower_service::Service::call(&mut service, request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                },
                Err(never) => match never {},
            }
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// A request assembled by hand, for [`Client::send_raw_request`].
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// Action name, e.g. `GetSmartHandleJob`.
    pub action: String,
    /// API version (default [`API_VERSION`]).
    pub version: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// Signed or anonymous.
    pub auth: Auth,
    /// Whether re-sending after the request may have reached the server is harmless.
    pub idempotent: bool,
    /// Whether the operation's success response declares its own `Code`
    /// (see [`Operation::RESPONSE_DECLARES_CODE`]).
    pub response_declares_code: bool,
    /// Query and form parameters.
    pub params: WireParams,
}

impl RawRequest {
    /// A signed, non-idempotent request for `action` (version 2020-11-09).
    pub fn new(action: impl Into<String>, method: HttpMethod, params: WireParams) -> Self {
        Self {
            action: action.into(),
            version: API_VERSION.to_owned(),
            method,
            auth: Auth::AccessKey,
            idempotent: false,
            response_declares_code: false,
            params,
        }
    }

    /// Marks the request as safe to re-send (Get*/List*/Query*/Describe*).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Sends the request unsigned.
    pub fn anonymous(mut self) -> Self {
        self.auth = Auth::Anonymous;
        self
    }

    /// The escape hatch from a typed request: its validated wire parameters as a raw request,
    /// to change by hand (e.g. replace a JSON-string parameter with text of your own) and send
    /// with [`Client::send_raw_request`]; decode the answer with [`RawResponse::json`].
    ///
    #[cfg_attr(ice_op = "SubmitSceneMediaSelectionJob", doc = "```")]
    #[cfg_attr(not(ice_op = "SubmitSceneMediaSelectionJob"), doc = "```ignore")]
    /// # use ice_api::media_production::{OutputConfig, SceneMediaSelection, SmartMixInputConfig, SubmitSceneMediaSelectionJobRequest};
    /// use ice_api::{Location, RawRequest};
    /// let typed = SubmitSceneMediaSelectionJobRequest::new(SceneMediaSelection::smart_mix(
    ///     SmartMixInputConfig::from_media_array(["****media****"]),
    ///     OutputConfig::new("https://bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4"),
    /// ));
    /// let mut raw = RawRequest::from_operation(&typed)?;
    /// raw.params.set(Location::Form, "InputConfig", r#"{"MediaArray":["****media****"],"NewKey":1}"#);
    /// assert_eq!(raw.action, "SubmitSceneMediaSelectionJob");
    /// # Ok::<(), ice_api::Error>(())
    /// ```
    pub fn from_operation<O: Operation>(request: &O) -> Result<Self, Error> {
        Ok(Self {
            action: O::ACTION.to_owned(),
            version: O::VERSION.to_owned(),
            method: O::METHOD,
            auth: O::AUTH,
            idempotent: O::IDEMPOTENT,
            response_declares_code: O::RESPONSE_DECLARES_CODE,
            params: for_method(O::METHOD, decoded(request)?),
        })
    }

    /// Declares that the operation's success response has its own `Code` field, so a 2xx body
    /// with a `Code` is an error only when it also says `Success: false` (see
    /// [`Operation::RESPONSE_DECLARES_CODE`]).
    pub fn response_declares_code(mut self, yes: bool) -> Self {
        self.response_declares_code = yes;
        self
    }
}

/// A success (2xx) response, undecoded.
#[derive(Clone)]
pub struct RawResponse {
    status: u16,
    header_map: HeaderMap,
    /// `header_map` as text pairs, made when first asked for.
    headers: OnceLock<Vec<(String, String)>>,
    body: Bytes,
    /// The body's `RequestId` as found (unredacted; the header's is read from `header_map`).
    found_id: Option<FoundId>,
    /// The request id, redacted when first asked for (most calls never ask).
    request_id: OnceLock<Option<String>>,
    attempts: u32,
    /// Knows the attempt's secrets, for the request id and decode errors.
    redactor: Redactor,
}

impl RawResponse {
    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Response headers (lower-case names, in arrival order; values that are not text are
    /// left out).
    pub fn headers(&self) -> &[(String, String)] {
        self.headers.get_or_init(|| {
            self.header_map
                .iter()
                .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                .collect()
        })
    }

    /// One header value by (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers()
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> Vec<u8> {
        Vec::from(self.body)
    }

    /// `RequestId` from the body, else the `x-acs-request-id` header (redacted).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id
            .get_or_init(|| {
                let found = match &self.found_id {
                    Some(id) => id.text(&self.body),
                    None => text_header(&self.header_map, &names::REQUEST_ID),
                };
                found.map(|id| self.redactor.redact(id).into_owned())
            })
            .as_deref()
    }

    /// Attempts it took (1 without retries).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Decodes the body as JSON. On failure the body is decoded once more, tracking the path, so
    /// the error names the field (`EditingBatchJob.JobId: missing field …`).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        serde_json::from_slice(&self.body).map_err(|e| self.decode_error::<T>(&e))
    }

    fn decode_error<T: DeserializeOwned>(&self, e: &serde_json::Error) -> DecodeError {
        explain::<T>(
            self.status,
            &self.body,
            self.request_id().map(str::to_owned),
            e,
            &self.redactor,
        )
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("attempts", &self.attempts)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The longest read timeout handed to reqwest: 0.13 adds it to `Instant::now()` unchecked, so
/// `Duration::MAX` would panic there. A century is "never" for any call.
const LONGEST_READ_TIMEOUT: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Validated, encoded request: everything the executor needs, without the operation's type.
struct Prepared {
    action: Cow<'static, str>,
    version: Cow<'static, str>,
    /// `action` and `version` as header values, when they are compile-time constants.
    action_value: Option<HeaderValue>,
    version_value: Option<HeaderValue>,
    method: HttpMethod,
    auth: Auth,
    /// Idempotent, or carries a `ClientToken`.
    resend_safe: bool,
    /// [`Operation::RESPONSE_DECLARES_CODE`].
    declares_code: bool,
    params: Params,
}

/// A request's parameters, as the attempts need them.
enum Params {
    /// Decoded pairs: raw requests, V2 signatures and anonymous calls.
    Decoded(WireParams),
    /// Typed requests signed with ACS3: encoded in one pass, canonical query (signed, and
    /// sent as the URL's query) and body joined once per call.
    Encoded(Joined),
}

impl Params {
    /// The form body, once per call (borrowed when it was joined with the encoding).
    fn body(&self) -> Option<Cow<'_, Bytes>> {
        match self {
            Params::Decoded(w) if w.form().is_empty() => None,
            Params::Decoded(w) => Some(Cow::Owned(Bytes::from(percent::form_body(w.form())))),
            Params::Encoded(e) => e.body.as_ref().map(Cow::Borrowed),
        }
    }

    /// The query as the ACS3 signer takes it.
    fn v3_query(&self) -> v3::Query<'_> {
        match self {
            Params::Decoded(w) => v3::Query::Pairs(w.query()),
            Params::Encoded(e) => v3::Query::Canonical(&e.query),
        }
    }

    /// The query parameter with the longest key and value.
    fn largest_query_key(&self) -> Option<&str> {
        match self {
            Params::Decoded(w) => w
                .query()
                .iter()
                .max_by_key(|(k, v)| k.len() + v.len())
                .map(|(k, _)| k.as_str()),
            Params::Encoded(e) => e.largest_query_key(),
        }
    }
}

impl Client {
    /// A client for `config`. Fails only if the HTTP stack cannot be initialised.
    pub fn new(config: Config) -> Result<Self, Error> {
        let t = config.timeouts();
        let http = super::tls::client_builder()
            .map_err(|e| ConfigError::new("http client", error_chain(&e)))?
            .connect_timeout(t.connect)
            .read_timeout(t.read.min(LONGEST_READ_TIMEOUT))
            .timeout(t.total)
            // A redirect would re-send signed headers elsewhere; ICE never redirects.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError::new("http client", error_chain(&e)))?;
        // `?` above converts the ConfigError into the crate's one Error.
        Self::with(config, Transport::Http(http))
    }

    /// A client whose requests are answered by `service` in the same process instead of going
    /// over the network: everything else (validation, encoding, signing, retries, the bounded
    /// body read, decoding) runs as with [`Client::new`]. For tests and benchmarks that must
    /// not depend on sockets; the service sees each request as sent (absolute URI with the
    /// signed query, all headers, the body) and answers with status, headers and body.
    /// The total timeout still applies; connect and read timeouts do not.
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use std::future::{ready, Ready};
    /// use std::task::{Context, Poll};
    ///
    /// use bytes::Bytes;
    /// use ice_api::runtime::credentials::Credentials;
    /// use ice_api::{Client, Config, HttpMethod, WireParams};
    ///
    /// #[derive(Clone)]
    /// struct Answer;
    /// impl tower_service::Service<http::Request<Bytes>> for Answer {
    ///     type Response = http::Response<Bytes>;
    ///     type Error = Infallible;
    ///     type Future = Ready<Result<Self::Response, Infallible>>;
    ///     fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
    ///         Poll::Ready(Ok(()))
    ///     }
    ///     fn call(&mut self, req: http::Request<Bytes>) -> Self::Future {
    ///         assert!(req.headers().contains_key("authorization"));
    ///         ready(Ok(http::Response::new(Bytes::from_static(br#"{"RequestId":"r-1"}"#))))
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let config = Config::builder()
    ///     .region("cn-shanghai")
    ///     .credentials(Credentials::new("LTAI5tExampleKeyabcd", "example-secret"))
    ///     .build()?;
    /// let client = Client::with_transport(config, Answer)?;
    /// let raw = client.send_raw("ListAllPublicMediaTags", HttpMethod::Post, WireParams::new()).await?;
    /// assert_eq!(raw.request_id(), Some("r-1"));
    /// # Ok::<(), ice_api::Error>(()) }).unwrap();
    /// ```
    #[doc(hidden)]
    pub fn with_transport<S>(config: Config, service: S) -> Result<Self, Error>
    where
        S: tower_service::Service<
                http::Request<Bytes>,
                Response = http::Response<Bytes>,
                Error = std::convert::Infallible,
            > + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        let base = http::Uri::try_from(config.endpoint().url())
            .map_err(|e| ConfigError::new("endpoint", e.to_string()))?;
        Self::with(config, Transport::InProcess(Box::new(service), base))
    }

    fn with(config: Config, transport: Transport) -> Result<Self, Error> {
        let base_url = reqwest::Url::parse(config.endpoint().url())
            .map_err(|e| ConfigError::new("endpoint", e.to_string()))?;
        let limiter = config.rate_limit().map(RateLimiter::new);
        let host = HeaderValue::from_str(config.endpoint().host()).ok();
        let user_agent = HeaderValue::from_str(config.user_agent()).ok();
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                base_url,
                host,
                user_agent,
                provider: OnceLock::new(),
                transport,
                limiter,
            }),
        })
    }

    /// A client from [`Config::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        Self::new(Config::from_env()?)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends a typed request: validate → encode → sign → send (with retries) → decode.
    ///
    /// A 2xx answer is not always a success: when its body is the gateway's error object
    /// (`{"Code":…,"Message":…,"RequestId":…}`), the call fails with a
    /// [`Service`](ErrorKind::Service) error carrying the 2xx status. For the operations whose
    /// response declares a `Code` of its own ([`Operation::RESPONSE_DECLARES_CODE`]), only a body
    /// with `Success: false` and a `Code` is such an error.
    pub async fn send<O: Operation>(&self, request: &O) -> Result<O::Response, Error> {
        let v3 = self.inner.config.signature_version() == SignatureVersion::V3;
        let prepared = prepare(request, v3)?;
        let mut typed = Typed::<O::Response>::new();
        let raw = self.execute(&prepared, &mut typed).await?;
        // The value was decoded with the body's one pass; the path-tracking decoder runs only
        // to explain a failure.
        let value = match typed.take() {
            Some(value) => value,
            None => serde_json::from_slice(&raw.body),
        };
        value.map_err(|e| {
            let d = raw.decode_error::<O::Response>(&e);
            Error::new(O::ACTION, ErrorKind::Decode(d)).with_attempts(raw.attempts)
        })
    }

    /// Sends hand-built parameters as a signed, non-idempotent request (version 2020-11-09).
    /// It is re-sent after it may have reached the server only if it carries a `ClientToken`.
    pub async fn send_raw(
        &self,
        action: &str,
        method: HttpMethod,
        params: WireParams,
    ) -> Result<RawResponse, Error> {
        self.send_raw_request(RawRequest::new(action, method, params))
            .await
    }

    /// Sends a hand-built request with full control over version, auth and idempotency.
    pub async fn send_raw_request(&self, request: RawRequest) -> Result<RawResponse, Error> {
        let has_token = request
            .params
            .get("ClientToken")
            .is_some_and(|(_, v)| !v.is_empty());
        let prepared = Prepared {
            action: Cow::Owned(request.action),
            version: Cow::Owned(request.version),
            action_value: None,
            version_value: None,
            method: request.method,
            auth: request.auth,
            resend_safe: request.idempotent || has_token,
            declares_code: request.response_declares_code,
            params: Params::Decoded(for_method(request.method, request.params)),
        };
        self.execute(&prepared, &mut ProbeOnly).await
    }

    /// The non-generic core: one span per call, attempts until success or the policy stops.
    /// (`p` is borrowed: an async function keeps a second copy of each argument it owns.)
    async fn execute(
        &self,
        p: &Prepared,
        decoder: &mut dyn SuccessDecoder,
    ) -> Result<RawResponse, Error> {
        let config = &self.inner.config;
        let span = tracing::debug_span!(
            "ice_call",
            action = %p.action,
            region = config.region().unwrap_or(""),
            attempts = Empty,
            status = Empty,
            request_id = Empty,
            latency_ms = Empty,
        );
        // The clock is read for the latency only when someone listens (a read costs about as
        // much as a header): the deadline reads it when it is first needed.
        let listened = !span.is_disabled() || tracing::enabled!(tracing::Level::DEBUG);
        let started = listened.then(Instant::now);
        let mut deadline = Deadline::new(config.timeouts().total);
        // Wrapped only when someone listens, and then boxed: the wrapper would otherwise be
        // a second, larger copy of the attempts in this future, which every caller moves.
        let attempts = self.attempts(p, decoder, &mut deadline);
        let result = if span.is_disabled() {
            attempts.await
        } else {
            Box::pin(attempts.instrument(span.clone())).await
        };
        let Some(started) = started else {
            return result;
        };
        let latency_ms = started.elapsed().as_millis() as u64;
        span.record("latency_ms", latency_ms);
        span.in_scope(|| match &result {
            Ok(raw) => {
                span.record("attempts", raw.attempts);
                span.record("status", raw.status);
                if let Some(id) = raw.request_id() {
                    span.record("request_id", id);
                }
                tracing::debug!(
                    status = raw.status,
                    attempts = raw.attempts,
                    latency_ms,
                    "ICE call succeeded"
                );
            }
            Err(e) => {
                span.record("attempts", e.attempts());
                if let Some(s) = e.status() {
                    span.record("status", s);
                }
                if let Some(id) = e.request_id() {
                    span.record("request_id", id);
                }
                tracing::debug!(error = %e, attempts = e.attempts(), latency_ms, "ICE call failed");
            }
        });
        result
    }

    async fn attempts(
        &self,
        p: &Prepared,
        decoder: &mut dyn SuccessDecoder,
        deadline: &mut Deadline,
    ) -> Result<RawResponse, Error> {
        let config = &self.inner.config;
        let body = p.params.body();
        let mut sent = 0u32;
        let mut last_delay: Option<Duration> = None;
        loop {
            let attempt = sent + 1;
            if let Some(limiter) = &self.inner.limiter {
                // Boxed, as every await that most calls skip or that the network dwarfs: the
                // call's future stays small, and it is moved whole at each level.
                if Box::pin(tokio::time::timeout_at(deadline.at(), limiter.acquire()))
                    .await
                    .is_err()
                {
                    let kind =
                        not_sent_timeout("the total timeout elapsed waiting for the rate limit");
                    return Err(Error::new(p.action.clone(), kind).with_attempts(sent));
                }
            }
            // Scoped, so that neither the attempt nor its outcome is kept in this future across
            // the retry's sleep.
            let failure = {
                let span = tracing::debug_span!("ice_attempt", attempt);
                let fut = self.attempt(p, body.as_deref(), decoder, attempt, last_delay, deadline);
                let outcome = if span.is_disabled() {
                    fut.await
                } else {
                    Box::pin(fut.instrument(span)).await
                };
                match outcome {
                    Ok(mut raw) => {
                        raw.attempts = attempt;
                        return Ok(raw);
                    }
                    Err(Failure::BeforeSend(kind)) => {
                        return Err(Error::new(p.action.clone(), *kind).with_attempts(sent))
                    }
                    Err(Failure::AfterSend(kind)) => *kind,
                }
            };
            sent = attempt;
            let decision = config
                .retry_policy()
                .decide(&failure, attempt, p.resend_safe);
            match decision {
                Some(delay)
                    if Instant::now()
                        .checked_add(delay)
                        .is_some_and(|t| t < deadline.at()) =>
                {
                    tracing::debug!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        reason = %Error::new(p.action.clone(), failure),
                        "retrying"
                    );
                    Box::pin(tokio::time::sleep(delay)).await;
                    last_delay = Some(delay);
                }
                _ => return Err(Error::new(p.action.clone(), failure).with_attempts(attempt)),
            }
        }
    }

    /// One signed HTTP exchange.
    ///
    /// The request is built and handed to the transport by [`Client::outgoing`], a plain
    /// function: its headers, URL and signer state never live in this future, which every
    /// level of the call moves whole.
    async fn attempt(
        &self,
        p: &Prepared,
        body: Option<&Bytes>,
        decoder: &mut dyn SuccessDecoder,
        attempt: u32,
        last_delay: Option<Duration>,
        deadline: &mut Deadline,
    ) -> Result<RawResponse, Failure> {
        let config = &self.inner.config;
        let (exchange, redactor) = match p.auth {
            Auth::AccessKey => match config.credentials_provider().and_then(|c| c.fixed()) {
                Some(fixed) => {
                    self.outgoing(p, body, attempt, last_delay, Some(fixed), deadline)?
                }
                None => {
                    // Boxed, so that this future stays small: only providers that are not
                    // fixed get here (and their cached credentials are ready at once).
                    let fetched = within(deadline.at(), &mut Box::pin(self.credentials()))
                        .await
                        .map_err(|_| {
                            Failure::BeforeSend(Box::new(not_sent_timeout(
                                "the total timeout elapsed while fetching credentials",
                            )))
                        })?
                        .map_err(Failure::BeforeSend)?;
                    self.outgoing(p, body, attempt, last_delay, Some(&fetched), deadline)?
                }
            },
            Auth::Anonymous => self.outgoing(p, body, attempt, last_delay, None, deadline)?,
        };
        let mut answer = match exchange {
            Exchange::Net(sending) => {
                Answer::Net(sending.await.map_err(|e| send_failure(e, &redactor))?)
            }
            Exchange::Local(mut answering) => match within(deadline.at(), &mut answering).await {
                Ok(answer) => {
                    let (parts, body) = answer.into_parts();
                    Answer::Local(parts, body)
                }
                Err(_) => {
                    return Err(Failure::AfterSend(Box::new(ErrorKind::Transport(
                        TransportError {
                            kind: TransportKind::Timeout,
                            may_have_reached_server: true,
                            message: "the in-process transport did not answer in time".to_owned(),
                        },
                    ))))
                }
            },
        };
        let status = answer.status();
        tracing::debug!(attempt, status, "response headers received");
        let read_failure =
            |e: reqwest::Error| Failure::AfterSend(Box::new(transport(e, &redactor)));

        if !(200..300).contains(&status) {
            let (bytes, _) = answer
                .read(MAX_ERROR_BODY_BYTES)
                .await
                .map_err(read_failure)?;
            let headers = answer.headers();
            let redirect = (300..400).contains(&status);
            let retry_after = text_header(headers, &names::RETRY_AFTER)
                .filter(|_| !redirect)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|ms| *ms > 0)
                .map(|ms| Duration::from_millis(ms.min(MAX_RETRY_AFTER_MS)));
            let mut err = ServiceError::parse(
                status,
                header_id(headers, &redactor).as_deref(),
                retry_after,
                &bytes,
                &redactor,
            );
            if redirect {
                err.location = text_header(headers, &reqwest::header::LOCATION)
                    .map(|l| redactor.redact(l).into_owned());
            }
            return Err(Failure::AfterSend(Box::new(ErrorKind::Service(err))));
        }

        let limit = config.max_response_bytes();
        let too_large = |start: &[u8], headers: &HeaderMap| {
            Failure::AfterSend(Box::new(ErrorKind::Decode(DecodeError {
                status,
                request_id: header_id(headers, &redactor),
                message: format!("the body is larger than {limit} bytes"),
                body_snippet: redacted_snippet(start, &redactor),
                body_limit: Some(limit),
            })))
        };
        if answer
            .content_length()
            .is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
        {
            return Err(too_large(&[], answer.headers()));
        }
        let (bytes, complete) = answer.read(limit).await.map_err(read_failure)?;
        if !complete {
            return Err(too_large(&bytes, answer.headers()));
        }
        let probe = decoder.decode(&bytes);
        if probe.is_error(p.declares_code) {
            let err = ServiceError::parse(
                status,
                header_id(answer.headers(), &redactor).as_deref(),
                None,
                &bytes,
                &redactor,
            );
            return Err(Failure::AfterSend(Box::new(ErrorKind::Service(err))));
        }
        Ok(RawResponse {
            status,
            header_map: answer.into_headers(),
            headers: OnceLock::new(),
            body: bytes,
            found_id: probe.request_id(),
            request_id: OnceLock::new(),
            attempts: attempt,
            redactor,
        })
    }

    /// Signs one attempt and hands it to the transport: the exchange under way, and the
    /// redactor primed with what would be worst to echo (the credentials and the signature).
    fn outgoing(
        &self,
        p: &Prepared,
        body: Option<&Bytes>,
        attempt: u32,
        last_delay: Option<Duration>,
        credentials: Option<&Credentials>,
        deadline: &mut Deadline,
    ) -> Result<(Exchange, Redactor), Failure> {
        let request = build_request(
            &self.inner,
            p,
            body.map(|b| &b[..]),
            attempt,
            last_delay,
            credentials,
        )
        .map_err(Failure::BeforeSend)?;
        // Everything the server says passes this.
        let mut known = SmallVec::new();
        if let Some(c) = credentials {
            known.push(Known::Shared(c.access_key_secret.shared()));
            if let Some(token) = &c.security_token {
                known.push(Known::Shared(token.shared()));
            }
        }
        known.extend(request.signature);
        let redactor = Redactor::from_known(known);
        let remaining = deadline.remaining();
        if remaining.is_zero() {
            return Err(Failure::BeforeSend(Box::new(not_sent_timeout(
                "the total timeout elapsed before the attempt",
            ))));
        }
        let method = match p.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
        };
        let mut headers = request.headers;
        if body.is_none() && p.method == HttpMethod::Post {
            // As the official SDKs: some front ends answer 411 to a POST without a length.
            headers.insert(
                reqwest::header::CONTENT_LENGTH,
                HeaderValue::from_static("0"),
            );
        }
        let exchange = match &self.inner.transport {
            Transport::Http(http) => {
                // The endpoint was parsed once, with the client; only the query is parsed here.
                let mut url = self.inner.base_url.clone();
                if !request.query.is_empty() {
                    url.set_query(Some(&request.query));
                }
                let mut req = reqwest::Request::new(method, url);
                *req.headers_mut() = headers;
                *req.timeout_mut() = Some(remaining);
                *req.body_mut() = body.cloned().map(reqwest::Body::from);
                Exchange::Net(Box::pin(http.execute(req)))
            }
            Transport::InProcess(service, base) => {
                let mut req = http::Request::new(body.cloned().unwrap_or_default());
                *req.method_mut() = method;
                *req.uri_mut() = local_uri(base, &request.query).map_err(|e| {
                    Failure::BeforeSend(Box::new(ErrorKind::Encode(EncodeError::new(
                        "request",
                        format!("{e}; nothing was sent"),
                    ))))
                })?;
                *req.headers_mut() = headers;
                Exchange::Local(service.call(req))
            }
        };
        Ok((exchange, redactor))
    }

    async fn credentials(&self) -> Result<Credentials, Box<ErrorKind>> {
        match self.inner.config.credentials_provider() {
            Some(p) => p
                .provide()
                .await
                .map_err(|e| Box::new(ErrorKind::Credentials(e))),
            None => Err(Box::new(ErrorKind::Credentials(CredentialsError::new(
                "config",
                "no credentials configured; use Config::builder().credentials(..) or Config::from_env()",
            )))),
        }
    }
}

/// The call's deadline: the total timeout from the moment the call first needs the clock (the
/// first attempt, once signed; or the rate limiter), so that a call that waits for nothing
/// reads it once. The microseconds of validation and encoding before that are not counted.
struct Deadline {
    /// Clamped so that `Instant` arithmetic cannot overflow on absurd settings.
    total: Duration,
    at: Option<Instant>,
}

impl Deadline {
    fn new(total: Duration) -> Self {
        Self {
            total: total.min(MAX_TOTAL_TIMEOUT),
            at: None,
        }
    }

    fn at(&mut self) -> Instant {
        let total = self.total;
        *self.at.get_or_insert_with(|| Instant::now() + total)
    }

    /// The time left, reading the clock once.
    fn remaining(&mut self) -> Duration {
        let now = Instant::now();
        let at = *self.at.get_or_insert(now + self.total);
        at.saturating_duration_since(now)
    }
}

/// Why one attempt ended without a success response.
enum Failure {
    /// Nothing was sent (credentials, signing): never retried.
    BeforeSend(Box<ErrorKind>),
    /// Sent (or tried to connect): the retry policy decides.
    AfterSend(Box<ErrorKind>),
}

/// Validates, encodes and signs `request` with ACS3-HMAC-SHA256 exactly as [`Client::send`]
/// does for one attempt, for a request sent some other way (your own HTTP stack) or inspected:
/// returns the form body (empty when there is none) and the signature, whose
/// [`canonical_query`](SignedV3::canonical_query) is the URL's query and whose
/// [`headers`](SignedV3::headers) join `headers` on the request.
///
/// `headers` are the headers to sign besides the signer's own, as in
/// [`V3Input::headers`]: at least `host`, `x-acs-action` (the operation's
/// [`ACTION`](Operation::ACTION)), `x-acs-version` and, with a body, `content-type:
/// application/x-www-form-urlencoded`. Decode the answer with
/// [`decode_success`](super::response::decode_success).
///
#[cfg_attr(ice_op = "SubmitSceneMediaSelectionJob", doc = "```")]
#[cfg_attr(not(ice_op = "SubmitSceneMediaSelectionJob"), doc = "```ignore")]
/// # use ice_api::media_production::{OutputConfig, SceneMediaSelection, SmartMixInputConfig, SubmitSceneMediaSelectionJobRequest};
/// use ice_api::runtime::client::sign_operation;
/// use ice_api::runtime::credentials::Credentials;
///
/// let request = SubmitSceneMediaSelectionJobRequest::new(SceneMediaSelection::smart_mix(
///     SmartMixInputConfig::from_media_array(["****media****"]),
///     OutputConfig::new("https://bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4"),
/// ));
/// let (body, signed) = sign_operation(
///     &request,
///     &[
///         ("host", "ice.cn-shanghai.aliyuncs.com"),
///         ("x-acs-action", "SubmitSceneMediaSelectionJob"),
///         ("x-acs-version", "2020-11-09"),
///         ("content-type", "application/x-www-form-urlencoded"),
///     ],
///     &Credentials::new("LTAI5tExampleKeyabcd", "example-secret"),
///     "2026-11-24T01:00:00Z",
///     "e9af8d2cdde25a28e2689beda2c6bab8",
/// )?;
/// assert!(body.starts_with(b"InputConfig=%7B%22MediaArray%22"));
/// assert!(signed.canonical_query().starts_with("JobType=Smart_Mix_Media_Select&"));
/// assert!(signed.authorization().starts_with("ACS3-HMAC-SHA256 Credential=LTAI5tExampleKeyabcd,"));
/// # Ok::<(), ice_api::Error>(())
/// ```
pub fn sign_operation<O: Operation>(
    request: &O,
    headers: &[(&str, &str)],
    credentials: &Credentials,
    date: &str,
    nonce: &str,
) -> Result<(Bytes, SignedV3), Error> {
    let p = prepare(request, true)?;
    let body = p.params.body().map(Cow::into_owned).unwrap_or_default();
    let input = V3Input {
        method: O::METHOD.as_str(),
        path: "/",
        query: &[],
        headers,
        body: &body,
        date,
        nonce,
        credentials,
    };
    let signed = v3::sign(&input, p.params.v3_query()).map_err(|e| {
        Error::new(
            O::ACTION,
            ErrorKind::Encode(EncodeError::new("request", e.to_string())),
        )
        .with_attempts(0)
    })?;
    Ok((body, signed))
}

/// The generic front half of `send`: validation and encoding. ACS3-signed typed requests (`v3`)
/// are encoded in one pass into their canonical query and form body; the rest into
/// [`WireParams`].
fn prepare<O: Operation>(request: &O, v3: bool) -> Result<Prepared, Error> {
    let params = match (v3, O::AUTH) {
        (true, Auth::AccessKey) => match encoded(request)? {
            Some(e) => Params::Encoded(e),
            // A form key given twice: its order depends on the raw values.
            None => Params::Decoded(for_method(O::METHOD, decoded(request)?)),
        },
        _ => Params::Decoded(for_method(O::METHOD, decoded(request)?)),
    };
    Ok(Prepared {
        action: Cow::Borrowed(O::ACTION),
        version: Cow::Borrowed(O::VERSION),
        action_value: O::ACTION_VALUE,
        version_value: O::VERSION_VALUE,
        method: O::METHOD,
        auth: O::AUTH,
        resend_safe: O::IDEMPOTENT || request.client_token().is_some_and(|t| !t.is_empty()),
        declares_code: O::RESPONSE_DECLARES_CODE,
        params,
    })
}

fn invalid<O: Operation>(v: crate::ValidationErrors) -> Error {
    Error::new(O::ACTION, ErrorKind::Validation(v)).with_attempts(0)
}

fn unencodable<O: Operation>(e: EncodeError) -> Error {
    Error::new(O::ACTION, ErrorKind::Encode(e)).with_attempts(0)
}

/// Validates and encodes into [`WireParams`].
fn decoded<O: Operation>(request: &O) -> Result<WireParams, Error> {
    request.validated().map_err(invalid::<O>)?;
    request.to_wire().map_err(unencodable::<O>)
}

/// Encodes in one pass, then validates, measuring JSON parameters on their encoded text
/// ([`Validator::json_bytes`](crate::Validator::json_bytes)); a request that is both invalid
/// and unencodable still reports its violations. `None` when a form key repeats.
fn encoded<O: Operation>(request: &O) -> Result<Option<Joined>, Error> {
    let mut params = EncodedParams::new(O::METHOD);
    if let Err(e) = request.encode_to(&mut params) {
        request.validated().map_err(invalid::<O>)?;
        return Err(unencodable::<O>(e));
    }
    let (valid, params) = Validator::run(request, Some(params));
    valid.map_err(invalid::<O>)?;
    match params {
        Some(params) => params.finish().map_err(unencodable::<O>),
        None => Ok(None),
    }
}

/// A GET request has no body: form parameters, if any, join the query.
fn for_method(method: HttpMethod, params: WireParams) -> WireParams {
    if method == HttpMethod::Post || params.form().is_empty() {
        return params;
    }
    let (query, form) = params.into_parts();
    let mut out = WireParams::new();
    for (k, v) in query.into_iter().chain(form) {
        out.push(super::wire::Location::Query, k, v);
    }
    out
}

struct BuiltRequest<'p> {
    /// The URL's query (empty for none); each transport makes its URL from it once.
    query: Cow<'p, str>,
    headers: HeaderMap,
    /// The signature sent (V3 or V2), so that an echo of it can be redacted.
    signature: Option<Known>,
}

/// Headers, signature and URL of one attempt (fresh date and nonce each time).
fn build_request<'p>(
    inner: &Inner,
    p: &'p Prepared,
    body: Option<&[u8]>,
    attempt: u32,
    last_delay: Option<Duration>,
    credentials: Option<&Credentials>,
) -> Result<BuiltRequest<'p>, Box<ErrorKind>> {
    let config = &inner.config;
    let date = clock::AcsDate::now();
    let nonce = clock::Nonce::new().map_err(|e| {
        Box::new(ErrorKind::Encode(EncodeError::new(
            "request",
            format!("{e}; nothing was sent"),
        )))
    })?;
    let (date, nonce) = (date.as_str(), nonce.as_str());
    let retry_attempts;
    let retry_delay;
    use reqwest::header;
    let provider = credentials
        .map(|c| c.provider_name.as_str())
        .filter(|name| !name.is_empty());
    let sts = credentials
        .and_then(|c| c.security_token.as_ref())
        .is_some_and(|t| !t.expose().is_empty());
    // Sized for every header of the attempt, so that the map never grows: the client's own
    // (below), the signer's three (five with an STS token), `Authorization`, and
    // `content-length` for an empty POST.
    let mut headers = HeaderMap::with_capacity(
        10 + usize::from(provider.is_some()) + 2 * usize::from(attempt > 1) + 2 * usize::from(sts),
    );
    let mut header_bytes = 0;
    // The client's own headers, signed as text (`base`, in the signer's order: sorted by name,
    // so that it has little to sort) and put in the map as made here (names and values
    // resolved once, not looked up by name).
    let mut base: SmallVec<[(&'static str, &str); 10]> = SmallVec::new();
    let mut put = |name: HeaderName, value: HeaderValue| {
        header_bytes += name.as_str().len() + value.len() + 4;
        headers.insert(name, value);
    };
    let text_value = |name: &'static str, text: &str| {
        HeaderValue::from_str(text).map_err(|_| unsendable_value(name))
    };
    let per_client = |name: &'static str, value: &Option<HeaderValue>| {
        value.clone().ok_or_else(|| unsendable_value(name))
    };
    base.push(("accept", "application/json"));
    put(header::ACCEPT, ACCEPT_JSON);
    if body.is_some() {
        base.push(("content-type", FORM_CONTENT_TYPE));
        put(header::CONTENT_TYPE, FORM_CONTENT_TYPE_VALUE);
    }
    base.push(("host", config.endpoint().host()));
    put(header::HOST, per_client("host", &inner.host)?);
    base.push(("user-agent", config.user_agent()));
    put(
        header::USER_AGENT,
        per_client("user-agent", &inner.user_agent)?,
    );
    base.push(("x-acs-action", &p.action));
    let action = match &p.action_value {
        Some(v) => v.clone(),
        None => text_value("x-acs-action", &p.action)?,
    };
    put(names::ACTION, action);
    // As the official SDKs do: name the credentials' provider (signed with the rest under V3).
    if let Some(name) = provider {
        base.push(("x-acs-credentials-provider", name));
        put(names::PROVIDER, inner.provider_value(name)?);
    }
    if attempt > 1 {
        retry_attempts = (attempt - 1).to_string();
        retry_delay = last_delay.unwrap_or_default().as_millis().to_string();
        base.push(("x-acs-retry-attempts", &retry_attempts));
        put(
            names::RETRY_ATTEMPTS,
            text_value("x-acs-retry-attempts", &retry_attempts)?,
        );
        base.push(("x-acs-retry-delay", &retry_delay));
        put(
            names::RETRY_DELAY,
            text_value("x-acs-retry-delay", &retry_delay)?,
        );
    }
    base.push(("x-acs-version", &p.version));
    let version = match &p.version_value {
        Some(v) => v.clone(),
        None => text_value("x-acs-version", &p.version)?,
    };
    put(names::VERSION, version);
    let body_bytes = body.unwrap_or_default();
    // V2 and anonymous calls are always prepared decoded.
    let decoded = match &p.params {
        Params::Decoded(w) => Some(w),
        Params::Encoded(_) => None,
    };
    let query = decoded.map(WireParams::query).unwrap_or_default();

    let mut add = |name: &'static str, value: HeaderValue| {
        header_bytes += name.len() + value.len() + 4;
        let name =
            header_name(name).map_err(|_| encode_error(name, "is not a valid header name"))?;
        headers.insert(name, value);
        Ok::<_, Box<ErrorKind>>(())
    };
    let (query_string, signature): (Cow<'p, str>, _) =
        match (credentials, config.signature_version()) {
            (None, _) => {
                // As the official SDK (`do_rpcrequest` for `Anonymous`): the RPC common
                // parameters, then the operation's, in order and form-encoded like its
                // `urlencode`; nothing signed, no credential, no date/nonce/hash headers.
                let mut all = sign::anonymous_params(&p.action, &p.version, date, nonce);
                all.extend(query.iter().cloned());
                (Cow::Owned(percent::form_query(&all)), None)
            }
            (Some(creds), SignatureVersion::V3) => {
                let input = V3Input {
                    method: p.method.as_str(),
                    path: "/",
                    query,
                    headers: &base,
                    body: body_bytes,
                    date,
                    nonce,
                    credentials: creds,
                };
                let v3_query = p.params.v3_query();
                // The canonical request is only hashed here: one buffer per thread serves
                // every call. The signer's own header values are read off it before it is
                // reused.
                let sign = |cr: &mut String| {
                    let core =
                        v3::sign_core(&input, v3_query, v3::Names::Trusted, cr).map_err(|e| {
                            Box::new(ErrorKind::Encode(EncodeError::new(
                                "request",
                                e.to_string(),
                            )))
                        })?;
                    let query_string = match v3_query {
                        // The canonical query the one-pass encoding made is the URL's query.
                        v3::Query::Canonical(q) => Cow::Borrowed(q),
                        v3::Query::Pairs(_) => {
                            Cow::Owned(cr.get(core.query.clone()).unwrap_or_default().to_owned())
                        }
                    };
                    // The signer's header values and `Authorization`, in one buffer that
                    // the header values then share (two allocations instead of one each).
                    let mut texts = String::new();
                    let mut own: [Option<(&'static str, Range<usize>)>; 5] = Default::default();
                    let len: usize = core.own_headers(cr).map(|(_, t)| t.len()).sum();
                    texts.reserve(len + 512);
                    for (slot, (name, text)) in own.iter_mut().zip(core.own_headers(cr)) {
                        let start = texts.len();
                        texts.push_str(text);
                        *slot = Some((name, start..texts.len()));
                    }
                    let auth_start = texts.len();
                    core.push_authorization(&input, cr, &mut texts);
                    let auth = auth_start..texts.len();
                    Ok::<_, Box<ErrorKind>>((texts, own, auth, core.digest, query_string))
                };
                // Never panics: while the thread is being torn down a fresh buffer serves.
                let signed = CANONICAL
                    .try_with(|cell| cell.try_borrow_mut().ok().map(|mut cr| sign(&mut cr)))
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| sign(&mut String::new()));
                let (texts, own, auth, signature, query_string) = signed?;
                let texts = Bytes::from(texts);
                let value = |name: &'static str, range: Range<usize>| {
                    HeaderValue::from_maybe_shared(texts.slice(range))
                        .map_err(|_| unsendable_value(name))
                };
                for (name, range) in own.into_iter().flatten() {
                    add(name, value(name, range)?)?;
                }
                add(v3::AUTHORIZATION, value(v3::AUTHORIZATION, auth)?)?;
                (query_string, Some(Known::Digest(signature)))
            }
            (Some(creds), SignatureVersion::V2) => {
                // As `do_rpcrequest`: common parameters join the query; the signature covers
                // query and form body and travels in the query.
                let mut all = sign::common_params_v2(&p.action, &p.version, date, nonce, creds);
                all.extend(query.iter().cloned());
                let query_len = all.len();
                all.extend(
                    decoded
                        .map(WireParams::form)
                        .unwrap_or_default()
                        .iter()
                        .cloned(),
                );
                let signature =
                    sign::sign_v2(p.method.as_str(), &all, creds.access_key_secret.expose());
                all.truncate(query_len);
                let known = Known::Shared(Arc::from(signature.as_str()));
                all.push(("Signature".to_owned(), signature));
                (Cow::Owned(percent::canonical_query(&all)), Some(known))
            }
        };
    if header_bytes > MAX_HEADER_BYTES {
        let largest = headers
            .iter()
            .max_by_key(|(_, v)| v.len())
            .map_or("", |(n, _)| n.as_str());
        return Err(encode_error(
            largest,
            &format!(
                "makes the request headers {header_bytes} bytes, over the \
                 {MAX_HEADER_BYTES}-byte limit (MAX_HEADER_BYTES); nothing was sent"
            ),
        ));
    }
    let url_len =
        inner.base_url.as_str().len() + usize::from(!query_string.is_empty()) + query_string.len();
    if url_len > MAX_URL_BYTES {
        let largest = p.params.largest_query_key().unwrap_or("query");
        return Err(Box::new(ErrorKind::Encode(EncodeError::new(
            largest,
            format!(
                "makes the request URL {url_len} bytes, over the {MAX_URL_BYTES}-byte limit \
                 (MAX_URL_BYTES); nothing was sent"
            ),
        ))));
    }
    Ok(BuiltRequest {
        query: query_string,
        headers,
        signature,
    })
}

thread_local! {
    /// The canonical request of this thread's last V3 signature (hashed, never sent).
    static CANONICAL: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The name of a header the client sends: its own names are made at compile time, any other
/// is parsed (`from_bytes` lower-cases it).
fn header_name(name: &'static str) -> Result<HeaderName, reqwest::header::InvalidHeaderName> {
    use names::*;
    use reqwest::header;
    // The signer's own first: they are looked up on every call.
    Ok(match name {
        v3::X_ACS_DATE => DATE,
        v3::X_ACS_SIGNATURE_NONCE => NONCE,
        v3::X_ACS_CONTENT_SHA256 => CONTENT_SHA256,
        v3::AUTHORIZATION => header::AUTHORIZATION,
        v3::X_ACS_ACCESSKEY_ID => ACCESSKEY_ID,
        v3::X_ACS_SECURITY_TOKEN => SECURITY_TOKEN,
        "host" => header::HOST,
        "accept" => header::ACCEPT,
        "user-agent" => header::USER_AGENT,
        "content-type" => header::CONTENT_TYPE,
        "x-acs-action" => ACTION,
        "x-acs-version" => VERSION,
        "x-acs-credentials-provider" => PROVIDER,
        other => HeaderName::from_bytes(other.as_bytes())?,
    })
}

/// The header names the client sends and reads, made at compile time (`from_static` checks
/// every byte when it runs).
mod names {
    use super::{v3, HeaderName};
    pub(super) const ACTION: HeaderName = HeaderName::from_static("x-acs-action");
    pub(super) const VERSION: HeaderName = HeaderName::from_static("x-acs-version");
    pub(super) const PROVIDER: HeaderName = HeaderName::from_static("x-acs-credentials-provider");
    pub(super) const RETRY_ATTEMPTS: HeaderName = HeaderName::from_static("x-acs-retry-attempts");
    pub(super) const RETRY_DELAY: HeaderName = HeaderName::from_static("x-acs-retry-delay");
    pub(super) const REQUEST_ID: HeaderName = HeaderName::from_static("x-acs-request-id");
    pub(super) const RETRY_AFTER: HeaderName = HeaderName::from_static("x-acs-retry-after");
    pub(super) const DATE: HeaderName = HeaderName::from_static(v3::X_ACS_DATE);
    pub(super) const NONCE: HeaderName = HeaderName::from_static(v3::X_ACS_SIGNATURE_NONCE);
    pub(super) const CONTENT_SHA256: HeaderName = HeaderName::from_static(v3::X_ACS_CONTENT_SHA256);
    pub(super) const ACCESSKEY_ID: HeaderName = HeaderName::from_static(v3::X_ACS_ACCESSKEY_ID);
    pub(super) const SECURITY_TOKEN: HeaderName = HeaderName::from_static(v3::X_ACS_SECURITY_TOKEN);
}

/// A header value HTTP cannot carry (a control character).
fn unsendable_value(header: &str) -> Box<ErrorKind> {
    encode_error(header, "has a value that cannot be sent as a header")
}

fn encode_error(header: &str, message: &str) -> Box<ErrorKind> {
    Box::new(ErrorKind::Encode(EncodeError::new(
        format!("header {header}"),
        message,
    )))
}

/// The `x-acs-request-id` header, redacted.
fn header_id(headers: &HeaderMap, redactor: &Redactor) -> Option<String> {
    text_header(headers, &names::REQUEST_ID).map(|id| redactor.redact(id).into_owned())
}

/// The first value of header `name` that is text.
fn text_header<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<&'h str> {
    headers.get_all(name).iter().find_map(|v| v.to_str().ok())
}

/// The absolute URI of an in-process request: the endpoint's scheme and authority as parsed
/// with the client, its path and `query`.
fn local_uri(base: &http::Uri, query: &str) -> Result<http::Uri, http::Error> {
    let path = base.path();
    let mut text = String::with_capacity(path.len() + 1 + query.len());
    text.push_str(path);
    if !query.is_empty() {
        text.push('?');
        text.push_str(query);
    }
    let mut parts = base.clone().into_parts();
    parts.path_and_query = Some(http::uri::PathAndQuery::from_maybe_shared(Bytes::from(
        text,
    ))?);
    Ok(http::Uri::from_parts(parts)?)
}

/// An attempt's request on its way, as the transport's own future.
enum Exchange {
    Net(BoxFuture<'static, Result<reqwest::Response, reqwest::Error>>),
    Local(BoxFuture<'static, http::Response<Bytes>>),
}

/// A response as either transport delivers it.
enum Answer {
    Net(reqwest::Response),
    /// An in-process answer: the whole body is already here.
    Local(http::response::Parts, Bytes),
}

impl Answer {
    fn status(&self) -> u16 {
        match self {
            Answer::Net(r) => r.status().as_u16(),
            Answer::Local(parts, _) => parts.status.as_u16(),
        }
    }

    fn headers(&self) -> &HeaderMap {
        match self {
            Answer::Net(r) => r.headers(),
            Answer::Local(parts, _) => &parts.headers,
        }
    }

    fn into_headers(self) -> HeaderMap {
        match self {
            Answer::Net(mut r) => std::mem::take(r.headers_mut()),
            Answer::Local(parts, _) => parts.headers,
        }
    }

    fn content_length(&self) -> Option<u64> {
        match self {
            Answer::Net(r) => r.content_length(),
            Answer::Local(_, body) => u64::try_from(body.len()).ok(),
        }
    }

    /// The body, at most `limit` bytes of it, and whether it ended within the limit.
    async fn read(&mut self, limit: usize) -> Result<(Bytes, bool), reqwest::Error> {
        match self {
            Answer::Net(r) => Box::pin(read_body(r, limit))
                .await
                .map(|(body, complete)| (Bytes::from(body), complete)),
            // Shared, not copied.
            // Taken (only the headers are read afterwards), neither copied nor shared again.
            Answer::Local(_, body) => {
                let body = std::mem::take(body);
                let complete = limit >= body.len();
                Ok((if complete { body } else { body.slice(..limit) }, complete))
            }
        }
    }
}

/// `tokio::time::timeout_at`, arming the timer only when `fut` is not ready at once (cached
/// credentials, an in-process answer): the timer costs more than such a future. `fut` is
/// polled where it is, and its output is not kept in the caller's future.
async fn within<F: std::future::Future + Unpin>(
    deadline: Instant,
    fut: &mut F,
) -> Result<F::Output, tokio::time::error::Elapsed> {
    if let Poll::Ready(out) =
        std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *fut).poll(cx))).await
    {
        return Ok(out);
    }
    Box::pin(tokio::time::timeout_at(deadline, fut)).await
}

/// Reads the body chunk by chunk, never holding more than `limit` bytes (capacity included).
/// Returns the bytes and whether the body ended within the limit; past it nothing more is
/// read, and dropping the response closes the connection.
async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let announced = response
        .content_length()
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let mut body = Vec::with_capacity(announced.min(limit));
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(chunk.get(..room).unwrap_or_default());
            return Ok((body, false));
        }
        if body.capacity() - body.len() < chunk.len() {
            // Amortised doubling, but never past the limit.
            let target = body
                .capacity()
                .saturating_mul(2)
                .max(body.len() + chunk.len())
                .min(limit);
            body.reserve_exact(target - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, true))
}

/// The call's deadline passed before this attempt was sent.
fn not_sent_timeout(message: &str) -> ErrorKind {
    ErrorKind::Transport(TransportError {
        kind: TransportKind::Timeout,
        may_have_reached_server: false,
        message: message.to_owned(),
    })
}

/// A failed `send`: a request reqwest could not build never left the process (a local
/// [`Encode`](ErrorKind::Encode) error, not retried); anything else is a transport failure.
fn send_failure(e: reqwest::Error, redactor: &Redactor) -> Failure {
    if e.is_builder() {
        let message = redactor.redact_owned(error_chain(&e.without_url()));
        return Failure::BeforeSend(Box::new(ErrorKind::Encode(EncodeError::new(
            "request",
            format!("{message}; nothing was sent"),
        ))));
    }
    Failure::AfterSend(Box::new(transport(e, redactor)))
}

/// Classifies a reqwest failure. Only connect failures are known not to have reached the server.
fn transport(e: reqwest::Error, redactor: &Redactor) -> ErrorKind {
    let kind = if e.is_connect() {
        TransportKind::Connect
    } else if e.is_timeout() {
        TransportKind::Timeout
    } else {
        TransportKind::Other
    };
    ErrorKind::Transport(TransportError {
        kind,
        may_have_reached_server: kind != TransportKind::Connect,
        // `without_url`: with V2 the URL carries the signature and the security token.
        message: redactor.redact_owned(error_chain(&e.without_url())),
    })
}

/// An error and its sources, joined with `: `.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let text = s.to_string();
        if !text.is_empty() && !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        src = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An in-process service answering `ok`, ready only at its `ready_at`-th `poll_ready`
    /// (waking the task before); counts the polls.
    #[derive(Clone)]
    struct Service {
        polls: Arc<std::sync::atomic::AtomicUsize>,
        ready_at: usize,
    }

    impl tower_service::Service<http::Request<Bytes>> for Service {
        type Response = http::Response<Bytes>;
        type Error = std::convert::Infallible;
        type Future = std::future::Ready<Result<Self::Response, Self::Error>>;

        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            let n = 1 + self.polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if n < self.ready_at {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: http::Request<Bytes>) -> Self::Future {
            std::future::ready(Ok(http::Response::new(Bytes::from_static(b"ok"))))
        }
    }

    /// A service that is ready at once is asked once; one that is not is asked again from the
    /// task (with its waker) until it is, and answers the same.
    #[tokio::test]
    async fn in_process_services_are_polled_until_ready() {
        for (ready_at, polls) in [(1, 1), (2, 2), (4, 4)] {
            let service = Service {
                polls: Arc::default(),
                ready_at,
            };
            let answer = InProcess::call(&service, http::Request::new(Bytes::new())).await;
            assert_eq!(answer.body().as_ref(), b"ok");
            assert_eq!(
                service.polls.load(std::sync::atomic::Ordering::SeqCst),
                polls
            );
        }
    }

    #[test]
    fn client_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
        assert!(std::mem::size_of::<Client>() <= std::mem::size_of::<usize>());
    }
}
