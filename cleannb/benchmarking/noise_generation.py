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

    See :func:`cleannb.noise_generation.noise_matrix_is_valid`.

    Examples
    --------
    >>> import numpy as np
    >>> noise_matrix_is_valid(np.array([[0.8, 0.3], [0.2, 0.7]]), np.array([0.5, 0.5]))
    True
    """
    return _ng.noise_matrix_is_valid(noise_matrix, py, verbose)


def generate_noisy_labels(true_labels, noise_matrix, *, seed=None, n_jobs=None):
    """Noisy labels with exactly cleanlab's (noisy, true) counts.

    See :func:`cleannb.noise_generation.generate_noisy_labels`; ``seed`` and
    ``n_jobs`` are cleannb additions (2.9 draws from numpy's global RNG, as
    cleannb does with ``seed=None``).

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

    See :func:`cleannb.noise_generation.generate_noise_matrix_from_trace`.

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

    See :func:`cleannb.noise_generation.generate_n_rand_probabilities_that_sum_to_m`.

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

    See :func:`cleannb.noise_generation.randomly_distribute_N_balls_into_K_bins`.

    Examples
    --------
    >>> int(randomly_distribute_N_balls_into_K_bins(7, 3, seed=0).sum())
    7
    """
    return _ng.randomly_distribute_N_balls_into_K_bins(
        N, K, max_balls_per_bin, min_balls_per_bin, seed=seed
    )


# Names cleanlab 2.9's benchmarking.noise_generation also exposes.
from .. import _internal  # noqa: E402
from .._internal import value_counts  # noqa: E402

#: cleanlab 2.9's constants of the same names.
FLOATING_POINT_COMPARISON = _internal.FLOATING_POINT_COMPARISON

__all__ += [
    "value_counts",
]
