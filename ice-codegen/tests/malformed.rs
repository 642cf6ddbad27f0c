//! Malformed specs: one clear error each, with the file, the JSON pointer of the problem and a
//! plain message. (Overlay mistakes: `overlay_errors.rs`.)

use std::path::Path;

use ice_codegen::overlay::Overlay;
use ice_codegen::resolve::{resolve, Options};
use ice_codegen::spec::load_spec;
use ice_codegen::CodegenError;
use serde_json::{json, Value};

/// A minimal valid spec with one operation, patched by `edit`.
fn spec_with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = json!({
        "info": {"style": "RPC", "product": "ICE", "version": "2020-11-09"},
        "components": {"schemas": {"Cfg": {"type": "object", "properties": {"A": {"type": "string"}}}}},
        "apis": {"GetThing": {
            "methods": ["post"],
            "security": [{"AK": []}],
            "parameters": [
                {"name": "Id", "in": "query", "schema": {"type": "string", "required": true}},
                {"name": "Cfg", "in": "formData", "style": "json", "schema": {"$ref": "#/components/schemas/Cfg", "required": false}}
            ],
            "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}}}}}
        }}
    });
    edit(&mut v);
    v
}

/// The first problem (tests here make one each).
fn run(v: &Value) -> Result<ice_codegen::ir::Api, CodegenError> {
    let first = |e: ice_codegen::CodegenErrors| e.into_vec().remove(0);
    let spec = load_spec(Path::new("spec.json"), &v.to_string()).map_err(|e| first(e.into()))?;
    resolve(&spec, &Overlay::default(), Options::default())
        .map(|r| r.api)
        .map_err(first)
}

fn fails(v: Value) -> CodegenError {
    match run(&v) {
        Ok(_) => panic!("expected an error"),
        Err(e) => {
            assert_eq!(e.file, Path::new("spec.json"));
            e
        }
    }
}

#[test]
fn baseline_is_valid() {
    let api = run(&spec_with(|_| {})).expect("valid");
    assert_eq!(api.operations.len(), 1);
}

#[test]
fn invalid_json_names_line_and_column() {
    let e = load_spec(Path::new("spec.json"), "{\"apis\": [}").unwrap_err();
    assert_eq!(e.pointer, "");
    assert_eq!(
        e.message,
        "invalid JSON: expected value at line 1 column 11"
    );
}

#[test]
fn wrong_type_for_parameters() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"] = json!({"a": 1})
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters");
    assert_eq!(e.message, "expected an array, found an object");
}

#[test]
fn wrong_type_for_numeric_bound() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][0]["schema"]["maximum"] = json!("lots")
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/0/schema/maximum");
    assert_eq!(e.message, "expected a finite number, found \"lots\"");
}

#[test]
fn bounds_as_strings_are_accepted() {
    let api = run(&spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][0]["schema"]["maxLength"] = json!("10");
    }))
    .expect("string bounds load");
    assert_eq!(
        api.operations[0].params[0].field.checks.own.max_length,
        Some(10)
    );
}

#[test]
fn dangling_ref() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][1]["schema"]["$ref"] =
            json!("#/components/schemas/Nope")
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/1/schema/$ref");
    assert_eq!(
        e.message,
        "dangling reference \"#/components/schemas/Nope\": there is no component schema named `Nope`"
    );
}

#[test]
fn unknown_style() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][1]["style"] = json!("yaml")
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/1/style");
    assert_eq!(
        e.message,
        "unknown style \"yaml\"; expected json, repeatList, flat, simple or xml"
    );
}

#[test]
fn style_type_mismatch() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][0]["style"] = json!("repeatList")
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/0/style");
    assert_eq!(
        e.message,
        "style `repeatList` needs an array, but parameter `Id` is a scalar"
    );
}

#[test]
fn json_style_on_a_scalar_is_rejected() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][0]["style"] = json!("json")
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/0/style");
    assert!(
        e.message
            .starts_with("style `json` needs an object, an array or any"),
        "{}",
        e.message
    );
}

#[test]
fn duplicate_parameter() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][1]["name"] = json!("Id")
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/1/name");
    assert_eq!(
        e.message,
        "duplicate parameter `Id` (first defined at /apis/GetThing/parameters/0)"
    );
}

#[test]
fn unknown_in() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][0]["in"] = json!("cookie")
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/0/in");
    assert_eq!(
        e.message,
        "unknown parameter location \"cookie\"; expected query, formData, body, path, header or host"
    );
}

#[test]
fn path_parameter_in_rpc() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][0]["in"] = json!("path")
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/0/in");
    assert_eq!(
        e.message,
        "`in: path` is not supported for RPC operations; expected query or formData"
    );
}

#[test]
fn unknown_schema_type() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["parameters"][0]["schema"]["type"] = json!("date")
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/0/schema/type");
    assert!(
        e.message.starts_with("unknown type \"date\""),
        "{}",
        e.message
    );
}

#[test]
fn missing_schema_type() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["responses"]["200"]["schema"]["properties"]["RequestId"] =
            json!({"description": "x"})
    }));
    assert_eq!(
        e.pointer,
        "/apis/GetThing/responses/200/schema/properties/RequestId"
    );
    assert!(
        e.message
            .starts_with("schema has neither `type` nor `$ref`"),
        "{}",
        e.message
    );
}

#[test]
fn pointer_tokens_are_escaped() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["responses"]["200"]["schema"]["properties"] =
            json!({"a/b~c": {"type": 5}})
    }));
    assert_eq!(
        e.pointer,
        "/apis/GetThing/responses/200/schema/properties/a~1b~0c/type"
    );
    assert_eq!(e.message, "expected a string, found a number");
}

#[test]
fn get_only_operation_with_form_parameter() {
    let e = fails(spec_with(|v| {
        v["apis"]["GetThing"]["methods"] = json!(["get"])
    }));
    assert_eq!(e.pointer, "/apis/GetThing/parameters/1/in");
    assert!(e.message.contains("needs POST"), "{}", e.message);
}

#[test]
fn roa_is_rejected() {
    let e = fails(spec_with(|v| v["info"]["style"] = json!("ROA")));
    assert_eq!(e.pointer, "/info/style");
}
