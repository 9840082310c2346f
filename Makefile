# The two commands of the README. Each creates .venv with Python 3.11+ and installs into it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-test lint schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

## Serve the seeded demo on http://127.0.0.1:8000/graphql (embedded PostgreSQL unless DATABASE_URL is set;
## `make run PORT=8101` serves on another port).
run: install
	$(BIN)/coalition db upgrade
	$(BIN)/coalition demo
	$(BIN)/coalition serve --port $(PORT)

## Run the whole test suite (embedded PostgreSQL unless TEST_DATABASE_URL is set).
test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	$(BIN)/lint-imports

schema: install
	$(BIN)/coalition schema export

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
