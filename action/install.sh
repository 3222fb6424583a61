#!/usr/bin/env bash
# Step 2 of the mlgate action: install mlgate in a virtual environment of its own (the job's
# Python packages are left alone), with uv, downloads cached under MLGATE_CACHE_DIR — or in
# the PIP_CACHE_DIR / UV_CACHE_DIR the job already sets (a self-hosted runner's own caches).
set -euo pipefail

venv="${RUNNER_TEMP:-/tmp}/mlgate-venv"
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$MLGATE_CACHE_DIR/pip}"
export UV_CACHE_DIR="${UV_CACHE_DIR:-$MLGATE_CACHE_DIR/uv}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

"$MLGATE_PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet uv
"$venv/bin/uv" pip install --quiet --python "$venv/bin/python" "$MLGATE_SPEC"

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
