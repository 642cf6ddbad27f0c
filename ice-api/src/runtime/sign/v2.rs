//! The older RPC signature (HMAC-SHA1, `SignatureVersion=1.0`; signing.md §4). Opt-in for ICE,
//! and what STS `AssumeRole` uses. Headers are not signed; every parameter is.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use super::percent;
use crate::runtime::credentials::Credentials;

/// `SignatureMethod` of the RPC signature.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// `SignatureVersion` of the RPC signature.
pub const SIGNATURE_VERSION: &str = "1.0";

/// The RPC string to sign:
/// `METHOD&%2F&percentEncode(sorted k=v pairs joined with &)`, keys and values RFC 3986-encoded,
/// sorted by byte order of the raw key. A `Signature` parameter, if present, is skipped.
///
/// `params` is every parameter sent: query ∪ flattened form body.
pub fn string_to_sign_v2(method: &str, params: &[(String, String)]) -> String {
    let mut refs: Vec<&(String, String)> =
        params.iter().filter(|(k, _)| k != "Signature").collect();
    refs.sort_unstable();
    let mut cqs = String::with_capacity(percent::estimate(params));
    for (i, (k, v)) in refs.into_iter().enumerate() {
        if i > 0 {
            cqs.push('&');
        }
        percent::encode_into(&mut cqs, k);
        cqs.push('=');
        percent::encode_into(&mut cqs, v);
    }
    let mut out = String::with_capacity(method.len() + 5 + cqs.len() + cqs.len() / 4);
    out.push_str(method);
    out.push_str("&%2F&");
    percent::encode_into(&mut out, &cqs);
    out
}

/// The RPC signature: `Base64(HMAC-SHA1(secret + "&", string_to_sign_v2(method, params)))`.
/// Send it as the `Signature` parameter (percent-encoded like any value).
///
/// ```
/// use ice_api::runtime::sign::v2::sign_v2;
/// let p = |k: &str, v: &str| (k.to_string(), v.to_string());
/// let params = [
///     p("AccessKeyId", "testid"), p("Action", "DescribeDedicatedHosts"), p("Format", "JSON"),
///     p("RegionId", "cn-beijing"), p("SignatureMethod", "HMAC-SHA1"),
///     p("SignatureNonce", "edb2b34af0af9a6d14deaf7c1a5315eb"), p("SignatureVersion", "1.0"),
///     p("Timestamp", "2023-03-13T08:34:30Z"), p("Version", "2014-05-26"),
/// ];
/// assert_eq!(sign_v2("GET", &params, "testsecret"), "9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
/// ```
pub fn sign_v2(method: &str, params: &[(String, String)], access_key_secret: &str) -> String {
    let sts = string_to_sign_v2(method, params);
    let mut key = String::with_capacity(access_key_secret.len() + 1);
    key.push_str(access_key_secret);
    key.push('&');
    // HMAC accepts keys of any length; `new_from_slice` cannot fail here.
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(sts.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The common parameters of an RPC-signed call, without `Signature`: `Action`, `Format=JSON`,
/// `Version`, `Timestamp`, `SignatureNonce`, `SignatureMethod`, `SignatureVersion`,
/// `AccessKeyId`, and `SecurityToken` for STS credentials. Add the operation's own parameters,
/// then `Signature` = [`sign_v2`] over all of them.
///
/// `timestamp` has the `x-acs-date` form ([`clock::format_acs_date`](super::clock::format_acs_date)).
/// The returned list holds the security token: do not log it.
pub fn common_params_v2(
    action: &str,
    version: &str,
    timestamp: &str,
    nonce: &str,
    credentials: &Credentials,
) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(10);
    let mut push = |k: &str, v: &str| out.push((k.to_owned(), v.to_owned()));
    push("Action", action);
    push("Format", "JSON");
    push("Version", version);
    push("Timestamp", timestamp);
    push("SignatureNonce", nonce);
    push("SignatureMethod", SIGNATURE_METHOD);
    push("SignatureVersion", SIGNATURE_VERSION);
    push("AccessKeyId", &credentials.access_key_id);
    if let Some(token) = credentials
        .security_token
        .as_ref()
        .map(|t| t.expose())
        .filter(|t| !t.is_empty())
    {
        push("SecurityToken", token);
    }
    out
}

/// The query parameters the official SDK (6.20.2) sends for an `Anonymous` operation
/// (GetPublicMediaInfo, ListAllPublicMediaTags, ListPublicMediaBasicInfos), which it routes
/// through the RPC path without signing: `Action`, `Format=json`, `Version`, `Timestamp`,
/// `SignatureNonce`, in that order. Nothing secret is sent: no `AccessKeyId`, no
/// `SecurityToken`, no `Signature`, no `Authorization` header.
pub fn anonymous_params(
    action: &str,
    version: &str,
    timestamp: &str,
    nonce: &str,
) -> Vec<(String, String)> {
    [
        ("Action", action),
        ("Format", "json"),
        ("Version", version),
        ("Timestamp", timestamp),
        ("SignatureNonce", nonce),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// Common parameters plus `params`, then `Signature`: the complete, signed parameter list of
/// an RPC call (send the query part in the URL and the rest in the form body; the signature
/// covers both).
pub fn signed_params_v2(
    method: &str,
    common: Vec<(String, String)>,
    params: &[(String, String)],
    credentials: &Credentials,
) -> Vec<(String, String)> {
    let mut all = common;
    all.extend(params.iter().cloned());
    let signature = sign_v2(method, &all, credentials.access_key_secret.expose());
    all.push(("Signature".to_owned(), signature));
    all
}
