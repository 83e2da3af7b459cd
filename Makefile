# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
HOST_PORT ?= 127.0.0.1:8000

.PHONY: demo test lint install install-dev chromium screenshots mutants mutation clean

# Browser-test tools from npm (axe-core, terser), pinned in package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[site]"

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,bench]"

# Debian's Chromium for the browser tests; never a browser download of Playwright's own.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "Chromium is missing: run 'sudo apt-get install chromium'"; exit 1; \
		fi; \
	fi

# Migrates, seeds, then serves the site and runs a Celery worker with beat (scripts/demo.py).
demo: install
	$(BIN)/python scripts/demo.py --addr $(HOST_PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite on SQLite. When DATABASE_URL is set (CI), every other test runs on both
# databases, then the browser and standalone tests run once, on that PostgreSQL.
# Tests run in TEST_WORKERS processes (pytest-xdist; "auto": one per core), each with its own test
# database, Celery queues and browser. Each process runs its tests in pytest-django's order (the
# ones that empty the database after them last). The browser and standalone tests (transactional
# or with no Django database) go out a file at a time, so a file's costly set-up is built once.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS)

test: install-dev chromium node_modules/.package-lock.json lint
	@if [ -n "$$DATABASE_URL" ]; then \
		env -u DATABASE_URL $(PYTEST) -m "not browser and not standalone" && \
		echo "== again on $$DATABASE_URL ==" && \
		$(PYTEST) -m "not browser and not standalone" && \
		echo "== the browser and standalone tests, once, on $$DATABASE_URL ==" && \
		$(PYTEST) --dist loadfile -m "browser or standalone"; \
	else \
		$(PYTEST); \
	fi

# Known mutants of the critical modules must each fail their tests (scripts/mutants.py).
mutants: install-dev
	$(BIN)/python scripts/mutants.py $(MUTANTS_ARGS)

# Mutation score of each critical module into bench/MUTATION.md (long; MODULES=... for some).
mutation: install-dev
	$(BIN)/python bench/mutation.py $(MODULES)

screenshots: install-dev chromium node_modules/.package-lock.json
	CITYUX_SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest tests/e2e

clean:
	rm -rf $(VENV) node_modules db.sqlite3 .demo static media
