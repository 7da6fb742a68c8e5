"""The package's generated modules match the notebook cells that teach them,
and ``tools/nbexport.py`` never writes over a file it did not generate."""
import nbformat
import pytest

import nbexport


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
    assert text.endswith('\n\n\ndef f(a):\n    return a\n')
    assert '"""Demo."""\nimport math\n\n' in text
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


# --- __all__ ---------------------------------------------------------------

def _module_all(text):
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)  # noqa: S102
    return namespace["__all__"]


def test_all_lists_public_functions_and_classes_in_order(tmp_path):
    notebooks, package = tmp_path / "nb", tmp_path / "pkg"
    notebooks.mkdir()
    package.mkdir()
    _write_notebook(notebooks / "01_a.ipynb", [
        '#| export m\n"""M."""\nimport math\nfrom math import sqrt',
        "#| export m\nLIMIT = 3\n_CACHE = {}\n\n\ndef _helper():\n"
        "    return 1\n\n\nclass Box:\n    def open(self):\n        pass",
    ])
    _write_notebook(notebooks / "02_b.ipynb", [
        "#| export m\ndef area(r):\n    return math.pi * sqrt(r) ** 2",
        "def not_exported():\n    pass",
    ])
    (path, text), = nbexport.plan(notebooks, package).items()
    # Functions and classes, in reading order; no constant, no private
    # name, no method, no imported name, nothing from an unexported cell.
    assert _module_all(text) == ["Box", "area"]
    assert "notebooks/01_a.ipynb, notebooks/02_b.ipynb" in text
    # __all__ comes right after the first cell (docstring and imports).
    assert text.index("__all__") < text.index("LIMIT = 3")


def test_generated_modules_of_the_package_carry_their_all():
    for path, text in nbexport.plan().items():
        names = _module_all(text)
        assert names, f"{path.name} has no public name"
        assert names == nbexport.public_names(text), path.name


# --- refusing to destroy ---------------------------------------------------

HAND_WRITTEN = '"""Written by hand: 150 lines of layers."""\n\n\ndef relu(x):\n'


def _layers_tree(tmp_path, target="layers"):
    notebooks, package = tmp_path / "notebooks", tmp_path / "pkg"
    notebooks.mkdir()
    package.mkdir()
    _write_notebook(notebooks / "05_model.ipynb", [
        "import numpy as np",
        f"#| export {target}\ndef affine(x):\n    return x",
    ])
    _write_notebook(notebooks / "02_ok.ipynb", [
        '#| export fine\n"""Fine."""',
        "#| export fine\ndef g():\n    return 2",
    ])
    return notebooks, package


def _snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_refuses_to_replace_a_hand_written_module(tmp_path):
    notebooks, package = _layers_tree(tmp_path)
    (package / "layers.py").write_text(HAND_WRITTEN)
    before = _snapshot(tmp_path)
    with pytest.raises(nbexport.ExportRefused) as info:
        nbexport.write(notebooks, package)
    message = str(info.value)
    assert "pkg/layers.py" in message and "not generated" in message
    # It names the notebook and the cell that asked.
    assert "notebooks/05_model.ipynb, cell index 1" in message
    assert "(`#| export layers`, then 'def affine(x):')" in message
    # Nothing was written, not even the module that was fine.
    assert _snapshot(tmp_path) == before
    assert not (package / "fine.py").exists()
    # --check reports the same refusal.
    (problem,) = nbexport.check(notebooks, package)
    assert "05_model.ipynb, cell index 1" in problem


def test_main_refuses_and_writes_nothing(tmp_path, capsys):
    notebooks, package = _layers_tree(tmp_path)
    (package / "layers.py").write_text(HAND_WRITTEN)
    before = _snapshot(tmp_path)
    assert nbexport.main([], notebooks, package) == 1
    err = capsys.readouterr().err
    assert "05_model.ipynb, cell index 1" in err and "Nothing was written" in err
    assert nbexport.main(["--check"], notebooks, package) == 1
    assert "05_model.ipynb, cell index 1" in capsys.readouterr().out
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("setup, reason", [
    (lambda pkg: (pkg / "layers").mkdir(), "is a package"),
    (lambda pkg: (pkg / "layers.py").mkdir(), "not generated"),
    (lambda pkg: (pkg / "layers.py").write_text(""), "not generated"),
    (lambda pkg: (pkg / "layers.py").write_text(
        "# AUTOGENERATED by hand, a look-alike\n"), "not generated"),
])
def test_export_refuses_other_unsafe_targets(tmp_path, setup, reason):
    notebooks, package = _layers_tree(tmp_path)
    setup(package)
    before = _snapshot(tmp_path)
    with pytest.raises(nbexport.ExportRefused, match=reason):
        nbexport.write(notebooks, package)
    assert _snapshot(tmp_path) == before


def test_export_refuses_a_missing_sub_package(tmp_path):
    notebooks, package = _layers_tree(tmp_path, target="models.big")
    with pytest.raises(nbexport.ExportRefused, match="no package folder"):
        nbexport.write(notebooks, package)
    assert not (package / "models").exists()


def test_export_rewrites_its_own_modules_and_deletes_nothing(tmp_path, capsys):
    notebooks, package = _layers_tree(tmp_path)
    written = nbexport.write(notebooks, package)
    assert sorted(p.name for p in written) == ["fine.py", "layers.py"]
    # A second run writes nothing; a stale generated file is only reported.
    (package / "old.py").write_text(nbexport.GENERATED_MARK + "x\n")
    (package / "mine.py").write_text("x = 1\n")
    capsys.readouterr()
    assert nbexport.write(notebooks, package) == []
    assert "old.py says it is generated" in capsys.readouterr().out
    assert (package / "old.py").exists() and (package / "mine.py").exists()
