"""Ties: cleannb orders equal keys as numpy's sort does, and finds every tied cut.

The references here are numpy itself (``np.argsort`` on the keys cleanlab
sorts, in the dtype of ``pred_probs``) and the loops of ``naive_filter``.
Data are drawn with many equal values: float16, and probabilities rounded to
2 or 3 decimals.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from naive_filter import prune_masks

import cleannb
from cleannb import filter, rank
from cleannb._core import calibration as _calibration
from cleannb._core import confident as _confident
from cleannb._core import pipeline as _pipeline
from cleannb._core import prune as _prune
from cleannb._core import ties as _ties
from cleannb._core.parallel import PARALLEL_MIN_BYTES, num_threads

pytestmark = pytest.mark.usefixtures("kernel_input")

cleanlab_count = pytest.importorskip("cleanlab.count")


def tie_rich(seed, n, k, dtype, decimals):
    """Labels with 25 % noise and probabilities rounded to ``decimals`` (many equal values)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    truth[:k] = np.arange(k)
    labels = np.where(rng.random(n) < 0.25, rng.integers(0, k, n), truth)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), truth] += 1.5
    probs = np.exp(logits)
    probs = np.round(probs / probs.sum(axis=1, keepdims=True), decimals)
    probs = probs / probs.sum(axis=1, keepdims=True)
    return labels, probs.astype(dtype)


def selection(labels, pred_probs, row_pass=True):
    """(by class, by noise rate) masks of the count selection and the naive inputs."""
    k = pred_probs.shape[1]
    counts = np.bincount(labels, minlength=k)
    joint = cleanlab_count.compute_confident_joint(labels, pred_probs)
    pcm = _prune.keep_at_least_n_per_class(joint.T, 1)
    prunable = counts > 1
    rows = _confident.row_pass(pred_probs, labels, keep_values=True) if row_pass else None
    masks = _prune.select(
        pred_probs,
        labels,
        counts,
        _calibration.SparseCounts.from_dense(pcm.T),
        prunable,
        by_class=True,
        by_noise_rate=True,
        own=None if rows is None else rows.own,
        row_max=None if rows is None else rows.row_max,
        chunk_max=None if rows is None else rows.chunk_max,
    )
    return masks, (pcm, prunable)


CASES = [
    # (n, k, dtype, decimals): small, parallel with large cells (sampled floors), wide
    (500, 5, np.float16, 2),
    (600, 12, np.float32, 2),
    (30_000, 3, np.float32, 3),
    (12_000, 4, np.float16, 3),
    (2_000, 150, np.float32, 2),
]


@pytest.mark.parametrize("case", CASES)
def test_count_selection_takes_numpys_choice_on_tied_cuts(case):
    n, k, dtype, decimals = case
    labels, pred_probs = tie_rich(n + k, n, k, dtype, decimals)
    with cleannb.count_fixups() as fixups:
        (by_class, by_noise), (pcm, prunable) = selection(labels, pred_probs)
    expected = prune_masks(labels, pred_probs, pcm, prunable, "count", ties="numpy")
    np.testing.assert_array_equal(by_class, expected[0])
    np.testing.assert_array_equal(by_noise, expected[1])
    with cleannb.tie_order("index"):
        (by_class, by_noise), _ = selection(labels, pred_probs)
    by_index = prune_masks(labels, pred_probs, pcm, prunable, "count", ties="index")
    np.testing.assert_array_equal(by_class, by_index[0])
    np.testing.assert_array_equal(by_noise, by_index[1])
    assert fixups["cell"] > 0  # the data do put cuts on ties


def test_the_tie_cases_tell_the_two_orders_apart():
    """On these data numpy's choice among tied rows is not the index order, so the
    test above fails if the fix-up does not run."""
    differ = 0
    for n, k, dtype, decimals in CASES:
        labels, pred_probs = tie_rich(n + k, n, k, dtype, decimals)
        _, (pcm, prunable) = selection(labels, pred_probs)
        by_numpy = prune_masks(labels, pred_probs, pcm, prunable, "count", ties="numpy")
        by_index = prune_masks(labels, pred_probs, pcm, prunable, "count", ties="index")
        differ += not all(map(np.array_equal, by_numpy, by_index))
    assert differ >= 2


def test_the_large_case_has_cells_with_sampled_floors():
    labels, pred_probs = tie_rich(30_003, 30_000, 3, np.float32, 3)
    pcm = _prune.keep_at_least_n_per_class(
        cleanlab_count.compute_confident_joint(labels, pred_probs).T, 1
    )
    off_diagonal = pcm - np.diag(np.diag(pcm))
    assert off_diagonal.max() >= _prune.SAMPLED_MIN_CAP  # sampled floors run


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 Numba threads")
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_tied_results_do_not_depend_on_threads(dtype):
    labels, pred_probs = tie_rich(3, 120_000, 8, dtype, 3)
    assert pred_probs.nbytes >= PARALLEL_MIN_BYTES
    results = []
    for threads in (1, 2):
        with num_threads(threads), cleannb.count_fixups() as fixups:
            results.append(
                [
                    filter.find_label_issues(labels, pred_probs, filter_by=method)
                    for method in ("prune_by_noise_rate", "prune_by_class", "both")
                ]
                + [
                    filter.find_label_issues(
                        labels, pred_probs, return_indices_ranked_by="normalized_margin"
                    ),
                    filter.find_label_issues(labels, pred_probs, filter_by="low_self_confidence"),
                ]
            )
        assert fixups["cell"] > 0
    for one, two in zip(*results, strict=True):
        np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("seed", range(12))
def test_lowest_scores_are_numpys_first(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    scores = np.round(rng.random(n), int(rng.integers(1, 4))).astype(
        rng.choice([np.float16, np.float32, np.float64])
    )
    for count in sorted({0, 1, n // 3, n // 2, n - 1, n}):
        expected = np.zeros(n, dtype=bool)
        expected[np.argsort(scores)[:count]] = True
        got = np.zeros(n, dtype=bool)
        got[_pipeline.lowest_scores(scores, count)] = True
        np.testing.assert_array_equal(got, expected)
        with cleannb.tie_order("index"):
            by_index = np.sort(_pipeline.lowest_scores(scores, count))
        np.testing.assert_array_equal(by_index, np.sort(np.argsort(scores, kind="stable")[:count]))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_rankings_sort_cleanlabs_keys_with_numpy(dtype):
    labels, pred_probs = tie_rich(11, 3000, 6, dtype, 2)
    mask = np.ones(len(labels), dtype=bool)
    mask[::3] = False
    rows = np.flatnonzero(mask)
    own = pred_probs[rows, labels[rows]]
    others = pred_probs[rows].copy()
    others[np.arange(len(rows)), labels[rows]] = -1
    margin = (own - others.max(axis=1) + 1) / 2  # in the dtype, as cleanlab computes it
    for method, keys in (("self_confidence", own), ("normalized_margin", margin)):
        got = rank.order_label_issues(mask, labels, pred_probs, rank_by=method)
        np.testing.assert_array_equal(got, rows[np.argsort(keys)])
        with cleannb.tie_order("index"):
            got = rank.order_label_issues(mask, labels, pred_probs, rank_by=method)
        np.testing.assert_array_equal(got, rows[np.argsort(keys, kind="stable")])
    scores = rank.get_label_quality_scores(labels, pred_probs)
    np.testing.assert_array_equal(rank.find_top_issues(scores, top=50), np.argsort(scores)[:50])


def test_tie_order_rejects_unknown_orders_and_restores():
    with pytest.raises(ValueError, match="tie order"):
        with cleannb.tie_order("stable"):
            pass
    with cleannb.tie_order("index"):
        assert _ties.current_order() == "index"
    assert _ties.current_order() == "numpy"
