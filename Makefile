# The README's two set-up commands: `make demo` and `make test`. Both work on a fresh machine:
# they make the virtualenv, provision or reuse a BuildKit engine, then run. The engine is today's
# (Docker 28.5) unless ARXDOCKER_ENGINE=2024 picks the 2024 one (Docker 26.1): `make test-2024`.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
ENGINE_ENV = eval "$$(scripts/engine.sh env)"

.PHONY: venv engine engine-down demo test test-2024 test-fast lint imports format fixtures bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

engine:
	scripts/engine.sh up

engine-down:
	scripts/engine.sh down

demo: venv engine
	$(ENGINE_ENV) && PATH=$(CURDIR)/$(BIN):$$PATH scripts/demo.sh

test: venv engine
	$(ENGINE_ENV) && $(BIN)/python -m pytest $(PYTEST_ARGS)

# The engine tests on the 2024 engine (CI's second leg).
test-2024: venv
	ARXDOCKER_ENGINE=2024 scripts/engine.sh up
	eval "$$(ARXDOCKER_ENGINE=2024 scripts/engine.sh env)" && $(BIN)/python -m pytest -m engine $(PYTEST_ARGS)

test-fast: venv
	$(BIN)/python -m pytest -m "not engine" $(PYTEST_ARGS)

lint: venv imports
	$(BIN)/ruff check arxdocker tests scripts
	$(BIN)/ruff format --check arxdocker tests scripts

# The import contracts of pyproject.toml ([tool.importlinter]): which package may import which.
imports: venv
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff format arxdocker tests scripts
	$(BIN)/ruff check --fix arxdocker tests scripts

fixtures: venv engine
	$(ENGINE_ENV) && $(BIN)/python scripts/capture_fixtures.py

bench: venv
	$(BIN)/python scripts/bench_analyze.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache
