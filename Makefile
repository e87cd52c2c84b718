# lifecase — the two commands are `make run` and `make test`; everything else is optional.
# Tools install into ./.tools (uv from PyPI) and ./.venv (the workspace, from uv.lock).

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MEMBERS := $(wildcard libs/*/pyproject.toml services/*/pyproject.toml infra/*/pyproject.toml)
# Packages with web pages: each keeps its Babel catalogue in locale/da/LC_MESSAGES/messages.po.
UI_PACKAGES := libs/platform/src/lifecase_platform/webui services/intake/src/lifecase_intake/portal \
	services/lifecycle/src/lifecase_lifecycle/admin_ui services/routing/src/lifecase_routing/admin_ui \
	services/routing/src/lifecase_routing/workspace_ui \
	services/notifications/src/lifecase_notifications/admin_ui \
	services/notifications/src/lifecase_notifications/inbox_ui \
	services/notifications/src/lifecase_notifications/preferences_ui \
	services/insight/src/lifecase_insight/dashboard_ui
CHROMIUM := /usr/bin/chromium
# pytest-xdist workers for unit + integration: each worker runs its own Temporal dev server and
# its tests' own NATS and databases, so tests never share state across workers. Two fit a
# 2-core machine (the tier waits on engines more than it computes); raise it on bigger ones.
TEST_WORKERS ?= 2

.PHONY: run run-cluster test test-unit test-integration test-e2e test-browser fuzz screenshots bench \
	bench-queues bench-triage faults lint format messages setup chromium asyncapi-check clean

run: setup ## Start the whole system on http://127.0.0.1:8000 (Ctrl-C stops it)
	$(VENV)/bin/lifecase run

run-cluster: setup ## The multi-node topology on this machine: 3 NATS nodes, PostgreSQL, 2 replicas per service
	$(VENV)/bin/lifecase cluster

test: setup chromium asyncapi-check ## The whole suite: unit, integration (SQLite and PostgreSQL), e2e, API fuzz, browser
	$(PY) -m pytest -n $(TEST_WORKERS) tests/unit tests/integration
	$(PY) -m pytest tests/e2e
	tests/fuzz/api.sh 8 examples,fuzzing  # a short schemathesis run; `make fuzz` runs all phases
	$(PY) -m pytest tests/browser  # its own process: sync Playwright upsets later asyncio tests

test-unit: setup
	$(PY) -m pytest tests/unit

test-integration: setup
	$(PY) -m pytest -n $(TEST_WORKERS) tests/integration

test-e2e: setup
	$(PY) -m pytest tests/e2e

test-browser: setup chromium ## The web pages in a real Chromium (Playwright + axe-core)
	$(PY) -m pytest tests/browser

fuzz: setup ## schemathesis over the served OpenAPI as a reporter and an admin: no 5xx, no schema violation
	tests/fuzz/api.sh 40

screenshots: setup chromium ## Retake docs/screenshots/*.png of the main pages
	LIFECASE_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/browser/test_screenshots.py

bench: setup ## End-to-end throughput against bare Temporal: SQLite and PostgreSQL, one process per service and all in one (JSON + table)
	infra/scripts/postgres-up
	for db in sqlite postgresql; do for topology in services single; do \
	  $(PY) -m bench.e2e_hiring --database $$db --topology $$topology \
	    --json bench/results/e2e_hiring-$$db-$$topology.json || exit 1; done; done

faults: setup ## Kill engines and the whole system mid-flow: lost, duplicated, time to heal (JSON + table)
	$(PY) -m tests.faults

bench-queues: setup ## Queue-listing latency at 1k/10k/100k open items, SQLite and PostgreSQL
	$(PY) -m bench.queue_listing

bench-triage: setup ## The free-text triage model on the shipped held-out set: accuracy, latency, memory
	$(PY) -m bench.triage --json bench/results/triage.json

lint: setup ## ruff (lint and format check) and strict mypy over the code, the benchmarks and the tests
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy libs/contracts/src libs/platform/src services/*/src infra/embedded/src bench tests

messages: setup ## Add new page texts to the Danish catalogues (then translate them there)
	for d in $(UI_PACKAGES); do \
	  $(VENV)/bin/pybabel -q extract -F babel.cfg --no-location --sort-output -o $$d/locale/messages.pot $$d && \
	  $(VENV)/bin/pybabel -q update -i $$d/locale/messages.pot -d $$d/locale -l da \
	    --no-wrap --ignore-obsolete && rm $$d/locale/messages.pot || exit 1; \
	done

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

setup: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# Bytecode compiled once at install: where PYTHONDONTWRITEBYTECODE is set (as on our machines)
# every process would otherwise compile its imports from source again (about 2.5 s of CPU per
# process start; a cluster run starts a dozen).
$(VENV)/.synced: $(UV) uv.lock pyproject.toml $(MEMBERS)
	$(UV) sync --frozen --compile-bytecode
	touch $@

# The AsyncAPI initiative's parser checks the event catalogue (tests/unit/test_event_catalogue.py),
# installed from the npm registry at the versions in its package-lock.json.
ASYNCAPI_CHECK := tools/asyncapi-check
asyncapi-check: $(ASYNCAPI_CHECK)/node_modules/.package-lock.json
$(ASYNCAPI_CHECK)/node_modules/.package-lock.json: $(ASYNCAPI_CHECK)/package-lock.json
	npm ci --prefix $(ASYNCAPI_CHECK) --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
# Installed once, as root, when it is missing.
chromium:
	@test -x $(CHROMIUM) || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

clean: ## Remove installed tools and the demo's state
	rm -rf .tools $(VENV) .lifecase
