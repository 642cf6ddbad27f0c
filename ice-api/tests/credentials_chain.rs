//! The default chain: the official order, memory of the winner, the credentials URI, and the
//! rule that only an unconfigured provider lets the chain move on: a configured one that is
//! incomplete or failing stops it, proven by an ECS metadata stand-in that is never asked.

#[path = "credentials_common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::{
    expiration_in, flat_credentials_json, jwt, node_metadata_stub, oidc_sts_stub, temp_home, write,
    Reply, Request, Stub, OIDC_PROVIDER, OIDC_ROLE, OIDC_TEMP_SECRET, OIDC_TEMP_TOKEN,
};
use ice_api::runtime::credentials::{CredentialsError, DefaultChain, Env, ProvideCredentials};

const ENV_AK: (&str, &str) = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tChainFromEnv01");
const ENV_SK: (&str, &str) = ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "chainEnvSecret");
const NO_ECS: (&str, &str) = ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
const TOKEN_VAR: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
const CLI_DEFAULT: &str = r#"{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAI5tChainProfile01","access_key_secret":"chainProfileSecret"}]}"#;
const INI_DEFAULT: &str = "[default]\ntype = access_key\naccess_key_id = LTAI5tChainIniFile01\naccess_key_secret = chainIniSecret\n";

fn home_with_files(profile: bool, ini: bool) -> PathBuf {
    let home = temp_home();
    if profile {
        write(&home.join(".aliyun/config.json"), CLI_DEFAULT);
    }
    if ini {
        write(&home.join(".alibabacloud/credentials.ini"), INI_DEFAULT);
    }
    home
}

fn env(home: &Path, vars: &[(&str, &str)]) -> Env {
    Env::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string()))).with_home(home)
}

fn chain(home: &Path, vars: &[(&str, &str)]) -> DefaultChain {
    DefaultChain::builder().env(env(home, vars)).build()
}

/// A chain whose STS and metadata service are loopback stand-ins.
fn chain_with(home: &Path, vars: &[(&str, &str)], sts: &Stub, metadata: &Stub) -> DefaultChain {
    DefaultChain::builder()
        .env(env(home, vars))
        .sts_endpoint(sts.url.clone())
        .metadata_endpoint(metadata.url.clone())
        .build()
}

/// The three RRSA variables, with the token written into `home`.
fn oidc_vars(home: &Path, token: &str) -> [(&'static str, String); 3] {
    let file = home.join("rrsa/token");
    write(&file, token);
    [
        ("ALIBABA_CLOUD_ROLE_ARN", OIDC_ROLE.to_string()),
        ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER.to_string()),
        (TOKEN_VAR, file.to_string_lossy().into_owned()),
    ]
}

fn refs<'a>(vars: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Asserts that the chain stopped at `provider` without asking the metadata service.
fn assert_stopped_at(err: &CredentialsError, provider: &str, metadata: &Stub) {
    assert_eq!(err.provider, "default");
    assert!(!err.is_not_configured(), "{err}");
    assert!(
        err.message.starts_with(&format!("{provider}: ")),
        "expected to stop at {provider}: {err}"
    );
    assert!(err.message.contains("; stopped here"), "{err}");
    assert!(
        metadata.requests().is_empty(),
        "the ECS role was tried: {:?}",
        metadata.requests()
    );
}

#[tokio::test]
async fn only_the_three_oidc_variables_give_the_roles_credentials() {
    let home = temp_home();
    let token = jwt("ice-worker");
    let sts = oidc_sts_stub(&[&token], 3600);
    let metadata = node_metadata_stub();
    let vars = oidc_vars(&home, &token);
    let ch = chain_with(&home, &refs(&vars), &sts, &metadata);
    let c = ch.provide().await.unwrap();
    assert_eq!(c.access_key_id, "STS.OidcKey.0");
    assert_eq!(c.access_key_secret.expose(), OIDC_TEMP_SECRET);
    assert_eq!(
        c.security_token.as_ref().map(|t| t.expose()),
        Some(OIDC_TEMP_TOKEN)
    );
    assert_eq!(c.provider_name, "default/oidc_role_arn");
    assert_eq!(ch.chosen(), Some("oidc_role_arn"));
    assert_eq!(sts.requests().len(), 1);
    assert!(metadata.requests().is_empty());
}

#[tokio::test]
async fn missing_token_file_stops_the_chain_before_the_ecs_role() {
    let home = temp_home();
    let sts = oidc_sts_stub(&[], 3600);
    let metadata = node_metadata_stub();
    let mut vars = oidc_vars(&home, "unused");
    let missing = home
        .join("rrsa/rotated-away")
        .to_string_lossy()
        .into_owned();
    vars[2].1 = missing.clone();
    let err = chain_with(&home, &refs(&vars), &sts, &metadata)
        .provide()
        .await
        .unwrap_err();
    assert_stopped_at(&err, "oidc_role_arn", &metadata);
    assert!(err.message.contains(TOKEN_VAR), "{err}");
    assert!(err.message.contains(&missing), "{err}");
    assert!(
        err.message
            .contains("not trying cli_profile, profile, ecs_ram_role, credential_uri"),
        "{err}"
    );
    assert!(err.message.contains("(skipped before: env: "), "{err}");
    assert!(
        std::error::Error::source(&err).is_some(),
        "the I/O error is kept"
    );
    assert!(sts.requests().is_empty());
}

#[tokio::test]
async fn half_configured_oidc_stops_the_chain() {
    let home = home_with_files(true, true);
    let sts = oidc_sts_stub(&[], 3600);
    let metadata = node_metadata_stub();
    let vars = oidc_vars(&home, "t");
    for keep in [&vars[..1], &vars[1..2], &vars[1..]] {
        let err = chain_with(&home, &refs(keep), &sts, &metadata)
            .provide()
            .await
            .unwrap_err();
        assert_stopped_at(&err, "oidc_role_arn", &metadata);
        assert!(err.message.contains("not set; OIDC needs"), "{err}");
    }
}

#[tokio::test]
async fn official_order_env_oidc_cli_profile_file() {
    let home = home_with_files(true, true);
    let token = jwt("order");
    let sts = oidc_sts_stub(&[&token], 3600);
    let metadata = node_metadata_stub();
    let oidc = oidc_vars(&home, &token);
    let mut with_env = refs(&oidc);
    with_env.extend_from_slice(&[ENV_AK, ENV_SK]);
    let c = chain_with(&home, &with_env, &sts, &metadata)
        .provide()
        .await
        .unwrap();
    assert_eq!(
        (c.access_key_id.as_str(), c.provider_name.as_str()),
        (ENV_AK.1, "default/env")
    );

    let c = chain_with(&home, &refs(&oidc), &sts, &metadata)
        .provide()
        .await
        .unwrap();
    assert_eq!(c.provider_name, "default/oidc_role_arn");

    let ch = chain_with(&home, &[], &sts, &metadata);
    let c = ch.provide().await.unwrap();
    assert_eq!(c.access_key_id, "LTAI5tChainProfile01");
    assert_eq!(c.provider_name, "default/cli_profile/static_ak");
    assert_eq!(ch.chosen(), Some("cli_profile"));

    let ch = chain_with(
        &home,
        &[("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")],
        &sts,
        &metadata,
    );
    let c = ch.provide().await.unwrap();
    assert_eq!(c.access_key_id, "LTAI5tChainIniFile01");
    assert_eq!(c.provider_name, "default/profile/static_ak");
    assert_eq!(ch.chosen(), Some("profile"));
    assert!(metadata.requests().is_empty());
}

#[tokio::test]
async fn a_profile_named_nowhere_stops_the_chain() {
    let home = home_with_files(true, true);
    let sts = oidc_sts_stub(&[], 3600);
    let metadata = node_metadata_stub();
    let err = chain_with(&home, &[("ALIBABA_CLOUD_PROFILE", "prod")], &sts, &metadata)
        .provide()
        .await
        .unwrap_err();
    assert_stopped_at(&err, "profile", &metadata);
    assert!(err.message.contains("no section [prod]"), "{err}");
    assert!(err.message.contains("ALIBABA_CLOUD_PROFILE"), "{err}");
    assert!(
        err.message
            .contains("cli_profile: ALIBABA_CLOUD_PROFILE=\"prod\" is not a profile"),
        "{err}"
    );

    // No files at all: still an error, not the node's role.
    let err = chain_with(
        &temp_home(),
        &[("ALIBABA_CLOUD_PROFILE", "prod")],
        &sts,
        &metadata,
    )
    .provide()
    .await
    .unwrap_err();
    assert_stopped_at(&err, "profile", &metadata);
    assert!(err.message.contains("credentials.ini"), "{err}");
}

#[tokio::test]
async fn a_profile_missing_from_the_cli_config_is_found_in_the_credentials_file() {
    let home = home_with_files(true, false);
    write(
        &home.join(".alibabacloud/credentials.ini"),
        "[prod]\ntype: access_key\naccess_key_id: LTAI5tChainIniProd01\naccess_key_secret: s\n",
    );
    let sts = oidc_sts_stub(&[], 3600);
    let metadata = node_metadata_stub();
    let c = chain_with(&home, &[("ALIBABA_CLOUD_PROFILE", "prod")], &sts, &metadata)
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "LTAI5tChainIniProd01");
    assert_eq!(c.provider_name, "default/profile/static_ak");
}

#[tokio::test]
async fn broken_or_unusable_files_stop_the_chain() {
    let sts = oidc_sts_stub(&[], 3600);
    let metadata = node_metadata_stub();

    // A credentials file that does not parse: file, line and reason.
    let home = temp_home();
    write(
        &home.join(".alibabacloud/credentials.ini"),
        "[default]\ntype = access_key\naccess_key_id LTAI5tNoEqualsSign01\n",
    );
    let err = chain_with(&home, &[], &sts, &metadata)
        .provide()
        .await
        .unwrap_err();
    assert_stopped_at(&err, "profile", &metadata);
    assert!(err.message.contains("credentials.ini:3: expected"), "{err}");
    assert!(!err.message.contains("LTAI5tNoEqualsSign01"), "{err}");

    // ALIBABA_CLOUD_CREDENTIALS_FILE naming a file that is not there.
    let err = chain_with(
        &temp_home(),
        &[("ALIBABA_CLOUD_CREDENTIALS_FILE", "/nonexistent/creds.ini")],
        &sts,
        &metadata,
    )
    .provide()
    .await
    .unwrap_err();
    assert_stopped_at(&err, "profile", &metadata);
    assert!(
        err.message
            .contains("ALIBABA_CLOUD_CREDENTIALS_FILE: no file at /nonexistent/creds.ini"),
        "{err}"
    );

    // A CLI configuration that is not JSON, or whose current profile uses a mode not supported.
    for (config, expected) in [
        ("{\"current\": ", "not valid JSON"),
        (
            r#"{"current":"sso","profiles":[{"name":"sso","mode":"CloudSSO"}]}"#,
            "#/profiles/0/mode: mode \"CloudSSO\" is not supported",
        ),
        (
            r#"{"current":"gone","profiles":[]}"#,
            "no profile named \"gone\" (chosen by \"current\")",
        ),
    ] {
        let home = home_with_files(false, true);
        write(&home.join(".aliyun/config.json"), config);
        let err = chain_with(&home, &[], &sts, &metadata)
            .provide()
            .await
            .unwrap_err();
        assert_stopped_at(&err, "cli_profile", &metadata);
        assert!(err.message.contains(expected), "{expected}: {err}");
    }

    // Environment variables partly set.
    let err = chain_with(&home_with_files(true, true), &[ENV_SK], &sts, &metadata)
        .provide()
        .await
        .unwrap_err();
    assert_stopped_at(&err, "env", &metadata);
    assert!(
        err.message
            .contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET set but ALIBABA_CLOUD_ACCESS_KEY_ID"),
        "{err}"
    );
    assert!(!err.message.contains(ENV_SK.1), "{err}");
}

#[tokio::test]
async fn nothing_configured_lists_every_provider_without_secrets() {
    let home = temp_home();
    let err = chain(&home, &[NO_ECS]).provide().await.unwrap_err();
    assert_eq!(err.provider, "default");
    assert!(err.is_not_configured());
    let text = err.to_string();
    assert!(text.contains("no credentials found; tried env: "), "{text}");
    let order: Vec<usize> = [
        "env:",
        "oidc_role_arn:",
        "cli_profile:",
        "profile:",
        "ecs_ram_role:",
        "credential_uri:",
    ]
    .iter()
    .map(|n| {
        text.find(&format!(" {n}"))
            .unwrap_or_else(|| panic!("{n} missing from {text}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("ALIBABA_CLOUD_OIDC_TOKEN_FILE"), "{text}");
    assert!(text.contains("no file at"), "{text}");
    assert!(
        text.contains("ALIBABA_CLOUD_ECS_METADATA_DISABLED"),
        "{text}"
    );
    assert!(
        text.contains("ALIBABA_CLOUD_CREDENTIALS_URI not set"),
        "{text}"
    );
}

#[tokio::test]
async fn first_winner_is_remembered() {
    let home = home_with_files(false, true);
    let ch = chain(&home, &[NO_ECS]);
    assert_eq!(ch.chosen(), None);
    assert_eq!(
        ch.provide().await.unwrap().access_key_id,
        "LTAI5tChainIniFile01"
    );
    // A profile appearing later does not switch identity.
    write(
        &home.join(".aliyun/config.json"),
        r#"{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAI5tLateProfile001","access_key_secret":"x"}]}"#,
    );
    assert_eq!(
        ch.provide().await.unwrap().access_key_id,
        "LTAI5tChainIniFile01"
    );
    assert_eq!(ch.chosen(), Some("profile"));
}

#[tokio::test]
async fn ecs_and_credentials_uri_come_last() {
    let md = node_metadata_stub();
    let home = temp_home();
    let ch = DefaultChain::builder()
        .env(env(&home, &[]))
        .metadata_endpoint(md.url.clone())
        .build();
    let c = ch.provide().await.unwrap();
    assert_eq!(c.access_key_id, "STS.NodeEcsRole01");
    assert_eq!(c.provider_name, "default/ecs_ram_role");

    let uri = Stub::start(|_: &Request| {
        Reply::ok(flat_credentials_json(
            "STS.ChainUri000001",
            "uriSecret",
            "uriToken",
            &expiration_in(3600),
        ))
    });
    let target = format!("{}/credentials?role=x", uri.url);
    let c = chain(
        &home,
        &[NO_ECS, ("ALIBABA_CLOUD_CREDENTIALS_URI", target.as_str())],
    )
    .provide()
    .await
    .unwrap();
    assert_eq!(c.access_key_id, "STS.ChainUri000001");
    assert_eq!(c.provider_name, "default/credential_uri");
    assert_eq!(uri.requests()[0].path, "/credentials");

    // An ECS instance without a RAM role is not configured: the chain goes on to the URI.
    let no_role = Stub::start(|req: &Request| match req.path.as_str() {
        "/latest/api/token" => Reply::ok("tok"),
        _ => Reply::status(404, "Not Found"),
    });
    let c = DefaultChain::builder()
        .env(env(
            &home,
            &[("ALIBABA_CLOUD_CREDENTIALS_URI", target.as_str())],
        ))
        .metadata_endpoint(no_role.url.clone())
        .build()
        .provide()
        .await
        .unwrap();
    assert_eq!(c.provider_name, "default/credential_uri");

    let bad = Stub::start(|_: &Request| Reply::ok(r#"{"Code":"Failed","Message":"not allowed"}"#));
    let target = format!("{}/c", bad.url);
    let err = chain(
        &home,
        &[NO_ECS, ("ALIBABA_CLOUD_CREDENTIALS_URI", target.as_str())],
    )
    .provide()
    .await
    .unwrap_err();
    assert!(err.message.starts_with("credential_uri: "), "{err}");
    assert!(err.message.contains("not allowed"), "{err}");
}

#[tokio::test]
async fn chain_debug_shows_no_secrets() {
    let home = home_with_files(true, true);
    let ch = chain(&home, &[ENV_AK, ENV_SK, NO_ECS]);
    ch.provide().await.unwrap();
    let shown = format!("{ch:?}");
    for s in [ENV_AK.1, ENV_SK.1, "chainProfileSecret", "chainIniSecret"] {
        assert!(!shown.contains(s), "{s} in {shown}");
    }
    assert!(shown.contains("chosen: Some(\"env\")"), "{shown}");
}
