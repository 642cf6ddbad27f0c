//! Mistakes in the overlay are reported with a JSON pointer to the offending value and a message
//! that says what was expected.

use std::path::Path;

use ice_codegen::configs::check_overlay;

const HEAD: &str = "version: 1\napi_version: \"2020-11-09\"\n";

fn error(body: &str) -> (String, String) {
    let text = format!("{HEAD}{body}");
    let e = check_overlay(Path::new("overlay.yaml"), &text).unwrap_err();
    assert_eq!(e.file, Path::new("overlay.yaml"));
    (e.pointer, e.message)
}

#[test]
fn the_real_overlay_is_accepted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join(ice_codegen::configs::OVERLAY)).unwrap();
    check_overlay(Path::new("x"), &text).unwrap();
}

#[test]
fn unknown_type_in_a_field() {
    let (p, m) = error(
        "types:\n  - name: A\n    kind: struct\n    fields:\n      - {wire: X, rust: x, type: string}\n      - {wire: Y, rust: y, type: list<Missing>}\n",
    );
    assert_eq!(p, "/types/0/fields/1/type");
    assert_eq!(m, "unknown type \"Missing\": declare it under /types");
}

#[test]
fn misspelled_key_is_rejected_where_it_is() {
    let (p, m) = error(
        "types:\n  - name: A\n    kind: struct\n    fields:\n      - {wire: X, rust: x, type: string, requird: true}\n",
    );
    assert_eq!(p, "/types/0/fields/0/requird");
    assert!(m.starts_with("unknown field `requird`"), "{m}");
}

#[test]
fn limit_that_does_not_fit_the_type() {
    let (p, m) = error(
        "types:\n  - name: A\n    kind: struct\n    fields:\n      - {wire: X, rust: x, type: string, limits: {max_items: 3}}\n",
    );
    assert_eq!(p, "/types/0/fields/0/limits/max_items");
    assert_eq!(m, "`max_items` does not apply to type string");
}

#[test]
fn wrong_value_type_names_its_pointer() {
    let (p, _) = error("types:\n  - name: A\n    kind: struct\n    max_json_bytes: lots\n");
    assert_eq!(p, "/types/0/max_json_bytes");
}

#[test]
fn bad_rust_names_and_duplicates() {
    let (p, m) = error("types:\n  - name: a_b\n    kind: struct\n");
    assert_eq!(
        (p.as_str(), m.as_str()),
        (
            "/types/0/name",
            "\"a_b\" is not an UpperCamelCase Rust name"
        )
    );
    let (p, _) = error(
        "types:\n  - name: A\n    kind: struct\n    fields:\n      - {wire: X, rust: type, type: string}\n",
    );
    assert_eq!(p, "/types/0/fields/0/rust");
    let (p, m) = error(
        "types:\n  - name: A\n    kind: struct\n    fields:\n      - {wire: X, rust: x, type: string}\n      - {wire: X, rust: y, type: string}\n",
    );
    assert_eq!(p, "/types/0/fields/1/wire");
    assert!(m.contains("used twice"));
}

#[test]
fn operation_references_are_checked() {
    let (p, m) = error(
        "types:\n  - name: R\n    kind: struct\n    response: true\noperations:\n  - name: Op\n    method: PUT\n    response: R\n    fields: []\n",
    );
    assert_eq!(
        (p.as_str(), m.as_str()),
        ("/operations/0/method", "\"PUT\", expected GET or POST")
    );
    let (p, _) = error(
        "types:\n  - name: R\n    kind: struct\noperations:\n  - name: Op\n    method: POST\n    response: R\n    fields: []\n",
    );
    assert_eq!(p, "/operations/0/response");
    let (p, m) = error(
        "types:\n  - name: R\n    kind: struct\n    response: true\noperations:\n  - name: Op\n    method: POST\n    response: R\n    fields:\n      - {rust: x, wire: X, type: string}\n",
    );
    assert_eq!(p, "/operations/0/fields/0/location");
    assert!(m.contains("query | form"));
}

#[test]
fn json_string_only_in_responses() {
    let (p, m) = error(
        "types:\n  - name: A\n    kind: struct\n    fields:\n      - {wire: X, rust: x, type: json_string<json>}\n",
    );
    assert_eq!(p, "/types/0/fields/0/type");
    assert_eq!(m, "json_string<…> is only allowed in response types");
}

#[test]
fn invalid_yaml_is_reported_for_the_whole_file() {
    let e = check_overlay(Path::new("o.yaml"), "types: [").unwrap_err();
    assert_eq!(e.pointer, "");
    assert!(e.message.starts_with("not valid YAML"), "{}", e.message);
}
