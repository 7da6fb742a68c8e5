"""First-order update rules: ``next_w, config = rule(w, dw, config)``.

Each rule takes the current weights ``w``, their gradient ``dw`` and a
``config`` dict of hyperparameters and running state (None for the
defaults). It returns the updated weights and the config to pass next time.
Unknown hyperparameters raise ``ValueError`` naming the valid ones, so a
typo such as ``learning_rat`` never passes silently.
"""
import numbers

import numpy as np

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


def make_config(rule, config):
    """Return a fresh config for ``rule``: defaults overridden by ``config``."""
    if rule not in _DEFAULTS:
        raise ValueError(
            f"unknown update rule {rule!r}; expected one of {list(_DEFAULTS)}"
        )
    config = {} if config is None else dict(config)
    valid = (*_DEFAULTS[rule], *_STATE[rule])
    unknown = sorted(set(config) - set(valid))
    if unknown:
        raise ValueError(
            f"{rule}: unknown hyperparameters {unknown}; valid ones are "
            f"{list(_DEFAULTS[rule])}"
        )
    config = {**_DEFAULTS[rule], **config}
    for key in _DEFAULTS[rule]:
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{rule}: {key} must be a real number, got "
                f"{type(value).__name__} {value!r}"
            )
        # A numpy scalar such as np.float64 (from np.logspace, say) would
        # promote float32 weights to float64; a Python float does not.
        config[key] = float(value)
    return config


def _check_shapes(rule, w, dw):
    """Check that the gradient ``dw`` has the shape of the weights ``w``.

    Without this, numpy broadcasting would silently change the shape of
    the weights (or fail with a message that does not name the rule).
    """
    w_shape, dw_shape = np.shape(w), np.shape(dw)
    if w_shape != dw_shape:
        raise ValueError(
            f"{rule}: dw must have the shape of w, {w_shape}, got {dw_shape}"
        )


def sgd(w, dw, config=None):
    """Vanilla stochastic gradient descent: ``w -= learning_rate * dw``."""
    _check_shapes("sgd", w, dw)
    config = make_config("sgd", config)
    return w - config["learning_rate"] * dw, config


def sgd_momentum(w, dw, config=None):
    """SGD with momentum: ``v = momentum * v - lr * dw``, ``w += v``."""
    _check_shapes("sgd_momentum", w, dw)
    config = make_config("sgd_momentum", config)
    v = config.get("velocity")
    v = np.zeros_like(w) if v is None else v
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def rmsprop(w, dw, config=None):
    """RMSProp: scale each step by a running average of squared gradients."""
    _check_shapes("rmsprop", w, dw)
    config = make_config("rmsprop", config)
    cache = config.get("cache")
    cache = np.zeros_like(w) if cache is None else cache
    rho = config["decay_rate"]
    cache = rho * cache + (1 - rho) * dw * dw
    config["cache"] = cache
    step = config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    return w - step, config


def adam(w, dw, config=None):
    """Adam: momentum and RMSProp with bias-corrected moment estimates."""
    _check_shapes("adam", w, dw)
    config = make_config("adam", config)
    m = config.get("m")
    v = config.get("v")
    m = np.zeros_like(w) if m is None else m
    v = np.zeros_like(w) if v is None else v
    t = config.get("t", 0) + 1
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
