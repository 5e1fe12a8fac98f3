"""Shared pieces of the asv benchmarks: size profiles and data generators.

The profile comes from the environment variable ``CLEANNB_BENCH_PROFILE``:

``fast``
    Small sizes only, for a quick check that the benchmarks run.
``regular`` (default)
    The sizes the issue's speed targets name, except the ImageNet shape.
``large``
    ``regular`` plus the ImageNet shape (1,281,167 x 1,000 float32, 5.1 GB).

Other benchmark files import :data:`PROFILE`, :data:`PROFILE_SIZES`,
:data:`SIZES`, :func:`make_pred_probs`, :func:`make_labels` and
:func:`make_data` from here so that every benchmark times the same data.
"""

from __future__ import annotations

import os

import numpy as np

PROFILE = os.environ.get("CLEANNB_BENCH_PROFILE", "regular").strip().lower() or "regular"

IMAGENET = (1_281_167, 1_000)

# (N, K) pairs per profile; every benchmark of the confident-joint family uses
# these, timed in float32 unless a benchmark says otherwise.
PROFILE_SIZES = {
    "fast": [(10_000, 10), (10_000, 100)],
    "regular": [(10_000, 10), (1_000_000, 10), (100_000, 1_000)],
    "large": [(10_000, 10), (1_000_000, 10), (100_000, 1_000), IMAGENET],
}
if PROFILE not in PROFILE_SIZES:
    raise ValueError(
        f"CLEANNB_BENCH_PROFILE must be one of {sorted(PROFILE_SIZES)}, got {PROFILE!r}."
    )
SIZES = PROFILE_SIZES[PROFILE]

# Rows generated per block: keeps the float32 scratch of make_pred_probs small
# (about 64 MB at K = 1,000) so that the ImageNet shape fits next to its result.
_BLOCK_ROWS = 16_384


def _true_classes(n, k, seed):
    """Latent classes with uneven priors in which every class occurs."""
    rng = np.random.default_rng([seed, 1])
    prior = rng.dirichlet(np.full(k, 5.0))
    true = rng.choice(k, size=n, p=prior).astype(np.int64)
    true[: min(n, k)] = np.arange(min(n, k))
    return true


#: Range of the boost that make_pred_probs adds to the logit of the latent
#: class. With (0, 6) the argmax is the latent class in about half of the
#: rows at K = 1,000 (a weak model); (4, 10) in about 97 %.
DEFAULT_BOOST = (0.0, 6.0)


def make_pred_probs(n, k, dtype=np.float32, seed=0, boost=DEFAULT_BOOST):
    """Return realistic out-of-sample probabilities of shape ``(n, k)``.

    Each row is a softmax of Gaussian logits with a boost on a latent "true"
    class (so rows are peaked but not one-hot, with varied confidence). Rows
    are built in blocks directly in ``dtype``; no float64 (n, k) array is made.

    Parameters
    ----------
    n, k : int
        Number of rows and classes.
    dtype : numpy dtype, default float32
        float16, float32 or float64.
    seed : int
        Seed of the generator; the same arguments give the same array.
    boost : (float, float)
        The boost of each row's latent class is uniform in this range; a
        larger one makes a more accurate model.

    Returns
    -------
    numpy.ndarray
        C-contiguous array of shape ``(n, k)`` and dtype ``dtype``; rows sum to 1
        within the dtype's rounding.
    """
    dtype = np.dtype(dtype)
    out = np.empty((n, k), dtype=dtype)
    true = _true_classes(n, k, seed)
    rng = np.random.default_rng([seed, 2])
    work = np.float64 if dtype == np.float64 else np.float32
    for start in range(0, n, _BLOCK_ROWS):
        stop = min(n, start + _BLOCK_ROWS)
        rows = stop - start
        logits = rng.standard_normal((rows, k), dtype=work)
        lift = rng.uniform(*boost, size=rows).astype(work)
        logits[np.arange(rows), true[start:stop]] += lift
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        out[start:stop] = logits
    return out


def make_labels(n, k, seed=0, noise=0.2):
    """Return noisy labels: the latent class of :func:`make_pred_probs`, flipped at rate ``noise``.

    Every class occurs at least once when ``n >= k``.
    """
    true = _true_classes(n, k, seed)
    rng = np.random.default_rng([seed, 3])
    flip = rng.random(n) < noise
    labels = true.copy()
    labels[flip] = rng.integers(0, k, size=int(flip.sum()))
    labels[: min(n, k)] = np.arange(min(n, k))
    return labels


def make_data(n, k, dtype=np.float32, seed=0, noise=0.2, boost=DEFAULT_BOOST):
    """Return ``(labels, pred_probs)`` from :func:`make_labels` and :func:`make_pred_probs`."""
    return make_labels(n, k, seed, noise), make_pred_probs(n, k, dtype, seed, boost)


def size_id(n, k):
    """A short readable name of a size, e.g. ``'1e5x1000'``."""
    exp = int(np.log10(n))
    head = f"1e{exp}" if n == 10**exp else f"{n:,}".replace(",", "_")
    return f"{head}x{k}"
