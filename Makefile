# Two environments, each created on first use by the targets that need it,
# so a newcomer only ever types `make lab` or `make test`:
#   .venv-student  the student's, lean (requirements.txt): the notebooks,
#                  JupyterLab, the package. make lab, make student-lab.
#   .venv          the full one (requirements-dev.txt: the student's plus
#                  pytest, nbval, nbgrader, ruff). Every other target.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# BLAS threads: the package limits each process to one (cs231n_layers/
# threads.py), so kernels sharing a machine do not spin against each other.
# The benchmark measures two threads, as its table says.
BENCH_ENV := OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
STUDENT_VENV  := .venv-student
STUDENT_STAMP := $(STUDENT_VENV)/.installed

# JupyterLab for make lab and make student-lab (and tests/test_lab_smoke.py,
# which runs make lab): make lab PORT=8890 LAB_ARGS="--no-browser".
# JupyterLab refuses to run as root (Docker, Colab-like containers) unless
# told --allow-root.
PORT     ?= 8888
LAB_ARGS ?=
LAB = $(STUDENT_VENV)/bin/jupyter lab --port=$(PORT) \
	$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)
LAB_HINT = @echo "JupyterLab on $(1): open the http://...:$(PORT)/lab?token=... URL it prints below (the port is the next free one if $(PORT) is taken). Ctrl-C twice stops it."

.PHONY: help setup data lab lint test test-unit export notebooks student student-lab grade bench clean

help:
	@echo "make lab        JupyterLab on notebooks/ (sets up .venv-student on first use);"
	@echo "                PORT=8890 picks the port, LAB_ARGS=\"...\" passes options"
	@echo "make test       lint, unit tests, lab smoke test, nbval (strict) over every notebook"
	@echo "make test-unit  the unit tests only (tests/)"
	@echo "make lint       ruff check over the whole repository"
	@echo "make setup      create both environments, .venv-student and .venv"
	@echo "make data       find or download the real Fashion-MNIST files (verified)"
	@echo "make export     regenerate package modules from #| export cells"
	@echo "make notebooks  re-execute every notebook in place (maintainers)"
	@echo "make student    write the student edition to build/student/"
	@echo "make student-lab  JupyterLab on the student edition (PORT, LAB_ARGS as for lab)"
	@echo "make grade NB=path/to/notebook.ipynb   grade a filled-in notebook"
	@echo "make bench      benchmark naive, fast and PyTorch (several minutes)"
	@echo "make clean      remove build/ (the student edition) and .pytest_cache"
	@echo "make help       this list"

setup: $(STUDENT_STAMP) $(STAMP)

# $(call install,ENVIRONMENT,REQUIREMENTS FILE)
define install
@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "Python 3.11 or newer is required, found %d.%d (set PYTHON=python3.11)" % v[:2])'
test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
$(1)/bin/python -m pip install --upgrade pip
$(1)/bin/python -m pip install -r $(2)
touch $(1)/.installed
endef

$(STUDENT_STAMP): requirements.txt pyproject.toml
	$(call install,$(STUDENT_VENV),requirements.txt)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(call install,$(VENV),requirements-dev.txt)

# The real files: the cache folder, else the system copy of the apt package
# dataset-fashion-mnist, else a download; the error says what to do.
data: $(STAMP)
	$(PY) -c 'import cs231n_layers as cl; cl.download_fashion_mnist(); print("Fashion-MNIST: the four files are present and verified.")'

lab: $(STUDENT_STAMP)
	$(call LAB_HINT,notebooks/)
	$(LAB) notebooks

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: lint data $(STUDENT_STAMP)
	$(PY) -m pytest tests notebooks --nbval --nbval-current-env \
		-p no:cacheprovider

test-unit: $(STAMP) $(STUDENT_STAMP)
	$(PY) -m pytest tests

export: $(STAMP)
	$(PY) tools/nbexport.py

notebooks: data
	$(PY) tools/run_notebooks.py
	$(PY) tools/nbexport.py --check

bench: $(STAMP)
	$(BENCH_ENV) $(PY) tools/bench.py

student: $(STAMP)
	$(PY) tools/student.py

student-lab: student $(STUDENT_STAMP)
	$(call LAB_HINT,build/student/)
	$(LAB) build/student

grade: data
	$(if $(NB),,$(error NB is not set: make grade NB=path/to/notebook.ipynb))
	$(PY) tools/grade.py "$(NB)"

clean:
	rm -rf build .pytest_cache
