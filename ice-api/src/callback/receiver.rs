//! A callback endpoint to mount in your own HTTP server.
//!
//! It works on `http::Request<Bytes>` (the body already collected; collect it with a limit of
//! [`Receiver::max_body`]) so it fits any server built on the `http` crate: call
//! [`Receiver::handle`] from a hyper `service_fn` or an axum handler, or use it as a
//! `tower::Service<http::Request<Bytes>>`. No server framework is a dependency; only the small
//! `http`, `bytes` and `tower-service` crates, which the HTTP client already pulls in.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, Method, Request, Response, StatusCode};

use super::auth::{Rejection, Verifier, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use super::event::CallbackEvent;

/// Largest callback body accepted by default (256 KiB; completion events are a few KiB).
pub const DEFAULT_MAX_BODY: usize = 256 << 10;

/// Verifies, parses and dispatches ICE callbacks.
///
/// - `POST` only; the body must be at most [`max_body`](Self::max_body) bytes;
/// - with a [`Verifier`], `X-ICE-TIMESTAMP`/`X-ICE-SIGNATURE` must verify against one of the
///   configured callback URLs (the exact strings given to ICE as `CallbackURL` or
///   `NotifyAddress`: the signature covers the URL ICE was told, which a proxy in front of you
///   may rewrite);
/// - the body must be a callback envelope ([`CallbackEvent`]);
/// - then the handler runs. `Ok` answers `200`, which is what ICE counts as delivered; `Err`
///   answers `500` so that ICE retries. A rejection answers its [`Rejection::status`] with the
///   reason as plain text.
///
/// ```
/// use bytes::Bytes;
/// use ice_api::callback::{signature, AuthKey, CallbackEvent, Receiver, Verifier};
/// use std::time::{SystemTime, UNIX_EPOCH};
///
/// # tokio_test_block_on(async {
/// let url = "https://example.com/ice/callback";
/// let receiver = Receiver::new(url, Verifier::new(AuthKey::new("Key12345")), |event: CallbackEvent| async move {
///     println!("{} {:?}", event.event_type, event.event);
///     Ok::<(), std::convert::Infallible>(())
/// });
///
/// let ts = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs().to_string();
/// let request = http::Request::post("/ice/callback")
///     .header("X-ICE-TIMESTAMP", &ts)
///     .header("X-ICE-SIGNATURE", signature(url, &ts, &AuthKey::new("Key12345")))
///     .body(Bytes::from_static(br#"{"EventType":"ProduceMediaComplete","MessageBody":{}}"#))
///     .unwrap();
/// assert_eq!(receiver.handle(request).await.status(), 200);
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub struct Receiver<H> {
    urls: Vec<String>,
    verifier: Option<Verifier>,
    max_body: usize,
    handler: Arc<H>,
}

impl<H> Clone for Receiver<H> {
    fn clone(&self) -> Self {
        Self {
            urls: self.urls.clone(),
            verifier: self.verifier.clone(),
            max_body: self.max_body,
            handler: self.handler.clone(),
        }
    }
}

impl<H> fmt::Debug for Receiver<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("urls", &self.urls)
            .field("verifier", &self.verifier)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

impl<H> Receiver<H> {
    /// A receiver for callbacks sent to `callback_url`, authenticated by `verifier`.
    pub fn new(callback_url: impl Into<String>, verifier: Verifier, handler: H) -> Self {
        Self::build(vec![callback_url.into()], Some(verifier), handler)
    }

    /// A receiver that accepts callbacks without checking a signature, for accounts with
    /// callback authentication off (`AuthSwitch=off`). Anyone who learns the URL can then
    /// forge events.
    pub fn unauthenticated(handler: H) -> Self {
        Self::build(Vec::new(), None, handler)
    }

    fn build(urls: Vec<String>, verifier: Option<Verifier>, handler: H) -> Self {
        Self {
            urls,
            verifier,
            max_body: DEFAULT_MAX_BODY,
            handler: Arc::new(handler),
        }
    }

    /// Also accepts callbacks signed for `url` (e.g. per-job `NotifyAddress` values next to
    /// the account's `CallbackURL`).
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.urls.push(url.into());
        self
    }

    /// Sets the largest accepted body (default [`DEFAULT_MAX_BODY`]); collect request bodies
    /// with this limit so that nothing larger is ever buffered.
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The largest accepted body, in bytes.
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    /// Verifies and parses one request at time `now`, without running the handler.
    pub fn accept(
        &self,
        request: &Request<Bytes>,
        now: SystemTime,
    ) -> Result<CallbackEvent, Rejection> {
        if request.method() != Method::POST {
            return Err(Rejection::MethodNotAllowed(request.method().to_string()));
        }
        let body = request.body();
        if body.len() > self.max_body {
            return Err(Rejection::BodyTooLarge {
                limit: self.max_body,
            });
        }
        if let Some(verifier) = &self.verifier {
            let headers = request.headers();
            let urls: Vec<&str> = self.urls.iter().map(String::as_str).collect();
            verifier.verify_any(
                &urls,
                header(headers, TIMESTAMP_HEADER),
                header(headers, SIGNATURE_HEADER),
                now,
            )?;
        }
        CallbackEvent::from_slice(body).map_err(Rejection::InvalidBody)
    }
}

/// A header as text; absent when missing or not visible ASCII (it cannot then verify).
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl<H, Fut, E> Receiver<H>
where
    H: Fn(CallbackEvent) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: fmt::Display,
{
    /// Verifies, parses and hands the event to the handler; answers as ICE expects.
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        let event = match self.accept(&request, SystemTime::now()) {
            Ok(event) => event,
            Err(rejection) => {
                tracing::debug!(status = rejection.status(), reason = %rejection, "ICE callback rejected");
                return text(rejection.status(), rejection.to_string());
            }
        };
        match (self.handler)(event).await {
            Ok(()) => text(200, "success".into()),
            Err(e) => {
                tracing::warn!(error = %e, "ICE callback handler failed; ICE will retry");
                text(500, "callback handler failed".into())
            }
        }
    }
}

fn text(status: u16, body: String) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    response.headers_mut().insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

impl<H, Fut, E> tower_service::Service<Request<Bytes>> for Receiver<H>
where
    H: Fn(CallbackEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: fmt::Display + 'static,
{
    type Response = Response<Bytes>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Bytes>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { Ok(this.handle(request).await) })
    }
}
