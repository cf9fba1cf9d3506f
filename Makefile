# The two commands a fresh machine needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test lint bench system-deps venv-package sandbox-python languages demo interop-venvs

# A .venv whose pip does not run is half-made (`python3 -m venv` failed after creating
# bin/python, e.g. before python3-venv was installed) or its interpreter is gone: remove it
# now, at parse time, so that every target below rebuilds it (make would otherwise take its
# bin/python and stamps as up to date).
ifneq ($(wildcard $(VENV)),)
ifneq ($(shell $(BIN)/python -m pip --version >/dev/null 2>&1 && echo ok),ok)
$(info $(VENV) is broken (its pip does not run): recreating it)
$(shell rm -rf $(VENV))
endif
endif

$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || $(MAKE) --no-print-directory venv-package
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip || { rm -rf $(VENV); exit 1; }

# Debian and Ubuntu ship venv's ensurepip in a package of their own, per Python version
# (python3.11-venv, python3.12-venv; python3-venv pulls the default one).
VENV_PKG = $(shell $(PYTHON) -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')

venv-package:
	@command -v apt-get >/dev/null 2>&1 || { echo "error: $(PYTHON) cannot make a venv (no" \
	  "ensurepip) and there is no apt-get here: install your system's venv package" >&2; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq $(VENV_PKG) >/dev/null || \
	  $(SUDO) apt-get install -y -qq python3-venv >/dev/null
	@$(PYTHON) -c 'import ensurepip' || { echo "error: $(PYTHON) still has no ensurepip" \
	  "(it is not the system Python?); set PYTHON=/usr/bin/python3" >&2; exit 1; }

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

# The packages candidate Python programs may import (numpy, scipy, ...): a venv of the system
# interpreter the sandbox runs (/usr/bin/python3), bound read-only into every sandbox and found
# by the service at .sandbox-python (sandbox/python_env.py). About 250 MB, 1-2 min of wheels.
SANDBOX_PYTHON_DIR ?= .sandbox-python
SANDBOX_PACKAGES ?= numpy scipy sortedcontainers networkx sympy

sandbox-python: $(SANDBOX_PYTHON_DIR)/.installed

$(SANDBOX_PYTHON_DIR)/.installed:
	@/usr/bin/python3 -c 'import ensurepip' 2>/dev/null || $(MAKE) --no-print-directory venv-package PYTHON=/usr/bin/python3
	/usr/bin/python3 -m venv $(SANDBOX_PYTHON_DIR) || { rm -rf $(SANDBOX_PYTHON_DIR); exit 1; }
	$(SANDBOX_PYTHON_DIR)/bin/python -m pip install --quiet $(SANDBOX_PACKAGES) || { rm -rf $(SANDBOX_PYTHON_DIR); exit 1; }
	touch $@

# Toolchains of the code sandbox's other languages (Debian packages; the sandbox sees /usr
# only). Java and JavaScript are tested; Go and Rust are defined but were not run here.
LANGUAGE_PACKAGES ?= default-jdk-headless nodejs golang-go rustc

languages:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	  $(LANGUAGE_PACKAGES) >/dev/null

# Host and port come from VERIREWARD_HOST / VERIREWARD_PORT (default 127.0.0.1:8000), as
# every other setting does.
serve: system-deps $(VENV)/.installed
	$(BIN)/verireward serve

# The trainers' own environments for tests/interop (OpenRLHF 0.11.2, verl 0.9.1 with their
# transformers pins, --no-deps plus what their imported modules need); cached under
# .venv-interop/, rebuilt when tests/interop/setup_venvs.sh changes. About 1-5 min cold.
interop-venvs: $(VENV)/.installed-dev
	timeout 900 bash tests/interop/setup_venvs.sh $(BIN)/python

test: system-deps sandbox-python $(VENV)/.installed-dev interop-venvs
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
	$(BIN)/python bench/judge_bench.py

# The R1 recipe in miniature on CPU: a tiny model from scratch, cold start, GRPO, rejection
# sampling, distillation; held-out accuracy per stage in pipeline-out/ (stages.jsonl, pipeline.png).
demo: $(VENV)/.installed-dev
	$(BIN)/verireward-train pipeline --preset tiny-arith --out pipeline-out
