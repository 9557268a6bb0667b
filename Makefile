# Two commands do all set-up on a fresh machine:
#   make run    create .venv, install, migrate, seed the demo, serve web + Celery worker + beat
#   make test   install the dev requirements, run the whole suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: run test lint typecheck bench schema clean help

help:
	@echo "make run    serve the whole system on http://127.0.0.1:8000 with demo data"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff check + format check;  make typecheck   mypy"

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' \
		|| { echo "Set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip wheel setuptools

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	@touch $@

# pyBKT's C++ build and catsim are reference implementations the engine is checked against;
# pyBKT must build against the numpy already installed, hence --no-build-isolation.
$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt requirements-ref.txt
	$(PIP) install --quiet -r requirements-dev.txt
	$(PIP) install --quiet --no-build-isolation -r requirements-ref.txt
	@touch $@

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py sync_beat_schedule -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v 0
	@exec deploy/local/run.sh

test: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy apps adaptive_learning

schema: $(VENV)/.runtime
	$(PY) manage.py spectacular --fail-on-warn --validate --file var/openapi.yml

# The scripts, not their helpers (bench_settings, bench_urls, scratch); see bench/README.md.
BENCH := engine_bkt engine_irt engine_irt_sparse engine_cat imports dashboards answers recalculation

bench: $(VENV)/.dev
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null \
		|| echo "could not install wrk; bench/answers.py will say so"
	@for name in $(BENCH); do echo "== bench/$$name.py"; $(PY) bench/$$name.py || exit 1; done

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache .mypy_cache
