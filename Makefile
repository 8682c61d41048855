# The two commands: `make run` (the app with demo data on SQLite) and `make test` (everything).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
RUNTIME := $(VENV)/.runtime

.PHONY: install install-runtime lock run test lint compose typecheck unit e2e schema bench clean

## The exact versions of requirements-dev.lock (hash-checked), then Recur itself.
$(INSTALLED): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(INSTALLED) $(RUNTIME)

## What running needs only (requirements.lock); `make install` adds the test tools.
$(RUNTIME): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(RUNTIME)

install: $(INSTALLED)

install-runtime: $(RUNTIME)

## Re-resolve both lock files from pyproject.toml (after changing a dependency), with hashes.
lock:
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet \
		--custom-compile-command "make lock" -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --quiet --custom-compile-command "make lock" -o requirements-dev.lock

## Run Recur on http://127.0.0.1:8000 with the demo data (loaded into an empty database only).
run: install-runtime
	$(BIN)/recur demo
	$(BIN)/recur serve

## Lint, type-check, unit/service/API tests on SQLite and PostgreSQL, browser tests.
test: lint compose typecheck unit e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## docker-compose.yml must be valid (no Docker engine needed). It requires RECUR_SECRET_KEY:
## a throwaway one stands in for the check.
compose: export RECUR_SECRET_KEY = compose-check-only-never-used-to-sign-anything
compose:
	@command -v docker-compose >/dev/null || { echo "docker-compose is missing (Debian: apt-get install docker-compose)"; exit 1; }
	docker-compose config --quiet
	docker-compose --profile demo config --quiet

typecheck: install
	$(BIN)/mypy

## Spread over every core (pytest-xdist): each worker makes its own databases.
unit: install
	$(BIN)/pytest -n auto

## Across both cores too: each worker runs whole files against its own server.
e2e: install
	$(BIN)/pytest e2e -n 2 --dist loadfile

## Rewrite schema.graphql from the code (a test fails while they differ).
schema: install
	$(BIN)/recur export-schema > schema.graphql

## Catalog throughput against the plain-Starlette ceiling, cold start, first load, checkout,
## a month's billing run.
bench: install
	$(BIN)/python bench/catalog.py
	$(BIN)/python bench/first_load.py
	$(BIN)/python bench/checkout.py
	$(BIN)/python bench/billing.py
	$(BIN)/python bench/login_flood.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
