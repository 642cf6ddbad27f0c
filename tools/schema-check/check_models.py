"""Check 2: Python models generated with datamodel-code-generator (pydantic v2) from every
exported schema, imported, and used to parse the documents a Python team would parse.

usage: check_models.py <schema-dir> <cases.json from check_jsonschema.py> <work-dir>

- every document `index.json` lists generates a module, and the module imports;
- each module has a class named after the schema's `title`;
- every good fixture parses with `<Type>.model_validate_json(text, strict=True)`;
- every response fixture parses with `<Action>Response`;
- every request built with the official SDK parses with `<Action>Request`, and every JSON-string
  value in requests and responses that jsonschema found valid parses with the class its
  `contentSchema` names, from the same generated module.

Open enums come out as `KnownEnum | str`, so values added later parse. Known-bad fixtures are reported (refused or not): a pydantic model does
not carry `allOf`/`anyOf`/`not` rules, so some of them parse.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import datamodel_code_generator as dcg
from pydantic import PydanticUserError, ValidationError

from common import Doc, Fixtures, Problems, Schemas, pointer, schema_dir

# datamodel-code-generator names a field `Config` as it is, and pydantic v2 refuses a model with
# both `model_config` and a `Config` attribute: the generator's own `aliases` option renames it.
CONFIG_ALIAS = {"Config": "Config_"}


def module_name(file: str) -> str:
    stem = Path(file).name.removesuffix(".schema.json")
    return f"types_{stem}" if file.startswith("types/") else stem


def generate(doc: Doc, schemas: Schemas, out: Path, aliases: dict | None) -> None:
    version = dcg.PythonVersion(f"{sys.version_info.major}.{sys.version_info.minor}")
    dcg.generate(
        schemas.directory / doc.file,
        input_file_type=dcg.InputFileType.JsonSchema,
        output_model_type=dcg.DataModelType.PydanticV2BaseModel,
        target_python_version=version,
        disable_timestamp=True,
        formatters=[dcg.Formatter.BUILTIN],
        allow_remote_refs=False,
        aliases=aliases,
        output=out / f"{module_name(doc.file)}.py",
    )


def build(schemas: Schemas, out: Path, p: Problems) -> dict[str, Any]:
    """Generates and imports a module per document; returns them by schema file."""
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(out))
    modules: dict[str, Any] = {}
    aliased = []
    for doc in schemas.docs.values():
        name = module_name(doc.file)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                generate(doc, schemas, out, None)
                try:
                    module = importlib.import_module(name)
                except PydanticUserError as e:
                    if e.code != "config-both":
                        raise
                    sys.modules.pop(name, None)
                    generate(doc, schemas, out, CONFIG_ALIAS)
                    module = importlib.import_module(name)
                    aliased.append(doc.title)
        except Exception as e:  # the generator's and the import's failures are the finding
            p.fail(doc.where(""), f"{type(e).__name__}: {str(e)[:500]}")
            continue
        if p.check(
            hasattr(module, doc.title), doc.where("/title"), f"module {name} has no class {doc.title}"
        ):
            modules[doc.file] = module
    if aliased:
        p.note(
            f"{len(aliased)} modules needed aliases={CONFIG_ALIAS} (a parameter named Config clashes with "
            f"pydantic's model_config): {', '.join(aliased)}"
        )
    return modules


def loc_pointer(instance: Any, loc: tuple) -> str:
    """The instance location of a pydantic error; union-member tags in `loc` are skipped."""
    parts, cur = [], instance
    for item in loc:
        if isinstance(cur, dict) and item in cur:
            cur = cur[item]
        elif isinstance(cur, list) and isinstance(item, int) and item < len(cur):
            cur = cur[item]
        else:
            continue
        parts.append(item)
    return pointer(parts)


def parse(cls: Any, value: Any, text: str | None) -> list[tuple[str, str]]:
    """(instance pointer, message) of each error parsing `text` (or `value`) strictly."""
    try:
        if text is None:
            cls.model_validate(value, strict=True)
        else:
            cls.model_validate_json(text, strict=True)
    except ValidationError as e:
        return [(loc_pointer(value, err["loc"]), f"{err['msg']} ({err['type']})") for err in e.errors()]
    return []


def expect(p: Problems, where: str, errs: list[tuple[str, str]]) -> None:
    for at, msg in errs:
        p.fail(f"{where}#{at}", msg)
    if not errs:
        p.ok()


def main() -> int:
    sdir = schema_dir(sys.argv)
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    cases = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    p = Problems("datamodel-codegen")
    schemas = Schemas.load(sdir, p)
    fx = Fixtures.load(p)
    modules = build(schemas, Path(sys.argv[3]), p)

    def root(file: str | None) -> Any:
        module = modules.get(file) if file else None
        return getattr(module, schemas.docs[file].title) if module else None

    parsed = {"fixtures": 0, "responses": 0, "requests": 0, "contents": 0}
    for f in fx.good:
        doc = schemas.type_doc(f.type)
        cls = root(doc.file if doc else None)
        if cls is not None:
            expect(p, f.name, parse(cls, f.value, f.text))
            parsed["fixtures"] += 1
    for f in fx.responses:
        doc = schemas.op(f.type, "response")
        cls = root(doc.file if doc else None)
        if p.check(cls is not None, f.name, f"no generated model of the {f.type} response"):
            expect(p, f.name, parse(cls, f.value, f.text))
            parsed["responses"] += 1
    for r in cases["requests"]:
        cls = root(r["file"])
        where = f"request {r['label']}"
        if p.check(cls is not None, where, f"no generated model of {r['file']}"):
            expect(p, where, parse(cls, r["params"], None))
            parsed["requests"] += 1
    for c in cases["contents"]:
        if c["errors"] or not c["def"]:
            continue
        module = modules.get(c["file"])
        cls = getattr(module, c["def"], None) if module else None
        where = f"{c['source']}#{c['at']} (decoded)"
        if p.check(cls is not None, where, f"module {module_name(c['file'])} has no class {c['def']}"):
            expect(p, where, parse(cls, json.loads(c["text"]), c["text"]))
            parsed["contents"] += 1
    for f in fx.bad:
        doc = schemas.type_doc(f.type)
        cls = root(doc.file if doc else None)
        if cls is not None:
            errs = parse(cls, f.value, f.text)
            verdict = (
                f"refused ({errs[0][0] or '/'}: {errs[0][1]})"
                if errs
                else "parses: the rule it breaks is not in the model"
            )
            p.note(f"known-bad {f.name}: {verdict}")
    print(
        f"datamodel-code-generator {importlib.metadata.version('datamodel-code-generator')}, "
        f"pydantic {importlib.metadata.version('pydantic')}: {len(modules)} of {len(schemas.docs)} documents "
        f"generated and imported; parsed {parsed['fixtures']} fixtures, {parsed['responses']} responses, "
        f"{parsed['requests']} requests, {parsed['contents']} JSON-string values"
    )
    return p.finish()


if __name__ == "__main__":
    sys.exit(main())
