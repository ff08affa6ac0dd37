# Mentora: every command the README gives is a target here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# Test-only npm tools (axe-core, html-validate), pinned in package-lock.json.
NODE_STAMP := node_modules/.installed-$(shell cksum package-lock.json | cut -d' ' -f1)

.PHONY: install migrate demo-data demo serve worker test lint format bench bench-quick browser clean screenshots

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && rm -f node_modules/.installed-* && touch $(NODE_STAMP); \
	else \
	  echo "npm not found: the HTML and accessibility checks will be skipped (install Node.js and npm to run them)"; \
	fi

install: $(STAMP) $(NODE_STAMP)

migrate: install
	$(PY) manage.py migrate --no-input

demo-data: migrate
	$(PY) manage.py load_demo

## make demo: set everything up and serve the demo program on http://127.0.0.1:8000
demo: demo-data
	MENTORA_DEBUG=1 scripts/serve

## make worker: the task worker with its periodic jobs (make demo starts one itself)
worker: migrate
	$(PY) manage.py mentora_worker

## make test: set up and run the whole test suite (SQLite, then PostgreSQL if reachable)
test: install browser
	scripts/run-tests

## make browser: Debian's Chromium for the browser tests (installed only where we may)
browser:
	@scripts/ensure-chromium

## make lint: ruff (lint, format check), mypy and import-linter (the layers in docs/architecture.md)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mentora conftest.py
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: migrate
	$(PY) -m bench

## make bench-quick: the benchmarks at their small sizes (no national match)
bench-quick: migrate
	$(PY) -m bench --quick

clean:
	rm -rf $(VENV) node_modules var staticfiles .pytest_cache .mypy_cache .ruff_cache
