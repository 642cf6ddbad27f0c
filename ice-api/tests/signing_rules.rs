//! Signer behaviour a caller relies on beyond the recorded vectors: rejected inputs, header
//! canonicalisation, order independence, and that nothing secret leaks through Debug or errors.

use ice_api::runtime::credentials::Credentials;
use ice_api::runtime::sign::v3::EMPTY_BODY_SHA256;
use ice_api::runtime::sign::{
    anonymous_headers, explain_mismatch, sign_v3, SignError, SignedV3, V3Input,
};

const SECRET: &str = "very-secret-key";
const TOKEN: &str = "sts-token-value-123";

fn q(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const BASE_HEADERS: [(&str, &str); 4] = [
    ("host", "ice.cn-shanghai.aliyuncs.com"),
    ("x-acs-action", "GetBatchMediaProducingJob"),
    ("x-acs-version", "2020-11-09"),
    ("content-type", "application/x-www-form-urlencoded"),
];

fn sign(
    query: &[(String, String)],
    headers: &[(&str, &str)],
    creds: &Credentials,
) -> Result<SignedV3, SignError> {
    sign_v3(&V3Input {
        method: "POST",
        path: "/",
        query,
        headers,
        body: b"Title=a+b",
        date: "2026-11-24T01:00:00Z",
        nonce: "n-1",
        credentials: creds,
    })
}

#[test]
fn query_and_header_order_do_not_matter() {
    let creds = Credentials::new("ak", SECRET);
    let a = sign(&q(&[("B", "2"), ("A", "1")]), &BASE_HEADERS, &creds).unwrap();
    let mut headers = BASE_HEADERS;
    headers.reverse();
    let b = sign(&q(&[("A", "1"), ("B", "2")]), &headers, &creds).unwrap();
    assert_eq!(a.authorization(), b.authorization());
    assert_eq!(a.canonical_query(), "A=1&B=2");
}

#[test]
fn header_names_are_lowercased_and_values_trimmed() {
    let creds = Credentials::new("ak", SECRET);
    let headers = [
        ("Host", "ice.cn-shanghai.aliyuncs.com"),
        ("X-Acs-Action", "  padded   value  "),
        ("x-acs-version", "2020-11-09"),
    ];
    let s = sign(&[], &headers, &creds).unwrap();
    let cr = s.canonical_request();
    assert!(cr.contains("\nhost:ice.cn-shanghai.aliyuncs.com\n"), "{cr}");
    assert!(cr.contains("\nx-acs-action:padded   value\n"), "{cr}");
    assert!(s.authorization().contains(
        "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
    ));
}

#[test]
fn duplicate_and_reserved_headers_are_rejected() {
    let creds = Credentials::new("ak", SECRET);
    let dup = [("x-acs-meta", "a"), ("X-Acs-Meta", "b")];
    assert_eq!(
        sign(&[], &dup, &creds).unwrap_err(),
        SignError::DuplicateHeader {
            name: "x-acs-meta".into()
        }
    );
    for reserved in ["X-Acs-Date", "authorization", "x-acs-security-token"] {
        let err = sign(&[], &[(reserved, "v")], &creds).unwrap_err();
        assert_eq!(
            err,
            SignError::ReservedHeader {
                name: reserved.to_ascii_lowercase()
            }
        );
    }
}

#[test]
fn header_injection_and_bad_names_are_rejected_without_echoing_values() {
    let creds = Credentials::new("ak", SECRET);
    let err = sign(&[], &[("x-acs-x", "v\r\nx-evil: 1")], &creds).unwrap_err();
    assert_eq!(
        err,
        SignError::InvalidHeaderValue {
            name: "x-acs-x".into()
        }
    );
    assert!(!err.to_string().contains("evil"));
    assert!(matches!(
        sign(&[], &[("bad name", "v")], &creds),
        Err(SignError::InvalidHeaderName { .. })
    ));
    let bad_nonce = sign_v3(&V3Input {
        method: "POST",
        path: "/",
        query: &[],
        headers: &BASE_HEADERS,
        body: b"",
        date: "2026-11-24T01:00:00Z",
        nonce: "n\n1",
        credentials: &creds,
    });
    assert!(matches!(
        bad_nonce,
        Err(SignError::InvalidHeaderValue { ref name }) if name == "x-acs-signature-nonce"
    ));
}

#[test]
fn repeated_query_key_is_rejected() {
    let creds = Credentials::new("ak", SECRET);
    let err = sign(&q(&[("A", "1"), ("A", "2")]), &BASE_HEADERS, &creds).unwrap_err();
    assert_eq!(err, SignError::DuplicateQueryKey { key: "A".into() });
}

#[test]
fn sts_adds_key_id_and_token_headers() {
    let creds = Credentials::new("STS.id", SECRET).with_security_token(TOKEN);
    let s = sign(&[], &BASE_HEADERS, &creds).unwrap();
    assert_eq!(s.header("x-acs-accesskey-id"), Some("STS.id"));
    assert_eq!(s.header("x-acs-security-token"), Some(TOKEN));
    assert!(s
        .authorization()
        .starts_with("ACS3-HMAC-SHA256 Credential=STS.id,"));
    assert!(s.canonical_request().contains(TOKEN));
    assert!(!s.redacted_canonical_request().contains(TOKEN));
    assert!(s
        .redacted_canonical_request()
        .contains("x-acs-security-token:***\n"));
    // An empty token means plain AK credentials, as in the official SDK.
    let empty = Credentials::new("ak", SECRET).with_security_token("");
    let s = sign(&[], &BASE_HEADERS, &empty).unwrap();
    assert_eq!(s.header("x-acs-security-token"), None);
}

#[test]
fn debug_never_shows_secret_signature_or_token() {
    let creds = Credentials::new("STS.id", SECRET).with_security_token(TOKEN);
    let s = sign(&[], &BASE_HEADERS, &creds).unwrap();
    let signature = s.authorization().rsplit('=').next().unwrap().to_owned();
    let dbg = format!("{s:?}");
    for secret in [SECRET, TOKEN, signature.as_str()] {
        assert!(!dbg.contains(secret), "Debug leaks {secret}: {dbg}");
    }
    assert!(dbg.contains("Authorization"));
}

#[test]
fn anonymous_headers_carry_no_credentials() {
    let h = anonymous_headers(b"", "2026-11-24T01:00:00Z", "n-1");
    let names: Vec<&str> = h.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256"
        ]
    );
    assert_eq!(h[2].1, EMPTY_BODY_SHA256);
}

#[test]
fn mismatch_explanation_tells_secret_from_canonicalisation() {
    let creds = Credentials::new("STS.id", SECRET).with_security_token(TOKEN);
    let s = sign(&[], &BASE_HEADERS, &creds).unwrap();
    let ours = s.string_to_sign().rsplit('\n').next().unwrap();
    let same = format!(
        "Specified signature does not match our calculation. Server string to sign is:ACS3-HMAC-SHA256\\n{ours}"
    );
    let text = explain_mismatch(&s, &same);
    assert!(text.contains("secret"), "{text}");
    let other = format!(
        "Server string to sign is:ACS3-HMAC-SHA256\n{}",
        "0".repeat(64)
    );
    let text = explain_mismatch(&s, &other);
    assert!(text.contains("differs"), "{text}");
    assert!(text.contains("x-acs-security-token:***"), "{text}");
    assert!(!text.contains(TOKEN) && !text.contains(SECRET));
}
