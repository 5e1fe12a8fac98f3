"""Shared fixtures: one generator of random datasets, ties included.

Other test files use it as ``from conftest import make_dataset`` (pytest puts
``tests/`` on ``sys.path``) or through the ``dataset`` fixture factory. The
parity tests draw their data with :func:`parity_dataset` /
:func:`parity_datasets`, which vary N, K, prior, noise and the ``kind`` of
values (see :data:`KINDS`). No draw is ever rejected because of a tie: equal
probabilities, tied row maxima, equal margins and equal counts in a row of the
confident joint (hence equal calibration residuals) are all part of the data.
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

#: Kinds of values ``make_dataset`` can produce.
#:
#: - ``"plain"``: the continuous draw, rounded to ``dtype`` (the default);
#: - ``"float64"``: the continuous draw in float64 (ties come from the counts:
#:   equal cells in a row of the confident joint);
#: - ``"tied"``: float64 with exact ties put in: copied rows (same label or
#:   another one), rows whose two largest values are equal, uniform rows, and
#:   rows on a 0.01 grid (repeated values in every column);
#: - ``"float16"``: the continuous draw rounded to float16;
#: - ``"round3"``: float32 rounded to 3 decimals (the largest value of a row
#:   takes the rounding remainder, so that rows still sum to 1 on the grid);
#: - ``"sum099"``: float32 with a third of the rows scaled to sum to about 0.99;
#: - ``"mixed"``: the ties of ``"tied"``, then float16 or ``"round3"`` or
#:   float64 values, some rows summing to about 0.99.
KINDS = ("plain", "float64", "tied", "float16", "round3", "sum099", "mixed")
#: The kinds the parity tests cycle through.
PARITY_KINDS = KINDS[1:]
#: Largest |row sum - 1| that ``"sum099"`` / ``"mixed"`` put in: rows sum to
#: 0.985..0.998, within the 0.02 that cleannb accepts without a warning (the
#: float16 rounding of a row adds at most 2.5e-4).
ROW_SUM_DEVIATION = 0.015


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


def _snap_rows(rows, decimals):
    """Rows on a grid of ``10**-decimals``; each row's largest value takes the remainder."""
    snapped = np.round(rows, decimals)
    top = rows.argmax(axis=1)
    at = np.arange(len(rows))
    snapped[at, top] = 0.0
    snapped[at, top] = np.round(1.0 - snapped.sum(axis=1), decimals)
    return snapped + 0.0  # no negative zeros


def _put_ties(rng, rows, labels):
    """Exact ties in float64 rows (in place): copies, tied maxima, uniform rows, a grid."""
    n, k = rows.shape
    if n < 2 * k:
        return
    pick = k + rng.permutation(n - k)  # the first K rows keep labels 0..K-1
    m = max(1, (n - k) // 20)
    copies, sources = pick[:m], rng.integers(0, n, m)
    rows[copies] = rows[sources]
    same = rng.random(m) < 0.6  # a copy keeps its source's label (equal margins in a cell)
    labels[copies[same]] = labels[sources[same]]
    tied = pick[m : 2 * m]
    order = np.argsort(-rows[tied], axis=1, kind="stable")
    first, second = order[:, 0], order[:, 1]
    mean = (rows[tied, first] + rows[tied, second]) / 2
    rows[tied, first] = mean
    rows[tied, second] = mean
    uniform = pick[2 * m : 2 * m + max(1, m // 4)]
    rows[uniform] = 1.0 / k
    grid = pick[2 * m + max(1, m // 4) : 4 * m]
    rows[grid] = _snap_rows(rows[grid], 2)


def _scale_some_rows(rng, rows):
    """A third of the rows scaled to sum to 0.985..0.998 (in place)."""
    some = rng.random(len(rows)) < 1 / 3
    low = 1.0 - ROW_SUM_DEVIATION
    rows[some] *= rng.uniform(low, 0.998, (int(some.sum()), 1))


def make_dataset(
    seed,
    n,
    k,
    dtype=np.float64,
    prior="uniform",
    noise=0.25,
    *,
    kind="plain",
    every_class=True,
    singletons=0,
    sharpness=4.0,
    spread=1.0,
    confusers=None,
):
    """Random ``(labels, pred_probs)`` with noisy labels; ties are kept as drawn.

    Latent classes are drawn from ``prior``; each row of ``pred_probs`` is a
    Dirichlet draw with extra mass on the latent class (random strength), so
    confidences vary; labels equal the latent class except for a fraction
    ``noise`` replaced by uniformly random classes. Values are kept away from
    exact zero (except on grids). With ``every_class`` the first K rows carry
    labels 0..K-1, so that every class occurs.

    Parameters
    ----------
    seed : int
    n, k : int
    dtype : float16, float32 or float64
        ``pred_probs`` is drawn in float64 and rounded to ``dtype`` (kind
        ``"plain"`` only; every other kind fixes its own dtype).
    prior : {"uniform", "skewed", "dominant"} or array of shape (k,)
    noise : float
        Fraction of labels replaced at random.
    kind : one of :data:`KINDS`
        The kind of values, and of ties, in ``pred_probs``.
    singletons : int
        This many classes (the last ones, at most K - 2) get exactly one
        example; their other rows are relabelled to their most probable
        remaining class.
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
    pred_probs : numpy.ndarray, shape (n, k), C-contiguous
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
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
    alpha = np.full((n, k), spread)
    alpha[np.arange(n), true] += rng.exponential(sharpness, size=n)
    doubt = np.flatnonzero(confused >= 0)
    alpha[doubt, confused[doubt]] += rng.exponential(sharpness, size=doubt.size)
    rows = rng.gamma(alpha) + 1e-4
    rows /= rows.sum(axis=1, keepdims=True)
    # Everything below draws after the base data, so "plain" draws what it always drew.
    if kind in ("tied", "mixed"):
        _put_ties(rng, rows, labels)
    if singletons:
        _make_singletons(labels, rows, k, singletons)
    if kind == "plain":
        pred_probs = rows.astype(dtype)
    elif kind in ("float64", "tied"):
        pred_probs = rows
    elif kind == "float16":
        pred_probs = rows.astype(np.float16)
    elif kind == "round3":
        pred_probs = _snap_rows(rows, 3).astype(np.float32)
    elif kind == "sum099":
        _scale_some_rows(rng, rows)
        pred_probs = rows.astype(np.float32)
    else:  # mixed
        values = ("float16", "round3", "float64")[rng.integers(3)]
        if values == "round3":
            rows = _snap_rows(rows, 3)
        _scale_some_rows(rng, rows)
        pred_probs = rows.astype({"float16": np.float16, "round3": np.float32}.get(values, float))
    return labels.astype(np.int64), np.ascontiguousarray(pred_probs)


def _make_singletons(labels, rows, k, count):
    """Classes k-count..k-1 keep one example each (in place); their other rows take
    the most probable of the remaining classes as label (no extra noise)."""
    count = min(count, k - 2)
    for c in range(k - count, k):
        members = np.flatnonzero(labels == c)
        others = members[1:]
        labels[others] = rows[others, : k - count].argmax(axis=1)
        if members.size == 0:
            labels[np.argmax(rows[:, c])] = c


def parity_dataset(
    index,
    kind=None,
    *,
    stream=0,
    n=None,
    k=None,
    singletons=None,
    n_range=(60, 2000),
    k_range=(2, 50),
):
    """The ``index``-th random parity dataset of ``stream``: ``(labels, pred_probs)``.

    N and K are drawn unless given (K log-uniform; index 0 has the smallest K,
    index 1 the largest), with about 20 % class-conditional noise (sparse for
    K > 3), every class present, and one or two classes with a single example
    in half of the datasets with K >= 4. The latent class's extra mass grows
    with K, so that rows stay about as peaked as with few classes. ``kind``
    defaults to ``PARITY_KINDS[index % 6]``.
    """
    rng = np.random.default_rng([7100, stream, index])
    kind = PARITY_KINDS[index % len(PARITY_KINDS)] if kind is None else kind
    k_low, k_high = k_range
    drawn_k = int(np.exp(rng.uniform(np.log(k_low), np.log(k_high + 1))))
    if k is None:
        k = {0: k_low, 1: k_high}.get(index, min(max(drawn_k, k_low), k_high))
    drawn_n = int(rng.integers(n_range[0], n_range[1] + 1))
    n = max(drawn_n, 2 * k) if n is None else n
    drawn_singletons = int(rng.choice([0, 0, 1, 2]))
    if singletons is None:
        singletons = drawn_singletons if k >= 4 else 0
    spread = float(rng.choice([0.1, 0.3, 1.0]))
    sharpness = float(rng.choice([2.0, 4.0, 10.0])) * max(1.0, k * spread / 4)
    return make_dataset(
        int(rng.integers(1 << 30)),
        n,
        k,
        prior=PRIORS[int(rng.integers(len(PRIORS)))],
        noise=float(rng.uniform(0.12, 0.28)),
        kind=kind,
        singletons=singletons,
        spread=spread,
        sharpness=sharpness,
        confusers=int(rng.integers(1, 4)) if k > 3 else None,
    )


def parity_datasets(count, *, stream=0, **kwargs):
    """``[(index, kind, labels, pred_probs), ...]`` for the first ``count`` datasets."""
    out = []
    for index in range(count):
        kind = kwargs.get("kind") or PARITY_KINDS[index % len(PARITY_KINDS)]
        out.append((index, kind, *parity_dataset(index, stream=stream, **kwargs)))
    return out


# ---- what ties a dataset holds ----------------------------------------------------


def rounding_tie(values):
    """Whether rounding ``values`` to integers that keep their rounded sum must pick
    among equal residuals (so the result depends on how a sort orders ties)."""
    values = np.asarray(values, dtype=np.float64)
    ints = np.round(values)
    shortfall = int(np.round(values.sum()) - ints.sum())
    if shortfall == 0 or abs(shortfall) >= len(values):
        return False
    residual = np.sort((values - ints) * np.sign(shortfall))[::-1]
    m = abs(shortfall)
    return bool(residual[m - 1] == residual[m])


def calibration_ties(confident_joint, labels):
    """Number of rows of the calibrated confident joint whose rounding falls on a tie."""
    cj = np.asarray(confident_joint, dtype=np.float64)
    counts = np.bincount(labels, minlength=len(cj))
    with np.errstate(all="ignore"):
        scaled = (cj.T / cj.sum(axis=1) * counts).T
        scaled = scaled / scaled.sum() * counts.sum()
    return sum(rounding_tie(row) for row in scaled)


def value_ties(labels, pred_probs):
    """Counts of the ties in the values: rows with a tied maximum, repeated values
    within a column, and rows of one label sharing their own probability."""
    p = np.asarray(pred_probs)
    top = -np.partition(-p, 1, axis=1)[:, :2]
    repeated = sum(len(col) - len(np.unique(col)) for col in p.T)
    own = p[np.arange(len(labels)), labels]
    shared = sum(
        int((labels == c).sum()) - len(np.unique(own[labels == c])) for c in np.unique(labels)
    )
    return {
        "tied_max": int((top[:, 0] == top[:, 1]).sum()),
        "repeated_in_column": int(repeated),
        "equal_own_probability": int(shared),
    }


@pytest.fixture
def dataset():
    """Factory fixture: ``dataset(seed, n, k, dtype, prior)`` -> ``(labels, pred_probs)``."""
    return make_dataset


@pytest.fixture(params=["float64 copy", "as given"])
def kernel_input(request):
    """Run a test twice: with small ``pred_probs`` read by the kernels through their
    float64 copy (the default below ``SMALL_INPUT_MAX_BYTES``), and as given, in
    their own dtype and layout (as every larger input is read).

    Modules that compare results across dtypes use it as
    ``pytestmark = pytest.mark.usefixtures("kernel_input")``.
    """
    if request.param == "float64 copy":
        yield request.param
        return
    from cleannb._core.validation import large_input_paths

    with large_input_paths():
        yield request.param
