"""Checkers for the exercises of notebook 05_three_layer_convnet.

* :func:`check_conv_relu_pool_backward`: the sandwich's backward pass,
  against numerical gradients through the package's forward pass.
* :func:`check_three_layer_convnet`: the model's ``loss`` method, against
  the package's scores, the known initial loss, the exact L2 term and
  numerical gradients of every parameter.
* :func:`check_hyperparameters`: a training configuration, by training the
  package's model with it on a subset of the data.

Gradient checks run in float64 on inputs chosen away from the places where
ReLU and max pooling are not differentiable (a kink at 0, a tie between two
window entries), so a numerical gradient is exact up to rounding there. The
helpers shared with the layer checkers come from :mod:`._core`.
"""
import math
import numbers

import numpy as np

from cs231n_layers.checks._core import (
    GRAD_TOL,
    ExerciseError,
    call_case,
    call_exercise,
    compare,
    forbids,
    passed,
)
from cs231n_layers.checks._core import compare_gradient as _check_gradient
from cs231n_layers.checks._core import exercise_name as _name
from cs231n_layers.checks._core import in_words as _in_words
from cs231n_layers.checks._core import require_unchanged as _check_unchanged
from cs231n_layers.checks._core import unpack as _unpack
from cs231n_layers.classifiers.cnn import ThreeLayerConvNet
from cs231n_layers.fast_layers import conv_forward_fast
from cs231n_layers.gradient_check import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
)
from cs231n_layers.layer_utils import conv_relu_pool_forward
from cs231n_layers.optim import UPDATE_RULES
from cs231n_layers.solver import Solver

__all__ = [
    "check_conv_relu_pool_backward",
    "check_three_layer_convnet",
    "check_hyperparameters",
]

SCORES_TOL = 1e-10       # float64 scores vs the package's model
INITIAL_LOSS_TOL = 1e-4  # |loss - ln C| with tiny weights and reg = 0
REG_TOL = 1e-10          # the L2 term and reg * W, relative
MODEL_GRAD_TOL = 1e-5    # rel_error of each parameter's gradient
# A numerical-gradient step (1e-5) moves a pre-activation by far less than
# this, so inputs whose pre-activations and pooling gaps exceed it never
# cross a ReLU kink or change a pooling winner during the check.
MARGIN = 1e-3
POOL_2X2 = {"pool_height": 2, "pool_width": 2, "stride": 2}


# ---------------------------------------------------- conv - relu - pool

# (x shape, w shape, stride, pad); 2x2 max pooling with stride 2 after.
CONV_RELU_POOL_CASES = (((2, 3, 6, 6), (4, 3, 3, 3), 1, 1),
                        ((1, 2, 8, 8), (3, 2, 5, 5), 1, 2))


def _kink_free(rng, x_shape, w_shape, stride, pad, pool_param, tries=100):
    """Random float64 ``x, w, b`` whose conv-relu-pool is smooth nearby.

    Draws until every convolution output is at least ``MARGIN`` away from 0
    (no ReLU kink) and, in every pooling window whose maximum is positive,
    the largest value beats the second largest by more than ``MARGIN`` (no
    tie). Deterministic for a given generator state.
    """
    cp = {"stride": stride, "pad": pad}
    PH, PW = pool_param["pool_height"], pool_param["pool_width"]
    for _ in range(tries):
        x = rng.standard_normal(x_shape)
        w = rng.standard_normal(w_shape)
        b = rng.standard_normal(w_shape[0])
        a, _ = conv_forward_fast(x, w, b, cp)
        if np.min(np.abs(a)) <= MARGIN:
            continue
        N, F, H, W = a.shape
        windows = np.maximum(a, 0).reshape(N, F, H // PH, PH, W // PW, PW)
        windows = windows.transpose(0, 1, 2, 4, 3, 5).reshape(-1, PH * PW)
        top_two = np.sort(windows, axis=1)[:, -2:]
        live = top_two[:, 1] > 0
        if np.all(top_two[live, 1] - top_two[live, 0] > MARGIN):
            return x, w, b, cp
    raise RuntimeError("no kink-free inputs found; change the seed")


def _check_without_dx(exercise, backward, dout, cache, grads, where):
    """``need_dx=False``: dx must be None, dw and db as with dx."""
    result = call_case(exercise, where, backward, dout, cache,
                           need_dx=False)
    dx, dw, db = _unpack(exercise, result, ("dx", "dw", "db"))
    if dx is not None:
        raise ExerciseError(
            f"{exercise}: with need_dx=False, dx should be None (pass "
            f"need_dx on to conv_backward_fast), got {type(dx).__name__}; "
            f"in {where}"
        )
    for what, got, expected in (("dw", dw, grads[1]), ("db", db, grads[2])):
        compare(exercise, f"{what} with need_dx=False", got, expected,
                SCORES_TOL, where)


@forbids("layer_utils.conv_relu_pool_backward")
def check_conv_relu_pool_backward(backward, cases=CONV_RELU_POOL_CASES,
                                  seed=41):
    """Check the backward pass of the conv - ReLU - 2x2 max pool sandwich.

    For each of ``cases``, runs the package's :func:`conv_relu_pool_forward` on
    random float64 inputs that keep every pre-activation and every pooling
    gap more than ``MARGIN`` away from a kink or a tie, then ``backward`` on
    a random upstream gradient, and compares ``dx``, ``dw`` and ``db`` with
    centred-difference gradients of ``sum(forward(...)[0] * dout)``
    (:func:`cs231n_layers.eval_numerical_gradient_array`). Passes when each
    ``rel_error`` is below ``GRAD_TOL`` (1e-7); also checks that ``dout``
    and the cached inputs are not modified, and that
    ``backward(dout, cache, need_dx=False)`` returns None for ``dx`` and the
    same ``dw`` and ``db`` (``SCORES_TOL``, relative).

    Parameters
    ----------
    backward : callable
        ``backward(dout, cache, *, need_dx=True) -> (dx, dw, db)`` with the
        cache
        ``(conv_cache, relu_cache, pool_cache)`` of
        :func:`cs231n_layers.conv_relu_pool_forward`.
    cases : sequence of tuples
        ``(x shape, w shape, stride, pad)`` of the convolution, whose output
        2x2 pooling with stride 2 must tile; by default two.
    seed : int
        Seed of the generator that draws the inputs and ``dout``.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, a wrong return type or shape, a
        modified argument, or a gradient whose relative error exceeds
        ``GRAD_TOL`` (naming its worst element and the case).
    """
    exercise = _name(backward, "conv_relu_pool_backward")
    rng = np.random.default_rng(seed)
    worst = 0.0
    for x_shape, w_shape, stride, pad in cases:
        x, w, b, cp = _kink_free(rng, x_shape, w_shape, stride, pad,
                                 POOL_2X2)
        where = (f"x of shape {x.shape}, w of shape {w.shape}, stride "
                 f"{stride}, pad {pad}, then 2x2 max pooling with stride 2, "
                 f"seed {seed}")
        out, cache = conv_relu_pool_forward(x, w, b, cp, POOL_2X2)
        dout = rng.standard_normal(out.shape)
        dout0, x0, w0 = dout.copy(), x.copy(), w.copy()
        result = call_case(exercise, where, backward, dout, cache)
        grads = _unpack(exercise, result, ("dx", "dw", "db"))
        _check_unchanged(exercise, "dout", dout0, dout)
        _check_unchanged(exercise, "cache (x)", x0, x)
        _check_unchanged(exercise, "cache (w)", w0, w)
        numeric = {
            "dx": lambda v: conv_relu_pool_forward(v, w, b, cp, POOL_2X2)[0],
            "dw": lambda v: conv_relu_pool_forward(x, v, b, cp, POOL_2X2)[0],
            "db": lambda v: conv_relu_pool_forward(x, w, v, cp, POOL_2X2)[0],
        }
        for grad, (what, f), point in zip(grads, numeric.items(), (x, w, b)):
            num = eval_numerical_gradient_array(f, point, dout)
            worst = max(worst, _check_gradient(exercise, what, grad, num,
                                               where))
        _check_without_dx(exercise, backward, dout, cache, grads, where)
    passed(exercise, f"dx, dw, db match numerical gradients "
                     f"({_in_words(len(cases))} cases, away from ReLU kinks "
                     f"and pooling ties), worst relative error {worst:.0e} "
                     f"(tolerance {GRAD_TOL:.0e})")


# ------------------------------------------------------- the whole model

# The sizes of the model the checker builds by default.
MODEL_KWARGS = {"input_dim": (2, 8, 8), "num_filters": 3, "filter_size": 3,
                "hidden_dim": 6, "num_classes": 10}
MODEL_REG = 0.7
PARAM_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


def _describe(kwargs, N, seed):
    C, H, W = kwargs["input_dim"]
    return (f"a float64 model with input_dim ({C}, {H}, {W}), "
            f"{kwargs['num_filters']} {kwargs['filter_size']}x"
            f"{kwargs['filter_size']} filters, hidden_dim "
            f"{kwargs['hidden_dim']}, {kwargs['num_classes']} classes, "
            f"N={N}, seed {seed}")


def _loss_and_grads(exercise, model, X, y, where):
    """Call ``model.loss(X, y)`` and check the form of what it returns."""
    where = f"{where}, reg={model.reg}"
    result = call_case(exercise, where, model.loss, X, y)
    loss, grads = _unpack(exercise, result, ("loss", "grads"))
    if isinstance(loss, np.ndarray) and loss.size == 1:
        loss = loss.reshape(())[()]
    if isinstance(loss, bool) or not isinstance(loss, numbers.Real):
        raise ExerciseError(
            f"{exercise}: the loss should be a number, got "
            f"{type(loss).__name__}; in {where}"
        )
    if not math.isfinite(loss):
        raise ExerciseError(f"{exercise}: the loss is {loss}, not finite; "
                            f"in {where}")
    if not isinstance(grads, dict) or set(grads) != set(model.params):
        keys = (sorted(grads) if isinstance(grads, dict)
                else type(grads).__name__)
        raise ExerciseError(
            f"{exercise}: grads should be a dict with the keys of params "
            f"{sorted(model.params)}, got {keys}; in {where}"
        )
    for name in PARAM_NAMES:
        compare(exercise, f"grads[{name!r}]", grads[name], model.params[name],
                np.inf, where)  # type, shape and finiteness only
    return float(loss), grads


def _copy_params(params):
    return {k: v.copy() for k, v in params.items()}


def _check_model_gradients(exercise, model, X, y, grads, where):
    """Compare each of ``grads`` with a numerical gradient of the loss.

    Returns the largest relative error; raises :class:`ExerciseError`
    naming the parameter and its worst element when one exceeds
    ``MODEL_GRAD_TOL``.
    """
    worst = 0.0
    for name in PARAM_NAMES:
        numeric = call_case(
            exercise, f"{where}, reg={model.reg}", eval_numerical_gradient,
            lambda _: model.loss(X, y)[0], model.params[name])
        err = _check_gradient(exercise, f"grads[{name!r}]", grads[name],
                              numeric, f"the model with reg={model.reg}, "
                              f"{where}", tol=MODEL_GRAD_TOL)
        worst = max(worst, err)
    return worst


@forbids("classifiers.cnn.ThreeLayerConvNet.loss")
def check_three_layer_convnet(model_class, model_kwargs=MODEL_KWARGS, N=3,
                              seed=5):
    """Check ``model_class.loss``: scores, loss, L2 term and gradients.

    Builds small float64 models (a fixed seed, biases made non-zero) and, in
    order, checks that

    1. ``loss(X)`` returns scores equal to those of the package's
       :class:`cs231n_layers.ThreeLayerConvNet` with the same parameters
       (tolerance ``SCORES_TOL``, relative);
    2. with weights of scale 1e-3, zero biases and ``reg=0``, ``loss(X, y)``
       returns ``(loss, grads)`` with loss within ``INITIAL_LOSS_TOL`` of
       ``ln(num_classes)``, the loss of uniform softmax probabilities;
    3. with ``reg=0``, every gradient matches a centred-difference
       gradient of the loss (:func:`cs231n_layers.eval_numerical_gradient`),
       ``rel_error`` below ``MODEL_GRAD_TOL`` per parameter;
    4. raising ``reg`` from 0 to 0.7 adds exactly
       ``0.5 * reg * sum(W**2)`` over W1, W2, W3 to the loss and
       ``reg * W`` to each weight gradient (``REG_TOL``, relative);
    5. with ``reg=0.7``, every gradient matches a numerical gradient again;

    and that ``loss`` modifies neither ``X`` nor the parameters.

    Parameters
    ----------
    model_class : class
        Called as ``model_class(input_dim=..., num_filters=...,
        filter_size=..., hidden_dim=..., num_classes=..., weight_scale=...,
        reg=..., dtype=np.float64, seed=...)``, like the package's model;
        the checker then replaces ``model.params``.
    model_kwargs : dict
        The model's ``input_dim``, ``num_filters``, ``filter_size``,
        ``hidden_dim`` and ``num_classes``.
    N : int
        How many inputs ``X`` holds.
    seed : int
        Seed of the models and of the generator that draws ``X``, ``y``
        and the biases.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, a wrong return type or shape, a
        modified argument, or the first check above that fails (naming the
        parameter and its worst element, or the values compared).
    """
    exercise = f"{getattr(model_class, '__name__', 'model')}.loss"
    kwargs = model_kwargs
    where = _describe(kwargs, N, seed)
    rng = np.random.default_rng(seed)
    C, H, W = kwargs["input_dim"]
    classes = kwargs["num_classes"]
    X = rng.standard_normal((N, C, H, W))
    y = rng.integers(0, classes, size=N)

    def build(weight_scale, reg, params):
        model = call_case(exercise, where, model_class,
                              weight_scale=weight_scale, reg=reg,
                              dtype=np.float64, seed=seed, **kwargs)
        model.params = _copy_params(params)
        return model

    # 1. Scores, against the package's model with the same parameters.
    ref = ThreeLayerConvNet(weight_scale=0.1, dtype=np.float64, seed=seed,
                            **kwargs)
    for name in ("b1", "b2", "b3"):  # make the biases count too
        ref.params[name] = 0.1 * rng.standard_normal(ref.params[name].shape)
    model = build(0.1, 0.0, ref.params)
    X0, params0 = X.copy(), _copy_params(model.params)
    scores = call_case(exercise, f"loss(X) without labels, {where}",
                           model.loss, X)
    _check_unchanged(exercise, "X", X0, X)
    compare(exercise, "scores", scores, ref.loss(X), SCORES_TOL,
            f"loss(X) without labels, {where}")

    # 2. The initial loss: tiny weights give near-uniform probabilities.
    tiny = ThreeLayerConvNet(weight_scale=1e-3, dtype=np.float64, seed=seed,
                             **kwargs)
    loss0, _ = _loss_and_grads(exercise, build(1e-3, 0.0, tiny.params), X, y,
                               where)
    if not abs(loss0 - math.log(classes)) <= INITIAL_LOSS_TOL:
        raise ExerciseError(
            f"{exercise}: with weights of scale 1e-3, zero biases and reg=0 "
            f"the loss is {loss0:.6g}, expected about ln({classes}) = "
            f"{math.log(classes):.6g} (tolerance {INITIAL_LOSS_TOL:.0e}): "
            f"the mean softmax loss of near-zero scores; in {where}"
        )

    # 3. Every gradient against a numerical gradient, with reg = 0.
    plain_loss, plain = _loss_and_grads(exercise, model, X, y, where)
    for name in PARAM_NAMES:
        _check_unchanged(exercise, f"params[{name!r}]", params0[name],
                         model.params[name])
    worst = _check_model_gradients(exercise, model, X, y, plain, where)

    # 4. The L2 term, in the loss and in the gradients.
    reg_model = build(0.1, MODEL_REG, ref.params)
    reg_loss, grads = _loss_and_grads(exercise, reg_model, X, y, where)
    p = reg_model.params
    penalty = 0.5 * MODEL_REG * sum(float(np.sum(p[w] ** 2))
                                    for w in ("W1", "W2", "W3"))
    added = reg_loss - plain_loss
    if not abs(added - penalty) <= REG_TOL * max(1.0, penalty):
        raise ExerciseError(
            f"{exercise}: reg={MODEL_REG} adds {added:.6g} to the loss, "
            f"expected 0.5 * reg * (sum(W1**2) + sum(W2**2) + sum(W3**2)) = "
            f"{penalty:.6g}; in {where}"
        )
    for name in PARAM_NAMES:
        expected = MODEL_REG * p[name] if name.startswith("W") else 0 * p[name]
        compare(exercise, f"(grads[{name!r}] with reg={MODEL_REG}) - "
                          f"(grads[{name!r}] with reg=0)",
                grads[name] - plain[name], expected, REG_TOL,
                f"{where}; expected reg * {name}" if name.startswith("W")
                else f"{where}; biases are not regularised")

    # 5. Every gradient against a numerical gradient, with reg > 0.
    worst = max(worst, _check_model_gradients(exercise, reg_model, X, y,
                                              grads, where))
    passed(exercise, f"scores match the package (tolerance "
                     f"{SCORES_TOL:.0e}), initial loss {loss0:.4f} = "
                     f"ln({classes}), exact L2 term, gradients of "
                     f"{', '.join(PARAM_NAMES)} match numerical gradients "
                     f"(worst relative error {worst:.0e}, tolerance "
                     f"{MODEL_GRAD_TOL:.0e})")


# ------------------------------------------------------- hyperparameters

HYPER_REQUIRED = ("update_rule", "learning_rate", "batch_size", "num_epochs")
HYPER_DEFAULTS = {"num_filters": 32, "filter_size": 7, "hidden_dim": 100,
                  "reg": 0.0, "weight_scale": 1e-3, "lr_decay": 1.0}
# Integer settings and their allowed range: the training budget.
HYPER_BUDGET = {"num_epochs": (1, 2), "num_filters": (1, 32),
                "filter_size": (1, 7), "hidden_dim": (1, 100),
                "batch_size": (16, 500)}


def _hyper_error(exercise, message):
    return ExerciseError(f"{exercise}: {message}")


def _validate_hyperparameters(exercise, hp):
    """Return the full settings (defaults filled in), or raise."""
    if not isinstance(hp, dict):
        raise _hyper_error(exercise, f"should return a dict, got "
                                     f"{type(hp).__name__}")
    missing = [k for k in HYPER_REQUIRED if k not in hp]
    if missing:
        raise _hyper_error(exercise, f"the dict is missing keys {missing}")
    allowed = (*HYPER_REQUIRED, *HYPER_DEFAULTS)
    unknown = sorted(str(k) for k in set(hp) - set(allowed))
    if unknown:
        raise _hyper_error(exercise, f"unknown keys {unknown}; allowed keys "
                                     f"are {list(allowed)}")
    hp = {**HYPER_DEFAULTS, **hp}
    if hp["update_rule"] not in UPDATE_RULES:
        raise _hyper_error(exercise, f"update_rule must be one of "
                                     f"{list(UPDATE_RULES)}, got "
                                     f"{hp['update_rule']!r}")
    for key, (low, high) in HYPER_BUDGET.items():
        value = hp[key]
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise _hyper_error(exercise, f"{key} must be an integer, got "
                                         f"{type(value).__name__} {value!r}")
        if not low <= value <= high:
            raise _hyper_error(exercise, f"{key} = {value} is outside the "
                                         f"budget [{low}, {high}]")
        hp[key] = int(value)
    if hp["filter_size"] % 2 == 0:
        raise _hyper_error(exercise, f"filter_size must be odd (pad "
                                     f"(K - 1) // 2 keeps the image size), "
                                     f"got {hp['filter_size']}")
    # Real settings and their allowed interval; reg may be 0, the others not.
    for key, bounds in (("learning_rate", "(0, 1]"), ("reg", "[0, 1]"),
                        ("weight_scale", "(0, 1]"), ("lr_decay", "(0, 1]")):
        value = hp[key]
        if (isinstance(value, bool) or not isinstance(value, numbers.Real)
                or not math.isfinite(value)):
            raise _hyper_error(exercise, f"{key} must be a real number, got "
                                         f"{type(value).__name__} {value!r}")
        inside = 0 <= value <= 1 if key == "reg" else 0 < value <= 1
        if not inside:
            raise _hyper_error(exercise, f"{key} = {value!r} is outside "
                                         f"{bounds}")
        hp[key] = float(value)
    return hp


def _training_hint(losses):
    """What the loss curve of a failed run suggests, in a few words."""
    first = float(losses[0])
    if not np.all(np.isfinite(losses)):
        return "the loss became inf or NaN: the learning rate is too large"
    if losses.max() > 3 * first:
        return (f"the loss blew up (to {losses.max():.3g} from {first:.3g}): "
                f"the learning rate is probably too large")
    if np.mean(losses[-10:]) > 0.9 * first:
        return ("the loss hardly went down: try a larger learning rate or "
                "another update rule")
    return "try another learning rate, update rule or batch size"


def check_hyperparameters(choose_fn, data, threshold=0.75, num_training=5000,
                          start=0, seed=0):
    """Train the package's model with the chosen settings; check accuracy.

    Calls ``choose_fn()``, validates the dict it returns (keys, types and
    the budget: at most 2 epochs, 32 filters of size at most 7, 100 hidden
    units, batches of 16 to 500), then trains a float32
    :class:`cs231n_layers.ThreeLayerConvNet` with :class:`cs231n_layers.Solver`
    (``verbose=False``, seeded) on ``num_training`` training examples
    from ``start`` on and checks that the best validation accuracy,
    measured on the whole of ``data['X_val']``, reaches ``threshold``.

    Parameters
    ----------
    choose_fn : callable
        ``choose_fn() -> dict`` with keys ``update_rule``,
        ``learning_rate``, ``batch_size``, ``num_epochs`` and optionally
        ``num_filters``, ``filter_size``, ``hidden_dim``, ``reg``,
        ``weight_scale``, ``lr_decay`` (defaults as the model's and the
        Solver's).
    data : dict
        As returned by :func:`cs231n_layers.get_fashion_mnist_data`.
    threshold : float
        The validation accuracy to reach.
    num_training : int
        How many training examples are used.
    start : int
        Index of the first training example used.
    seed : int
        Seed of the model's initial weights and of the Solver's batches.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, an invalid or over-budget
        setting, or a best validation accuracy below ``threshold``.
    """
    exercise = _name(choose_fn, "choose_hyperparameters")
    hp = _validate_hyperparameters(exercise,
                                   call_exercise(exercise, choose_fn))
    if len(data["X_train"]) < start + num_training:
        raise ValueError(
            f"check_hyperparameters: data holds {len(data['X_train'])} "
            f"training examples, {start + num_training} are needed"
        )
    subset = {
        "X_train": data["X_train"][start:start + num_training],
        "y_train": data["y_train"][start:start + num_training],
        "X_val": data["X_val"], "y_val": data["y_val"],
    }
    model = ThreeLayerConvNet(
        input_dim=data["X_train"].shape[1:], num_filters=hp["num_filters"],
        filter_size=hp["filter_size"], hidden_dim=hp["hidden_dim"],
        weight_scale=hp["weight_scale"], reg=hp["reg"], dtype=np.float32,
        seed=seed)
    solver = Solver(model, subset, update_rule=hp["update_rule"],
                    optim_config={"learning_rate": hp["learning_rate"]},
                    lr_decay=hp["lr_decay"], batch_size=hp["batch_size"],
                    num_epochs=hp["num_epochs"], verbose=False, seed=seed)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        solver.train()
    acc = solver.best_val_acc
    epochs = hp["num_epochs"]
    setting = (f"{num_training:,} training examples, {epochs} "
               f"epoch{'s' if epochs > 1 else ''}, {hp['update_rule']} with "
               f"learning rate {hp['learning_rate']:g}, batch size "
               f"{hp['batch_size']}")
    if not acc >= threshold:
        hint = _training_hint(np.asarray(solver.loss_history))
        raise ExerciseError(
            f"{exercise}: best validation accuracy {acc:.3f} < threshold "
            f"{threshold:.2f} ({setting}); {hint}"
        )
    passed(exercise, f"best validation accuracy {acc:.3f} >= {threshold:.2f} "
                     f"({setting})")
