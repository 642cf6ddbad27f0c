//! Malformed specs: one clear error each, with the file, the JSON pointer of the problem and a
//! plain message; several problems are all reported in one run. Also the robust reading of spec
//! files: size limit, byte-order marks, invalid UTF-8, duplicate keys, contradictory bounds and
//! invalid patterns. (Overlay mistakes: `overlay_errors.rs`.)

use std::path::Path;

use ice_codegen::overlay::Overlay;
use ice_codegen::resolve::{resolve, Options};
use ice_codegen::spec::{load_spec, parse_json, read_spec, read_text, Limits, DEFAULT_MAX_BYTES};
use ice_codegen::{CodegenError, CodegenErrors, Diagnostics};
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
    Ok(resolve(&spec, &Overlay::default(), Options::default())?.api)
}

/// The one problem `errors` holds.
fn single(errors: CodegenErrors) -> CodegenError {
    assert_eq!(errors.len(), 1, "expected one problem, got:\n{errors}");
    errors.into_vec().remove(0)
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

// ---- every problem in one run ----

#[test]
fn every_spec_problem_is_reported_in_one_run_sorted() {
    let v = spec_with(|v| {
        v["info"]["style"] = json!(7);
        v["apis"]["GetThing"]["parameters"][1]["style"] = json!("yaml");
        v["apis"]["GetThing"]["parameters"][0]["schema"]["maxLength"] = json!(-1);
        v["components"]["schemas"]["Cfg"]["properties"]["A"] = json!({"type": "date"});
    });
    let errors = load_spec(Path::new("spec.json"), &v.to_string()).unwrap_err();
    let lines: Vec<String> = errors.errors().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        lines,
        [
            "spec.json#/apis/GetThing/parameters/0/schema/maxLength: expected a non-negative integer, found -1",
            "spec.json#/apis/GetThing/parameters/1/style: unknown style \"yaml\"; expected json, repeatList, flat, simple or xml",
            "spec.json#/components/schemas/Cfg/properties/A/type: unknown type \"date\"; expected string, integer, number, boolean, array, object or any",
            "spec.json#/info/style: expected a string, found a number",
        ]
    );
    assert!(errors.to_string().ends_with("\n4 problems"), "{errors}");
}

// ---- reading: size, encoding ----

fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

#[test]
fn oversized_file_is_refused_before_it_is_read() {
    // 200 MB on disk without writing 200 MB (sparse): refused from its size alone.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.json");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(200_000_000).expect("set_len");
    let e = read_text(&path, Path::new("huge.json"), Limits::default()).unwrap_err();
    assert_eq!(e.file, Path::new("huge.json"));
    assert_eq!(e.pointer, "");
    assert!(
        e.message.starts_with(&format!(
            "file is larger than the limit of {} MiB (200000000 bytes)",
            DEFAULT_MAX_BYTES >> 20
        )),
        "{}",
        e.message
    );
    assert!(e.message.contains("--max-spec-bytes"), "{}", e.message);
    // `read_spec` applies the same default.
    let errors = read_spec(&path).unwrap_err();
    assert!(errors.errors()[0]
        .message
        .starts_with("file is larger than the limit"));
}

#[cfg(unix)]
#[test]
fn endless_input_is_read_only_up_to_the_limit() {
    // /dev/zero has no size and never ends: only a bounded read can refuse it.
    let limits = Limits { max_bytes: 1 << 20 };
    let e = read_text(Path::new("/dev/zero"), Path::new("zero"), limits).unwrap_err();
    assert_eq!(
        e.message.split(';').next(),
        Some("file is larger than the limit of 1 MiB (more than 1 MiB)")
    );
}

#[test]
fn a_configured_limit_accepts_files_up_to_it() {
    let text = spec_with(|_| {}).to_string();
    let (_dir, path) = temp_file("spec.json", text.as_bytes());
    let exact = Limits {
        max_bytes: text.len() as u64,
    };
    assert_eq!(
        read_text(&path, Path::new("spec.json"), exact).unwrap(),
        text
    );
    let below = Limits {
        max_bytes: text.len() as u64 - 1,
    };
    assert!(read_text(&path, Path::new("spec.json"), below).is_err());
}

#[test]
fn byte_order_marks_are_named() {
    let text = spec_with(|_| {}).to_string();
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend_from_slice(text.as_bytes());
    let (_dir, path) = temp_file("bom.json", &with_bom);
    let e = read_text(&path, Path::new("bom.json"), Limits::default()).unwrap_err();
    assert!(
        e.message
            .starts_with("file starts with a UTF-8 byte-order mark (bytes EF BB BF)"),
        "{}",
        e.message
    );
    // Text that already went through a lenient decoder keeps the BOM as U+FEFF.
    let errors = load_spec(Path::new("spec.json"), &format!("\u{feff}{text}")).unwrap_err();
    assert_eq!(single(errors).message, e.message);
    let (_dir, path) = temp_file("utf16.json", &[0xFF, 0xFE, b'{', 0, b'}', 0]);
    let e = read_text(&path, Path::new("utf16.json"), Limits::default()).unwrap_err();
    assert!(
        e.message.starts_with("file starts with a UTF-16 little-endian byte-order mark: the file is UTF-16 (bytes FF FE)"),
        "{}",
        e.message
    );
}

#[test]
fn invalid_utf8_is_located() {
    let (_dir, path) = temp_file("latin1.json", b"{\"info\": \"caf\xe9\"}");
    let e = read_text(&path, Path::new("latin1.json"), Limits::default()).unwrap_err();
    assert_eq!(
        e.message,
        "not valid UTF-8 (first bad byte at offset 13); api-docs files are UTF-8 JSON"
    );
}

// ---- duplicate keys ----

#[test]
fn duplicate_keys_are_reported_with_their_pointer() {
    let text = spec_with(|_| {}).to_string();
    // A second `required` on the first parameter's schema, a second `info` at the top.
    let text = text.replacen(
        "\"required\":true",
        "\"required\":true,\"required\":false",
        1,
    );
    let info = r#"{"info":{"style":"RPC","product":"ICE","version":"2020-11-09"},"#;
    let text = text.replacen('{', info, 1);
    let errors = load_spec(Path::new("spec.json"), &text).unwrap_err();
    let found: Vec<(&str, &str)> = errors
        .errors()
        .iter()
        .map(|e| (e.pointer.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("/apis/GetThing/parameters/0/schema/required", "duplicate key `required` in this object; each key may appear once (JSON parsers disagree on which copy wins)"),
            ("/info", "duplicate key `info` in this object; each key may appear once (JSON parsers disagree on which copy wins)"),
        ],
        "{errors}"
    );
}

#[test]
fn parsing_keeps_values_exactly_as_serde_json_does() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/ice/2020-11-09/api-docs.json"),
    )
    .expect("committed spec");
    let mut diag = Diagnostics::new();
    let ours = parse_json(Path::new("api-docs.json"), &text, &mut diag).expect("parses");
    assert!(
        diag.finish(()).is_ok(),
        "no duplicates in the committed spec"
    );
    let theirs: Value = serde_json::from_str(&text).expect("parses");
    assert_eq!(ours, theirs);
    assert_eq!(
        serde_json::to_string(&ours).unwrap(),
        serde_json::to_string(&theirs).unwrap(),
        "same key order and number formatting"
    );
}

// ---- contradictions ----

#[test]
fn contradictory_bounds_are_rejected() {
    let cases = [
        (
            "minLength",
            json!(5),
            "maxLength",
            json!(3),
            "minLength 5 is greater than maxLength 3",
        ),
        (
            "minimum",
            json!("10"),
            "maximum",
            json!("2.5"),
            "minimum 10 is greater than maximum 2.5",
        ),
        (
            "minItems",
            json!(4),
            "maxItems",
            json!(1),
            "minItems 4 is greater than maxItems 1",
        ),
    ];
    for (lo, lo_v, hi, hi_v, message) in cases {
        let e = fails(spec_with(|v| {
            let s = &mut v["apis"]["GetThing"]["parameters"][0]["schema"];
            s[lo] = lo_v.clone();
            s[hi] = hi_v.clone();
        }));
        assert_eq!(
            e.pointer,
            format!("/apis/GetThing/parameters/0/schema/{lo}")
        );
        assert_eq!(e.message, format!("{message}: no value can satisfy both"));
    }
    // Equal bounds are satisfiable.
    run(&spec_with(|v| {
        let s = &mut v["apis"]["GetThing"]["parameters"][0]["schema"];
        s["minLength"] = json!(3);
        s["maxLength"] = json!(3);
    }))
    .expect("equal bounds load");
}

#[test]
fn invalid_patterns_are_rejected_and_ecmascript_ones_accepted() {
    let e = fails(spec_with(|v| {
        v["components"]["schemas"]["Cfg"]["properties"]["A"]["pattern"] = json!("^[a-z+$")
    }));
    assert_eq!(e.pointer, "/components/schemas/Cfg/properties/A/pattern");
    assert!(
        e.message
            .starts_with("invalid regular expression \"^[a-z+$\": "),
        "{}",
        e.message
    );
    // Lookahead and backreferences (ECMAScript, not `regex`), and the empty patterns the
    // published files carry.
    for p in [r"^(?=.*\d)[A-Za-z0-9]{8,}$", r"^(\w)\1$", ""] {
        run(&spec_with(|v| {
            v["apis"]["GetThing"]["parameters"][0]["schema"]["pattern"] = json!(p)
        }))
        .unwrap_or_else(|e| panic!("{p:?}: {e}"));
    }
}
