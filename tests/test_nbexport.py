"""The package's generated modules match the notebook cells that teach them."""
import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("nbexport",
                                              ROOT / "tools" / "nbexport.py")
nbexport = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nbexport)


def test_package_matches_notebooks():
    problems = nbexport.check()
    assert not problems, "".join(problems)


def _write_notebook(path, sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)


@pytest.fixture
def tree(tmp_path):
    notebooks, package = tmp_path / "notebooks", tmp_path / "pkg"
    notebooks.mkdir()
    package.mkdir()
    _write_notebook(notebooks / "01_demo.ipynb", [
        '#| export demo\n"""Demo."""\nimport math',
        "x = 1  # not exported",
        "#| export demo\ndef f(a):\n    ### BEGIN SOLUTION\n    return a\n"
        "    ### END SOLUTION",
    ])
    return notebooks, package


def test_export_strips_markers_and_joins_cells(tree):
    notebooks, package = tree
    (path, text), = nbexport.plan(notebooks, package).items()
    assert path == package / "demo.py"
    assert text.endswith('"""Demo."""\nimport math\n\n\ndef f(a):\n    return a\n')
    assert "BEGIN SOLUTION" not in text and "x = 1" not in text
    assert text.startswith(nbexport.GENERATED_MARK)


def test_check_reports_drift_and_orphans(tree):
    notebooks, package = tree
    (path, text), = nbexport.plan(notebooks, package).items()
    path.write_text(text)
    assert nbexport.check(notebooks, package) == []
    path.write_text(text.replace("return a", "return a + 1"))
    (problem,) = nbexport.check(notebooks, package)
    assert "-    return a + 1" in problem and "+    return a" in problem
    path.write_text(text)
    (package / "old.py").write_text(nbexport.GENERATED_MARK + "x\n")
    (problem,) = nbexport.check(notebooks, package)
    assert "old.py" in problem and "no notebook cell exports to it" in problem
