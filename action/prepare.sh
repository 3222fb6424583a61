#!/usr/bin/env bash
# Step 1 of the mlgate action: check the install inputs and compute what to install and the
# cache key. Inputs arrive as environment variables, never expanded into this script.
set -euo pipefail

version="${MLGATE_INPUT_VERSION:-}"
extras="${MLGATE_INPUT_EXTRAS:-}"
command="${MLGATE_ACTION_COMMAND:-gate}"

if [[ -n "$version" && ! "$version" =~ ^[0-9][0-9A-Za-z.+!-]*$ ]]; then
  echo "::error title=mlgate::input mlgate-version must be a release number such as 1.0.0"
  exit 2
fi
if [[ -n "$extras" && ! "$extras" =~ ^[a-z][a-z0-9_-]*(,[a-z][a-z0-9_-]*)*$ ]]; then
  echo "::error title=mlgate::input extras must be comma-separated extra names such as local"
  exit 2
fi

python=python3
if ! command -v "$python" >/dev/null 2>&1; then
  python=python
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "::error title=mlgate::mlgate needs Python 3.10 or newer; set the python-version input"
  exit 2
fi
py_version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

# The model tests need pytest (the `test` extra) besides what the user asked for.
if [[ "$command" == "test" && ! ",$extras," =~ ,test, ]]; then
  extras="${extras:+$extras,}test"
fi
# Drift (and the canary's outcomes) read Parquet tables with pyarrow (the `drift` extra).
if [[ "$command" =~ ^(drift|monitor|canary)$ && ! ",$extras," =~ ,drift, ]]; then
  extras="${extras:+$extras,}drift"
fi

if [[ -n "$version" ]]; then
  spec="mlgate${extras:+[$extras]}==$version"
  source_id="$version"
else
  spec="$GITHUB_ACTION_PATH${extras:+[$extras]}"
  source_id="$(sha256sum "$GITHUB_ACTION_PATH/pyproject.toml" | cut -c1-16)"
fi

{
  echo "python=$python"
  echo "spec=$spec"
  echo "cache-dir=${RUNNER_TEMP:-/tmp}/mlgate-cache"
  echo "cache-key=mlgate-${RUNNER_OS:-Linux}-py$py_version-$source_id-${extras:-base}"
} >>"$GITHUB_OUTPUT"
