//! The credentials INI file is parsed strictly, with the official library's syntax: accepted
//! forms give the same values, malformed files are rejected whole with file, line and reason.

#[path = "credentials_common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::{
    expected_v2_signature, expiration_in, sts_json, temp_home, write, Reply, Request, Stub,
};
use ice_api::runtime::credentials::{
    Credentials, CredentialsError, Env, IniFileProvider, ProvideCredentials,
};

fn home_with_ini(text: &str) -> (PathBuf, PathBuf) {
    let home = temp_home();
    let file = home.join(".alibabacloud/credentials.ini");
    write(&file, text);
    (home, file)
}

async fn load(home: &Path, vars: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
    let env =
        Env::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string()))).with_home(home);
    IniFileProvider::new().with_env(env).provide().await
}

#[tokio::test]
async fn colon_syntax_comments_case_and_default_inheritance() {
    let (home, _) = home_with_ini(
        "; written by hand\n\
         [DEFAULT]\n\
         type: access_key\n\
         \n\
         [default]   # the usual one\n\
         Access_Key_Id: LTAI5tIniColon00001\n\
         access_key_secret = colonSecret # trailing note\n\
         \n\
         [other]\n\
         access_key_id=LTAI5tIniOther00001\n\
         access_key_secret=\"quoted\"\n",
    );
    let c = load(&home, &[]).await.unwrap();
    assert_eq!(c.access_key_id, "LTAI5tIniColon00001");
    assert_eq!(c.access_key_secret.expose(), "colonSecret");
    // `type` comes from [DEFAULT]; quotes are part of the value, as in the official library.
    let c = load(&home, &[("ALIBABA_CLOUD_PROFILE", "other")])
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "LTAI5tIniOther00001");
    assert_eq!(c.access_key_secret.expose(), "\"quoted\"");
}

#[tokio::test]
async fn a_policy_may_continue_on_indented_lines() {
    let sts = Stub::start(|req: &Request| {
        let ok = req.param("Signature").unwrap_or_default()
            == expected_v2_signature(&req.method, &req.params(), "iniSourceSecret");
        if !ok {
            return Reply::status(400, r#"{"Code":"SignatureDoesNotMatch"}"#);
        }
        Reply::ok(sts_json(
            "STS.IniPolicy000001",
            "s",
            "t",
            &expiration_in(3600),
        ))
    });
    let (home, file) = home_with_ini(
        "[default]\n\
         type = ram_role_arn\n\
         access_key_id = LTAI5tIniRoleSrc001\n\
         access_key_secret = iniSourceSecret\n\
         role_arn = acs:ram::1234567890123456:role/ice-worker\n\
         policy = {\"Version\": \"1\",\n\
         \x20   \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ice:Get*\", \"Resource\": \"*\"}]}\n",
    );
    let c = IniFileProvider::new()
        .with_path(&file)
        .with_env(Env::from_vars(Vec::<(String, String)>::new()).with_home(&home))
        .with_sts_endpoint(sts.url.clone())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "STS.IniPolicy000001");
    assert_eq!(c.provider_name, "profile/ram_role_arn/static_ak");
    let policy = sts.requests()[0].param("Policy").unwrap();
    let policy: serde_json::Value =
        serde_json::from_str(&policy).expect("the joined policy is JSON");
    assert_eq!(policy["Statement"][0]["Action"], "ice:Get*");
}

#[tokio::test]
async fn malformed_files_are_rejected_with_file_line_and_reason() {
    for (text, line, reason) in [
        (
            "access_key_id = LTAI5tBeforeSection1\n[default]\ntype = access_key\n",
            1,
            "key outside any section (a [section] header must come first)",
        ),
        (
            "[default]\ntype = access_key\nLTAI5tGarbageLine001\n",
            3,
            "expected a [section] header, `key = value` or `key: value`",
        ),
        (
            "[default]\ntype = access_key\naccess_key_id = LTAI5tUnclosed00001\naccess_key_secret = s\n[prod\n",
            5,
            "section header is not closed with ']'",
        ),
        (
            "[default]\ntype = access_key\naccess_key_id = LTAI5tFirstBlock001\naccess_key_secret = s\n\
             [default]\naccess_key_id = LTAI5tSecondBlock01\n",
            5,
            "section [default] is repeated (first on line 1)",
        ),
        (
            "[default]\ntype = access_key\naccess_key_id = LTAI5tFirstValue001\nACCESS_KEY_ID = LTAI5tLaterValue001\n",
            4,
            "key \"access_key_id\" is repeated in section [default] (first on line 3)",
        ),
    ] {
        let (home, file) = home_with_ini(text);
        let err = load(&home, &[]).await.unwrap_err();
        assert_eq!(err.provider, "profile");
        assert!(!err.is_not_configured(), "{err}");
        let expected = format!("{}:{line}: {reason}", file.display());
        assert_eq!(err.message, expected);
        assert!(std::error::Error::source(&err).is_some());
        assert!(!err.message.contains("LTAI5t"), "a line was quoted: {err}");
    }
}

#[tokio::test]
async fn a_missing_default_section_is_skipped_but_a_named_one_is_an_error() {
    let (home, file) =
        home_with_ini("[prod]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n");
    let err = load(&home, &[]).await.unwrap_err();
    assert!(err.is_not_configured(), "{err}");
    assert!(err.message.contains("no section [default]"), "{err}");
    let err = load(&home, &[("ALIBABA_CLOUD_PROFILE", "staging")])
        .await
        .unwrap_err();
    assert!(!err.is_not_configured(), "{err}");
    assert_eq!(
        err.message,
        format!(
            "{}: no section [staging] (profile named by ALIBABA_CLOUD_PROFILE)",
            file.display()
        )
    );
}

#[tokio::test]
async fn incomplete_sections_point_at_the_key() {
    let (home, file) = home_with_ini(
        "[default]\ntype = ram_role_arn\naccess_key_id = a\naccess_key_secret = b\nrole_arn = ice-worker\n",
    );
    let err = load(&home, &[]).await.unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "{}:5: [default] role_arn: expected acs:ram::<account id>:role/<role name>, found \"ice-worker\"",
            file.display()
        )
    );
    let (home, file) = home_with_ini("[default]\ntype = access_key\naccess_key_id = a\n");
    let err = load(&home, &[]).await.unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "{}:1: [default] access_key_secret: is empty or missing",
            file.display()
        )
    );
}
