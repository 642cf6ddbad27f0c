// Check 3: TypeScript declarations generated with json-schema-to-typescript from every exported
// schema, compiled with `tsc --strict --noEmit` together with the documents a TS caller would type.
//
// usage: node check_types.mjs <schema-dir> <cases.json from check_jsonschema.py> <work-dir> <node-dir>
//   (<node-dir> holds the node_modules installed from package-lock.json)
//
// - every document index.json lists compiles to a .d.ts exporting a type named after its title;
// - <work-dir>/fixtures.ts assigns, as inlined object literals, every good fixture to its
//   `types/<Type>` type, every response fixture to `<Action>Response`, every request built with
//   the official SDK to `<Action>Request`, and every valid JSON-string value (decoded) to the type
//   its contentSchema names; it compiles with the committed check.ts (values the types must refuse,
//   as `// @ts-expect-error`) and all the .d.ts files;
// - known-bad fixtures are compiled separately and reported (refused or not).
// An error in fixtures.ts is reported as the fixture file and the JSON pointer of the line.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const fixturesDir = path.join(repo, "ice-api/tests/fixtures/jobs");
const [schemaDir, casesFile, work, nodeDir] = process.argv.slice(2).map((a) => a && path.resolve(a));
if (!nodeDir) {
  console.error("usage: node check_types.mjs <schema-dir> <cases.json> <work-dir> <node-dir>");
  process.exit(2);
}
// The packages live in a throw-away directory, not beside this script.
const { compile } = createRequire(path.join(nodeDir, "package.json"))("json-schema-to-typescript");

let passed = 0;
const failed = [];
const fail = (where, msg) => {
  failed.push(`${where}: ${msg}`);
  console.error(`FAIL ${where}: ${msg}`);
};
const note = (msg) => console.log(`note: ${msg}`);
const rel = (p) => path.relative(repo, p);
const readJson = (p) => JSON.parse(fs.readFileSync(p, "utf8"));
const ptr = (parts) => parts.map((p) => "/" + String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("");

const index = readJson(path.join(schemaDir, "index.json"));
const files = [
  ...index.operations.flatMap((o) => [o.request, o.response]),
  ...index.types.map((t) => t.file),
];
const cases = readJson(casesFile);
const gen = path.join(work, "gen");
fs.rmSync(gen, { recursive: true, force: true }); // no declarations left from an earlier schema set
const module = (file) => `@ice-schema/${file.replace(/\.schema\.json$/, "")}`;

// 1. Declarations, one module per document. json2ts names a type after the schema's title or
// `$defs` key, made a safe identifier (`M3u8` becomes `M3U8`): `exported` maps file -> the lower-
// cased names to the exported ones, `titles` file -> the root type's name.
const titles = new Map();
const exported = new Map();
const renamed = [];
for (const file of files) {
  const src = path.join(schemaDir, file);
  try {
    const schema = readJson(src);
    const ts = await compile(schema, schema.title, {
      bannerComment: "",
      cwd: path.dirname(src),
      format: false,
      // `$defs` reached only through a contentSchema (the JSON-string documents) are declared too.
      unreachableDefinitions: true,
      $refOptions: { resolve: { external: false } },
    });
    const out = path.join(gen, file.replace(/\.schema\.json$/, ".d.ts"));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, ts);
    const names = new Map(
      [...ts.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => [m[1].toLowerCase(), m[1]]),
    );
    exported.set(file, names);
    const name = names.get(schema.title.toLowerCase());
    if (name) {
      titles.set(file, name);
      if (name !== schema.title) renamed.push(`${schema.title} -> ${name}`);
      passed++;
    } else fail(`${file}#/title`, `the declarations export no type ${schema.title}`);
  } catch (e) {
    fail(`${file}#`, `json2ts: ${String(e.message ?? e).slice(0, 500)}`);
  }
}

// 2. The documents, as object literals; `lines` maps each line to its source and JSON pointer.
class Source {
  constructor() {
    this.imports = new Map();
    this.body = [];
    this.lines = []; // [source, pointer] of each body line
    this.count = 0;
  }
  alias(file) {
    if (!this.imports.has(file)) this.imports.set(file, `M${this.imports.size}`);
    return this.imports.get(file);
  }
  add(source, file, type, value) {
    const name = `${this.alias(file)}.${type}`;
    const emit = (text, at) => {
      this.body.push(text);
      this.lines.push([source, at]);
    };
    emit(`// ${source}`, "");
    const lit = (v, parts, indent, prefix, suffix) => {
      const at = ptr(parts);
      const pad = "  ".repeat(indent);
      if (v !== null && typeof v === "object") {
        const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
        if (!entries.length) return emit(`${pad}${prefix}${Array.isArray(v) ? "[]" : "{}"}${suffix}`, at);
        emit(`${pad}${prefix}${Array.isArray(v) ? "[" : "{"}`, at);
        for (const [k, x] of entries) {
          lit(x, [...parts, k], indent + 1, Array.isArray(v) ? "" : `${JSON.stringify(k)}: `, ",");
        }
        emit(`${pad}${Array.isArray(v) ? "]" : "}"}${suffix}`, at);
      } else {
        emit(`${pad}${prefix}${JSON.stringify(v)}${suffix}`, at);
      }
    };
    lit(value, [], 0, `export const v${this.count++}: ${name} = `, ";");
  }
  write(file) {
    const head = [...this.imports].map(([f, a]) => `import type * as ${a} from "${module(f)}";`);
    fs.writeFileSync(file, [...head, ...this.body, ""].join("\n"));
    return head.length; // lines before the body
  }
}

const fixtures = (dir) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ type: f.split(".")[0], path: path.join(dir, f), value: readJson(path.join(dir, f)) }));
const typeFile = (type) => `types/${type}.schema.json`;
const good = new Source();
const counts = { fixtures: 0, responses: 0, requests: 0, contents: 0 };
for (const f of fixtures(fixturesDir)) {
  if (!titles.has(typeFile(f.type))) continue; // no exported schema: the jsonschema check notes it
  const file = typeFile(f.type);
  good.add(rel(f.path), file, titles.get(file), f.value);
  counts.fixtures++;
}
for (const f of fixtures(path.join(fixturesDir, "responses"))) {
  const op = index.operations.find((o) => o.action === f.type);
  if (!op || !titles.has(op.response)) {
    fail(rel(f.path), `no generated type of the ${f.type} response`);
    continue;
  }
  good.add(rel(f.path), op.response, titles.get(op.response), f.value);
  counts.responses++;
}
for (const r of cases.requests) {
  if (!titles.has(r.file)) continue; // its compile failure is already reported
  good.add(`request ${r.label}`, r.file, titles.get(r.file), r.params);
  counts.requests++;
}
for (const c of cases.contents) {
  if (c.errors.length || !c.def || !titles.has(c.file)) continue;
  const where = `${c.source}#${c.at} (decoded)`;
  const type = exported.get(c.file).get(c.def.toLowerCase());
  if (!type) {
    fail(where, `${c.file} declares no type for $defs/${c.def}`);
    continue;
  }
  good.add(where, c.file, type, JSON.parse(c.text));
  counts.contents++;
}
const bad = new Source();
const badFixtures = fixtures(path.join(fixturesDir, "bad")).filter((f) => titles.has(typeFile(f.type)));
for (const f of badFixtures) bad.add(rel(f.path), typeFile(f.type), titles.get(typeFile(f.type)), f.value);

// 3. Compile.
const tsc = path.join(nodeDir, "node_modules", ".bin", "tsc");
const tsconfig = (name, main) => {
  const file = path.join(work, name);
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "es2022",
      module: "preserve",
      moduleResolution: "bundler",
      resolveJsonModule: true,
      types: [],
      paths: { "@ice-schema/*": ["./gen/*"] },
    },
    files: main,
    include: ["gen/**/*.d.ts"],
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
};
// Diagnostics as [file, line, message] (continuation lines joined to their message).
const run = (config) => {
  const r = spawnSync(tsc, ["-p", config, "--strict", "--noEmit", "--pretty", "false"], {
    cwd: work,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  const out = [];
  for (const line of `${r.stdout}${r.stderr}`.split("\n")) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line);
    if (m) out.push([path.resolve(work, m[1]), Number(m[2]), m[4]]);
    else if (line.trim() && out.length) out[out.length - 1][2] += ` ${line.trim()}`;
    else if (line.trim()) out.push(["", 0, line.trim()]);
  }
  return { status: r.status, diagnostics: out };
};

const goodFile = path.join(work, "fixtures.ts");
const goodHead = good.write(goodFile);
const checkTs = path.join(here, "check.ts");
const main = run(tsconfig("tsconfig.json", [checkTs, "fixtures.ts"]));
const refusedGood = new Set();
for (const [file, line, msg] of main.diagnostics) {
  if (file === goodFile && line > goodHead) {
    const [source, at] = good.lines[line - goodHead - 1];
    refusedGood.add(source);
    fail(`${source}#${at}`, msg);
  } else {
    refusedGood.add(file);
    fail(file ? `${rel(file) || file}:${line}` : "tsc", msg);
  }
}
if (main.status !== 0 && !main.diagnostics.length) fail("tsc", `exited ${main.status} without diagnostics`);
passed += new Set(good.lines.map(([source]) => source).filter((s) => !refusedGood.has(s))).size;
if (!refusedGood.has(checkTs)) passed++;

const badFile = path.join(work, "bad.ts");
const badHead = bad.write(badFile);
const refused = new Map();
for (const [file, line, msg] of run(tsconfig("tsconfig.bad.json", ["bad.ts"])).diagnostics) {
  if (file === badFile && line > badHead) {
    const [source, at] = bad.lines[line - badHead - 1];
    if (!refused.has(source)) refused.set(source, `${at || "/"}: ${msg}`);
  } else fail(`${rel(file) || file}:${line}`, msg);
}
for (const f of badFixtures) {
  const why = refused.get(rel(f.path));
  note(
    `known-bad ${rel(f.path)}: ${why ? `refused (${why})` : "compiles: the rule it breaks is not in the type"}`,
  );
}

if (renamed.length) note(`json2ts renamed ${renamed.length} root types: ${renamed.join(", ")}`);
const version = (pkg) => readJson(path.join(nodeDir, "node_modules", pkg, "package.json")).version;
console.log(
  `json-schema-to-typescript ${version("json-schema-to-typescript")}, typescript ${version("typescript")}: ` +
    `${titles.size} of ${files.length} documents declared; compiled ${counts.fixtures} fixtures, ` +
    `${counts.responses} responses, ${counts.requests} requests, ${counts.contents} JSON-string values, check.ts`,
);
console.log(`json-schema-to-typescript: ${passed} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
