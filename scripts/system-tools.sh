#!/usr/bin/env bash
# The system tools the test suite needs beyond Python: found, or installed from apt when this
# user may (root, or passwordless sudo), or else named in one line with the command that
# installs them — before any test runs. `make test` calls it; so does CI, through `make test`.
set -euo pipefail

# command  apt-package  what needs it
TOOLS="
git      git     the e2e tests' throwaway repositories
rsync    rsync   gitlab-ci-local's shell executor in tests/e2e
node     nodejs  gitlab-ci-local in tests/e2e
npm      npm     installing gitlab-ci-local from tests/e2e/package.json
prometheus prometheus the monitoring export tests (a real Prometheus scraping the push)
promtool prometheus checking the shipped alert rules
prometheus-pushgateway prometheus-pushgateway the Pushgateway the monitor pushes to
java     openjdk-17-jre-headless the Spark tests' local[2] session (tests/integration/spark)
"

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "make test needs Python 3.10 or newer as $python (set PYTHON=/path/to/python3.x)" >&2
  exit 1
fi

missing=()
packages=()
# Debian's own python3 creates virtual environments only with python3-venv (ensurepip).
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=("$python -m venv: the .venv make creates")
  packages+=("python3-venv")
fi
while read -r command package why; do
  [[ -z "$command" ]] && continue
  if ! command -v "$command" >/dev/null 2>&1; then
    missing+=("$command: $why")
    packages+=("$package")
  fi
done <<<"$TOOLS"
# PostgreSQL for tests/integration/production: Debian keeps initdb off PATH, in
# /usr/lib/postgresql/N/bin (PG_LIB_DIR: another place to look).
if ! command -v initdb >/dev/null 2>&1 &&
  ! compgen -G "${PG_LIB_DIR:-/usr/lib/postgresql}/*/bin/initdb" >/dev/null; then
  missing+=("initdb: the production-registry tests' PostgreSQL")
  packages+=("postgresql")
fi

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=()
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    sudo=(none)
  fi
fi
if [[ "${sudo[0]:-}" == none ]] || ! command -v apt-get >/dev/null 2>&1; then
  them=it
  ((${#missing[@]} > 1)) && them=them
  printf 'make test needs %s; install %s first (Debian/Ubuntu: sudo apt-get install %s)\n' \
    "$(printf '%s; ' "${missing[@]}" | sed 's/; $//')" "$them" "${packages[*]}" >&2
  exit 1
fi

echo "make test: installing ${packages[*]} from apt ($(printf '%s; ' "${missing[@]}" | sed 's/; $//'))" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
