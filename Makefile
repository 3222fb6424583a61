# The two set-up commands: `make demo` and `make test`. Both create .venv if it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed-dev
DEMO   := .mlgate-demo
NODE   := tests/e2e/node_modules/.installed

.PHONY: demo test lint typecheck unit docs bench clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(STAMP): pyproject.toml | $(UV)
	$(UV) pip install --python $(BIN)/python --quiet -e '.[dev]'
	touch $@

# gitlab-ci-local for the GitLab e2e tests, pinned in tests/e2e/package-lock.json.
$(NODE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	touch $@

demo: $(STAMP)
	$(BIN)/mlgate demo --dir $(DEMO)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(NODE)
	$(BIN)/pytest -q

test: lint typecheck unit

docs: $(STAMP)
	$(BIN)/python scripts/gen_cli_docs.py

bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/install_size.py
	$(BIN)/python benchmarks/paired_intervals.py
	$(BIN)/python benchmarks/decision_quality.py
	$(BIN)/python benchmarks/drift_report.py
	$(BIN)/python benchmarks/eval_data_identity.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache tests/e2e/node_modules
