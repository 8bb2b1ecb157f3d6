# Time to Shine: the few commands a trainer or developer needs.
#
#   make workshop          live session: kiosk, wall, console [PORT=N] [LAN=1] [ROOM_LANG=es|bilingual]
#   make lab               JupyterLab on the curriculum root
#   make hub-demo          a JupyterHub on this machine to try (shine hub demo) [PORT=N]
#   make test              full test suite (installs missing system packages first)
#   make bench             benchmarks, when there are any
#   make i18n              refresh the message catalogs after changing strings
#   make i18n-add LOCALE=fr   start a catalog for a new language
#   make clean             remove the virtualenv and caches
#   make upgrade-deps      re-resolve dependencies into requirements/lock.txt, reinstall
#
# Everything runs from the project's own .venv, created on first use, so no
# command depends on what happens to be installed globally.  It installs the exact
# versions pinned in requirements/lock.txt (pyproject.toml says what is allowed,
# the lock what was tested); `make upgrade-deps` moves the pins forward.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter that creates the venv; a trainer whose python3 is older than
# 3.11 can point this elsewhere: make lab PYTHON=python3.12
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Stamp file: pip runs only when pyproject.toml or the lock is newer than the
# last install, so a second `make test` goes straight to pytest.
STAMP  := $(VENV)/.installed
LOCK   := requirements/lock.txt

# Two workers: the machines (CI's and ours) have two cores, and each worker
# starts its own PostgreSQL and Chromium, so more would only add contention.
# Override with e.g. make test WORKERS=0 to run in a single process.
# --dist loadscope keeps a test module on one worker, so an expensive
# module-scoped fixture (a graded course of 30, a Voila server) is built once.
WORKERS ?= 2
# Extra pytest arguments: make test PYTEST_ARGS='-k store -x'
PYTEST_ARGS ?=

# `shine workshop` options, only when asked for.
SERVE_ARGS := $(if $(PORT),--port $(PORT)) $(if $(filter 1 yes true,$(LAN)),--lan) $(if $(ROOM_LANG),--lang $(ROOM_LANG))

.PHONY: help workshop lab hub-demo test bench clean i18n i18n-add upgrade-deps

help:
	@sed -n '3,12p' Makefile | sed 's/^# *//'

# -c: the lock constrains every package to its pinned version without adding any.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c $(LOCK) -e '.[test]'
	@touch $@

# Pins the newest versions pyproject.toml allows, for everything `.[test]`
# installs, into $(LOCK), then reinstalls; `make test` before committing the lock.
# pip-compile resolves for the venv's Python and this OS: Linux and 3.11, as CI.
# --unsafe-package time-to-shine: the test extra names the project itself
# (time-to-shine[postgres]), which pip-compile would otherwise pin as a file://
# URL of this checkout; the lock's last line says it left it out.
upgrade-deps:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c $(LOCK) 'pip-tools>=7.4'
	CUSTOM_COMPILE_COMMAND='make upgrade-deps' $(VENV)/bin/pip-compile --quiet --upgrade \
		--extra test --extra postgres --extra hub --strip-extras --unsafe-package time-to-shine \
		--no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml
	@$(MAKE) --no-print-directory $(STAMP)

workshop: $(STAMP)
	$(VENV)/bin/shine workshop $(SERVE_ARGS)

# Jupyter refuses to start as root unless told; our dev and CI machines run
# everything as root, a trainer's laptop does not.
LAB_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=. $(LAB_ARGS)

# It says what is missing (configurable-http-proxy comes from npm).
hub-demo: $(STAMP)
	$(VENV)/bin/shine hub demo $(if $(PORT),--port $(PORT))

# install-system-packages is fast when nothing is missing, so it runs every
# time: a fresh machine (CI always is one) gets Chromium etc. without a
# separate step.  lint-imports checks the layer contract (.importlinter) in a
# few seconds before the suite starts; --durations lists the 30 slowest tests, to keep the
# suite well inside its time.  pytest's exit status is the recipe's, so
# a failing test fails `make test` (make itself then exits 2).
test: $(STAMP)
	tools/install-system-packages
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -n $(WORKERS) --dist loadscope --timeout=600 --durations=30 $(PYTEST_ARGS) tests/

# Benchmarks behind the README's performance table (several minutes; not part of
# `make test`).  make bench BENCH_ARGS=--quick runs short versions of each.
BENCH_ARGS ?=
bench: $(STAMP)
	tools/install-system-packages
	@if [[ -f benchmarks/__main__.py ]]; then \
		$(PY) -m benchmarks $(BENCH_ARGS); \
	else \
		echo "No benchmarks yet (benchmarks/__main__.py does not exist); nothing to run."; \
	fi

# Every user-facing string goes through shine.i18n; this collects them into
# shine.pot, the curriculum's text into content.pot, and merges both into each
# language's shine.po and content.po (then translate them); last, it reports what
# is untranslated or outdated in each language (shine i18n check).
I18N := widgets/shine/i18n
i18n: $(STAMP)
	$(VENV)/bin/pybabel extract -o $(I18N)/shine.pot --no-location --sort-output --no-wrap \
		--project="Time to Shine" --copyright-holder="Time to Shine" widgets/shine
	$(VENV)/bin/pybabel update -i $(I18N)/shine.pot -d $(I18N)/locale -D shine --no-fuzzy-matching --no-wrap
	$(VENV)/bin/shine i18n update
	-$(VENV)/bin/shine i18n check --show 3

# A new language: its catalog made from the template (then translate it and run make i18n as
# usual). The language is offered as soon as the catalog exists.
i18n-add: $(STAMP)
	@test -n "$(LOCALE)" || { echo "Say which language: make i18n-add LOCALE=fr"; exit 2; }
	@test ! -e $(I18N)/locale/$(LOCALE)/LC_MESSAGES/shine.po || { echo "$(LOCALE) already has a catalog."; exit 2; }
	$(VENV)/bin/pybabel init -i $(I18N)/shine.pot -d $(I18N)/locale -D shine -l $(LOCALE) --no-wrap
	$(VENV)/bin/shine i18n update

# Generated files only; .shine/ is left alone since it may hold local data.
clean:
	rm -rf $(VENV) .pytest_cache test-artifacts build dist widgets/*.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
