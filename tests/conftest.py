"""Shared fixtures: a generator of random tie-free datasets.

Other test files use it as ``from conftest import make_dataset`` (pytest puts
``tests/`` on ``sys.path``) or through the ``dataset`` fixture factory.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (CI must not turn red on
# a new random draw); set HYPOTHESIS_PROFILE=explore to search afresh.
settings.register_profile("deterministic", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

PRIORS = ("uniform", "skewed", "dominant")


def _prior(rng, k, prior):
    if prior is None or (isinstance(prior, str) and prior == "uniform"):
        return np.full(k, 1.0 / k)
    if isinstance(prior, str) and prior == "skewed":
        weights = rng.dirichlet(np.full(k, 1.0))
        weights = np.maximum(weights, 0.05 / k)
        return weights / weights.sum()
    if isinstance(prior, str) and prior == "dominant":
        weights = np.full(k, 0.3 / (k - 1))
        weights[rng.integers(k)] = 0.7
        return weights
    weights = np.asarray(prior, dtype=float)
    if weights.shape != (k,):
        raise ValueError(f"prior must be 'uniform', 'skewed', 'dominant' or shape ({k},)")
    return weights / weights.sum()


def _rows_tie_free(pred_probs):
    """Rows whose largest value occurs once (in float64 terms)."""
    part = -np.partition(-pred_probs.astype(np.float64), 1, axis=1)[:, :2]
    return part[:, 0] > part[:, 1]


def make_dataset(
    seed,
    n,
    k,
    dtype=np.float64,
    prior="uniform",
    noise=0.25,
    *,
    every_class=True,
    sharpness=4.0,
    spread=1.0,
    confusers=None,
):
    """Random ``(labels, pred_probs)`` with noisy labels and no ties in any row maximum.

    Latent classes are drawn from ``prior``; each row of ``pred_probs`` is a
    Dirichlet draw with extra mass on the latent class (random strength), so
    confidences vary; labels equal the latent class except for a fraction
    ``noise`` replaced by uniformly random classes. Rows whose maximum is tied
    are redrawn, and values are kept away from exact zero. With ``every_class``
    the first K rows carry labels 0..K-1, so that every class occurs.

    Parameters
    ----------
    seed : int
    n, k : int
    dtype : float16, float32 or float64
        ``pred_probs`` is drawn in float64 and rounded to ``dtype``.
    prior : {"uniform", "skewed", "dominant"} or array of shape (k,)
    noise : float
        Fraction of labels replaced at random.
    sharpness : float
        Mean extra Dirichlet mass on the latent class.
    spread : float
        Dirichlet mass of the other classes (smaller: peakier rows).
    confusers : int, optional
        Flip each class only into this many fixed other classes (a sparse
        noise matrix, as in real data); default: into any class. The model
        then also puts mass on a confuser of the latent class in 30 % of rows,
        so that errors concentrate in a few cells of the confident joint.

    Returns
    -------
    labels : numpy.ndarray of int64, shape (n,)
    pred_probs : numpy.ndarray of dtype, shape (n, k), C-contiguous
    """
    rng = np.random.default_rng(seed)
    weights = _prior(rng, k, prior)
    true = rng.choice(k, size=n, p=weights)
    labels = true.copy()
    flip = rng.random(n) < noise
    confused = np.full(n, -1)
    if confusers is None:
        labels[flip] = rng.integers(0, k, size=int(flip.sum()))
    else:
        targets = (np.arange(k)[:, None] + rng.integers(1, k, (k, confusers))) % k
        labels[flip] = targets[true[flip], rng.integers(0, confusers, int(flip.sum()))]
        doubt = rng.random(n) < 0.3
        confused[doubt] = targets[true[doubt], rng.integers(0, confusers, int(doubt.sum()))]
    if every_class and n >= k:
        labels[:k] = rng.permutation(k)
    pred_probs = np.empty((n, k), dtype=dtype)
    todo = np.arange(n)
    for _ in range(50):
        alpha = np.full((todo.size, k), spread)
        alpha[np.arange(todo.size), true[todo]] += rng.exponential(sharpness, size=todo.size)
        doubt = todo[confused[todo] >= 0]
        alpha[np.searchsorted(todo, doubt), confused[doubt]] += rng.exponential(
            sharpness, size=doubt.size
        )
        rows = rng.gamma(alpha) + 1e-4
        rows /= rows.sum(axis=1, keepdims=True)
        pred_probs[todo] = rows.astype(dtype)
        todo = todo[~_rows_tie_free(pred_probs[todo])]
        if todo.size == 0:
            break
    else:  # pragma: no cover - float16 with huge K only
        raise RuntimeError("could not draw tie-free rows")
    return labels.astype(np.int64), pred_probs


@pytest.fixture
def dataset():
    """Factory fixture: ``dataset(seed, n, k, dtype, prior)`` -> ``(labels, pred_probs)``."""
    return make_dataset
