# Two commands do all the set-up on a fresh machine:
#   make demo   runs the seed example on Airflow's embedded default (SQLite, LocalExecutor)
#   make test   runs the whole test suite
# Both create .venv from the pinned requirements.lock when it is missing or stale (the demo only
# Airflow and the package; the tests every extra and the dev tools).
#   make test-compat AIRFLOW=3.1   the Airflow suite on another supported minor (3.1, 3.2, 3.3),
#                                  in .venv-airflow-3.1 built from requirements/airflow-3.1.lock

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every extra, from the one lock: the distributed tests run celery, postgres and s3, and
# tests/test_extras.py imports each one. `make venv EXTRAS=dev` builds a smaller venv.
EXTRAS ?= dev,celery,postgres,s3,gcs,kubernetes
# What `make demo` needs and nothing else: a newcomer's first run installs Airflow and the package.
DEMO_STAMP := $(VENV)/.installed-demo
# The supported minors besides the default lock's 3.3, each with its own lock and venv.
COMPAT_MINORS := 3.1 3.2
AIRFLOW ?= 3.1
COMPAT_VENV  := .venv-airflow-$(AIRFLOW)
COMPAT_LOCK  := requirements/airflow-$(AIRFLOW).lock
COMPAT_STAMP := $(COMPAT_VENV)/.installed

.PHONY: venv demo test test-compat test-compat-all test-core test-airflow lint bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[$(EXTRAS)]'
	touch $@ $(DEMO_STAMP)

$(DEMO_STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	touch $@

venv: $(STAMP)

demo: $(DEMO_STAMP)
	bash scripts/demo.sh

test: $(STAMP)
	bash scripts/ensure_chromium.sh
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# uv (from the dev extra) installs a minor's lock in seconds from its cache; `-e .[...]` with the lock
# as constraints also proves that every range in pyproject.toml admits that minor's pins.
$(COMPAT_STAMP): pyproject.toml $(COMPAT_LOCK) | $(STAMP)
	rm -rf $(COMPAT_VENV)
	$(BIN)/uv venv --quiet --seed --python $(PYTHON) $(COMPAT_VENV)
	$(BIN)/uv pip install --quiet --python $(COMPAT_VENV)/bin/python -c $(COMPAT_LOCK) -e '.[$(EXTRAS)]'
	touch $@

# The Airflow suite (-m airflow), then the real-scheduler runs (seed, nested, failing, clearing), the
# graph view, and the wheel installed into a venv holding only this minor's Airflow.
test-compat: $(COMPAT_STAMP)
	bash scripts/ensure_chromium.sh
	$(COMPAT_VENV)/bin/python -m pytest -q -m airflow
	$(COMPAT_VENV)/bin/python -m pytest -q -m 'not distributed' \
		tests/airflow/test_scheduler_runs.py tests/airflow/test_graph_view.py tests/test_packaging.py

test-compat-all:
	$(foreach minor,$(COMPAT_MINORS),$(MAKE) test-compat AIRFLOW=$(minor) &&) true

test-core: $(STAMP)
	$(BIN)/python -m pytest -q tests/core

test-airflow: $(STAMP)
	$(BIN)/python -m pytest -q -m airflow

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/ruff format --check airflow_dynflow tests bench harness examples

bench: $(STAMP)
	$(BIN)/python -m bench --write-docs

clean:
	rm -rf $(VENV) .venv-airflow-* airflow_home
