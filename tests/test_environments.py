"""The two environments and Binder's: one source of requirements, and the
student's environment (.venv-student) runs the notebooks without the tools."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat

from cs231n_layers.data import APT_PACKAGE

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TOOLS = ("nbgrader", "nbval", "pytest", "ruff")


def requirement_lines(path):
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def test_one_source_for_both_environments_and_binder():
    student = requirement_lines(ROOT / "requirements.txt")
    assert student[0] == "-e ."            # pip install -r installs the course too
    assert not [line for line in student if line.startswith(TOOLS)]
    dev = requirement_lines(ROOT / "requirements-dev.txt")
    assert dev[0] == "-r requirements.txt"
    assert all(any(line.startswith(tool) for line in dev) for tool in TOOLS)
    assert requirement_lines(ROOT / "binder" / "requirements.txt") == [
        "-r ../requirements.txt"]
    assert requirement_lines(ROOT / "binder" / "apt.txt") == [APT_PACKAGE]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    minimum = pyproject["project"]["requires-python"].removeprefix(">=")
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == f"python-{minimum}"


def notebook_imports():
    """Modules the notebooks import unconditionally (an import inside a
    ``try:``, indented, is optional), the standard library left out."""
    names = set()
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                names.update(re.findall(r"^(?:from|import) +(\w+)", cell.source,
                                        re.MULTILINE))
    return sorted(names - set(sys.stdlib_module_names))


def test_the_student_environment_runs_the_notebooks_without_the_tools(student_env):
    needed = notebook_imports()
    assert {"cs231n_layers", "numpy", "matplotlib"} <= set(needed)
    probe = (f"import importlib.util, {', '.join(needed)}\n"
             f"print([t for t in {TOOLS!r} if importlib.util.find_spec(t)])")
    done = subprocess.run([student_env / "bin" / "python", "-c", probe],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"      # no nbgrader, nbval, pytest, ruff
