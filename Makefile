# The README's two commands are `make run` and `make test`; every target calls manage.py or pytest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install run test bench lint format check-deploy stop-db clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock changes.
$(STAMP): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

# axe-core, injected into pages by the browser tests, and @gouvfr/dsfr-chart, whose copy in static/vendor/ a test
# compares with it (package-lock.json pins both).
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(CHROMIUM):
	@echo "Chromium is missing: installing Debian's package for the browser tests."
	$(SUDO) apt-get install -y chromium || ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py import_territoires
	$(BIN)/python manage.py load_demo --exemple-ansm
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install $(NODE_STAMP) $(CHROMIUM)
	SECRET_KEY="$${SECRET_KEY:-insecure-key-for-the-test-suite}" $(BIN)/python -m pytest $(PYTEST_ARGS)

# Load benchmark (not part of `make test`): gunicorn + wrk + headless Chromium on a generated volume.
bench: install $(NODE_STAMP) $(CHROMIUM)
	command -v wrk >/dev/null || $(SUDO) apt-get install -y wrk
	$(BIN)/python bench/load.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	SECRET_KEY="$${SECRET_KEY:-insecure-key-for-the-linter}" $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

stop-db: install
	$(BIN)/python -c "from pathlib import Path; from incubateur.embedded_db import stop; stop(Path('.pgdata').resolve())"

clean: stop-db
	rm -rf .pgdata staticfiles node_modules
