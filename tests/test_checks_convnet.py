"""The checkers of notebook 05 pass right answers and name what is wrong.

Each checker is tried three ways: the package's reference passes, an
unfinished stub gives one "not implemented yet" line, and subtly wrong
versions (a step of the chain left out or out of order, a forgotten
regularisation gradient, a penalty without its factor 1/2, budgets broken)
fail naming the worst element, the parameter or the setting.
"""
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import cs231n_layers as cl
from _hidden_tests import hidden_kwargs, run_kwargs
from cs231n_layers.checks import (
    ExerciseError,
    check_conv_relu_pool_backward,
    check_hyperparameters,
    check_three_layer_convnet,
)


def one_line(info):
    text = str(info.value)
    assert "\n" not in text
    assert "np.int64" not in text and "np.float" not in text
    return text


# ------------------------------------------------ conv_relu_pool_backward

def conv_relu_pool_backward(dout, cache, *, need_dx=True):
    """The notebook's solution: the three backward passes reversed."""
    conv_cache, relu_cache, pool_cache = cache
    dpooled = cl.relu_backward(dout, relu_cache)
    da = cl.max_pool_backward_fast(dpooled, pool_cache)
    return cl.conv_backward_fast(da, conv_cache, need_dx=need_dx)


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("backward", [cl.conv_relu_pool_backward,
                                      conv_relu_pool_backward],
                         ids=["package", "solution"])
def test_conv_relu_pool_backward_reference_passes(capsys, backward, hidden):
    check_conv_relu_pool_backward(
        backward, **run_kwargs("check_conv_relu_pool_backward", hidden))
    out = capsys.readouterr().out
    assert out.startswith("PASSED ") and out.count("\n") == 1
    assert "tolerance 1e-07" in out


def test_conv_relu_pool_backward_stub_gives_one_line():
    def conv_relu_pool_backward(dout, cache):
        raise NotImplementedError("Exercise nb05_conv_relu_pool_backward")

    with pytest.raises(ExerciseError) as info:
        check_conv_relu_pool_backward(conv_relu_pool_backward)
    assert one_line(info).startswith(
        "conv_relu_pool_backward: not implemented yet")


def skips_relu(dout, cache, *, need_dx=True):
    """Passes the pooled gradient straight to the pooling's backward pass."""
    conv_cache, _, pool_cache = cache
    return cl.conv_backward_fast(cl.max_pool_backward_fast(dout, pool_cache),
                                 conv_cache, need_dx=need_dx)


def relu_mask_of_output(dout, cache, *, need_dx=True):
    """Masks with the upstream gradient's sign instead of the ReLU's input."""
    conv_cache, _, pool_cache = cache
    da = cl.max_pool_backward_fast(dout * (dout > 0), pool_cache)
    return cl.conv_backward_fast(da, conv_cache, need_dx=need_dx)


def pool_before_relu(dout, cache, *, need_dx=True):
    """The textbook order, not the sandwich's: shapes do not match."""
    conv_cache, relu_cache, pool_cache = cache
    dr = cl.max_pool_backward_fast(dout, pool_cache)
    return cl.conv_backward_fast(cl.relu_backward(dr, relu_cache),
                                 conv_cache, need_dx=need_dx)


def db_of_pooled(dout, cache, *, need_dx=True):
    dx, dw, _ = conv_relu_pool_backward(dout, cache, need_dx=need_dx)
    return dx, dw, dout.sum(axis=(0, 2, 3))


def zeroes_dout(dout, cache, *, need_dx=True):
    grads = conv_relu_pool_backward(dout, cache, need_dx=need_dx)
    dout[...] = 0.0
    return grads


def only_dx(dout, cache, *, need_dx=True):
    return conv_relu_pool_backward(dout, cache)[0]


def no_need_dx(dout, cache):
    """The old signature, without the keyword."""
    return conv_relu_pool_backward(dout, cache)


def ignores_need_dx(dout, cache, *, need_dx=True):
    return conv_relu_pool_backward(dout, cache)


@pytest.mark.parametrize("fn, message", [
    (skips_relu, r"dx has relative error .* > tolerance 1e-07; worst element "
                 r"dx\[[0-9, ]+\] = .*numerical gradient .*; in x of shape "
                 r"\(2, 3, 6, 6\).*seed 41"),
    (relu_mask_of_output, r"dx has relative error .* worst element dx\["),
    (pool_before_relu, r"your code raised ValueError: relu_backward: dout "
                       r"must have the shape.*; in x of shape "
                       r"\(2, 3, 6, 6\), w of shape \(4, 3, 3, 3\), "
                       r"stride 1, pad 1, .*seed 41"),
    (db_of_pooled, r"db has relative error .* worst element db\["),
    (zeroes_dout, "your code modified its argument dout in place"),
    (only_dx, r"should return the tuple \(dx, dw, db\), got ndarray"),
    (no_need_dx, r"your code raised TypeError: .*need_dx.*; in x "
                 r"of shape \(2, 3, 6, 6\)"),
    (ignores_need_dx, r"with need_dx=False, dx should be None .*got "
                      r"ndarray; in x of shape \(2, 3, 6, 6\)"),
])
def test_conv_relu_pool_backward_wrong_answers(fn, message):
    pattern = fn.__name__ + ": " + message
    with pytest.raises(ExerciseError, match=pattern) as info:
        check_conv_relu_pool_backward(fn)
    one_line(info)


def test_kink_free_inputs_are_deterministic_and_clean():
    from cs231n_layers.checks.convnet import MARGIN, POOL_2X2, _kink_free

    draws = [_kink_free(np.random.default_rng(41), (2, 3, 6, 6),
                        (4, 3, 3, 3), 1, 1, POOL_2X2) for _ in range(2)]
    for a, b in zip(*draws):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
    x, w, b, cp = draws[0]
    a, _ = cl.conv_forward_fast(x, w, b, cp)
    assert np.min(np.abs(a)) > MARGIN


# ---------------------------------------------------- ThreeLayerConvNet.loss

@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
def test_three_layer_convnet_reference_passes(capsys, hidden):
    check_three_layer_convnet(cl.ThreeLayerConvNet, **run_kwargs(
        "check_three_layer_convnet", hidden))
    out = capsys.readouterr().out
    assert out.startswith("PASSED ThreeLayerConvNet.loss: ")
    assert out.count("\n") == 1 and "tolerance 1e-05" in out


class PublicSandwich(cl.ThreeLayerConvNet):
    """A correct answer written another way: no workspace, dx computed."""

    def loss(self, X, y=None):
        X = X.astype(self.dtype, copy=False)
        p, K = self.params, self.params["W1"].shape[2]
        cp = {"stride": 1, "pad": (K - 1) // 2}
        pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
        h1, c1 = cl.conv_relu_pool_forward(X, p["W1"], p["b1"], cp, pp)
        h2, c2 = cl.affine_relu_forward(h1, p["W2"], p["b2"])
        scores, c3 = cl.affine_forward(h2, p["W3"], p["b3"])
        if y is None:
            return scores
        loss, dscores = cl.softmax_loss(scores, y)
        grads = {}
        dh2, grads["W3"], grads["b3"] = cl.affine_backward(dscores, c3)
        dh1, grads["W2"], grads["b2"] = cl.affine_relu_backward(dh2, c2)
        _, grads["W1"], grads["b1"] = cl.conv_relu_pool_backward(dh1, c1)
        for w in ("W1", "W2", "W3"):
            loss += 0.5 * self.reg * np.sum(p[w] ** 2)
            grads[w] = grads[w] + self.reg * p[w]
        return loss, grads


def test_three_layer_convnet_public_sandwich_passes(capsys):
    check_three_layer_convnet(PublicSandwich)
    check_three_layer_convnet(PublicSandwich,
                              **hidden_kwargs("check_three_layer_convnet"))
    assert capsys.readouterr().out.count("PASSED") == 2


def test_three_layer_convnet_stub_gives_one_line():
    class ThreeLayerConvNet(cl.ThreeLayerConvNet):
        def loss(self, X, y=None):
            raise NotImplementedError("Exercise nb05_three_layer_convnet_loss")

    with pytest.raises(ExerciseError) as info:
        check_three_layer_convnet(ThreeLayerConvNet)
    assert one_line(info).startswith(
        "ThreeLayerConvNet.loss: not implemented yet")


class NoRegGradient(cl.ThreeLayerConvNet):
    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is None:
            return result
        loss, grads = result
        for w in ("W1", "W2", "W3"):
            grads[w] = grads[w] - self.reg * self.params[w]
        return loss, grads


class PenaltyWithoutHalf(cl.ThreeLayerConvNet):
    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is None:
            return result
        loss, grads = result
        extra = 0.5 * self.reg * sum(np.sum(self.params[w] ** 2)
                                     for w in ("W1", "W2", "W3"))
        return loss + extra, grads


class RegularisedBiases(cl.ThreeLayerConvNet):
    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is None:
            return result
        loss, grads = result
        for b in ("b1", "b2", "b3"):
            grads[b] = grads[b] + self.reg * self.params[b]
        return loss, grads


class ReluOnScores(cl.ThreeLayerConvNet):
    def loss(self, X, y=None):
        if y is None:
            return np.maximum(super().loss(X), 0)
        return super().loss(X, y)


class SummedLoss(cl.ThreeLayerConvNet):
    """Sums the data loss over the batch instead of averaging it."""

    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is None:
            return result
        loss, grads = result
        return loss * len(X), grads


class SwappedGradients(cl.ThreeLayerConvNet):
    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is None:
            return result
        loss, grads = result
        grads["b2"], grads["b3"] = grads["b3"][:1].repeat(len(grads["b2"])), \
            grads["b3"]
        return loss, grads


class HalfGradientW2(cl.ThreeLayerConvNet):
    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is None:
            return result
        loss, grads = result
        grads["W2"] = grads["W2"] * 0.5
        return loss, grads


class SkipsHiddenRelu(cl.ThreeLayerConvNet):
    """The hidden layer as a plain affine layer: no ReLU."""

    def loss(self, X, y=None):
        p = self.params
        cp = {"stride": 1, "pad": (p["W1"].shape[2] - 1) // 2}
        pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
        h1, _ = cl.conv_relu_pool_forward(X, p["W1"], p["b1"], cp, pp)
        h2, _ = cl.affine_forward(h1, p["W2"], p["b2"])
        scores, _ = cl.affine_forward(h2, p["W3"], p["b3"])
        return scores if y is None else super().loss(X, y)


class FailsWithReg(cl.ThreeLayerConvNet):
    """Raises once reg > 0 (a typo in the L2 term, say)."""

    def loss(self, X, y=None):
        if y is not None and self.reg:
            raise KeyError("w1")
        return super().loss(X, y)


class ScoresAsTuple(cl.ThreeLayerConvNet):
    def loss(self, X, y=None):
        if y is None:
            return super().loss(X), None
        return super().loss(X, y)


class MissingGradient(cl.ThreeLayerConvNet):
    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is None:
            return result
        loss, grads = result
        del grads["b1"]
        return loss, grads


class ScalesParamsInPlace(cl.ThreeLayerConvNet):
    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is not None:
            self.params["W3"] *= 0.5
        return result


@pytest.mark.parametrize("cls, message", [
    (NoRegGradient, r"worst element \(grads\['W1'\] with reg=0.7\) - "
                    r"\(grads\['W1'\] with reg=0\)\[[0-9, ]+\] = .*, expected "
                    r".*tolerance 1e-10\).*expected reg \* W1"),
    (PenaltyWithoutHalf, r"reg=0.7 adds .* to the loss, expected 0.5 \* reg "
                         r"\* \(sum\(W1\*\*2\)"),
    (RegularisedBiases, r"worst element \(grads\['b1'\] with reg=0.7\) - "
                        r".* expected 0 .*biases are not regularised"),
    (ReluOnScores, r"worst element scores\[[0-9, ]+\] = 0, expected -.*"
                   r"loss\(X\) without labels"),
    (SummedLoss, r"with weights of scale 1e-3, zero biases and reg=0 the "
                 r"loss is 6.9.*, expected about ln\(10\) = 2.30259"),
    (SwappedGradients, r"grads\['b2'\] has shape \(6,\)|grads\['b2'\] has "
                       r"relative error"),
    (HalfGradientW2, r"grads\['W2'\] has relative error .* > tolerance 1e-05;"
                     r" worst element grads\['W2'\]\[[0-9, ]+\] = .*numerical"
                     r" gradient"),
    (ScoresAsTuple, r"scores should be a numpy array, got tuple"),
    (SkipsHiddenRelu, r"worst element scores\[[0-9, ]+\] = .*loss\(X\) "
                      r"without labels, a float64 model with input_dim "
                      r"\(2, 8, 8\).*N=3, seed 5"),
    (FailsWithReg, r"your code raised KeyError: 'w1' \(at .*\); in a float64 "
                   r"model with input_dim \(2, 8, 8\), 3 3x3 filters, "
                   r"hidden_dim 6, 10 classes, N=3, seed 5, reg=0.7"),
    (MissingGradient, r"grads should be a dict with the keys of params"),
    (ScalesParamsInPlace, r"your code modified its argument params\['W3'\] "
                          r"in place"),
])
def test_three_layer_convnet_wrong_answers(cls, message):
    with pytest.raises(ExerciseError, match=cls.__name__ + r"\.loss: " +
                       message) as info:
        check_three_layer_convnet(cls)
    one_line(info)


# ---------------------------------------------------------- hyperparameters

@pytest.fixture(scope="module")
def data(fashion_mnist):
    """2,000 training and 1,000 validation images of the real data."""
    return {"X_train": fashion_mnist["X_train"][:2000],
            "y_train": fashion_mnist["y_train"][:2000],
            "X_val": fashion_mnist["X_val"][:1000],
            "y_val": fashion_mnist["y_val"][:1000]}


def good():
    return {"update_rule": "adam", "learning_rate": 2e-3, "batch_size": 50,
            "num_epochs": 2, "weight_scale": 1e-2}


def test_hyperparameters_good_choice_passes(capsys, data):
    small = dict(good(), num_filters=8, hidden_dim=32)
    check_hyperparameters(lambda: small, data, threshold=0.5,
                          num_training=1000)
    out = capsys.readouterr().out
    assert out.startswith("PASSED choose_hyperparameters: best validation "
                          "accuracy ")
    assert "1,000 training examples, 2 epochs, adam" in out


def test_hyperparameters_start_picks_other_examples(capsys, data):
    small = dict(good(), num_filters=8, hidden_dim=32)

    def choose_hyperparameters():
        return small

    check_hyperparameters(choose_hyperparameters, data, threshold=0.5,
                          num_training=1000, start=1000, seed=1)
    assert capsys.readouterr().out.startswith("PASSED choose_hyperparameters")
    with pytest.raises(ValueError, match="2002 are needed"):
        check_hyperparameters(choose_hyperparameters, data, 0.5,
                              num_training=1001, start=1001)


def test_hyperparameters_stub_gives_one_line(data):
    def choose_hyperparameters():
        raise NotImplementedError("Exercise nb05_hyperparameters")

    with pytest.raises(ExerciseError) as info:
        check_hyperparameters(choose_hyperparameters, data)
    assert one_line(info).startswith(
        "choose_hyperparameters: not implemented yet")


@pytest.mark.parametrize("settings, message", [
    ((1e-3, 50, 2), r"should return a dict, got tuple"),
    ({"update_rule": "adam", "batch_size": 50, "num_epochs": 2},
     r"the dict is missing keys \['learning_rate'\]"),
    (dict(good(), lr=1e-3), r"unknown keys \['lr'\]; allowed keys"),
    (dict(good(), update_rule="adagrad"), r"update_rule must be one of"),
    (dict(good(), num_epochs=3), r"num_epochs = 3 is outside the budget "
                                 r"\[1, 2\]"),
    (dict(good(), num_filters=64), r"num_filters = 64 is outside the budget"),
    (dict(good(), hidden_dim=500), r"hidden_dim = 500 is outside the budget"),
    (dict(good(), batch_size=4), r"batch_size = 4 is outside the budget"),
    (dict(good(), batch_size=50.0), r"batch_size must be an integer, got "
                                    r"float"),
    (dict(good(), filter_size=4), r"filter_size must be odd"),
    (dict(good(), learning_rate=0.0), r"learning_rate = 0.0 is outside "
                                      r"\(0, 1\]"),
    (dict(good(), learning_rate="1e-3"), r"learning_rate must be a real "
                                         r"number, got str"),
    (dict(good(), reg=-0.1), r"reg = -0.1 is outside \[0, 1\]"),
    (dict(good(), lr_decay=float("nan")), r"lr_decay must be a real number"),
])
def test_hyperparameters_invalid_settings(data, settings, message):
    def choose_hyperparameters():
        return settings

    with pytest.raises(ExerciseError, match="choose_hyperparameters: " +
                       message) as info:
        check_hyperparameters(choose_hyperparameters, data)
    one_line(info)


def test_hyperparameters_below_threshold_fails(data):
    def choose_hyperparameters():
        return {"update_rule": "sgd", "learning_rate": 1e-4,
                "batch_size": 100, "num_epochs": 1, "num_filters": 4,
                "hidden_dim": 16}

    with pytest.raises(ExerciseError, match=r"best validation accuracy "
                       r"0\.[0-9]{3} < threshold 0\.75 \(1,000 training "
                       r"examples, 1 epoch, sgd.*the loss hardly went "
                       r"down") as info:
        check_hyperparameters(choose_hyperparameters, data,
                              num_training=1000)
    one_line(info)


def test_hyperparameters_divergence_is_named(data):
    def choose_hyperparameters():
        return {"update_rule": "adam", "learning_rate": 1.0,
                "batch_size": 100, "num_epochs": 1, "num_filters": 4,
                "hidden_dim": 16, "weight_scale": 1e-2}

    with pytest.raises(ExerciseError, match=r"the loss blew up \(to .* from "
                       r"2\.3.*\): the learning rate is probably too large"):
        check_hyperparameters(choose_hyperparameters, data,
                              num_training=1000)


def test_checkers_leave_global_random_state_alone():
    before = np.random.get_state()[1].copy()
    check_conv_relu_pool_backward(cl.conv_relu_pool_backward)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


# ------------------------------------------------------------ the notebook

NOTEBOOK = (Path(__file__).resolve().parent.parent / "notebooks"
            / "05_three_layer_convnet.ipynb")


def _grading(cell):
    return cell.metadata.get("nbgrader", {})


def _solution_lines(source):
    """The lines between the solution markers (stripped, not trivial)."""
    inside, lines = False, set()
    for line in source.split("\n"):
        if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
            inside = "BEGIN" in line
        elif inside and len(line.strip()) >= 10:
            lines.add(line.strip())
    return lines


def _shown_text(cell):
    """A cell's source and, for a code cell, its stored text outputs."""
    parts = [cell.source]
    for output in cell.get("outputs", []):
        parts.append(str(output.get("text", "")))
        parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_notebook_05_shows_no_solution_line_before_its_check():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    exercises = [i for i, c in enumerate(cells) if _grading(c).get("solution")]
    assert len(exercises) == 3
    for i in exercises:
        check = next(j for j in range(i + 1, len(cells))
                     if _grading(cells[j]).get("grade"))
        lines = _solution_lines(cells[i].source)
        assert lines, _grading(cells[i])["grade_id"]
        for j in range(check):
            if j != i:
                shown = _shown_text(cells[j])
                leaked = [line for line in lines if line in shown]
                assert not leaked, (_grading(cells[i])["grade_id"], j, leaked)


def test_notebook_05_numbers_its_exercises_in_reading_order():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    announced, points = [], []
    for cell in cells:
        if cell.cell_type == "markdown":
            announced += [(int(n), int(p)) for n, p in re.findall(
                r"\*\*Exercise (\d+) \((\d+) points?\)\.\*\*", cell.source)]
        if _grading(cell).get("grade"):
            points.append(_grading(cell)["points"])
    assert [n for n, _ in announced] == [1, 2, 3]
    assert [p for _, p in announced] == points


def test_notebook_05_code_cells_are_short():
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if cell.cell_type == "code":
            assert len(cell.source.split("\n")) <= 40, cell.source[:60]
