//! `Client::from_env` targets a local server through `ALIBABA_CLOUD_ICE_ENDPOINT` without code
//! changes. Its own test binary: it sets process environment variables.
#![cfg(feature = "emulator")]

mod support;

use support::ops::GetJob;
use support::{Auth, Reply, TestServer, AK, SECRET};

#[tokio::test]
async fn from_env_reads_credentials_region_and_endpoint_override() {
    let server = TestServer::start(vec![Reply::ok("env-1", r#""Status":"Ok""#)]).await;
    let home = std::env::temp_dir().join(format!("ice-client-env-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    // Edition 2021: `set_var` is safe; this binary has a single test, so nothing races.
    std::env::set_var("HOME", &home);
    std::env::set_var("ALIBABA_CLOUD_ACCESS_KEY_ID", AK);
    std::env::set_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
    std::env::remove_var("ALIBABA_CLOUD_SECURITY_TOKEN");
    std::env::set_var("ALIBABA_CLOUD_REGION_ID", "cn-beijing");
    std::env::set_var("ALIBABA_CLOUD_ICE_ENDPOINT", server.url());

    let client = ice_api::Client::from_env().expect("client from env");
    assert_eq!(client.config().region(), Some("cn-beijing"));
    assert_eq!(
        client.config().endpoint().url(),
        format!("{}/", server.url())
    );
    let resp = client
        .send(&GetJob {
            job_id: "j".into(),
            ..Default::default()
        })
        .await
        .expect("send");
    assert_eq!(resp.status, "Ok");
    let r = &server.requests()[0];
    let Auth::V3(caller) = &r.auth else {
        panic!("did not verify: {:?}", r.auth)
    };
    assert_eq!(caller.access_key_id, AK);
    assert!(!format!("{client:?}").contains(SECRET));

    std::env::remove_var("ALIBABA_CLOUD_ICE_ENDPOINT");
    std::env::remove_var("ALIBABA_CLOUD_REGION_ID");
    let err = ice_api::Client::from_env().unwrap_err();
    assert!(err.to_string().contains("ALIBABA_CLOUD_REGION_ID"), "{err}");
    let _ = std::fs::remove_dir_all(&home);
}
