# The two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench clean

install: $(STAMP)

# Reinstall only when the packaging metadata changes; the install is
# editable, so code and policy edits need no reinstall. Quietly: a user of
# `make run` needs the verdict table, not pip's progress (-qq keeps errors).
$(STAMP): pyproject.toml
	@echo "Setting up vires in $(VENV) (the first time takes about half a minute)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --upgrade pip
	@$(BIN)/python -m pip install -qq -e '.[test,prove]'
	@touch $(STAMP)

run: install
	@# Non-valid and undetermined verdicts are results, not failures: only exit 2 (bad input) or 3 fails.
	@$(BIN)/vires check --format table cases/*.yaml; rc=$$?; [ $$rc -le 1 ] || [ $$rc -eq 4 ]

# Static checks first (unused names, import order, types), then the tests.
test: install
	$(BIN)/ruff check checker tests bench
	$(BIN)/mypy checker
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
