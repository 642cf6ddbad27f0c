//! Property test: the loader and resolver never panic on mutated versions of the real spec
//! (keys deleted, values replaced by other JSON types, arrays/strings truncated, text cut short,
//! keys duplicated); they either succeed or report problems whose pointers exist in the document.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ice_codegen::overlay::Overlay;
use ice_codegen::resolve::{resolve, Options};
use ice_codegen::spec::{load_spec, load_value};
use proptest::prelude::*;
use serde_json::{json, Value};

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs/ice/2020-11-09/api-docs.json")
}

fn spec_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| std::fs::read_to_string(spec_path()).expect("spec readable"))
}

fn spec_value() -> &'static Value {
    static VALUE: OnceLock<Value> = OnceLock::new();
    VALUE.get_or_init(|| serde_json::from_str(spec_text()).expect("spec is JSON"))
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete,
    Replace(u8),
    Truncate(usize),
}

fn escape(t: &str) -> String {
    t.replace('~', "~0").replace('/', "~1")
}

/// Walks `choices` down from the root (immutably) and returns the pointer reached.
fn pick(v: &Value, choices: &[usize]) -> String {
    let mut node = v;
    let mut ptr = String::new();
    for &c in choices {
        match node {
            Value::Object(map) if !map.is_empty() => {
                let (k, next) = map.iter().nth(c % map.len()).expect("non-empty");
                ptr.push('/');
                ptr.push_str(&escape(k));
                node = next;
            }
            Value::Array(items) if !items.is_empty() => {
                let i = c % items.len();
                ptr.push_str(&format!("/{i}"));
                node = &items[i];
            }
            _ => break,
        }
    }
    ptr
}

fn mutate(v: &mut Value, choices: &[usize], m: &Mutation) {
    let ptr = pick(v, choices);
    if let Mutation::Delete = m {
        if let Some((parent, last)) = ptr.rsplit_once('/') {
            let key = last.replace("~1", "/").replace("~0", "~");
            match v.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
        return;
    }
    let Some(node) = v.pointer_mut(&ptr) else {
        return;
    };
    match m {
        Mutation::Delete => {}
        Mutation::Replace(k) => {
            *node = match k % 7 {
                0 => Value::Null,
                1 => json!(true),
                2 => json!(-3.5),
                3 => json!("surprise"),
                4 => json!([]),
                5 => json!({}),
                _ => json!({"type": "object", "$ref": "#/components/schemas/Nope"}),
            }
        }
        Mutation::Truncate(n) => match node {
            Value::Array(a) => a.truncate(*n),
            Value::String(s) => {
                let cut = s.char_indices().nth(*n).map(|(i, _)| i).unwrap_or(s.len());
                s.truncate(cut);
            }
            Value::Object(o) => {
                let keep: Vec<String> = o.keys().take(*n).cloned().collect();
                o.retain(|k, _| keep.contains(k));
            }
            other => *other = Value::Null,
        },
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Delete),
        any::<u8>().prop_map(Mutation::Replace),
        (0usize..3).prop_map(Mutation::Truncate),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_never_panic(
        edits in prop::collection::vec((prop::collection::vec(any::<usize>(), 1..9), mutation()), 1..4)
    ) {
        let mut v = spec_value().clone();
        for (path, m) in &edits {
            mutate(&mut v, path, m);
        }
        let file = Path::new("api-docs.json");
        let result = load_value(file, &v)
            .and_then(|spec| resolve(&spec, &Overlay::default(), Options::default()));
        match result.map(|r| r.api) {
            Ok(api) => prop_assert!(api.operations.len() <= spec_value()["apis"].as_object().map_or(0, |m| m.len())),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in errors.errors() {
                    prop_assert!(!e.message.is_empty());
                    // The pointer names a real location (or the parent of a deleted/absent key).
                    let p = e.pointer.as_str();
                    let parent = p.rsplit_once('/').map(|(a, _)| a).unwrap_or("");
                    prop_assert!(v.pointer(p).is_some() || v.pointer(parent).is_some(), "{e}");
                }
            }
        }
    }

    #[test]
    fn truncated_text_never_panics(cut in 0usize..2_000_000) {
        let text = spec_text();
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let r = load_spec(Path::new("api-docs.json"), &text[..cut]);
        if cut < text.len() {
            prop_assert!(r.is_err());
        }
    }

    /// Repeating an object member (`{"k": v, …}` → `{"k": v, "k": v, …}`) anywhere is reported at
    /// the repeated key's pointer, and nothing panics.
    #[test]
    fn duplicated_keys_are_reported_where_they_are(choices in prop::collection::vec(any::<usize>(), 1..9)) {
        const MARKER: &str = "__doubled_member_goes_here__";
        let v = spec_value();
        let ptr = pick(v, &choices);
        let Some((parent, last)) = ptr.rsplit_once('/') else { return Ok(()) };
        let (Some(Value::Object(_)), Some(member)) = (v.pointer(parent), v.pointer(&ptr)) else {
            return Ok(());
        };
        let key = last.replace("~1", "/").replace("~0", "~");
        let parent_text = v.pointer(parent).map(Value::to_string).unwrap_or_default();
        let doubled = format!("{{{}: {member},{}", Value::String(key.clone()), &parent_text[1..]);
        let mut whole = v.clone();
        if let Some(slot) = whole.pointer_mut(parent) {
            *slot = Value::String(MARKER.into());
        }
        let text = whole.to_string().replacen(&format!("\"{MARKER}\""), &doubled, 1);
        let errors = load_spec(Path::new("api-docs.json"), &text).expect_err("a duplicate is a problem");
        prop_assert!(
            errors.errors().iter().any(|e| e.pointer == ptr && e.message.starts_with(&format!("duplicate key `{key}`"))),
            "{ptr}: {errors}"
        );
    }
}
