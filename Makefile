# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint typecheck migrations-check pytest browser-deps bench demo clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml src/buurtbudget/counting/rules/_mesfast.c | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(NODE_STAMP): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(NODE_STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then $(BIN)/buurtbudget compilemessages --ignore=.venv --ignore=node_modules; \
	else echo "msgfmt (gettext) is absent: using the committed .mo files"; fi

## make run: install, migrate the embedded SQLite database, load the demo, serve http://$(HOST):$(PORT)
run: install
	$(BIN)/buurtbudget migrate --noinput
	$(BIN)/buurtbudget demo
	$(BIN)/buurtbudget runserver $(HOST):$(PORT)

demo: install
	$(BIN)/buurtbudget migrate --noinput
	$(BIN)/buurtbudget demo

## Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is absent and cannot be installed: browser tests will be skipped (never in CI)."; fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy src

migrations-check: install
	$(BIN)/buurtbudget makemigrations --check --dry-run

pytest: install browser-deps
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

## make test: install what is missing, then ruff, mypy, the migrations check and the whole test suite.
test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	PYTHONPATH=$(CURDIR) DJANGO_SETTINGS_MODULE=buurtbudget.settings.test $(BIN)/buurtbudget makemigrations --check --dry-run
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

## make bench: every bench/bench_*.py, each printing ratios against a baseline measured in the same run.
bench: install
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .pytest_cache .ruff_cache
