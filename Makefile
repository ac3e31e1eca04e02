# Two commands do all the set-up on a fresh machine:
#   make demo   runs the seed example on Airflow's embedded default (SQLite, LocalExecutor)
#   make test   runs the whole test suite
# Both create .venv from the pinned requirements.lock when it is missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every extra, from the one lock: the distributed tests run celery, postgres and s3, and
# tests/test_extras.py imports each one. `make venv EXTRAS=dev` builds a smaller venv.
EXTRAS ?= dev,celery,postgres,s3,gcs,kubernetes

.PHONY: venv demo test test-core test-airflow lint bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[$(EXTRAS)]'
	touch $@

venv: $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh

test: $(STAMP)
	bash scripts/ensure_chromium.sh
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

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
	rm -rf $(VENV) airflow_home
