//! RamRoleArn: STS `AssumeRole` against a loopback stand-in that checks the RPC signature with
//! the source secret (independently of the SDK's signer).

#[path = "credentials_common/mod.rs"]
mod common;

use std::sync::Arc;

use common::{expected_v2_signature, expiration_in, sts_json, Reply, Request, Stub};
use ice_api::runtime::credentials::{
    Env, ProvideCredentials, RamRoleArnProvider, StaticProvider, StsMethod,
};

const SRC_AK: &str = "LTAI5tSourceKeyForSts01";
const SRC_SECRET: &str = "sourceSecretForAssumeRole";
const ROLE: &str = "acs:ram::1234567890123456:role/ice-worker";
const TEMP_SECRET: &str = "tempSecretFromSts";
const TEMP_TOKEN: &str = "CAIS.tempTokenFromSts";

/// STS stand-in: 200 with credentials if the signature verifies with `SRC_SECRET`, else 400.
fn sts_stub() -> Stub {
    Stub::start(|req: &Request| {
        let params = req.params();
        let sent = req.param("Signature").unwrap_or_default();
        if sent != expected_v2_signature(&req.method, &params, SRC_SECRET) {
            return Reply::status(
                400,
                r#"{"Code":"SignatureDoesNotMatch","Message":"bad signature","RequestId":"R-SIG"}"#,
            );
        }
        Reply::ok(sts_json(
            "STS.TempKeyId123456",
            TEMP_SECRET,
            TEMP_TOKEN,
            &expiration_in(3600),
        ))
    })
}

fn provider(stub: &Stub) -> RamRoleArnProvider {
    RamRoleArnProvider::new(Arc::new(StaticProvider::new(SRC_AK, SRC_SECRET)), ROLE)
        .with_endpoint(stub.url.clone())
        .with_env(Env::from_vars(Vec::<(String, String)>::new()))
}

#[tokio::test]
async fn assume_role_post_is_signed_and_parsed() {
    let stub = sts_stub();
    let p = provider(&stub)
        .with_session_name("nightly-batch")
        .with_policy(
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ice:*","Resource":"*"}]}"#,
        )
        .with_external_id("ext-42");
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_id, "STS.TempKeyId123456");
    assert_eq!(c.access_key_secret.expose(), TEMP_SECRET);
    assert_eq!(
        c.security_token.as_ref().map(|t| t.expose()),
        Some(TEMP_TOKEN)
    );
    assert!(c.expiration.is_some());
    assert_eq!(c.provider_name, "ram_role_arn/static_ak");

    let reqs = stub.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    // Role parameters travel in the form body, common ones in the query.
    assert!(r.body.contains("RoleArn="), "{}", r.body);
    assert!(!r.query.contains("RoleArn="));
    assert!(r.query.contains("Signature="));
    assert_eq!(r.param("Action").as_deref(), Some("AssumeRole"));
    assert_eq!(r.param("Version").as_deref(), Some("2015-04-01"));
    assert_eq!(r.param("AccessKeyId").as_deref(), Some(SRC_AK));
    assert_eq!(r.param("RoleArn").as_deref(), Some(ROLE));
    assert_eq!(r.param("RoleSessionName").as_deref(), Some("nightly-batch"));
    assert_eq!(r.param("DurationSeconds").as_deref(), Some("3600"));
    assert_eq!(r.param("ExternalId").as_deref(), Some("ext-42"));
    assert!(r.param("Policy").unwrap().contains("ice:*"));
    assert_eq!(r.param("SignatureMethod").as_deref(), Some("HMAC-SHA1"));
    assert_eq!(r.param("SignatureVersion").as_deref(), Some("1.0"));
    assert!(r.param("SecurityToken").is_none());
    assert!(r.param("SignatureNonce").is_some_and(|n| n.len() >= 16));
    let ts = r.param("Timestamp").unwrap();
    assert!(ts.len() == 20 && ts.ends_with('Z'), "{ts}");
}

#[tokio::test]
async fn assume_role_get_and_sts_source_token() {
    let stub = sts_stub();
    let source = StaticProvider::new(SRC_AK, SRC_SECRET).with_security_token("CAIS.sourceToken");
    let p = RamRoleArnProvider::new(Arc::new(source), ROLE)
        .with_endpoint(stub.url.clone())
        .with_method(StsMethod::Get)
        .with_duration_seconds(900);
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_secret.expose(), TEMP_SECRET);
    let r = &stub.requests()[0];
    assert_eq!(r.method, "GET");
    assert!(r.query.contains("RoleArn="));
    assert_eq!(
        r.param("SecurityToken").as_deref(),
        Some("CAIS.sourceToken")
    );
    assert_eq!(r.param("DurationSeconds").as_deref(), Some("900"));
    assert!(r.param("RoleSessionName").is_some_and(|s| !s.is_empty()));
}

#[tokio::test]
async fn wrong_secret_yields_sts_error_without_secrets() {
    let stub = sts_stub();
    let p = RamRoleArnProvider::new(
        Arc::new(StaticProvider::new(SRC_AK, "not-the-right-secret")),
        ROLE,
    )
    .with_endpoint(stub.url.clone());
    let err = p.provide().await.unwrap_err();
    let text = err.to_string();
    assert_eq!(err.provider, "ram_role_arn");
    assert!(text.contains("HTTP 400"), "{text}");
    assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    assert!(text.contains("bad signature"), "{text}");
    assert!(text.contains("R-SIG"), "{text}");
    assert!(!text.contains("not-the-right-secret"), "{text}");
    assert!(!text.contains("Signature="), "{text}");
}

#[tokio::test]
async fn service_error_and_garbage_bodies_are_reported_not_echoed() {
    let stub = Stub::start(|req: &Request| {
        if req.param("RoleSessionName").as_deref() == Some("html") {
            Reply::status(502, "<html>secret-looking gateway page</html>")
        } else {
            Reply::status(
                404,
                r#"{"RequestId":"R-404","HostId":"sts.aliyuncs.com","Code":"EntityNotExist.Role","Message":"The role not exists: acs:ram::1:role/x.","Recommend":"https://api.aliyun.com"}"#,
            )
        }
    });
    let err = provider(&stub).provide().await.unwrap_err().to_string();
    assert!(
        err.contains("HTTP 404") && err.contains("EntityNotExist.Role") && err.contains("R-404"),
        "{err}"
    );

    let err = provider(&stub)
        .with_session_name("html")
        .provide()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("HTTP 502") && err.contains("non-JSON"),
        "{err}"
    );
    assert!(!err.contains("secret-looking"), "{err}");

    // 200 without a Credentials object is an error, and the body is not copied into it.
    let stub = Stub::start(|_: &Request| Reply::ok(r#"{"RequestId":"R-1","Leak":"sensitive"}"#));
    let err = provider(&stub).provide().await.unwrap_err().to_string();
    assert!(!err.contains("sensitive"), "{err}");
}

#[tokio::test]
async fn duration_below_minimum_is_refused_before_sending() {
    let stub = sts_stub();
    let err = provider(&stub)
        .with_duration_seconds(899)
        .provide()
        .await
        .unwrap_err();
    assert!(err.message.contains("900"), "{err}");
    assert!(stub.requests().is_empty());
}

#[tokio::test]
async fn source_failure_is_reported() {
    let stub = sts_stub();
    let source =
        ice_api::runtime::credentials::EnvProvider::with_env(Env::from_vars(
            Vec::<(String, String)>::new(),
        ));
    let err = RamRoleArnProvider::new(Arc::new(source), ROLE)
        .with_endpoint(stub.url.clone())
        .provide()
        .await
        .unwrap_err();
    assert!(err.message.contains("source credentials"), "{err}");
    assert!(stub.requests().is_empty());
}

#[test]
fn endpoint_follows_region_vpc_and_environment() {
    let src = || Arc::new(StaticProvider::new(SRC_AK, SRC_SECRET));
    let none = || Env::from_vars(Vec::<(String, String)>::new());
    let p = RamRoleArnProvider::new(src(), ROLE).with_env(none());
    assert_eq!(p.endpoint(), "https://sts.aliyuncs.com");
    let p = RamRoleArnProvider::new(src(), ROLE)
        .with_env(none())
        .with_sts_region("cn-shanghai", false);
    assert_eq!(p.endpoint(), "https://sts.cn-shanghai.aliyuncs.com");
    let p = RamRoleArnProvider::new(src(), ROLE)
        .with_env(none())
        .with_sts_region("cn-shanghai", true);
    assert_eq!(p.endpoint(), "https://sts-vpc.cn-shanghai.aliyuncs.com");
    let env = Env::from_vars([
        ("ALIBABA_CLOUD_STS_REGION", "cn-beijing"),
        ("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true"),
    ]);
    let p = RamRoleArnProvider::new(src(), ROLE).with_env(env);
    assert_eq!(p.endpoint(), "https://sts-vpc.cn-beijing.aliyuncs.com");
    let p = RamRoleArnProvider::new(src(), ROLE).with_endpoint("sts.example.test/");
    assert_eq!(p.endpoint(), "https://sts.example.test");
}

#[tokio::test]
async fn debug_shows_no_secret_or_token() {
    let stub = sts_stub();
    let p = provider(&stub).with_policy("{\"secret-policy\":1}");
    let _ = p.provide().await.unwrap();
    let shown = format!("{p:?}");
    for s in [SRC_SECRET, SRC_AK, TEMP_SECRET, TEMP_TOKEN] {
        assert!(!shown.contains(s), "{s} in {shown}");
    }
    assert!(shown.contains(ROLE));
}
