"""ThreeLayerConvNet: parameters, loss, whole-model gradients, overfitting."""
import math

import numpy as np
import pytest

from cs231n_layers import (
    Solver,
    ThreeLayerConvNet,
    conv_forward_naive,
    eval_numerical_gradient,
    max_pool_forward_naive,
    rel_error,
)

TINY = {"input_dim": (3, 8, 8), "num_filters": 3, "filter_size": 3,
        "hidden_dim": 7}


def data_for(model_kwargs, N, seed=0, dtype=np.float64):
    C, H, W = model_kwargs.get("input_dim", (1, 28, 28))
    classes = model_kwargs.get("num_classes", 10)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, C, H, W)).astype(dtype)
    y = rng.integers(0, classes, size=N)
    return X, y


# ------------------------------------------------------------ parameters

@pytest.mark.parametrize(
    "kwargs, expected",
    [({}, {"W1": (32, 1, 7, 7), "b1": (32,), "W2": (32 * 14 * 14, 100),
           "b2": (100,), "W3": (100, 10), "b3": (10,)}),
     (TINY, {"W1": (3, 3, 3, 3), "b1": (3,), "W2": (3 * 4 * 4, 7),
             "b2": (7,), "W3": (7, 10), "b3": (10,)}),
     ({"input_dim": (2, 6, 10), "num_filters": 5, "filter_size": 5,
       "hidden_dim": 4, "num_classes": 3},
      {"W1": (5, 2, 5, 5), "b1": (5,), "W2": (5 * 3 * 5, 4), "b2": (4,),
       "W3": (4, 3), "b3": (3,)})],
    ids=["defaults", "tiny", "non-square-input"])
def test_param_shapes(kwargs, expected):
    model = ThreeLayerConvNet(seed=0, **kwargs)
    assert {k: v.shape for k, v in model.params.items()} == expected


def test_biases_start_at_zero_and_weights_at_weight_scale():
    model = ThreeLayerConvNet(weight_scale=0.05, seed=0)
    for name in ("b1", "b2", "b3"):
        assert not np.any(model.params[name])
    # W2 has 627,200 entries: its sample std is 0.05 to well under 1%.
    assert np.std(model.params["W2"]) == pytest.approx(0.05, rel=0.01)
    assert abs(np.mean(model.params["W2"])) < 1e-3


@pytest.mark.parametrize(
    "dtype_kwargs, expected",
    [({}, np.float32), ({"dtype": np.float64}, np.float64),
     ({"dtype": np.float32}, np.float32)],
    ids=["default-float32", "float64", "float32"])
def test_dtype_is_respected(dtype_kwargs, expected):
    model = ThreeLayerConvNet(seed=0, **TINY, **dtype_kwargs)
    assert {v.dtype for v in model.params.values()} == {np.dtype(expected)}
    X, y = data_for(TINY, 2)  # float64 input is cast to the model's dtype
    assert model.loss(X).dtype == expected
    loss, grads = model.loss(X, y)
    assert isinstance(loss, float)
    assert {g.dtype for g in grads.values()} == {np.dtype(expected)}


def test_same_seed_same_params_different_seed_different_params():
    a = ThreeLayerConvNet(seed=7, **TINY).params
    b = ThreeLayerConvNet(seed=7, **TINY).params
    c = ThreeLayerConvNet(seed=8, **TINY).params
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    for name in ("W1", "W2", "W3"):
        assert not np.array_equal(a[name], c[name])


# ------------------------------------------------------------------ loss

def test_initial_loss_is_about_log_10():
    model = ThreeLayerConvNet(weight_scale=1e-3, reg=0.0, seed=0)
    X, y = data_for({}, 10, dtype=np.float32)
    loss, _ = model.loss(X, y)
    assert abs(loss - math.log(10)) < 0.05


def test_regularisation_adds_exactly_the_l2_penalty():
    kwargs = dict(TINY, weight_scale=0.5, dtype=np.float64, seed=3)
    plain = ThreeLayerConvNet(reg=0.0, **kwargs)
    reg = ThreeLayerConvNet(reg=0.7, **kwargs)
    X, y = data_for(TINY, 4)
    loss0, grads0 = plain.loss(X, y)
    loss1, grads1 = reg.loss(X, y)
    p = plain.params
    penalty = 0.5 * 0.7 * sum(np.sum(p[w] ** 2) for w in ("W1", "W2", "W3"))
    assert penalty > 1.0  # large enough to matter
    assert loss1 > loss0
    assert loss1 - loss0 == pytest.approx(penalty, rel=1e-10)
    for name in p:
        extra = 0.7 * p[name] if name.startswith("W") else 0.0
        np.testing.assert_allclose(grads1[name], grads0[name] + extra,
                                   rtol=1e-10, atol=1e-12)


def test_loss_without_labels_returns_scores():
    model = ThreeLayerConvNet(seed=0, num_classes=4, **TINY)
    X, _ = data_for(TINY, 5)
    scores = model.loss(X)
    assert isinstance(scores, np.ndarray) and scores.shape == (5, 4)


def test_loss_does_not_mutate_inputs_or_params(unchanged):
    model = ThreeLayerConvNet(seed=0, dtype=np.float64, **TINY)
    X, y = data_for(TINY, 3)
    with unchanged(X, y, model.params):
        model.loss(X, y)
        model.loss(X)


def test_scores_match_a_manual_nchw_forward_pass():
    # conv (stride 1, pad (K-1)//2) -> relu -> 2x2 max pool -> flatten in
    # NCHW order -> affine -> relu -> affine, with the naive layers.
    kwargs = {"input_dim": (2, 6, 4), "num_filters": 3, "filter_size": 3,
              "hidden_dim": 5, "num_classes": 4}
    model = ThreeLayerConvNet(weight_scale=0.3, dtype=np.float64, seed=1,
                              **kwargs)
    rng = np.random.default_rng(2)
    for name in ("b1", "b2", "b3"):  # make the biases count too
        model.params[name] = rng.standard_normal(model.params[name].shape)
    p = model.params
    X, _ = data_for(kwargs, 3)
    a, _ = conv_forward_naive(X, p["W1"], p["b1"], {"stride": 1, "pad": 1})
    pooled, _ = max_pool_forward_naive(
        np.maximum(a, 0), {"pool_height": 2, "pool_width": 2, "stride": 2})
    N, F, HP, WP = pooled.shape
    flat = np.empty((N, F * HP * WP))
    for n in range(N):  # NCHW: channel slowest, then row, then column
        for f in range(F):
            for i in range(HP):
                for j in range(WP):
                    flat[n, (f * HP + i) * WP + j] = pooled[n, f, i, j]
    hidden = np.maximum(flat @ p["W2"] + p["b2"], 0)
    expected = hidden @ p["W3"] + p["b3"]
    np.testing.assert_allclose(model.loss(X), expected, rtol=1e-10,
                               atol=1e-12)
    # The check can tell the orders apart: NHWC flattening differs.
    nhwc = pooled.transpose(0, 2, 3, 1).reshape(N, -1)
    wrong = np.maximum(nhwc @ p["W2"] + p["b2"], 0) @ p["W3"] + p["b3"]
    assert not np.allclose(wrong, expected)


# ----------------------------------------------- whole-model gradient check

GRAD_CHECK_CASES = [
    pytest.param(TINY, 3, 0.0, id="C3-N3-reg0"),
    pytest.param(TINY, 3, 0.1, id="C3-N3-reg0.1"),
    pytest.param(dict(TINY, input_dim=(2, 8, 8)), 2, 0.0, id="C2-N2-reg0"),
    pytest.param(dict(TINY, input_dim=(2, 8, 8)), 2, 0.1, id="C2-N2-reg0.1"),
]


@pytest.mark.parametrize("kwargs, N, reg", GRAD_CHECK_CASES)
def test_whole_model_gradient_check(kwargs, N, reg):
    # weight_scale 0.1 keeps gradients well above float64 rounding; with
    # these seeds the errors observed are around 1e-10.
    model = ThreeLayerConvNet(weight_scale=0.1, reg=reg, dtype=np.float64,
                              seed=0, **kwargs)
    X, y = data_for(kwargs, N)
    _, grads = model.loss(X, y)
    for name in sorted(model.params):
        numeric = eval_numerical_gradient(lambda _: model.loss(X, y)[0],
                                          model.params[name])
        assert rel_error(grads[name], numeric) < 1e-5, name


# ------------------------------------------------------------- overfitting

def test_solver_overfits_50_examples():
    kwargs = {"input_dim": (1, 16, 16), "num_filters": 4, "filter_size": 3,
              "hidden_dim": 32}
    X, y = data_for(kwargs, 50, dtype=np.float32)  # random labels: memorise
    model = ThreeLayerConvNet(weight_scale=0.1, seed=0, **kwargs)
    # Validating on the training set makes the kept best parameters the
    # first ones that fit all 50 examples.
    data = {"X_train": X, "y_train": y, "X_val": X, "y_val": y}
    solver = Solver(model, data, update_rule="adam",
                    optim_config={"learning_rate": 5e-3}, batch_size=10,
                    num_epochs=20, verbose=False, seed=0).train()
    assert solver.train_acc_history[-1] == 1.0
    assert solver.check_accuracy(X, y) == 1.0
