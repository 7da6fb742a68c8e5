"""The Solver: minibatch training of any model with ``params`` and ``loss``."""
import numpy as np

from cs231n_layers._validation import (
    NonFiniteError,
    check_bool,
    check_float_array,
    check_int,
    check_labels,
    check_real,
    check_seed,
    errors_named,
)
from cs231n_layers.optim import UPDATE_RULES, make_config

__all__ = ["Solver"]

DATA_KEYS = ("X_train", "y_train", "X_val", "y_val")


class Solver:
    """Train a classification model by minibatch gradient descent.

    The model needs a ``params`` dict of arrays and a ``loss(X, y=None)``
    method returning scores when ``y`` is None and ``(loss, grads)``
    otherwise, with ``grads`` keyed like ``params``.

    Each epoch visits the training set once in a fresh random order drawn
    from a ``np.random.Generator`` seeded by ``seed``; the same seed, model
    and data give the same run. After each epoch the solver measures
    training accuracy (on ``num_train_samples`` random examples) and
    validation accuracy, and keeps a copy of the parameters with the best
    validation accuracy; they are put back into the model when training ends.

    Parameters
    ----------
    model : object with ``params`` and ``loss``
    data : dict
        ``X_train`` (N, ...), ``y_train`` (N,), ``X_val``, ``y_val``; other
        keys are ignored. The X are float32 or float64 arrays of finite
        numbers, the y integer labels in ``[0, C)``, C the number of scores
        the model gives (checked by :meth:`train`).
    update_rule : str
        ``'sgd'``, ``'sgd_momentum'``, ``'rmsprop'`` or ``'adam'``.
    optim_config : dict or None
        Hyperparameters of the rule, e.g. ``{'learning_rate': 1e-3}``.
    lr_decay : float in (0, 1]
        The learning rate is multiplied by this after each epoch.
    batch_size : int
    num_epochs : int
    num_train_samples : int or None
        Training examples used to measure training accuracy (None: all).
    num_val_samples : int or None
        Validation examples used to measure validation accuracy (None: all).
    print_every : int
        With ``verbose``, print the loss every this many updates.
    verbose : bool
        Print one line every ``print_every`` updates and one per epoch:
        plain text, a few dozen lines for a long run, so that a notebook
        (and nbval, which gives up on cells that send thousands of
        messages) keeps up however slow the machine.
    seed : int or None
        Seeds the generator for shuffling and accuracy subsamples.

    Attributes
    ----------
    loss_history : list of float, one per step
    train_acc_history, val_acc_history : list of float, one per epoch
        (plus one entry before the first step)
    best_val_acc : float
    best_params : dict

    Raises
    ------
    TypeError, ValueError
        On a bad argument, naming it. :meth:`train` raises
        :class:`~cs231n_layers._validation.NonFiniteError` (a ValueError)
        when training diverges: a nan or an inf in the weights, the
        gradients or the activations.
    """

    def __init__(self, model, data, update_rule="sgd", optim_config=None,
                 lr_decay=1.0, batch_size=100, num_epochs=10,
                 num_train_samples=1000, num_val_samples=None,
                 print_every=100, verbose=True, seed=None):
        func = "Solver"
        if not (isinstance(getattr(model, "params", None), dict)
                and callable(getattr(model, "loss", None))):
            raise TypeError(
                f"{func}: model must have a params dict and a loss method, "
                f"got {type(model).__name__}"
            )
        _check_data(data, func)
        if not isinstance(update_rule, str):
            raise TypeError(
                f"{func}: update_rule must be a str, one of "
                f"{list(UPDATE_RULES)}, got {type(update_rule).__name__} "
                f"{update_rule!r}"
            )
        if update_rule not in UPDATE_RULES:
            raise ValueError(
                f"{func}: unknown update_rule {update_rule!r}; expected one "
                f"of {list(UPDATE_RULES)}"
            )
        self.optim_config = make_config(update_rule, optim_config, func,
                                        "optim_config")
        lr_decay = check_real(lr_decay, "lr_decay", func, "(0, 1]")
        self.batch_size = check_int(batch_size, "batch_size", func, 1)
        self.num_epochs = check_int(num_epochs, "num_epochs", func, 1)
        self.print_every = check_int(print_every, "print_every", func, 1)
        for name, value in (("num_train_samples", num_train_samples),
                            ("num_val_samples", num_val_samples)):
            if value is not None:
                check_int(value, name, func, 1)
        verbose = check_bool(verbose, "verbose", func)
        check_seed(seed, func)

        self.model = model
        self.X_train, self.y_train = data["X_train"], data["y_train"]
        self.X_val, self.y_val = data["X_val"], data["y_val"]
        self.update_rule = update_rule
        self.lr_decay = lr_decay
        self.num_train_samples = num_train_samples
        self.num_val_samples = num_val_samples
        self.verbose = verbose
        self.seed = seed
        self._reset()

    def __repr__(self):
        scalars = {k: v for k, v in self.optim_config.items() if np.isscalar(v)}
        return (
            f"Solver(update_rule={self.update_rule!r}, optim_config={scalars}, "
            f"batch_size={self.batch_size}, num_epochs={self.num_epochs}, "
            f"train={len(self.X_train)}, val={len(self.X_val)})"
        )

    def _reset(self):
        """Forget any training done so far."""
        self.rng = np.random.default_rng(self.seed)
        self.epoch = 0
        self.best_val_acc = 0.0
        self.best_params = {}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        self.optim_configs = {name: dict(self.optim_config)
                              for name in self.model.params}

    def _step(self, batch):
        """One update of every parameter on one minibatch of indices."""
        loss, grads = self.model.loss(self.X_train[batch], self.y_train[batch])
        self.loss_history.append(float(loss))
        rule = UPDATE_RULES[self.update_rule]
        for name, w in self.model.params.items():
            new_w, self.optim_configs[name] = rule(w, grads[name],
                                                   self.optim_configs[name])
            self.model.params[name] = new_w

    def check_accuracy(self, X, y, num_samples=None, batch_size=100):
        """Fraction of examples whose highest score is the right class.

        Parameters
        ----------
        X : ndarray, shape (N, ...)
        y : ndarray of int, shape (N,)
        num_samples : int or None
            If given and smaller than N, use that many random examples.
        batch_size : int
            Examples scored per call to ``model.loss``.

        Returns
        -------
        float in [0, 1]

        Raises
        ------
        ValueError
            If a label in ``y`` (not only among the sampled ones) is not
            below the number of scores the model gives.
        """
        func = "Solver.check_accuracy"
        _check_examples(X, y, "X", "y", func)
        check_int(batch_size, "batch_size", func, 1)
        if num_samples is not None:
            check_int(num_samples, "num_samples", func, 1)
        return self._accuracy(X, y, num_samples, batch_size, func, "y")

    def _accuracy(self, X, y, num_samples, batch_size, func, y_name):
        """:meth:`check_accuracy` on checked arguments.

        Every label of ``y`` must be below the number of scores per example
        the model gives; an error names ``func`` and ``y_name``.
        """
        all_y = y
        if num_samples is not None and num_samples < len(X):
            pick = self.rng.choice(len(X), num_samples, replace=False)
            X, y = X[pick], y[pick]
        with errors_named(func):  # an error of the model names func too
            scores = [self.model.loss(X[i:i + batch_size])
                      for i in range(0, len(X), batch_size)]
        check_labels(all_y, len(all_y), scores[0].shape[1], func, y_name)
        predictions = np.concatenate([np.argmax(s, axis=1) for s in scores])
        return float(np.mean(predictions == y))

    def _end_epoch(self):
        """Record accuracies, keep the best parameters, report."""
        train_acc = self._accuracy(self.X_train, self.y_train,
                                   self.num_train_samples, 100,
                                   "Solver.train", "data['y_train']")
        val_acc = self._accuracy(self.X_val, self.y_val, self.num_val_samples,
                                 100, "Solver.train", "data['y_val']")
        self.train_acc_history.append(train_acc)
        self.val_acc_history.append(val_acc)
        if val_acc > self.best_val_acc or not self.best_params:
            self.best_val_acc = val_acc
            self.best_params = {k: v.copy() for k, v in self.model.params.items()}
        if self.verbose:
            print(f"(epoch {self.epoch} / {self.num_epochs}) train acc "
                  f"{train_acc:.3f}, val acc {val_acc:.3f}", flush=True)

    def _epochs(self, steps_per_epoch, total):
        """The training loop of :meth:`train`."""
        self._end_epoch()
        for epoch in range(1, self.num_epochs + 1):
            self.epoch = epoch
            order = self.rng.permutation(len(self.X_train))
            for k in range(steps_per_epoch):
                self._step(order[k * self.batch_size:(k + 1) * self.batch_size])
                done = len(self.loss_history)
                if self.verbose and done % self.print_every == 0:
                    print(f"(update {done} / {total}) loss "
                          f"{self.loss_history[-1]:.4f}", flush=True)
            for config in self.optim_configs.values():
                config["learning_rate"] *= self.lr_decay
            self._end_epoch()

    def train(self):
        """Run ``num_epochs`` epochs of minibatch updates.

        Returns
        -------
        self, so that ``Solver(...).train()`` can be chained.
        """
        self._reset()
        num_train = len(self.X_train)
        steps_per_epoch = max(num_train // self.batch_size, 1)
        total = self.num_epochs * steps_per_epoch
        # An error of the model or of the update rule names Solver.train too.
        with errors_named("Solver.train"):
            try:
                self._epochs(steps_per_epoch, total)
            except NonFiniteError as err:
                # The data were checked: a nan or an inf comes from the
                # weights.
                raise NonFiniteError(
                    f"Solver.train: training diverged at update "
                    f"{len(self.loss_history)} of {total} (epoch "
                    f"{self.epoch}); lower the learning rate "
                    f"({self.optim_config['learning_rate']:g} at the start). "
                    f"{str(err).removeprefix('Solver.train: ')}"
                ) from err
        self.model.params = {k: v.copy() for k, v in self.best_params.items()}
        return self


def _check_examples(X, y, X_name, y_name, func):
    """Check a set of examples: X finite floats, y one label >= 0 each."""
    check_float_array(X, X_name, func)
    if X.ndim == 0 or len(X) == 0:
        raise ValueError(f"{func}: {X_name} holds no examples, shape {X.shape}")
    check_labels(y, len(X), None, func, y_name)


def _check_data(data, func):
    """Check the Solver's data dict: its four keys and their arrays."""
    if not isinstance(data, dict):
        raise TypeError(
            f"{func}: data must be a dict with keys {list(DATA_KEYS)}, "
            f"got {type(data).__name__}"
        )
    missing = [k for k in DATA_KEYS if k not in data]
    if missing:
        raise ValueError(
            f"{func}: data is missing keys {missing}; it needs "
            f"{list(DATA_KEYS)}"
        )
    for X, y in (("X_train", "y_train"), ("X_val", "y_val")):
        _check_examples(data[X], data[y], f"data[{X!r}]", f"data[{y!r}]",
                        func)
