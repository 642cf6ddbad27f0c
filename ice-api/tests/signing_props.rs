//! Properties of the encoders and the signer over arbitrary input: encodings decode back to the
//! input, use only the allowed alphabet, and do not depend on parameter order.

use ice_api::runtime::credentials::Credentials;
use ice_api::runtime::sign::{percent, sign_v3, V3Input};
use proptest::prelude::*;

/// Independent decoder (`%XX` → byte; `+` → space when `form`).
fn decode(s: &str, form: bool) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                if hex.bytes().any(|c| c.is_ascii_lowercase()) {
                    return None; // upper-case hex only
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if form => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn allowed(c: u8, form: bool) -> bool {
    c.is_ascii_alphanumeric() || b"-_.~%".contains(&c) || (form && c == b'+')
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map("[A-Za-z][A-Za-z0-9.]{0,12}", any::<String>(), 0..8)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rfc3986_encoding_round_trips(s in any::<String>()) {
        let e = percent::encode(&s);
        prop_assert!(e.bytes().all(|c| allowed(c, false)), "{e}");
        prop_assert_eq!(decode(&e, false), Some(s));
    }

    #[test]
    fn form_encoding_round_trips(s in any::<String>()) {
        let e = percent::form_encode(&s);
        prop_assert!(e.bytes().all(|c| allowed(c, true)), "{e}");
        prop_assert_eq!(decode(&e, true), Some(s));
    }

    #[test]
    fn body_and_query_ignore_parameter_order(mut p in params()) {
        let body = percent::form_body(&p);
        let query = percent::canonical_query(&p);
        let creds = Credentials::new("ak", "secret");
        let sign = |q: &[(String, String)]| {
            sign_v3(&V3Input {
                method: "POST",
                path: "/",
                query: q,
                headers: &[("host", "h"), ("x-acs-action", "A"), ("x-acs-version", "v")],
                body: b"",
                date: "2026-11-24T00:00:00Z",
                nonce: "n",
                credentials: &creds,
            })
            .map(|s| s.authorization().to_owned())
        };
        let signed = sign(&p);
        p.reverse();
        prop_assert_eq!(percent::form_body(&p), body.clone());
        prop_assert_eq!(percent::canonical_query(&p), query);
        prop_assert_eq!(sign(&p), signed);
        // The body decodes back to exactly the parameters.
        let mut decoded: Vec<(String, String)> = if body.is_empty() {
            Vec::new()
        } else {
            body.split('&')
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (decode(k, true).unwrap_or_default(), decode(v, true).unwrap_or_default())
                })
                .collect()
        };
        decoded.sort();
        p.sort();
        prop_assert_eq!(decoded, p);
    }
}
