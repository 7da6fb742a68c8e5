"""First-order update rules: ``next_w, config = rule(w, dw, config)``.

Each rule takes the current weights ``w``, their gradient ``dw`` and a
``config`` dict of hyperparameters and running state (None for the
defaults). It returns the updated weights and the config to pass next time.
Unknown hyperparameters raise ``ValueError`` naming the valid ones, so a
typo such as ``learning_rat`` never passes silently, and so does a value
outside the range where the rule is defined (a learning rate that is not
positive, Adam's ``beta1 = 1``, which divides by zero): every update of
finite weights with a finite gradient is finite.
"""
import numpy as np

from cs231n_layers._validation import check_float_array, check_int, check_real

__all__ = ["sgd", "sgd_momentum", "rmsprop", "adam", "UPDATE_RULES"]

# Defaults of each rule's hyperparameters; the state keys each rule keeps
# (velocity, cache, m, v, t) may also appear in a config it gets back.
_DEFAULTS = {
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999,
             "epsilon": 1e-8},
}
_STATE = {"sgd": (), "sgd_momentum": ("velocity",), "rmsprop": ("cache",),
          "adam": ("m", "v", "t")}
# Where each hyperparameter must lie: a learning rate or an epsilon of 0 or
# less, or a decay rate of 1 or more, makes the update meaningless or nan.
_RANGES = {"learning_rate": "(0, inf)", "momentum": "[0, 1)",
           "decay_rate": "[0, 1)", "epsilon": "(0, inf)", "beta1": "[0, 1)",
           "beta2": "[0, 1)"}


def make_config(rule, config, func=None, name="config"):
    """Return a fresh config for ``rule``: defaults overridden by ``config``.

    Errors name ``func`` (the rule itself unless given: the Solver passes
    ``"Solver"``) and the argument ``name``.
    """
    func = func or rule
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise TypeError(
            f"{func}: {name} must be a dict of hyperparameters or None, got "
            f"{type(config).__name__} {config!r}"
        )
    valid = (*_DEFAULTS[rule], *_STATE[rule])
    unknown = sorted(str(key) for key in config if key not in valid)
    if unknown:
        raise ValueError(
            f"{func}: unknown hyperparameters {unknown} in {name}; valid ones "
            f"for {rule} are {list(_DEFAULTS[rule])}"
        )
    config = {**_DEFAULTS[rule], **config}
    for key in _DEFAULTS[rule]:
        # A numpy scalar such as np.float64 (from np.logspace, say) would
        # promote float32 weights to float64; check_real returns a float.
        config[key] = check_real(config[key], f"{name}[{key!r}]", func,
                                 _RANGES[key])
    return config


def _check_arrays(rule, w, dw):
    """Check the weights and their gradient: finite, of one shape.

    Without the shape check, numpy broadcasting would silently change the
    shape of the weights (or fail with a message that does not name the
    rule).
    """
    check_float_array(w, "w", rule)
    check_float_array(dw, "dw", rule)
    if w.shape != dw.shape:
        raise ValueError(
            f"{rule}: dw must have the shape of w, {w.shape}, got {dw.shape}"
        )


def _state(rule, config, key, w, squares=False):
    """The running average ``config[key]``: zeros like ``w`` at first.

    An average of squares (``squares=True``) must not be negative: its
    square root is taken.
    """
    value = config.get(key)
    if value is None:
        return np.zeros_like(w)
    check_float_array(value, f"config[{key!r}]", rule)
    if value.shape != w.shape:
        raise ValueError(
            f"{rule}: config[{key!r}] must have the shape of w, {w.shape}, "
            f"got {value.shape}"
        )
    if squares and value.size and value.min() < 0:
        raise ValueError(
            f"{rule}: config[{key!r}] averages squares and must be >= 0, got "
            f"{value.min()}"
        )
    return value


def sgd(w, dw, config=None):
    """Vanilla stochastic gradient descent: ``w -= learning_rate * dw``."""
    _check_arrays("sgd", w, dw)
    config = make_config("sgd", config)
    return w - config["learning_rate"] * dw, config


def sgd_momentum(w, dw, config=None):
    """SGD with momentum: ``v = momentum * v - lr * dw``, ``w += v``."""
    _check_arrays("sgd_momentum", w, dw)
    config = make_config("sgd_momentum", config)
    v = _state("sgd_momentum", config, "velocity", w)
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def rmsprop(w, dw, config=None):
    """RMSProp: scale each step by a running average of squared gradients."""
    _check_arrays("rmsprop", w, dw)
    config = make_config("rmsprop", config)
    cache = _state("rmsprop", config, "cache", w, squares=True)
    rho = config["decay_rate"]
    cache = rho * cache + (1 - rho) * dw * dw
    config["cache"] = cache
    step = config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    return w - step, config


def adam(w, dw, config=None):
    """Adam: momentum and RMSProp with bias-corrected moment estimates."""
    _check_arrays("adam", w, dw)
    config = make_config("adam", config)
    m = _state("adam", config, "m", w)
    v = _state("adam", config, "v", w, squares=True)
    t = check_int(config.get("t", 0), "config['t']", "adam", 0) + 1
    b1, b2 = config["beta1"], config["beta2"]
    m = b1 * m + (1 - b1) * dw
    v = b2 * v + (1 - b2) * dw * dw
    m_hat = m / (1 - b1 ** t)
    v_hat = v / (1 - b2 ** t)
    config.update(m=m, v=v, t=t)
    step = config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    return w - step, config


UPDATE_RULES = {"sgd": sgd, "sgd_momentum": sgd_momentum,
                "rmsprop": rmsprop, "adam": adam}
