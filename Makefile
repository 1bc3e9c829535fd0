# The README's two commands: `make run` and `make test`. Everything installs from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.install-stamp
# Compiled bytecode is kept (some machines set PYTHONDONTWRITEBYTECODE=1): without it every test
# process compiles Django and the suite from source again, tens of seconds each.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test test-demo install lint fmt migrations-check messages e2e e2e-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade uv

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r pyproject.toml --extra dev
	touch $(STAMP)

install: $(STAMP)

# `make run` shows what production shows (DEBUG off: the portal's own error pages, hashed static
# files), over plain http on this machine. `make run DEBUG=1` for Django's debug pages.
ifeq ($(DEBUG),1)
RUN_ENV := DJANGO_DEBUG=true
else
RUN_ENV := DJANGO_DEBUG=false DJANGO_HTTPS=false DJANGO_SERVE_MEDIA=true \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,[::1] DJANGO_STATIC_ROOT=$(CURDIR)/staticfiles
endif

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v 0
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest -q -n auto -m "not e2e and not integration and not fuzz and not demo" --ignore=tests/fuzz

# The demo data's own tests: each seeds (part of) the province, so they run apart from the fast suite.
test-demo: install
	$(BIN)/pytest -q -n auto -m demo

e2e: install e2e-deps
	$(BIN)/pytest -q -m e2e

# What the browser tests load into pages, from npm: axe-core (accessibility), pinned in
# package.json / package-lock.json, installed into node_modules/ (never committed).
e2e-deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "The browser tests need Node.js and npm for axe-core:" \
		"apt-get install -y nodejs npm (then make e2e-deps)" >&2; exit 1; }
	npm ci --no-audit --no-fund

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --no-obsolete
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
