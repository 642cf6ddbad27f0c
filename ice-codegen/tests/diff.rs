//! `diff`: each kind of change is found and classified the way the module documents, on small
//! specs edited one field at a time; shared `$ref` diamonds and long reference chains cost what
//! their definitions cost.

use std::path::Path;

use ice_codegen::diff::{diff, Change, Class, Diff, Kind, Place};
use ice_codegen::spec::{load_value, Spec};
use serde_json::{json, Value};

fn base() -> Value {
    json!({
        "info": {"style": "RPC", "product": "ICE", "version": "2020-11-09"},
        "components": {"schemas": {"Cfg": {"type": "object", "properties": {"A": {"type": "string"}}}}},
        "apis": {"ListThings": {
            "parameters": [
                {"name": "Ids", "in": "query", "style": "repeatList",
                 "schema": {"type": "array", "items": {"type": "string"}, "required": false}},
                {"name": "Filter", "in": "query",
                 "schema": {"type": "object", "required": false, "properties": {
                     "Kind": {"type": "string", "required": false, "enum": ["a", "b"]}}}},
                {"name": "PageSize", "in": "query",
                 "schema": {"type": "integer", "required": false, "maximum": "100"}},
                {"name": "Cfg", "in": "formData", "style": "json",
                 "schema": {"$ref": "#/components/schemas/Cfg", "required": false}}
            ],
            "responses": {"200": {"schema": {"type": "object", "properties": {
                "RequestId": {"type": "string"},
                "Items": {"type": "array", "items": {"type": "object", "properties": {
                    "Id": {"type": "string"}}}}}}}}
        }}
    })
}

fn spec(v: &Value) -> Spec {
    load_value(Path::new("spec.json"), v).unwrap_or_else(|e| panic!("{e}"))
}

/// The diff of `base()` against `base()` edited by `edit`.
fn changed(edit: impl FnOnce(&mut Value)) -> Diff {
    let old = base();
    let mut new = base();
    edit(&mut new);
    diff(&spec(&old), &spec(&new))
}

/// The only change of `d`, as (class, place, owner, path, kind, old, new).
fn one(d: &Diff) -> (Class, Place, &str, &str, Kind, Option<&str>, Option<&str>) {
    assert_eq!(d.changes.len(), 1, "{}", d.to_text());
    let c: &Change = &d.changes[0];
    (
        c.class,
        c.place,
        &c.owner,
        &c.path,
        c.kind,
        c.old.as_deref(),
        c.new.as_deref(),
    )
}

const OP: &str = "ListThings";

fn param(v: &mut Value, i: usize) -> &mut Value {
    &mut v["apis"][OP]["parameters"][i]
}

#[test]
fn identical_specs_have_no_changes() {
    let d = changed(|_| {});
    assert!(d.is_empty());
    assert_eq!(
        d.summary(),
        "0 changes: 0 wire-breaking, 0 API-breaking, 0 additive"
    );
}

#[test]
fn dropping_repeat_list_on_an_array_is_wire_breaking() {
    // No style on an array means `flat` for the wire encoding.
    let d = changed(|v| {
        param(v, 0).as_object_mut().unwrap().remove("style");
    });
    assert_eq!(
        one(&d),
        (
            Class::WireBreaking,
            Place::Request,
            OP,
            "Ids",
            Kind::Style,
            Some("repeatList"),
            Some("flat")
        )
    );
    assert_eq!(
        d.to_text().lines().take(2).collect::<Vec<_>>(),
        [
            "wire-breaking (1):",
            "  ListThings Ids: style repeatList -> flat"
        ]
    );
}

#[test]
fn spelling_out_the_default_style_is_no_change() {
    let d = changed(|v| param(v, 1)["style"] = json!("flat"));
    assert!(d.is_empty(), "{}", d.to_text());
}

#[test]
fn moving_a_parameter_is_wire_breaking() {
    let d = changed(|v| param(v, 2)["in"] = json!("formData"));
    assert_eq!(
        one(&d),
        (
            Class::WireBreaking,
            Place::Request,
            OP,
            "PageSize",
            Kind::Location,
            Some("query"),
            Some("formData")
        )
    );
}

#[test]
fn parameters_added_and_removed() {
    let d = changed(|v| {
        let params = v["apis"][OP]["parameters"].as_array_mut().unwrap();
        params.remove(2);
        params.push(
            json!({"name": "Opt", "in": "query", "schema": {"type": "string", "required": false}}),
        );
        params.push(
            json!({"name": "Req", "in": "query", "schema": {"type": "string", "required": true}}),
        );
    });
    let got: Vec<(Class, &str, Kind)> = d
        .changes
        .iter()
        .map(|c| (c.class, c.path.as_str(), c.kind))
        .collect();
    assert_eq!(
        got,
        [
            (Class::ApiBreaking, "PageSize", Kind::ParameterRemoved),
            (Class::ApiBreaking, "Req", Kind::ParameterAdded),
            (Class::Additive, "Opt", Kind::ParameterAdded),
        ]
    );
    assert!(d
        .to_text()
        .contains("  ListThings Req: parameter added (required)\n"));
}

#[test]
fn required_changes_either_way_break_the_constructor() {
    let d = changed(|v| param(v, 2)["schema"]["required"] = json!(true));
    assert_eq!(
        one(&d),
        (
            Class::ApiBreaking,
            Place::Request,
            OP,
            "PageSize",
            Kind::Required,
            Some("optional"),
            Some("required")
        )
    );
    let d = changed(|v| param(v, 1)["schema"]["properties"]["Kind"]["required"] = json!("true"));
    assert_eq!(one(&d).3, "Filter.Kind");
    // `required` on array items generates nothing.
    let d = changed(|v| param(v, 0)["schema"]["items"]["required"] = json!(true));
    assert!(d.is_empty(), "{}", d.to_text());
}

#[test]
fn type_changes_are_api_breaking_and_stop_there() {
    let d = changed(|v| param(v, 2)["schema"]["type"] = json!("string"));
    assert_eq!(
        one(&d),
        (
            Class::ApiBreaking,
            Place::Request,
            OP,
            "PageSize",
            Kind::Type,
            Some("integer"),
            Some("string")
        )
    );
    // An object turned scalar also loses its (implied flat) style; nothing below it is compared.
    let d = changed(|v| param(v, 1)["schema"] = json!({"type": "string"}));
    let got: Vec<(Class, Kind)> = d.changes.iter().map(|c| (c.class, c.kind)).collect();
    assert_eq!(
        got,
        [
            (Class::WireBreaking, Kind::Style),
            (Class::ApiBreaking, Kind::Type)
        ]
    );
    // Integer formats all map to i64: not a change.
    let d = changed(|v| param(v, 2)["schema"]["format"] = json!("int32"));
    assert!(d.is_empty());
}

#[test]
fn enums_narrowed_break_and_widened_add() {
    let kind = |v: &mut Value, e: Value| param(v, 1)["schema"]["properties"]["Kind"]["enum"] = e;
    let d = changed(|v| kind(v, json!(["a"])));
    assert_eq!(
        one(&d),
        (
            Class::ApiBreaking,
            Place::Request,
            OP,
            "Filter.Kind",
            Kind::Enum,
            Some("a, b"),
            Some("a")
        )
    );
    let d = changed(|v| kind(v, json!(["a", "b", "c"])));
    assert_eq!(one(&d).0, Class::Additive);
    let d = changed(|v| kind(v, Value::Null));
    assert_eq!(one(&d).0, Class::Additive);
    assert_eq!(one(&d).6, Some("any value"));
}

#[test]
fn bounds_tightened_break_and_loosened_add() {
    let max = |v: &mut Value, m: Value| param(v, 2)["schema"]["maximum"] = m;
    let d = changed(|v| max(v, json!("50")));
    assert_eq!(
        one(&d),
        (
            Class::ApiBreaking,
            Place::Request,
            OP,
            "PageSize",
            Kind::Limit,
            Some("maximum 100"),
            Some("maximum 50")
        )
    );
    let d = changed(|v| max(v, json!(500)));
    assert_eq!(one(&d).0, Class::Additive);
    let d = changed(|v| max(v, Value::Null));
    assert_eq!(one(&d).6, Some("no maximum"));
    assert_eq!(one(&d).0, Class::Additive);
    let d = changed(|v| param(v, 2)["schema"]["minimum"] = json!(1));
    assert_eq!(one(&d).0, Class::ApiBreaking);
    // minItems 0 and no minItems mean the same.
    let d = changed(|v| param(v, 0)["schema"]["minItems"] = json!(0));
    assert!(d.is_empty());
    // Patterns are documented, not enforced; an empty one is none.
    let d = changed(|v| param(v, 1)["schema"]["properties"]["Kind"]["pattern"] = json!("^[ab]$"));
    assert_eq!(one(&d).0, Class::Additive);
    let d = changed(|v| param(v, 1)["schema"]["properties"]["Kind"]["pattern"] = json!(""));
    assert!(d.is_empty());
}

#[test]
fn response_fields_are_walked_with_dotted_paths() {
    let d = changed(|v| {
        let props = &mut v["apis"][OP]["responses"]["200"]["schema"]["properties"];
        props["Items"]["items"]["properties"]["Id"] = json!({"type": "integer"});
        props["Items"]["items"]["properties"]["Name"] = json!({"type": "string", "required": true});
        props.as_object_mut().unwrap().remove("RequestId");
    });
    let got: Vec<(Class, Place, &str, Kind)> = d
        .changes
        .iter()
        .map(|c| (c.class, c.place, c.path.as_str(), c.kind))
        .collect();
    assert_eq!(
        got,
        [
            (
                Class::ApiBreaking,
                Place::Response,
                "Items[].Id",
                Kind::Type
            ),
            (
                Class::ApiBreaking,
                Place::Response,
                "RequestId",
                Kind::FieldRemoved
            ),
            (
                Class::Additive,
                Place::Response,
                "Items[].Name",
                Kind::FieldAdded
            ),
        ]
    );
    // Enums and bounds in responses generate nothing.
    let d = changed(|v| {
        v["apis"][OP]["responses"]["200"]["schema"]["properties"]["RequestId"]["maxLength"] =
            json!(3)
    });
    assert!(d.is_empty());
}

#[test]
fn a_lost_response_schema_is_one_change() {
    let d = changed(|v| {
        v["apis"][OP]
            .as_object_mut()
            .unwrap()
            .remove("responses")
            .map(drop)
            .unwrap_or(())
    });
    assert_eq!(
        one(&d),
        (
            Class::ApiBreaking,
            Place::Response,
            OP,
            "",
            Kind::ResponseRemoved,
            None,
            None
        )
    );
}

#[test]
fn operations_and_components_added_and_removed() {
    let d = changed(|v| {
        let apis = v["apis"].as_object_mut().unwrap();
        let op = apis.remove(OP).unwrap();
        apis.insert("ListOthers".into(), op);
        v["components"]["schemas"]["Cfg"]["properties"]["B"] = json!({"type": "string"});
        v["components"]["schemas"]["New"] = json!({"type": "object"});
    });
    assert_eq!(
        d.summary(),
        "4 changes: 0 wire-breaking, 1 API-breaking, 3 additive (1 operation added, 1 operation removed, 1 component field added, 1 component added)"
    );
    let json = d.to_json();
    assert_eq!(json["counts"]["by_kind"]["operation.operation_removed"], 1);
    assert_eq!(json["counts"]["api_breaking"], 1);
    assert_eq!(json["changes"][0]["kind"], "operation_removed");
}

#[test]
fn inline_and_referenced_shapes_compare_by_structure() {
    // The same object written inline instead of through the component: no change.
    let d = changed(|v| {
        param(v, 3)["schema"] =
            json!({"type": "object", "required": false, "properties": {"A": {"type": "string"}}})
    });
    assert!(d.is_empty(), "{}", d.to_text());
    // A change inside the component is reported once, on the component.
    let d = changed(|v| {
        v["components"]["schemas"]["Cfg"]["properties"]["A"]["type"] = json!("integer")
    });
    assert_eq!(
        one(&d),
        (
            Class::ApiBreaking,
            Place::Component,
            "Cfg",
            "A",
            Kind::Type,
            Some("string"),
            Some("integer")
        )
    );
}

/// Components `{prefix}0 … {prefix}{n}`: each object holds `left` and `right`, both references to
/// the next one (a diamond), the last holds a string `Leaf` (of type `leaf`).
fn diamond(prefix: &str, n: usize, leaf: &str) -> Value {
    let mut schemas = serde_json::Map::new();
    for i in 0..n {
        let next = json!({"$ref": format!("#/components/schemas/{prefix}{}", i + 1)});
        schemas.insert(
            format!("{prefix}{i}"),
            json!({"type": "object", "properties": {"Left": next, "Right": next}}),
        );
    }
    schemas.insert(
        format!("{prefix}{n}"),
        json!({"type": "object", "properties": {"Leaf": {"type": leaf}}}),
    );
    json!({
        "info": {"style": "RPC", "product": "ICE", "version": "1"},
        "components": {"schemas": schemas},
        "apis": {"Get": {"parameters": [{"name": "Root", "in": "query", "style": "json",
            "schema": {"$ref": format!("#/components/schemas/{prefix}0")}}]}}
    })
}

#[test]
fn a_shared_ref_diamond_40_deep_is_compared_once_per_pair() {
    // Differently named components on each side: 2^40 paths lead to the leaf.
    let old = spec(&diamond("A", 40, "string"));
    let new = spec(&diamond("B", 40, "integer"));
    let d = diff(&old, &new);
    // The parameter's type changes from A0 to B0, and each pair's two fields name the next pair.
    let renames = d
        .changes
        .iter()
        .filter(|c| c.kind == Kind::Type && c.old.as_deref().is_some_and(|o| o.starts_with('A')))
        .count();
    assert_eq!(renames, 1 + 2 * 40);
    let leaf: Vec<&Change> = d
        .changes
        .iter()
        .filter(|c| c.old.as_deref() == Some("string"))
        .collect();
    assert_eq!(leaf.len(), 1, "the leaf pair is compared once");
    assert_eq!(
        (
            leaf[0].place,
            leaf[0].owner.as_str(),
            leaf[0].path.as_str(),
            leaf[0].new.as_deref()
        ),
        (Place::Component, "A40 (now B40)", "Leaf", Some("integer"))
    );
    // Plus 41 components removed and 41 added.
    assert_eq!(d.changes.len(), 81 + 1 + 41 + 41);
}

#[test]
fn a_reference_chain_10000_long_does_not_recurse() {
    let chain = |prefix: &str, leaf: &str| {
        let mut v = diamond(prefix, 10_000, leaf);
        // Make it a chain: drop every `Right`.
        for s in v["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .values_mut()
        {
            if let Some(p) = s["properties"].as_object_mut() {
                p.remove("Right");
            }
        }
        v
    };
    let d = diff(&spec(&chain("A", "string")), &spec(&chain("B", "boolean")));
    let leaf: Vec<&Change> = d
        .changes
        .iter()
        .filter(|c| c.old.as_deref() == Some("string"))
        .collect();
    assert_eq!(leaf.len(), 1);
    assert_eq!(leaf[0].owner, "A10000 (now B10000)");
    assert_eq!(leaf[0].new.as_deref(), Some("boolean"));
}
