# The two commands a fresh machine needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test lint bench system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[service]'
	touch $@

# torch first, pinned to the CPU build this project tests with (a bare `torch` requirement
# would pull a multi-GB CUDA build); override TORCH for a GPU machine.
TORCH ?= torch==2.13.0

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet '$(TORCH)'
	$(BIN)/python -m pip install --quiet -e '.[service,dev,trainer]'
	touch $@

# bubblewrap runs candidate code for the `code` verifier (Debian/Ubuntu package).
system-deps:
	@command -v bwrap >/dev/null 2>&1 || { \
	  command -v apt-get >/dev/null 2>&1 && \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq bubblewrap >/dev/null; \
	} || echo "warning: bubblewrap not installed; the code verifier will be unavailable" >&2

serve: system-deps $(VENV)/.installed
	$(BIN)/verireward serve --host 127.0.0.1 --port 8000

test: system-deps $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

$(VENV)/.installed-bench: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[service,dev,trainer,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/score_bench.py
	$(BIN)/python bench/math_bench.py
	$(BIN)/python bench/code_bench.py
