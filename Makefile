# Leian: `make setup` installs everything into .venv/, `make test` runs the linter and the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ES_PORT ?= 9200

.PHONY: setup test lint bench eval es-up es-down clean

# Debian packages for the browser tests (a real headless Chromium) and CJK fonts for screenshots and charts.
APT_PACKAGES := chromium chromium-driver fonts-noto-cjk

setup:
	@if ! command -v chromedriver >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	  else echo "install $(APT_PACKAGES) (as root) for the browser tests; without them they are skipped"; fi; \
	fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip==26.3
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'

lint:
	$(BIN)/ruff check .

# The Elasticsearch tier runs against a real local node: started here when none answers (and stopped
# again afterwards); if it cannot start, those tests are skipped with the reason and the rest still run.
test: lint
	@started=0; \
	if ! scripts/es.sh status --port $(ES_PORT) >/dev/null 2>&1; then \
	  if scripts/es.sh up --port $(ES_PORT); then started=1; \
	  else echo "Elasticsearch could not be started: its tests will be skipped"; fi; \
	fi; \
	$(BIN)/python -m pytest -q tests; rc=$$?; \
	if [ $$started = 1 ]; then scripts/es.sh down --port $(ES_PORT); fi; \
	exit $$rc

eval:
	$(BIN)/leian eval

bench: es-up
	$(BIN)/leian bench

es-up:
	scripts/es.sh up --port $(ES_PORT)

es-down:
	scripts/es.sh down --port $(ES_PORT)

clean:
	rm -rf .leian .pytest_cache .ruff_cache
