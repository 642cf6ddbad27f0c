"""What the Python checks share: the exported schema set (as `index.json` lists it), the fixture
set the Rust test `ice-codegen/tests/schema_export.rs` uses, request documents built with the
official Python SDK, and a walk that finds every JSON-string value with a `contentSchema`.

Every problem is a line `<file>#<JSON pointer>: <what was expected>`; nothing stops at the first.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "ice-api" / "tests" / "fixtures" / "jobs"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
# The seed operation (the quickstart's): the fixtures must build a request of each of its JobTypes.
SEED = "SubmitSceneMediaSelectionJob"
# A walk deeper than this is a `$ref` loop that consumes no instance.
MAX_DEPTH = 200


def pointer(parts: Any) -> str:
    """RFC 6901 pointer of a path (keys and indexes)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


class Problems:
    """Collects failures and counts passes for one tool; `finish` prints the closing line."""

    def __init__(self, tool: str) -> None:
        self.tool = tool
        self.passed = 0
        self.failed: list[str] = []
        self.notes: list[str] = []

    def ok(self) -> None:
        self.passed += 1

    def fail(self, where: str, message: str) -> None:
        if len(message) > 600:  # an exception may quote a whole document
            message = message[:600] + "…"
        self.failed.append(f"{where}: {message}")
        print(f"FAIL {where}: {message}", file=sys.stderr)

    def check(self, cond: bool, where: str, message: str) -> bool:
        if cond:
            self.ok()
        else:
            self.fail(where, message)
        return cond

    def note(self, message: str) -> None:
        self.notes.append(message)
        print(f"note: {message}")

    def finish(self) -> int:
        print(f"{self.tool}: {self.passed} passed, {len(self.failed)} failed")
        return 1 if self.failed else 0


@dataclass
class Fixture:
    """`<Type>.<label>.json`: a document of `Type` (an action name under `responses/`)."""

    type: str
    path: Path
    text: str
    value: Any

    @property
    def name(self) -> str:
        return rel(self.path)


def fixtures(directory: Path, problems: Problems) -> list[Fixture]:
    out = []
    for p in sorted(directory.glob("*.json")):
        text = p.read_text(encoding="utf-8")
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            problems.fail(f"{rel(p)}:{e.lineno}", f"not JSON: {e.msg}")
            continue
        out.append(Fixture(p.name.split(".")[0], p, text, value))
    return out


@dataclass
class Fixtures:
    good: list[Fixture]
    bad: list[Fixture]
    responses: list[Fixture]

    @staticmethod
    def load(problems: Problems) -> "Fixtures":
        f = Fixtures(
            fixtures(FIXTURES, problems),
            fixtures(FIXTURES / "bad", problems),
            fixtures(FIXTURES / "responses", problems),
        )
        # An empty set passes everything: refuse it (wrong checkout, moved directory).
        for kind, items in (("good", f.good), ("bad", f.bad), ("responses", f.responses)):
            problems.check(bool(items), rel(FIXTURES), f"no {kind} fixtures found")
        return f


@dataclass
class Doc:
    """One exported schema document."""

    file: str  # relative to the schema directory, as index.json names it
    schema: Any
    registry: Registry = field(repr=False, default_factory=Registry)
    _validators: dict[str, Draft202012Validator] = field(repr=False, default_factory=dict)

    @property
    def id(self) -> str:
        return self.schema.get("$id", "") if isinstance(self.schema, dict) else ""

    @property
    def title(self) -> str:
        return self.schema.get("title", "") if isinstance(self.schema, dict) else ""

    def at(self, ptr: str) -> Draft202012Validator:
        """Validator of the subschema at `ptr`, its `$ref`s resolved against this document."""
        v = self._validators.get(ptr)
        if v is None:
            v = Draft202012Validator(
                {"$ref": f"{self.id}#{quote(ptr, safe='/~')}"},
                registry=self.registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
            self._validators[ptr] = v
        return v

    def node(self, ptr: str) -> Any:
        cur = self.schema
        for tok in ptr.split("/")[1:]:
            tok = tok.replace("~1", "/").replace("~0", "~")
            cur = cur[int(tok)] if isinstance(cur, list) else cur[tok]
        return cur

    def where(self, ptr: str) -> str:
        return f"{self.file}#{ptr}"


@dataclass
class Schemas:
    directory: Path
    index: Any
    docs: dict[str, Doc]  # by file
    actions: list[str]

    @staticmethod
    def load(directory: Path, problems: Problems) -> "Schemas":
        """Reads `index.json` and every file it lists; a file on disk that it does not list, or a
        listed file that is missing or not JSON, is a failure."""
        index_path = directory / "index.json"
        index = json.loads(index_path.read_text(encoding="utf-8"))
        listed = [f for o in index["operations"] for f in (o["request"], o["response"])]
        listed += [t["file"] for t in index["types"]]
        on_disk = {
            str(p.relative_to(directory))
            for p in directory.rglob("*")
            if p.is_file() and p.name != "index.json"
        }
        for f in sorted(on_disk - set(listed)):
            problems.fail(f, "written but not listed in index.json")
        docs = {}
        for f in listed:
            p = directory / f
            if not p.is_file():
                problems.fail("index.json", f"lists {f}, which does not exist")
                continue
            try:
                schema = json.loads(p.read_text(encoding="utf-8"))
            except json.JSONDecodeError as e:
                problems.fail(f"{f}:{e.lineno}", f"not JSON: {e.msg}")
                continue
            doc = Doc(f, schema)
            if doc.id:
                doc.registry = Registry().with_resource(doc.id, Resource.from_contents(schema))
            docs[f] = doc
        problems.check(bool(docs), str(index_path), "lists no schema")
        return Schemas(directory, index, docs, [o["action"] for o in index["operations"]])

    def type_doc(self, name: str) -> Doc | None:
        return self.docs.get(f"types/{name}.schema.json")

    def op(self, action: str, side: str) -> Doc | None:
        for o in self.index["operations"]:
            if o["action"] == action:
                return self.docs.get(o[side])
        return None


@dataclass
class Content:
    """A JSON-string value found in an instance, with the schema its text must satisfy."""

    instance_ptr: str  # where the string sits in the instance
    schema_ptr: str  # the `contentSchema` in the document
    text: str

    def ref_name(self, doc: Doc) -> str | None:
        return content_def(doc.node(self.schema_ptr))


def content_def(content_schema: Any) -> str | None:
    """The `$defs` name a `contentSchema` designates (`$ref`, or the first `allOf` `$ref`)."""
    if not isinstance(content_schema, dict):
        return None
    ref = content_schema.get("$ref")
    if ref is None:
        for part in content_schema.get("allOf", []):
            if isinstance(part, dict) and "$ref" in part:
                ref = part["$ref"]
                break
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return ref.removeprefix("#/$defs/")
    return None


def contents(doc: Doc, instance: Any, on_error: Callable[[str, str], None]) -> Iterator[Content]:
    """Every JSON-string value of `instance` whose subschema (as it applies: `$ref`, `allOf`, the
    `anyOf`/`oneOf` branches it matches, `properties`, `additionalProperties`, `items`) carries
    `contentMediaType: application/json` and a `contentSchema`, recursively into the decoded
    documents. Validators treat `contentSchema` as an annotation; this is how a consumer applies
    it. `on_error(instance_ptr, message)` gets what the walk cannot follow."""
    stack: list[tuple[str, Any, Any, str, int]] = [("", doc.schema, instance, "", 0)]
    while stack:
        ptr, node, inst, iptr, depth = stack.pop()
        if not isinstance(node, dict):
            continue
        if depth > MAX_DEPTH:
            on_error(iptr, f"schema walk deeper than {MAX_DEPTH} at {doc.where(ptr)}")
            continue
        d = depth + 1
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref.startswith("#"):
                target = ref[1:]
                stack.append((target, doc.node(target), inst, iptr, d))
            else:
                on_error(iptr, f"{doc.where(ptr)}: non-local $ref {ref} is not followed")
        for i, sub in enumerate(node.get("allOf", [])):
            stack.append((f"{ptr}/allOf/{i}", sub, inst, iptr, d))
        for kw in ("anyOf", "oneOf"):
            for i, sub in enumerate(node.get(kw, [])):
                if doc.at(f"{ptr}/{kw}/{i}").is_valid(inst):
                    stack.append((f"{ptr}/{kw}/{i}", sub, inst, iptr, d))
        if isinstance(inst, dict):
            props = node.get("properties", {})
            extra = node.get("additionalProperties")
            for k, v in inst.items():
                key = pointer([k])
                if k in props:
                    stack.append((f"{ptr}/properties{key}", props[k], v, iptr + key, d))
                elif isinstance(extra, dict):
                    stack.append((f"{ptr}/additionalProperties", extra, v, iptr + key, d))
        if isinstance(inst, list) and isinstance(node.get("items"), dict):
            for i, v in enumerate(inst):
                stack.append((f"{ptr}/items", node["items"], v, f"{iptr}/{i}", d))
        if (
            node.get("contentMediaType") == "application/json"
            and "contentSchema" in node
            and isinstance(inst, str)
        ):
            cptr = f"{ptr}/contentSchema"
            yield Content(iptr, cptr, inst)
            try:
                decoded = json.loads(inst)
            except json.JSONDecodeError:
                continue  # the caller decodes the yielded text and reports it
            stack.append((cptr, node["contentSchema"], decoded, iptr, d))


def compact(value: Any) -> str:
    """A document as a caller puts it in a JSON-string parameter."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Branch:
    """The parameters of one request shape: the whole request, or one `oneOf` branch (a JobType)."""

    label: str
    tags: dict[str, Any]  # `const` parameters: the JobType
    required: list[str]
    props: dict[str, Any]  # parameter -> its schema (the branch's over the request's)


def branches(doc: Doc) -> list[Branch]:
    s = doc.schema
    top = s.get("properties", {})
    required = list(s.get("required", []))
    if not s.get("oneOf"):
        return [Branch("", {}, required, dict(top))]
    out = []
    for i, b in enumerate(s["oneOf"]):
        props = {**top, **b.get("properties", {})}
        tags = {
            k: v["const"] for k, v in b.get("properties", {}).items() if isinstance(v, dict) and "const" in v
        }
        req = required + [r for r in b.get("required", []) if r not in required]
        label = ",".join(f"{k}={v}" for k, v in tags.items()) or b.get("title", str(i))
        out.append(Branch(label, tags, req, props))
    return out


def slot_types(doc: Doc, prop: Any) -> list[str]:
    """Type names whose fixtures fit a JSON-string parameter: the `$defs` entry its
    `contentSchema` designates and, for an untagged union (`oneOf` of `$ref`s), its variants."""
    if not isinstance(prop, dict):
        return []
    name = content_def(prop.get("contentSchema"))
    if name is None:
        return []
    names = [name]
    d = doc.schema.get("$defs", {}).get(name, {})
    for b in d.get("oneOf", []) if isinstance(d, dict) else []:
        n = content_def(b)
        if n:
            names.append(n)
    return names


@dataclass
class Request:
    """A request document and what it was built from."""

    action: str
    doc: Doc
    branch: Branch
    params: dict[str, Any]  # as the SDK model's to_map() returns it
    sources: dict[str, str]  # parameter -> fixture file it carries

    @property
    def label(self) -> str:
        b = f"[{self.branch.label}]" if self.branch.label else ""
        src = ", ".join(f"{k}={Path(v).name}" for k, v in self.sources.items())
        return f"{self.action}{b}({src})"


def sdk_params(action: str, wire: dict[str, Any], problems: Problems, where: str) -> dict[str, Any] | None:
    """`wire` through the official SDK's request model (`from_map` then `to_map`, the map its
    client sends); a parameter the SDK does not know would be dropped, which is a failure."""
    from alibabacloud_ice20201109 import models

    cls = getattr(models, f"{action}Request", None)
    if cls is None:
        problems.fail(where, f"the official SDK has no {action}Request model")
        return None
    out = cls().from_map(dict(wire)).to_map()
    if out != wire:
        problems.fail(where, f"the official SDK's {action}Request turns {sorted(wire)} into {sorted(out)}")
        return None
    return out


@dataclass
class Plan:
    """Requests built from the fixtures: good ones, and the variations that must fail."""

    good: list[Request]
    # (request, what it shows, instance pointer the failure must be under or None)
    must_fail: list[tuple[Request, str, str | None]]


def plan_requests(schemas: Schemas, fx: Fixtures, problems: Problems) -> Plan:
    """For every operation with a JSON-string parameter whose content type has fixtures, and for
    each of its JobType branches: one request per (parameter, fixture), the other required
    parameters filled with their first fixture. A branch with a required parameter no fixture
    fits is skipped with a note. Must-fail variations: each known-bad fixture in its slot, an
    unknown JobType, a missing required parameter, and a fixture of another JobType's config
    that holds keys only that config declares."""
    by_type: dict[str, list[Fixture]] = {}
    for f in fx.good:
        by_type.setdefault(f.type, []).append(f)
    bad_by_type: dict[str, list[Fixture]] = {}
    for f in fx.bad:
        bad_by_type.setdefault(f.type, []).append(f)
    plan = Plan([], [])
    seed_built: set[str] = set()
    for action in schemas.actions:
        doc = schemas.op(action, "request")
        if doc is None:
            continue
        bs = branches(doc)
        for br in bs:
            slots = {p: slot_types(doc, s) for p, s in br.props.items()}
            fits = {p: [f for t in ts for f in by_type.get(t, [])] for p, ts in slots.items()}
            fits = {p: fs for p, fs in fits.items() if fs}
            if not fits:
                continue
            missing = [p for p in br.required if p not in br.tags and p not in fits]
            if missing:
                label = f"{action}[{br.label}]" if br.label else action
                problems.note(f"{label}: not built, no fixture for required {', '.join(missing)}")
                continue
            base = dict(br.tags)
            base_src = {}
            for p in br.required:
                if p in fits:
                    base[p] = compact(fits[p][0].value)
                    base_src[p] = fits[p][0].name

            def build(params: dict[str, Any], src: dict[str, str]) -> Request | None:
                where = f"{action}[{br.label}]" if br.label else action
                got = sdk_params(action, params, problems, where)
                return None if got is None else Request(action, doc, br, got, src)

            seen = set()
            for p, fs in fits.items():
                for f in fs:
                    params = {**base, p: compact(f.value)}
                    key = json.dumps(params, sort_keys=True)
                    if key in seen:
                        continue
                    seen.add(key)
                    r = build(params, {**base_src, p: f.name})
                    if r:
                        plan.good.append(r)
                        if action == SEED:
                            seed_built.add(br.label)
                for t in slots[p]:
                    for f in bad_by_type.get(t, []):
                        r = build({**base, p: compact(f.value)}, {**base_src, p: f.name})
                        if r:
                            plan.must_fail.append((r, f"known-bad {f.name} as {p}", pointer([p])))
            for tag, value in br.tags.items():
                r = build({**base, tag: f"{value}_NotAJobType"}, base_src)
                if r:
                    plan.must_fail.append((r, f"unknown {tag}", None))
            for p in br.required:
                if p not in br.tags:
                    r = build({k: v for k, v in base.items() if k != p}, base_src)
                    if r:
                        plan.must_fail.append((r, f"required {p} left out", None))
            # Another JobType's config under this one: refused when it holds keys only that
            # config declares (the mismatch the Rust types refuse to compile).
            for other in bs:
                if other is br:
                    continue
                for p in fits:
                    mine, theirs = slot_types(doc, br.props.get(p)), slot_types(doc, other.props.get(p))
                    if not theirs or set(theirs) & set(mine):
                        continue
                    foreign = declared(doc, theirs) - declared(doc, mine)
                    for f in (f for t in theirs for f in by_type.get(t, [])):
                        keys = sorted(foreign & set(f.value) if isinstance(f.value, dict) else [])
                        if keys:
                            r = build({**base, p: compact(f.value)}, {**base_src, p: f.name})
                            if r:
                                plan.must_fail.append(
                                    (r, f"{other.label} config (keys {keys}) under {br.label}", pointer([p]))
                                )
    seed = schemas.op(SEED, "request")
    want = {b.label for b in branches(seed)} if seed else {"(the operation)"}
    problems.check(
        want <= seed_built,
        SEED,
        f"the fixtures build no request for {sorted(want - seed_built)}",
    )
    return plan


def declared(doc: Doc, names: list[str]) -> set[str]:
    """Property names the `$defs` entries `names` declare."""
    defs = doc.schema.get("$defs", {})
    return {k for n in names for k in defs.get(n, {}).get("properties", {})}


def schema_dir(argv: list[str]) -> Path:
    if len(argv) < 2 or not (Path(argv[1]) / "index.json").is_file():
        sys.exit(f"usage: {argv[0]} <schema-dir> ...  (what `cargo xtask schema --out` wrote)")
    return Path(argv[1]).resolve()
