# Two commands for a fresh machine: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PORT ?= 8000
HOST ?= 127.0.0.1
UV := .tools/bin/uv
UV_VERSION := 0.13.9
VENV_PY := .venv/bin/python
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup system-deps demo test test-fast reliability lint format docs bench messages screenshots fonts clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Python packages exactly as locked in uv.lock (dev tools included).
setup: $(UV)
	$(UV) sync --frozen --quiet

# Redis, PostgreSQL, Chromium and the PDF renderer's libraries: installed as root, else explained.
system-deps:
	bash scripts/system-deps.sh

demo: setup
	$(VENV_PY) manage.py migrate --noinput -v0
	$(VENV_PY) manage.py demo --serve --host $(HOST) --port $(PORT)

test: setup system-deps
	$(VENV_PY) -m pytest

# The inner loop: the engine and the unit tests, no database, broker, worker or browser.
test-fast: setup
	$(VENV_PY) -m pytest -m "not services and not browser and not reliability" -q -p no:cacheprovider

# Fault injection on the production topology (docs/reliability.md#goals: R1-R4, R8); prints the table.
# FULL=1 adds the load and soak runs, the full-size lifecycle machine and 1000 fuzz examples
# per operation (hours; by hand, its table goes into docs/reliability.md).
reliability: setup system-deps
	FULL=$(FULL) $(VENV_PY) -m pytest tests/reliability $(if $(filter 1,$(FULL)),tests/api/test_lifecycle_machine.py) -m "reliability$(if $(filter 1,$(FULL)), or not reliability)" -q -p no:cacheprovider

lint: setup
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	.venv/bin/mypy .
	$(VENV_PY) manage.py makemigrations --check --dry-run

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# Files written from the code: the event types' reference and the browser's list of them.
docs: setup
	$(VENV_PY) -m wargame.exercises.events_docs

bench: setup system-deps
	$(VENV_PY) -m bench

# The interface's Japanese and Korean catalogues: extract new strings, then compile. Both the
# .po and the .mo files are committed, so a fresh machine needs no gettext to run the demo.
messages: setup
	$(VENV_PY) manage.py makemessages -l ja -l ko --no-obsolete --add-location file \
		-i ".venv/*" -i ".tools/*" -i "var/*" -i "tests/*" -i "bench/*" -i "docs/*"
	$(VENV_PY) manage.py compilemessages --ignore ".venv" --ignore ".tools"

# The Japanese and Korean fonts in static/fonts/ are committed, so nothing needs this. It remakes
# them from Noto Sans CJK 2.004 (a PyPI wheel carrying the upstream file; its digest is checked).
fonts: setup
	.tools/bin/pip download --quiet --disable-pip-version-check --no-deps --dest var/fonts \
		noto-cjk-sans-otc==0.0.1
	$(VENV_PY) scripts/build_fonts.py var/fonts/noto_cjk_sans_otc-0.0.1-py3-none-any.whl

# Pictures of every page for the README and the facilitator's guide, taken by the browser tests.
screenshots: setup system-deps
	WARGAME_SCREENSHOTS=docs/screenshots $(VENV_PY) -m pytest tests/browser -q

clean:
	rm -rf var .venv .tools .pytest_cache .mypy_cache .ruff_cache .hypothesis
