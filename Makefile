# `make demo` and `make test` install whatever is missing first (a virtual environment in .venv,
# the package with pinned dependencies, a Chromium), so both work on a fresh machine and are
# safe to run again. CI runs `make test` through .ci/run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test install browser install-browser bench sweep schemas dist clean

demo: install browser
	$(BIN)/auditor demo

# Four workers whatever the cores: the suite mostly waits on browsers and the replica (two workers
# on two cores kept them half busy), and a module stays on one worker (--dist loadscope). The
# modules go out in collection order, long ones first (tests/conftest.py), not by test count.
# The suite needs only a headless browser: on a fresh machine as root on Debian, the headless shell alone
# (a smaller download than the full browser `demo` installs, which a person's headed login needs next).
test: BROWSER_PACKAGES = $(HEADLESS_PACKAGES)
test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 4 --dist loadscope --no-loadscope-reorder

bench: install browser
	$(BIN)/python bench/run.py

# The demo account audited under 50 generated page variations, each read as the plain replica (bench/sweep.py).
sweep: install browser
	$(BIN)/python bench/sweep.py --seeds 50

# The published JSON Schemas of the files auditor writes, made again from the models after one changed.
schemas: install
	$(BIN)/auditor schema --write docs/schemas

# The wheel and the sdist a person installs (pipx install dist/*.whl).
dist: install
	$(BIN)/python -m build --no-isolation -o dist .

# The package's own modules, compiled to bytecode too: an editable install leaves them as source, and where
# PYTHONDONTWRITEBYTECODE is set every auditor process would compile each one it imports. Up-to-date files are skipped.
install: $(INSTALLED)
	@$(BIN)/python -m compileall -q auditor

# uv installs the pinned environment in seconds where pip takes most of a minute (a fresh CI machine
# installs it every run), compiled to bytecode as pip does: where PYTHONDONTWRITEBYTECODE is set, a
# process would otherwise compile every module it imports (0.8 CPU-seconds each auditor the tests
# start). pip stays in the environment (the packaging test installs the wheel with it) and installs
# everything itself where uv cannot be had or cannot reach the package index.
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) uv && $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt -e '.[test]' \
		|| $(PIP) -e '.[test]'
	touch $@

# A browser: AUDITOR_BROWSER, Playwright's own download, or the system's Chromium or Chrome.
# When none is found: as root on Debian/Ubuntu, Debian's packages; elsewhere Playwright's download.
HEADLESS_PACKAGES := chromium-headless-shell fonts-liberation
BROWSER_PACKAGES ?= chromium $(HEADLESS_PACKAGES)
browser: install
	@$(BIN)/python -m auditor.browser --quiet || $(MAKE) --no-print-directory install-browser BROWSER_PACKAGES="$(BROWSER_PACKAGES)"
	@$(BIN)/python -m auditor.browser

install-browser:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "no Chromium found: installing Debian's $(BROWSER_PACKAGES)"; \
		apt-get -o DPkg::Lock::Timeout=120 update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq \
			$(BROWSER_PACKAGES) >/dev/null; \
	else \
		echo "no Chromium found: installing Playwright's (python -m playwright install chromium)"; \
		$(BIN)/python -m playwright install chromium; \
	fi

clean:
	rm -rf $(VENV) test-results build dist *.egg-info
