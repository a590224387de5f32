# qinternet developer commands.  `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SRC    := $(shell find src -name '*.py' -o -name 'py.typed' 2>/dev/null)

.PHONY: demo test install lint typecheck pytest bench corpus clean sysdeps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes (the package is installed editable).
$(VENV)/.stamp-install: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[plot,topology]'
	touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-install
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.stamp-install

demo: install
	$(BIN)/qinternet demo

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check .

typecheck: $(VENV)/.stamp-test
	$(BIN)/mypy

# System packages of the service tests (Debian; CI runs as root on a fresh machine): the
# PostgreSQL server and the chromium browser the dashboard's Playwright tests drive (browser
# downloads are not possible, so Playwright is pointed at /usr/bin/chromium). Best effort: a
# package that cannot be installed makes its tests skip with the reason.
SYSDEPS_APT = timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 900 \
	apt-get install -y -qq --no-install-recommends
sysdeps:
	@if command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing the Debian package postgresql (service tests)"; \
	  ( $(SYSDEPS_APT) postgresql ) >/tmp/qinternet-apt.log 2>&1 \
	  || echo "warning: apt-get could not install postgresql (/tmp/qinternet-apt.log); its tests will be skipped"; \
	else echo "note: no PostgreSQL server installed; its tests will be skipped"; fi
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing the Debian package chromium (dashboard browser tests)"; \
	  ( $(SYSDEPS_APT) chromium ) >/tmp/qinternet-apt-chromium.log 2>&1 \
	  || echo "warning: apt-get could not install chromium (/tmp/qinternet-apt-chromium.log); the browser tests will be skipped"; \
	else echo "note: no chromium installed; the browser tests will be skipped"; fi

pytest: $(VENV)/.stamp-test sysdeps
	$(BIN)/python -m pytest -m "not slow"

test: lint typecheck pytest

bench: $(VENV)/.stamp-test
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Every real topohub network through every query type, checked against independent LPs
# (the sample in tests/networks/test_corpus_sample.py runs in `make test`).
corpus: $(VENV)/.stamp-test
	$(BIN)/python benchmarks/corpus.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
