# Remedy Tracker. `make run` and `make test` install everything they need themselves.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
ASSETS := tracker/assets
STATIC := tracker/static
GOVUK := $(ASSETS)/node_modules/govuk-frontend/dist/govuk
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: postgres help run test demo bench loadtest wrk lint format install assets system-packages browser redis clamav clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: install assets ## Migrate the SQLite database; serve on http://127.0.0.1:5000 with the scheduler
	$(FLASK) db upgrade
	@# The scheduler is its own process (as in production); it stops with the server.
	$(FLASK) scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The suite runs on every core (pytest-xdist); each worker has its own database, ports and
# browser, and an idle worker takes tests queued for a busy one (a few tests take 10 s or more).
# `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto

test: install assets browser redis clamav postgres wrk ## Run the whole test suite on every core (SQLite, or DATABASE_URL if set)
	$(BIN)/pytest --numprocesses=$(TEST_WORKERS) --dist=worksteal

demo: install ## Load the demonstration data built from the source documents
	$(FLASK) db upgrade
	$(FLASK) demo

# The benchmarks run on SQLite, then on PostgreSQL when one answers at BENCH_DATABASE_URL.
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test

bench: install ## Measure speed on SQLite and PostgreSQL (figures in the output; tests never time)
	DATABASE_URL= $(BIN)/pytest tests/benchmarks -m benchmark -s -q
	@if $(BIN)/python -c 'import sqlalchemy as sa, sys; from config import database_url; \
	  sa.create_engine(database_url(sys.argv[1])).connect().close()' '$(BENCH_DATABASE_URL)' 2>/dev/null; \
	then DATABASE_URL='$(BENCH_DATABASE_URL)' $(BIN)/pytest tests/benchmarks -m benchmark -s -q; \
	else echo "No PostgreSQL at $(BENCH_DATABASE_URL): benchmarks ran on SQLite only."; fi

# The pages under load behind gunicorn (2 workers, 4 connections with wrk), on a generated
# database of SIZE (100k or 1m cases; built once, then reused) on PostgreSQL, or on SQLite
# with LOADTEST_DATABASE_URL=sqlite. LOADTEST_SECONDS of load on each page.
SIZE ?= 100k
LOADTEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/
LOADTEST_SECONDS ?= 10

loadtest: install wrk ## Load-test the pages behind gunicorn on a generated database (SIZE=100k|1m)
	@if [[ '$(LOADTEST_DATABASE_URL)' == postgres* ]]; then $(MAKE) --no-print-directory postgres; fi
	$(BIN)/python -m tests.benchmarks.loadtest --size '$(SIZE)' \
	  --database-url '$(LOADTEST_DATABASE_URL)' --seconds '$(LOADTEST_SECONDS)'

# Debian's wrk (HTTP load with per-request latency percentiles) for the load test.
wrk:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) wrk; }

lint: install ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.installed

# WeasyPrint (the annual letters' PDFs) loads Pango and HarfBuzz, and embeds a font from the
# machine; their own dependencies (GLib, fontconfig, FreeType) come with them.
WEASYPRINT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

# Debian packages the Python and npm installs need, where the machine lacks them.
system-packages:
	@missing=""; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	for package in $(WEASYPRINT_PACKAGES); do \
	  dpkg-query -W -f='$${db:Status-Status}' $$package 2>/dev/null | grep -qx installed \
	    || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(APT_INSTALL) $$missing; \
	fi

$(VENV)/.installed: pyproject.toml | system-packages
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "Remedy Tracker needs Python 3.11 or newer"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(ASSETS)/node_modules/.package-lock.json: $(ASSETS)/package.json $(ASSETS)/package-lock.json | system-packages
	npm ci --prefix $(ASSETS) --no-audit --no-fund --ignore-scripts

assets: $(STATIC)/.built

# GOV.UK Frontend compiled with our settings into an ignored folder that Flask serves.
$(STATIC)/.built: $(ASSETS)/node_modules/.package-lock.json $(ASSETS)/app.scss $(ASSETS)/app.mjs $(ASSETS)/favicon.svg
	rm -rf $(STATIC)
	mkdir -p $(STATIC)
	$(ASSETS)/node_modules/.bin/sass --load-path=$(ASSETS)/node_modules --style=compressed \
	  --no-source-map --quiet-deps $(ASSETS)/app.scss $(STATIC)/app.css
	cp $(GOVUK)/govuk-frontend.min.js $(ASSETS)/app.mjs $(ASSETS)/favicon.svg $(STATIC)/
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads one).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) chromium; }

# Debian's Redis for the rate-limit tests; each test starts a server of its own on a free port.
redis:
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) redis-server; }

# Debian's ClamAV daemon for the virus-scanning tests; the suite starts its own clamd with a
# test signature of its own (freshclam is never needed), so the packaged service may stay off.
clamav:
	@command -v clamd >/dev/null || [ -x /usr/sbin/clamd ] \
	  || { $(SUDO) apt-get update -qq && $(APT_INSTALL) clamav-daemon; }

# PostgreSQL for the two-server test (and the suite with DATABASE_URL): Debian's cluster,
# started when it is installed but not answering on 127.0.0.1:5432.
postgres:
	@command -v pg_ctlcluster >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) postgresql; }
	@pg_isready -h 127.0.0.1 -p 5432 -q || { \
	  $(SUDO) pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | tail -1)" main start; \
	  for _ in $$(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }

clean: ## Remove the virtualenv, npm packages and built assets (keeps instance/)
	rm -rf $(VENV) $(ASSETS)/node_modules $(STATIC)
