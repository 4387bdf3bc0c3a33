# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= db/casereview.db
STAMP := $(VENV)/.installed

.PHONY: run test demo bench bench-serve clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit("casereview needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	test -f $(DB) || $(BIN)/casereview demo --db $(DB)
	$(BIN)/casereview --db $(DB)

demo: $(STAMP)
	$(BIN)/casereview demo --db $(DB)

# Lint (ruff), the layering contract (import-linter, pyproject.toml), then the tests.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/serve_load.py $(SERVE_ARGS)

bench-serve: $(STAMP)
	$(BIN)/python bench/serve_load.py $(SERVE_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
