"""Checkers for the exercises of notebook 01_cross_correlation.

``check_corr2d`` and ``check_conv_output_size`` test the two functions the
notebook exports to :mod:`cs231n_layers.correlation`; ``check_learn_kernel``
tests the notebook-only ``learn_kernel``, which recovers a kernel from an
input and its cross-correlation by gradient descent.
"""
import numbers

import numpy as np

from cs231n_layers.checks._core import (
    ExerciseError,
    call_case,
    call_exercise,
    compare,
    forbids,
    passed,
)
from cs231n_layers.correlation import corr2d as _corr2d_reference

__all__ = ["check_corr2d", "check_conv_output_size", "check_learn_kernel"]

# D2L's worked example and its four sums, e.g. 0*0 + 1*1 + 3*2 + 4*3 = 19.
_X_D2L = np.arange(9).reshape(3, 3)
_K_D2L = np.array([[0, 1], [2, 3]])
_Y_D2L = np.array([[19.0, 25.0], [37.0, 43.0]])

# A tall 2x1 kernel on X[i, j] = 4i + j: Y[i, j] = X[i, j] + 2 X[i+1, j]
# = 12i + 3j + 8. Swapping the axes gives the wrong shape, (3, 3).
_X_TALL = np.arange(12).reshape(3, 4)
_K_TALL = np.array([[1], [2]])
_Y_TALL = np.array([[8.0, 11.0, 14.0, 17.0], [20.0, 23.0, 26.0, 29.0]])

# A wide 2x3 kernel, not symmetric under a flip, on X[i, j] = 5i + j:
# Y[i, j] = X[i, j] - X[i, j+2] + 2 X[i+1, j+1] = 10 + 10i + 2j. The flipped
# kernel (a convolution) would give 4 + 10i + 2j instead.
_X_WIDE = np.arange(20).reshape(4, 5)
_K_WIDE = np.array([[1, 0, -1], [0, 2, 0]])
_Y_WIDE = np.array([[10.0, 12.0, 14.0], [20.0, 22.0, 24.0],
                    [30.0, 32.0, 34.0]])

# (I, K, P, S, O), with O = (I + 2P - K) / S + 1.
_SIZES = (
    (3, 2, 0, 1, 2),     # D2L's worked example
    (8, 2, 0, 1, 7),     # the 1x2 edge kernel on an 8-wide image
    (5, 3, 1, 1, 5),     # "same" padding, P = (K - 1) / 2
    (7, 3, 0, 2, 3),     # stride 2
    (32, 5, 2, 1, 32),   # CS231n: 5x5 filters, pad 2 keep 32x32
    (4, 2, 0, 2, 2),     # 2x2 pooling with stride 2
    (4, 4, 0, 1, 1),     # the kernel covers the whole input
)
# (I, K, P, S) for which O is undefined.
_BAD_SIZES = (
    (5, 2, 0, 2),  # stride does not tile: (5 - 2) % 2 = 1
    (2, 3, 0, 1),  # kernel larger than the input; (2 - 3) % 1 == 0 in Python
)
# Random cases: (X shape, K shape), float64.
_SHAPES = (((5, 7), (3, 2)), ((4, 4), (4, 4)), ((6, 3), (1, 1)),
           ((1, 5), (1, 3)))


def _shifted_sum(X, K):
    """Cross-correlation as a sum of KH*KW shifted copies of X (no loop
    over output positions): Y = sum_{a,b} K[a, b] X[a:a+OH, b:b+OW]."""
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    OH, OW = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    Y = np.zeros((OH, OW))
    for (a, b), k in np.ndenumerate(K):
        Y += k * X[a:a + OH, b:b + OW]
    return Y


def _call_corr2d(fn, X, K, label):
    """Call the student's corr2d on copies and check it left them alone.

    Copies, so that code that does modify its input cannot spoil the
    checker's own examples for the checks that run after it. A failure
    names the case, ``label``.
    """
    X_given, K_given = X.copy(), K.copy()
    where = (f"{label}: X of shape {X.shape} {X.dtype}, K of shape "
             f"{K.shape} {K.dtype}")
    Y = call_case("corr2d", where, fn, X_given, K_given)
    if not (np.array_equal(X, X_given) and np.array_equal(K, K_given)):
        raise ExerciseError(f"corr2d: your code modified its input X or K; "
                            f"in {where}")
    return Y


@forbids("correlation.corr2d",
         "naive_layers.conv_forward_naive",
         "fast_layers.conv_forward_fast")
def check_corr2d(fn, cases=_SHAPES, seed=101):
    """Check a 2-D cross-correlation ``fn(X, K) -> Y`` ("valid", stride 1).

    Cases: D2L's worked example (integer input, must give the float array
    ``[[19, 25], [37, 43]]`` exactly); a 2x1 and a 2x3 kernel whose answers
    were worked out by hand (they catch swapped axes and a flipped kernel);
    then one random input per entry of ``cases``, compared with an
    independent formula that sums shifted copies of X and, in float64,
    with the package's ``cs231n_layers.corr2d``.

    Parameters
    ----------
    fn : callable
        The student's ``corr2d(X, K)``.
    cases : sequence of tuples
        ``(X shape, K shape)`` for a float64 input, or ``(X shape, K shape,
        "float32")``; by default four float64 shapes.
    seed : int
        Seed of the generator that draws the random inputs.

    Raises
    ------
    ExerciseError
        If ``fn`` is unfinished, raises, modifies X or K, returns a wrong
        shape, a dtype other than the docstring's (float64 for integer
        inputs, the inputs' float type otherwise), or an element off by more
        than ``1e-10 * max(1, |expected|)`` (``1e-5`` in float32; integer
        examples must match exactly).
    """
    name = "corr2d"
    examples = [(_X_D2L, _K_D2L, _Y_D2L, "D2L's example"),
                (_X_TALL, _K_TALL, _Y_TALL, "2x1 kernel"),
                (_X_WIDE, _K_WIDE, _Y_WIDE, "2x3 kernel")]
    for X, K, expected, label in examples:
        Y = _call_corr2d(fn, X, K, label)
        compare(name, "Y", Y, expected, 0.0, label)
        if np.asarray(Y).dtype != np.float64:
            raise ExerciseError(
                f"{name}: for integer inputs the output should be float64, "
                f"got dtype {np.asarray(Y).dtype}; create Y with a float "
                f"dtype ({label})"
            )
    gen = np.random.default_rng(seed)
    singles = 0  # float32 cases
    for x_shape, k_shape, *dtype in cases:
        dtype = np.dtype(dtype[0] if dtype else np.float64)
        if dtype not in (np.float64, np.float32):
            raise ValueError(f"check_corr2d: a case is float64 or float32, "
                             f"not {dtype}")
        X = gen.standard_normal(x_shape).astype(dtype)
        K = gen.standard_normal(k_shape).astype(dtype)
        label = f"X {x_shape}, K {k_shape}"
        Y = _call_corr2d(fn, X, K, f"random case {label}")
        if getattr(Y, "dtype", None) != dtype:
            raise ExerciseError(
                f"{name}: {dtype} inputs gave Y of dtype "
                f"{getattr(Y, 'dtype', type(Y).__name__)}; keep the inputs' "
                f"float type (np.result_type(X, K)); in random case {label}")
        if dtype == np.float32:
            singles += 1
            compare(name, "Y", Y, _shifted_sum(X, K), 1e-5,
                    f"{label}, float32 input")
            continue
        compare(name, "Y", Y, _corr2d_reference(X, K), 1e-10, label)
        compare(name, "Y", Y, _shifted_sum(X, K), 1e-10, label)
    also = (f", {singles} float32 case{'s' if singles > 1 else ''} to 1e-5"
            if singles else "")
    passed(name, f"3 hand-worked examples exact, {len(cases) - singles} "
                 f"random cases agree with the reference to 1e-10{also}")


def _expect_value_error(fn, args):
    """Return the message of the ValueError that ``fn(*args)`` must raise."""
    I, K, P, S = args
    call = (f"conv_output_size(in_size={I}, kernel_size={K}, pad={P}, "
            f"stride={S})")
    try:
        result = fn(*args)
    except NotImplementedError:
        call_exercise("conv_output_size", fn, *args)  # raises "not implemented"
    except ValueError as err:
        return str(err)
    except Exception as err:  # the student's code may raise anything
        raise ExerciseError(
            f"conv_output_size: {call} should raise ValueError, but raised "
            f"{type(err).__name__}: {err}"
        ) from None
    padded = I + 2 * P
    why = (f"the window K={K} is larger than the padded input I + 2P = "
           f"{padded}" if K > padded else
           f"(I + 2P - K) % S = {(padded - K) % S}, so the stride does not "
           f"tile the padded input")
    raise ExerciseError(
        f"conv_output_size: {call} returned {result!r}, but {why}; it should "
        f"raise ValueError"
    )


@forbids("correlation.conv_output_size")
def check_conv_output_size(fn, sizes=_SIZES, impossible=_BAD_SIZES):
    """Check ``fn(in_size, kernel_size, pad=0, stride=1) -> O``.

    Compares with a table of known sizes, ``O = (I + 2P - K) / S + 1`` (the
    result must be a Python or numpy integer, not a float), then checks
    that a ValueError is raised when the kernel does not fit in the padded
    input or when the stride does not tile it exactly (the CS231n rule;
    PyTorch would floor instead).

    Parameters
    ----------
    fn : callable
        The student's ``conv_output_size``.
    sizes : sequence of tuples
        Rows ``(I, K, P, S, O)``: input size, kernel size, pad, stride and
        the expected output size; by default seven rows.
    impossible : sequence of tuples
        Rows ``(I, K, P, S)`` for which ``fn`` must raise ValueError; by
        default two.

    Raises
    ------
    ExerciseError
        If ``fn`` is unfinished, returns a wrong or non-integer size, or does
        not raise ValueError where it should.
    """
    name = "conv_output_size"
    for I, K, P, S, expected in sizes:
        call = (f"conv_output_size(in_size={I}, kernel_size={K}, pad={P}, "
                f"stride={S})")
        try:
            out = fn(I, K, pad=P, stride=S)
        except NotImplementedError:
            call_exercise(name, fn, I, K, pad=P, stride=S)  # "not implemented"
        except Exception as err:  # the student's code may raise anything
            raise ExerciseError(
                f"{name}: {call} raised {type(err).__name__}: {err}; expected "
                f"{expected} = ({I} + 2*{P} - {K}) / {S} + 1"
            ) from None
        if isinstance(out, bool) or not isinstance(out, numbers.Integral):
            raise ExerciseError(
                f"{name}: {call} returned {out!r} of type "
                f"{type(out).__name__}; a size must be an int (use // rather "
                f"than /)"
            )
        if out != expected:
            raise ExerciseError(
                f"{name}: {call} returned {out}, expected {expected} = "
                f"({I} + 2*{P} - {K}) / {S} + 1"
            )
    for args in impossible:
        _expect_value_error(fn, args)
    passed(name, f"{len(sizes)} sizes right, ValueError raised in all "
                 f"{len(impossible)} impossible cases")


def _half_mse(X, Y, K):
    """The loss learn_kernel minimises: mean((corr2d(X, K) - Y)**2) / 2."""
    R = _corr2d_reference(X, K) - Y
    return 0.5 * np.mean(R ** 2)


def _reference_descent(X, Y, kernel_shape, learning_rate, num_steps, rng):
    """What learn_kernel's docstring describes, step by step: the start
    0.1 * rng.standard_normal(kernel_shape), then num_steps updates, each
    loss recorded before its update. Returns (K, losses) as an array."""
    K = 0.1 * rng.standard_normal(kernel_shape)
    losses = []
    for _ in range(num_steps):
        R = _corr2d_reference(X, K) - Y
        losses.append(0.5 * np.mean(R ** 2))
        K = K - learning_rate * _corr2d_reference(X, R) / R.size
    return K, np.array(losses)


def _learn_kernel_result(name, out, kernel_shape, num_steps, label):
    """Check the structure of learn_kernel's result; return (K, losses)."""
    if not (isinstance(out, tuple) and len(out) == 2):
        raise ExerciseError(
            f"{name}: should return a tuple (K, losses), got "
            f"{type(out).__name__} ({label})"
        )
    K, losses = out
    if not isinstance(K, np.ndarray) or K.shape != tuple(kernel_shape):
        got = (f"shape {K.shape}" if isinstance(K, np.ndarray)
               else type(K).__name__)
        raise ExerciseError(
            f"{name}: K should be an array of shape {tuple(kernel_shape)}, "
            f"got {got} ({label})"
        )
    if not isinstance(losses, list) or not all(
            isinstance(v, (float, np.floating)) for v in losses):
        got = (type(losses).__name__ if not isinstance(losses, list) else
               "a list holding " + ", ".join(sorted(
                   {type(v).__name__ for v in losses})))
        raise ExerciseError(
            f"{name}: losses should be a list of floats, got {got} ({label});"
            f" append float(...) of each loss"
        )
    losses = np.asarray(losses, dtype=np.float64)
    if losses.shape != (num_steps,):
        raise ExerciseError(
            f"{name}: losses should hold one value per step, shape "
            f"({num_steps},), got shape {losses.shape} ({label})"
        )
    return K, losses


def _check_one_kernel(fn, X, K_true, label, learning_rate, num_steps, seed):
    """Run the student's learn_kernel on Y = corr2d(X, K_true) and judge."""
    name = "learn_kernel"
    Y = _corr2d_reference(X, K_true)
    X_given, Y_given = X.copy(), Y.copy()
    where = (f"{label}, learning_rate={learning_rate}, "
             f"num_steps={num_steps}, rng=np.random.default_rng({seed})")
    out = call_case(name, where, fn, X_given, Y_given, K_true.shape,
                    learning_rate=learning_rate, num_steps=num_steps,
                    rng=np.random.default_rng(seed))
    if not (np.array_equal(X, X_given) and np.array_equal(Y, Y_given)):
        raise ExerciseError(f"{name}: your code modified its input X or Y "
                            f"({label})")
    K, losses = _learn_kernel_result(name, out, K_true.shape, num_steps,
                                     label)
    if not np.all(np.isfinite(losses)):
        t = int(np.argmin(np.isfinite(losses)))
        raise ExerciseError(
            f"{name}: losses[{t}] is {losses[t]} ({label}); the descent "
            f"diverged: check the sign and scale of the gradient"
        )
    rises = np.flatnonzero(np.diff(losses) > 1e-12 * losses[:-1] + 1e-15)
    if rises.size:
        t = int(rises[0])
        raise ExerciseError(
            f"{name}: the loss went up from step {t} to {t + 1} "
            f"({losses[t]:.3g} -> {losses[t + 1]:.3g}, {label}); with this "
            f"small a learning rate gradient descent should only go down: "
            f"check the sign and scale of the gradient"
        )
    K_ref, ref = _reference_descent(X, Y, K_true.shape, learning_rate,
                                    num_steps, np.random.default_rng(seed))
    start = (f"the starting kernel 0.1 * rng.standard_normal({K_true.shape})"
             f" has loss {ref[0]:.6g}")
    if abs(losses[0] - ref[0]) > 1e-8 * ref[0]:
        after = num_steps > 1 and abs(losses[0] - ref[1]) <= 1e-8 * ref[1]
        hint = (" and losses[0] is the loss after the first update: record "
                "each loss before its update" if after else
                "; start from K = 0.1 * rng.standard_normal(kernel_shape) "
                "and record each loss before its update")
        raise ExerciseError(
            f"{name}: losses[0] is {losses[0]:.6g}, but {start}{hint} "
            f"(losses[t] is L(K) just before update t; {label})"
        )
    compare(name, "losses", losses, ref, 1e-6, where)
    compare(name, "K", K, K_ref, 1e-6, where)
    worst = compare(name, "K", K, K_true, 0.05, label)
    final = _half_mse(X, Y, K)
    if final > losses[-1] * (1 + 1e-9) + 1e-15:
        raise ExerciseError(
            f"{name}: the returned kernel has loss {final:.3g}, more than the "
            f"last recorded loss {losses[-1]:.3g} ({label}); losses[t] should "
            f"be 0.5 * mean((corr2d(X, K) - Y)**2) before update t"
        )
    return worst


def _check_default_rng(fn, X, K_true):
    """Without rng, learn_kernel starts from np.random.default_rng(0)."""
    name = "learn_kernel"
    Y = _corr2d_reference(X, K_true)
    where = "the edge image, no rng given, num_steps=3"
    out = call_case(name, where, fn, X.copy(), Y, K_true.shape, num_steps=3)
    _, losses = _learn_kernel_result(name, out, K_true.shape, 3, where)
    _, ref = _reference_descent(X, Y, K_true.shape, 0.5, 3,
                                np.random.default_rng(0))
    if not np.allclose(losses, ref, rtol=1e-8, atol=0):
        raise ExerciseError(
            f"{name}: without an rng the losses are {losses.round(6)}, "
            f"expected {ref.round(6)}; the default is "
            f"np.random.default_rng(0) and learning_rate=0.5 ({where})"
        )


def check_learn_kernel(fn, cases=(), seed=0):
    """Check ``fn(X, Y, kernel_shape, learning_rate, num_steps, rng)``.

    Runs the student's gradient descent on the edge data of the notebook:
    X is a 6x8 image of ones with a black band in columns 2..5 and
    ``Y = corr2d(X, [[1, -1]])``, with ``learning_rate=0.5`` and
    ``num_steps=200``. It must return ``(K, losses)``: K an array of the
    kernel's shape, losses a list of floats, one per step, that never go
    up, K within 0.05 of ``[[1, -1]]`` element by element. The docstring's
    rules are held to 1e-6: the start ``0.1 * rng.standard_normal(shape)``
    and ``losses[t]`` the loss just *before* update t (compared with the
    checker's own descent), X and Y left unchanged, and, with no ``rng``,
    the start drawn from ``np.random.default_rng(0)``. The same holds for
    each of ``cases``, a kernel to recover from a random standard-normal
    image.

    Parameters
    ----------
    fn : callable
        The student's ``learn_kernel``.
    cases : sequence of tuples
        ``(image shape, kernel)``, the kernel as nested lists, e.g.
        ``((6, 6), [[1, 0], [0, -1]])``; none by default.
    seed : int
        Seed of the generator that draws the images.

    Raises
    ------
    ExerciseError
        If ``fn`` is unfinished, raises, returns the wrong structure, the
        loss increases, a loss is recorded after its update (or otherwise
        differs from the described descent), an input is modified, or a
        learned element is off by more than 0.05.
    """
    X = np.ones((6, 8))
    X[:, 2:6] = 0.0
    runs = [(X, np.array([[1.0, -1.0]]), "edge image, K = [[1, -1]]")]
    gen = np.random.default_rng(seed)
    for shape, kernel in cases:
        K = np.array(kernel, dtype=np.float64)
        runs.append((gen.standard_normal(shape), K,
                     f"random {shape[0]}x{shape[1]} image, "
                     f"{K.shape[0]}x{K.shape[1]} K"))
    worst = 0.0
    # The k-th run starts learn_kernel's own generator from seed k.
    for k, (X, K_true, label) in enumerate(runs):
        worst = max(worst, _check_one_kernel(fn, X, K_true, label,
                                             learning_rate=0.5,
                                             num_steps=200, seed=k))
    _check_default_rng(fn, runs[0][0], runs[0][1])
    what = "the kernel" if len(runs) == 1 else f"all {len(runs)} kernels"
    passed("learn_kernel", f"recovered {what} (worst error {worst:.0e} <= "
                           f"5e-02); each loss recorded before its update, "
                           f"the loss never rises")
