"""The noise generators' kernel calls: label flips, noise matrices, random shares.

:mod:`cleannb.noise_generation` (cleanlab 0.1.0 / 1.0) and
:mod:`cleannb.benchmarking.noise_generation` (2.x) check the arguments and
word the errors; the functions here run the kernels of
:mod:`cleannb._kernels.noise` on checked arguments, with the thread count of
``n_jobs`` where a kernel runs in parallel.
"""

from __future__ import annotations

import numpy as np

from .._kernels import noise as kern
from .parallel import num_threads


def is_learnable(noise_matrix, prior):
    """Whether ``noise_matrix`` (K x K, columns P(s | y)) with the prior is learnable.

    Returns the verdict and P(s) of each class (the joint's row sums).
    """
    ps = np.empty(prior.size)
    code = kern.learnability(np.ascontiguousarray(noise_matrix.T), prior, ps)
    return bool(code == kern.VALID), ps


def flip_labels(labels, noise_matrix, key, n_jobs):
    """Flip ``labels`` in place so that (noisy, true) follows ``noise_matrix`` exactly."""
    chunks = max(1, min(64, labels.size // 32768))
    with num_threads(n_jobs):
        kern.flip_labels(labels, noise_matrix, key, chunks, nbytes=labels.nbytes)


def trace_matrix(trace, bounds, prior, check, zeros, key, max_iter, n_jobs):
    """A noise matrix (K x K, columns sum to 1) with the given trace, or None.

    ``bounds`` are (max_trace_prob, min_trace_prob, max_noise_rate,
    min_noise_rate); ``zeros`` noise rates are set to 0; with ``check`` the
    matrix must be learnable under ``prior``. Returns the matrix and, per
    reason, how many of ``max_iter`` draws failed it.
    """
    k = prior.size
    nm_t = np.empty((k, k))
    fails = np.zeros(k + 3, dtype=np.int64)
    args = (trace, *bounds, prior, check, zeros, key, max_iter, nm_t, fails)
    with num_threads(n_jobs):
        found = kern.trace_matrix(*args, nbytes=nm_t.nbytes)
    return (None if found < 0 else np.ascontiguousarray(nm_t.T)), fails


def random_probabilities(n, m, max_prob, min_prob, key):
    """``n`` random values in [min_prob, max_prob] summing to ``m``, and whether they could."""
    return kern.probs(n, m, max_prob, min_prob, key)


def random_bins(n_balls, n_bins, max_per_bin, min_per_bin, key):
    """``n_balls`` dealt at random into ``n_bins`` bins within the bounds (-1: none)."""
    return kern.balls(n_balls, n_bins, max_per_bin, min_per_bin, key)
