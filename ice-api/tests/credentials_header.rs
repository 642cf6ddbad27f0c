//! Every signed request names its credentials' provider in `x-acs-credentials-provider`, with
//! the official provider names, as the official SDK sends it (recorded in
//! `fixtures/sdk_vectors.json`): signed under V3, sent (the signature covers only parameters)
//! under V2, absent from anonymous calls.

#[path = "credentials_common/mod.rs"]
mod common;

use common::{temp_home, Reply, Request, Stub};
use ice_api::runtime::credentials::{Credentials, DefaultChain, Env};
use ice_api::{Client, Config, HttpMethod, Location, RawRequest, SignatureVersion, WireParams};

const HEADER: &str = "x-acs-credentials-provider";

fn ice_stub() -> Stub {
    Stub::start(|_: &Request| Reply::ok(r#"{"RequestId":"req-1"}"#))
}

fn request() -> RawRequest {
    let mut params = WireParams::new();
    params.push(Location::Query, "JobId", "job-1");
    RawRequest::new("GetBatchMediaProducingJob", HttpMethod::Post, params).idempotent(true)
}

/// The one request `stub` received.
fn only(stub: &Stub) -> Request {
    let reqs = stub.requests();
    assert_eq!(reqs.len(), 1);
    reqs.into_iter().next().unwrap()
}

fn signed_headers(r: &Request) -> Vec<String> {
    let auth = r.header("authorization").expect("V3 Authorization");
    let list = auth
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap();
    list.split(';').map(str::to_string).collect()
}

async fn call(config: Config, req: RawRequest) {
    Client::new(config)
        .unwrap()
        .send_raw_request(req)
        .await
        .expect("the stand-in answers 200");
}

#[tokio::test]
async fn v3_requests_sign_the_provider_name() {
    for (creds, name) in [
        (Credentials::new("LTAI5tHeaderTest001", "s"), "static_ak"),
        (
            Credentials::new("STS.HeaderTest0001", "s").with_security_token("t"),
            "static_sts",
        ),
    ] {
        let stub = ice_stub();
        let config = Config::builder()
            .endpoint(stub.url.clone())
            .credentials(creds)
            .build()
            .unwrap();
        call(config, request()).await;
        let r = only(&stub);
        assert_eq!(r.header(HEADER), Some(name));
        assert!(signed_headers(&r).iter().any(|h| h == HEADER), "not signed");
    }
}

#[tokio::test]
async fn the_default_chain_sends_its_path_of_names() {
    let stub = ice_stub();
    let env = Env::from_vars([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tHeaderChain01"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"),
    ])
    .with_home(temp_home());
    let config = Config::builder()
        .endpoint(stub.url.clone())
        .credentials_provider(DefaultChain::builder().env(env).build())
        .build()
        .unwrap();
    call(config, request()).await;
    assert_eq!(only(&stub).header(HEADER), Some("default/env"));
}

#[tokio::test]
async fn v2_sends_it_and_anonymous_calls_do_not() {
    let stub = ice_stub();
    let config = Config::builder()
        .endpoint(stub.url.clone())
        .credentials(Credentials::new("LTAI5tHeaderTest001", "s"))
        .signature_version(SignatureVersion::V2)
        .build()
        .unwrap();
    call(config, request()).await;
    let r = only(&stub);
    assert_eq!(r.header(HEADER), Some("static_ak"));
    assert!(r.param("Signature").is_some());

    let stub = ice_stub();
    let config = Config::builder()
        .endpoint(stub.url.clone())
        .credentials(Credentials::new("LTAI5tHeaderTest001", "s"))
        .build()
        .unwrap();
    call(config, request().anonymous()).await;
    assert_eq!(only(&stub).header(HEADER), None);
}
