//! Runtime behaviour of `#[derive(EncodeWire)]`: the exact pairs each attribute produces, in
//! order, in the right location.

use ice_api::runtime::wire::WireTag;
use ice_api::{EncodeWire, Location, WireParams};
use serde::Serialize;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[derive(Serialize, Clone)]
struct Tag {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value")]
    value: String,
}

#[derive(Serialize, Clone)]
struct Cfg {
    #[serde(rename = "Width")]
    width: u32,
    #[serde(rename = "Label", skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(rename = "Enabled")]
    enabled: bool,
}

#[derive(ice_macros::EncodeWire)]
pub struct SubmitJob {
    #[ice(name = "JobType", query)]
    job_type: String,
    #[ice(name = "InputConfig", form)]
    input_config: String,
    #[ice(name = "UserData", query)]
    user_data: Option<String>,
    #[ice(name = "Tags", query, style = "json")]
    tags: Option<Vec<Tag>>,
    #[ice(name = "JobIds", query, style = "repeatList")]
    job_ids: Option<Vec<String>>,
    #[ice(name = "Cfg", form, style = "flat")]
    cfg: Option<Cfg>,
    #[ice(name = "Ids", query, style = "simple")]
    ids: Option<Vec<String>>,
    #[ice(name = "MaxResults", query)]
    max_results: Option<i32>,
    #[ice(name = "Overwrite", form)]
    overwrite: bool,
    #[ice(name = "Ratio", query)]
    ratio: Option<f64>,
    #[ice(skip)]
    #[allow(dead_code)]
    local_note: String,
}

fn full_job() -> SubmitJob {
    SubmitJob {
        job_type: "Smart_Mix_Media_Select".into(),
        input_config: r#"{"MediaArray":["m1"]}"#.into(),
        user_data: Some("u&d=1".into()),
        tags: Some(vec![Tag {
            key: "名称".into(),
            value: "a \"quoted\" 值".into(),
        }]),
        job_ids: Some(vec!["j1".into(), "j2".into()]),
        cfg: Some(Cfg {
            width: 1280,
            label: None,
            enabled: false,
        }),
        ids: Some(vec!["a".into(), "b".into(), "c".into()]),
        max_results: Some(-5),
        overwrite: true,
        ratio: Some(0.5),
        local_note: "never sent".into(),
    }
}

#[test]
fn struct_fields_land_in_their_location_in_declaration_order() {
    let wire = full_job().to_wire().unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[
            ("JobType", "Smart_Mix_Media_Select"),
            ("UserData", "u&d=1"),
            ("Tags", r#"[{"Key":"名称","Value":"a \"quoted\" 值"}]"#),
            ("JobIds.1", "j1"),
            ("JobIds.2", "j2"),
            ("Ids", "a,b,c"),
            ("MaxResults", "-5"),
            ("Ratio", "0.5"),
        ])
    );
    assert_eq!(
        wire.form(),
        pairs(&[
            ("InputConfig", r#"{"MediaArray":["m1"]}"#),
            ("Cfg.Width", "1280"),
            ("Cfg.Enabled", "false"),
            ("Overwrite", "true"),
        ])
    );
}

#[test]
fn none_fields_are_omitted_and_skip_is_never_sent() {
    let job = SubmitJob {
        user_data: None,
        tags: None,
        job_ids: None,
        cfg: None,
        ids: None,
        max_results: None,
        ratio: None,
        overwrite: false,
        ..full_job()
    };
    let wire = job.to_wire().unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[("JobType", "Smart_Mix_Media_Select")])
    );
    assert_eq!(
        wire.form(),
        pairs(&[
            ("InputConfig", r#"{"MediaArray":["m1"]}"#),
            ("Overwrite", "false"),
        ])
    );
    assert!(wire.get("never sent").is_none());
}

#[test]
fn encode_wire_appends_to_existing_params() {
    let mut out = WireParams::new();
    out.push(Location::Query, "Action", "SubmitJob");
    full_job().encode_wire(&mut out).unwrap();
    assert_eq!(
        out.query()[0],
        ("Action".to_owned(), "SubmitJob".to_owned())
    );
    assert_eq!(out.query()[1].0, "JobType");
}

#[derive(Serialize)]
struct Clip {
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "Tags")]
    tags: Vec<Tag>,
}

#[derive(ice_macros::EncodeWire)]
struct Nested {
    #[ice(name = "Clips", query, style = "repeatList")]
    clips: Vec<Clip>,
    #[ice(name = "Empty", query, style = "repeatList")]
    empty: Vec<String>,
    #[ice(name = "Flags", form, style = "simple")]
    flags: Vec<bool>,
    #[ice(name = "Raw", form, style = "json")]
    raw: serde_json::Value,
}

#[test]
fn nested_lists_and_objects_flatten_one_based() {
    let wire = Nested {
        clips: vec![Clip {
            id: "c1".into(),
            tags: vec![
                Tag {
                    key: "k1".into(),
                    value: "v1".into(),
                },
                Tag {
                    key: "k2".into(),
                    value: "v2".into(),
                },
            ],
        }],
        empty: vec![],
        flags: vec![true, false],
        raw: serde_json::json!({"b": [1, 2.5], "a": null, "s": "é"}),
    }
    .to_wire()
    .unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[
            ("Clips.1.Id", "c1"),
            ("Clips.1.Tags.1.Key", "k1"),
            ("Clips.1.Tags.1.Value", "v1"),
            ("Clips.1.Tags.2.Key", "k2"),
            ("Clips.1.Tags.2.Value", "v2"),
        ])
    );
    assert_eq!(
        wire.form(),
        pairs(&[
            ("Flags", "true,false"),
            ("Raw", r#"{"b":[1,2.5],"a":null,"s":"é"}"#),
        ])
    );
}

#[derive(ice_macros::EncodeWire)]
struct Paging {
    #[ice(name = "PageNo", query)]
    page_no: u32,
    #[ice(name = "PageSize", query)]
    page_size: Option<u32>,
}

#[derive(ice_macros::EncodeWire)]
struct ListMedia {
    #[ice(name = "SearchText", form)]
    search_text: String,
    #[ice(flatten)]
    paging: Paging,
    #[ice(flatten)]
    extra: Option<Paging>,
}

#[test]
fn flatten_appends_inner_params_in_place_and_skips_none() {
    let wire = ListMedia {
        search_text: "cat".into(),
        paging: Paging {
            page_no: 2,
            page_size: None,
        },
        extra: None,
    }
    .to_wire()
    .unwrap();
    assert_eq!(wire.query(), pairs(&[("PageNo", "2")]));
    assert_eq!(wire.form(), pairs(&[("SearchText", "cat")]));

    let wire = ListMedia {
        search_text: "cat".into(),
        paging: Paging {
            page_no: 1,
            page_size: Some(50),
        },
        extra: Some(Paging {
            page_no: 9,
            page_size: None,
        }),
    }
    .to_wire()
    .unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[("PageNo", "1"), ("PageSize", "50"), ("PageNo", "9")])
    );
}

#[derive(ice_macros::EncodeWire)]
struct SelectConfig {
    #[ice(name = "InputConfig", form, style = "json")]
    input: serde_json::Value,
}

#[derive(ice_macros::EncodeWire)]
#[ice(tag(name = "JobType", query))]
enum SceneJob {
    #[ice(value = "Smart_Mix_Media_Select")]
    SmartMix {
        #[ice(name = "OutputConfig", form)]
        output_config: String,
        #[ice(name = "UserData", query)]
        user_data: Option<String>,
        #[ice(skip)]
        #[allow(dead_code)]
        note: u8,
    },
    #[ice(value = "Screen_Media_Select")]
    Screen(SelectConfig),
    #[ice(value = "Plain")]
    Plain,
}

#[test]
fn enum_pushes_the_tag_pair_first_then_variant_fields() {
    let wire = SceneJob::SmartMix {
        output_config: "{}".into(),
        user_data: Some("x".into()),
        note: 0,
    }
    .to_wire()
    .unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[("JobType", "Smart_Mix_Media_Select"), ("UserData", "x")])
    );
    assert_eq!(wire.form(), pairs(&[("OutputConfig", "{}")]));

    let wire = SceneJob::Screen(SelectConfig {
        input: serde_json::json!({"MediaArray": ["m1"]}),
    })
    .to_wire()
    .unwrap();
    assert_eq!(wire.query(), pairs(&[("JobType", "Screen_Media_Select")]));
    assert_eq!(
        wire.form(),
        pairs(&[("InputConfig", r#"{"MediaArray":["m1"]}"#)])
    );

    let wire = SceneJob::Plain.to_wire().unwrap();
    assert_eq!(wire.query(), pairs(&[("JobType", "Plain")]));
    assert!(wire.form().is_empty());
}

#[test]
fn wire_tag_names_the_variant_value() {
    assert_eq!(SceneJob::Plain.wire_tag(), "Plain");
    assert_eq!(
        SceneJob::Screen(SelectConfig {
            input: serde_json::Value::Null
        })
        .wire_tag(),
        "Screen_Media_Select"
    );
}

#[derive(ice_macros::EncodeWire)]
struct Submit {
    #[ice(name = "Region", query)]
    region: &'static str,
    #[ice(flatten)]
    job: SceneJob,
}

#[test]
fn a_tagged_enum_flattens_into_a_request() {
    let wire = Submit {
        region: "cn-shanghai",
        job: SceneJob::Plain,
    }
    .to_wire()
    .unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[("Region", "cn-shanghai"), ("JobType", "Plain")])
    );
}

#[derive(ice_macros::EncodeWire)]
struct Generic<'a, T, C, I>
where
    T: Clone,
{
    #[ice(name = "Scalar", query)]
    scalar: T,
    #[ice(name = "Borrowed", query)]
    borrowed: &'a str,
    #[ice(name = "Items", form, style = "repeatList")]
    items: Option<Vec<C>>,
    #[ice(flatten)]
    inner: I,
}

#[test]
fn generic_structs_get_the_bounds_their_fields_need() {
    let wire = Generic {
        scalar: 7_u8,
        borrowed: "b",
        items: Some(vec![Tag {
            key: "k".into(),
            value: "v".into(),
        }]),
        inner: Paging {
            page_no: 3,
            page_size: None,
        },
    }
    .to_wire()
    .unwrap();
    assert_eq!(
        wire.query(),
        pairs(&[("Scalar", "7"), ("Borrowed", "b"), ("PageNo", "3")])
    );
    assert_eq!(
        wire.form(),
        pairs(&[("Items.1.Key", "k"), ("Items.1.Value", "v")])
    );
}

#[derive(ice_macros::EncodeWire)]
struct NoParams {}

#[test]
fn a_request_without_parameters_encodes_nothing() {
    assert_eq!(NoParams {}.to_wire().unwrap(), WireParams::new());
}

#[derive(ice_macros::EncodeWire)]
struct BadJson {
    #[ice(name = "Map", form, style = "json")]
    map: std::collections::HashMap<Vec<u8>, u8>,
}

#[test]
fn serialization_failures_name_the_parameter() {
    let err = BadJson {
        map: [(vec![1], 1)].into_iter().collect(),
    }
    .to_wire()
    .unwrap_err();
    assert_eq!(err.param, "Map");
}
