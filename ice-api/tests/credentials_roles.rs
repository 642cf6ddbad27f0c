//! Role options from the CLI profile and the credentials file are validated as the official
//! library validates them (durations, ARNs), with errors that point into the file; and both
//! files can configure an OIDC role.

#[path = "credentials_common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{
    expiration_in, jwt, oidc_sts_stub, sts_json, temp_home, write, Reply, Request, Stub,
    OIDC_PROVIDER, OIDC_ROLE,
};
use ice_api::runtime::credentials::{
    CliProfileProvider, CredentialsError, Env, IniFileProvider, ProvideCredentials,
    RamRoleArnProvider, StaticProvider,
};

const ROLE: &str = "acs:ram::1234567890123456:role/ice-worker";

fn no_vars(home: &Path) -> Env {
    Env::from_vars(Vec::<(String, String)>::new()).with_home(home)
}

/// A home whose CLI configuration has one profile (index 0), `p`, with these JSON fields.
fn cli_home(fields: &str) -> (PathBuf, PathBuf) {
    let home = temp_home();
    let file = home.join(".aliyun/config.json");
    write(
        &file,
        &format!(r#"{{"current":"p","profiles":[{{"name":"p",{fields}}}]}}"#),
    );
    (home, file)
}

fn any_sts() -> Stub {
    Stub::start(|_: &Request| {
        Reply::ok(sts_json(
            "STS.RoleKey0000001",
            "s",
            "t",
            &expiration_in(3600),
        ))
    })
}

async fn cli(
    home: &Path,
    sts: &Stub,
) -> Result<ice_api::runtime::credentials::Credentials, CredentialsError> {
    CliProfileProvider::new()
        .with_env(no_vars(home))
        .with_sts_endpoint(sts.url.clone())
        .provide()
        .await
}

const RAM_ROLE: &str =
    r#""mode":"RamRoleArn","access_key_id":"LTAI5tRoleSource001","access_key_secret":"src""#;

#[tokio::test]
async fn expired_seconds_below_900_or_not_a_number_is_an_error_not_3600() {
    let sts = any_sts();
    for (value, reason) in [
        (
            "899",
            "is 899 seconds, but a role session lasts at least 900",
        ),
        ("0", "is 0 seconds, but a role session lasts at least 900"),
        ("-5", "is not a whole number of seconds"),
        ("1200.5", "is not a whole number of seconds"),
        ("\"1200\"", "expected a number of seconds"),
    ] {
        let (home, file) = cli_home(&format!(
            r#"{RAM_ROLE},"ram_role_arn":"{ROLE}","expired_seconds":{value}"#
        ));
        let err = cli(&home, &sts).await.unwrap_err();
        assert!(!err.is_not_configured());
        assert_eq!(
            err.message,
            format!("{}#/profiles/0/expired_seconds: {reason}", file.display()),
            "{value}"
        );
    }
    assert!(
        sts.requests().is_empty(),
        "nothing is sent with a bad duration"
    );

    // Absent or null: the default 3600; 900 is the minimum that works.
    for (fields, sent) in [
        ("", "3600"),
        (r#","expired_seconds":null"#, "3600"),
        (r#","expired_seconds":900"#, "900"),
    ] {
        let sts = any_sts();
        let (home, _) = cli_home(&format!(r#"{RAM_ROLE},"ram_role_arn":"{ROLE}"{fields}"#));
        cli(&home, &sts).await.unwrap();
        assert_eq!(
            sts.requests()[0].param("DurationSeconds").as_deref(),
            Some(sent)
        );
    }
}

#[tokio::test]
async fn malformed_role_arns_point_into_the_file() {
    let sts = any_sts();
    let (home, file) = cli_home(&format!(r#"{RAM_ROLE},"ram_role_arn":"ice-worker""#));
    let err = cli(&home, &sts).await.unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "{}#/profiles/0/ram_role_arn: expected acs:ram::<account id>:role/<role name>, found \"ice-worker\"",
            file.display()
        )
    );
    let (home, file) = cli_home(
        r#""mode":"ChainableRamRoleArn","source_profile":"p2","ram_role_arn":"acs:ram::1:role/x""#,
    );
    let err = cli(&home, &sts).await.unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "{}#/profiles/0/source_profile: no profile named \"p2\"",
            file.display()
        )
    );
    // The builder refuses the same before sending.
    let err = RamRoleArnProvider::new(Arc::new(StaticProvider::new("id", "secret")), "ice-worker")
        .with_endpoint(sts.url.clone())
        .provide()
        .await
        .unwrap_err();
    assert!(
        err.message.starts_with("RoleArn: expected acs:ram::"),
        "{err}"
    );
    assert!(sts.requests().is_empty());
}

#[tokio::test]
async fn cli_profile_oidc_mode_assumes_the_role_with_the_token_file() {
    let token = jwt("cli");
    let sts = oidc_sts_stub(&[&token], 3600);
    let home = temp_home();
    let token_file = home.join("token");
    write(&token_file, &token);
    let fields = format!(
        r#""mode":"OIDC","ram_role_arn":"{OIDC_ROLE}","oidc_provider_arn":"{OIDC_PROVIDER}","oidc_token_file":"{}","ram_session_name":"cli-oidc","expired_seconds":1800"#,
        token_file.display()
    );
    write(
        &home.join(".aliyun/config.json"),
        &format!(r#"{{"current":"k8s","profiles":[{{"name":"k8s",{fields}}}]}}"#),
    );
    let c = cli(&home, &sts).await.unwrap();
    assert_eq!(c.access_key_id, "STS.OidcKey.0");
    assert_eq!(c.provider_name, "cli_profile/oidc_role_arn");
    let r = &sts.requests()[0];
    assert_eq!(r.param("RoleSessionName").as_deref(), Some("cli-oidc"));
    assert_eq!(r.param("DurationSeconds").as_deref(), Some("1800"));

    // A token file that is gone is named by its place in the file.
    std::fs::remove_file(&token_file).unwrap();
    let err = CliProfileProvider::new()
        .with_env(no_vars(&home))
        .with_sts_endpoint(sts.url.clone())
        .provide()
        .await
        .unwrap_err();
    assert!(!err.is_not_configured());
    assert!(
        err.message
            .contains("config.json#/profiles/0/oidc_token_file: no file at"),
        "{err}"
    );

    // Missing keys point at the key.
    let (home, file) = cli_home(&format!(
        r#""mode":"OIDC","ram_role_arn":"{OIDC_ROLE}","oidc_provider_arn":"{OIDC_PROVIDER}""#
    ));
    let err = cli(&home, &sts).await.unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "{}#/profiles/0/oidc_token_file: is empty or missing",
            file.display()
        )
    );
    let (home, file) = cli_home(&format!(
        r#""mode":"OIDC","ram_role_arn":"{OIDC_ROLE}","oidc_provider_arn":"{OIDC_ROLE}","oidc_token_file":"/t""#
    ));
    let err = cli(&home, &sts).await.unwrap_err();
    assert!(
        err.message.starts_with(&format!(
            "{}#/profiles/0/oidc_provider_arn: expected acs:ram::<account id>:oidc-provider/",
            file.display()
        )),
        "{err}"
    );
    assert_eq!(sts.requests().len(), 1);
}

#[tokio::test]
async fn credentials_file_oidc_role_arn_section() {
    let token = jwt("ini");
    let sts = oidc_sts_stub(&[&token], 3600);
    let home = temp_home();
    let token_file = home.join("token");
    write(&token_file, &token);
    write(
        &home.join(".alibabacloud/credentials.ini"),
        &format!(
            "[default]\ntype = oidc_role_arn\nrole_arn = {OIDC_ROLE}\noidc_provider_arn = {OIDC_PROVIDER}\n\
             oidc_token_file_path = {}\nrole_session_name = ini-oidc\n",
            token_file.display()
        ),
    );
    let c = IniFileProvider::new()
        .with_env(no_vars(&home))
        .with_sts_endpoint(sts.url.clone())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "STS.OidcKey.0");
    assert_eq!(c.provider_name, "profile/oidc_role_arn");
    assert_eq!(
        sts.requests()[0].param("RoleSessionName").as_deref(),
        Some("ini-oidc")
    );
}
