# The two set-up commands: `make demo` and `make test`. Both create .venv if it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed-dev
DEMO   := .mlgate-demo
QUICK  := examples/quickstart

.PHONY: demo test lint typecheck unit docs bench clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(STAMP): pyproject.toml | $(UV)
	$(UV) pip install --python $(BIN)/python --quiet -e '.[dev]'
	touch $@

demo: $(STAMP)
	@mkdir -p $(DEMO)
	@echo "== mlgate compare: candidate vs production (examples/quickstart) =="
	$(BIN)/mlgate compare --config $(QUICK)/mlgate.yml \
	  --candidate $(QUICK)/candidate.json --baseline $(QUICK)/production.json \
	  --out $(DEMO)/verdict.json --report $(DEMO)/report.md
	@echo
	@echo "Wrote $(DEMO)/verdict.json and $(DEMO)/report.md (paste the report into a PR comment)."

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

docs: $(STAMP)
	$(BIN)/python scripts/gen_cli_docs.py

bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
