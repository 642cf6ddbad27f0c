"""Check 1: the exported schemas with Python `jsonschema` (Draft 2020-12, format checking on).

usage: check_jsonschema.py <schema-dir> <cases.json to write>

- every document `index.json` lists (and nothing else) is a valid draft 2020-12 schema against
  the meta-schema, with a unique `$id`, and every `$ref` in it resolves;
- every `examples` value validates against the subschema that holds it;
- every good fixture validates against `types/<Type>.schema.json`, every known-bad one does not;
- every response fixture validates against its operation's response schema (its JSON-string
  fields are decoded and checked too, but only reported: the fixtures hold malformed echoes on
  purpose);
- requests built with the official SDK's request models, a JSON-string parameter holding a
  fixture, validate, with each `contentSchema` applied to the decoded string (in the `oneOf`
  branch the JobType selects); the variations that must fail do.

Open enums (`x-ice-open-enum`) are `anyOf` the listed values or any string, so the response
fixtures' values added later (`"Queuing"`) validate like any other.

The requests and the JSON-string values found (with their verdicts) are written to the JSON file
given, for the other two checks.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from common import Doc, DRAFT, Fixtures, Problems, Schemas, contents, plan_requests, pointer, schema_dir

META = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
# Keywords whose values are data, not subschemas.
DATA = {"examples", "const", "enum", "default"}


def schema_nodes(schema: Any) -> Iterator[tuple[str, dict]]:
    """(pointer, object) for every object of a schema document outside data keywords."""
    stack: list[tuple[str, Any]] = [("", schema)]
    while stack:
        ptr, node = stack.pop()
        if isinstance(node, dict):
            yield ptr, node
            stack.extend((f"{ptr}{pointer([k])}", v) for k, v in node.items() if k not in DATA)
        elif isinstance(node, list):
            stack.extend((f"{ptr}/{i}", v) for i, v in enumerate(node))


@dataclass
class Verdict:
    """What validating one instance found."""

    hard: list[tuple[str, str]] = field(default_factory=list)  # (instance location, message)
    contents: list[dict] = field(default_factory=list)  # each JSON-string value and its errors

    def content_errors(self) -> list[tuple[str, str]]:
        return [(c["at"], m) for c in self.contents for m in c["errors"]]


def split(doc: Doc, ptr: str, instance: Any, at: str) -> list[tuple[str, str]]:
    """Errors of `instance` against the subschema at `ptr`."""
    return [(at + pointer(e.absolute_path), explain(doc, ptr, e)) for e in doc.at(ptr).iter_errors(instance)]


def validate(doc: Doc, ptr: str, instance: Any) -> Verdict:
    """`instance` against the subschema at `ptr`, then every JSON-string value in it against its
    `contentSchema` (decoded), in the branch the instance selects. A schema that cannot be used
    (a `$ref` that does not resolve, a `pattern` Python cannot compile) is a shape error here; the
    document check names its cause."""
    try:
        return _validate(doc, ptr, instance)
    except Exception as e:  # raised by the schema, not the instance: report, go on with the rest
        return Verdict(hard=[("", f"{doc.where(ptr)} cannot be applied: {type(e).__name__}: {e}")])


def _validate(doc: Doc, ptr: str, instance: Any) -> Verdict:
    v = Verdict()
    v.hard = split(doc, ptr, instance, "")
    if v.hard:
        return v  # the branch choice behind contentSchema is only defined for valid documents
    for c in contents(doc, instance, lambda iptr, msg: v.hard.append((iptr, msg))):
        entry = {"at": c.instance_ptr, "def": c.ref_name(doc), "text": c.text, "errors": []}
        try:
            decoded = json.loads(c.text)
        except json.JSONDecodeError as e:
            entry["errors"].append(f"not JSON: {e.msg}")
        else:
            for at, msg in split(doc, c.schema_ptr, decoded, f"{c.instance_ptr} (decoded)"):
                entry["errors"].append(f"{at}: {msg}")
        v.contents.append(entry)
    return v


def explain(doc: Doc, ptr: str, e: Any) -> str:
    keywords = "/".join(str(k) for k in list(e.relative_schema_path)[1:])
    return f"{e.message} [schema {doc.where(ptr)}, keywords {keywords}]"


def check_documents(schemas: Schemas, p: Problems) -> None:
    # Without its optional packages jsonschema skips these formats silently.
    missing = {"uri", "uri-reference", "regex"} - set(META.format_checker.checkers)
    p.check(
        not missing, "requirements.txt", f"no format checker for {sorted(missing)}: jsonschema[format-nongpl]"
    )
    ids: dict[str, str] = {}
    for doc in schemas.docs.values():
        s = doc.schema
        problems = [f"{doc.where(pointer(e.absolute_path))}: {e.message}" for e in META.iter_errors(s)]
        if not isinstance(s, dict):
            p.fail(doc.where(""), "a schema document is a JSON object")
            continue
        if s.get("$schema") != DRAFT:
            problems.append(f"{doc.where('/$schema')}: expected {DRAFT}, got {s.get('$schema')!r}")
        if not doc.id:
            problems.append(f"{doc.where('')}: no $id")
        elif doc.id in ids:
            problems.append(f"{doc.where('/$id')}: {doc.id} is also the $id of {ids[doc.id]}")
        ids.setdefault(doc.id, doc.file)
        resolver = doc.registry.resolver(base_uri=doc.id)
        for ptr, node in schema_nodes(s):
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    resolver.lookup(ref)
                except Unresolvable as e:
                    problems.append(f"{doc.where(ptr + '/$ref')}: {ref} does not resolve ({e})")
        for msg in problems:
            p.fail(msg.split(": ", 1)[0], msg.split(": ", 1)[1])
        if not problems:
            p.ok()


def expect_valid(p: Problems, where: str, v: Verdict) -> None:
    """A document that must be valid: shape and contents."""
    problems = v.hard + v.content_errors()
    sep = "" if "#" in where else "#"  # `where` may already be a pointer (a schema's example)
    for at, msg in problems:
        p.fail(f"{where}{sep}{at}", msg)
    if not problems:
        p.ok()


def check_examples(schemas: Schemas, p: Problems) -> int:
    n = 0
    for doc in schemas.docs.values():
        for ptr, node in schema_nodes(doc.schema):
            for i, example in enumerate(node.get("examples", [])):
                n += 1
                expect_valid(p, doc.where(f"{ptr}/examples/{i}"), validate(doc, ptr, example))
    return n


def check_fixtures(schemas: Schemas, fx: Fixtures, p: Problems, cases: dict) -> None:
    for f in fx.good:
        doc = schemas.type_doc(f.type)
        if doc is None:
            p.note(f"{f.name}: no types/{f.type}.schema.json is exported, not checked")
            continue
        expect_valid(p, f.name, validate(doc, "", f.value))
    for f in fx.bad:
        doc = schemas.type_doc(f.type)
        if p.check(doc is not None, f.name, f"known-bad fixture of {f.type}, which has no exported schema"):
            v = validate(doc, "", f.value)
            p.check(bool(v.hard or v.content_errors()), f.name, f"known-bad fixture passed {doc.file}")
    # Responses are server data: the shape must validate; the JSON-string fields are decoded and
    # reported (the fixtures hold malformed echoes on purpose: the SDK parses them on demand).
    for f in fx.responses:
        doc = schemas.op(f.type, "response")
        if not p.check(doc is not None, f.name, f"no response schema of an operation {f.type} in index.json"):
            continue
        v = validate(doc, "", f.value)
        for at, msg in v.hard:
            p.fail(f"{f.name}#{at}", msg)
        if not v.hard:
            p.ok()
        for c in v.contents:
            for msg in c["errors"]:
                p.note(f"{f.name}#{c['at']}: content refused by its contentSchema: {msg}")
            cases["contents"].append({"source": f.name, "file": doc.file, **c})


def check_requests(schemas: Schemas, fx: Fixtures, p: Problems, cases: dict) -> None:
    plan = plan_requests(schemas, fx, p)
    for r in plan.good:
        v = validate(r.doc, "", r.params)
        expect_valid(p, f"request {r.label}", v)
        cases["requests"].append(
            {
                "label": r.label,
                "action": r.action,
                "file": r.doc.file,
                "params": r.params,
                "sources": r.sources,
            }
        )
        cases["contents"].extend(
            {"source": f"request {r.label}", "file": r.doc.file, **c} for c in v.contents
        )
    for r, what, under in plan.must_fail:
        v = validate(r.doc, "", r.params)
        hit = [e for e in v.hard + v.content_errors() if under is None or e[0].startswith(under)]
        where = f"request {r.label}"
        p.check(
            bool(hit), where, f"{what} passed" + (f" (expected a failure under #{under})" if under else "")
        )
    applied = sum(1 for _, _, under in plan.must_fail if under)
    print(
        f"requests: {len(plan.good)} built with the official SDK, {len(plan.must_fail)} variations that must "
        f"fail ({applied} of them only through a contentSchema)"
    )


def main() -> int:
    sdir = schema_dir(sys.argv)
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    p = Problems("jsonschema")
    schemas = Schemas.load(sdir, p)
    fx = Fixtures.load(p)
    cases: dict = {"requests": [], "contents": []}
    check_documents(schemas, p)
    examples = check_examples(schemas, p)
    check_fixtures(schemas, fx, p, cases)
    check_requests(schemas, fx, p, cases)
    Path(sys.argv[2]).write_text(json.dumps(cases, indent=1, ensure_ascii=False), encoding="utf-8")
    print(
        f"documents: {len(schemas.docs)}, examples: {examples}, fixtures: {len(fx.good)} good, "
        f"{len(fx.bad)} known-bad, {len(fx.responses)} responses"
    )
    return p.finish()


if __name__ == "__main__":
    sys.exit(main())
