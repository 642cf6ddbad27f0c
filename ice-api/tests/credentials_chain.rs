//! The default chain: order, memory of the winner, aggregated errors, credentials URI.

#[path = "credentials_common/mod.rs"]
mod common;

use common::{expiration_in, flat_credentials_json, temp_home, write, Reply, Request, Stub};
use ice_api::runtime::credentials::{DefaultChain, Env, ProvideCredentials};

const ENV_AK: (&str, &str) = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tChainFromEnv01");
const ENV_SK: (&str, &str) = ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "chainEnvSecret");
const NO_ECS: (&str, &str) = ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");

fn home_with_files(profile: bool, ini: bool) -> std::path::PathBuf {
    let home = temp_home();
    if profile {
        write(
            &home.join(".aliyun/config.json"),
            r#"{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAI5tChainProfile01","access_key_secret":"chainProfileSecret"}]}"#,
        );
    }
    if ini {
        write(
            &home.join(".alibabacloud/credentials"),
            "[default]\ntype = access_key\naccess_key_id = LTAI5tChainIniFile01\naccess_key_secret = chainIniSecret\n",
        );
    }
    home
}

fn chain(home: &std::path::Path, vars: &[(&str, &str)]) -> DefaultChain {
    let env =
        Env::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string()))).with_home(home);
    DefaultChain::builder().env(env).build()
}

#[tokio::test]
async fn env_beats_profile_beats_ini() {
    let home = home_with_files(true, true);
    let c = chain(&home, &[ENV_AK, ENV_SK, NO_ECS])
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, ENV_AK.1);
    assert_eq!(c.provider_name, "default/env");

    let ch = chain(&home, &[NO_ECS]);
    let c = ch.provide().await.unwrap();
    assert_eq!(c.access_key_id, "LTAI5tChainProfile01");
    assert_eq!(c.provider_name, "default/cli_profile/static_ak");
    assert_eq!(ch.chosen(), Some("cli_profile"));

    let c = chain(
        &home,
        &[NO_ECS, ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")],
    )
    .provide()
    .await
    .unwrap();
    assert_eq!(c.access_key_id, "LTAI5tChainIniFile01");

    let home = home_with_files(false, true);
    let ch = chain(&home, &[NO_ECS]);
    assert_eq!(
        ch.provide().await.unwrap().access_key_id,
        "LTAI5tChainIniFile01"
    );
    assert_eq!(ch.chosen(), Some("ini_file"));
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
    assert_eq!(ch.chosen(), Some("ini_file"));
}

#[tokio::test]
async fn nothing_found_lists_every_provider_without_secrets() {
    let home = temp_home();
    // A half-configured environment: the secret is set, the id is not.
    let err = chain(&home, &[NO_ECS, ENV_SK]).provide().await.unwrap_err();
    assert_eq!(err.provider, "default");
    let text = err.to_string();
    let order: Vec<usize> = [
        "env:",
        "cli_profile:",
        "ini_file:",
        "ecs_ram_role:",
        "credentials_uri:",
    ]
    .iter()
    .map(|n| {
        text.find(n)
            .unwrap_or_else(|| panic!("{n} missing from {text}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("no file at"), "{text}");
    assert!(
        text.contains("ALIBABA_CLOUD_ECS_METADATA_DISABLED"),
        "{text}"
    );
    assert!(!text.contains(ENV_SK.1), "{text}");
}

#[tokio::test]
async fn ecs_and_credentials_uri_come_last() {
    let md = Stub::start(|req: &Request| match req.path.as_str() {
        "/latest/api/token" => Reply::ok("tok"),
        "/latest/meta-data/ram/security-credentials/" => Reply::ok("chain-role"),
        _ => Reply::ok(flat_credentials_json(
            "STS.ChainEcs000001",
            "s",
            "t",
            &expiration_in(3600),
        )),
    });
    let home = temp_home();
    let env = Env::from_vars(Vec::<(String, String)>::new()).with_home(&home);
    let ch = DefaultChain::builder()
        .env(env)
        .metadata_endpoint(md.url.clone())
        .build();
    let c = ch.provide().await.unwrap();
    assert_eq!(c.access_key_id, "STS.ChainEcs000001");
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
    assert_eq!(
        c.security_token.as_ref().map(|t| t.expose()),
        Some("uriToken")
    );
    assert_eq!(uri.requests()[0].path, "/credentials");

    let bad = Stub::start(|_: &Request| Reply::ok(r#"{"Code":"Failed","Message":"not allowed"}"#));
    let target = format!("{}/c", bad.url);
    let err = chain(
        &home,
        &[NO_ECS, ("ALIBABA_CLOUD_CREDENTIALS_URI", target.as_str())],
    )
    .provide()
    .await
    .unwrap_err();
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
