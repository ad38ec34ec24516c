# The two commands of the README:
#   make audit   set everything up, then audit the sample journeys
#   make test    set everything up, then run lint, type checks and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: audit test setup graphviz browser mermaid lint gallery bench clean

MERMAID_VERSION := 12.3.0
MERMAID := .cache/mermaid-$(MERMAID_VERSION).min.js

audit: setup graphviz
	$(BIN)/journeymap audit journeys/ --exit-zero

bench: setup
	$(BIN)/python -m tests.benchmarks.bench 1000 10000 100000
	$(BIN)/python -m tests.benchmarks.bench --render 100 1000 5000

gallery: setup graphviz
	$(BIN)/python -m journeymap.gallery

test: setup graphviz browser mermaid lint
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check journeymap tests
	$(BIN)/ruff format --check journeymap tests
	$(BIN)/mypy

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

graphviz:
	@sh .ci/install-system-deps graphviz

browser:
	@sh .ci/install-system-deps browser

# Mermaid's own renderer (from the npm registry), for the tests that draw the Mermaid
# diagrams in Chromium; kept in .cache/, never committed.
mermaid: $(MERMAID)

$(MERMAID):
	@sh .ci/install-system-deps node
	mkdir -p .cache/mermaid-pack
	cd .cache/mermaid-pack && npm pack --silent mermaid@$(MERMAID_VERSION) >/dev/null
	tar -xzf .cache/mermaid-pack/mermaid-$(MERMAID_VERSION).tgz -C .cache/mermaid-pack package/dist/mermaid.min.js
	mv .cache/mermaid-pack/package/dist/mermaid.min.js $(MERMAID)
	rm -rf .cache/mermaid-pack

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .cache
