"""The public API: names, signatures, and package-wide source rules."""
import ast
import importlib
import inspect
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import cs231n_layers

# The one list: each module's __all__, gathered by the package's __init__.
PUBLIC_NAMES = list(cs231n_layers.__all__)
ROOT = Path(cs231n_layers.__file__).resolve().parent.parent
PACKAGE_DIR = Path(cs231n_layers.__file__).parent
SOURCES = sorted(PACKAGE_DIR.rglob("*.py"))
SOURCE_IDS = [str(p.relative_to(PACKAGE_DIR)) for p in SOURCES]


def _module_name(path):
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _public_modules():
    """Modules of the package proper (not checks/) that declare __all__."""
    modules = []
    for path in SOURCES:
        name = _module_name(path)
        if ".checks" in name or name == "cs231n_layers" or "._" in name:
            continue
        module = importlib.import_module(name)
        if hasattr(module, "__all__"):
            modules.append(module)
    return modules


def test_the_public_list_is_long_enough_to_mean_something():
    # Guards the tests below against an empty or truncated list.
    assert len(PUBLIC_NAMES) >= 70
    assert {"ThreeLayerConvNet", "conv_forward_fast", "Solver"} <= set(PUBLIC_NAMES)


def test_no_public_name_is_declared_twice():
    twice = sorted({n for n in PUBLIC_NAMES if PUBLIC_NAMES.count(n) > 1})
    assert twice == [], "two modules export the same name (the last one wins)"


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_public_name_is_importable_and_documented(name):
    obj = getattr(cs231n_layers, name)
    if callable(obj):
        assert inspect.getdoc(obj), f"{name} has no docstring"


def test_star_import_gives_every_public_name():
    namespace = {}
    exec("from cs231n_layers import *", namespace)  # noqa: S102
    assert set(PUBLIC_NAMES) <= set(namespace)


def test_every_public_module_declares_its_public_names():
    # A module without __all__ would put nothing in the package's namespace.
    names = {module.__name__ for module in _public_modules()}
    for path in SOURCES:
        name = _module_name(path)
        if ".checks" in name or name == "cs231n_layers" or "._" in name:
            continue
        assert name in names, f"{name} has no __all__"
    assert "cs231n_layers.fast_layers" in names


def test_each_module_declares_only_names_it_has():
    for module in _public_modules():
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert missing == [], f"{module.__name__}.__all__ lists {missing}"


def test_package_namespace_is_the_union_of_the_modules_lists():
    # Every module's public names reach the package, and nothing else: a
    # module left out of cs231n_layers/__init__.py fails here.
    declared = set()
    for module in _public_modules():
        if module.__name__ == "cs231n_layers.idx":
            continue  # read_idx reaches the package through data
        declared |= set(module.__all__)
    assert declared == set(PUBLIC_NAMES)


def _readme_table():
    """{module: [names]} from the table of README.md's "The package"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## The package\n", 1)[1].split("\n#", 1)[0]
    table = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([\w.]+)` \| (.*) \|$", line)
        if match:
            table[match.group(1)] = re.findall(r"`(\w+)`", match.group(2))
    return table


def test_readme_lists_every_public_name_and_no_other():
    table = _readme_table()
    assert len(table) >= 10, "the README's module table was not found"
    listed = [name for names in table.values() for name in names]
    assert sorted(set(PUBLIC_NAMES) - set(listed)) == [], "README omits these"
    assert sorted(set(listed) - set(PUBLIC_NAMES)) == [], \
        "README lists names that are not public"
    assert len(listed) == len(set(listed)), "README lists a name twice"
    for module, names in table.items():
        declared = importlib.import_module(f"cs231n_layers.{module}").__all__
        assert sorted(names) == sorted(declared), f"README row of {module}"


def test_readme_check_catches_a_wrong_row(monkeypatch, tmp_path):
    # The README test can fail: a table that omits or adds a name.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for wrong in (text.replace("`corr2d`, ", ""),
                  text.replace("`col2im` (02)", "`col2im`, `im2row` (02)")):
        assert wrong != text
        (tmp_path / "README.md").write_text(wrong, encoding="utf-8")
        monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
        with pytest.raises(AssertionError):
            test_readme_lists_every_public_name_and_no_other()


def test_checks_namespace_gathers_every_topic():
    # cs231n_layers.checks imports each topic's checkers by name; a topic
    # module (checks/<topic>.py) whose checkers are not all there fails.
    from cs231n_layers import checks
    core = ["ExerciseError", "call_exercise", "compare", "forbids", "passed"]
    topics = [p.stem for p in (PACKAGE_DIR / "checks").glob("*.py")
              if not p.stem.startswith("_")]
    assert {"conv_pool", "im2col", "correlation"} <= set(topics)
    expected = list(core)
    for topic in sorted(topics):
        module = importlib.import_module(f"cs231n_layers.checks.{topic}")
        expected += module.__all__
        for name in module.__all__:
            assert getattr(checks, name, None) is getattr(module, name), (
                f"checks/__init__.py does not import {topic}.{name}")
    assert sorted(checks.__all__) == sorted(expected)
    assert len(checks.__all__) == len(set(checks.__all__))


@pytest.mark.parametrize(
    "stem", ["conv_forward", "conv_backward", "max_pool_forward",
             "max_pool_backward", "avg_pool_forward", "avg_pool_backward"])
def test_fast_and_naive_have_the_same_signature(stem):
    # The fast layers may add keyword-only options (workspace, need_dx, out).
    naive = getattr(cs231n_layers, f"{stem}_naive")
    fast = getattr(cs231n_layers, f"{stem}_fast")
    assert _positional(fast) == list(inspect.signature(naive).parameters.values())


def _positional(fn):
    return [p for p in inspect.signature(fn).parameters.values()
            if p.kind is not p.KEYWORD_ONLY]


def test_col2im_takes_im2col_arguments_after_the_shape():
    im2col_params = [p.name for p in _positional(cs231n_layers.im2col)]
    col2im_params = list(inspect.signature(cs231n_layers.col2im).parameters)
    assert col2im_params == ["cols", "x_shape"] + im2col_params[1:]


def test_sources_were_found():
    # Guards the scans below against an empty file list.
    names = {p.name for p in SOURCES}
    assert {"fast_layers.py", "solver.py", "cnn.py"} <= names


GLOBAL_RANDOM = re.compile(
    r"np\.random\.(seed|rand|randn|randint|choice|shuffle|permutation)\b")


@pytest.mark.parametrize("path", SOURCES, ids=SOURCE_IDS)
def test_source_uses_no_global_numpy_random_state(path):
    source = path.read_text(encoding="utf-8")
    hits = [line.strip() for line in source.splitlines()
            if GLOBAL_RANDOM.search(line)]
    assert hits == []


def test_global_random_pattern_catches_the_forbidden_calls():
    for call in ("np.random.seed(0)", "np.random.rand(3)",
                 "np.random.randn(2, 2)", "np.random.randint(5)",
                 "np.random.choice(4)", "np.random.shuffle(a)",
                 "np.random.permutation(9)"):
        assert GLOBAL_RANDOM.search(call), call
    assert not GLOBAL_RANDOM.search("np.random.default_rng(0)")


@pytest.mark.parametrize("path", SOURCES, ids=SOURCE_IDS)
def test_source_has_no_assert_statements(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Assert)]
    assert lines == [], f"assert statements at lines {lines}"


def test_unchanged_fixture_detects_a_mutation(unchanged):
    # The no-mutation tests rely on this fixture; make sure it can fail.
    x = np.zeros(3)
    config = {"a": np.ones(2)}
    with pytest.raises(AssertionError):
        with unchanged(x):
            x[1] = 1.0
    with pytest.raises(AssertionError):
        with unchanged(config):
            config["a"][0] = 5.0
    with pytest.raises(AssertionError):
        with unchanged(config):
            config["b"] = 1
