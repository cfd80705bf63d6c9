# NeuroCanvas developer commands (GNU make).
#   make run    create .venv if needed, install the app into it, start the GUI (on an example network)
#   make test   same with the test extra, then run the whole test suite offscreen
#   make bench  print the speed figures (engine, editor)
#   make clean  remove build output and caches (make distclean also removes .venv)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: run test bench clean distclean

# The venv itself: created once, with a current pip (older pips mishandle
# some wheels and editable installs).
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Installs are redone only when pyproject.toml changes.
$(VENV)/.stamp-run: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

run: $(VENV)/.stamp-run
	$(PY) main.py

test: $(VENV)/.stamp-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(VENV)/.stamp-run
	$(PY) bench/engine.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/editor.py

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
