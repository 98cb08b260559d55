# Liangze: `make run` serves the demo, `make test` runs the suite. Everything else is for developers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
PYTEST_WORKERS ?= -n 2 --dist loadfile
# make run PORT=8001 serves on another port (of the loopback address).
PORT ?= 8000

.PHONY: run test test-browser test-all bench lint format lock messages check clean venv

$(PY):
	@if ! $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing python3-venv (Debian)…"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  else \
	    echo "Python's venv module is missing: run 'sudo apt-get install -y python3-venv' and try again."; exit 1; \
	  fi; \
	fi
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements/base.txt | $(PY)
	$(PIP) install --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev: requirements/base.txt requirements/dev.txt | $(PY)
	$(PIP) install --require-hashes -r requirements/base.txt -r requirements/dev.txt
	@touch $@ $(VENV)/.runtime

venv: $(VENV)/.runtime

run: $(VENV)/.runtime
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) compiletranslations -v0
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) demo_load
	$(MANAGE) serve --bind 127.0.0.1:$(PORT)

test: $(VENV)/.dev
	$(MANAGE) compiletranslations -v0
	$(PY) -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-browser: $(VENV)/.dev
	@command -v chromium >/dev/null || { echo "Chromium is missing: apt-get install -y chromium fonts-noto-cjk"; exit 1; }
	$(MANAGE) compiletranslations -v0
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

# make bench BENCH_DATABASE_URL=postgres://…/liangze_bench adds the PostgreSQL leg: the list and
# search benchmarks at BENCH_PG_BUSINESSES businesses, in that database (its registry is built once
# and kept there; never name a database whose data you need). BENCH_PG_ONLY names the groups of
# that leg: `make bench BENCH_ONLY=enterprise BENCH_PG_ONLY=enterprise BENCH_DATABASE_URL=…` runs
# the enterprise duties alone on both legs (BENCH_DAILY_CHECKS, 150,000 daily checks on SQLite;
# BENCH_PG_DAILY_CHECKS, 15,000,000 on PostgreSQL, built once there by set-based SQL and kept).
# The generated province (PostgreSQL only; 1,000,000 businesses, 100,000 officials, about
# 10,000,000 visits, built once by INSERT … SELECT in its own database and kept there):
# `make bench BENCH_ONLY=none BENCH_PG_ONLY=province BENCH_DATABASE_URL=…/liangze_bench_province`;
# BENCH_PG_BUSINESSES=20000 for a quick run, BENCH_PROVINCE_QUARTERS (12) the quarters of visits.
BENCH_DATABASE_URL ?=
BENCH_PG_BUSINESSES ?= 1000000
BENCH_PG_ONLY ?= lists
BENCH_PG_DAILY_CHECKS ?= 15000000
bench: $(VENV)/.dev
	$(MANAGE) compiletranslations -v0
	env -u BENCH_DATABASE_URL $(PY) -m benchmarks
	@if [ -n "$(BENCH_DATABASE_URL)" ]; then \
	  echo "PostgreSQL leg: $(BENCH_PG_ONLY) at $(BENCH_PG_BUSINESSES) businesses"; \
	  env BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" BENCH_DAILY_CHECKS=$(BENCH_PG_DAILY_CHECKS) \
	    BENCH_BUSINESSES=$(BENCH_PG_BUSINESSES) BENCH_ONLY=$(BENCH_PG_ONLY) $(PY) -m benchmarks; \
	else \
	  echo "PostgreSQL leg skipped: make bench BENCH_DATABASE_URL=postgres://…/liangze_bench"; \
	fi

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run -v1
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache --no-logo

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the hashed lock files after editing requirements/*.in.
lock: $(VENV)/.dev
	cd requirements && ../$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o base.txt base.in
	cd requirements && ../$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o dev.txt dev.in

# Extract new strings into the catalogue (needs GNU gettext, a developer tool only).
messages: $(VENV)/.dev
	cd src/liangze && ../../$(PY) ../../manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore 'static/*'

clean:
	rm -rf $(VENV) var
