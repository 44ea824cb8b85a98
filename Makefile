# telesecond: `make run` to try it, `make test` to prove it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint format system-deps install install-dev bench clean translations messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
system-deps:
	@scripts/install-system-deps

# The compiled catalogs (.mo) are built here, never committed (README "Languages").
translations: install
	$(BIN)/python -m telesecond.catalogs compile

# After wrapping new strings: refresh the template and each language's catalog.
POT := telesecond/translations/messages.pot
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project telesecond --copyright-holder "telesecond contributors" -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d telesecond/translations --ignore-obsolete --width 100
	$(BIN)/python -m telesecond.catalogs check || true

run: install translations
	@scripts/run-dev $(PORT)

test: install-dev system-deps translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	$(BIN)/python bench/slots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
