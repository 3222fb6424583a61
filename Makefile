# The two set-up commands: `make demo` and `make test`. Both create .venv if it is missing.
#   make demo    mlgate's main job end to end on the embedded default
#   make test    system tools, ruff, mypy and every test, in parallel (≤ 10 min on 2 cores)
#   make check   the inner loop: ruff, mypy, the unit and CLI tests (≤ 90 s)
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
UV      := $(BIN)/uv
STAMP   := $(VENV)/.installed-dev
# The Feast tests' own environment: dev + feast. Feast registers an MLflow request-header
# plug-in, so wherever Feast is installed every process that talks to MLflow imports it
# (~3 s of CPU): the rest of the suite's hundreds of mlgate and mlflow processes stay in
# .venv without it.
FEAST   := .venv-feast
FEAST_STAMP := $(FEAST)/.installed-feast
DEMO    := .mlgate-demo
NODE    := tests/e2e/node_modules/.installed
# pytest-xdist workers: the e2e tests mostly wait on act, gitlab-ci-local and MLflow, so
# more workers than cores keeps both cores busy. Each worker starts its own MLflow server.
WORKERS ?= 4
CHECK_WORKERS ?= 2

.PHONY: demo test check lint typecheck unit tools docs bench dist clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on CI machines
# here) every process — each mlflow server, CLI run and pytest subprocess — would otherwise
# compile mlflow and scikit-learn from source again. compileall on every core takes half the
# time of uv's --compile-bytecode (27 s against 56 s here); a file it cannot compile (a
# package's Python 2 test data) is only compiled lazily, so its status is not an error.
$(STAMP): pyproject.toml | $(UV)
	$(UV) pip install --python $(BIN)/python --quiet -e '.[dev]'
	-$(BIN)/python -m compileall -q -j 0 "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null
	touch $@

$(FEAST_STAMP): pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing --python $(BIN)/python $(FEAST)
	$(UV) pip install --python $(FEAST)/bin/python --quiet -e '.[dev,feast]'
	touch $@

# gitlab-ci-local for the GitLab e2e tests, pinned in tests/e2e/package-lock.json.
$(NODE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	touch $@

demo: $(STAMP)
	$(BIN)/mlgate demo --dir $(DEMO)

# git, rsync, node, npm, Prometheus and PostgreSQL: found, else installed from apt (root or
# sudo), else named.
tools:
	@PYTHON=$(PYTHON) scripts/system-tools.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# loadgroup: the production-registry group (one PostgreSQL + S3 + MLflow stack) runs on one
# worker; every other test is scheduled one at a time, as before. The suite writes bytecode
# even where PYTHONDONTWRITEBYTECODE is set: hundreds of `mlgate` subprocesses would each
# compile mlgate's sources again, and each worker rewrite the test modules again.
unit: tools $(STAMP) $(NODE) $(FEAST_STAMP)
	$(BIN)/python -m compileall -q -j 0 src >/dev/null
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -q -n $(WORKERS) --dist loadgroup --maxschedchunk=1 --durations=15 --ignore=tests/integration/feast
	env -u PYTHONDONTWRITEBYTECODE $(FEAST)/bin/pytest -q -p no:cacheprovider --durations=5 tests/integration/feast

# ruff and mypy run beside the tests (mypy is single-threaded: the other core would idle).
test: tools $(STAMP) $(NODE)
	@$(MAKE) --no-print-directory -j2 lint typecheck unit

check: lint typecheck
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -q -n $(CHECK_WORKERS) tests/unit tests/cli

# The release's files: the sdist and the wheel (python -m build, in an isolated build
# environment), checked with twine as the package index will check them.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist
	$(BIN)/twine check --strict dist/*
	@ls -l dist

docs: $(STAMP)
	$(BIN)/python scripts/gen_cli_docs.py

bench: $(STAMP) $(FEAST_STAMP)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/install_size.py
	$(BIN)/python benchmarks/paired_intervals.py
	$(BIN)/python benchmarks/interval_coverage.py
	$(BIN)/python benchmarks/decision_quality.py
	$(BIN)/python benchmarks/canary_decisions.py
	$(BIN)/python benchmarks/numbers_cases.py
	$(BIN)/python benchmarks/drift_report.py
	$(BIN)/python benchmarks/drift_stream.py
	$(BIN)/python benchmarks/spark_engine.py
	$(FEAST)/bin/python benchmarks/feast_consistency.py
	$(BIN)/python benchmarks/drift_false_alarms.py
	$(BIN)/python benchmarks/fuzz_inputs.py
	$(BIN)/python benchmarks/outcomes_monitor.py
	$(BIN)/python benchmarks/eval_data_identity.py
	$(BIN)/python benchmarks/monorepo.py
	$(BIN)/python benchmarks/evidence_cost.py
	$(BIN)/python benchmarks/relay_load.py
	$(BIN)/python benchmarks/deploy.py
	$(BIN)/python benchmarks/production_registry.py

clean:
	rm -rf $(VENV) $(FEAST) $(DEMO) .pytest_cache .mypy_cache .ruff_cache tests/e2e/node_modules
