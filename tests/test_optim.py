"""Update rules against hand-computed steps; state, dtype, config handling."""
import numpy as np
import pytest

from cs231n_layers import adam, rmsprop, sgd, sgd_momentum

RULES = {"sgd": sgd, "sgd_momentum": sgd_momentum, "rmsprop": rmsprop,
         "adam": adam}
# epsilon must be > 0; this one vanishes next to every square root below,
# so the hand-worked steps are those of epsilon 0.
NO_EPSILON = 1e-300


def test_sgd_hand_worked():
    w, config = sgd(np.array([1.0, 2.0]), np.array([0.5, -1.0]),
                    {"learning_rate": 0.1})
    np.testing.assert_allclose(w, [0.95, 2.1], rtol=1e-15)
    assert config == {"learning_rate": 0.1}


def test_sgd_default_learning_rate_is_1e_2():
    w, config = sgd(np.array([1.0]), np.array([1.0]))
    np.testing.assert_allclose(w, [0.99], rtol=1e-15)
    assert config["learning_rate"] == 1e-2


def test_sgd_momentum_two_hand_worked_steps():
    cfg = {"learning_rate": 0.1, "momentum": 0.9}
    w, cfg = sgd_momentum(np.array([1.0, -1.0]), np.array([1.0, 2.0]), cfg)
    # v = -0.1 * dw = [-0.1, -0.2]
    np.testing.assert_allclose(cfg["velocity"], [-0.1, -0.2], rtol=1e-15)
    np.testing.assert_allclose(w, [0.9, -1.2], rtol=1e-15)
    w, cfg = sgd_momentum(w, np.array([0.0, -1.0]), cfg)
    # v = 0.9 * [-0.1, -0.2] - 0.1 * [0, -1] = [-0.09, -0.08]
    np.testing.assert_allclose(cfg["velocity"], [-0.09, -0.08], rtol=1e-14)
    np.testing.assert_allclose(w, [0.81, -1.28], rtol=1e-14)


def test_rmsprop_two_hand_worked_steps():
    cfg = {"learning_rate": 0.01, "decay_rate": 0.99, "epsilon": NO_EPSILON}
    w, cfg = rmsprop(np.array([1.0]), np.array([0.5]), cfg)
    # cache = 0.01 * 0.25 = 0.0025, sqrt = 0.05, step = 0.01 * 0.5 / 0.05
    np.testing.assert_allclose(cfg["cache"], [0.0025], rtol=1e-14)
    np.testing.assert_allclose(w, [0.9], rtol=1e-14)
    w, cfg = rmsprop(w, np.array([1.0]), cfg)
    # cache = 0.99 * 0.0025 + 0.01 * 1 = 0.012475
    np.testing.assert_allclose(cfg["cache"], [0.012475], rtol=1e-14)
    np.testing.assert_allclose(w, [0.9 - 0.01 / np.sqrt(0.012475)],
                               rtol=1e-14)


def test_rmsprop_epsilon_is_added_to_the_root():
    cfg = {"learning_rate": 1.0, "decay_rate": 0.0, "epsilon": 1.0}
    w, _ = rmsprop(np.array([0.0]), np.array([3.0]), cfg)
    np.testing.assert_allclose(w, [-3.0 / (3.0 + 1.0)], rtol=1e-15)


@pytest.mark.parametrize("dw", [1e-4, 0.5, 300.0, -2.0],
                         ids=["tiny", "half", "huge", "negative"])
def test_adam_first_step_is_bias_corrected(dw):
    # At t = 1, m_hat = dw and v_hat = dw**2, so the step is
    # lr * dw / |dw| (with epsilon 0): lr times the sign, whatever |dw|.
    cfg = {"learning_rate": 0.01, "epsilon": NO_EPSILON}
    w, cfg = adam(np.array([1.0]), np.array([dw]), cfg)
    np.testing.assert_allclose(w, [1.0 - 0.01 * np.sign(dw)], rtol=1e-12)
    assert cfg["t"] == 1
    np.testing.assert_allclose(cfg["m"], [0.1 * dw], rtol=1e-12)
    np.testing.assert_allclose(cfg["v"], [0.001 * dw * dw], rtol=1e-12)


def test_adam_second_step_hand_worked():
    cfg = {"learning_rate": 0.1, "beta1": 0.5, "beta2": 0.75,
           "epsilon": NO_EPSILON}
    w, cfg = adam(np.array([0.0]), np.array([2.0]), cfg)
    w, cfg = adam(w, np.array([4.0]), cfg)
    # m = 0.5*1 + 0.5*4 = 2.5, v = 0.75*1 + 0.25*16 = 4.75
    # m_hat = 2.5 / 0.75, v_hat = 4.75 / 0.4375
    np.testing.assert_allclose(cfg["m"], [2.5], rtol=1e-14)
    np.testing.assert_allclose(cfg["v"], [4.75], rtol=1e-14)
    assert cfg["t"] == 2
    step = 0.1 * (2.5 / 0.75) / np.sqrt(4.75 / 0.4375)
    np.testing.assert_allclose(w, [-0.1 - step], rtol=1e-14)


def test_adam_defaults():
    _, cfg = adam(np.zeros(2), np.ones(2))
    assert {k: cfg[k] for k in ("learning_rate", "beta1", "beta2",
                                "epsilon")} == {
        "learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}


@pytest.mark.parametrize("rule", RULES)
def test_float32_is_preserved(rule):
    w = np.array([[1.0, -2.0]], np.float32)
    dw = np.array([[0.5, 0.25]], np.float32)
    new_w, cfg = RULES[rule](w, dw)
    assert new_w.dtype == np.float32
    new_w, _ = RULES[rule](new_w, dw, cfg)
    assert new_w.dtype == np.float32
    for state in ("velocity", "cache", "m", "v"):
        if state in cfg:
            assert cfg[state].dtype == np.float32


@pytest.mark.parametrize("rule", RULES)
def test_float32_is_preserved_with_numpy_float64_hyperparameters(rule):
    # e.g. a learning rate taken from np.logspace is an np.float64 scalar,
    # which numpy would otherwise let promote float32 arrays to float64.
    w = np.array([1.0, -2.0], np.float32)
    dw = np.array([0.5, 0.25], np.float32)
    cfg = {"learning_rate": np.logspace(-3, -2, 2)[0]}
    new_w, cfg = RULES[rule](w, dw, cfg)
    new_w, cfg = RULES[rule](new_w, dw, cfg)
    assert new_w.dtype == np.float32
    for state in ("velocity", "cache", "m", "v"):
        if state in cfg:
            assert cfg[state].dtype == np.float32


@pytest.mark.parametrize("rule", RULES)
def test_non_numeric_hyperparameter_is_rejected(rule):
    with pytest.raises(TypeError, match=rf"{rule}: config\['learning_rate'\] "
                                        r"must be a real number, got str"):
        RULES[rule](np.ones(2), np.ones(2), {"learning_rate": "0.01"})


@pytest.mark.parametrize("rule", RULES)
def test_state_is_carried_between_calls(rule):
    # A second call that carries the config must differ from a fresh call,
    # except for plain sgd, which keeps no state. (The gradients differ:
    # with a constant gradient, bias-corrected Adam repeats its first step.)
    w0 = np.array([1.0, 2.0])
    w1, cfg = RULES[rule](w0, np.array([0.3, -0.7]))
    dw = np.array([-0.1, 0.2])
    carried, _ = RULES[rule](w1, dw, cfg)
    fresh, _ = RULES[rule](w1, dw)
    if rule == "sgd":
        np.testing.assert_array_equal(carried, fresh)
    else:
        assert not np.allclose(carried, fresh)


@pytest.mark.parametrize("rule", RULES)
def test_rules_do_not_mutate_their_inputs(rule, unchanged):
    w, dw = np.array([1.0, 2.0]), np.array([0.3, -0.7])
    _, cfg = RULES[rule](w, dw)
    with unchanged(w, dw, cfg):
        RULES[rule](w, dw, cfg)


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_descends_a_quadratic(rule):
    # f(w) = sum(w**2); 50 steps must lower it.
    w = np.array([1.0, -2.0, 0.5])
    cfg = {"learning_rate": 0.05}
    for _ in range(50):
        w, cfg = RULES[rule](w, 2 * w, cfg)
    assert np.sum(w ** 2) < 0.5 * 5.25


@pytest.mark.parametrize("rule", RULES)
def test_unknown_hyperparameter_is_rejected(rule):
    with pytest.raises(ValueError,
                       match=r"unknown hyperparameters \['learning_rat'\]"):
        RULES[rule](np.ones(2), np.ones(2), {"learning_rat": 0.1})


@pytest.mark.parametrize("rule", RULES)
def test_gradient_of_the_wrong_shape_is_rejected(rule):
    # (3, 1) and (3, 4) would broadcast and silently reshape the weights.
    with pytest.raises(ValueError,
                       match=rf"{rule}: dw must have the shape of w"):
        RULES[rule](np.ones((3, 1)), np.ones((3, 4)))
