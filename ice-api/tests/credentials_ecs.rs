//! ECS RAM role against a loopback stand-in for the metadata service.

#[path = "credentials_common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{expiration_in, flat_credentials_json, Reply, Request, Stub};
use ice_api::runtime::credentials::{EcsRamRoleProvider, Env, ProvideCredentials};

const LIST: &str = "/latest/meta-data/ram/security-credentials/";
const TOKEN_PATH: &str = "/latest/api/token";
const ECS_SECRET: &str = "ecsTempSecretValue";
const ECS_TOKEN: &str = "CAIS.ecsTempToken";

/// Metadata stand-in. With `v2`, the token endpoint works and every other request must carry
/// the token; without, `PUT /latest/api/token` answers 404 (an older or v1-only service).
fn metadata_stub(v2: bool) -> Stub {
    Stub::start(move |req: &Request| {
        if req.path == TOKEN_PATH {
            if !v2 {
                return Reply::status(404, "not found");
            }
            assert_eq!(req.method, "PUT");
            if req.header("x-aliyun-ecs-metadata-token-ttl-seconds") != Some("21600") {
                return Reply::status(400, "missing ttl");
            }
            return Reply::ok("imds-token-abc");
        }
        if v2 && req.header("x-aliyun-ecs-metadata-token") != Some("imds-token-abc") {
            return Reply::status(401, "token required");
        }
        match req.path.as_str() {
            LIST => Reply::ok("ice-ecs-role\n"),
            "/latest/meta-data/ram/security-credentials/ice-ecs-role"
            | "/latest/meta-data/ram/security-credentials/env-role" => {
                Reply::ok(flat_credentials_json(
                    "STS.EcsKeyId0000001",
                    ECS_SECRET,
                    ECS_TOKEN,
                    &expiration_in(6 * 3600),
                ))
            }
            _ => Reply::status(404, "no such role"),
        }
    })
}

fn env(vars: &[(&str, &str)]) -> Env {
    Env::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

#[tokio::test]
async fn imdsv2_token_then_role_listing_then_credentials() {
    let stub = metadata_stub(true);
    let p = EcsRamRoleProvider::new()
        .with_env(env(&[]))
        .with_endpoint(stub.url.clone());
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_id, "STS.EcsKeyId0000001");
    assert_eq!(c.access_key_secret.expose(), ECS_SECRET);
    assert_eq!(
        c.security_token.as_ref().map(|t| t.expose()),
        Some(ECS_TOKEN)
    );
    assert!(c.expiration.is_some());
    let paths: Vec<String> = stub.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            TOKEN_PATH,
            LIST,
            "/latest/meta-data/ram/security-credentials/ice-ecs-role"
        ]
    );
    // Cached: a second call does not go back to the metadata service.
    let _ = p.provide().await.unwrap();
    assert_eq!(stub.requests().len(), 3);
}

#[tokio::test]
async fn role_from_environment_skips_listing() {
    let stub = metadata_stub(true);
    let p = EcsRamRoleProvider::new()
        .with_env(env(&[("ALIBABA_CLOUD_ECS_METADATA", "env-role")]))
        .with_endpoint(stub.url.clone());
    p.provide().await.unwrap();
    assert_eq!(stub.count(LIST), 0);
    assert_eq!(
        stub.count("/latest/meta-data/ram/security-credentials/env-role"),
        1
    );
}

#[tokio::test]
async fn falls_back_to_v1_when_token_unavailable() {
    let stub = metadata_stub(false);
    let p = EcsRamRoleProvider::new()
        .with_env(env(&[]))
        .with_endpoint(stub.url.clone());
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_secret.expose(), ECS_SECRET);
    let reqs = stub.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs[1..]
        .iter()
        .all(|r| r.header("x-aliyun-ecs-metadata-token").is_none()));
}

#[tokio::test]
async fn v1_disabled_fails_without_token() {
    for p in [
        EcsRamRoleProvider::new().with_env(env(&[("ALIBABA_CLOUD_IMDSV1_DISABLED", "true")])),
        EcsRamRoleProvider::new()
            .with_env(env(&[]))
            .with_imdsv1_disabled(true),
    ] {
        let stub = metadata_stub(false);
        let err = p
            .with_endpoint(stub.url.clone())
            .provide()
            .await
            .unwrap_err();
        assert_eq!(err.provider, "ecs_ram_role");
        assert!(err.message.contains("IMDSv1 is disabled"), "{err}");
        assert_eq!(stub.count(LIST), 0, "no v1 request may follow");
    }
}

#[tokio::test]
async fn disabled_by_environment_sends_nothing() {
    let stub = metadata_stub(true);
    let err = EcsRamRoleProvider::new()
        .with_env(env(&[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")]))
        .with_endpoint(stub.url.clone())
        .provide()
        .await
        .unwrap_err();
    assert!(
        err.message.contains("ALIBABA_CLOUD_ECS_METADATA_DISABLED"),
        "{err}"
    );
    assert!(stub.requests().is_empty());
}

#[tokio::test]
async fn unknown_role_and_failed_code_are_errors() {
    let stub = metadata_stub(true);
    let err = EcsRamRoleProvider::new()
        .with_env(env(&[]))
        .with_role_name("missing-role")
        .with_endpoint(stub.url.clone())
        .provide()
        .await
        .unwrap_err();
    assert!(err.message.contains("HTTP 404"), "{err}");

    let stub = Stub::start(|req: &Request| match req.path.as_str() {
        TOKEN_PATH => Reply::ok("t"),
        LIST => Reply::ok("r"),
        _ => Reply::ok(r#"{"Code":"Failed","Message":"role detached","AccessKeySecret":"leaky"}"#),
    });
    let err = EcsRamRoleProvider::new()
        .with_env(env(&[]))
        .with_endpoint(stub.url.clone())
        .provide()
        .await
        .unwrap_err();
    assert!(
        err.message.contains("Failed") && err.message.contains("role detached"),
        "{err}"
    );
    assert!(!err.message.contains("leaky"), "{err}");
}

#[tokio::test]
async fn unreachable_metadata_service_fails_fast() {
    // A port that was just free: nothing listens there.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let started = Instant::now();
    let err = EcsRamRoleProvider::new()
        .with_env(env(&[]))
        .with_endpoint(format!("http://{addr}"))
        .provide()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.provider, "ecs_ram_role");

    // A service that accepts but never answers hits the short total timeout.
    let slow = Stub::start(|_: &Request| Reply::ok("late").delayed(Duration::from_secs(5)));
    let started = Instant::now();
    let err = EcsRamRoleProvider::new()
        .with_env(env(&[]))
        .with_endpoint(slow.url.clone())
        .with_timeouts(Duration::from_millis(300), Duration::from_millis(300))
        .provide()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(err.message.contains("timed out"), "{err}");
    // Only the token request was tried: no v1 attempt against a service that does not answer.
    assert_eq!(slow.requests().len(), 1);
}
