#!/usr/bin/env bash
# Step 2 of the mlgate action: install mlgate in a virtual environment of its own (the job's
# Python packages are left alone), with uv, downloads cached under MLGATE_CACHE_DIR.
set -euo pipefail

venv="${RUNNER_TEMP:-/tmp}/mlgate-venv"
export PIP_CACHE_DIR="$MLGATE_CACHE_DIR/pip"
export UV_CACHE_DIR="$MLGATE_CACHE_DIR/uv"
export PIP_DISABLE_PIP_VERSION_CHECK=1

"$MLGATE_PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet uv
"$venv/bin/uv" pip install --quiet --python "$venv/bin/python" "$MLGATE_SPEC"
"$venv/bin/mlgate" --version
echo "bin=$venv/bin/mlgate" >>"$GITHUB_OUTPUT"
