# Madoguchi: `make run` serves the demo, `make test` runs every test, `make test-quick` all but the
# browser and slow ones (about a minute), `make bench` the benchmarks.
# Install steps are stamped, so a second run only does the work that changed. They install the
# hashed lock files in requirements/; `make lock` writes them again, `make audit` checks them (below).

HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python 3.11+ found; override with `make PYTHON=/path/to/python3.12 ...`.
ifndef PYTHON
PYTHON := $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
endif

VENV ?= .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-quick bench lock audit _browser _fonts

run: $(VENV)/.installed _fonts
	$(BIN)/madoguchi serve --demo --host $(HOST) --port $(PORT)

# The tests run in JOBS processes at once (pytest-xdist; auto: one per core). The browser tests and the
# journeys each stay in one process, one after another (tests/conftest.py says how the tests are shared out).
JOBS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(JOBS)

# After the tests, the linter and the type checker (mypy: strict for widgets/ and the domain; pyproject.toml).
test: $(VENV)/.installed-test _browser _fonts
	@status=0; \
	$(PYTEST) || status=$$?; \
	echo "ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "mypy"; $(BIN)/mypy || status=1; \
	exit $$status

# What a developer runs between edits: every test but those marked browser or slow (pyproject.toml).
test-quick: $(VENV)/.installed-test _fonts
	$(PYTEST) -m "not browser and not slow"

# Every benchmark in bench/ in turn, into one markdown report (bench/report.md): see bench/run_all.
bench: $(VENV)/.installed-test _browser _fonts
	PYTHON=$(BIN)/python bench/run_all

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "Madoguchi needs Python 3.11 or newer (python3 is older); try make PYTHON=python3.12" >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "$(PYTHON) is older than 3.11; Madoguchi needs 3.11 or newer" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# First the installer: whatever pip the interpreter bundled is replaced by the locked one, checked
# by hash (pip has no dependencies). An old bundled pip (23.2.1 in Python 3.11.7) resolves an extra
# such as uvicorn[standard] against the newest release on the index, not the locked one, and then
# refuses the hashed lock; the locked pip resolves only what the lock holds.
PIP_LOCK := requirements/pip.txt
$(VENV)/.pip: $(PIP_LOCK) | $(BIN)/python
	$(BIN)/python -m pip --quiet --disable-pip-version-check install --require-hashes --no-deps -r $(PIP_LOCK)
	touch $@

# Installs come from the hashed lock files in requirements/: pip takes exactly the pinned versions and
# refuses any file whose hash is not in the lock, and a dependency missing from the lock stops the
# install. The lock also pins the build backend (setuptools), so Madoguchi itself is built without
# fetching anything (--no-build-isolation) and added without its dependencies (already there).
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
LOCK := requirements/lock.txt
LOCK_TEST := requirements/lock-test.txt

$(VENV)/.installed: pyproject.toml $(LOCK) $(VENV)/.pip
	$(PIP) install --require-hashes -r $(LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK_TEST) $(VENV)/.pip
	$(PIP) install --require-hashes -r $(LOCK_TEST)
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed

# `make lock` writes both lock files again from pyproject.toml: its dependencies (lock.txt, for
# `make run`), plus the test extra (lock-test.txt, for `make test`), plus the build backend, each
# with the hashes of every file of every pinned version, for any platform and Python 3.11+. Versions
# already locked are kept while pyproject.toml allows them; `make lock UPGRADE=1` takes the newest.
# Then run `make test` (tests/test_dependencies.py checks the locks against pyproject.toml).
# The tools (uv, pip-audit) live in their own venv, pinned with hashes by requirements/tools.txt,
# so that they and what they pull in never mix with the packages Madoguchi runs on.
TOOLS := .venv-tools
COMPILE := $(TOOLS)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade)
BUILD_REQUIRES := $(BIN)/python -c 'import tomllib; \
	print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'

lock: $(TOOLS)/.installed
	$(BUILD_REQUIRES) | $(COMPILE) pyproject.toml - -o $(LOCK)
	$(BUILD_REQUIRES) | $(COMPILE) pyproject.toml - --extra test -c $(LOCK) -o $(LOCK_TEST)
	$(COMPILE) requirements/tools.in -o requirements/tools.txt
	$(COMPILE) requirements/pip.in -o $(PIP_LOCK)

# Known vulnerabilities in the locked versions (PyPI's advisories, read over the network). Run by
# hand and in `make bench`'s report, not by `make test`: an advisory published tomorrow must not
# fail the tests of code that did not change.
audit: $(TOOLS)/.installed
	$(TOOLS)/bin/pip-audit --strict --progress-spinner off --disable-pip -r $(LOCK_TEST)

$(TOOLS)/.installed: requirements/tools.txt $(PIP_LOCK) | $(BIN)/python
	$(BIN)/python -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip --quiet --disable-pip-version-check install --require-hashes --no-deps -r $(PIP_LOCK)
	$(TOOLS)/bin/python -m pip --quiet --disable-pip-version-check install --require-hashes -r requirements/tools.txt
	touch $@

# Debian's Chromium for the browser tests (Playwright's own browser download does not work here),
# with Japanese fonts so that pages are measured with the glyphs residents see.
_browser:
	@if [ ! -x $(CHROMIUM) ] || { command -v dpkg >/dev/null && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; }; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			chromium chromium-driver fonts-noto-cjk; \
	fi

# IPAex Gothic, the TrueType Japanese font the posters embed (generated_apps/domain/posters.py).
POSTER_FONT := /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf
_fonts:
	@if [ ! -f $(POSTER_FONT) ] && command -v apt-get >/dev/null; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-ipaexfont-gothic; \
	fi
