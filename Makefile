# lifecase — the two commands are `make run` and `make test`; everything else is optional.
# Tools install into ./.tools (uv from PyPI) and ./.venv (the workspace, from uv.lock).

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MEMBERS := $(wildcard libs/*/pyproject.toml services/*/pyproject.toml infra/*/pyproject.toml)

.PHONY: run test test-unit test-integration test-e2e bench bench-queues lint format setup clean

run: setup ## Start the whole system on http://127.0.0.1:8000 (Ctrl-C stops it)
	$(VENV)/bin/lifecase run

test: setup ## The whole suite: unit, then integration on SQLite and PostgreSQL, then e2e
	$(PY) -m pytest tests/unit tests/integration
	$(PY) -m pytest tests/e2e

test-unit: setup
	$(PY) -m pytest tests/unit

test-integration: setup
	$(PY) -m pytest tests/integration

test-e2e: setup
	$(PY) -m pytest tests/e2e

bench: setup ## End-to-end benchmark against a bare Temporal baseline (JSON + table)
	$(PY) -m bench.e2e_hiring

bench-queues: setup ## Queue-listing latency at 1k/10k/100k open items, SQLite and PostgreSQL
	$(PY) -m bench.queue_listing

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy libs/contracts/src libs/platform/src services/*/src infra/embedded/src bench

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

setup: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml $(MEMBERS)
	$(UV) sync --frozen
	touch $@

clean: ## Remove installed tools and the demo's state
	rm -rf .tools $(VENV) .lifecase
