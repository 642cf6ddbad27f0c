//! Static and environment credentials, and what `Debug`/`Display` reveal.

use ice_api::runtime::credentials::{
    mask_access_key_id, Credentials, Env, EnvProvider, ProvideCredentials, StaticProvider,
};

const AK: &str = "LTAI5tEnvExampleKey1234";
const SECRET: &str = "envSecretValue9876543210";
const TOKEN: &str = "CAIS.envSecurityTokenValue";

#[tokio::test]
async fn static_provider_returns_its_key_and_optional_token() {
    let plain = StaticProvider::new(AK, SECRET).provide().await.unwrap();
    assert_eq!(plain.access_key_id, AK);
    assert_eq!(plain.access_key_secret.expose(), SECRET);
    assert!(plain.security_token.is_none());
    assert!(plain.expiration.is_none());

    let sts = StaticProvider::new(AK, SECRET)
        .with_security_token(TOKEN)
        .provide()
        .await
        .unwrap();
    assert_eq!(sts.security_token.as_ref().map(|t| t.expose()), Some(TOKEN));
}

#[tokio::test]
async fn env_provider_reads_key_pair_and_token() {
    let env = Env::from_vars([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
    ]);
    let c = EnvProvider::with_env(env).provide().await.unwrap();
    assert_eq!(c.access_key_id, AK);
    assert_eq!(c.access_key_secret.expose(), SECRET);
    assert!(c.security_token.is_none());
    assert_eq!(c.provider_name, "env");

    let env = Env::from_vars([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
    ]);
    let c = EnvProvider::with_env(env).provide().await.unwrap();
    assert_eq!(c.security_token.as_ref().map(|t| t.expose()), Some(TOKEN));
}

#[tokio::test]
async fn env_provider_requires_both_values_non_empty() {
    let cases = [
        vec![],
        vec![("ALIBABA_CLOUD_ACCESS_KEY_ID", AK)],
        vec![
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
        ],
        vec![
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "  "),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
        ],
    ];
    for vars in cases {
        let err = EnvProvider::with_env(Env::from_vars(vars.clone()))
            .provide()
            .await
            .unwrap_err();
        assert_eq!(err.provider, "env");
        assert!(err.message.contains("ALIBABA_CLOUD_ACCESS_KEY_"), "{err}");
        assert!(!err.to_string().contains(SECRET), "{err}");
        assert!(!err.to_string().contains(AK), "{err}");
    }
}

#[test]
fn access_key_id_is_masked() {
    assert_eq!(
        mask_access_key_id("LTAI5tEnvExampleKey1234"),
        "LTAI****1234"
    );
    assert_eq!(
        mask_access_key_id("STS.NUgYrLnoC37mZZCNnAbez2Pb"),
        "STS.****z2Pb"
    );
    assert_eq!(mask_access_key_id("abcdefghijkl"), "****");
    assert_eq!(mask_access_key_id(""), "****");
}

#[tokio::test]
async fn debug_and_display_never_show_secrets() {
    let provider = StaticProvider::new(AK, SECRET).with_security_token(TOKEN);
    let creds: Credentials = provider.provide().await.unwrap();
    let env = Env::from_vars([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
    ]);
    let env_provider = EnvProvider::with_env(env.clone());
    for shown in [
        format!("{provider:?}"),
        format!("{creds:?}"),
        format!("{creds:#?}"),
        format!("{env:?}"),
        format!("{env_provider:?}"),
        format!("{:?}", creds.access_key_secret),
        format!("{}", creds.access_key_secret),
        format!("{:?}", creds.security_token),
    ] {
        assert!(!shown.contains(SECRET), "secret in {shown}");
        assert!(!shown.contains(TOKEN), "token in {shown}");
        assert!(!shown.contains(AK), "whole AccessKey ID in {shown}");
    }
    assert!(format!("{creds:?}").contains("LTAI****1234"));
    // The variable names are listed, so a user can see what the provider looks at.
    assert!(format!("{env:?}").contains("ALIBABA_CLOUD_ACCESS_KEY_ID"));
}
