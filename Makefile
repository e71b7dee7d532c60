# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup lint format messages browser-test prod-check benchmark clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

setup: install
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --quiet-logins
	$(PY) manage.py create_dev_pki

run: setup
	$(PY) manage.py seed_demo
	@echo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C stops)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) manage.py compile_translations
	$(VENV)/bin/pytest $(PYTEST_ARGS)

browser-test: install
	$(VENV)/bin/pytest -m browser $(PYTEST_ARGS)

# Production settings, gunicorn (TLS), PostgreSQL with the restricted role, a real browser.
prod-check: install
	bash .ci/prod-check

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l sv -l en --ignore=.venv --no-obsolete
	$(PY) manage.py compile_translations

benchmark: install
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) var
