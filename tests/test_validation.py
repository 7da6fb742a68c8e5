"""Bad input: every public entry point raises TypeError or ValueError with a
message naming the function and the argument, never an IndexError, an
AssertionError or a bare numpy broadcasting error."""
import re

import numpy as np
import pytest

import cs231n_layers as cl
from cs231n_layers import (
    Solver,
    ThreeLayerConvNet,
    adam,
    affine_backward,
    affine_forward,
    affine_relu_backward,
    affine_relu_forward,
    avg_pool_backward_fast,
    avg_pool_backward_naive,
    avg_pool_forward_fast,
    avg_pool_forward_naive,
    col2im,
    conv_backward_fast,
    conv_backward_naive,
    conv_forward_fast,
    conv_forward_naive,
    conv_output_size,
    conv_relu_backward,
    conv_relu_forward,
    conv_relu_pool_backward,
    conv_relu_pool_forward,
    corr2d,
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    im2col,
    max_pool_backward_fast,
    max_pool_backward_naive,
    max_pool_forward_fast,
    max_pool_forward_naive,
    rel_error,
    relu_backward,
    relu_forward,
    rmsprop,
    sgd,
    sgd_momentum,
    softmax_loss,
)

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 5, 5))
W = RNG.standard_normal((4, 3, 3, 3))
B = np.zeros(4)
CP = {"stride": 1, "pad": 1}
XP = RNG.standard_normal((2, 3, 4, 4))
PP = {"pool_height": 2, "pool_width": 2, "stride": 2}


def case(ident, call, exc, match):
    return pytest.param(call, exc, match, id=ident)


# ------------------------------------------------------------ convolution

def conv_cases(conv):
    name = conv.__name__
    return [
        case("x-3d", lambda: conv(X[0], W, B, CP), ValueError,
             rf"{name}: x must be 4-D, got 3-D"),
        case("x-int", lambda: conv(X.astype(int), W, B, CP), TypeError,
             rf"{name}: x must have a floating-point dtype"),
        case("x-list", lambda: conv(X.tolist(), W, B, CP), TypeError,
             rf"{name}: x must be a numpy array"),
        case("w-3d", lambda: conv(X, W[0], B, CP), ValueError,
             rf"{name}: w must be 4-D"),
        case("channels-differ", lambda: conv(X, W[:, :2], B, CP), ValueError,
             rf"{name}: x has C=3 channels but w expects C=2"),
        case("b-wrong-shape", lambda: conv(X, W, np.zeros(5), CP),
             ValueError, rf"{name}: b must have shape \(F,\) = \(4,\)"),
        case("b-2d", lambda: conv(X, W, np.zeros((4, 1)), CP), ValueError,
             rf"{name}: b must be 1-D"),
        case("kernel-larger-than-padded-input",
             lambda: conv(X, np.zeros((4, 3, 9, 3)), B, CP), ValueError,
             rf"{name}: along H, the kernel KH of w: window of size 9 does "
             r"not fit an input of size 5 padded to 7"),
        case("empty-kernel", lambda: conv(X, np.zeros((4, 3, 3, 0)), B, CP),
             ValueError, rf"{name}: w must have a kernel of at least 1x1, got "
             r"KH=3, KW=0"),
        case("stride-does-not-tile",
             lambda: conv(X, W, B, {"stride": 3, "pad": 1}), ValueError,
             rf"{name}: along H, .*stride 3 does not tile the padded input"),
        case("negative-pad", lambda: conv(X, W, B, {"stride": 1, "pad": -1}),
             ValueError, rf"{name}: conv_param\['pad'\] must be >= 0, got -1"),
        case("zero-stride", lambda: conv(X, W, B, {"stride": 0, "pad": 1}),
             ValueError,
             rf"{name}: conv_param\['stride'\] must be >= 1, got 0"),
        case("negative-stride",
             lambda: conv(X, W, B, {"stride": -2, "pad": 1}), ValueError,
             rf"{name}: conv_param\['stride'\] must be >= 1, got -2"),
        case("missing-key", lambda: conv(X, W, B, {"stride": 1}), ValueError,
             rf"{name}: conv_param has missing keys \['pad'\]"),
        case("unknown-key",
             lambda: conv(X, W, B, {"stride": 1, "pad": 1, "padding": 1}),
             ValueError, rf"{name}: conv_param .*unknown keys \['padding'\]"),
        case("float-stride", lambda: conv(X, W, B, {"stride": 1.0, "pad": 1}),
             TypeError,
             rf"{name}: conv_param\['stride'\] must be an integer, got float"),
        case("str-pad", lambda: conv(X, W, B, {"stride": 1, "pad": "1"}),
             TypeError, rf"{name}: conv_param\['pad'\] must be an integer"),
        case("bool-stride",
             lambda: conv(X, W, B, {"stride": True, "pad": 1}), TypeError,
             rf"{name}: conv_param\['stride'\] must be an integer, got bool"),
        case("conv_param-not-dict", lambda: conv(X, W, B, (1, 1)), TypeError,
             rf"{name}: conv_param must be a dict with keys"),
    ]


@pytest.mark.parametrize("call, exc, match", conv_cases(conv_forward_naive))
def test_conv_forward_naive_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize("call, exc, match", conv_cases(conv_forward_fast))
def test_conv_forward_fast_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize("conv", [conv_forward_naive, conv_forward_fast])
def test_numpy_integers_are_valid_stride_and_pad(conv):
    out, _ = conv(X, W, B, {"stride": np.int64(1), "pad": np.int32(1)})
    assert out.shape == (2, 4, 5, 5)


@pytest.mark.parametrize(
    "call, exc, match",
    [case("conv_relu-channels", lambda: conv_relu_forward(X, W[:, :2], B, CP),
          ValueError, r"x has C=3 channels but w expects C=2"),
     case("conv_relu_pool-pool-does-not-tile",
          lambda: conv_relu_pool_forward(
              X, W, B, CP, {"pool_height": 2, "pool_width": 2, "stride": 2}),
          ValueError, r"along H, the pool_height: .*stride 2 does not tile"),
     case("conv_relu_pool-missing-pool-key",
          lambda: conv_relu_pool_forward(X, W, B, CP, {"stride": 2}),
          ValueError, r"pool_param has missing keys \['pool_height', "
                      r"'pool_width'\]")])
def test_sandwich_forward_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------- pooling

POOL_FORWARDS = [max_pool_forward_naive, max_pool_forward_fast,
                 avg_pool_forward_naive, avg_pool_forward_fast]


def pool_cases(pool):
    name = pool.__name__
    return [
        case(f"{name}-x-3d", lambda: pool(XP[0], PP), ValueError,
             rf"{name}: x must be 4-D"),
        case(f"{name}-x-int", lambda: pool(XP.astype(np.int32), PP),
             TypeError, rf"{name}: x must have a floating-point dtype"),
        case(f"{name}-pool_param-not-dict", lambda: pool(XP, [2, 2, 2]),
             TypeError, rf"{name}: pool_param must be a dict"),
        case(f"{name}-missing-key",
             lambda: pool(XP, {"pool_height": 2, "stride": 2}), ValueError,
             rf"{name}: pool_param has missing keys \['pool_width'\]"),
        case(f"{name}-unknown-key", lambda: pool(XP, dict(PP, pad=0)),
             ValueError, rf"{name}: pool_param .*unknown keys \['pad'\]"),
        case(f"{name}-zero-stride", lambda: pool(XP, dict(PP, stride=0)),
             ValueError, rf"{name}: pool_param\['stride'\] must be >= 1"),
        case(f"{name}-zero-height", lambda: pool(XP, dict(PP, pool_height=0)),
             ValueError, rf"{name}: pool_param\['pool_height'\] must be >= 1"),
        case(f"{name}-float-width",
             lambda: pool(XP, dict(PP, pool_width=2.0)), TypeError,
             rf"{name}: pool_param\['pool_width'\] must be an integer"),
        case(f"{name}-window-too-large",
             lambda: pool(XP, dict(PP, pool_height=5)), ValueError,
             rf"{name}: along H, the pool_height: window of size 5 does not "
             r"fit"),
        case(f"{name}-stride-does-not-tile",
             lambda: pool(XP, dict(PP, pool_width=3, stride=2)), ValueError,
             rf"{name}: along W, the pool_width: stride 2 does not tile"),
    ]


@pytest.mark.parametrize(
    "call, exc, match",
    [c for pool in POOL_FORWARDS for c in pool_cases(pool)])
def test_pool_forward_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------- every backward

def backward_cases():
    """(id, backward, cache, good dout) for every backward in the package."""
    cases = []
    for fwd, bwd in ((conv_forward_naive, conv_backward_naive),
                     (conv_forward_fast, conv_backward_fast)):
        out, cache = fwd(X, W, B, CP)
        cases.append((bwd.__name__, bwd, cache, out))
    for fwd, bwd in ((max_pool_forward_naive, max_pool_backward_naive),
                     (max_pool_forward_fast, max_pool_backward_fast),
                     (avg_pool_forward_naive, avg_pool_backward_naive),
                     (avg_pool_forward_fast, avg_pool_backward_fast)):
        out, cache = fwd(XP, PP)
        cases.append((bwd.__name__, bwd, cache, out))
    xa, wa, ba = X.reshape(2, -1), RNG.standard_normal((75, 6)), np.zeros(6)
    out, cache = affine_forward(xa, wa, ba)
    cases.append(("affine_backward", affine_backward, cache, out))
    out, cache = relu_forward(XP)
    cases.append(("relu_backward", relu_backward, cache, out))
    out, cache = affine_relu_forward(xa, wa, ba)
    cases.append(("affine_relu_backward", affine_relu_backward, cache, out))
    out, cache = conv_relu_forward(X, W, B, CP)
    cases.append(("conv_relu_backward", conv_relu_backward, cache, out))
    out, cache = conv_relu_pool_forward(
        X[:, :, :4, :4], W, B, CP, PP)
    cases.append(("conv_relu_pool_backward", conv_relu_pool_backward, cache,
                  out))
    return cases


BACKWARDS = backward_cases()
BACKWARD_IDS = [c[0] for c in BACKWARDS]


@pytest.mark.parametrize("ident, backward, cache, out", BACKWARDS,
                         ids=BACKWARD_IDS)
@pytest.mark.parametrize(
    "change", ["one-example-less", "extra-axis", "broadcastable"])
def test_backward_rejects_dout_of_the_wrong_shape(ident, backward, cache, out,
                                                  change):
    if change == "one-example-less":
        dout = np.ones_like(out)[:-1]
    elif change == "extra-axis":
        dout = np.ones_like(out)[..., None]
    else:  # numpy would broadcast this silently against out's shape
        dout = np.ones(out.shape[:-1] + (1,))
        assert out.shape[-1] > 1
    with pytest.raises(ValueError,
                       match=r"dout must have the shape of the forward "
                             r"output"):
        backward(dout, cache)


@pytest.mark.parametrize("ident, backward, cache, out", BACKWARDS,
                         ids=BACKWARD_IDS)
def test_backward_rejects_integer_dout(ident, backward, cache, out):
    with pytest.raises(TypeError, match=r"dout must have a floating-point"):
        backward(np.ones(out.shape, dtype=int), cache)


@pytest.mark.parametrize("ident, backward, cache, out", BACKWARDS,
                         ids=BACKWARD_IDS)
def test_backward_accepts_the_right_dout(ident, backward, cache, out):
    # Guards the two tests above: the caches and shapes used there are good.
    result = backward(np.ones_like(out), cache)
    assert result is not None


# ------------------------------------------------------- affine and relu

@pytest.mark.parametrize(
    "call, exc, match",
    [case("affine-x-int", lambda: affine_forward(np.ones((2, 3), int),
                                                 np.ones((3, 4)), np.ones(4)),
          TypeError, r"affine_forward: x must have a floating-point dtype"),
     case("affine-w-1d", lambda: affine_forward(np.ones((2, 3)), np.ones(3),
                                                np.ones(1)),
          ValueError, r"affine_forward: w must be 2-D"),
     case("affine-D-mismatch",
          lambda: affine_forward(np.ones((2, 3, 2)), np.ones((5, 4)),
                                 np.ones(4)),
          ValueError, r"affine_forward: x flattens to D=6 values per example"),
     case("affine-b-wrong-shape",
          lambda: affine_forward(np.ones((2, 3)), np.ones((3, 4)),
                                 np.ones(3)),
          ValueError, r"affine_forward: b must have shape \(M,\) = \(4,\)"),
     case("affine-x-scalar",
          lambda: affine_forward(np.array(1.0), np.ones((1, 1)), np.ones(1)),
          ValueError, r"affine_forward: x must have a batch axis"),
     case("relu-x-list", lambda: relu_forward([1.0, -1.0]), TypeError,
          r"relu_forward: x must be a numpy array"),
     case("relu-x-bool", lambda: relu_forward(np.array([True])), TypeError,
          r"relu_forward: x must have a floating-point dtype")])
def test_affine_and_relu_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------ labels and loss

SCORES = np.zeros((3, 4))


@pytest.mark.parametrize(
    "y, exc, match",
    [(np.array([0.0, 1.0, 2.0]), TypeError,
      r"softmax_loss: y must hold integer class labels, got dtype float64"),
     ([0, 1, 2], TypeError, r"softmax_loss: y must be a numpy array"),
     (np.array([0, 1, 4]), ValueError,
      r"softmax_loss: labels in y must lie in \[0, 4\), got values from 0 "
      r"to 4"),
     (np.array([-1, 1, 2]), ValueError,
      r"softmax_loss: labels in y must lie in \[0, 4\)"),
     (np.array([0, 1]), ValueError,
      r"softmax_loss: y must have shape \(N,\) = \(3,\), got \(2,\)"),
     (np.array([[0], [1], [2]]), ValueError,
      r"softmax_loss: y must have shape \(N,\)")],
    ids=["float-labels", "list-labels", "label-too-large", "negative-label",
         "too-few-labels", "column-labels"])
def test_softmax_loss_bad_labels(y, exc, match):
    with pytest.raises(exc, match=match):
        softmax_loss(SCORES, y)


def test_softmax_loss_bad_scores():
    with pytest.raises(ValueError, match=r"softmax_loss: scores must be 2-D"):
        softmax_loss(np.zeros(3), np.array([0]))
    with pytest.raises(TypeError, match=r"softmax_loss: scores must have a "
                                        r"floating-point dtype"):
        softmax_loss(np.zeros((1, 3), int), np.array([0]))
    with pytest.raises(ValueError, match=r"softmax_loss: scores must hold "
                                         r"at least one example"):
        softmax_loss(np.zeros((0, 3)), np.zeros(0, dtype=int))


# ------------------------------------------------------ ThreeLayerConvNet

TINY = {"input_dim": (1, 4, 4), "num_filters": 2, "filter_size": 3,
        "hidden_dim": 3, "num_classes": 3}


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [({"input_dim": (1, 5, 4)}, ValueError,
      r"ThreeLayerConvNet: the 2x2 pool needs even H and W, got input_dim="
      r"\(1, 5, 4\)"),
     ({"input_dim": (1, 4, 7)}, ValueError, r"needs even H and W"),
     ({"filter_size": 4}, ValueError,
      r"ThreeLayerConvNet: filter_size must be odd .* got 4"),
     ({"input_dim": (4, 4)}, ValueError,
      r"ThreeLayerConvNet: input_dim must be \(C, H, W\)"),
     ({"input_dim": (1, 4.0, 4)}, TypeError,
      r"ThreeLayerConvNet: input_dim must be an integer"),
     ({"num_filters": 0}, ValueError,
      r"ThreeLayerConvNet: num_filters must be >= 1"),
     ({"num_classes": 1}, ValueError,
      r"ThreeLayerConvNet: num_classes must be >= 2"),
     ({"dtype": np.int32}, TypeError,
      r"ThreeLayerConvNet: dtype must be a float type"),
     ({"reg": -0.1}, ValueError,
      r"ThreeLayerConvNet: reg must be a finite number in \[0, inf\), got "
      r"-0.1")],
    ids=["odd-H", "odd-W", "even-filter_size", "input_dim-2d",
         "input_dim-float", "zero-filters", "one-class", "int-dtype",
         "negative-reg"])
def test_three_layer_convnet_bad_construction(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ThreeLayerConvNet(**dict(TINY, **kwargs))


MODEL = ThreeLayerConvNet(seed=0, **TINY)
XM = RNG.standard_normal((3, 1, 4, 4))


@pytest.mark.parametrize(
    "X_, y, exc, match",
    [(XM, np.array([0.0, 1.0, 2.0]), TypeError,
      r"y must hold integer class labels"),
     (XM, np.array([0, 1, 3]), ValueError,
      r"labels in y must lie in \[0, 3\)"),
     (XM, np.array([0, 1]), ValueError, r"y must have shape \(N,\) = \(3,\)"),
     (XM[:, :, :2], None, ValueError,
      r"ThreeLayerConvNet.loss: X must have shape \(N, C, H, W\) = "
      r"\(N, 1, 4, 4\), got \(3, 1, 2, 4\)"),
     (XM[0], None, ValueError, r"ThreeLayerConvNet.loss: X must be 4-D"),
     (XM.astype(int), None, TypeError,
      r"ThreeLayerConvNet.loss: X must have a floating-point dtype")],
    ids=["float-labels", "label-out-of-range", "wrong-length", "wrong-H",
         "X-3d", "X-int"])
def test_model_loss_bad_input(X_, y, exc, match):
    with pytest.raises(exc, match=match):
        MODEL.loss(X_, y)


# --------------------------------------------------- corr2d, conv_output_size

@pytest.mark.parametrize(
    "X_, K, match",
    [(np.ones(3), np.ones((1, 1)), r"corr2d: X must be 2-D, got shape \(3,\)"),
     (np.ones((3, 3)), np.ones((1, 1, 1)), r"corr2d: K must be 2-D"),
     (np.ones((3, 3)), np.ones((4, 2)),
      r"corr2d: kernel K of shape \(4, 2\) is larger than the input X of "
      r"shape \(3, 3\)"),
     (np.ones((3, 3)), np.ones((2, 4)), r"corr2d: kernel K .* is larger")],
    ids=["X-1d", "K-3d", "K-taller", "K-wider"])
def test_corr2d_bad_input(X_, K, match):
    with pytest.raises(ValueError, match=match):
        corr2d(X_, K)


@pytest.mark.parametrize(
    "args, exc, match",
    [((5, 3, 0, 0), ValueError, r"conv_output_size: stride must be >= 1"),
     ((5, 3, -1, 1), ValueError, r"conv_output_size: pad must be >= 0"),
     ((5, 0, 0, 1), ValueError, r"conv_output_size: kernel_size must be >= 1"),
     ((5, 3, 0, 1.5), TypeError, r"conv_output_size: stride must be an "
                                 r"integer"),
     ((5, 7, 0, 1), ValueError, r"window of size 7 does not fit"),
     ((6, 3, 0, 2), ValueError, r"stride 2 does not tile")],
    ids=["zero-stride", "negative-pad", "zero-kernel", "float-stride",
         "kernel-too-large", "stride-does-not-tile"])
def test_conv_output_size_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        conv_output_size(*args)


# --------------------------------------------------------- im2col, col2im

COLS = im2col(X, 3, 3, 1, 1)  # (2*5*5, 3*3*3)


@pytest.mark.parametrize(
    "call, exc, match",
    [case("im2col-x-3d", lambda: im2col(X[0], 3, 3), ValueError,
          r"im2col: x must be 4-D"),
     case("im2col-x-int", lambda: im2col(X.astype(int), 3, 3), TypeError,
          r"im2col: x must have a floating-point dtype"),
     case("im2col-kernel-too-large", lambda: im2col(X, 6, 3), ValueError,
          r"im2col: along H, the kernel_height: window of size 6"),
     case("im2col-stride-does-not-tile", lambda: im2col(X, 3, 3, 3, 0),
          ValueError, r"im2col: along H, .*stride 3 does not tile"),
     case("im2col-float-stride", lambda: im2col(X, 3, 3, 1.0), TypeError,
          r"im2col: stride must be an integer"),
     case("im2col-negative-pad", lambda: im2col(X, 3, 3, 1, -1), ValueError,
          r"im2col: pad must be >= 0"),
     case("im2col-zero-kernel", lambda: im2col(X, 0, 3), ValueError,
          r"im2col: kernel_height must be >= 1"),
     case("col2im-cols-too-few-rows",
          lambda: col2im(COLS[:-1], X.shape, 3, 3, 1, 1), ValueError,
          r"col2im: cols must have shape \(N\*OH\*OW, C\*KH\*KW\) = "
          r"\(50, 27\) .*got \(49, 27\)"),
     case("col2im-cols-transposed",
          lambda: col2im(COLS.T, X.shape, 3, 3, 1, 1), ValueError,
          r"col2im: cols must have shape .* got \(27, 50\)"),
     case("col2im-cols-for-another-stride",
          lambda: col2im(COLS, X.shape, 3, 3, 2, 1), ValueError,
          r"col2im: cols must have shape .* = \(18, 27\)"),
     case("col2im-cols-1d", lambda: col2im(COLS.ravel(), X.shape, 3, 3, 1, 1),
          ValueError, r"col2im: cols must be 2-D"),
     case("col2im-cols-int",
          lambda: col2im(COLS.astype(int), X.shape, 3, 3, 1, 1), TypeError,
          r"col2im: cols must have a floating-point dtype"),
     case("col2im-x_shape-3d", lambda: col2im(COLS, X.shape[1:], 3, 3, 1, 1),
          ValueError, r"col2im: x_shape must be \(N, C, H, W\)"),
     case("col2im-stride-does-not-tile",
          lambda: col2im(COLS, X.shape, 3, 3, 3, 1), ValueError,
          r"col2im: along H, .*stride 3 does not tile")])
def test_im2col_col2im_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------------ Solver

def solver_data():
    Xs = RNG.standard_normal((6, 1, 4, 4))
    y = np.array([0, 1, 2, 0, 1, 2])
    return {"X_train": Xs, "y_train": y, "X_val": Xs[:3], "y_val": y[:3]}


@pytest.mark.parametrize(
    "change, exc, match",
    [({"update_rule": "nesterov"}, ValueError,
      r"Solver: unknown update_rule 'nesterov'; expected one of \['sgd', "
      r"'sgd_momentum', 'rmsprop', 'adam'\]"),
     ({"optim_config": {"learning_rat": 1e-3}}, ValueError,
      r"Solver: unknown hyperparameters \['learning_rat'\] in optim_config; "
      r"valid ones for sgd are \['learning_rate'\]"),
     ({"update_rule": "adam", "optim_config": {"momentum": 0.9}}, ValueError,
      r"Solver: unknown hyperparameters \['momentum'\] in optim_config; "
      r"valid ones for adam"),
     ({"num_epoch": 3}, TypeError, r"unexpected keyword argument 'num_epoch'"),
     ({"lr_decay": 0.0}, ValueError,
      r"Solver: lr_decay must be a finite number in \(0, 1\], got 0.0"),
     ({"lr_decay": 1.5}, ValueError,
      r"Solver: lr_decay must be a finite number in \(0, 1\], got 1.5"),
     ({"batch_size": 0}, ValueError, r"Solver: batch_size must be >= 1"),
     ({"num_epochs": 2.0}, TypeError, r"Solver: num_epochs must be an "
                                      r"integer"),
     ({"num_train_samples": 0}, ValueError,
      r"Solver: num_train_samples must be >= 1")],
    ids=["unknown-update-rule", "unknown-optim-key", "key-of-another-rule",
         "unknown-option", "zero-lr_decay", "lr_decay-above-1",
         "zero-batch_size", "float-num_epochs", "zero-num_train_samples"])
def test_solver_bad_options(change, exc, match):
    with pytest.raises(exc, match=match):
        Solver(ThreeLayerConvNet(seed=0, **TINY), solver_data(),
               verbose=False, **change)


@pytest.mark.parametrize("missing", ["X_train", "y_train", "X_val", "y_val"])
def test_solver_data_missing_a_key(missing):
    data = solver_data()
    del data[missing]
    with pytest.raises(ValueError,
                       match=rf"Solver: data is missing keys \['{missing}'\]"):
        Solver(ThreeLayerConvNet(seed=0, **TINY), data, verbose=False)


def test_solver_data_not_a_dict_or_mismatched():
    model = ThreeLayerConvNet(seed=0, **TINY)
    with pytest.raises(TypeError, match=r"Solver: data must be a dict"):
        Solver(model, list(solver_data().values()), verbose=False)
    data = solver_data()
    data["y_val"] = data["y_val"][:2]
    with pytest.raises(ValueError,
                       match=r"Solver: data\['y_val'\] must have shape "
                             r"\(N,\) = \(3,\), got \(2,\)"):
        Solver(model, data, verbose=False)


@pytest.mark.parametrize("split", ["train", "val"])
def test_solver_data_with_no_examples(split):
    data = solver_data()
    data[f"X_{split}"] = data[f"X_{split}"][:0]
    data[f"y_{split}"] = data[f"y_{split}"][:0]
    with pytest.raises(ValueError,
                       match=rf"Solver: data\['X_{split}'\] holds no "
                             r"examples"):
        Solver(ThreeLayerConvNet(seed=0, **TINY), data, verbose=False)


def test_solver_rejects_float_labels_when_built():
    data = solver_data()
    data["y_train"] = data["y_train"].astype(float)
    with pytest.raises(TypeError, match=r"Solver: data\['y_train'\] must "
                                        r"hold integer class labels"):
        Solver(ThreeLayerConvNet(seed=0, **TINY), data, batch_size=3,
               num_epochs=1, verbose=False, seed=0)


# -------------------------------------------------------------- rel_error

def test_rel_error_shape_mismatch():
    with pytest.raises(ValueError, match=r"rel_error: x and y must have the "
                                         r"same shape, got \(2,\) and \(3,\)"):
        rel_error(np.ones(2), np.ones(3))


@pytest.mark.parametrize(
    "num_samples, exc, match",
    [(0, ValueError, r"check_accuracy: num_samples must be >= 1, got 0"),
     (-5, ValueError, r"check_accuracy: num_samples must be >= 1"),
     (2.5, TypeError, r"check_accuracy: num_samples must be an integer")],
    ids=["zero", "negative", "float"])
def test_check_accuracy_bad_num_samples(num_samples, exc, match):
    data = solver_data()
    solver = Solver(ThreeLayerConvNet(seed=0, **TINY), data, verbose=False)
    with pytest.raises(exc, match=match):
        solver.check_accuracy(data["X_val"], data["y_val"],
                              num_samples=num_samples)


# ===================================================== issue 10, part 6
#
# Each section below answers one point of the list of bad
# outcomes: every such input now raises a TypeError or ValueError whose
# message starts with the function called.

# --------------------------------------------------- nan, inf and dtypes

FINITE_CASES = [
    ("conv_forward_naive", lambda v: conv_forward_naive(v, W, B, CP), X),
    ("conv_forward_fast", lambda v: conv_forward_fast(X, v, B, CP), W),
    ("max_pool_forward_fast", lambda v: max_pool_forward_fast(v, PP), XP),
    ("affine_forward", lambda v: affine_forward(v, np.ones((3, 2)),
                                                np.ones(2)), np.ones((2, 3))),
    ("relu_forward", relu_forward, np.ones((2, 3))),
    ("softmax_loss", lambda v: softmax_loss(v, np.array([0, 1])),
     np.zeros((2, 3))),
    ("im2col", lambda v: im2col(v, 3, 3, 1, 1), X),
]


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf],
                         ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("name, call, good", FINITE_CASES,
                         ids=[c[0] for c in FINITE_CASES])
def test_nan_and_inf_are_refused_where_they_come_in(name, call, good, value):
    # The issue: softmax_loss with an inf score returned nan.
    bad = good.astype(float)
    bad.flat[1] = value
    index = np.unravel_index(1, bad.shape)
    with pytest.raises(ValueError, match=rf"^{name}: \w+ must hold finite "
                                         rf"numbers, got {value} at index "
                                         rf"{re_tuple(index)}"):
        call(bad)


def re_tuple(index):
    return re.escape(str(tuple(int(i) for i in index)))


@pytest.mark.parametrize("dtype", [np.float16, np.complex128, object, bool])
def test_only_float32_and_float64_arrays_are_layer_input(dtype):
    with pytest.raises(TypeError, match=r"^relu_forward: x must have a "
                                        r"floating-point dtype \(float32 or "
                                        r"float64\), got"):
        relu_forward(np.ones(3).astype(dtype))


def test_backward_refuses_a_nan_gradient():
    out, cache = relu_forward(np.ones((2, 3)))
    dout = np.ones_like(out)
    dout[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"^relu_backward: dout must hold "
                                         r"finite numbers, got nan at index "
                                         r"\(1, 2\)"):
        relu_backward(dout, cache)


# ------------------------------------------------ empty shapes, no reshape

@pytest.mark.parametrize("variant", ["naive", "fast"])
def test_convolution_with_no_filters_gives_empty_results(variant):
    forward = getattr(cl, f"conv_forward_{variant}")
    backward = getattr(cl, f"conv_backward_{variant}")
    out, cache = forward(X, W[:0], B[:0], CP)
    assert out.shape == (2, 0, 5, 5)
    dx, dw, db = backward(out, cache)
    assert dx.shape == X.shape and not dx.any()
    assert dw.shape == (0, 3, 3, 3) and db.shape == (0,)


@pytest.mark.parametrize("variant", ["naive", "fast"])
def test_convolution_of_an_empty_batch_gives_empty_results(variant):
    out, cache = getattr(cl, f"conv_forward_{variant}")(X[:0], W, B, CP)
    assert out.shape == (0, 4, 5, 5)
    dx, dw, db = getattr(cl, f"conv_backward_{variant}")(out, cache)
    assert dx.shape == (0, 3, 5, 5)
    assert dw.shape == W.shape and not dw.any() and not db.any()


def test_affine_backward_after_an_empty_batch():
    out, cache = affine_forward(np.zeros((0, 3, 2)), np.ones((6, 4)),
                                np.ones(4))
    assert out.shape == (0, 4)
    dx, dw, db = affine_backward(out, cache)
    assert dx.shape == (0, 3, 2) and dw.shape == (6, 4) and db.shape == (4,)
    assert not dw.any() and not db.any()


# ------------------------------------------------------ corr2d, rel_error

@pytest.mark.parametrize(
    "X_, K, exc, match",
    [(np.ones((3, 3)) * (1 + 1j), np.ones((2, 2)), TypeError,
      r"X must hold real numbers \(integers, float32 or float64\), got "
      r"dtype complex128"),
     (np.ones((3, 3)), np.ones((2, 2), complex), TypeError,
      r"K must hold real numbers"),
     (np.ones((3, 3)), np.ones((0, 2)), ValueError,
      r"K must be at least 1x1, got \(0, 2\)"),
     (np.ones((3, 3)), np.ones((2, 0)), ValueError,
      r"K must be at least 1x1"),
     (np.ones((3, 3), bool), np.ones((2, 2)), TypeError,
      r"X must hold real numbers .* got dtype bool"),
     ([[1, 2], [3]], np.ones((1, 1)), ValueError,
      r"X must be an array of numbers, got list that numpy cannot convert"),
     (None, np.ones((1, 1)), TypeError, r"X must hold real numbers"),
     (np.array([[1.0, np.inf]]), np.ones((1, 1)), ValueError,
      r"X must hold finite numbers, got inf at index \(0, 1\)")],
    ids=["complex-X", "complex-K", "empty-K", "empty-K-width", "bool-X",
         "ragged-X", "None-X", "inf-X"])
def test_corr2d_refuses_what_it_cannot_correlate(X_, K, exc, match):
    with pytest.raises(exc, match=rf"^corr2d: {match}"):
        corr2d(X_, K)


def test_corr2d_still_takes_integer_images():
    Y = corr2d(np.arange(9, dtype=np.uint8).reshape(3, 3), [[1, 0], [0, 1]])
    assert Y.dtype == np.float64 and Y.tolist() == [[4.0, 6.0], [10.0, 12.0]]


@pytest.mark.parametrize(
    "x, exc, match",
    [(np.array([1j]), TypeError, r"x must hold real numbers .* complex128"),
     (None, TypeError, r"x must hold real numbers .* got dtype object"),
     ("1.0", TypeError, r"x must hold real numbers .* got dtype <U3"),
     (np.array([np.nan]), ValueError, r"x must hold finite numbers")],
    ids=["complex", "None", "str", "nan"])
def test_rel_error_refuses_what_is_not_real(x, exc, match):
    # The issue: rel_error on complex input returned 0.0.
    with pytest.raises(exc, match=rf"^rel_error: {match}"):
        rel_error(x, np.array([2.0]))


# -------------------------------------------------- numerical gradients

def _square(v):
    return float(np.sum(v ** 2))


NUMERICAL = [
    ("eval_numerical_gradient",
     lambda x, **kw: eval_numerical_gradient(kw.pop("f", _square), x, **kw)),
    ("eval_numerical_gradient_array",
     lambda x, **kw: eval_numerical_gradient_array(
         kw.pop("f", lambda v: 2 * v), x, np.ones_like(x), **kw)),
]


@pytest.mark.parametrize("name, call", NUMERICAL, ids=[n for n, _ in NUMERICAL])
def test_numerical_gradient_needs_a_writeable_x(name, call, unchanged):
    x = np.ones(3)
    x.flags.writeable = False
    with unchanged(x), pytest.raises(
            ValueError, match=rf"^{name}: x must be writeable: it is "
                              rf"perturbed in place"):
        call(x)


@pytest.mark.parametrize(
    "h, exc, match",
    [(0, ValueError, r"h must be a finite number in \(0, inf\), got 0"),
     (-1e-5, ValueError, r"h must be a finite number in \(0, inf\)"),
     (np.nan, ValueError, r"h must be a finite number .* got nan"),
     ("1e-5", TypeError, r"h must be a real number, got str")],
    ids=["zero", "negative", "nan", "str"])
@pytest.mark.parametrize("name, call", NUMERICAL, ids=[n for n, _ in NUMERICAL])
def test_numerical_gradient_needs_a_positive_step(name, call, h, exc, match):
    # The issue: h=0 returned nan with only a warning.
    with pytest.raises(exc, match=rf"^{name}: {match}"):
        call(np.ones(3), h=h)


@pytest.mark.parametrize(
    "f, exc, match",
    [(None, TypeError, r"f must be callable, got NoneType"),
     (lambda v: np.nan, ValueError,
      r"f\(x\) \(x perturbed at \(0,\)\) must hold finite numbers"),
     (lambda v: "loss", TypeError, r"f\(x\) .* must hold real numbers")],
    ids=["not-callable", "returns-nan", "returns-str"])
@pytest.mark.parametrize("name, call", NUMERICAL, ids=[n for n, _ in NUMERICAL])
def test_numerical_gradient_needs_a_real_valued_f(name, call, f, exc, match):
    with pytest.raises(exc, match=rf"^{name}: {match}"):
        call(np.ones(3), f=f)


def test_numerical_gradient_verbose_is_a_bool():
    with pytest.raises(TypeError, match=r"^eval_numerical_gradient: verbose "
                                        r"must be True or False, got str"):
        eval_numerical_gradient(_square, np.ones(2), verbose="yes")


# ------------------------------------------------ col2im and conv_output_size

def test_col2im_x_shape_must_be_a_tuple():
    with pytest.raises(TypeError, match=r"^col2im: x_shape must be a tuple "
                                        r"\(N, C, H, W\), got NoneType"):
        col2im(COLS, None, 3, 3, 1, 1)


def test_conv_output_size_names_itself_in_every_message():
    for args in [(5, 7, 0, 1), (6, 3, 0, 2)]:
        with pytest.raises(ValueError, match=r"^conv_output_size: "):
            conv_output_size(*args)


# ------------------------------------------------------ caches recognised

FORWARDS = {type(cache).forward: cache for _, _, cache, _ in BACKWARDS}


@pytest.mark.parametrize("ident, backward, cache, out", BACKWARDS,
                         ids=BACKWARD_IDS)
@pytest.mark.parametrize("wrong", ["None", "plain-tuple", "truncated",
                                   "list", "array"])
def test_backward_rejects_a_cache_not_made_by_its_forward(
        ident, backward, cache, out, wrong):
    bad = {"None": None, "plain-tuple": tuple(cache),
           "truncated": cache[:-1], "list": list(cache),
           "array": np.ones(3)}[wrong]
    got = {"None": "NoneType", "plain-tuple": "a plain tuple of length",
           "truncated": "a plain tuple of length", "list": "list",
           "array": "ndarray"}[wrong]
    with pytest.raises(TypeError,
                       match=rf"^{ident}: cache must be the "
                             rf"{type(cache).__name__} returned by "
                             rf"{type(cache).forward}, got {got}"):
        backward(np.ones_like(out), bad)


FOREIGN = [pytest.param(ident, backward, out, other, id=f"{ident}-{other}")
           for ident, backward, cache, out in BACKWARDS
           for other in sorted(FORWARDS)
           if type(FORWARDS[other]) is not type(cache)]


@pytest.mark.parametrize("ident, backward, out, other", FOREIGN)
def test_backward_names_the_layer_whose_cache_it_got(ident, backward, out,
                                                    other):
    foreign = FORWARDS[other]
    with pytest.raises(TypeError,
                       match=rf"^{ident}: cache must be the .* got the cache "
                             rf"of {other}$"):
        backward(np.ones_like(out), foreign)


@pytest.mark.parametrize("variant", ["naive", "fast"])
def test_max_and_average_pooling_caches_are_told_apart(variant):
    # Both hold (x, pool_param): only their types differ.
    out, max_cache = getattr(cl, f"max_pool_forward_{variant}")(XP, PP)
    _, avg_cache = getattr(cl, f"avg_pool_forward_{variant}")(XP, PP)
    dout = np.ones_like(out)
    with pytest.raises(TypeError, match=rf"^avg_pool_backward_{variant}: .* "
                                        rf"got the cache of "
                                        rf"max_pool_forward_{variant}$"):
        getattr(cl, f"avg_pool_backward_{variant}")(dout, max_cache)
    with pytest.raises(TypeError, match=rf"^max_pool_backward_{variant}: .* "
                                        rf"got the cache of "
                                        rf"avg_pool_forward_{variant}$"):
        getattr(cl, f"max_pool_backward_{variant}")(dout, avg_cache)


@pytest.mark.parametrize("stem", ["conv", "max_pool", "avg_pool"])
def test_naive_and_fast_caches_are_not_interchangeable(stem):
    # The design: each backward pass takes its own forward's cache only.
    # The fast caches hold more (cols, argmax); the naive ones lack it.
    args = (X, W, B, CP) if stem == "conv" else (XP, PP)
    out, naive_cache = getattr(cl, f"{stem}_forward_naive")(*args)
    _, fast_cache = getattr(cl, f"{stem}_forward_fast")(*args)
    dout = np.ones_like(out)
    with pytest.raises(TypeError, match=rf"got the cache of "
                                        rf"{stem}_forward_naive$"):
        getattr(cl, f"{stem}_backward_fast")(dout, naive_cache)
    with pytest.raises(TypeError, match=rf"got the cache of "
                                        rf"{stem}_forward_fast$"):
        getattr(cl, f"{stem}_backward_naive")(dout, fast_cache)


def test_caches_still_unpack_like_cs231n_tuples():
    _, cache = conv_forward_naive(X, W, B, CP)
    x, w, b, conv_param = cache
    assert isinstance(cache, tuple) and x is X and w is W and b is B
    assert conv_param == CP and conv_param is not CP
    _, cache = conv_forward_fast(X, W, B, CP)
    assert cache[4] is cache.cols and cache.forward == "conv_forward_fast"
    _, cache = conv_relu_pool_forward(X[:, :, :4, :4], W, B, CP, PP)
    conv_cache, relu_cache, pool_cache = cache
    assert (type(conv_cache), type(relu_cache), type(pool_cache)) == (
        cl.ConvFastCache, cl.ReluCache, cl.MaxPoolFastCache)


@pytest.mark.parametrize(
    "field, value, exc, match",
    [("cols", None, TypeError, r"cache.cols must be the array the forward "
                               r"pass stored, got NoneType"),
     ("cols", np.ones((50, 26)), ValueError,
      r"cache.cols must have shape \(50, 27\), got \(50, 26\)"),
     ("x", X[:, :2], ValueError, r"x has C=2 channels but w expects C=3"),
     ("conv_param", {"stride": 1}, ValueError, r"conv_param has missing")],
    ids=["cols-None", "cols-shape", "x-channels", "conv_param-key"])
def test_conv_backward_fast_checks_what_its_cache_holds(field, value, exc,
                                                        match):
    out, cache = conv_forward_fast(X, W, B, CP)
    with pytest.raises(exc, match=rf"^conv_backward_fast: {match}"):
        conv_backward_fast(np.ones_like(out), cache._replace(**{field: value}))


def test_max_pool_backward_fast_checks_its_argmax():
    out, cache = max_pool_forward_fast(XP, PP)
    dout = np.ones_like(out)
    with pytest.raises(TypeError, match=r"^max_pool_backward_fast: "
                                        r"cache.argmax must be the array"):
        max_pool_backward_fast(dout, cache._replace(
            argmax=cache.argmax.astype(float)))
    with pytest.raises(ValueError, match=r"^max_pool_backward_fast: "
                                         r"cache.argmax must have shape"):
        max_pool_backward_fast(dout, cache._replace(argmax=cache.argmax[:1]))


@pytest.mark.parametrize(
    "backward, cache, match",
    [(conv_relu_backward,
      lambda: conv_relu_forward(X, W, B, CP)[1]._replace(relu_cache=None),
      r"^conv_relu_backward: relu_backward: cache must be the ReluCache"),
     (affine_relu_backward,
      lambda: affine_relu_forward(X.reshape(2, -1), np.ones((75, 2)),
                                  np.ones(2))[1]._replace(
          affine_cache=relu_forward(X)[1]),
      r"^affine_relu_backward: affine_backward: cache must be the "
      r"AffineCache returned by affine_forward, got the cache of "
      r"relu_forward")],
    ids=["conv_relu", "affine_relu"])
def test_sandwich_backward_names_itself_and_the_piece(backward, cache,
                                                      match):
    cache = cache()
    with pytest.raises(TypeError, match=match):
        backward(np.ones((2, 4, 5, 5) if backward is conv_relu_backward
                         else (2, 2)), cache)


def test_sandwich_forward_names_itself_and_the_piece():
    with pytest.raises(ValueError, match=r"^conv_relu_forward: "
                                         r"conv_forward_fast: x has C=3 "
                                         r"channels but w expects C=2"):
        conv_relu_forward(X, W[:, :2], B, CP)


# ------------------------------------------------------ ThreeLayerConvNet

@pytest.mark.parametrize(
    "kwargs, exc, match",
    [({"input_dim": 5}, TypeError,
      r"input_dim must be a tuple \(C, H, W\), got int 5"),
     ({"reg": "a"}, TypeError, r"reg must be a real number, got str 'a'"),
     ({"reg": np.nan}, ValueError, r"reg must be a finite number in "
                                   r"\[0, inf\), got nan"),
     ({"weight_scale": None}, TypeError,
      r"weight_scale must be a real number, got NoneType None"),
     ({"weight_scale": 0.0}, ValueError,
      r"weight_scale must be a finite number in \(0, inf\), got 0.0"),
     ({"seed": "abc"}, TypeError, r"seed must be an integer, got str 'abc'"),
     ({"seed": -1}, ValueError, r"seed must be >= 0, got -1"),
     ({"dtype": "abc"}, TypeError, r"dtype must be a float type, float32 or "
                                   r"float64, got 'abc'"),
     ({"dtype": np.float16}, TypeError, r"dtype must be a float type")],
    ids=["input_dim-int", "reg-str", "reg-nan", "weight_scale-None",
         "weight_scale-zero", "seed-str", "seed-negative", "dtype-str",
         "dtype-float16"])
def test_three_layer_convnet_names_every_bad_argument(kwargs, exc, match):
    with pytest.raises(exc, match=rf"^ThreeLayerConvNet: {match}"):
        ThreeLayerConvNet(**dict(TINY, **kwargs))


def test_model_loss_checks_labels_itself():
    with pytest.raises(ValueError, match=r"^ThreeLayerConvNet.loss: labels "
                                         r"in y must lie in \[0, 3\)"):
        MODEL.loss(XM, np.array([0, 1, 3]))
    with pytest.raises(ValueError, match=r"^ThreeLayerConvNet.loss: X must "
                                         r"hold finite numbers"):
        MODEL.loss(np.full_like(XM, np.inf))


# ------------------------------------------------------ update rules

@pytest.mark.parametrize(
    "rule, config, match",
    [(sgd, {"learning_rate": np.nan}, r"config\['learning_rate'\] must be "
                                      r"a finite number in \(0, inf\), "
                                      r"got nan"),
     (sgd, {"learning_rate": -0.1}, r"config\['learning_rate'\] .* got -0.1"),
     (sgd, {"learning_rate": 0.0}, r"config\['learning_rate'\] .* got 0.0"),
     (sgd_momentum, {"momentum": 1.0}, r"config\['momentum'\] must be a "
                                       r"finite number in \[0, 1\)"),
     (rmsprop, {"decay_rate": 2.0}, r"config\['decay_rate'\] must be a "
                                    r"finite number in \[0, 1\), got 2.0"),
     (rmsprop, {"epsilon": 0.0}, r"config\['epsilon'\] must be a finite "
                                 r"number in \(0, inf\)"),
     (adam, {"beta1": 1.0}, r"config\['beta1'\] must be a finite number "
                            r"in \[0, 1\), got 1.0"),
     (adam, {"beta2": np.inf}, r"config\['beta2'\] .* got inf"),
     (rmsprop, {"cache": -np.ones(2)}, r"config\['cache'\] averages "
                                       r"squares and must be >= 0"),
     (adam, {"m": np.ones(3)}, r"config\['m'\] must have the shape of w, "
                               r"\(2,\), got \(3,\)"),
     (adam, {"t": -1}, r"config\['t'\] must be >= 0, got -1")],
    ids=["sgd-lr-nan", "sgd-lr-negative", "sgd-lr-zero", "momentum-1",
         "rmsprop-decay-2", "rmsprop-epsilon-0", "adam-beta1-1",
         "adam-beta2-inf", "rmsprop-negative-cache", "adam-m-shape",
         "adam-t-negative"])
def test_update_rules_refuse_hyperparameters_that_give_nan(rule, config,
                                                           match):
    # The issue: these gave nan weights (beta1 = 1 divides by zero,
    # decay_rate = 2 takes the root of a negative number).
    with pytest.raises(ValueError, match=rf"^{rule.__name__}: {match}"):
        rule(np.ones(2), np.ones(2), config)


@pytest.mark.parametrize("rule", [sgd, sgd_momentum, rmsprop, adam])
def test_update_rules_take_finite_float_arrays(rule):
    name = rule.__name__
    with pytest.raises(TypeError, match=rf"^{name}: w must be a numpy array"):
        rule([1.0, 2.0], np.ones(2))
    with pytest.raises(ValueError, match=rf"^{name}: dw must hold finite"):
        rule(np.ones(2), np.array([1.0, np.inf]))
    with pytest.raises(TypeError, match=rf"^{name}: config must be a dict "
                                        rf"of hyperparameters or None, got "
                                        rf"str 'fast'"):
        rule(np.ones(2), np.ones(2), "fast")


# ------------------------------------------------------ the Solver

@pytest.mark.parametrize(
    "change, exc, match",
    [({"optim_config": "fast"}, TypeError,
      r"Solver: optim_config must be a dict of hyperparameters or None, got "
      r"str 'fast'"),
     ({"optim_config": {"learning_rate": np.nan}}, ValueError,
      r"Solver: optim_config\['learning_rate'\] must be a finite number in "
      r"\(0, inf\), got nan"),
     ({"optim_config": {"learning_rate": -1e-3}}, ValueError,
      r"Solver: optim_config\['learning_rate'\] .* got -0.001"),
     ({"update_rule": "adam", "optim_config": {"beta1": 1}}, ValueError,
      r"Solver: optim_config\['beta1'\] must be a finite number in "
      r"\[0, 1\), got 1"),
     ({"update_rule": "rmsprop", "optim_config": {"decay_rate": 2}},
      ValueError, r"Solver: optim_config\['decay_rate'\] .* got 2"),
     ({"lr_decay": None}, TypeError,
      r"Solver: lr_decay must be a real number, got NoneType None"),
     ({"lr_decay": np.nan}, ValueError, r"Solver: lr_decay must be a finite "
                                        r"number in \(0, 1\], got nan"),
     ({"update_rule": ["sgd"]}, TypeError,
      r"Solver: update_rule must be a str, one of \['sgd', 'sgd_momentum', "
      r"'rmsprop', 'adam'\], got list \['sgd'\]"),
     ({"verbose": "yes"}, TypeError, r"Solver: verbose must be True or "
                                     r"False, got str 'yes'"),
     ({"seed": "abc"}, TypeError, r"Solver: seed must be an integer, got str"),
     ({"seed": -1}, ValueError, r"Solver: seed must be >= 0, got -1"),
     ({"model": None}, TypeError, r"Solver: model must have a params dict "
                                  r"and a loss method, got NoneType")],
    ids=["optim_config-str", "lr-nan", "lr-negative", "adam-beta1-1",
         "rmsprop-decay-2", "lr_decay-None", "lr_decay-nan",
         "update_rule-list", "verbose-str", "seed-str", "seed-negative",
         "model-None"])
def test_solver_refuses_options_that_crash_or_give_nan(change, exc, match):
    kwargs = dict({"model": ThreeLayerConvNet(seed=0, **TINY)}, **change)
    with pytest.raises(exc, match=rf"^{match}"):
        Solver(data=solver_data(), **kwargs)


@pytest.mark.parametrize(
    "key, value, exc, match",
    [("y_val", np.array([0.0, 1.0, 2.0]), TypeError,
      r"Solver: data\['y_val'\] must hold integer class labels, got dtype "
      r"float64"),
     ("y_val", np.array([0, -1, 2]), ValueError,
      r"Solver: labels in data\['y_val'\] must lie in \[0, inf\), got "
      r"values from -1 to 2"),
     ("X_val", np.full((3, 1, 4, 4), np.nan), ValueError,
      r"Solver: data\['X_val'\] must hold finite numbers"),
     ("X_train", list(range(6)), TypeError,
      r"Solver: data\['X_train'\] must be a numpy array, got list")],
    ids=["y_val-float", "y_val-negative", "X_val-nan", "X_train-list"])
def test_solver_checks_its_data_when_built(key, value, exc, match):
    data = solver_data()
    data[key] = value
    with pytest.raises(exc, match=rf"^{match}"):
        Solver(ThreeLayerConvNet(seed=0, **TINY), data, verbose=False)


@pytest.mark.parametrize("key", ["y_train", "y_val"])
@pytest.mark.parametrize("samples", [None, 1], ids=["all", "one-sampled"])
def test_solver_train_refuses_labels_beyond_the_scores(key, samples):
    # The issue: out-of-range labels trained and reported an accuracy.
    # The model gives 3 scores; a label 7 stops training before any update,
    # even when the accuracy is measured on a sample that leaves it out.
    data = solver_data()
    data[key] = data[key].copy()
    data[key][-1] = 7
    solver = Solver(ThreeLayerConvNet(seed=0, **TINY), data, verbose=False,
                    num_train_samples=samples, num_val_samples=samples,
                    seed=0)
    with pytest.raises(ValueError, match=rf"^Solver.train: labels in "
                                         rf"data\['{key}'\] must lie in "
                                         rf"\[0, 3\), got values from 0 "
                                         rf"to 7"):
        solver.train()
    assert solver.loss_history == []


def test_check_accuracy_refuses_labels_beyond_the_scores():
    # The issue: check_accuracy returned 0.0.
    data = solver_data()
    solver = Solver(ThreeLayerConvNet(seed=0, **TINY), data, verbose=False)
    with pytest.raises(ValueError, match=r"^Solver.check_accuracy: labels in "
                                         r"y must lie in \[0, 3\), got "
                                         r"values from 3 to 5"):
        solver.check_accuracy(data["X_val"], np.array([3, 4, 5]))
    with pytest.raises(TypeError, match=r"^Solver.check_accuracy: y must "
                                        r"hold integer class labels"):
        solver.check_accuracy(data["X_val"], np.array([0.0, 1.0, 2.0]))


def test_solver_names_itself_before_the_model():
    data = solver_data()
    data["X_train"] = data["X_train"][:, :, :2]
    solver = Solver(ThreeLayerConvNet(seed=0, **TINY), data, verbose=False)
    with pytest.raises(ValueError, match=r"^Solver.train: "
                                         r"ThreeLayerConvNet.loss: X must "
                                         r"have shape"):
        solver.train()


class Diverging:
    """Stub model whose gradient overflows at the second update."""

    def __init__(self):
        self.params = {"w": np.array([1.0])}
        self.steps = 0

    def loss(self, X, y=None):
        if y is None:
            return np.zeros((len(X), 2))
        self.steps += 1
        return 0.0, {"w": np.array([np.inf if self.steps > 1 else 1.0])}


def test_solver_train_says_when_training_diverges():
    data = {"X_train": np.zeros((4, 1)), "y_train": np.zeros(4, int),
            "X_val": np.zeros((2, 1)), "y_val": np.zeros(2, int)}
    solver = Solver(Diverging(), data, batch_size=2, num_epochs=2,
                    verbose=False)
    with pytest.raises(ValueError, match=r"^Solver.train: training diverged "
                                         r"at update 2 of 4 \(epoch 1\); "
                                         r"lower the learning rate \(0.01 at "
                                         r"the start\). sgd: dw must hold "
                                         r"finite numbers, got inf"):
        solver.train()
