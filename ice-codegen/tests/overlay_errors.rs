//! Mistakes in the overlays (`overlay.yaml`, `types.yaml`) and their attachment to the spec: each
//! reported with its file, JSON pointer and a message saying what was expected — all of them in
//! one run.

use std::path::Path;

use ice_codegen::ir::Api;
use ice_codegen::overlay;
use ice_codegen::resolve::{resolve, Options, Resolved};
use ice_codegen::spec::load_spec;
use ice_codegen::{CodegenError, CodegenErrors};
use serde_json::{json, Value};

/// A minimal valid spec with two operations.
fn small_spec() -> Value {
    json!({
        "info": {"style": "RPC", "product": "ICE", "version": "2020-11-09"},
        "components": {"schemas": {"Cfg": {"type": "object", "properties": {"A": {"type": "string"}}}}},
        "apis": {
            "GetThing": {
                "methods": ["post"],
                "parameters": [
                    {"name": "Id", "in": "query", "schema": {"type": "string", "required": true}},
                    {"name": "Cfg", "in": "formData", "style": "json", "schema": {"$ref": "#/components/schemas/Cfg", "required": false}}
                ],
                "responses": {"200": {"schema": {"type": "object", "properties": {
                    "RequestId": {"type": "string"},
                    "Thing": {"type": "object", "properties": {"Status": {"type": "string"}, "Extend": {"type": "string"}}}
                }}}}
            },
            "SubmitThing": {
                "methods": ["post"],
                "parameters": [
                    {"name": "Config", "in": "formData", "schema": {"type": "string", "required": true}},
                    {"name": "Kind", "in": "query", "schema": {"type": "string", "required": true}}
                ],
                "responses": {"200": {"schema": {"type": "object", "properties": {"JobId": {"type": "string"}, "RequestId": {"type": "string"}}}}}
            }
        }
    })
}

const GROUPS: &str = "groups:\n  all:\n    operations: [GetThing, SubmitThing]\n";

fn run_with(
    spec: &Value,
    ops: &str,
    types: Option<&str>,
    options: Options,
) -> Result<Resolved, CodegenErrors> {
    // As the pipeline does: the overlay's own problems and the resolver's, in one run.
    let spec = load_spec(Path::new("spec.json"), &spec.to_string())?;
    let mut diag = ice_codegen::Diagnostics::new();
    let o = overlay::load_partial(
        Path::new("overlay.yaml"),
        Some(ops),
        Path::new("types.yaml"),
        types,
        &mut diag,
    );
    match resolve(&spec, &o, options) {
        Ok(r) => diag.finish(r),
        Err(e) => {
            diag.extend(e);
            Err(diag.finish(()).unwrap_err())
        }
    }
}

fn run(ops: &str, types: Option<&str>) -> Result<Api, CodegenErrors> {
    run_with(&small_spec(), ops, types, Options::default()).map(|r| r.api)
}

fn errors(ops: &str, types: Option<&str>) -> Vec<CodegenError> {
    match run(ops, types) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.into_vec(),
    }
}

fn one(ops: &str, types: Option<&str>) -> CodegenError {
    let mut all = errors(ops, types);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

// ---- overlay.yaml ----

#[test]
fn bad_group_name() {
    let e = one(
        "groups:\n  Media_Production:\n    operations: [GetThing, SubmitThing]\n",
        None,
    );
    assert_eq!(e.file, Path::new("overlay.yaml"));
    assert_eq!(e.pointer, "/groups/Media_Production");
    assert!(
        e.message.contains("not a valid feature name"),
        "{}",
        e.message
    );
}

#[test]
fn gone_operations_are_reported_together_and_can_be_pruned() {
    let text = "groups:\n  a:\n    operations: [GetThing, SubmitThing, GetOther, ListGone]\n  b:\n    operations: [Vanished]\npagination:\n  ListGone: false\n";
    let all = errors(text, None);
    let pointers: Vec<&str> = all.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/groups/a/operations/2",
            "/groups/a/operations/3",
            "/groups/b",
            "/groups/b/operations/0",
            "/pagination/ListGone"
        ]
    );
    assert!(all[0]
        .message
        .contains("operation `GetOther` of group `a`: the spec has no such operation"));
    assert!(all[0].message.contains("--prune-missing"));
    assert!(all[2]
        .message
        .starts_with("group `b` has no operation in this spec"));
    // With the flag every such entry (and the emptied group) becomes a warning.
    let pruned = run_with(
        &small_spec(),
        text,
        None,
        Options {
            prune_missing: true,
        },
    )
    .unwrap();
    assert_eq!(pruned.warnings.len(), 5);
    assert!(pruned
        .warnings
        .iter()
        .all(|w| w.message.contains("dropped: --prune-missing")));
    assert_eq!(pruned.api.groups.len(), 1);
}

#[test]
fn operation_in_two_groups() {
    let e = one(
        "groups:\n  a:\n    operations: [GetThing, SubmitThing]\n  b:\n    operations: [GetThing]\n",
        None,
    );
    assert_eq!(e.pointer, "/groups/b/operations/0");
    assert!(e
        .message
        .starts_with("operation `GetThing` is in group `a` and again in group `b`"));
}

#[test]
fn unclaimed_operations_are_one_error_with_a_fragment() {
    let all = errors("groups:\n  a:\n    match: [Nothing*]\n", None);
    assert_eq!(all[1].pointer, "/groups/a");
    assert!(all[1]
        .message
        .starts_with("group `a` has no operation in this spec"));
    let e = &all[0];
    assert_eq!(e.pointer, "/groups");
    assert!(
        e.message.starts_with("2 operation(s) belong to no group"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("      - GetThing\n      - SubmitThing"),
        "{}",
        e.message
    );
}

#[test]
fn patterns_claim_new_operations_and_names_win() {
    let api = run(
        "groups:\n  a:\n    match: ['*Thing']\n  b:\n    operations: [SubmitThing]\n",
        None,
    )
    .unwrap();
    let group = |a: &str| {
        api.operations
            .iter()
            .find(|o| o.action == a)
            .unwrap()
            .group
            .clone()
    };
    assert_eq!(
        (group("GetThing"), group("SubmitThing")),
        ("a".into(), "b".into())
    );
    let all = errors("groups:\n  a:\n    match: ['Get*']\n  b:\n    match: ['*Thing']\n    operations: [SubmitThing]\n", None);
    assert!(
        all[0]
            .message
            .contains("operation `GetThing` matches the patterns of groups a, b"),
        "{}",
        all[0].message
    );
}

#[test]
fn unknown_default_feature() {
    let e = one(&format!("default_features: [b]\n{GROUPS}"), None);
    assert_eq!(e.pointer, "/default_features/0");
    assert_eq!(
        e.message,
        "default feature `b` is not a group defined under `groups`"
    );
}

#[test]
fn constraints_are_checked_against_the_field() {
    let all = errors(
        &format!("{GROUPS}constraints:\n  GetThing:\n    Id: {{minimum: 1}}\n    Cfg.B: {{max_length: 3}}\n    Cfg.A: {{min_length: 5, max_length: 3}}\n"),
        None,
    );
    let got: Vec<(&str, &str)> = all
        .iter()
        .map(|e| (e.pointer.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "/constraints/GetThing/Cfg.A/min_length",
                "5 is above the maximum 3"
            ),
            ("/constraints/GetThing/Cfg.B", "`Cfg` has no field `B`; remove the entry, or run `cargo xtask codegen --prune-missing` to drop every such entry"),
            (
                "/constraints/GetThing/Id",
                "minimum/maximum need a number, but `Id` is not one"
            ),
        ]
    );
    let api = run(
        &format!("{GROUPS}constraints:\n  GetThing:\n    Cfg.A: {{max_length: 3}}\n"),
        None,
    )
    .unwrap();
    let t = api.types.iter().find(|t| t.name == "Cfg").expect("Cfg");
    assert_eq!(t.fields[0].checks.own.max_length, Some(3));
}

#[test]
fn unknown_keys_bad_yaml_and_bad_pagination_are_all_named() {
    let all = errors(
        &format!("grups: {{}}\n{GROUPS}pagination:\n  GetThing: {{items: Nope, kind: weird}}\n"),
        None,
    );
    let got: Vec<&str> = all.iter().map(|e| e.pointer.as_str()).collect();
    // The resolver still reports the bad items path (GetThing has no paging parameter).
    assert_eq!(
        got,
        [
            "/grups",
            "/pagination/GetThing",
            "/pagination/GetThing/kind"
        ]
    );
    let e = one("groups: [\n", None);
    assert_eq!(e.pointer, "");
    assert!(
        e.message.starts_with("invalid YAML at line"),
        "{}",
        e.message
    );
}

#[test]
fn waiters_are_checked_against_the_response() {
    let all = errors(
        &format!(
            "{GROUPS}waiters:\n  GetThing:\n    job: thing\n    id: Nope\n    status: Thing.State\n    success: [Done]\n    submits: {{SubmitThing: Missing}}\n"
        ),
        None,
    );
    let got: Vec<(&str, &str)> = all
        .iter()
        .map(|e| (e.pointer.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "/waiters/GetThing",
                "waiter on `GetThing`: no string request parameter `Nope` to carry the job id; remove the entry, or run `cargo xtask codegen --prune-missing` to drop every such entry"
            ),
            (
                "/waiters/GetThing",
                "waiter on `GetThing`: the response has no `Thing.State`; remove the entry, or run `cargo xtask codegen --prune-missing` to drop every such entry"
            ),
            (
                "/waiters/GetThing/submits/SubmitThing",
                "the response of `SubmitThing` has no `Missing`"
            ),
        ]
    );
}

#[test]
fn a_waiter_makes_the_ids_required() {
    let api = run(
        &format!("{GROUPS}waiters:\n  GetThing:\n    job: thing\n    id: Id\n    status: Thing.Status\n    success: [Done]\n    submits: {{SubmitThing: JobId}}\n"),
        None,
    )
    .unwrap();
    let submit = api
        .operations
        .iter()
        .find(|o| o.action == "SubmitThing")
        .unwrap();
    assert!(submit
        .response
        .iter()
        .any(|f| f.wire_name == "JobId" && f.required));
    assert!(submit.starts.is_some());
    assert!(api
        .operations
        .iter()
        .find(|o| o.action == "GetThing")
        .unwrap()
        .waiter
        .is_some());
}

// ---- types.yaml, on its own ----

const T: &str = "version: 2\napi_version: \"2020-11-09\"\n";

fn type_errors(body: &str) -> Vec<(String, String)> {
    errors(GROUPS, Some(&format!("{T}{body}")))
        .into_iter()
        .map(|e| {
            assert_eq!(e.file, Path::new("types.yaml"));
            (e.pointer, e.message)
        })
        .collect()
}

#[test]
fn every_file_problem_is_reported_at_once() {
    let got = type_errors(
        "types:\n  - name: a_b\n    kind: struct\n  - name: A\n    kind: struct\n    fields:\n      - {wire: X, type: list<Missing>}\n      - {wire: Y, type: string, requird: true}\n      - {wire: Z, type: string, limits: {max_items: 3}}\n  - name: B\n    kind: struct\n    fields:\n      - {wire: X, type: json_string<json>}\n      - {wire: X, rust: type, type: string, limits: {max_chars: 9}}\n",
    );
    let pointers: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/types/0/name",
            "/types/1/fields/1/requird",
            "/types/2/fields/0/type",
            "/types/2/fields/1/rust",
            "/types/2/fields/1/wire",
        ],
        "{got:#?}"
    );
    assert!(
        got[1].1.starts_with("unknown field `requird`"),
        "{}",
        got[1].1
    );
    assert_eq!(got[2].1, "json_string<…> is only allowed in responses");
}

#[test]
fn unknown_types_and_misplaced_limits() {
    let got = type_errors(
        "types:\n  - name: A\n    kind: struct\n    fields:\n      - {wire: X, type: list<Missing>}\n      - {wire: Y, type: string, limits: {max_items: 3, min_chars: 5, max_chars: 2}}\n",
    );
    assert_eq!(
        got,
        [
            (
                "/types/0/fields/0/type".into(),
                "unknown type \"Missing\": declare it under /types".into()
            ),
            (
                "/types/0/fields/1/limits/max_items".into(),
                "`max_items` does not apply to type string".into()
            ),
            (
                "/types/0/fields/1/limits/min_chars".into(),
                "5 is above the maximum 2".into()
            ),
        ]
    );
}

#[test]
fn every_string_sent_has_a_length_limit() {
    let got = type_errors(
        "types:\n  - name: A\n    kind: struct\n    fields:\n      - {wire: Url, type: string}\n      - {wire: Ids, type: list<string>, limits: {max_items: 3}}\n      - {wire: Name, type: string, limits: {max_chars: 50}}\n      - {wire: Mode, type: string, limits: {values: [On, Off]}}\n      - {wire: Hook, type: string, checks: [notify_address]}\n  - name: Seen\n    kind: struct\n    response: true\n    fields:\n      - {wire: Message, type: string}\nrules:\n  notify_address: bounded by its own check\n",
    );
    let pointers: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    // Responses are only parsed; a hand-written check bounds what it checks.
    assert_eq!(
        pointers,
        ["/types/0/fields/0/limits", "/types/0/fields/1/limits"],
        "{got:#?}"
    );
    assert!(got[0].1.contains("`max_chars`"), "{}", got[0].1);
    assert!(got[1].1.contains("`item_max_chars`"), "{}", got[1].1);
}

#[test]
fn a_version_1_file_is_refused_with_the_reason() {
    let got = errors(GROUPS, Some("version: 1\napi_version: x\n"));
    assert_eq!(got[0].pointer, "/version");
    assert!(got[0].message.contains("version: 2"));
}

// ---- types.yaml against the spec ----

const CONFIG: &str = "types:\n  - name: ThingConfig\n    kind: struct\n    fields:\n      - {wire: Size, type: integer}\n";

#[test]
fn typed_parameters_must_exist_where_stated() {
    let all = errors(
        GROUPS,
        Some(&format!(
            "{T}{CONFIG}operations:\n  SubmitThing:\n    params:\n      Config: {{type: ThingConfig, location: query}}\n      Gone: {{type: ThingConfig, location: form}}\n      Kind: {{required: false}}\n  GetThing:\n    params:\n      Cfg: {{type: ThingConfig, location: form}}\n"
        )),
    );
    let got: Vec<(&str, &str)> = all
        .iter()
        .map(|e| (e.pointer.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("/operations/GetThing/params/Cfg", "`GetThing.Cfg` is not a plain string in the spec, so it cannot carry a typed JSON document"),
            ("/operations/SubmitThing/params/Config", "`SubmitThing` sends `Config` in the form body, not the query; the overlay states where the typed value goes, so update it deliberately"),
            ("/operations/SubmitThing/params/Gone", "`SubmitThing` has no parameter `Gone` in the spec (or a union already covers it); remove the entry, or run `cargo xtask codegen --prune-missing` to drop every such entry"),
            ("/operations/SubmitThing/params/Kind", "`SubmitThing.Kind` is required by the spec; the overlay may not make it optional"),
        ]
    );
}

#[test]
fn a_typed_parameter_becomes_json_of_its_type() {
    let api = run(
        GROUPS,
        Some(&format!("{T}{CONFIG}operations:\n  SubmitThing:\n    params:\n      Config: {{type: ThingConfig, location: form}}\n")),
    )
    .unwrap();
    let op = api
        .operations
        .iter()
        .find(|o| o.action == "SubmitThing")
        .unwrap();
    let p = op
        .params
        .iter()
        .find(|p| p.field.wire_name == "Config")
        .unwrap();
    assert_eq!(p.style, ice_codegen::ir::Style::Json);
    let ice_codegen::ir::TypeRef::Named(i) = p.field.ty else {
        panic!("{:?}", p.field.ty)
    };
    assert_eq!(api.types[i].name, "ThingConfig");
}

#[test]
fn response_refinements_are_checked() {
    let all = errors(
        GROUPS,
        Some(&format!(
            "{T}types:\n  - name: ThingStatus\n    kind: open_enum\n    values: [{{value: Done, rust: Done}}]\noperations:\n  GetThing:\n    response:\n      Thing.Missing: {{type: ThingStatus}}\n      RequestId: {{name: Nope}}\n      Thing: {{type: ThingStatus}}\n"
        )),
    );
    let got: Vec<(&str, &str)> = all
        .iter()
        .map(|e| (e.pointer.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("/operations/GetThing/response/RequestId", "`RequestId` of `GetThing` is not an object the spec defines inline"),
            ("/operations/GetThing/response/Thing", "`GetThing.Thing` is not a string in the spec, so it cannot become an enum or a JSON document"),
            ("/operations/GetThing/response/Thing.Missing", "`GetThing`: `Thing` has no field `Missing`; remove the entry, or run `cargo xtask codegen --prune-missing` to drop every such entry"),
        ]
    );
}

#[test]
fn waiter_values_must_be_known_to_the_status_enum() {
    let all = errors(
        &format!("{GROUPS}waiters:\n  GetThing:\n    job: thing\n    id: Id\n    status: Thing.Status\n    success: [Done, Finished]\n"),
        Some(&format!(
            "{T}types:\n  - name: ThingStatus\n    kind: open_enum\n    values: [{{value: Done, rust: Done}}]\noperations:\n  GetThing:\n    response:\n      Thing.Status: {{type: ThingStatus}}\n"
        )),
    );
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(
        all[0]
            .message
            .contains("success value \"Finished\" is not one of the status enum's values (Done)"),
        "{}",
        all[0].message
    );
}

// ---- the real overlays ----

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Loads the committed spec with `edit` applied and the committed overlays.
fn real_with(edit: impl FnOnce(&mut Value)) -> Result<Resolved, CodegenErrors> {
    let text = std::fs::read_to_string(root().join(ice_codegen::pipeline::SPEC_PATH)).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    edit(&mut v);
    let spec = load_spec(Path::new(ice_codegen::pipeline::SPEC_PATH), &v.to_string())?;
    let o = overlay::read(
        &root().join(ice_codegen::pipeline::OVERLAY_PATH),
        Some(&root().join(ice_codegen::pipeline::TYPES_PATH)),
    )?;
    resolve(&spec, &o, Options::default())
}

fn drop_param(v: &mut Value, action: &str, name: &str) {
    let params = v["apis"][action]["parameters"].as_array_mut().unwrap();
    params.retain(|p| p["name"] != name);
}

#[test]
fn the_committed_overlays_resolve_without_warnings() {
    let r = real_with(|_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn removing_typed_parameters_from_the_spec_fails_with_the_overlay_pointers() {
    let all = real_with(|v| {
        drop_param(v, "SubmitBatchMediaProducingJob", "TemplateConfig");
        drop_param(v, "SubmitSceneMediaSelectionJob", "InputConfig");
    })
    .unwrap_err()
    .into_vec();
    let types = root().join(ice_codegen::pipeline::TYPES_PATH);
    assert!(all.iter().all(|e| e.file == types), "{all:#?}");
    let got: Vec<&str> = all.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(
        got,
        [
            "/operations/SubmitBatchMediaProducingJob/params/TemplateConfig",
            "/operations/SubmitSceneMediaSelectionJob/union",
            "/operations/SubmitSceneMediaSelectionJob/union",
        ],
        "{all:#?}"
    );
    assert!(
        all[1]
            .message
            .contains("`SubmitSceneMediaSelectionJob` has no parameter `InputConfig`"),
        "{}",
        all[1].message
    );
}

#[test]
fn moving_a_typed_parameter_is_not_silent() {
    let all = real_with(|v| {
        for p in v["apis"]["SubmitSceneMediaSelectionJob"]["parameters"]
            .as_array_mut()
            .unwrap()
        {
            if p["name"] == "OutputConfig" {
                p["in"] = json!("formData");
            }
        }
    })
    .unwrap_err()
    .into_vec();
    assert!(!all.is_empty());
    assert!(
        all.iter().all(|e| e
            .message
            .contains("sends `OutputConfig` in the form body, not the query")),
        "{all:#?}"
    );
}
