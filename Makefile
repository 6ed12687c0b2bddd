# Every target bootstraps .venv first: nothing to install by hand. The environment is
# requirements.lock (every package pinned with its hashes; `make lock` after editing the
# dependencies in pyproject.toml) plus this checkout, editable. uv installs it in seconds;
# uv itself is bootstrapped once per machine with pip, outside the clone, and when that is
# impossible pip installs the same lock (slower, same packages, same hashes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
UV_VERSION := 0.13.9
UV_HOME ?= $(HOME)/.cache/vmss-components/uv-$(UV_VERSION)
UV ?= $(shell command -v uv 2>/dev/null || echo $(UV_HOME)/bin/uv)
export PIP_NO_INPUT := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# uv must use this machine's Python, never download one.
export UV_PYTHON_DOWNLOADS := never
# uv does not compile bytecode at install (pip does): let the first run write the .pyc files,
# or every plan recompiles the SDKs it imports.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: venv lock plan diagram docs golden test lint typecheck unit unit-fast fuzz bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@if test -x "$(UV)" || $(PYTHON) -m pip install --quiet --disable-pip-version-check \
			--target $(UV_HOME) 'uv==$(UV_VERSION)' >/dev/null 2>&1; then \
		echo "installing $(LOCK) with uv"; \
		test -x $(BIN)/python || $(UV) venv --quiet --python $(PYTHON) $(VENV); \
		$(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(LOCK) && \
		$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .; \
	else \
		echo "uv is not available: installing $(LOCK) with pip"; \
		test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
		$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK) && \
		$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .; \
	fi
	@touch $(STAMP)

## lock: re-pin requirements.lock after editing pyproject.toml's dependencies (keeps the
## other pins; `make lock LOCK_FLAGS=--upgrade` takes the newest versions allowed)
lock:
	@test -x "$(UV)" || $(PYTHON) -m pip install --quiet --target $(UV_HOME) 'uv==$(UV_VERSION)'
	$(UV) pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_FLAGS) -o $(LOCK)

## plan: the offline plan of the dev stack (mock engine: no Azure account, no Pulumi CLI)
plan: venv
	$(BIN)/vmss-plan dev

## diagram: regenerate the README's diagram of the dev environment from the offline plan
diagram: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/update_readme_diagram.py

## docs: regenerate docs/components/*.md from the docstrings and docs/rules.md from the declared rules (tests fail while one is stale)
docs: venv
	$(BIN)/python scripts/gen_component_docs.py
	$(BIN)/python scripts/gen_rules_doc.py

## golden: rewrite tests/invariants/golden/ (what Azure receives per stack) after a deliberate change
golden: venv
	$(BIN)/python scripts/update_golden_plans.py

## test: lint, type-check and run the test suite (what CI runs)
test: lint typecheck unit

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The next runs check a user's own project (tests/invariants/user_project) and each example
# as their authors would, with mypy --strict (no casts or ignores needed for config values);
# they share the first run's cache.
USER_PROJECT := tests/invariants/user_project/infra
EXAMPLES := $(wildcard examples/*/__main__.py)
typecheck: venv
	$(BIN)/mypy components/vmss_components components/vmss_plan stacks scripts
	cd $(USER_PROJECT) && $(CURDIR)/$(BIN)/mypy --strict --config-file $(CURDIR)/pyproject.toml \
		--cache-dir $(CURDIR)/.mypy_cache .
	for example in $(dir $(EXAMPLES)); do \
		(cd $$example && $(CURDIR)/$(BIN)/mypy --strict --config-file $(CURDIR)/pyproject.toml \
			--cache-dir $(CURDIR)/.mypy_cache .) || exit 1; \
	done

# The whole suite, every tier (tests/unit, integration, components, plan, invariants).
# pytest exits 5 when it collects no tests; make treats that as the failure it is.
unit: venv
	$(BIN)/pytest -n auto

## unit-fast: only the fast pure tier, tests/unit (no mock engine, no tools), in one process
unit-fast: venv
	$(BIN)/pytest -q tests/unit

## fuzz: the readers' fuzzers at full size (a small sample of each runs in test)
fuzz: venv
	$(BIN)/pytest -n auto -m fuzz tests/integration

## bench: the benchmarks against their baselines (not part of test); JSON in bench/results/
## BENCH="packaging planning" picks some; zip and GNU time are installed when missing.
bench: venv
	@if ! command -v zip >/dev/null 2>&1 || ! test -x /usr/bin/time; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends zip time >/dev/null; fi
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
