# CampaignOps — `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Two processes, a test file each at a time (module fixtures are built once per file);
# PYTEST_ARGS= runs the suite in one process.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: install messages lint test run bench migrate seed makemessages clean backup restore fuzz load audit

install: $(VENV)/.installed messages

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '.[test]'
	touch $@

messages: $(VENV)/.installed
	$(BIN)/python tools/compilemessages.py

makemessages: $(VENV)/.installed
	$(BIN)/python tools/makemessages.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: install lint
	$(MANAGE) makemigrations --check --dry-run --settings=config.test_settings
	$(BIN)/pytest $(PYTEST_ARGS)

migrate: install
	@mkdir -p var
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

run: seed
	@bash tools/run.sh

bench: install
	@set -e; for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script; done

fuzz: install
	$(BIN)/python tools/fuzz.py $(FUZZ_ARGS)

load: install
	$(BIN)/python tools/load.py $(LOAD_ARGS)

audit: install
	$(BIN)/bandit -q -c pyproject.toml -r analytics campaigns compliance config platforms teams tools
	$(BIN)/pip-audit -r requirements.lock --no-deps --disable-pip --progress-spinner off $(AUDIT_ARGS)

backup: install
	$(MANAGE) backup

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/campaignops-YYYYmmdd-HHMMSS.tar"; exit 2; }
	$(MANAGE) restore "$(FILE)"

clean:
	rm -rf var/celery var/staticfiles
