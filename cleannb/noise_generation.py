"""Synthetic label noise: noise matrices with a given trace, and noisy labels.

cleanlab 0.1.0's ``noise_generation`` names, positional signatures and
defaults. The same functions with cleanlab 2.9's keyword-only signatures are in
:mod:`cleannb.benchmarking.noise_generation`; both call the code below.

Randomness. Every function takes ``seed``: None, an int, or a
``numpy.random.Generator``. With None it takes one 64-bit draw from numpy's
global RNG, as cleanlab draws from it, so ``np.random.seed(k)`` before the
call reproduces the run (in any process); an int or a Generator leaves the
global RNG untouched (cleanlab reseeds it with an int). That draw, or the int,
keys counter-based streams inside Numba kernels, so one seed gives the same
output on every run and for every thread count, but not the numbers cleanlab
draws for that seed.
What is kept from 0.1.0 is every invariant: the trace, column sums, the number
of zero noise rates, the validity rule, and, for :func:`generate_noisy_labels`,
exactly how many examples of each true class get each noisy label.

Differences from cleanlab, all deliberate:

- ``generate_noise_matrix_from_trace`` returns None with a ``UserWarning``
  naming the constraint that failed most often when ``max_iter`` attempts all
  fail (2.9 returns None silently; 0.1.0 returned the last, invalid matrix).
  Noise-rate bounds that a column cannot meet make that attempt fail (cleanlab
  raises ``ValueError`` from its helper mid-loop).
- Bad input raises where cleanlab returned garbage or crashed: ``py`` not
  summing to 1 when the validity rule needs it, a trace outside [0, K] or out
  of reach of ``max_trace_prob`` / ``min_trace_prob``, a trace below 1 for
  K = 2 with ``frac_zero_noise_rates >= 0.5`` (0.1.0 returned a negative
  rate), labels outside 0..K-1, noise-matrix columns not summing to 1.
- ``generate_noisy_labels`` accepts a class with no examples (no flips for
  it); cleanlab's ``value_counts`` drops the class and misaligns ``py``.
- The repair loop of :func:`generate_n_rand_probabilities_that_sum_to_m`
  gives up (``ValueError``) after ``1000 + 100 n`` steps instead of looping
  forever on bounds it cannot meet.
- ``seed`` and ``n_jobs`` are added as keywords; ``verbose`` of
  :func:`noise_matrix_is_valid` prints its own diagnostics.

Values stay values, as in 0.1.0: :func:`noise_matrix_is_valid` returns False
(not an error) for a ``py`` that is not a distribution and for K = 1;
``generate_noise_matrix_from_trace`` returns False for ``max_iter < 1`` and
ignores ``py`` where 0.1.0 did (K = 2, or ``valid_noise_matrix=False``).
"""

from __future__ import annotations

import warnings

import numpy as np

from ._core import noise as _noise
from ._core.constants import FLOATING_POINT_COMPARISON
from ._core.seeds import stream_key as _key
from ._core.validation import check_flag, check_int, check_real, check_square
from .util import confusion_matrix, value_counts

__all__ = [
    "confusion_matrix",
    "generate_n_rand_probabilities_that_sum_to_m",
    "generate_noise_matrix",
    "generate_noise_matrix_from_trace",
    "generate_noisy_labels",
    "noise_matrix_is_valid",
    "randomly_distribute_N_balls_into_K_bins",
    "value_counts",
]


# ----------------------------------------------------------------- checks
def _prior(py, k, name="py", distribution=True):
    """``py`` as float64 (k,); with ``distribution``, also >= 0 and summing to 1."""
    if py is None:
        raise ValueError(f"{name} (the prior p(y), one entry per class) is required here.")
    array = np.asarray(py)
    if array.dtype.kind not in "iuf" or array.shape != (k,):
        raise ValueError(
            f"{name} must be a 1-D array of {k} probabilities, got shape {array.shape}."
        )
    array = np.ascontiguousarray(array, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values: {array}.")
    if not distribution:
        return array
    if array.min() < 0:
        raise ValueError(f"{name} must hold probabilities >= 0, got {array}.")
    total = float(array.sum())
    if abs(total - 1.0) > FLOATING_POINT_COMPARISON:
        raise ValueError(
            f"{name} must sum to 1 (got {total:.6g}); normalise it with py / py.sum()."
        )
    return array


# --------------------------------------------------------------- validity
def noise_matrix_is_valid(noise_matrix, py, verbose=False):
    """Whether ``noise_matrix`` allows better-than-random learning under ``py``.

    A noise matrix P(s|y) (columns: true class y) is valid when the joint
    P(s, y) = P(s|y) p(y) sums to 1 (within 1e-6) and, for every class i,
    P(s=i) p(y=i) < P(s=i, y=i). O(K^2) time, O(K^2) memory.

    Parameters
    ----------
    noise_matrix : array_like, shape (K, K)
        P(s=row | y=column).
    py : array_like, shape (K,)
        The prior p(y). One that is not a distribution (negative entries, or
        not summing to 1) makes the matrix invalid, as in cleanlab.
    verbose : bool, default False
        Print P(s=i) p(y=i) and P(s=i, y=i) for every class (0.1.0 printed
        other, rounded diagnostics).

    Returns
    -------
    bool
        False also for K = 1 and for a ``py`` that is not a distribution,
        as in 0.1.0 and 2.9.

    Raises
    ------
    ValueError
        If the shapes disagree or an entry is NaN/inf.

    See Also
    --------
    cleannb.benchmarking.noise_generation.noise_matrix_is_valid
        The same code with ``verbose`` keyword-only, as in cleanlab 2.x.

    Examples
    --------
    >>> import numpy as np
    >>> nm = np.array([[0.8, 0.3], [0.2, 0.7]])
    >>> noise_matrix_is_valid(nm, np.array([0.5, 0.5]))
    True
    >>> noise_matrix_is_valid(nm[::-1], np.array([0.5, 0.5]))
    False
    >>> noise_matrix_is_valid(nm, np.array([0.5, 0.4]))  # the joint sums to 0.9
    False
    """
    nm = check_square(noise_matrix, "noise_matrix")
    prior = _prior(py, nm.shape[0], distribution=False)
    valid, ps = _noise.is_learnable(nm, prior)
    if verbose:
        for i in range(prior.size):
            lhs, rhs = ps[i] * prior[i], nm[i, i] * prior[i]
            print(
                f"class {i}: P(s={i})p(y={i}) = {lhs:.6g} < P(s={i},y={i}) = {rhs:.6g}: {lhs < rhs}"
            )
    return valid


# ---------------------------------------------------------- noisy labels
def generate_noisy_labels(y, noise_matrix, verbose=False, *, seed=None, n_jobs=None):
    """Flip true labels ``y`` so that (noisy, true) follows ``noise_matrix``.

    For true class k with n_k examples and every noisy class i != k, exactly
    ``int(noise_matrix[i, k] * (n_k / N) * N)`` examples of class k are
    relabelled i: the same counts as cleanlab 0.1.0 and 2.9 (truncation, as
    theirs). The rows are drawn uniformly at random without replacement. As in
    cleanlab, a class whose column asks for more flips than it has examples is
    left unchanged. O(N + K^2) time; O(N + 64 K) extra memory.

    Parameters
    ----------
    y : array_like of int, shape (N,)
        True labels in 0..K-1. A class with no examples gets no flips (0.1.0
        crashes there; 2.9 too when the class is not the last).
    noise_matrix : array_like, shape (K, K)
        P(s=row | y=column); entries in [0, 1], columns summing to 1.
    verbose : bool, default False
        Unused, as in 0.1.0.
    seed : None, int or numpy.random.Generator, default None
        None takes one draw from numpy's global RNG (``np.random.seed``
        reproduces the call); an int or a Generator leaves it untouched. The
        rows chosen differ from cleanlab's for the same seed; the counts agree.
    n_jobs : int or None, default None
        Threads (None or -1: all). The output does not depend on it.

    Returns
    -------
    numpy.ndarray, shape (N,)
        A new array of noisy labels with the integer dtype of ``y``.

    Raises
    ------
    ValueError, TypeError
        On labels outside 0..K-1 or not integers, a non-square matrix, entries
        outside [0, 1], or columns not summing to 1.

    See Also
    --------
    cleannb.benchmarking.noise_generation.generate_noisy_labels
        The same code with ``true_labels`` for ``y`` and no ``verbose``, as in
        cleanlab 2.x.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.repeat([0, 1], 50)
    >>> s = generate_noisy_labels(y, np.array([[0.9, 0.2], [0.1, 0.8]]), seed=0)
    >>> int(((s == 1) & (y == 0)).sum()), int(((s == 0) & (y == 1)).sum())
    (5, 10)
    """
    nm = check_square(noise_matrix, "noise_matrix", min_size=2)
    k = nm.shape[0]
    if nm.min() < 0 or nm.max() > 1:
        raise ValueError("noise_matrix entries are probabilities and must lie in [0, 1].")
    sums = nm.sum(axis=0)
    worst = int(np.argmax(np.abs(sums - 1)))
    if abs(sums[worst] - 1) > FLOATING_POINT_COMPARISON:
        raise ValueError(
            f"noise_matrix columns must sum to 1 (column {worst} sums to {sums[worst]:.6g}); "
            "normalise with noise_matrix / noise_matrix.sum(axis=0)."
        )
    labels = _copy_labels(y, k)
    _noise.flip_labels(labels, nm, _key(seed), n_jobs)
    return labels


def _copy_labels(y, k):
    array = np.asarray(y)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"y must be a non-empty 1-D array of labels, got shape {array.shape}.")
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(f"y must hold integer class labels 0..K-1, got dtype {array.dtype}.")
    if array.min() < 0 or array.max() >= k:
        raise ValueError(
            f"y must hold labels 0..{k - 1} (noise_matrix is {k} x {k}); "
            f"got values from {array.min()} to {array.max()}."
        )
    dtype = array.dtype.newbyteorder("=")
    if np.iinfo(dtype).max < k - 1:  # the noisy labels must fit
        dtype = np.dtype(np.int64)
    return np.array(array, dtype=dtype, order="C")


# --------------------------------------------------------- noise matrices
def generate_noise_matrix_from_trace(
    K,
    trace,
    max_trace_prob=1.0,
    min_trace_prob=1e-5,
    max_noise_rate=1 - 1e-5,
    min_noise_rate=0.0,
    valid_noise_matrix=True,
    py=None,
    frac_zero_noise_rates=0.0,
    seed=0,
    max_iter=10000,
    *,
    n_jobs=None,
):
    """Random K x K noise matrix P(s|y) whose diagonal sums to ``trace``.

    Each attempt draws the diagonal (flat Dirichlet scaled to ``trace``, then
    repaired into [min_trace_prob, max_trace_prob]), spreads
    ``int(K * (K - 1) * frac_zero_noise_rates)`` zero noise rates over the
    columns (as 0.1.0 rounds it; columns whose diagonal is 1 count as K - 1
    zeros), and fills each column's remaining off-diagonal cells, at random
    rows, with rates summing to 1 - diagonal. Attempts repeat until the matrix
    passes :func:`noise_matrix_is_valid` (when ``valid_noise_matrix``).
    O(K^2) time and memory per attempt; columns are sampled in parallel.

    Parameters
    ----------
    K : int
        Number of classes, >= 2.
    trace : float
        Sum of the diagonal, in [0, K]; > 1 when ``valid_noise_matrix``.
    max_trace_prob, min_trace_prob : float
        Bounds on the diagonal entries (ignored for K = 2, as in cleanlab).
    max_noise_rate, min_noise_rate : float
        Bounds on the nonzero off-diagonal entries (ignored for K = 2).
    valid_noise_matrix : bool, default True
        Retry until the matrix is valid for ``py``.
    py : array_like, shape (K,), optional
        Prior p(y); required when ``valid_noise_matrix`` and K > 2, and
        ignored otherwise (as in cleanlab).
    frac_zero_noise_rates : float, default 0
        Fraction of the K (K - 1) noise rates set to 0 (at most K - 2 per
        column, so a higher request gives fewer zeros).
    seed : None, int or numpy.random.Generator, default 0
        One seed gives one matrix on every run and thread count; numpy's
        global RNG is not touched (0.1.0 and 2.9 reseed it with ``seed``).
        None takes one draw from the global RNG instead.
    max_iter : int, default 10000
        Attempts before giving up; below 1, no attempt is made.
    n_jobs : int or None, default None
        Threads (None or -1: all). The output does not depend on it.

    Returns
    -------
    numpy.ndarray of shape (K, K), None or False
        False when ``max_iter < 1``, as 0.1.0 (checked after ``K``, ``trace``
        and ``py is None``, before anything else, as 0.1.0 orders it). None,
        with a ``UserWarning`` naming the constraint that failed most often,
        when no attempt succeeds within ``max_iter`` (as 2.9; 0.1.0 returned
        the last invalid matrix).

    Raises
    ------
    ValueError, TypeError
        On a trace outside its range, ``py`` missing, or (when the validity
        rule reads it) of the wrong shape or not summing to 1, or bounds that
        no diagonal can meet. Infeasible noise-rate bounds are not raised (2.9
        raises them from a helper): the attempts fail and the warning names
        ``max_noise_rate`` / ``min_noise_rate``.

    See Also
    --------
    cleannb.benchmarking.noise_generation.generate_noise_matrix_from_trace
        The same code with every option after ``trace`` keyword-only, as in
        cleanlab 2.x.

    Examples
    --------
    >>> import numpy as np
    >>> nm = generate_noise_matrix_from_trace(4, 2.5, py=np.full(4, 0.25), seed=1)
    >>> bool(np.isclose(np.trace(nm), 2.5)), bool(np.allclose(nm.sum(axis=0), 1))
    (True, True)
    >>> noise_matrix_is_valid(nm, np.full(4, 0.25))
    True
    >>> generate_noise_matrix_from_trace(4, 2.5, py=np.full(4, 0.25), max_iter=0)
    False
    """
    k = check_int(K, "K", 2)
    trace = check_real(trace, "trace", 0.0, float(k))
    valid_noise_matrix = check_flag(valid_noise_matrix, "valid_noise_matrix")
    if valid_noise_matrix and trace <= 1:
        raise ValueError(
            f"trace = {trace}: a valid noise matrix needs trace > 1; raise trace or pass "
            "valid_noise_matrix=False."
        )
    bounds = [
        check_real(v, n, 0.0, 1.0)
        for v, n in [
            (max_trace_prob, "max_trace_prob"),
            (min_trace_prob, "min_trace_prob"),
            (max_noise_rate, "max_noise_rate"),
            (min_noise_rate, "min_noise_rate"),
        ]
    ]
    frac = check_real(frac_zero_noise_rates, "frac_zero_noise_rates", 0.0, 1.0)
    max_iter = check_int(max_iter, "max_iter", -np.inf)
    check = bool(valid_noise_matrix) and k > 2
    if check and py is None:
        raise ValueError("py must be provided (not None) when valid_noise_matrix=True and K > 2.")
    if max_iter < 1:  # as 0.1.0: no attempt, nothing drawn
        return False
    if k > 2 and bounds[0] + FLOATING_POINT_COMPARISON < trace / k:
        raise ValueError(
            f"max_trace_prob={bounds[0]} is below trace / K = {trace / k:.6g}: no diagonal "
            "can sum to trace; raise max_trace_prob or lower trace."
        )
    if k > 2 and bounds[1] > (trace + FLOATING_POINT_COMPARISON) / k:
        raise ValueError(
            f"min_trace_prob={bounds[1]} is above trace / K = {trace / k:.6g}: no diagonal "
            "can sum to trace; lower min_trace_prob or raise trace."
        )
    # as 0.1.0, py is only read by the validity rule
    prior = _prior(py, k) if check else np.full(k, 1.0 / k)
    key = _key(seed)
    if k == 2:
        return _two_classes(trace, frac, key)
    zeros = int(k * (k - 1) * frac)
    found, fails = _noise.trace_matrix(trace, bounds, prior, check, zeros, key, max_iter, n_jobs)
    if found is None:
        warnings.warn(_failure_message(fails, max_iter, bounds), UserWarning, stacklevel=2)
    return found


def _two_classes(trace, frac, key):
    if frac >= 0.5:
        if trace < 1:
            raise ValueError(
                f"trace = {trace}: with K = 2 and frac_zero_noise_rates >= 0.5 one column is "
                "[1, 0], so trace must be >= 1; raise trace or lower frac_zero_noise_rates."
            )
        nm = np.array([[1.0, 2.0 - trace], [0.0, trace - 1.0]])
        coin = np.random.default_rng(int(key)).random()
        return nm if coin > 0.5 else np.ascontiguousarray(nm[::-1, ::-1])
    diag, _ = _noise.random_probabilities(2, trace, 1.0, 0.0, key)
    return np.array([[diag[0], 1 - diag[1]], [1 - diag[0], diag[1]]])


def _failure_message(fails, max_iter, bounds):
    reasons = [
        f"the diagonal could not meet max_trace_prob={bounds[0]} / min_trace_prob={bounds[1]}",
        f"a column's noise rates could not meet max_noise_rate={bounds[2]} / "
        f"min_noise_rate={bounds[3]}",
        "the joint P(s, y) did not sum to 1",
    ]
    worst = int(np.argmax(fails))
    if worst < 3:
        why = reasons[worst]
    else:
        i = worst - 3
        why = f"class {i} failed P(s={i}) p(y={i}) < P(s={i}, y={i}) (the validity rule)"
    return (
        f"generate_noise_matrix_from_trace found no valid noise matrix in max_iter={max_iter} "
        f"attempts and returns None: most often ({fails[worst]} attempts) {why}. Raise "
        "max_iter or trace, or relax the bounds."
    )


def generate_n_rand_probabilities_that_sum_to_m(n, m, max_prob=1.0, min_prob=0.0, *, seed=None):
    """``n`` random non-negative numbers summing to ``m`` within [min_prob, max_prob].

    A flat Dirichlet draw times ``m`` (uniform on the simplex), then, while an
    entry exceeds ``max_prob`` (or falls below ``min_prob``) by more than
    1e-6, mass moves from the largest to the smallest entry by a random
    amount, as in cleanlab. O(n) per repair step.

    Parameters
    ----------
    n : int
        Number of values (0 gives an empty array).
    m : float
        Their sum.
    max_prob, min_prob : float
        Bounds on each value.
    seed : None, int or numpy.random.Generator, default None
        None takes one draw from numpy's global RNG (cleanlab draws all its
        numbers from it); an int or a Generator leaves it untouched.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)

    Raises
    ------
    ValueError
        If ``m / n`` is above ``max_prob`` or below ``min_prob`` (slack 1e-6).

    See Also
    --------
    cleannb.benchmarking.noise_generation.generate_n_rand_probabilities_that_sum_to_m
        The same code with ``max_prob`` and ``min_prob`` keyword-only, as in
        cleanlab 2.x.

    Examples
    --------
    >>> p = generate_n_rand_probabilities_that_sum_to_m(5, 2.0, max_prob=0.6, seed=3)
    >>> bool(abs(p.sum() - 2) < 1e-12), bool(p.max() <= 0.6 + 1e-6)
    (True, True)
    """
    n = check_int(n, "n", 0)
    m = check_real(m, "m", 0.0)
    max_prob, min_prob = check_real(max_prob, "max_prob"), check_real(min_prob, "min_prob")
    if n == 0:
        return np.array([])
    if max_prob + FLOATING_POINT_COMPARISON < m / n:
        raise ValueError(
            f"max_prob must be >= m / n = {m / n:.6g}, got max_prob={max_prob}; raise it."
        )
    if min_prob > (m + FLOATING_POINT_COMPARISON) / n:
        raise ValueError(
            f"min_prob must be <= m / n = {m / n:.6g}, got min_prob={min_prob}; lower it."
        )
    out, ok = _noise.random_probabilities(n, m, max_prob, min_prob, _key(seed))
    if not ok:
        raise ValueError(
            f"could not bring {n} values summing to {m} within [{min_prob}, {max_prob}]; "
            "widen the bounds."
        )
    return out


def randomly_distribute_N_balls_into_K_bins(
    N, K, max_balls_per_bin=None, min_balls_per_bin=None, *, seed=None
):
    """Random non-negative integers, one per bin (``K`` bins), summing to ``N``.

    The shares come from :func:`generate_n_rand_probabilities_that_sum_to_m`,
    are rounded half to even, then the largest (smallest) bin is decremented
    (incremented) until the sum is ``N``. As in cleanlab, if ``N`` balls do not
    fit under ``max_balls_per_bin``, the bins sum to ``max_balls_per_bin * K``.
    (0.1.0's docstring swaps N and K; the code, and this, do not.)

    Parameters
    ----------
    N : int
        Number of balls, >= 0.
    K : int
        Number of bins, >= 1.
    max_balls_per_bin : int, optional
        At most this many per bin (>= 1).
    min_balls_per_bin : float, optional
        At least this many per bin, capped at N / K.
    seed : None, int or numpy.random.Generator, default None
        None takes one draw from numpy's global RNG (cleanlab draws all its
        numbers from it); an int or a Generator leaves it untouched.

    Returns
    -------
    numpy.ndarray of int64, shape (K,)

    See Also
    --------
    cleannb.benchmarking.noise_generation.randomly_distribute_N_balls_into_K_bins
        The same code with the bin bounds keyword-only, as in cleanlab 2.x.

    Examples
    --------
    >>> bins = randomly_distribute_N_balls_into_K_bins(10, 4, max_balls_per_bin=3, seed=0)
    >>> int(bins.sum()), bool(bins.max() <= 3)
    (10, True)
    """
    n_balls, k = check_int(N, "N", 0), check_int(K, "K", 1)
    hi = -1 if max_balls_per_bin is None else check_int(max_balls_per_bin, "max_balls_per_bin", 1)
    lo = (
        -1.0
        if min_balls_per_bin is None
        else check_real(min_balls_per_bin, "min_balls_per_bin", 0.0)
    )
    return _noise.random_bins(n_balls, k, hi, lo, _key(seed))


def generate_noise_matrix(
    K, max_noise_rate=1.0, frac_zero_noise_rates=0.0, verbose=False, *, seed=None
):
    """Deprecated 0.1.0 generator; use :func:`generate_noise_matrix_from_trace`.

    Off-diagonal rates are uniform on [0, max_noise_rate), rounded to 2
    decimals; random nonzero rates of a column are zeroed until the column's
    noise sums below 1; every entry is then zeroed with probability
    ``frac_zero_noise_rates``; the diagonal is set so columns sum to 1. Runs in
    numpy on ``numpy.random.default_rng`` keyed by ``seed`` (0.1.0 drew from
    the global RNG throughout; here None takes one draw from it).
    Not part of cleanlab 2.x.

    Parameters
    ----------
    K : int
        Number of classes, >= 2.
    max_noise_rate : float, default 1.0
        Upper bound of the uniform rates, in [0, 1].
    frac_zero_noise_rates : float, default 0.0
        Probability that a rate is zeroed.
    verbose : bool, default False
        Print the mean diagonal.
    seed : None, int or numpy.random.Generator, default None
        A Generator is drawn from directly; None takes one draw from numpy's
        global RNG; an int leaves the global RNG untouched.

    Returns
    -------
    numpy.ndarray, shape (K, K)

    Warns
    -----
    DeprecationWarning
        Always, as 0.1.0.

    Examples
    --------
    >>> import warnings, numpy as np
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     nm = generate_noise_matrix(3, max_noise_rate=0.5, seed=0)
    >>> bool(np.allclose(nm.sum(axis=0), 1))
    True
    """
    warnings.warn(
        "generate_noise_matrix is deprecated; use generate_noise_matrix_from_trace.",
        DeprecationWarning,
        stacklevel=2,
    )
    k = check_int(K, "K", 2)
    rate = check_real(max_noise_rate, "max_noise_rate", 0.0, 1.0)
    frac = check_real(frac_zero_noise_rates, "frac_zero_noise_rates", 0.0, 1.0)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(_key(seed))
    nm = (rng.random((k, k)) * rate).round(2)
    np.fill_diagonal(nm, 0.0)
    for col in range(k):
        while nm[:, col].sum() >= 1:
            nm[rng.choice(np.flatnonzero(nm[:, col])), col] = 0.0
    nm[rng.random((k, k)) < frac] = 0.0
    np.fill_diagonal(nm, 1.0 - nm.sum(axis=0))
    if verbose:
        print("Average trace of noise matrix is", np.trace(nm) / float(k))
    return nm
