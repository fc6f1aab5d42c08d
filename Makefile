# Two entry points for users: `make demo` and `make test` (see README.md).
# Both create .venv, install PyTorch 2.13.0 (CPU) first, then this package.
PYTHON ?= python3.11
VENV ?= .venv
BIN = $(VENV)/bin
# Extra pip arguments for the torch install, e.g. an index that serves CPU wheels.
TORCH_PIP_ARGS ?=

.PHONY: install demo test lint coverage docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet "torch==2.13.0" $(TORCH_PIP_ARGS)
	$(BIN)/python -m pip install --quiet -e ".[test,plot,docs,opensmile,voice,vad,transformers,dask,lint]"

demo: install
	$(BIN)/sklearn-ser evaluate --model cnn-lstm baseline --speaker-norm --n-seeds 5 --out sklearn_ser_results

test: install
	OMP_NUM_THREADS=2 $(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

coverage: install
	OMP_NUM_THREADS=2 $(BIN)/python -m pytest -q --cov=sklearn_ser --cov-report=term:skip-covered

docs: install
	rm -rf docs/generated  # autosummary stubs of renamed objects would linger
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) docs/_build docs/generated docs/auto_examples docs/sg_execution_times.rst sklearn_ser_results
