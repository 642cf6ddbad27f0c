#![deny(warnings)]

use ice_api::runtime::wire::{DirectJson, JsonUnsupported, JsonWriter};
use ice_api::EncodeWire;
use serde::Serialize;

/// A config with a hand-written encoder, as `ice-codegen` writes them.
#[derive(Serialize)]
pub struct Cfg {
    #[serde(rename = "Width")]
    pub width: u32,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl DirectJson for Cfg {
    fn write_json(&self, w: &mut JsonWriter<'_>) -> Result<(), JsonUnsupported> {
        let mut o = w.object();
        o.field("%22Width%22%3A", &self.width)?;
        o.end(&self.extra)
    }
}

#[derive(ice_macros::EncodeWire)]
pub struct Request<T> {
    #[ice(name = "Cfg", form, style = "json", direct)]
    pub cfg: Cfg,
    #[ice(name = "Maybe", query, style = "json", direct)]
    pub maybe: Option<Vec<Cfg>>,
    #[ice(name = "Generic", query, style = "json", direct)]
    pub generic: T,
}

fn main() {
    let cfg = || Cfg {
        width: 1080,
        extra: serde_json::Map::new(),
    };
    let r = Request {
        cfg: cfg(),
        maybe: Some(vec![cfg()]),
        generic: cfg(),
    };
    let wire = r.to_wire().unwrap();
    assert_eq!(wire.get("Cfg"), Some((ice_api::Location::Form, r#"{"Width":1080}"#)));
}
