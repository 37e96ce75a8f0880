# Two commands on a fresh machine with only Python 3.12: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= 2
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test test-fast setup serve seed bench lint format services services-stop messages check faults static

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.venv/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python "$(PYTHON)"
	@touch $@

setup: .venv/.synced

demo: setup  ## set up, migrate, seed if empty, serve on http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)  (demo guide: http://$(HOST):$(PORT)/demo/)"
	@# runserver is Daphne's (ASGI: pages and the watch-party WebSockets), as daphne heads INSTALLED_APPS
	@# Links in e-mails and push messages point where the demo is served (unless SITE_URL is set).
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT) --noreload

test: setup  ## set up and run the whole test suite (both cores)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# --reuse-db: each test process starts from a copy of a migrated template database instead of
# migrating (tests/conftest.py; a new or edited migration makes a new template by itself).
# `make test-fast PYTEST_ARGS=--create-db` rebuilds it; `make test` and .ci/run always migrate.
test-fast: setup  ## the edit-run loop: skips the browser tests and the ones that seed the demo
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope --reuse-db -m "not browser and not seeded" $(PYTEST_ARGS)

lint: setup  ## ruff, migrations in step with models, and DESIGN.md's import contracts (.importlinter)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	.venv/bin/lint-imports

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

messages: setup  ## refresh the French catalogue from the source (needs GNU gettext)
	$(PY) manage.py makemessages -l fr --no-obsolete --no-location --ignore=.venv --ignore=.tools
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools

static: setup  ## production: collect static files into STATIC_ROOT (the web refuses to start without)
	DJANGO_ENV=production $(PY) manage.py collectstatic --noinput

faults: setup  ## kill Redis, restart PostgreSQL, kill a worker under load; check nothing was lost
	FAULTS=1 $(PY) -m pytest -m faults tests/faults -s -p no:cacheprovider $(PYTEST_ARGS)

bench: setup  ## every viewer page, cached and cold-cache: p50/p95, bytes, queries (one line each)
	$(PY) manage.py bench

services: setup  ## local PostgreSQL + Redis + Celery worker and beat (production-like run)
	bash .ci/services.sh start
	@echo 'export DATABASE_URL=postgresql://streamfront:streamfront@127.0.0.1:5433/streamfront REDIS_URL=redis://127.0.0.1:6380/0'

services-stop:
	bash .ci/services.sh stop
