# The two commands: `make run` (the app with demo data on SQLite) and `make test` (everything).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint compose typecheck unit e2e schema bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

## Run Recur on http://127.0.0.1:8000 with the demo data (loaded into an empty database only).
run: install
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

unit: install
	$(BIN)/pytest

e2e: install
	$(BIN)/pytest e2e

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
