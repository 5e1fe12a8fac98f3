"""Synthetic label noise with cleanlab 2.9's keyword-only signatures.

Thin wrappers over :mod:`cleannb.noise_generation` (one implementation; see
there for the algorithms and how cleannb's randomness differs from cleanlab's).
``seed=None`` takes one draw from numpy's global RNG, so ``np.random.seed``
reproduces a call as in 2.9; an int or a Generator leaves the global RNG alone.
Behaviour as 2.9: no ``verbose`` on :func:`generate_noisy_labels`, and
:func:`generate_noise_matrix_from_trace` returns None, with a warning, when no
valid matrix is found within ``max_iter`` or ``max_iter < 1`` (where 0.1.0's
vocabulary returns False). 0.1.0's deprecated
``generate_noise_matrix`` is not part of 2.x and is not here.
"""

from __future__ import annotations

import warnings

from .. import noise_generation as _ng

__all__ = [
    "generate_n_rand_probabilities_that_sum_to_m",
    "generate_noise_matrix_from_trace",
    "generate_noisy_labels",
    "noise_matrix_is_valid",
    "randomly_distribute_N_balls_into_K_bins",
]


def noise_matrix_is_valid(noise_matrix, py, *, verbose=False):
    """Whether ``noise_matrix`` is learnable under the prior ``py``.

    cleanlab 2.x's signature of 0.1.0's ``noise_generation.noise_matrix_is_valid``
    (here :func:`cleannb.noise_generation.noise_matrix_is_valid`, the one
    implementation): the same rule and results; only ``verbose`` is
    keyword-only. The matrix is valid when the joint P(s, y) = P(s|y) p(y)
    sums to 1 (within 1e-6) and, for every class i,
    P(s=i) p(y=i) < P(s=i, y=i). O(K^2) time and memory.

    Parameters
    ----------
    noise_matrix : array_like, shape (K, K)
        P(s=row | y=column): the probability of noisy label ``row`` given
        true label ``column``.
    py : array_like, shape (K,)
        The prior p(y) of the true labels. One that is not a distribution
        makes the matrix invalid (False, not an error), as in cleanlab.
    verbose : bool, default False
        Print P(s=i) p(y=i) and P(s=i, y=i) for every class (cleanlab prints
        other, rounded diagnostics).

    Returns
    -------
    bool
        True if the matrix is valid; False otherwise, and always for K = 1.

    Raises
    ------
    ValueError
        If the shapes disagree or an entry is NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> noise_matrix_is_valid(np.array([[0.8, 0.3], [0.2, 0.7]]), np.array([0.5, 0.5]))
    True
    """
    return _ng.noise_matrix_is_valid(noise_matrix, py, verbose)


def generate_noisy_labels(true_labels, noise_matrix, *, seed=None, n_jobs=None):
    """Noisy labels with exactly cleanlab's (noisy, true) counts.

    cleanlab 2.x's signature of 0.1.0's ``generate_noisy_labels(y,
    noise_matrix, verbose=False)`` (here
    :func:`cleannb.noise_generation.generate_noisy_labels`, the one
    implementation): ``y`` is named ``true_labels`` and the unused
    ``verbose`` is gone. For each true class k with n_k examples and each
    noisy class i != k, exactly ``int(noise_matrix[i, k] * (n_k / N) * N)``
    examples of class k (truncated, as cleanlab) get label i, chosen at random
    without replacement; a class whose column asks for more flips than it has
    examples is left unchanged, as in cleanlab. O(N + K^2) time.

    Parameters
    ----------
    true_labels : array_like of int, shape (N,)
        True labels in 0..K-1; not modified. A class with no examples gets no
        flips (cleanlab 0.1.0 crashes there, and 2.9 unless it is the last).
    noise_matrix : array_like, shape (K, K)
        P(s=row | y=column); entries in [0, 1], columns summing to 1.
    seed : None, int or numpy.random.Generator, default None
        cleannb's addition. None takes one draw from numpy's global RNG, so
        ``np.random.seed`` reproduces the call as in 2.9 (which draws from
        that RNG throughout); an int or a Generator leaves it untouched. The
        rows chosen differ from cleanlab's for the same seed; the counts agree.
    n_jobs : int or None, default None
        cleannb's addition: threads (None or -1: all cores). The output does
        not depend on it.

    Returns
    -------
    numpy.ndarray, shape (N,)
        A new array of noisy labels, in the integer dtype of ``true_labels``.

    Raises
    ------
    ValueError, TypeError
        On labels outside 0..K-1 or not integers, a non-square matrix,
        entries outside [0, 1] or columns not summing to 1.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.repeat([0, 1], 50)
    >>> s = generate_noisy_labels(y, np.array([[0.9, 0.2], [0.1, 0.8]]), seed=0)
    >>> int((s != y).sum())
    15
    """
    return _ng.generate_noisy_labels(true_labels, noise_matrix, seed=seed, n_jobs=n_jobs)


def generate_noise_matrix_from_trace(
    K,
    trace,
    *,
    max_trace_prob=1.0,
    min_trace_prob=1e-5,
    max_noise_rate=1 - 1e-5,
    min_noise_rate=0.0,
    valid_noise_matrix=True,
    py=None,
    frac_zero_noise_rates=0.0,
    seed=0,
    max_iter=10000,
    n_jobs=None,
):
    """Random K x K noise matrix with the given trace, or None after ``max_iter``.

    cleanlab 2.x's signature of 0.1.0's ``generate_noise_matrix_from_trace``
    (here :func:`cleannb.noise_generation.generate_noise_matrix_from_trace`,
    the one implementation, whose notes describe the sampling): every option
    after ``trace`` is keyword-only, with the same defaults. ``max_iter < 1``
    gives None with a ``UserWarning`` (as 2.9 returns None; the 0.1.0
    vocabulary returns False). When no attempt gives a valid matrix both
    vocabularies return None with a ``UserWarning`` naming the constraint
    that failed most often (2.9 returns None silently; 0.1.0 returned the
    last, invalid matrix). Unlike cleanlab, numpy's global RNG is never
    reseeded. O(K^2) time and memory per attempt.

    Parameters
    ----------
    K : int
        Number of classes, >= 2.
    trace : float
        Sum of the diagonal P(s=k | y=k), in [0, K]; above 1 when
        ``valid_noise_matrix``.
    max_trace_prob, min_trace_prob : float, default 1.0 and 1e-5
        Bounds on each diagonal entry (ignored for K = 2, as in cleanlab).
    max_noise_rate, min_noise_rate : float, default 1 - 1e-5 and 0.0
        Bounds on each nonzero off-diagonal entry (ignored for K = 2).
    valid_noise_matrix : bool, default True
        Retry until :func:`noise_matrix_is_valid` holds for ``py``.
    py : array_like, shape (K,), optional
        The prior p(y); required when ``valid_noise_matrix`` and K > 2,
        ignored otherwise (as in cleanlab).
    frac_zero_noise_rates : float, default 0.0
        Fraction of the K (K - 1) off-diagonal entries set to 0 (at most
        K - 2 per column, so a higher request gives fewer zeros).
    seed : None, int or numpy.random.Generator, default 0
        One seed gives one matrix on every run and thread count, but not
        cleanlab's matrix for that seed. None takes one draw from numpy's
        global RNG; an int or a Generator leaves it untouched.
    max_iter : int, default 10000
        Attempts before giving up.
    n_jobs : int or None, default None
        cleannb's addition: threads (None or -1: all cores). The output does
        not depend on it.

    Returns
    -------
    numpy.ndarray of float64, shape (K, K), or None
        Columns sum to 1 and the diagonal to ``trace``. None (with a
        ``UserWarning`` naming the constraint that failed most often) when
        no valid matrix is found, or ``max_iter < 1``.

    Raises
    ------
    ValueError, TypeError
        On a trace out of range, ``py`` missing when needed, of the wrong
        shape or not summing to 1, or diagonal bounds no diagonal can meet.

    Examples
    --------
    >>> import numpy as np
    >>> nm = generate_noise_matrix_from_trace(3, 2.0, py=np.full(3, 1 / 3), seed=0)
    >>> bool(np.isclose(np.trace(nm), 2.0))
    True
    """
    out = _ng.generate_noise_matrix_from_trace(
        K,
        trace,
        max_trace_prob,
        min_trace_prob,
        max_noise_rate,
        min_noise_rate,
        valid_noise_matrix,
        py,
        frac_zero_noise_rates,
        seed,
        max_iter,
        n_jobs=n_jobs,
    )
    if out is False:  # max_iter < 1: 2.9 returns None
        warnings.warn(f"max_iter={max_iter}: no attempt made; returning None.", stacklevel=2)
        return None
    return out


def generate_n_rand_probabilities_that_sum_to_m(n, m, *, max_prob=1.0, min_prob=0.0, seed=None):
    """``n`` random values in [min_prob, max_prob] summing to ``m``.

    cleanlab 2.x's signature of 0.1.0's
    ``generate_n_rand_probabilities_that_sum_to_m`` (here
    :func:`cleannb.noise_generation.generate_n_rand_probabilities_that_sum_to_m`,
    the one implementation): the bounds are keyword-only. A flat Dirichlet
    draw scaled to ``m``, then repaired, as cleanlab does, until every value
    is within 1e-6 of the bounds. O(n) per repair step.

    Parameters
    ----------
    n : int
        Number of values, >= 0 (0 gives an empty array).
    m : float
        Their sum, >= 0.
    max_prob : float, default 1.0
        Upper bound of each value; at least ``m / n``.
    min_prob : float, default 0.0
        Lower bound of each value; at most ``m / n``.
    seed : None, int or numpy.random.Generator, default None
        cleannb's addition. None takes one draw from numpy's global RNG
        (2.9 draws from it throughout); an int or a Generator leaves it
        untouched.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)

    Raises
    ------
    ValueError
        If ``m / n`` is outside [min_prob, max_prob] (slack 1e-6), or the
        repair does not converge within ``1000 + 100 n`` steps (cleanlab
        loops forever).

    Examples
    --------
    >>> p = generate_n_rand_probabilities_that_sum_to_m(4, 1.0, seed=0)
    >>> p.shape, bool(abs(p.sum() - 1) < 1e-12)
    ((4,), True)
    """
    return _ng.generate_n_rand_probabilities_that_sum_to_m(n, m, max_prob, min_prob, seed=seed)


def randomly_distribute_N_balls_into_K_bins(
    N, K, *, max_balls_per_bin=None, min_balls_per_bin=None, seed=None
):
    """Random non-negative integers, one per bin, summing to ``N``.

    cleanlab 2.x's signature of 0.1.0's
    ``randomly_distribute_N_balls_into_K_bins`` (here
    :func:`cleannb.noise_generation.randomly_distribute_N_balls_into_K_bins`,
    the one implementation): the bin bounds are keyword-only. As in cleanlab,
    if ``N`` balls do not fit under ``max_balls_per_bin``, the bins sum to
    ``max_balls_per_bin * K`` instead.

    Parameters
    ----------
    N : int
        Number of balls, >= 0.
    K : int
        Number of bins, >= 1.
    max_balls_per_bin : int, optional
        At most this many balls per bin (>= 1); default no bound (N).
    min_balls_per_bin : float, optional
        At least this many balls per bin, capped at N / K; default 0.
    seed : None, int or numpy.random.Generator, default None
        cleannb's addition. None takes one draw from numpy's global RNG;
        an int or a Generator leaves it untouched.

    Returns
    -------
    numpy.ndarray of int64, shape (K,)

    Examples
    --------
    >>> int(randomly_distribute_N_balls_into_K_bins(7, 3, seed=0).sum())
    7
    """
    return _ng.randomly_distribute_N_balls_into_K_bins(
        N, K, max_balls_per_bin, min_balls_per_bin, seed=seed
    )


# Names cleanlab 2.9's benchmarking.noise_generation also exposes.
from .._core import internal as _internal  # noqa: E402
from .._core.internal import value_counts  # noqa: E402

#: cleanlab 2.9's constants of the same names.
FLOATING_POINT_COMPARISON = _internal.FLOATING_POINT_COMPARISON

__all__ += [
    "value_counts",
]
