# Leian: `make setup` installs everything into .venv/, `make test` runs the linter and the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ES_PORT ?= 9200

.PHONY: setup test lint bench eval es-up es-down clean

setup:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip==26.3
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'

lint:
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest -q tests

eval:
	$(BIN)/leian eval

bench:
	$(BIN)/leian bench

es-up:
	scripts/es.sh up --port $(ES_PORT)

es-down:
	scripts/es.sh down --port $(ES_PORT)

clean:
	rm -rf .leian .pytest_cache .ruff_cache
