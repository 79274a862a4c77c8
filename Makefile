# Madoguchi: `make run` serves the demo, `make test` runs every test, `make bench` the benchmarks.
# Install steps are stamped, so a second run only does the work that changed.

HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python 3.11+ found; override with `make PYTHON=/path/to/python3.12 ...`.
ifndef PYTHON
PYTHON := $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
endif

VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium

.PHONY: run test bench _browser _fonts

run: $(VENV)/.installed _fonts
	$(BIN)/madoguchi serve --demo --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test _browser _fonts
	@status=0; \
	$(BIN)/python -m pytest || status=$$?; \
	echo "ruff check ."; $(BIN)/ruff check . || status=1; \
	exit $$status

# Every benchmark in bench/ in turn, into one markdown report (bench/report.md): see bench/run_all.
bench: $(VENV)/.installed-test _browser _fonts
	PYTHON=$(BIN)/python bench/run_all

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "Madoguchi needs Python 3.11 or newer (python3 is older); try make PYTHON=python3.12" >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "$(PYTHON) is older than 3.11; Madoguchi needs 3.11 or newer" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

# Debian's Chromium for the browser tests (Playwright's own browser download does not work here),
# with Japanese fonts so that pages are measured with the glyphs residents see.
_browser:
	@if [ ! -x $(CHROMIUM) ] || { command -v dpkg >/dev/null && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; }; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			chromium chromium-driver fonts-noto-cjk; \
	fi

# IPAex Gothic, the TrueType Japanese font the posters embed (generated_apps/posters.py).
POSTER_FONT := /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf
_fonts:
	@if [ ! -f $(POSTER_FONT) ] && command -v apt-get >/dev/null; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-ipaexfont-gothic; \
	fi
