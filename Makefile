# Two commands do all set-up on a fresh machine:
#   make run    create .venv, install, migrate, seed the demo, serve web + Celery worker + beat
#   make test   install the dev requirements, run the whole suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: run test lint typecheck security bench schema fuzz lock clean help

help:
	@echo "make run    serve the whole system on http://127.0.0.1:8000 with demo data"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff check + format check;  make typecheck   mypy"
	@echo "make lock   regenerate requirements*.lock from requirements*.txt"

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' \
		|| { echo "Set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip wheel setuptools

# Installs are from the lock files (every package pinned, with its hashes); `make lock` makes
# them from the requirements*.txt inputs.
$(VENV)/.runtime: requirements.lock | $(PY)
	$(PIP) install --quiet --require-hashes -r requirements.lock
	@touch $@

# pyBKT's C++ build and catsim are reference implementations the engine is checked against;
# pyBKT must build against the numpy already installed, hence --no-build-isolation.
$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock requirements-ref.lock
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	$(PIP) install --quiet --require-hashes --no-build-isolation -r requirements-ref.lock
	@touch $@

# Resolve the inputs into the locks with pip-tools (in its own venv, so .venv holds exactly the
# locks). The dev lock keeps the runtime lock's pins and the ref lock the dev lock's, so the three
# agree. Pins already in a lock are kept where the inputs allow; LOCK_ARGS=--upgrade moves every
# package to its newest allowed version, LOCK_ARGS="--upgrade-package NAME" one package.
LOCK_VENV := .tools/pip-tools
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(LOCK_ARGS)

$(LOCK_VENV)/bin/pip-compile: | $(PY)
	$(PY) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		pip==26.3 pip-tools==7.6.2

lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --constraint requirements.lock --output-file requirements-dev.lock \
		requirements-dev.txt
	$(PIP_COMPILE) --constraint requirements-dev.lock --output-file requirements-ref.lock \
		requirements-ref.txt

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

# Bandit at medium severity and up; each finding left is fixed or explained where it is
# (a "# nosec <id>" with the reason above it).
security: $(VENV)/.dev
	$(BIN)/bandit -ll -q -r apps adaptive_learning

schema: $(VENV)/.runtime
	$(PY) manage.py spectacular --fail-on-warn --validate --file var/openapi.yml

# The scripts, not their helpers (bench_settings, bench_urls, scratch); see bench/README.md.
BENCH := engine_bkt engine_bkt_real engine_irt engine_irt_sparse engine_cat imports dashboards answers recalculation

bench: $(VENV)/.dev
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null \
		|| echo "could not install wrk; bench/answers.py will say so"
	@for name in $(BENCH); do echo "== bench/$$name.py"; $(PY) bench/$$name.py || exit 1; done

# Schemathesis against the served schema as learner, teacher and admin: 0 server errors and
# responses that match the schema (tests/fuzz/run_fuzz.py; e.g. FUZZ_ARGS="--max-time 30").
fuzz: $(VENV)/.dev
	$(PY) tests/fuzz/run_fuzz.py $(FUZZ_ARGS)

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache .mypy_cache
