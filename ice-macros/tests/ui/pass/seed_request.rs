#![deny(warnings)]

use ice_api::EncodeWire;
use serde::Serialize;

#[derive(Serialize)]
pub struct Tag {
    #[serde(rename = "Key")]
    pub key: String,
}

#[derive(Serialize)]
pub struct Cfg {
    #[serde(rename = "Width")]
    pub width: u32,
}

#[derive(ice_macros::EncodeWire)]
pub struct SubmitSceneMediaSelectionJobRequest {
    #[ice(name = "JobType", query)]
    pub job_type: String,
    #[ice(name = "InputConfig", form)]
    pub input_config: String,
    #[ice(name = "UserData", query)]
    pub user_data: Option<String>,
    #[ice(name = "Tags", query, style = "json")]
    pub tags: Option<Vec<Tag>>,
    #[ice(name = "JobIds", query, style = "repeatList")]
    pub job_ids: Option<Vec<String>>,
    #[ice(name = "Cfg", query, style = "flat")]
    pub cfg: Option<Cfg>,
    #[ice(name = "Ids", query, style = "simple")]
    pub ids: Option<Vec<String>>,
    #[ice(name = "Enabled", form)]
    pub enabled: ::core::option::Option<bool>,
}

fn main() {
    let r = SubmitSceneMediaSelectionJobRequest {
        job_type: "Smart_Mix_Media_Select".into(),
        input_config: "{}".into(),
        user_data: None,
        tags: None,
        job_ids: None,
        cfg: None,
        ids: None,
        enabled: Some(true),
    };
    let _ = r.to_wire();
}
