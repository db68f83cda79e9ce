# Two commands: `make run` serves the app, `make test` runs the suite. Both set everything up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: run test install install-dev translations migrate test-tools corpus demo lint bench messages

# The web server, and beside it the worker that runs imports, mail and the ladder's tick
# (app/background.py); when the server stops, so does the worker.
run: install translations migrate
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install-dev translations test-tools corpus
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed node_modules/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Browser code from the npm registry (package-lock.json): the scan page's barcode decoder,
# served by the app, and axe-core, which the browser tests run on every page.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations: install
	$(BIN)/pybabel -q compile -d app/translations

migrate: install
	$(FLASK) db upgrade

# Browser tests drive Debian's Chromium; label tests rasterise PDFs with poppler's pdftoppm;
# backup tests on PostgreSQL run pg_dump, pg_restore and psql (postgresql-client).
test-tools:
	@test -x /usr/bin/chromium -a -x /usr/bin/pdftoppm && pg_restore --version >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq chromium poppler-utils postgresql-client)

# python-calamine's test files (tests/corpus.py), fetched once into tests/artifacts/. Should
# the download fail, the suite runs all the same and the test that reads them says why.
corpus: install-dev
	-@$(BIN)/python -m tests.corpus

demo: install translations migrate
	$(FLASK) demo

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-dev translations test-tools
	$(BIN)/python bench/bench_inventory.py
	$(BIN)/python bench/bench_labels.py

# Re-extract the message catalogue after changing user-facing strings.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations
