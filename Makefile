# Every target bootstraps .venv from pyproject.toml first: nothing to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PIP_NO_INPUT := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv plan diagram test lint typecheck unit clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## plan: the offline plan of the dev stack (mock engine: no Azure account, no Pulumi CLI)
plan: venv
	$(BIN)/vmss-plan dev

## diagram: regenerate the README's diagram of the dev environment from the offline plan
diagram: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/update_readme_diagram.py

## test: lint, type-check and run the test suite (what CI runs)
test: lint typecheck unit

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy components stacks

# pytest exits 5 when it collects no tests; make treats that as the failure it is.
unit: venv
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
