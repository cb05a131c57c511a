# Foorumi: `make run` serves the workbench, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SETTINGS := foorumi_xblock.workbench.settings
export DJANGO_SETTINGS_MODULE := $(SETTINGS)
export EXCLUDE_SAMPLE_XBLOCKS := yes

.PHONY: install run migrate test lint test-fast test-multiprocess bench translations screenshot wheel clean

# The environment both `run` and `test` build on; a stamp makes it idempotent and cheap.
install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt constraints.txt setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

migrate: install
	mkdir -p var
	$(PY) -m django migrate --run-syncdb --verbosity 0

run: migrate
	@echo "Foorumi workbench: http://127.0.0.1:$(PORT)/  (learner: add ?student=anna to a forum's URL; staff: ?student=staff1)"
	$(PY) -m django runserver 127.0.0.1:$(PORT)

test: install lint
	$(PY) -m pytest

# The linter (configured in pyproject.toml): `make test` runs it first.
lint: install
	$(PY) -m ruff check .

# Domain, store and runtime-level tests only: no server, no browser, no database server.
test-fast: install
	$(PY) -m pytest tests --ignore=tests/workbench --ignore=tests/browser --ignore=tests/multiprocess

# Races across gunicorn workers on MariaDB and PostgreSQL (started on loopback as needed; root).
test-multiprocess: install
	$(PY) -m pytest tests/multiprocess

# Benchmarks (bench-only dependencies: xblock-poll as the baseline, pyinstrument); the server
# part starts PostgreSQL on loopback as root (--server none skips it).
bench: install
	$(PY) -m pip install --quiet -r benchmarks/requirements.txt -c constraints.txt
	$(PY) -m benchmarks

# Extract and compile translations (needs GNU gettext: apt-get install gettext).
translations:
	PY=$(PY) scripts/translations.sh

# Renew docs/learner-group.png from a fresh workbench (Debian's chromium; --url for a running one).
screenshot: install
	$(PY) scripts/screenshot.py

wheel: install
	$(PY) -m pip wheel --no-deps -w dist .

clean:
	rm -rf $(VENV) var build dist *.egg-info
