//! The environment provider reads the process environment when asked, not when built.
//! (Alone in its own test binary because it changes process-wide variables.)

use ice_api::runtime::credentials::{EnvProvider, ProvideCredentials};

#[tokio::test]
async fn process_environment_is_read_at_call_time() {
    std::env::remove_var("ALIBABA_CLOUD_ACCESS_KEY_ID");
    std::env::remove_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    std::env::remove_var("ALIBABA_CLOUD_SECURITY_TOKEN");
    let provider = EnvProvider::new();
    assert!(provider.provide().await.is_err());

    std::env::set_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tProcessEnvKey0001");
    std::env::set_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "processSecret");
    let c = provider.provide().await.unwrap();
    assert_eq!(c.access_key_id, "LTAI5tProcessEnvKey0001");
    assert_eq!(c.access_key_secret.expose(), "processSecret");

    std::env::set_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tProcessEnvKey0002");
    let c = provider.provide().await.unwrap();
    assert_eq!(c.access_key_id, "LTAI5tProcessEnvKey0002");
}
