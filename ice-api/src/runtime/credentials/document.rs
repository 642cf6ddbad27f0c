//! Reading credential documents (STS `Credentials`, metadata and credentials-URI JSON) and
//! turning service error bodies into messages that carry Code/Message/RequestId but no secret.

use serde_json::Value;

use super::{Credentials, CredentialsError};
use crate::runtime::sign::clock::parse_acs_date;

/// Parses `body` as a JSON object, or explains (without echoing the body, which may hold secrets).
pub(crate) fn parse_json(
    provider: &str,
    what: &str,
    status: u16,
    body: &str,
) -> Result<Value, CredentialsError> {
    match serde_json::from_str::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(CredentialsError::new(
            provider,
            format!(
                "{what}: HTTP {status} with a body that is not a JSON object ({} bytes)",
                body.len()
            ),
        )),
    }
}

fn str_field<'a>(obj: &'a Value, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| obj.get(*n).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
}

/// `Credentials` from an object with `AccessKeyId`, `AccessKeySecret`, `SecurityToken` and
/// `Expiration` (`yyyy-MM-ddTHH:mm:ssZ`). All four are required.
pub(crate) fn temporary_credentials(
    provider: &str,
    what: &str,
    obj: &Value,
    provider_name: &str,
) -> Result<Credentials, CredentialsError> {
    let missing =
        |field: &str| CredentialsError::new(provider, format!("{what}: response lacks {field}"));
    let id = str_field(obj, &["AccessKeyId"]).ok_or_else(|| missing("AccessKeyId"))?;
    let secret = str_field(obj, &["AccessKeySecret"]).ok_or_else(|| missing("AccessKeySecret"))?;
    let token = str_field(obj, &["SecurityToken"]).ok_or_else(|| missing("SecurityToken"))?;
    let exp = str_field(obj, &["Expiration"]).ok_or_else(|| missing("Expiration"))?;
    let expiration = parse_acs_date(exp).ok_or_else(|| {
        CredentialsError::new(
            provider,
            format!("{what}: Expiration {exp:?} is not of the form yyyy-MM-ddTHH:mm:ssZ"),
        )
    })?;
    let mut creds = Credentials::new(id, secret).with_security_token(token);
    creds.expiration = Some(expiration);
    creds.provider_name = provider_name.to_string();
    Ok(creds)
}

/// "HTTP 403, Code: X, Message: Y, RequestId: Z" from an error body; only those fields are
/// copied, so secrets in the body never reach the message.
pub(crate) fn service_error(
    provider: &str,
    what: &str,
    status: u16,
    body: &str,
) -> CredentialsError {
    let mut msg = format!("{what} failed: HTTP {status}");
    match serde_json::from_str::<Value>(body) {
        Ok(v @ Value::Object(_)) => {
            for (label, names) in [
                ("Code", &["Code", "code"][..]),
                ("Message", &["Message", "message"][..]),
                ("RequestId", &["RequestId", "requestId"][..]),
            ] {
                if let Some(s) = str_field(&v, names) {
                    msg.push_str(&format!(", {label}: {s}"));
                }
            }
        }
        _ => msg.push_str(&format!(", non-JSON body ({} bytes)", body.len())),
    }
    CredentialsError::new(provider, msg)
}
