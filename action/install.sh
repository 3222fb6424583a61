#!/usr/bin/env bash
# Step 2 of the mlgate action: install mlgate in a virtual environment of its own (the job's
# Python packages are left alone), with uv, downloads cached under MLGATE_CACHE_DIR — or in
# the PIP_CACHE_DIR / UV_CACHE_DIR the job already sets (a self-hosted runner's own caches).
set -euo pipefail

venv="${RUNNER_TEMP:-/tmp}/mlgate-venv"
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$MLGATE_CACHE_DIR/pip}"
export UV_CACHE_DIR="${UV_CACHE_DIR:-$MLGATE_CACHE_DIR/uv}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# A mirror or an extra index set for pip (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL) is uv's too,
# unless the job set uv's own variables.
if [[ -n "${PIP_INDEX_URL:-}" && -z "${UV_INDEX_URL:-}" ]]; then
  export UV_INDEX_URL="$PIP_INDEX_URL"
fi
if [[ -n "${PIP_EXTRA_INDEX_URL:-}" && -z "${UV_EXTRA_INDEX_URL:-}" ]]; then
  export UV_EXTRA_INDEX_URL="$PIP_EXTRA_INDEX_URL"
fi

# A uv the runner already has (a self-hosted runner, an image with uv) makes the venv in a
# fraction of a second. Otherwise the venv is made without pip (ensurepip costs ~5 s) and the
# job's own pip installs uv into it; a Python without pip gets one first.
if uv_bin="$(command -v uv)"; then
  "$uv_bin" venv --quiet --allow-existing --python "$MLGATE_PYTHON" "$venv"
else
  "$MLGATE_PYTHON" -m venv --without-pip "$venv"
  if ! "$MLGATE_PYTHON" -m pip --python "$venv/bin/python" install --quiet uv; then
    "$venv/bin/python" -m ensurepip --default-pip >/dev/null
    "$venv/bin/python" -m pip install --quiet uv
  fi
  uv_bin="$venv/bin/uv"
fi
"$uv_bin" pip install --quiet --python "$venv/bin/python" "$MLGATE_SPEC"

# Model tests, and scoring both models for paired intervals (gate, evaluate), load the models
# with the libraries they were trained with (scikit-learn, torch …), which the job installed
# into its own Python: make those importable too, after mlgate's own packages (a .pth line
# appends a folder to sys.path, like --system-site-packages would).
if [[ "${MLGATE_ACTION_COMMAND:-gate}" =~ ^(test|gate|evaluate)$ ]]; then
  site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  "$MLGATE_PYTHON" -c 'import sys, sysconfig
paths = sysconfig.get_paths()
print(paths["purelib"]); print(paths["platlib"])
print("\n".join(p for p in sys.path if p.endswith(("site-packages", "dist-packages"))))' |
    awk '!seen[$0]++' >"$site/mlgate-job-packages.pth"
fi
"$venv/bin/mlgate" --version
echo "bin=$venv/bin/mlgate" >>"$GITHUB_OUTPUT"
