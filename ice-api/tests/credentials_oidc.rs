//! OIDC (RRSA): STS `AssumeRoleWithOIDC` against a loopback stand-in that checks the call, with
//! the token file and variables in a temporary home.

#[path = "credentials_common/mod.rs"]
mod common;

use std::error::Error as _;
use std::path::Path;
use std::time::Duration;

use common::{
    jwt, oidc_sts_stub, temp_home, write, OIDC_PROVIDER, OIDC_ROLE, OIDC_TEMP_SECRET,
    OIDC_TEMP_TOKEN,
};
use ice_api::runtime::credentials::{Env, OidcRoleArnProvider, ProvideCredentials};

const ROLE_VAR: &str = "ALIBABA_CLOUD_ROLE_ARN";
const PROVIDER_VAR: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
const TOKEN_VAR: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";

fn env(home: &Path, vars: &[(&str, &str)]) -> Env {
    Env::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string()))).with_home(home)
}

/// A home with a token file; returns it and the file's path.
fn home_with_token(token: &str) -> (std::path::PathBuf, String) {
    let home = temp_home();
    let file = home.join("rrsa/token");
    write(&file, token);
    (home, file.to_string_lossy().into_owned())
}

fn three_vars(token_file: &str) -> Vec<(&'static str, String)> {
    vec![
        (ROLE_VAR, OIDC_ROLE.to_string()),
        (PROVIDER_VAR, OIDC_PROVIDER.to_string()),
        (TOKEN_VAR, token_file.to_string()),
    ]
}

fn provider(home: &Path, vars: &[(&str, String)], sts: &common::Stub) -> OidcRoleArnProvider {
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    OidcRoleArnProvider::new()
        .with_env(env(home, &vars))
        .with_endpoint(sts.url.clone())
}

#[tokio::test]
async fn the_three_variables_assume_the_role() {
    let token = jwt("ice-worker");
    let (home, file) = home_with_token(&format!("{token}\n"));
    let sts = oidc_sts_stub(&[&token], 3600);
    let p = provider(&home, &three_vars(&file), &sts);
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_id, "STS.OidcKey.0");
    assert_eq!(c.access_key_secret.expose(), OIDC_TEMP_SECRET);
    assert_eq!(
        c.security_token.as_ref().map(|t| t.expose()),
        Some(OIDC_TEMP_TOKEN)
    );
    assert!(c.expiration.is_some());
    assert_eq!(c.provider_name, "oidc_role_arn");

    let reqs = sts.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.param("DurationSeconds").as_deref(), Some("3600"));
    assert!(r
        .param("RoleSessionName")
        .is_some_and(|s| s.starts_with("ice-rs-")));
    assert!(r.param("Policy").is_none());
    assert!(!r.query.contains("OIDCToken"), "token in the URL");

    // Cached: a second call asks STS nothing.
    p.provide().await.unwrap();
    assert_eq!(sts.requests().len(), 1);
}

#[tokio::test]
async fn session_name_variable_policy_and_duration() {
    let token = jwt("s");
    let (home, file) = home_with_token(&token);
    let sts = oidc_sts_stub(&[&token], 3600);
    let mut vars = three_vars(&file);
    vars.push(("ALIBABA_CLOUD_ROLE_SESSION_NAME", "pod-session".into()));
    let policy =
        r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ice:*","Resource":"*"}]}"#;
    provider(&home, &vars, &sts)
        .with_policy(policy)
        .with_duration_seconds(1800)
        .provide()
        .await
        .unwrap();
    let r = &sts.requests()[0];
    assert_eq!(r.param("RoleSessionName").as_deref(), Some("pod-session"));
    assert_eq!(r.param("DurationSeconds").as_deref(), Some("1800"));
    assert_eq!(r.param("Policy").as_deref(), Some(policy));
    // The explicit session name wins over the variable.
    let sts = oidc_sts_stub(&[&token], 3600);
    provider(&home, &vars, &sts)
        .with_session_name("explicit")
        .provide()
        .await
        .unwrap();
    assert_eq!(
        sts.requests()[0].param("RoleSessionName").as_deref(),
        Some("explicit")
    );
}

#[tokio::test]
async fn builder_settings_replace_the_variables() {
    let token = jwt("b");
    let (home, file) = home_with_token(&token);
    let sts = oidc_sts_stub(&[&token], 3600);
    let c = OidcRoleArnProvider::new()
        .with_env(env(&home, &[]))
        .with_role_arn(OIDC_ROLE)
        .with_oidc_provider_arn(OIDC_PROVIDER)
        .with_token_file(&file)
        .with_endpoint(sts.url.clone())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "STS.OidcKey.0");
}

#[tokio::test]
async fn token_file_is_read_again_on_every_refresh() {
    let (first, second) = (jwt("first"), jwt("second"));
    let (home, file) = home_with_token(&first);
    // Credentials valid for 30 minutes with a one-hour margin: every call refreshes.
    let sts = oidc_sts_stub(&[&first, &second], 1800);
    let p =
        provider(&home, &three_vars(&file), &sts).with_refresh_margin(Duration::from_secs(3600));
    assert_eq!(p.provide().await.unwrap().access_key_id, "STS.OidcKey.0");
    // The kubelet rotates the projected token.
    write(Path::new(&file), &second);
    assert_eq!(p.provide().await.unwrap().access_key_id, "STS.OidcKey.1");
    let sent: Vec<String> = sts
        .requests()
        .iter()
        .map(|r| r.param("OIDCToken").unwrap())
        .collect();
    assert_eq!(sent, [first, second]);
}

#[tokio::test]
async fn nothing_set_is_not_configured() {
    let sts = oidc_sts_stub(&[], 3600);
    let err = provider(&temp_home(), &[], &sts)
        .provide()
        .await
        .unwrap_err();
    assert!(err.is_not_configured(), "{err}");
    assert_eq!(err.provider, "oidc_role_arn");
    for var in [ROLE_VAR, PROVIDER_VAR, TOKEN_VAR] {
        assert!(err.message.contains(var), "{err}");
    }
}

#[tokio::test]
async fn partly_set_variables_are_an_error_naming_the_missing_ones() {
    let (home, file) = home_with_token(&jwt("x"));
    let sts = oidc_sts_stub(&[], 3600);
    let all = three_vars(&file);
    for keep in [&[0][..], &[1], &[2], &[0, 1], &[0, 2], &[1, 2]] {
        let vars: Vec<(&str, String)> = keep.iter().map(|i| all[*i].clone()).collect();
        let err = provider(&home, &vars, &sts).provide().await.unwrap_err();
        assert!(!err.is_not_configured(), "{keep:?}: {err}");
        let (given, missing) = err.message.split_once(" set but ").unwrap();
        for (i, (var, _)) in all.iter().enumerate() {
            let named = if keep.contains(&i) { given } else { missing };
            assert!(named.contains(var), "{keep:?}: {err}");
        }
    }
    // An empty variable counts as not set.
    let mut vars = all.clone();
    vars[0].1 = "  ".into();
    let err = provider(&home, &vars, &sts).provide().await.unwrap_err();
    assert!(
        err.message.contains("but ALIBABA_CLOUD_ROLE_ARN not set"),
        "{err}"
    );
    assert!(sts.requests().is_empty());
}

#[tokio::test]
async fn missing_unreadable_or_empty_token_file_names_the_variable() {
    let home = temp_home();
    let sts = oidc_sts_stub(&[], 3600);
    let missing = home.join("no/such/token").to_string_lossy().into_owned();
    let err = provider(&home, &three_vars(&missing), &sts)
        .provide()
        .await
        .unwrap_err();
    assert!(!err.is_not_configured());
    assert!(
        err.message.starts_with(TOKEN_VAR) && err.message.contains(&missing),
        "{err}"
    );
    let io = err
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .expect("the I/O error is the source");
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);

    let (home, empty) = home_with_token(" \n");
    let err = provider(&home, &three_vars(&empty), &sts)
        .provide()
        .await
        .unwrap_err();
    assert!(err.message.contains("is empty"), "{err}");

    let (home, big) = home_with_token(&"a".repeat(64 * 1024 + 1));
    let err = provider(&home, &three_vars(&big), &sts)
        .provide()
        .await
        .unwrap_err();
    assert!(err.message.contains("larger than"), "{err}");
    assert!(sts.requests().is_empty());
}

#[tokio::test]
async fn malformed_arns_and_short_durations_are_refused_before_sending() {
    let token = jwt("v");
    let (home, file) = home_with_token(&token);
    let sts = oidc_sts_stub(&[&token], 3600);
    let mut vars = three_vars(&file);
    vars[0].1 = "ice-rrsa".into();
    let err = provider(&home, &vars, &sts).provide().await.unwrap_err();
    assert!(
        err.message.starts_with(ROLE_VAR) && err.message.contains("acs:ram::<account id>:role/"),
        "{err}"
    );
    let mut vars = three_vars(&file);
    vars[1].1 = OIDC_ROLE.into();
    let err = provider(&home, &vars, &sts).provide().await.unwrap_err();
    assert!(
        err.message.starts_with(PROVIDER_VAR) && err.message.contains("oidc-provider/"),
        "{err}"
    );
    let err = provider(&home, &three_vars(&file), &sts)
        .with_duration_seconds(899)
        .provide()
        .await
        .unwrap_err();
    assert!(
        err.message.contains("DurationSeconds") && err.message.contains("900"),
        "{err}"
    );
    assert!(sts.requests().is_empty());
}

#[tokio::test]
async fn the_token_never_shows_not_even_when_sts_echoes_it() {
    let token = jwt("rejected");
    let (home, file) = home_with_token(&token);
    let sts = oidc_sts_stub(&[], 3600);
    let p = provider(&home, &three_vars(&file), &sts);
    let err = p.provide().await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("AuthenticationFail.OIDCToken.Invalid"),
        "{text}"
    );
    assert!(text.contains("R-TOKEN"), "{text}");
    assert!(!text.contains(&token), "{text}");
    assert_eq!(sts.requests().len(), 1, "the stand-in did see the token");

    let token = jwt("accepted");
    let (home, file) = home_with_token(&token);
    let sts = oidc_sts_stub(&[&token], 3600);
    let p = provider(&home, &three_vars(&file), &sts);
    let c = p.provide().await.unwrap();
    let shown = format!("{p:?} {c:?}");
    for secret in [token.as_str(), OIDC_TEMP_SECRET, OIDC_TEMP_TOKEN] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(
        shown.contains(ROLE_VAR) && shown.contains("STS.****ey.0"),
        "{shown}"
    );
}

#[test]
fn endpoint_follows_region_vpc_and_environment() {
    let home = temp_home();
    let p = OidcRoleArnProvider::new().with_env(env(&home, &[]));
    assert_eq!(p.endpoint(), "https://sts.aliyuncs.com");
    let p = OidcRoleArnProvider::new().with_env(env(
        &home,
        &[
            ("ALIBABA_CLOUD_STS_REGION", "cn-hangzhou"),
            ("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true"),
        ],
    ));
    assert_eq!(p.endpoint(), "https://sts-vpc.cn-hangzhou.aliyuncs.com");
    let p = OidcRoleArnProvider::new()
        .with_env(env(&home, &[]))
        .with_sts_region("cn-shanghai", false);
    assert_eq!(p.endpoint(), "https://sts.cn-shanghai.aliyuncs.com");
}
