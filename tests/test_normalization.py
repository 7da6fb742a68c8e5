"""Normalisation layers: values by hand, statistics, running averages,
gradients (numerical, and PyTorch's when it is installed), dtypes, no
mutation, and bad input."""
import numpy as np
import pytest

import cs231n_layers as cl
from cs231n_layers import (
    batchnorm_backward,
    batchnorm_backward_alt,
    batchnorm_forward,
    eval_numerical_gradient_array,
    layernorm_backward,
    layernorm_forward,
    rel_error,
    spatial_batchnorm_backward,
    spatial_batchnorm_forward,
    spatial_groupnorm_backward,
    spatial_groupnorm_forward,
)
from cs231n_layers.normalization import NormCache, _norm_backward

GRAD_TOL = 1e-7
TORCH_REASON = ("PyTorch is not installed; it is an optional reference "
                "(pip install torch) and never a requirement")


def inputs(rng, shape, dtype=np.float64):
    """x with its own mean and scale per feature (axis 1), gamma, beta."""
    D = shape[1]
    per_feature = (1, D) + (1,) * (len(shape) - 2)
    x = (rng.standard_normal(shape) * rng.uniform(0.5, 3, per_feature)
         + rng.uniform(-2, 2, per_feature))
    gamma, beta = rng.uniform(0.5, 2, D), rng.standard_normal(D)
    return x.astype(dtype), gamma.astype(dtype), beta.astype(dtype)


# The layers as (forward, backward, x shape, gamma shape, extra arguments
# after gamma and beta); each call gets fresh copies of the dicts.
LAYERS = {
    "batchnorm": (batchnorm_forward, batchnorm_backward_alt, (6, 5), (5,),
                  ({"mode": "train"},)),
    "batchnorm-graph": (batchnorm_forward, batchnorm_backward, (6, 5), (5,),
                        ({"mode": "train"},)),
    "batchnorm-D1": (batchnorm_forward, batchnorm_backward_alt, (7, 1),
                     (1,), ({"mode": "train", "eps": 1e-3},)),
    "spatial-batchnorm": (spatial_batchnorm_forward,
                          spatial_batchnorm_backward, (2, 3, 4, 5), (3,),
                          ({"mode": "train"},)),
    "spatial-batchnorm-N1": (spatial_batchnorm_forward,
                             spatial_batchnorm_backward, (1, 2, 3, 3), (2,),
                             ({"mode": "train"},)),
    "spatial-batchnorm-graph": (spatial_batchnorm_forward,
                                batchnorm_backward, (2, 3, 3, 2), (3,),
                                ({"mode": "train"},)),
    "layernorm": (layernorm_forward, layernorm_backward, (4, 7), (7,),
                  ({},)),
    "layernorm-N1": (layernorm_forward, layernorm_backward, (1, 5), (5,),
                     ({"eps": 1e-3, "mode": "test"},)),
    "groupnorm-G2": (spatial_groupnorm_forward, spatial_groupnorm_backward,
                     (2, 6, 3, 4), (6,), (2, {})),
    "groupnorm-G1": (spatial_groupnorm_forward, spatial_groupnorm_backward,
                     (2, 4, 3, 3), (4,), (1, {})),
    "groupnorm-GC-cs231n-shape": (spatial_groupnorm_forward,
                                  spatial_groupnorm_backward, (3, 4, 2, 3),
                                  (1, 4, 1, 1), (4, {"eps": 1e-2})),
}


def call(forward, x, gamma, beta, extra):
    fresh = [dict(e) if isinstance(e, dict) else e for e in extra]
    return forward(x, gamma, beta, *fresh)


@pytest.mark.parametrize("name", LAYERS)
def test_gradients_match_numerical_ones(name):
    forward, backward, x_shape, g_shape, extra = LAYERS[name]
    rng = np.random.default_rng(len(name))
    x, gamma, beta = inputs(rng, x_shape)
    gamma, beta = gamma.reshape(g_shape), beta.reshape(g_shape)
    out, cache = call(forward, x, gamma, beta, extra)
    dout = rng.standard_normal(out.shape)
    grads = backward(dout, cache)
    for k, (grad, point) in enumerate(zip(grads, (x, gamma, beta))):
        def f(v, k=k):
            args = [x, gamma, beta]
            args[k] = v
            return call(forward, *args, extra)[0]
        numeric = eval_numerical_gradient_array(f, point, dout)
        assert grad.shape == point.shape
        if np.max(np.abs(numeric)) < 1e-9:  # a batch of one: dx is 0
            assert np.max(np.abs(grad)) < 1e-9
        else:
            assert rel_error(grad, numeric) < GRAD_TOL, ("dx dgamma dbeta"
                                                         .split()[k])


@pytest.mark.parametrize("forward, shape", [
    (batchnorm_forward, (9, 4)), (spatial_batchnorm_forward, (3, 2, 4, 5))])
def test_graph_closed_form_and_shared_backward_agree(forward, shape):
    rng = np.random.default_rng(3)
    x, gamma, beta = inputs(rng, shape)
    out, cache = forward(x, gamma, beta, {"mode": "train"})
    dout = rng.standard_normal(out.shape)
    graph = batchnorm_backward(dout, cache)
    for other in (batchnorm_backward_alt(dout, cache),
                  _norm_backward(dout, cache)):
        for a, b in zip(graph, other):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_batchnorm_by_hand():
    x = np.array([[1.0, 7], [1, 9], [5, 9], [5, 15]])
    bn_param = {"mode": "train"}
    out, _ = batchnorm_forward(x, np.array([2.0, 0.5]), np.array([0.0, 1.0]),
                               bn_param)
    eps = 1e-5
    expected = np.column_stack([2 * (x[:, 0] - 3) / np.sqrt(4 + eps),
                                0.5 * (x[:, 1] - 10) / np.sqrt(9 + eps) + 1])
    np.testing.assert_allclose(out, expected, rtol=1e-14)
    np.testing.assert_allclose(bn_param["running_mean"], [0.3, 1.0])
    np.testing.assert_allclose(bn_param["running_var"], [0.4, 0.9])


def test_groupnorm_by_hand():
    x = np.array([1.0, 5, 1, 5, 7, 9, 9, 15]).reshape(1, 4, 1, 2)
    out, _ = spatial_groupnorm_forward(x, np.ones(4), np.zeros(4), 2, {})
    expected = np.concatenate([(x[0, :2] - 3) / np.sqrt(4 + 1e-5),
                               (x[0, 2:] - 10) / np.sqrt(9 + 1e-5)])[None]
    np.testing.assert_allclose(out, expected, rtol=1e-14)


@pytest.mark.parametrize("name, axes", [
    ("batchnorm", (0,)), ("spatial-batchnorm", (0, 2, 3))])
def test_batchnorm_output_has_mean_beta_and_std_gamma_per_feature(name,
                                                                   axes):
    forward, _, x_shape, _, extra = LAYERS[name]
    x, gamma, beta = inputs(np.random.default_rng(5), x_shape)
    out, _ = call(forward, x, gamma, beta, extra)
    np.testing.assert_allclose(out.mean(axis=axes), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=axes), gamma, rtol=1e-4)


def test_layernorm_standardises_each_example():
    x, _, _ = inputs(np.random.default_rng(5), (4, 7))
    out, _ = layernorm_forward(x, np.ones(7), np.zeros(7), {})
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 1, rtol=1e-4)


def test_groupnorm_standardises_each_group_of_each_example():
    x, _, _ = inputs(np.random.default_rng(6), (3, 6, 4, 2))
    out, _ = spatial_groupnorm_forward(x, np.ones(6), np.zeros(6), 3, {})
    groups = out.reshape(3, 3, -1)
    np.testing.assert_allclose(groups.mean(axis=2), 0, atol=1e-12)
    np.testing.assert_allclose(groups.std(axis=2), 1, rtol=1e-4)


def test_groupnorm_extremes_are_layer_norm_and_instance_norm():
    x, _, _ = inputs(np.random.default_rng(7), (2, 4, 3, 3))
    one, _ = spatial_groupnorm_forward(x, np.ones(4), np.zeros(4), 1, {})
    flat, _ = layernorm_forward(x.reshape(2, -1), np.ones(36), np.zeros(36),
                                {})
    np.testing.assert_allclose(one.reshape(2, -1), flat, rtol=1e-12)
    each, _ = spatial_groupnorm_forward(x, np.ones(4), np.zeros(4), 4, {})
    maps = x.reshape(2, 4, -1)
    instance = (maps - maps.mean(axis=2, keepdims=True)) / np.sqrt(
        maps.var(axis=2, keepdims=True) + 1e-5)
    np.testing.assert_allclose(each.reshape(2, 4, -1), instance, rtol=1e-12)


def test_spatial_batchnorm_equals_batchnorm_on_the_transposed_rows():
    rng = np.random.default_rng(8)
    x, gamma, beta = inputs(rng, (3, 4, 2, 5))
    p1, p2 = {"mode": "train", "momentum": 0.8}, {"mode": "train",
                                                  "momentum": 0.8}
    out, _ = spatial_batchnorm_forward(x, gamma, beta, p1)
    rows = x.transpose(0, 2, 3, 1).reshape(-1, 4)
    ref, _ = batchnorm_forward(rows, gamma, beta, p2)
    np.testing.assert_allclose(out, ref.reshape(3, 2, 5, 4).transpose(
        0, 3, 1, 2), rtol=1e-12, atol=1e-12)
    for key in ("running_mean", "running_var"):
        np.testing.assert_allclose(p1[key], p2[key], rtol=1e-12)


def test_layer_and_group_norm_ignore_the_rest_of_the_batch():
    rng = np.random.default_rng(9)
    x, gamma, beta = inputs(rng, (4, 6))
    alone, _ = layernorm_forward(x[:1], gamma, beta, {})
    np.testing.assert_array_equal(alone, layernorm_forward(x, gamma, beta,
                                                           {})[0][:1])
    x4, g4, b4 = inputs(rng, (3, 4, 2, 2))
    alone, _ = spatial_groupnorm_forward(x4[1:2], g4, b4, 2, {})
    np.testing.assert_allclose(alone, spatial_groupnorm_forward(
        x4, g4, b4, 2, {"mode": "test"})[0][1:2], rtol=1e-14)


# ------------------------------------------------- running statistics

@pytest.mark.parametrize("forward, shape", [
    (batchnorm_forward, (5, 3)), (spatial_batchnorm_forward, (2, 3, 2, 2))])
def test_running_statistics_update_and_test_mode(forward, shape):
    rng = np.random.default_rng(10)
    axes = (0,) if len(shape) == 2 else (0, 2, 3)
    keep = (1, 3) + (1,) * (len(shape) - 2)
    x1, gamma, beta = inputs(rng, shape)
    x2 = inputs(rng, shape)[0]
    bn_param = {"mode": "train", "momentum": 0.7}
    forward(x1, gamma, beta, bn_param)
    first_mean = bn_param["running_mean"]
    forward(x2, gamma, beta, bn_param)
    expected_mean = 0.7 * 0.3 * x1.mean(axis=axes) + 0.3 * x2.mean(axis=axes)
    expected_var = 0.7 * 0.3 * x1.var(axis=axes) + 0.3 * x2.var(axis=axes)
    np.testing.assert_allclose(bn_param["running_mean"], expected_mean,
                               rtol=1e-12)
    np.testing.assert_allclose(bn_param["running_var"], expected_var,
                               rtol=1e-12)
    # A new array each time: the one stored before is left as it was.
    np.testing.assert_allclose(first_mean, 0.3 * x1.mean(axis=axes))
    bn_param["mode"] = "test"
    x3 = inputs(rng, shape)[0]
    before = {k: bn_param[k].copy() for k in ("running_mean", "running_var")}
    out, _ = forward(x3, gamma, beta, bn_param)
    expected = (gamma.reshape(keep) * (x3 - expected_mean.reshape(keep))
                / np.sqrt(expected_var.reshape(keep) + 1e-5)
                + beta.reshape(keep))
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    for key, value in before.items():
        np.testing.assert_array_equal(bn_param[key], value)


def test_running_statistics_are_created_as_zeros_in_either_mode():
    x, gamma, beta = inputs(np.random.default_rng(11), (4, 3))
    bn_param = {"mode": "test"}
    out, _ = batchnorm_forward(x, gamma, beta, bn_param)
    np.testing.assert_array_equal(bn_param["running_mean"], np.zeros(3))
    np.testing.assert_array_equal(bn_param["running_var"], np.zeros(3))
    np.testing.assert_allclose(out, gamma * x / np.sqrt(1e-5) + beta)


# ------------------------------------------------- dtypes and mutation

@pytest.mark.parametrize("name", ["batchnorm", "spatial-batchnorm",
                                  "layernorm", "groupnorm-G2",
                                  "groupnorm-GC-cs231n-shape"])
def test_float32_stays_float32_and_is_close_to_float64(name):
    forward, backward, x_shape, g_shape, extra = LAYERS[name]
    x, gamma, beta = inputs(np.random.default_rng(12), x_shape)
    gamma, beta = gamma.reshape(g_shape), beta.reshape(g_shape)
    out64, cache64 = call(forward, x, gamma, beta, extra)
    args32 = [a.astype(np.float32) for a in (x, gamma, beta)]
    out32, cache32 = call(forward, *args32, extra)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, rtol=1e-4, atol=1e-5)
    dout = np.random.default_rng(13).standard_normal(out64.shape)
    grads32 = backward(dout.astype(np.float32), cache32)
    for g32, g64 in zip(grads32, backward(dout, cache64)):
        assert g32.dtype == np.float32
        np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("name", LAYERS)
def test_layers_modify_none_of_their_arrays(name, unchanged):
    forward, backward, x_shape, g_shape, extra = LAYERS[name]
    rng = np.random.default_rng(14)
    x, gamma, beta = inputs(rng, x_shape)
    gamma, beta = gamma.reshape(g_shape), beta.reshape(g_shape)
    params = [dict(e) if isinstance(e, dict) else e for e in extra]
    # bn_param gains running statistics; nothing else may change.
    with unchanged(x, gamma, beta):
        out, cache = forward(x, gamma, beta, *params)
    dout = rng.standard_normal(out.shape)
    with unchanged(dout, tuple(cache)):
        backward(dout, cache)


def test_batchnorm_changes_only_the_running_statistics_in_bn_param():
    x, gamma, beta = inputs(np.random.default_rng(15), (4, 3))
    old_mean, old_var = np.ones(3), np.full(3, 2.0)
    bn_param = {"mode": "train", "eps": 1e-3, "momentum": 0.5,
                "running_mean": old_mean, "running_var": old_var}
    batchnorm_forward(x, gamma, beta, bn_param)
    assert set(bn_param) == {"mode", "eps", "momentum", "running_mean",
                             "running_var"}
    assert (bn_param["mode"], bn_param["eps"], bn_param["momentum"]) == (
        "train", 1e-3, 0.5)
    np.testing.assert_array_equal(old_mean, np.ones(3))
    np.testing.assert_array_equal(old_var, np.full(3, 2.0))
    assert bn_param["running_mean"] is not old_mean


def test_cache_is_a_norm_cache_with_documented_fields():
    x, gamma, beta = inputs(np.random.default_rng(16), (2, 4, 3, 3))
    _, cache = spatial_groupnorm_forward(x, gamma.reshape(1, 4, 1, 1),
                                         beta.reshape(1, 4, 1, 1), 2, {})
    assert isinstance(cache, NormCache)
    assert cache.x_hat.shape == (2, 2, 2, 3, 3)
    assert cache.inv_std.shape == (2, 2, 1, 1, 1)
    assert cache.gamma.shape == (1, 2, 2, 1, 1)
    assert (cache.axes, cache.param_axes) == ((2, 3, 4), (0, 3, 4))
    assert (cache.x_shape, cache.gamma_shape, cache.mode) == (
        (2, 4, 3, 3), (1, 4, 1, 1), "train")


# ------------------------------------------------------------ bad input

X2, X4 = np.ones((4, 3)), np.ones((2, 6, 2, 2))
G3, G6 = np.ones(3), np.ones(6)
BAD = {
    "mode missing": (lambda: batchnorm_forward(X2, G3, G3, {}),
                     r"bn_param\['mode'\] is missing"),
    "mode unknown": (lambda: batchnorm_forward(X2, G3, G3, {"mode": "eval"}),
                     r"bn_param\['mode'\] must be 'train' or 'test', got "
                     r"'eval'"),
    "mode None": (lambda: spatial_batchnorm_forward(X4, G6, G6,
                                                    {"mode": None}),
                  r"bn_param\['mode'\] is missing"),
    "unknown key": (lambda: batchnorm_forward(X2, G3, G3, {
        "mode": "train", "momentom": 0.9}), r"unknown keys \['momentom'\]"),
    "eps not positive": (lambda: batchnorm_forward(X2, G3, G3, {
        "mode": "train", "eps": 0.0}), r"bn_param\['eps'\] must be"),
    "momentum out of range": (lambda: batchnorm_forward(X2, G3, G3, {
        "mode": "train", "momentum": 1.5}), r"bn_param\['momentum'\]"),
    "gamma shape": (lambda: batchnorm_forward(X2, np.ones(4), G3,
                                              {"mode": "train"}),
                    r"gamma must have shape \(D,\) = \(3,\), got \(4,\)"),
    "beta shape": (lambda: spatial_batchnorm_forward(X4, G6, np.ones(
        (1, 6, 1, 1)), {"mode": "train"}), r"beta must have shape \(C,\)"),
    "running mean shape": (lambda: batchnorm_forward(X2, G3, G3, {
        "mode": "train", "running_mean": np.zeros(4)}),
        r"bn_param\['running_mean'\] must be an array of shape \(D,\) = "
        r"\(3,\), got \(4,\)"),
    "running var shape": (lambda: spatial_batchnorm_forward(X4, G6, G6, {
        "mode": "test", "running_var": np.zeros((1, 6, 1, 1))}),
        r"bn_param\['running_var'\] must be an array of shape \(C,\)"),
    "running var not an array": (lambda: batchnorm_forward(X2, G3, G3, {
        "mode": "train", "running_var": [0.0, 0.0, 0.0]}),
        r"bn_param\['running_var'\] must be an array"),
    "x rank batchnorm": (lambda: batchnorm_forward(X4, G6, G6,
                                                   {"mode": "train"}),
                         r"batchnorm_forward: x must be 2-D, got 4-D"),
    "x rank spatial": (lambda: spatial_batchnorm_forward(X2, G3, G3,
                                                         {"mode": "train"}),
                       r"x must be 4-D, got 2-D"),
    "x rank layernorm": (lambda: layernorm_forward(np.ones(3), G3, G3, {}),
                         r"x must be 2-D, got 1-D"),
    "x rank groupnorm": (lambda: spatial_groupnorm_forward(X2, G3, G3, 1,
                                                           {}),
                         r"x must be 4-D"),
    "x empty": (lambda: batchnorm_forward(np.ones((0, 3)), G3, G3,
                                          {"mode": "train"}),
                r"x must not be empty"),
    "G does not divide C": (lambda: spatial_groupnorm_forward(X4, G6, G6, 4,
                                                              {}),
                            r"G=4 must divide the number of channels C=6"),
    "G zero": (lambda: spatial_groupnorm_forward(X4, G6, G6, 0, {}),
               r"G must be >= 1"),
    "groupnorm gamma shape": (lambda: spatial_groupnorm_forward(
        X4, np.ones((6, 1)), G6, 3, {}),
        r"gamma must have shape \(C,\) = \(6,\) or \(1, C, 1, 1\)"),
    "groupnorm gamma and beta differ": (lambda: spatial_groupnorm_forward(
        X4, G6, np.ones((1, 6, 1, 1)), 3, {}),
        r"gamma and beta must have the same shape"),
    "ln_param unknown key": (lambda: layernorm_forward(X2, G3, G3, {
        "running_mean": np.zeros(3)}), r"ln_param has unknown keys"),
    "gn_param mode": (lambda: spatial_groupnorm_forward(X4, G6, G6, 3, {
        "mode": "training"}), r"gn_param\['mode'\] must be"),
    "backward of test mode": (lambda: batchnorm_backward_alt(
        np.ones((4, 3)), batchnorm_forward(X2 + np.arange(4)[:, None], G3,
                                           G3, {"mode": "test"})[1]),
        r"test mode"),
    "dout shape": (lambda: layernorm_backward(np.ones((4, 4)),
                                              layernorm_forward(X2, G3, G3,
                                                                {})[1]),
                   r"dout must have the shape of the forward output"),
    "batch norm backward on a layer norm cache": (
        lambda: batchnorm_backward(np.ones((4, 3)), layernorm_forward(
            X2, G3, G3, {})[1]), r"not from batch norm"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_raises_a_value_error_naming_the_argument(case):
    fn, pattern = BAD[case]
    with pytest.raises(ValueError, match=pattern):
        fn()


@pytest.mark.parametrize("fn, pattern", [
    (lambda: batchnorm_forward(X2, G3, G3, "train"), r"bn_param must be a "
                                                     r"dict"),
    (lambda: batchnorm_forward(X2.astype(int), G3, G3, {"mode": "train"}),
     r"x must have a floating-point dtype"),
    (lambda: spatial_groupnorm_forward(X4, G6, G6, 2.0, {}),
     r"G must be an integer"),
    (lambda: batchnorm_backward(np.ones((4, 3)), (1, 2, 3)),
     r"cache must be the NormCache"),
], ids=["bn_param type", "x dtype", "G type", "cache type"])
def test_wrong_types_raise_type_errors(fn, pattern):
    with pytest.raises(TypeError, match=pattern):
        fn()


# ---------------------------------------------------- PyTorch, float64

def _torch_grads(torch, fn, x, gamma, beta, dout):
    tx, tg, tb = (torch.tensor(a, requires_grad=True)
                  for a in (x, gamma, beta))
    out = fn(tx, tg, tb)
    grads = torch.autograd.grad(out, (tx, tg, tb), torch.tensor(dout))
    return out.detach().numpy(), [g.numpy() for g in grads]


def _assert_like_torch(ours, theirs):
    (out, grads), (t_out, t_grads) = ours, theirs
    np.testing.assert_allclose(out, t_out, rtol=1e-10, atol=1e-12)
    for g, t in zip(grads, t_grads):
        np.testing.assert_allclose(g, t.reshape(g.shape), rtol=1e-9,
                                   atol=1e-11)


@pytest.mark.parametrize("shape", [(6, 5), (2, 3, 4, 5)],
                         ids=["batchnorm", "spatial-batchnorm"])
def test_batchnorm_agrees_with_pytorch(shape):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    F = torch.nn.functional
    rng = np.random.default_rng(20)
    x, gamma, beta = inputs(rng, shape)
    dout = rng.standard_normal(shape)
    forward, backward = ((batchnorm_forward, batchnorm_backward_alt)
                         if len(shape) == 2 else
                         (spatial_batchnorm_forward,
                          spatial_batchnorm_backward))
    bn_param = {"mode": "train"}
    out, cache = forward(x, gamma, beta, bn_param)
    ours = out, backward(dout, cache)
    t_mean, t_var = torch.zeros(shape[1], dtype=torch.float64), torch.zeros(
        shape[1], dtype=torch.float64)
    theirs = _torch_grads(torch, lambda a, g, b: F.batch_norm(
        a, t_mean, t_var, g, b, training=True, momentum=0.1, eps=1e-5),
        x, gamma, beta, dout)
    _assert_like_torch(ours, theirs)
    # PyTorch's momentum weighs the new statistic (ours, the old average),
    # and it keeps the unbiased variance: M / (M - 1) times ours.
    M = x.size // shape[1]
    np.testing.assert_allclose(bn_param["running_mean"], t_mean.numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(bn_param["running_var"] * M / (M - 1),
                               t_var.numpy(), rtol=1e-12)
    bn_param["mode"] = "test"
    test_out, _ = forward(x, gamma, beta, bn_param)
    t_test = F.batch_norm(torch.tensor(x), t_mean,
                          torch.tensor(bn_param["running_var"]),
                          torch.tensor(gamma), torch.tensor(beta),
                          training=False, eps=1e-5)
    np.testing.assert_allclose(test_out, t_test.numpy(), rtol=1e-10,
                               atol=1e-12)


def test_layernorm_agrees_with_pytorch():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    F = torch.nn.functional
    rng = np.random.default_rng(21)
    x, gamma, beta = inputs(rng, (5, 8))
    dout = rng.standard_normal(x.shape)
    out, cache = layernorm_forward(x, gamma, beta, {})
    theirs = _torch_grads(torch, lambda a, g, b: F.layer_norm(
        a, (8,), g, b, eps=1e-5), x, gamma, beta, dout)
    _assert_like_torch((out, layernorm_backward(dout, cache)), theirs)


@pytest.mark.parametrize("G", [1, 2, 6])
def test_groupnorm_agrees_with_pytorch(G):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    F = torch.nn.functional
    rng = np.random.default_rng(22)
    x, gamma, beta = inputs(rng, (3, 6, 4, 5))
    dout = rng.standard_normal(x.shape)
    out, cache = spatial_groupnorm_forward(x, gamma.reshape(1, 6, 1, 1),
                                           beta.reshape(1, 6, 1, 1), G, {})
    theirs = _torch_grads(torch, lambda a, g, b: F.group_norm(
        a, G, g, b, eps=1e-5), x, gamma, beta, dout)
    _assert_like_torch((out, spatial_groupnorm_backward(dout, cache)),
                       theirs)


def test_public_names_are_the_package_functions():
    assert cl.spatial_batchnorm_forward is spatial_batchnorm_forward
    assert cl.batchnorm_backward_alt is batchnorm_backward_alt
