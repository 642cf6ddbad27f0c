//! Malformed specs and overlays: one clear error each, with the file, the JSON pointer of the
//! problem and a plain message.

use std::path::Path;

use ice_codegen::overlay::{load_overlay, Overlay};
use ice_codegen::resolve::resolve;
use ice_codegen::spec::load_spec;
use ice_codegen::{CodegenError, CodegenErrors};
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

fn run(v: &Value) -> Result<ice_codegen::ir::Api, CodegenErrors> {
    let spec = load_spec(Path::new("spec.json"), &v.to_string())?;
    Ok(resolve(&spec, &Overlay::default())?)
}

/// The one problem `errors` holds.
fn single(errors: CodegenErrors) -> CodegenError {
    assert_eq!(errors.len(), 1, "expected one problem, got:\n{errors}");
    errors.into_vec().remove(0)
}

/// The problem at `pointer` among `errors` (overlay checks may report related problems too).
fn at(errors: CodegenErrors, pointer: &str) -> CodegenError {
    errors
        .errors()
        .iter()
        .find(|e| e.pointer == pointer)
        .cloned()
        .unwrap_or_else(|| panic!("no problem at {pointer} in:\n{errors}"))
}

fn fails(v: Value) -> CodegenError {
    match run(&v) {
        Ok(_) => panic!("expected an error"),
        Err(e) => {
            let e = single(e);
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
    let e = single(load_spec(Path::new("spec.json"), "{\"apis\": [}").unwrap_err());
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

// ---- overlay ----

fn overlay(text: &str) -> Result<ice_codegen::ir::Api, CodegenErrors> {
    let spec = load_spec(Path::new("spec.json"), &spec_with(|_| {}).to_string())?;
    let o = load_overlay(Path::new("overlay.yaml"), text)?;
    Ok(resolve(&spec, &o)?)
}

#[test]
fn overlay_bad_group_name() {
    let e = at(
        overlay("groups:\n  Media_Production:\n    operations: [GetThing]\n").unwrap_err(),
        "/groups/Media_Production",
    );
    assert_eq!(e.file, Path::new("overlay.yaml"));
    assert!(
        e.message.contains("not a valid feature name"),
        "{}",
        e.message
    );
}

#[test]
fn overlay_unknown_operation_in_group() {
    let e = at(
        overlay("groups:\n  a:\n    operations: [GetThing, GetOther]\n").unwrap_err(),
        "/groups/a/operations/1",
    );
    assert_eq!(e.pointer, "/groups/a/operations/1");
    assert_eq!(e.message, "unknown operation `GetOther` in group `a`");
}

#[test]
fn overlay_operation_in_two_groups() {
    let e = at(
        overlay("groups:\n  a:\n    operations: [GetThing]\n  b:\n    operations: [GetThing]\n")
            .unwrap_err(),
        "/groups/b/operations/0",
    );
    assert_eq!(e.pointer, "/groups/b/operations/0");
    assert!(e
        .message
        .starts_with("operation `GetThing` is in group `a` and again in group `b`"));
}

#[test]
fn overlay_operation_in_no_group() {
    let e = at(
        overlay("groups:\n  a:\n    operations: []\n").unwrap_err(),
        "/groups",
    );
    assert_eq!(e.pointer, "/groups");
    assert!(e.message.starts_with("operation `GetThing` is in no group"));
}

#[test]
fn overlay_unknown_default_feature() {
    let e = at(
        overlay("default_features: [b]\ngroups:\n  a:\n    operations: [GetThing]\n").unwrap_err(),
        "/default_features/0",
    );
    assert_eq!(e.pointer, "/default_features/0");
    assert_eq!(
        e.message,
        "default feature `b` is not a group defined under `groups`"
    );
}

#[test]
fn overlay_constraint_on_wrong_type() {
    let e = at(
        overlay("constraints:\n  GetThing:\n    Id: {minimum: 1}\n").unwrap_err(),
        "/constraints/GetThing/Id",
    );
    assert_eq!(e.pointer, "/constraints/GetThing/Id");
    assert_eq!(
        e.message,
        "minimum/maximum need a number, but `Id` is not one"
    );
}

#[test]
fn overlay_constraint_on_missing_field() {
    let e = at(
        overlay("constraints:\n  GetThing:\n    Cfg.B: {max_length: 3}\n").unwrap_err(),
        "/constraints/GetThing/Cfg.B",
    );
    assert_eq!(e.pointer, "/constraints/GetThing/Cfg.B");
    assert_eq!(e.message, "`Cfg` has no field `B`");
}

#[test]
fn overlay_nested_constraint_applies() {
    let api = overlay("constraints:\n  GetThing:\n    Cfg.A: {max_length: 3}\n").expect("valid");
    let t = api.types.iter().find(|t| t.name == "Cfg").expect("Cfg");
    assert_eq!(t.fields[0].checks.own.max_length, Some(3));
}

#[test]
fn overlay_unknown_key_and_bad_yaml() {
    let e = at(overlay("grups: {}\n").unwrap_err(), "/grups");
    assert_eq!(e.pointer, "/grups");
    assert!(e.message.starts_with("unknown overlay key `grups`"));
    let e = at(overlay("groups: [\n").unwrap_err(), "");
    assert_eq!(e.pointer, "");
    assert!(
        e.message.starts_with("invalid YAML at line"),
        "{}",
        e.message
    );
}

#[test]
fn overlay_bad_pagination_hint() {
    let e = at(
        overlay("pagination:\n  GetThing: {items: Nope}\n").unwrap_err(),
        "/pagination/GetThing",
    );
    assert_eq!(e.pointer, "/pagination/GetThing");
    assert!(
        e.message
            .contains("no NextToken/NextPageToken or PageNo/PageNumber"),
        "{}",
        e.message
    );
}
