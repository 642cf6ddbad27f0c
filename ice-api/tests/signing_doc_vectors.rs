//! The two worked examples of Alibaba Cloud's public signature docs (signing.md §2.10 and §4),
//! reproduced byte for byte. Expected strings are copied from the docs, not computed here.

use ice_api::runtime::credentials::Credentials;
use ice_api::runtime::sign::{sign_v2, sign_v3, string_to_sign_v2, V3Input};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn v3_doc_example_run_instances() {
    let creds = Credentials::new("YourAccessKeyId", "YourAccessKeySecret");
    let query = pairs(&[
        (
            "ImageId",
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        ),
        ("RegionId", "cn-shanghai"),
    ]);
    let signed = sign_v3(&V3Input {
        method: "POST",
        path: "/",
        query: &query,
        headers: &[
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
        ],
        body: b"",
        date: "2023-10-26T10:22:32Z",
        nonce: "3156853299f313e23d1673dc12e1703d",
        credentials: &creds,
    })
    .expect("doc example signs");

    let expected_cr = "POST\n\
/\n\
ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n\
host:ecs.cn-shanghai.aliyuncs.com\n\
x-acs-action:RunInstances\n\
x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
x-acs-date:2023-10-26T10:22:32Z\n\
x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n\
x-acs-version:2014-05-26\n\
\n\
host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n\
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(signed.canonical_request(), expected_cr);
    assert_eq!(
        signed.string_to_sign(),
        "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    );
    assert_eq!(
        signed.authorization(),
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,\
SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
    assert_eq!(
        signed.header("x-acs-content-sha256"),
        Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert_eq!(
        signed.canonical_query(),
        "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
    );
    let names: Vec<&str> = signed.headers().iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
            "Authorization"
        ]
    );
}

#[test]
fn v2_doc_example_describe_dedicated_hosts() {
    let params = pairs(&[
        ("AccessKeyId", "testid"),
        ("Action", "DescribeDedicatedHosts"),
        ("Format", "JSON"),
        ("RegionId", "cn-beijing"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "edb2b34af0af9a6d14deaf7c1a5315eb"),
        ("SignatureVersion", "1.0"),
        ("Timestamp", "2023-03-13T08:34:30Z"),
        ("Version", "2014-05-26"),
    ]);
    assert_eq!(
        string_to_sign_v2("GET", &params),
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON\
%26RegionId%3Dcn-beijing%26SignatureMethod%3DHMAC-SHA1\
%26SignatureNonce%3Dedb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0\
%26Timestamp%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26"
    );
    assert_eq!(
        sign_v2("GET", &params, "testsecret"),
        "9NaGiOspFP5UPcwX8Iwt2YJXXuk="
    );
    // Parameter order in the input does not matter, and a `Signature` already present is skipped.
    let mut shuffled: Vec<_> = params.iter().rev().cloned().collect();
    shuffled.push(("Signature".into(), "ignored".into()));
    assert_eq!(
        sign_v2("GET", &shuffled, "testsecret"),
        "9NaGiOspFP5UPcwX8Iwt2YJXXuk="
    );
}
