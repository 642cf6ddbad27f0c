#!/usr/bin/env bash
# The exported JSON Schemas checked with other languages' tools (see README.md).
#
# usage: tools/schema-check/run.sh <schema-dir> [work-dir]
#   <schema-dir>  what `cargo xtask schema --out <schema-dir>` wrote (with index.json)
#   [work-dir]    where the venv, node_modules and generated code go; kept, and reused by the
#                 next run. Without it: a fresh directory under $TMPDIR, removed at exit.
# Installs from PyPI (pip) and npm (npm ci) only. Runs all three checks, then exits 1 if any
# failed; every failure is printed as `<file>#<JSON pointer>: <what was expected>`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ ! -f "$1/index.json" ]; then
  sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  [ $# -ge 1 ] && echo "no index.json in ${1}: run \`cargo xtask schema --out $1\` first" >&2
  exit 2
fi
schema=$(cd "$1" && pwd)
if [ $# -eq 2 ]; then
  mkdir -p "$2"
  work=$(cd "$2" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/schema-check.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
for tool in python3 node npm; do
  command -v "$tool" >/dev/null || { echo "schema-check needs $tool on PATH" >&2; exit 2; }
done

start=$SECONDS
step() { printf '\n=== schema-check: %s (%ss)\n' "$1" "$((SECONDS - start))"; }

step "install: pip -r requirements.txt, npm ci"
[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$here/requirements.txt"
mkdir -p "$work/node"
cp "$here/package.json" "$here/package-lock.json" "$work/node/"
(cd "$work/node" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
py="$work/venv/bin/python"

failed=()
run() { # name, command...
  local name=$1 t=$SECONDS
  shift
  step "$name"
  if "$@"; then
    echo "--- $name: ok ($((SECONDS - t))s)"
  else
    echo "--- $name: FAILED ($((SECONDS - t))s)"
    failed+=("$name")
  fi
}

rm -f "$work/cases.json"
run "1/3 Python jsonschema" "$py" "$here/check_jsonschema.py" "$schema" "$work/cases.json"
if [ -f "$work/cases.json" ]; then
  rm -rf "$work/models"
  run "2/3 datamodel-code-generator + pydantic" "$py" "$here/check_models.py" "$schema" "$work/cases.json" "$work/models"
  mkdir -p "$work/ts"
  run "3/3 json-schema-to-typescript + tsc" node "$here/check_types.mjs" "$schema" "$work/cases.json" "$work/ts" "$work/node"
else
  failed+=("2/3 and 3/3 (check 1 wrote no cases.json)")
fi

step "done"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'schema-check FAILED: %s\n' "${failed[*]}" >&2
  exit 1
fi
echo "schema-check: all three checks passed"
