//! One request: body, injected fault, authentication, the action, and the gateway-style reply.

use std::sync::{Arc, MutexGuard};
use std::time::{Duration, SystemTime};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value};

use super::actions::{self, Call, SUPPORTED_ACTIONS};
use super::config::Outcome;
use super::params::Params;
use super::verify::{self, GatewayError, RequestView};
use super::{Shared, State, API_VERSION};

pub(crate) type Reply = Response<Full<Bytes>>;

/// The service's error to hyper: closes the connection without a response.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the emulator's fault injection")
    }
}

impl std::error::Error for DropConnection {}

pub(crate) async fn serve(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Reply, DropConnection> {
    let (parts, body) = req.into_parts();
    let limits = &shared.limits;
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = hyper::body::Body::size_hint(&body).lower();
    let collected = if declared > limits.max_body as u64 {
        Ok(Err(()))
    } else {
        tokio::time::timeout(
            limits.body_read_timeout,
            Limited::new(body, limits.max_body).collect(),
        )
        .await
        .map(|r| r.map_err(drop))
    };
    let body = match collected {
        Ok(Ok(b)) => b.to_bytes(),
        Ok(Err(())) => {
            let err = GatewayError::new(
                413,
                "RequestEntityTooLarge",
                format!(
                    "the request body is larger than {} bytes or was cut off",
                    limits.max_body
                ),
            );
            let mut st = shared.lock();
            st.stats.requests += 1;
            return Ok(error_reply(&mut st, &shared.host, &err, None));
        }
        Err(_) => {
            let err = GatewayError::new(
                408,
                "RequestTimeout",
                format!(
                    "the request body was not received within {} ms",
                    limits.body_read_timeout.as_millis()
                ),
            );
            let mut st = shared.lock();
            st.stats.requests += 1;
            st.stats.connections_timed_out += 1;
            return Ok(error_reply(&mut st, &shared.host, &err, None));
        }
    };
    let action = parts
        .headers
        .get("x-acs-action")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let outcome = {
        let mut st = shared.lock();
        st.stats.requests += 1;
        *st.stats.by_action.entry(action.clone()).or_default() += 1;
        st.next_outcome(&action)
    };
    match outcome {
        Outcome::Normal => Ok(process(&shared, &parts, &body)),
        Outcome::Delay(d) => {
            shared.lock().stats.injected_delays += 1;
            tokio::time::sleep(d).await;
            Ok(process(&shared, &parts, &body))
        }
        Outcome::DelayResponse(d) => {
            let reply = process(&shared, &parts, &body);
            shared.lock().stats.injected_delays += 1;
            tokio::time::sleep(d).await;
            Ok(reply)
        }
        Outcome::Drop => {
            shared.lock().stats.injected_drops += 1;
            Err(DropConnection)
        }
        Outcome::DropAfterActing => {
            let _ = process(&shared, &parts, &body);
            shared.lock().stats.injected_drops += 1;
            Err(DropConnection)
        }
        Outcome::Throttle {
            status,
            retry_after,
        } => {
            let mut st = shared.lock();
            st.stats.injected_throttles += 1;
            let err = GatewayError::new(
                status,
                "Throttling.User",
                "Request was denied due to user flow control.",
            );
            Ok(error_reply(&mut st, &shared.host, &err, retry_after))
        }
        Outcome::Unavailable => {
            let mut st = shared.lock();
            st.stats.injected_unavailable += 1;
            let err = GatewayError::new(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
            );
            Ok(error_reply(&mut st, &shared.host, &err, None))
        }
        Outcome::Error {
            status,
            code,
            message,
        } => {
            let mut st = shared.lock();
            let err = GatewayError::new(status, code, message);
            Ok(error_reply(&mut st, &shared.host, &err, None))
        }
    }
}

/// Authenticates, validates and runs one request; always produces an HTTP answer.
fn process(shared: &Shared, parts: &hyper::http::request::Parts, body: &[u8]) -> Reply {
    match authenticate_and_run(shared, parts, body) {
        Ok((mut st, value)) => {
            let id = st.request_rng.request_id();
            json_reply(200, value, &id)
        }
        Err(err) => {
            let mut st = shared.lock();
            error_reply(&mut st, &shared.host, &err, None)
        }
    }
}

fn authenticate_and_run<'a>(
    shared: &'a Shared,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Result<(MutexGuard<'a, State>, Value), GatewayError> {
    let method = parts.method.as_str();
    if method != "GET" && method != "POST" {
        return Err(GatewayError::new(
            400,
            "UnsupportedHTTPMethod",
            format!("RPC APIs accept GET and POST, not {method}"),
        ));
    }
    let path = parts.uri.path();
    if path != "/" {
        return Err(GatewayError::new(
            404,
            "InvalidAction.NotFound",
            format!("RPC requests go to \"/\", not \"{path}\""),
        ));
    }
    let query = parts.uri.query().unwrap_or("");
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let view = RequestView {
        method,
        path,
        query,
        headers: &headers,
        body,
    };
    let lookup = |ak: &str| shared.keys.get(ak).cloned();
    // V3 carries an Authorization header; the older V2 puts `Signature` in the query.
    let v2 = !parts.headers.contains_key("authorization")
        && query.split('&').any(|kv| kv.starts_with("Signature="));
    let caller = if v2 {
        verify::verify_v2(&view, lookup, SystemTime::now(), shared.limits.max_skew)?
    } else {
        verify::verify_v3(&view, lookup, SystemTime::now(), shared.limits.max_skew)?
    };
    if caller.version != API_VERSION {
        return Err(GatewayError::new(
            400,
            "InvalidVersion",
            format!(
                "Specified parameter Version is not valid: \"{}\" (the emulator serves {API_VERSION})",
                caller.version
            ),
        ));
    }
    let mut params = decode_params(query, &parts.headers, body)?;
    if v2 {
        params.retain(|k, _| !verify::V2_COMMON_PARAMS.contains(&k.as_str()));
    }
    let mut st = shared.lock();
    if !st.nonces.insert(&caller.access_key_id, &caller.nonce) {
        return Err(GatewayError::new(
            400,
            "SignatureNonceUsed",
            format!(
                "Specified signature nonce was used already: {}",
                caller.nonce
            ),
        ));
    }
    let call = Call {
        account: &caller.access_key_id,
        params: &params,
    };
    match actions::dispatch(&mut st, &caller.action, &call) {
        Some(Ok(v)) => Ok((st, v)),
        Some(Err(e)) => Err(e),
        None => Err(GatewayError::new(
            400,
            "UnsupportedOperation",
            format!(
                "The emulator does not implement the action \"{}\"; it emulates only: {}",
                caller.action,
                SUPPORTED_ACTIONS.join(", ")
            ),
        )),
    }
}

/// Merges the query and a form-urlencoded body into named UTF-8 parameters.
fn decode_params(
    query: &str,
    headers: &hyper::HeaderMap,
    body: &[u8],
) -> Result<Params, GatewayError> {
    let mut pairs = verify::decode_query(query)?;
    let form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if form && !body.is_empty() {
        let text = std::str::from_utf8(body).map_err(|_| {
            GatewayError::new(400, "InvalidParameter", "the form body is not valid UTF-8")
        })?;
        pairs.extend(verify::decode_query(text)?);
    }
    pairs
        .into_iter()
        .map(|(k, v)| {
            let key = String::from_utf8(k).map_err(|_| {
                GatewayError::new(400, "InvalidParameter", "a parameter name is not UTF-8")
            })?;
            let val = String::from_utf8(v).map_err(|_| {
                GatewayError::new(
                    400,
                    "InvalidParameter",
                    format!("the value of \"{key}\" is not valid UTF-8"),
                )
            })?;
            Ok((key, val))
        })
        .collect()
}

fn json_reply(status: u16, mut value: Value, request_id: &str) -> Reply {
    if let Value::Object(o) = &mut value {
        o.insert("RequestId".into(), json!(request_id));
    }
    let mut resp = Response::new(Full::new(Bytes::from(value.to_string())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-acs-request-id", v);
    }
    resp
}

/// The gateway's error envelope (`RequestId`, `HostId`, `Code`, `Message`, `Recommend`),
/// counted in `errors_by_code`; returns the request ID and the JSON.
fn error_body(st: &mut State, host: &str, err: &GatewayError) -> (String, Value) {
    let id = st.request_rng.request_id();
    *st.stats.errors_by_code.entry(err.code.clone()).or_default() += 1;
    let body = json!({
        "RequestId": id,
        "HostId": host,
        "Code": err.code,
        "Message": err.message,
        "Recommend": format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=ICE&requestId={id}",
            err.code
        ),
    });
    (id, body)
}

pub(crate) fn error_reply(
    st: &mut State,
    host: &str,
    err: &GatewayError,
    retry_after: Option<Duration>,
) -> Reply {
    let (id, body) = error_body(st, host, err);
    let mut resp = json_reply(err.status, body, &id);
    if let Some(ra) = retry_after {
        if let Ok(v) = HeaderValue::from_str(&ra.as_millis().to_string()) {
            resp.headers_mut().insert("x-acs-retry-after", v);
        }
    }
    resp
}

/// A complete HTTP/1.1 error response, for protocol errors answered below hyper; it closes
/// the connection.
pub(crate) fn raw_error_response(shared: &Shared, err: &GatewayError) -> Vec<u8> {
    let (id, body) = error_body(&mut shared.lock(), &shared.host, err);
    let body = body.to_string();
    let reason = StatusCode::from_u16(err.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: application/json;charset=utf-8\r\nx-acs-request-id: {id}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        err.status,
        body.len()
    )
    .into_bytes()
}
