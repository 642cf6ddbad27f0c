//! `cargo xtask codegen [--check] | import <api-docs.json> [--out DIR] | schema [--out DIR]`.
//!
//! Errors print as `file#pointer: message` and exit with status 1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ice_codegen::emit::rust::GENERATED_DIR;
use ice_codegen::pipeline::{self, SPEC_PATH};
use ice_codegen::resolve::Options;
use ice_codegen::{CodegenError, CodegenErrors, GeneratedFile};
use serde_json::{Map, Value};

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--prune-missing]
                                             regenerate ice-api (--check: fail if it is stale;
                                             --prune-missing: drop overlay entries naming
                                             operations the spec no longer has, with a warning)
  cargo xtask import <api-docs.json> [--out DIR]  validate + normalize a spec into specs/ (or DIR)
  cargo xtask schema [--out DIR]             export JSON Schema (default target/schema)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(&root, &args[1..]),
        Some("import") => import(&root, &args[1..]),
        Some("schema") => schema(&root, &args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

fn usage_error(msg: &str) -> CodegenError {
    CodegenError::new("xtask", "", format!("{msg}\n{USAGE}"))
}

/// Parses `[--out DIR]` (+ one positional when `positional`), rejecting anything else.
fn parse_args(
    args: &[String],
    positional: bool,
) -> Result<(Option<String>, Option<PathBuf>), CodegenError> {
    let mut pos = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => match it.next() {
                Some(d) => out = Some(PathBuf::from(d)),
                None => return Err(usage_error("--out needs a directory")),
            },
            s if positional && pos.is_none() && !s.starts_with('-') => pos = Some(s.to_owned()),
            s => return Err(usage_error(&format!("unexpected argument `{s}`"))),
        }
    }
    Ok((pos, out))
}

fn write_file(path: &Path, contents: &str) -> Result<(), CodegenError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CodegenError::new(dir, "", format!("cannot create directory: {e}")))?;
    }
    std::fs::write(path, contents)
        .map_err(|e| CodegenError::new(path, "", format!("cannot write file: {e}")))
}

fn codegen(root: &Path, args: &[String]) -> Result<(), CodegenErrors> {
    let mut check = false;
    let mut options = Options::default();
    for a in args {
        match a.as_str() {
            "--check" => check = true,
            "--prune-missing" => options.prune_missing = true,
            other => return Err(usage_error(&format!("unexpected argument `{other}`")).into()),
        }
    }
    let (files, warnings): (Vec<GeneratedFile>, _) = pipeline::generate(root, options)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    // Files in the generated directory that codegen no longer produces (e.g. a removed group).
    let produced: Vec<PathBuf> = files.iter().map(|f| root.join(&f.path)).collect();
    let orphans: Vec<PathBuf> = std::fs::read_dir(root.join(GENERATED_DIR))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "rs") && !produced.contains(p))
                .collect()
        })
        .unwrap_or_default();
    if check {
        let mut stale: Vec<String> = orphans
            .iter()
            .map(|p| format!("{} (orphan)", p.display()))
            .collect();
        for f in &files {
            let current = std::fs::read_to_string(root.join(&f.path)).ok();
            if current.as_deref() != Some(f.contents.as_str()) {
                stale.push(f.path.display().to_string());
            }
        }
        if stale.is_empty() {
            println!("codegen: {} files up to date", files.len());
            return Ok(());
        }
        return Err(CodegenError::new(
            "xtask",
            "",
            format!(
                "generated files are stale; run `cargo xtask codegen`:\n  {}",
                stale.join("\n  ")
            ),
        )
        .into());
    }
    for p in &orphans {
        std::fs::remove_file(p)
            .map_err(|e| CodegenError::new(p, "", format!("cannot remove orphan file: {e}")))?;
    }
    let mut written = 0;
    for f in &files {
        let path = root.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(f.contents.as_str()) {
            continue;
        }
        write_file(&path, &f.contents)?;
        written += 1;
    }
    println!("codegen: {} files, {written} updated", files.len());
    Ok(())
}

/// Recursively sorts object keys so imports diff cleanly.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                if let Some(x) = m.get(k) {
                    out.insert(k.clone(), normalize(x));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

fn import(root: &Path, args: &[String]) -> Result<(), CodegenErrors> {
    let (src, out) = parse_args(args, true)?;
    let src = src.ok_or_else(|| usage_error("import needs the path of an api-docs.json"))?;
    let src = PathBuf::from(src);
    let text = std::fs::read_to_string(&src)
        .map_err(|e| CodegenError::new(&src, "", format!("cannot read file: {e}")))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| CodegenError::new(&src, "", format!("invalid JSON: {e}")))?;
    // Validate: load and resolve (without the overlay, which belongs to the target version).
    let spec = ice_codegen::spec::load_value(&src, &value)?;
    let api = ice_codegen::resolve::resolve(
        &spec,
        &ice_codegen::overlay::Overlay::default(),
        Options::default(),
    )?
    .api;
    let normalized = normalize(&value);
    let mut pretty = serde_json::to_string_pretty(&normalized)
        .map_err(|e| CodegenError::new(&src, "", format!("cannot serialize: {e}")))?;
    pretty.push('\n');
    let dest = match out {
        Some(dir) => dir.join("api-docs.json"),
        None => root.join(SPEC_PATH),
    };
    write_file(&dest, &pretty)?;
    println!(
        "import: {} operations, {} named types -> {}",
        api.operations.len(),
        api.types.len(),
        dest.display()
    );
    Ok(())
}

fn schema(root: &Path, args: &[String]) -> Result<(), CodegenErrors> {
    let (_, out) = parse_args(args, false)?;
    let dir = out.unwrap_or_else(|| root.join("target/schema"));
    let files = pipeline::schemas(root)?;
    for f in &files {
        write_file(&dir.join(&f.path), &f.contents)?;
    }
    println!("schema: {} files -> {}", files.len(), dir.display());
    Ok(())
}
