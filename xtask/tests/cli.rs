//! The built `xtask` binary, run as a maintainer runs it:
//! - `diff` of the committed spec against both published api-docs copies (`../shared/` beside the
//!   workspace, or `$ICE_SHARED_DIR`; skipped with a reason when absent) prints counts that match
//!   an independent count made here by walking the raw JSON, and flags `ListLiveRecordFiles.JobIds`
//!   as wire-breaking;
//! - `import` refuses the stripped copy for its missing responses unless told to accept it;
//! - the checkout is the one around the current directory, not the one the binary was built in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Map, Value};

const SPEC: &str = "specs/ice/2020-11-09/api-docs.json";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn published(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("ICE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"))
        .join("ice-api-docs-published");
    let file = dir.join(name);
    if file.is_file() {
        Some(file)
    } else {
        eprintln!("skipped: {} is absent", file.display());
        None
    }
}

const FULL_2024: &str = "ice-2020-11-09.api-docs.2024-06-24.full-zh.json";
const STRIPPED_2025: &str = "ice-2020-11-09.api-docs.2025-12-03.stripped.json";

fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("xtask runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

// ---- an independent count of the changes, from the raw JSON ----

/// The signature/protocol parameters the official SDKs' RPC request builder sets, plus the
/// misspelling `SignatureMehtod` found in the published files.
const PROTOCOL: [&str; 13] = [
    "Action",
    "Format",
    "Version",
    "Timestamp",
    "SignatureNonce",
    "SecurityToken",
    "SignatureMethod",
    "SignatureVersion",
    "AccessKeyId",
    "Signature",
    "BearerToken",
    "SignatureType",
    "SignatureMehtod",
];

#[derive(Default)]
struct Count {
    by_kind: BTreeMap<String, u64>,
    /// wire-breaking, API-breaking, additive.
    class: [u64; 3],
}

const WIRE: usize = 0;
const API: usize = 1;
const ADD: usize = 2;

impl Count {
    fn add(&mut self, key: &str, class: usize) {
        *self.by_kind.entry(key.to_owned()).or_default() += 1;
        self.class[class] += 1;
    }
}

struct Doc(Value);

impl Doc {
    fn load(path: &Path) -> Doc {
        let mut v: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON");
        for op in v["apis"].as_object_mut().expect("apis").values_mut() {
            if let Some(params) = op["parameters"].as_array_mut() {
                params.retain(|p| !PROTOCOL.contains(&p["name"].as_str().unwrap_or("")));
            }
        }
        Doc(v)
    }

    fn components(&self) -> Map<String, Value> {
        self.0["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    fn ref_name(s: &Value) -> Option<&str> {
        s["$ref"].as_str()?.strip_prefix("#/components/schemas/")
    }

    fn deref<'a>(&'a self, mut s: &'a Value) -> &'a Value {
        let comps = &self.0["components"]["schemas"];
        while let Some(next) = Doc::ref_name(s).and_then(|n| comps.get(n)) {
            s = next;
        }
        s
    }
}

fn kind(s: &Value) -> String {
    match s["type"].as_str().unwrap_or("?") {
        "object" if s["properties"].as_object().is_some_and(|p| !p.is_empty()) => "object".into(),
        "object" if s["additionalProperties"].is_object() => "map".into(),
        "object" => "free-form object".into(),
        t => t.into(),
    }
}

fn is_true(v: &Value) -> bool {
    v == &Value::Bool(true) || v.as_str() == Some("true")
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if !s.trim().is_empty() => s.trim().parse().ok(),
        _ => None,
    }
}

fn enum_set(s: &Value) -> Vec<String> {
    let mut out: Vec<String> = s["enum"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.dedup();
    out
}

struct Walk<'a> {
    old: &'a Doc,
    new: &'a Doc,
    count: Count,
}

impl Walk<'_> {
    /// Compares schemas `a`/`b` in `place` (request, response, component); `field`: a parameter
    /// or an object property (where `required` means something).
    fn schema(&mut self, place: &str, a: &Value, b: &Value, field: bool) {
        let checked = place != "response";
        if checked && field && is_true(&a["required"]) != is_true(&b["required"]) {
            self.count.add(&format!("{place}.required"), API);
        }
        match (Doc::ref_name(a), Doc::ref_name(b)) {
            (Some(x), Some(y)) if x == y => return,
            (Some(_), Some(_)) => panic!("the published files never rename a component"),
            _ => {}
        }
        let (a, b) = (self.old.deref(a), self.new.deref(b));
        if kind(a) != kind(b) {
            self.count.add(&format!("{place}.type"), API);
            return;
        }
        if checked {
            let (x, y) = (enum_set(a), enum_set(b));
            if x != y {
                let narrower = !y.is_empty() && (x.is_empty() || x.iter().any(|v| !y.contains(v)));
                self.count
                    .add(&format!("{place}.enum"), if narrower { API } else { ADD });
            }
            for (key, lower) in [
                ("minLength", true),
                ("maxLength", false),
                ("minimum", true),
                ("maximum", false),
                ("minItems", true),
                ("maxItems", false),
            ] {
                let vacuous = |v: Option<f64>| {
                    v.filter(|x| !((key == "minLength" || key == "minItems") && *x == 0.0))
                };
                let (x, y) = (vacuous(num(&a[key])), vacuous(num(&b[key])));
                if x != y {
                    let tighter = match (x, y) {
                        (_, None) => false,
                        (None, Some(_)) => true,
                        (Some(x), Some(y)) => (lower && y > x) || (!lower && y < x),
                    };
                    self.count
                        .add(&format!("{place}.limit"), if tighter { API } else { ADD });
                }
            }
            let pat = |s: &Value| {
                s["pattern"]
                    .as_str()
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
            };
            if pat(a) != pat(b) {
                self.count.add(&format!("{place}.limit"), ADD);
            }
        }
        match kind(a).as_str() {
            "array" => self.schema(place, &a["items"], &b["items"], false),
            "object" | "map" => {
                if a["additionalProperties"].is_object() && b["additionalProperties"].is_object() {
                    self.schema(
                        place,
                        &a["additionalProperties"],
                        &b["additionalProperties"],
                        false,
                    );
                }
                let empty = Map::new();
                let pa = a["properties"].as_object().unwrap_or(&empty);
                let pb = b["properties"].as_object().unwrap_or(&empty);
                for (name, x) in pa {
                    match pb.get(name) {
                        Some(y) => self.schema(place, x, y, true),
                        None => self.count.add(&format!("{place}.field_removed"), API),
                    }
                }
                for (name, y) in pb {
                    if !pa.contains_key(name) {
                        let required = checked && is_true(&y["required"]);
                        self.count.add(
                            &format!("{place}.field_added"),
                            if required { API } else { ADD },
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn style(doc: &Doc, p: &Value) -> String {
        match p["style"].as_str() {
            Some(s) => s.to_owned(),
            None => match kind(doc.deref(&p["schema"])).as_str() {
                "array" | "object" | "map" | "free-form object" => "flat".into(),
                "any" => "unspecified".into(),
                _ => "none".into(),
            },
        }
    }

    fn response(op: &Value) -> Option<&Value> {
        let mut statuses: Vec<(&String, &Value)> = op["responses"].as_object()?.iter().collect();
        statuses.sort_by_key(|(k, _)| k.as_str());
        statuses
            .into_iter()
            .filter(|(k, _)| k.starts_with('2'))
            .map(|(_, r)| &r["schema"])
            .find(|s| s.is_object())
    }
}

fn independent_count(old: &Doc, new: &Doc) -> Count {
    let mut w = Walk {
        old,
        new,
        count: Count::default(),
    };
    let (oa, na) = (
        old.0["apis"].as_object().expect("apis"),
        new.0["apis"].as_object().expect("apis"),
    );
    for (name, a) in oa {
        let Some(b) = na.get(name) else {
            w.count.add("operation.operation_removed", API);
            continue;
        };
        let empty = Vec::new();
        let pa = a["parameters"].as_array().unwrap_or(&empty);
        let pb = b["parameters"].as_array().unwrap_or(&empty);
        let find = |ps: &[Value], n: &Value| ps.iter().find(|p| p["name"] == *n).cloned();
        for p in pa {
            let Some(q) = find(pb, &p["name"]) else {
                w.count.add("request.parameter_removed", API);
                continue;
            };
            if p["in"] != q["in"] {
                w.count.add("request.location", WIRE);
            }
            if Walk::style(old, p) != Walk::style(new, &q) {
                w.count.add("request.style", WIRE);
            }
            w.schema("request", &p["schema"], &q["schema"], true);
        }
        for q in pb {
            if find(pa, &q["name"]).is_none() {
                let required = is_true(&q["schema"]["required"]);
                w.count
                    .add("request.parameter_added", if required { API } else { ADD });
            }
        }
        match (Walk::response(a), Walk::response(b)) {
            (Some(x), Some(y)) => w.schema("response", x, y, false),
            (Some(_), None) => w.count.add("response.response_removed", API),
            (None, Some(_)) => w.count.add("response.response_added", ADD),
            (None, None) => {}
        }
    }
    for name in na.keys() {
        if !oa.contains_key(name) {
            w.count.add("operation.operation_added", ADD);
        }
    }
    let (oc, nc) = (old.components(), new.components());
    for (name, a) in &oc {
        match nc.get(name) {
            Some(b) => w.schema("component", a, b, false),
            None => w.count.add("component.component_removed", API),
        }
    }
    for name in nc.keys() {
        if !oc.contains_key(name) {
            w.count.add("component.component_added", ADD);
        }
    }
    w.count
}

#[test]
fn diff_counts_for_both_published_files_match_an_independent_count() {
    let committed = root().join(SPEC);
    for name in [FULL_2024, STRIPPED_2025] {
        let Some(file) = published(name) else { return };
        let out = xtask(
            &root(),
            &["diff", SPEC, file.to_str().expect("UTF-8 path"), "--json"],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
        let counts = &json["counts"];
        let printed: BTreeMap<String, u64> = counts["by_kind"]
            .as_object()
            .expect("by_kind")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().expect("a count")))
            .collect();
        let expected = independent_count(&Doc::load(&committed), &Doc::load(&file));
        assert_eq!(printed, expected.by_kind, "{name}");
        let classes = ["wire_breaking", "api_breaking", "additive"].map(|k| counts[k].as_u64());
        assert_eq!(classes, expected.class.map(Some), "{name}");
        // The human form ends with the same summary line.
        let human = xtask(&root(), &["diff", SPEC, file.to_str().expect("UTF-8 path")]);
        assert!(human.status.success());
        let human = text(&human.stdout);
        assert_eq!(human.lines().last(), json["summary"].as_str(), "{name}");
        eprintln!("{name}: {}", json["summary"].as_str().unwrap_or(""));
    }
}

#[test]
fn diff_against_the_2024_copy_lists_removed_operations_and_the_job_ids_style_change() {
    let Some(file) = published(FULL_2024) else {
        return;
    };
    let out = xtask(&root(), &["diff", SPEC, file.to_str().expect("UTF-8 path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let human = text(&out.stdout);
    let old = Doc::load(&root().join(SPEC));
    let new = Doc::load(&file);
    let removed: Vec<&String> = old.0["apis"]
        .as_object()
        .expect("apis")
        .keys()
        .filter(|k| new.0["apis"].get(k.as_str()).is_none())
        .collect();
    assert!(!removed.is_empty());
    for op in &removed {
        assert!(
            human.contains(&format!("\n  {op}: operation removed\n")),
            "{op} not listed as removed"
        );
    }
    assert!(
        human.starts_with(
            "wire-breaking (1):\n  ListLiveRecordFiles JobIds: style repeatList -> flat\n"
        ),
        "{}",
        human.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    // The dropped signature parameters are mentioned, on stderr.
    assert!(text(&out.stderr).contains(
        "GetBatchMediaProducingJob: SignatureNonce, SignatureVersion, SignatureMehtod, Signature, SignatureType"
    ));
}

#[test]
fn import_refuses_the_stripped_copy_unless_missing_responses_are_allowed() {
    let Some(file) = published(STRIPPED_2025) else {
        return;
    };
    let out_dir = tempfile::tempdir().expect("temp dir");
    let file = file.to_str().expect("UTF-8 path");
    let out = out_dir.path().to_str().expect("UTF-8 path");
    let refused = xtask(&root(), &["import", file, "--out", out]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains(
            "#/apis: the file has no responses: none of its 372 operations has a response schema"
        ),
        "{stderr}"
    );
    assert!(stderr.ends_with("1 problem\n"), "{stderr}");
    assert!(!out_dir.path().join("api-docs.json").exists());

    let accepted = xtask(
        &root(),
        &["import", file, "--out", out, "--allow-missing-responses"],
    );
    assert!(accepted.status.success(), "{}", text(&accepted.stderr));
    assert!(
        text(&accepted.stderr).contains("WARNING: 372 of 372 operations have no response schema")
    );
    assert!(out_dir.path().join("api-docs.json").is_file());
}

#[test]
fn the_workspace_is_the_one_around_the_current_directory() {
    // A minimal checkout elsewhere: a workspace manifest and a nested directory to run from.
    let copy = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        copy.path().join("Cargo.toml"),
        "[workspace]\nmembers = []\n",
    )
    .unwrap();
    let nested = copy.path().join("some/sub/dir");
    std::fs::create_dir_all(&nested).unwrap();
    let original = root().join(SPEC);
    let before = std::fs::metadata(&original)
        .and_then(|m| m.modified())
        .unwrap();

    let out = xtask(&nested, &["import", original.to_str().expect("UTF-8 path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = copy.path().join(SPEC);
    assert_eq!(
        std::fs::read(&written).expect("written into the copy"),
        std::fs::read(&original).unwrap(),
        "a normalised spec re-imports byte-identically"
    );
    assert!(text(&out.stdout).contains(&written.display().to_string()));
    let after = std::fs::metadata(&original)
        .and_then(|m| m.modified())
        .unwrap();
    assert_eq!(before, after, "the original checkout is untouched");

    // Outside any workspace: commands that need one say so; `diff` needs none.
    let nowhere = tempfile::tempdir().expect("temp dir");
    let out = xtask(nowhere.path(), &["schema"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("no Cargo workspace found"),
        "{}",
        text(&out.stderr)
    );
    let spec = original.to_str().expect("UTF-8 path");
    let out = xtask(nowhere.path(), &["diff", spec, spec]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn bad_arguments_are_usage_errors() {
    for args in [
        &["diff", SPEC][..],
        &["diff", SPEC, SPEC, "--jsn"],
        &["import", SPEC, "--max-spec-bytes", "lots"],
        &["codegen", "--fix"],
        &["frobnicate"],
    ] {
        let out = xtask(&root(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("usage:"), "{args:?}");
    }
}

#[test]
fn both_sides_problems_are_reported_together() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    std::fs::write(&old, "{\"info\": 1, \"info\": 2}").unwrap();
    std::fs::write(&new, "{}").unwrap();
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = xtask(&root(), &["diff", old, new, "--max-spec-bytes", "1000"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{new}#: missing `apis`"),
            format!("{new}#: missing `info`"),
            format!("{old}#: missing `apis`"),
            format!("{old}#/info: duplicate key `info` in this object; each key may appear once (JSON parsers disagree on which copy wins)"),
            format!("{old}#/info: expected an object, found a number"),
            "5 problems".to_owned(),
        ]
    );
}
