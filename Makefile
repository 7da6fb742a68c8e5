# Every target that needs Python creates .venv on first use, so a newcomer only
# ever types `make lab` or `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# BLAS threads: the package limits each process to one (cs231n_layers/
# threads.py), so kernels sharing a machine do not spin against each other.
# The benchmark measures two threads, as its table says.
BENCH_ENV := OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2

.PHONY: help setup data lab test test-unit export notebooks student student-lab grade bench clean

help:
	@echo "make lab        JupyterLab on notebooks/ (sets up .venv on first use)"
	@echo "make test       unit tests + nbval (strict) over every notebook"
	@echo "make setup      create .venv and install everything"
	@echo "make data       find or download the real Fashion-MNIST files (verified)"
	@echo "make export     regenerate package modules from #| export cells"
	@echo "make notebooks  re-execute every notebook in place (maintainers)"
	@echo "make student    write the student edition to build/student/"
	@echo "make student-lab  JupyterLab on the student edition"
	@echo "make grade NB=path/to/notebook.ipynb   grade a filled-in notebook"
	@echo "make bench      benchmark naive vs fast layers (and PyTorch if installed)"

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "Python 3.11 or newer is required, found %d.%d (set PYTHON=python3.11)" % v[:2])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements-dev.txt
	$(PY) -m pip install --no-deps -e .
	touch $(STAMP)

# The real files: the cache folder, else the system copy of the apt package
# dataset-fashion-mnist, else a download; the error says what to do.
data: setup
	$(PY) -c 'import cs231n_layers as cl; cl.download_fashion_mnist(); print("Fashion-MNIST: the four files are present and verified.")'

lab: setup
	$(VENV)/bin/jupyter lab notebooks

test: data
	$(PY) -m pytest tests notebooks --nbval --nbval-current-env \
		-p no:cacheprovider

test-unit: setup
	$(PY) -m pytest tests

export: setup
	$(PY) tools/nbexport.py

notebooks: data
	$(PY) tools/run_notebooks.py
	$(PY) tools/nbexport.py --check

bench: setup
	$(BENCH_ENV) $(PY) tools/bench.py

student: setup
	$(PY) tools/student.py

student-lab: student
	$(VENV)/bin/jupyter lab build/student

grade: data
	$(if $(NB),,$(error NB is not set: make grade NB=path/to/notebook.ipynb))
	$(PY) tools/grade.py "$(NB)"

clean:
	rm -rf build .pytest_cache
