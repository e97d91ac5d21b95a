# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)

.PHONY: install install-ray index run chat test test-fast lint bench clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)  ## create the venv and install the pinned requirements

# The optional Ray engine (requirements-ray.txt): the tests use it against a local Ray.
RAY_STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-ray.txt | cksum | cut -d' ' -f1)-ray
$(RAY_STAMP): $(STAMP) requirements-ray.txt
	$(PY) -m pip install --quiet -r requirements-ray.txt
	@touch $@

install-ray: $(RAY_STAMP)  ## also install the Ray engine's pinned requirements

index: install  ## build the index when it is missing or stale
	$(PY) -m index build --if-stale

run: index  ## start the bot (a terminal chat when TELEGRAM_BOT_TOKEN is not set)
	$(PY) -m bot

chat: index  ## the terminal chat, even with a token set
	$(PY) -m bot --terminal

lint: install  ## ruff, the import contract (.importlinter) and mypy over index/ and bot/
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

test: lint install-ray  ## lint, then the whole test suite (offline; the Ray engine against a local Ray)
	$(PY) -m pytest -q

test-fast: lint  ## the tests that do not load the real model
	$(PY) -m pytest -q -m "not model"

bench: install-ray index  ## benchmark tables -> BENCHMARKS.md (whole builds of real news need /work/data or NEWSBOT_DATA)
	$(PY) -m scripts.bench

clean:
	rm -rf var .pytest_cache .ruff_cache .mypy_cache
