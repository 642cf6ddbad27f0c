//! `cargo xtask codegen | import | diff | schema` (see [`USAGE`]).
//!
//! Works on the checkout that contains the current directory (found at run time, see
//! [`workspace`]); `diff` and `import --out` work anywhere. Problems print as
//! `file#pointer: message` lines, all of them, then a count; the exit status is then 1 (2 for a
//! usage error).

mod args;
mod workspace;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::Args;
use ice_codegen::emit::rust::{degradation, Capabilities, GENERATED_DIR};
use ice_codegen::import::{import_file, prepare_file, ImportOptions, Prepared};
use ice_codegen::pipeline::{self, SPEC_PATH};
use ice_codegen::resolve::Options;
use ice_codegen::spec::{read_spec, Limits, DEFAULT_MAX_BYTES};
use ice_codegen::{diff, CodegenError, CodegenErrors, Diagnostics, GeneratedFile};

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--prune-missing]
                                      regenerate ice-api (--check: fail if it is stale;
                                      --prune-missing: drop, with a warning, overlay entries
                                      naming operations the spec no longer has)
  cargo xtask import <api-docs.json> [--out DIR] [--allow-missing-responses] [--max-spec-bytes N]
                                      validate + normalise a spec into specs/ (or DIR), then
                                      summarise what changed against the spec it replaces
  cargo xtask diff <old.json> <new.json> [--json] [--max-spec-bytes N]
                                      what changed between two api-docs files, each change
                                      classified wire-breaking, API-breaking or additive
  cargo xtask schema [--out DIR] [--prune-missing]
                                      export JSON Schema (default target/schema;
                                      --prune-missing as for codegen)";

enum Failure {
    Usage(String),
    Problems(CodegenErrors),
}

impl<E: Into<CodegenErrors>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Problems(e.into())
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = run(&argv);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("{m}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Problems(e)) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The checkout around the current directory (`diff`, and `import --out`, need none).
fn root() -> Result<PathBuf, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Usage(format!("cannot read the current directory: {e}")))?;
    workspace::find_root(&cwd).map_err(Failure::Usage)
}

fn run(argv: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = argv.split_first() else {
        return Err(Failure::Usage("no command given".into()));
    };
    match command.as_str() {
        "codegen" => codegen(
            &root()?,
            &Args::parse(rest, 0, &["--check", "--prune-missing"], &[])?,
        ),
        "import" => import(&Args::parse(
            rest,
            1,
            &["--allow-missing-responses"],
            &["--out", "--max-spec-bytes"],
        )?),
        "diff" => diff_command(&Args::parse(rest, 2, &["--json"], &["--max-spec-bytes"])?),
        "schema" => schema(
            &root()?,
            &Args::parse(rest, 0, &["--prune-missing"], &["--out"])?,
        ),
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    }
}

fn limits(args: &Args) -> Result<Limits, Failure> {
    match args.value("--max-spec-bytes") {
        None => Ok(Limits::default()),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(|max_bytes| Limits { max_bytes })
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "--max-spec-bytes needs a positive number of bytes (default {DEFAULT_MAX_BYTES}), got `{v}`"
                ))
            }),
    }
}

fn write_file(path: &Path, contents: &str) -> Result<(), CodegenError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CodegenError::new(dir, "", format!("cannot create directory: {e}")))?;
    }
    std::fs::write(path, contents)
        .map_err(|e| CodegenError::new(path, "", format!("cannot write file: {e}")))
}

fn codegen(root: &Path, args: &Args) -> Result<(), Failure> {
    let check = args.flag("--check");
    let options = Options {
        prune_missing: args.flag("--prune-missing"),
    };
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
    // What this regeneration takes away that the committed code had (no silent degradation).
    let (mut before, mut after) = (Capabilities::default(), Capabilities::default());
    for f in files.iter().filter(|f| f.path.starts_with(GENERATED_DIR)) {
        before.scan(&std::fs::read_to_string(root.join(&f.path)).unwrap_or_default());
        after.scan(&f.contents);
    }
    for p in &orphans {
        before.scan(&std::fs::read_to_string(p).unwrap_or_default());
    }
    for w in degradation(&before, &after) {
        eprintln!("warning: {w}");
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

fn print_notes(file: &Path, prepared: &Prepared) {
    for note in prepared.notes() {
        eprintln!("{}: {note}", file.display());
    }
}

fn import(args: &Args) -> Result<(), Failure> {
    let src = PathBuf::from(&args.positional[0]);
    let options = ImportOptions {
        allow_missing_responses: args.flag("--allow-missing-responses"),
        limits: limits(args)?,
    };
    let imported = import_file(&src, &options)?;
    print_notes(&src, &imported.prepared);
    let dest = match args.value("--out") {
        Some(dir) => Path::new(dir).join("api-docs.json"),
        None => root()?.join(SPEC_PATH),
    };
    // What the import changes for the crate: the replaced file as it is (not re-normalised, so
    // parameters dropped now count as removed), against the new one.
    let against = if dest.is_file() {
        match read_spec(&dest) {
            Ok(old) => {
                let d = diff::diff(&old, &imported.prepared.spec);
                format!("changes against the replaced spec: {}", d.summary())
            }
            Err(e) => format!(
                "the replaced spec does not load ({} problems), so no change summary",
                e.len()
            ),
        }
    } else {
        "no spec to replace".to_owned()
    };
    write_file(&dest, &imported.text)?;
    let spec = &imported.prepared.spec;
    println!(
        "import: {} operations, {} components -> {}\nimport: {against}",
        spec.apis.len(),
        spec.components.len(),
        dest.display()
    );
    Ok(())
}

fn diff_command(args: &Args) -> Result<(), Failure> {
    let options = ImportOptions {
        allow_missing_responses: true,
        limits: limits(args)?,
    };
    let [old, new] = [&args.positional[0], &args.positional[1]].map(PathBuf::from);
    // Both sides' problems in one report.
    let mut diag = Diagnostics::new();
    let a = diag.take(prepare_file(&old, &options));
    let b = diag.take(prepare_file(&new, &options));
    let (a, b) = diag
        .finish(a.zip(b))?
        .ok_or_else(|| CodegenError::new(&old, "", "not loaded"))?;
    print_notes(&old, &a);
    print_notes(&new, &b);
    let d = diff::diff(&a.spec, &b.spec);
    if args.flag("--json") {
        let mut v = d.to_json();
        v["old"] = old.display().to_string().into();
        v["new"] = new.display().to_string().into();
        println!("{v:#}");
    } else {
        print!("{}", d.to_text());
    }
    Ok(())
}

fn schema(root: &Path, args: &Args) -> Result<(), Failure> {
    let dir = args
        .value("--out")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/schema"));
    let options = Options {
        prune_missing: args.flag("--prune-missing"),
    };
    let (files, warnings) = pipeline::schemas(root, options)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    for f in &files {
        write_file(&dir.join(&f.path), &f.contents)?;
    }
    println!("schema: {} files -> {}", files.len(), dir.display());
    Ok(())
}
