"""The public API: names, signatures, and package-wide source rules."""
import ast
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

import cs231n_layers

PUBLIC_NAMES = [
    "ThreeLayerConvNet", "Solver", "affine_forward", "affine_backward",
    "relu_forward", "relu_backward", "softmax_loss", "corr2d",
    "conv_forward_naive", "conv_backward_naive", "max_pool_forward_naive",
    "max_pool_backward_naive", "avg_pool_forward_naive",
    "avg_pool_backward_naive", "im2col", "col2im", "conv_forward_fast",
    "conv_backward_fast", "max_pool_forward_fast", "max_pool_backward_fast",
    "avg_pool_forward_fast", "avg_pool_backward_fast", "affine_relu_forward",
    "affine_relu_backward", "conv_relu_forward", "conv_relu_backward",
    "conv_relu_pool_forward", "conv_relu_pool_backward", "rel_error",
    "eval_numerical_gradient", "eval_numerical_gradient_array",
    "batchnorm_forward", "batchnorm_backward", "batchnorm_backward_alt",
    "layernorm_forward", "layernorm_backward", "spatial_batchnorm_forward",
    "spatial_batchnorm_backward", "spatial_groupnorm_forward",
    "spatial_groupnorm_backward",
]

PACKAGE_DIR = Path(cs231n_layers.__file__).parent
SOURCES = sorted(PACKAGE_DIR.rglob("*.py"))
SOURCE_IDS = [str(p.relative_to(PACKAGE_DIR)) for p in SOURCES]


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_public_name_is_importable_from_the_package(name):
    obj = getattr(cs231n_layers, name, None)
    assert callable(obj), name
    assert name in cs231n_layers.__all__


def test_star_import_gives_every_public_name():
    namespace = {}
    exec("from cs231n_layers import *", namespace)  # noqa: S102
    assert set(PUBLIC_NAMES) <= set(namespace)


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


def test_public_functions_have_docstrings():
    missing = [name for name in PUBLIC_NAMES
               if not inspect.getdoc(getattr(cs231n_layers, name))]
    assert missing == []


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
