//! The CLI profile (`~/.aliyun/config.json`) and the credentials INI file, read from a
//! temporary home directory given through an injected environment.

#[path = "credentials_common/mod.rs"]
mod common;

use common::{
    expected_v2_signature, expiration_in, flat_credentials_json, sts_json, temp_home, write, Reply,
    Request, Stub,
};
use ice_api::runtime::credentials::{CliProfileProvider, Env, IniFileProvider, ProvideCredentials};

const PROFILE_SECRET: &str = "profileSecretValue";

fn env_with_home(home: &std::path::Path, vars: &[(&str, &str)]) -> Env {
    Env::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string()))).with_home(home)
}

const CLI_CONFIG: &str = r#"{
  "current": "ak",
  "profiles": [
    {"name": "ak", "mode": "AK", "access_key_id": "LTAI5tProfileAk00001", "access_key_secret": "profileSecretValue", "region_id": "cn-shanghai"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.ProfileSts00001", "access_key_secret": "stsSecret", "sts_token": "CAIS.profileToken"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "LTAI5tProfileSrc0001", "access_key_secret": "roleSourceSecret",
     "ram_role_arn": "acs:ram::1:role/from-profile", "ram_session_name": "cli-session", "expired_seconds": 1200, "policy": "", "external_id": "ext-p"},
    {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role", "ram_role_arn": "acs:ram::1:role/second-hop"},
    {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "profile-ecs-role"},
    {"name": "loop", "mode": "ChainableRamRoleArn", "source_profile": "loop", "ram_role_arn": "acs:ram::1:role/x"},
    {"name": "sso", "mode": "CloudSSO"},
    {"name": "broken", "mode": "AK", "access_key_id": "LTAI5tBrokenNoSecret"}
  ]
}"#;

fn cli_home() -> std::path::PathBuf {
    let home = temp_home();
    write(&home.join(".aliyun/config.json"), CLI_CONFIG);
    home
}

/// STS stand-in that accepts the source secrets of the files above; the key it returns tells
/// which secret signed the request.
fn sts_stub() -> Stub {
    Stub::start(|req: &Request| {
        let params = req.params();
        let sig = req.param("Signature").unwrap_or_default();
        let signed_with = |secret: &str| sig == expected_v2_signature(&req.method, &params, secret);
        let id = if signed_with("roleSourceSecret") {
            "STS.FirstHop0000001"
        } else if signed_with("firstHopSecret") {
            "STS.SecondHop000001"
        } else if signed_with("iniSourceSecret") {
            "STS.IniRole00000001"
        } else {
            return Reply::status(400, r#"{"Code":"SignatureDoesNotMatch","Message":"no"}"#);
        };
        // Every hop hands out `firstHopSecret`, so a second hop must sign with it.
        Reply::ok(sts_json(
            id,
            "firstHopSecret",
            "CAIS.hopToken",
            &expiration_in(3600),
        ))
    })
}

fn metadata_stub() -> Stub {
    Stub::start(|req: &Request| match req.path.as_str() {
        "/latest/api/token" => Reply::ok("tok"),
        p if p.ends_with("/profile-ecs-role") || p.ends_with("/ini-ecs-role") => {
            Reply::ok(flat_credentials_json(
                "STS.EcsFromFile0001",
                "ecsSecret",
                "CAIS.ecs",
                &expiration_in(3600),
            ))
        }
        _ => Reply::status(404, ""),
    })
}

#[tokio::test]
async fn cli_profile_current_and_selected_profiles() {
    let home = cli_home();
    let c = CliProfileProvider::new()
        .with_env(env_with_home(&home, &[]))
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "LTAI5tProfileAk00001");
    assert_eq!(c.access_key_secret.expose(), PROFILE_SECRET);
    assert!(c.security_token.is_none());
    assert_eq!(c.provider_name, "cli_profile/static_ak");

    let c = CliProfileProvider::new()
        .with_env(env_with_home(&home, &[("ALIBABA_CLOUD_PROFILE", "sts")]))
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "STS.ProfileSts00001");
    assert_eq!(
        c.security_token.as_ref().map(|t| t.expose()),
        Some("CAIS.profileToken")
    );
}

#[tokio::test]
async fn cli_profile_ram_role_arn_uses_profile_key_as_source() {
    let home = cli_home();
    let sts = sts_stub();
    let p = CliProfileProvider::new()
        .with_env(env_with_home(&home, &[("ALIBABA_CLOUD_PROFILE", "role")]))
        .with_sts_endpoint(sts.url.clone());
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_id, "STS.FirstHop0000001");
    assert_eq!(c.provider_name, "cli_profile/ram_role_arn/static_ak");
    assert_eq!(
        sts.requests()[0].header("x-acs-credentials-provider"),
        Some("static_ak"),
        "AssumeRole names the source credentials' provider"
    );
    let r = &sts.requests()[0];
    assert_eq!(
        r.param("AccessKeyId").as_deref(),
        Some("LTAI5tProfileSrc0001")
    );
    assert_eq!(
        r.param("RoleArn").as_deref(),
        Some("acs:ram::1:role/from-profile")
    );
    assert_eq!(r.param("RoleSessionName").as_deref(), Some("cli-session"));
    assert_eq!(r.param("DurationSeconds").as_deref(), Some("1200"));
    assert_eq!(r.param("ExternalId").as_deref(), Some("ext-p"));
    assert!(r.param("Policy").is_none(), "an empty policy is not sent");
    // Cached afterwards.
    p.provide().await.unwrap();
    assert_eq!(sts.requests().len(), 1);
}

#[tokio::test]
async fn cli_profile_chainable_role_assumes_twice() {
    let home = cli_home();
    let sts = sts_stub();
    let c = CliProfileProvider::new()
        .with_env(env_with_home(&home, &[]))
        .with_profile("chained")
        .with_sts_endpoint(sts.url.clone())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "STS.SecondHop000001");
    let reqs = sts.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[1].param("AccessKeyId").as_deref(),
        Some("STS.FirstHop0000001")
    );
    assert_eq!(
        reqs[1].param("SecurityToken").as_deref(),
        Some("CAIS.hopToken")
    );
}

#[tokio::test]
async fn cli_profile_ecs_ram_role() {
    let home = cli_home();
    let md = metadata_stub();
    let c = CliProfileProvider::new()
        .with_env(env_with_home(&home, &[("ALIBABA_CLOUD_PROFILE", "ecs")]))
        .with_metadata_endpoint(md.url.clone())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "STS.EcsFromFile0001");
    assert_eq!(
        md.count("/latest/meta-data/ram/security-credentials/profile-ecs-role"),
        1
    );
}

#[tokio::test]
async fn cli_profile_errors_name_the_problem_not_the_secret() {
    let home = cli_home();
    let provide =
        |vars: &[(&str, &str)]| CliProfileProvider::new().with_env(env_with_home(&home, vars));
    for (vars, expected, not_configured) in [
        (
            &[("ALIBABA_CLOUD_PROFILE", "nope")][..],
            "ALIBABA_CLOUD_PROFILE=\"nope\" is not a profile",
            true,
        ),
        (
            &[("ALIBABA_CLOUD_PROFILE", "sso")][..],
            "#/profiles/6/mode: mode \"CloudSSO\" is not supported",
            false,
        ),
        (
            &[("ALIBABA_CLOUD_PROFILE", "broken")][..],
            "#/profiles/7/access_key_secret: is empty or missing",
            false,
        ),
        (&[("ALIBABA_CLOUD_PROFILE", "loop")][..], "too deep", false),
        (
            &[("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")][..],
            "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
            true,
        ),
    ] {
        let err = provide(vars).provide().await.unwrap_err();
        assert_eq!(err.provider, "cli_profile");
        assert!(err.message.contains(expected), "{expected}: {err}");
        assert_eq!(err.is_not_configured(), not_configured, "{err}");
        assert!(!err.message.contains("LTAI5tBrokenNoSecret"), "{err}");
    }
    // A profile the caller names explicitly must exist.
    let err = provide(&[])
        .with_profile("nope")
        .provide()
        .await
        .unwrap_err();
    assert!(!err.is_not_configured());
    assert!(err.message.contains("no profile named \"nope\""), "{err}");
    let err = CliProfileProvider::new()
        .with_env(env_with_home(&temp_home(), &[]))
        .provide()
        .await
        .unwrap_err();
    assert!(err.message.contains("no file at"), "{err}");
    assert!(err.is_not_configured());

    let bad = temp_home();
    write(
        &bad.join(".aliyun/config.json"),
        "{\"profiles\": [ {\"name\": \"x\", \"access_key_secret\": \"s3cr3t\" ",
    );
    let err = CliProfileProvider::new()
        .with_env(env_with_home(&bad, &[]))
        .provide()
        .await
        .unwrap_err();
    assert!(
        err.message.contains("not valid JSON") && !err.message.contains("s3cr3t"),
        "{err}"
    );
    assert!(!err.is_not_configured());
    assert!(std::error::Error::source(&err).is_some());
}

const INI: &str = "\
# Shared credentials file
[default]
enabled = true
type = access_key                  # a long-lived key
access_key_id = LTAI5tIniDefault001 # the id
access_key_secret = iniDefaultSecret#trailing comment
; another comment style

[client1]
type = ram_role_arn
access_key_id = LTAI5tIniRoleSrc001
access_key_secret = iniSourceSecret
role_arn = acs:ram::1:role/from-ini
role_session_name = ini-session

[client2]
type = ecs_ram_role
role_name = ini-ecs-role

[client3]
type = rsa_key_pair
public_key_id = x
";

#[tokio::test]
async fn ini_default_section_with_comments() {
    let home = temp_home();
    write(&home.join(".alibabacloud/credentials.ini"), INI);
    let c = IniFileProvider::new()
        .with_env(env_with_home(&home, &[]))
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "LTAI5tIniDefault001");
    assert_eq!(c.access_key_secret.expose(), "iniDefaultSecret");
    assert_eq!(c.provider_name, "profile/static_ak");
}

fn ini_with_key(id: &str) -> String {
    format!("[default]\ntype = access_key\naccess_key_id = {id}\naccess_key_secret = x\n")
}

async fn ini_key(env: Env) -> Result<String, ice_api::runtime::credentials::CredentialsError> {
    IniFileProvider::new()
        .with_env(env)
        .provide()
        .await
        .map(|c| c.access_key_id)
}

#[tokio::test]
async fn ini_official_file_name_wins_and_the_other_is_a_fallback() {
    let home = temp_home();
    let dir = home.join(".alibabacloud");
    write(
        &dir.join("credentials"),
        &ini_with_key("LTAI5tIniFallback01"),
    );
    // Only the other name: used as a fallback.
    assert_eq!(
        ini_key(env_with_home(&home, &[])).await.unwrap(),
        "LTAI5tIniFallback01"
    );
    // Both: the official `credentials.ini` is read, as the official library reads it.
    write(
        &dir.join("credentials.ini"),
        &ini_with_key("LTAI5tIniOfficial01"),
    );
    assert_eq!(
        ini_key(env_with_home(&home, &[])).await.unwrap(),
        "LTAI5tIniOfficial01"
    );
    // The variable wins over both; an empty one counts as unset, as in the official library.
    let elsewhere = temp_home().join("custom.ini");
    write(&elsewhere, &ini_with_key("LTAI5tIniCustom0001"));
    let path = elsewhere.to_string_lossy().into_owned();
    let var = |v: &str| env_with_home(&home, &[("ALIBABA_CLOUD_CREDENTIALS_FILE", v)]);
    assert_eq!(ini_key(var(&path)).await.unwrap(), "LTAI5tIniCustom0001");
    assert_eq!(ini_key(var(" ")).await.unwrap(), "LTAI5tIniOfficial01");
    // A variable naming a missing file is an error, not a reason to look elsewhere.
    let err = ini_key(var("/nonexistent/creds.ini")).await.unwrap_err();
    assert!(!err.is_not_configured());
    assert!(
        err.message
            .contains("ALIBABA_CLOUD_CREDENTIALS_FILE: no file at /nonexistent/creds.ini"),
        "{err}"
    );
    // No file at all: not configured, and both names are mentioned.
    let err = ini_key(env_with_home(&temp_home(), &[])).await.unwrap_err();
    assert!(err.is_not_configured(), "{err}");
    assert!(
        err.message.contains("credentials.ini") && err.message.contains("nor at"),
        "{err}"
    );
}

#[tokio::test]
async fn ini_ram_role_arn_and_ecs_sections() {
    let home = temp_home();
    write(&home.join(".alibabacloud/credentials.ini"), INI);
    let sts = sts_stub();
    let c = IniFileProvider::new()
        .with_env(env_with_home(
            &home,
            &[("ALIBABA_CLOUD_PROFILE", "client1")],
        ))
        .with_sts_endpoint(sts.url.clone())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "STS.IniRole00000001");
    let r = &sts.requests()[0];
    assert_eq!(
        r.param("RoleArn").as_deref(),
        Some("acs:ram::1:role/from-ini")
    );
    assert_eq!(r.param("RoleSessionName").as_deref(), Some("ini-session"));

    let md = metadata_stub();
    let c = IniFileProvider::new()
        .with_env(env_with_home(&home, &[]))
        .with_profile("client2")
        .with_metadata_endpoint(md.url.clone())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "STS.EcsFromFile0001");

    let err = IniFileProvider::new()
        .with_env(env_with_home(
            &home,
            &[("ALIBABA_CLOUD_PROFILE", "client3")],
        ))
        .provide()
        .await
        .unwrap_err();
    assert!(err.message.contains("rsa_key_pair"), "{err}");
    let err = IniFileProvider::new()
        .with_env(env_with_home(
            &home,
            &[("ALIBABA_CLOUD_PROFILE", "client9")],
        ))
        .provide()
        .await
        .unwrap_err();
    assert!(err.message.contains("[client9]"), "{err}");
}

#[tokio::test]
async fn file_providers_debug_shows_no_secrets() {
    let home = cli_home();
    write(&home.join(".alibabacloud/credentials.ini"), INI);
    let cli = CliProfileProvider::new().with_env(env_with_home(&home, &[]));
    let ini = IniFileProvider::new().with_env(env_with_home(&home, &[]));
    cli.provide().await.unwrap();
    ini.provide().await.unwrap();
    let shown = format!("{cli:?} {ini:?}");
    for s in [
        PROFILE_SECRET,
        "iniDefaultSecret",
        "LTAI5tProfileAk00001",
        "LTAI5tIniDefault001",
    ] {
        assert!(!shown.contains(s), "{s} in {shown}");
    }
}
