"""Solver: reproducibility, best parameters, histories, update rules, lr decay,
accuracy sampling, silence, and no global random state."""
import numpy as np
import pytest

from cs231n_layers import Solver, ThreeLayerConvNet

SMALL = {"input_dim": (1, 8, 8), "num_filters": 2, "filter_size": 3,
         "hidden_dim": 10, "num_classes": 3}


def small_data(N=20, N_val=10, seed=0):
    """Learnable: the label is the brightest of three horizontal bands."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N + N_val, 1, 8, 8)).astype(np.float32)
    bands = [X[:, 0, 0:3].sum(axis=(1, 2)), X[:, 0, 3:5].sum(axis=(1, 2)),
             X[:, 0, 5:8].sum(axis=(1, 2))]
    y = np.argmax(bands, axis=0)
    return {"X_train": X[:N], "y_train": y[:N],
            "X_val": X[N:], "y_val": y[N:]}


def small_model(seed=0):
    return ThreeLayerConvNet(weight_scale=0.1, seed=seed, **SMALL)


class StepCounter:
    """Stub model: one parameter t that sgd with learning rate 1 raises by 1
    per step. It scores class 0 highest exactly when round(t) == peak, so its
    validation accuracy (all labels 0) peaks at that step and then falls."""

    def __init__(self, peak):
        self.peak = peak
        self.params = {"t": np.array([0.0])}
        self.seen_t = []

    def loss(self, X, y=None):
        t = float(self.params["t"][0])
        if y is None:
            hit = round(t) == self.peak
            scores = np.zeros((len(X), 2))
            scores[:, 0 if hit else 1] = 1.0
            return scores
        self.seen_t.append(t)
        return 0.0, {"t": np.array([-1.0])}


class Oracle:
    """Stub model without parameters: predicts the class stored in X[:, 0]
    and records how many rows it scored per call."""

    params = {}

    def __init__(self):
        self.calls = []

    def loss(self, X, y=None):
        if y is not None:
            return 0.0, {}
        self.calls.append(len(X))
        scores = np.zeros((len(X), 2))
        scores[np.arange(len(X)), X[:, 0].astype(int)] = 1.0
        return scores


def oracle_data(N=100):
    # The Oracle is right on the first half of the examples only.
    X = np.zeros((N, 1))
    X[N // 2:, 0] = 1.0
    y = np.zeros(N, dtype=np.int64)
    return X, y


# -------------------------------------------------------- reproducibility

def run_small(seed, model_seed=0, **kwargs):
    """A short run whose best validation accuracy comes after epoch 0, so
    the kept parameters are trained ones, not the initial ones."""
    options = dict(update_rule="rmsprop",
                   optim_config={"learning_rate": 3e-3}, batch_size=10,
                   num_epochs=5, verbose=False, seed=seed)
    options.update(kwargs)
    data = small_data(N=40, N_val=40)
    return Solver(small_model(model_seed), data, **options).train()


def best_epoch(solver):
    return int(np.argmax(solver.val_acc_history))


def test_same_seed_gives_the_same_run():
    a, b = run_small(seed=3), run_small(seed=3)
    assert best_epoch(a) > 0  # precondition: trained params were kept
    assert a.loss_history == b.loss_history
    assert a.train_acc_history == b.train_acc_history
    assert a.val_acc_history == b.val_acc_history
    for name in a.model.params:
        np.testing.assert_array_equal(a.model.params[name],
                                      b.model.params[name])


def test_different_seeds_shuffle_differently():
    # Same initial model, so only the shuffling order differs.
    a, b = run_small(seed=3), run_small(seed=4)
    assert best_epoch(a) > 0 and best_epoch(b) > 0  # precondition
    assert a.loss_history != b.loss_history
    assert any(not np.array_equal(a.model.params[k], b.model.params[k])
               for k in a.model.params)


def test_train_twice_repeats_the_run_from_the_seed():
    # train() resets the generator, so a second call shuffles like the first
    # (the model starts from the first run's best parameters, though).
    solver = Solver(StepCounter(peak=99), {"X_train": np.zeros((6, 1)),
                                           "y_train": np.zeros(6, int),
                                           "X_val": np.zeros((2, 1)),
                                           "y_val": np.zeros(2, int)},
                    optim_config={"learning_rate": 1.0}, batch_size=2,
                    num_epochs=2, verbose=False, seed=0)
    solver.train()
    first = list(solver.loss_history)
    solver.train()
    assert solver.loss_history == first


def test_train_returns_the_solver():
    solver = Solver(small_model(), small_data(), num_epochs=1, verbose=False,
                    seed=0)
    assert solver.train() is solver


# ---------------------------------------------------------- best params

def test_best_params_are_put_back_even_when_a_later_epoch_is_worse():
    # One full-batch step per epoch: t = 0, 1, 2, 3, 4 after each epoch;
    # validation accuracy is 1 only at t = 2.
    model = StepCounter(peak=2)
    data = {"X_train": np.zeros((4, 1)), "y_train": np.zeros(4, int),
            "X_val": np.zeros((3, 1)), "y_val": np.zeros(3, int)}
    solver = Solver(model, data, optim_config={"learning_rate": 1.0},
                    batch_size=4, num_epochs=4, verbose=False, seed=0).train()
    assert solver.val_acc_history == [0.0, 0.0, 1.0, 0.0, 0.0]
    assert model.seen_t == [0.0, 1.0, 2.0, 3.0]  # it did go past the peak
    assert solver.best_val_acc == 1.0
    np.testing.assert_array_equal(solver.best_params["t"], [2.0])
    np.testing.assert_array_equal(model.params["t"], [2.0])


def test_best_params_of_a_real_run_are_put_back():
    solver = run_small(seed=4)
    assert best_epoch(solver) > 0  # precondition: trained params were kept
    model = solver.model
    assert model.params.keys() == solver.best_params.keys()
    for name in model.params:
        np.testing.assert_array_equal(model.params[name],
                                      solver.best_params[name])
    assert solver.best_val_acc == max(solver.val_acc_history)
    assert solver.check_accuracy(solver.X_val, solver.y_val) == \
        solver.best_val_acc


# ------------------------------------------------------------ histories

@pytest.mark.parametrize(
    "N, batch_size, epochs, steps",
    [(20, 5, 2, 8), (20, 6, 3, 9), (20, 50, 2, 2)],
    ids=["exact-batches", "remainder-dropped", "batch-larger-than-N"])
def test_history_lengths(N, batch_size, epochs, steps):
    solver = Solver(small_model(), small_data(N=N), batch_size=batch_size,
                    num_epochs=epochs, verbose=False, seed=0).train()
    # one loss per step: max(N // batch_size, 1) steps per epoch
    assert len(solver.loss_history) == steps
    assert all(type(v) is float for v in solver.loss_history)
    # one accuracy per epoch, plus one before the first step
    assert len(solver.train_acc_history) == epochs + 1
    assert len(solver.val_acc_history) == epochs + 1


# ---------------------------------------------------------- update rules

@pytest.mark.parametrize(
    "rule, lr",
    [("sgd", 0.1), ("sgd_momentum", 0.05), ("rmsprop", 1e-3),
     ("adam", 3e-3)])
def test_every_update_rule_lowers_the_training_loss(rule, lr):
    # Full-batch steps, so each entry of loss_history is the loss over the
    # whole training set.
    solver = Solver(small_model(), small_data(N=20), update_rule=rule,
                    optim_config={"learning_rate": lr}, batch_size=20,
                    num_epochs=30, verbose=False, seed=0).train()
    first, last = solver.loss_history[0], solver.loss_history[-1]
    assert last < 0.98 * first


def test_lr_decay_is_applied_after_each_epoch():
    # sgd with a constant gradient of -1: t grows by the learning rate of
    # the current epoch at every step (2 steps per epoch here).
    model = StepCounter(peak=-1)
    data = {"X_train": np.zeros((4, 1)), "y_train": np.zeros(4, int),
            "X_val": np.zeros((2, 1)), "y_val": np.zeros(2, int)}
    solver = Solver(model, data, optim_config={"learning_rate": 1.0},
                    lr_decay=0.5, batch_size=2, num_epochs=3, verbose=False,
                    seed=0).train()
    steps = np.diff(model.seen_t)
    np.testing.assert_allclose(steps, [1.0, 1.0, 0.5, 0.5, 0.25])
    assert solver.optim_configs["t"]["learning_rate"] == pytest.approx(0.125)


class DtypeRecorder(ThreeLayerConvNet):
    """Records the dtypes of the parameters at every training step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dtypes_seen = set()

    def loss(self, X, y=None):
        if y is not None:
            self.dtypes_seen |= {v.dtype for v in self.params.values()}
        return super().loss(X, y)


@pytest.mark.parametrize("rule", ["sgd", "sgd_momentum", "rmsprop", "adam"])
def test_float32_model_stays_float32_with_numpy_scalar_options(rule):
    # Hyperparameters from np.logspace are np.float64 scalars.
    model = DtypeRecorder(weight_scale=0.1, seed=0, **SMALL)
    Solver(model, small_data(), update_rule=rule,
           optim_config={"learning_rate": np.logspace(-3, -2, 3)[1]},
           lr_decay=np.float64(0.9), batch_size=5, num_epochs=2,
           verbose=False, seed=0).train()
    assert model.dtypes_seen == {np.dtype(np.float32)}


def test_optim_config_passed_in_is_not_modified(unchanged):
    config = {"learning_rate": 0.5}
    with unchanged(config):
        Solver(StepCounter(peak=0), {"X_train": np.zeros((2, 1)),
                                     "y_train": np.zeros(2, int),
                                     "X_val": np.zeros((2, 1)),
                                     "y_val": np.zeros(2, int)},
               optim_config=config, lr_decay=0.5, batch_size=2,
               num_epochs=2, verbose=False, seed=0).train()


def test_data_is_not_modified(unchanged):
    data = small_data()
    with unchanged(data):
        Solver(small_model(), data, num_epochs=1, batch_size=5,
               verbose=False, seed=0).train()


# ------------------------------------------------------- check_accuracy

def test_check_accuracy_on_all_examples():
    X, y = oracle_data(100)
    model = Oracle()
    solver = Solver(model, {"X_train": X, "y_train": y, "X_val": X,
                            "y_val": y}, verbose=False, seed=0)
    assert solver.check_accuracy(X, y) == 0.5
    assert solver.check_accuracy(X, y, num_samples=500) == 0.5
    model.calls.clear()
    solver.check_accuracy(X, y, batch_size=30)
    assert model.calls == [30, 30, 30, 10]


def test_check_accuracy_with_num_samples_scores_that_many_examples():
    X, y = oracle_data(100)
    model = Oracle()
    solver = Solver(model, {"X_train": X, "y_train": y, "X_val": X,
                            "y_val": y}, verbose=False, seed=0)
    accuracies = set()
    for _ in range(20):
        model.calls.clear()
        acc = solver.check_accuracy(X, y, num_samples=10)
        assert sum(model.calls) == 10
        assert acc * 10 == pytest.approx(round(acc * 10))  # k / 10
        accuracies.add(acc)
    assert len(accuracies) > 1  # a fresh random subset each time


def test_num_train_samples_limits_the_training_accuracy_sample():
    X, y = oracle_data(100)
    model = Oracle()
    Solver(model, {"X_train": X, "y_train": y, "X_val": X[:7],
                   "y_val": y[:7]}, num_train_samples=12,
           num_val_samples=None, batch_size=100, num_epochs=1,
           verbose=False, seed=0).train()
    # before training and after the one epoch: train sample, then all of val
    assert model.calls == [12, 7, 12, 7]


# ------------------------------------------------------------- output

def test_verbose_false_prints_nothing(capsys):
    run_small(seed=0, verbose=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_verbose_true_reports_each_epoch_and_every_few_updates(capsys):
    solver = run_small(seed=0, verbose=True, num_epochs=2, print_every=3)
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert captured.err == ""
    epochs = [line for line in lines if line.startswith("(epoch")]
    assert [line.split(")")[0] for line in epochs] == [
        "(epoch 0 / 2", "(epoch 1 / 2", "(epoch 2 / 2"]
    updates = [line for line in lines if line.startswith("(update")]
    total = len(solver.loss_history)
    assert len(updates) == total // 3
    assert updates[0] == f"(update 3 / {total}) loss {solver.loss_history[2]:.4f}"


# ------------------------------------------------------- random state

def test_no_global_numpy_random_state_is_used():
    saved = np.random.get_state()
    try:
        np.random.seed(0)
        before = np.random.get_state()
        model = ThreeLayerConvNet(seed=1, **SMALL)
        Solver(model, small_data(), num_epochs=2, batch_size=5,
               num_train_samples=5, num_val_samples=5, verbose=False,
               seed=2).train()
        ThreeLayerConvNet(seed=None, **SMALL)
        after = np.random.get_state()
        assert before[0] == after[0]
        np.testing.assert_array_equal(before[1], after[1])
        assert before[2:] == after[2:]
    finally:
        np.random.set_state(saved)
