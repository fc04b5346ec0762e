# Two commands on a fresh Debian machine with Python 3.11:
#   make run    set up, index the bundled corpus if the index is empty, serve the chat on 127.0.0.1:7860
#   make test   set up (including headless Chromium and axe-core for the browser tests) and run every test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin

AXE := tests/.axe/node_modules/axe-core/axe.min.js

.PHONY: setup browser-deps axe run test test-fast check eval-seed loadtest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: the CPU build on this machine's disk; a floating torch pulls CUDA wheels.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work offline).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

# axe-core from npm for the accessibility tests, into a folder git ignores.
$(AXE):
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq npm >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq npm >/dev/null; fi; }
	npm install --silent --no-audit --no-fund --prefix tests/.axe axe-core@4.14.1

axe: $(AXE)

run: setup
	$(BIN)/python app.py

test: setup browser-deps axe
	$(BIN)/python -m pytest

# Without the real model, Chroma server processes, Chromium and Gradio servers: about a minute.
test-fast: setup
	$(BIN)/python -m pytest -m "not integration and not browser and not server and not ui_server"

check: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

eval-seed: setup
	$(BIN)/strategy-assistant ingest corpus/ && \
	$(BIN)/strategy-assistant eval ../shared/eval/seed-dev.jsonl --out reports/seed-dev --compare bm25,dense

# The public demo under 4, 16 and 32 simulated users, 30 s each (LOAD_SECONDS=60 for longer runs).
loadtest: setup
	$(BIN)/python benchmarks/loadtest.py --seconds $(or $(LOAD_SECONDS),30)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
