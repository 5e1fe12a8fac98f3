"""The selection over row ranges: the same rows for any batch size, in a bounded state.

``find_label_issues`` on a ``RowSource`` selects each cell's best rows range
by range and folds the candidates into one pool (``_prune.Pool``). The
answer must be the in-memory one (and cleanlab's) bit for bit, masks and
orderings, on tie-rich data in both tie orders; and the pool must not grow
with the number of ranges read (the fold streams each range's candidates
into a fixed buffer instead of copying everything seen so far).
"""

from __future__ import annotations

import numpy as np
import pytest
from cleanlab.filter import find_label_issues as cleanlab_find_label_issues

import cleannb
from cleannb._core import prune as _prune
from cleannb._core.rows import RowSource
from cleannb._core.validation import large_input_paths
from cleannb.filter import find_label_issues

DTYPES = [np.float16, np.float32, np.float64]
FILTERS = ["prune_by_noise_rate", "prune_by_class", "both"]


def tie_rich(seed, n, k, dtype, levels=10, noise=0.3):
    """Labels and rows of probabilities on a grid of ``1 / levels`` (many equal keys).

    Each row spreads ``levels`` units over the classes, most of them on its
    true class; a fraction ``noise`` of the labels is redrawn uniformly.
    """
    rng = np.random.default_rng(seed)
    true = rng.integers(0, k, n)
    weights = rng.random((n, k))
    weights[np.arange(n), true] += rng.uniform(0.5, 6.0, n)
    weights /= weights.sum(axis=1, keepdims=True)
    units = np.array([rng.multinomial(levels, row) for row in weights])
    labels = np.where(rng.random(n) < noise, rng.integers(0, k, n), true)
    labels[:k] = np.arange(k)  # every class occurs
    return labels, (units / levels).astype(dtype)


def batch_sizes(n):
    return [1_000, 7_777, n]


def issues(labels, pred_probs, filter_by, ranked):
    return find_label_issues(
        labels,
        pred_probs,
        filter_by=filter_by,
        return_indices_ranked_by="self_confidence" if ranked else None,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["numpy", "index"])
def test_every_batch_size_gives_the_in_memory_answer(dtype, order):
    labels, pred_probs = tie_rich(int(np.dtype(dtype).itemsize), 24_000, 6, dtype)
    with large_input_paths(), cleannb.tie_order(order):
        for filter_by in FILTERS:
            for ranked in (False, True):
                expected = issues(labels, pred_probs, filter_by, ranked)
                for batch_size in batch_sizes(len(labels)):
                    source = RowSource(pred_probs, batch_size=batch_size)
                    got = issues(labels, source, filter_by, ranked)
                    assert got.dtype == expected.dtype
                    np.testing.assert_array_equal(
                        got, expected, err_msg=f"{filter_by} ranked={ranked} batch={batch_size}"
                    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_ranges_equal_cleanlab(dtype):
    labels, pred_probs = tie_rich(7, 12_000, 5, dtype)
    with large_input_paths():
        for filter_by in FILTERS:
            expected = cleanlab_find_label_issues(labels, pred_probs, filter_by=filter_by)
            got = find_label_issues(
                labels, RowSource(pred_probs, batch_size=1_000), filter_by=filter_by
            )
            np.testing.assert_array_equal(got, expected, err_msg=filter_by)


def reference_best(keys, caps):
    """Per cell: the ``cap`` best entries (larger key, then lower row), the cut, and the
    entries equal to the cut left out; ``keys[c]`` lists the keys of cell c by row."""
    rows, cuts, tied = [], [], []
    for c, cell_keys in enumerate(keys):
        order = np.lexsort((np.arange(len(cell_keys)), -cell_keys))
        best = order[: caps[c]]
        rows.append(np.sort(best))
        if len(cell_keys) > caps[c]:
            cut = cell_keys[order[caps[c] - 1]]
            cuts.append(cut)
            tied.append(int(np.sum(cell_keys[order[caps[c] :]] == cut)))
    return rows, cuts, tied


def pool_of(keys, rows, caps, lo, hi):
    """The range pool ``best_part`` would give for entries ``lo:hi`` of every cell (no floors)."""
    kept_rows, kept_keys = [], []
    cuts, tied = np.full(len(caps), np.inf), np.zeros(len(caps), dtype=np.int64)
    for c, cell_keys in enumerate(keys):
        part = cell_keys[lo:hi]
        order = np.lexsort((np.arange(len(part)), -part))
        best = np.sort(order[: caps[c]])
        kept_rows.append(rows[lo:hi][best])
        kept_keys.append(part[best])
        if len(best):
            cuts[c] = part[best].min()
        if len(part) > caps[c]:
            tied[c] = np.sum(part[order[caps[c] :]] == cuts[c])
    kept = np.array([len(r) for r in kept_rows], dtype=np.int64)
    return _prune.Pool(
        np.concatenate(kept_keys).astype(float),
        np.concatenate(kept_rows).astype(np.int64),
        np.cumsum(kept) - kept,
        kept,
        np.where(kept >= caps, cuts, -np.inf),
        cuts,
        tied,
        False,
    )


@pytest.mark.parametrize("grouping", ["left to right", "tree"])
def test_fold_is_the_top_of_the_whole_run(grouping):
    """Pools of consecutive runs, folded left to right or in a tree (as dask folds),
    settle to the top ``cap`` of the whole run, with its cut and ties."""
    rng = np.random.default_rng(3)
    caps = np.array([1, 5, 40, 0, 200, 13])
    n = 2_000
    keys = [rng.integers(0, 6, n).astype(float) for _ in caps]  # few levels: ties everywhere
    rows = np.arange(n, dtype=np.int64)
    bounds = np.unique(np.concatenate([[0, n], rng.integers(0, n, 30)]))
    pools = [
        pool_of(keys, rows, caps, lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    if grouping == "left to right":
        state = pools[0]
        for pool in pools[1:]:
            state = _prune._fold(state, pool, caps)
    else:
        while len(pools) > 1:
            pairs = [pools[i : i + 2] for i in range(0, len(pools), 2)]
            pools = [_prune._fold(*p, caps) if len(p) == 2 else p[0] for p in pairs]
        state = pools[0]
    best = _prune._settled(state, caps)
    expected_rows, expected_cuts, expected_tied = reference_best(keys, caps)
    offset = np.cumsum(caps) - caps
    for c in range(len(caps)):
        assert best.kept[c] == min(caps[c], n)
        np.testing.assert_array_equal(
            best.rows[offset[c] : offset[c] + best.kept[c]], expected_rows[c]
        )
    full = np.flatnonzero(caps > 0)
    np.testing.assert_array_equal(best.cuts[full], np.array(expected_cuts)[full])
    np.testing.assert_array_equal(best.tied[full], np.array(expected_tied)[full])


class Recording(RowSource):
    """A RowSource that records every state its fold returns."""

    def fold_ranges(self, part, fold, *shared, rows=(), fold_args=()):
        self.states = []

        def recorded(first, then, *args):
            state = fold(first, then, *args)
            self.states.append((state, then))
            return state

        return super().fold_ranges(part, recorded, *shared, rows=rows, fold_args=fold_args)


def test_the_pool_does_not_grow_with_the_ranges_read():
    labels, pred_probs = tie_rich(11, 30_000, 8, np.float32)
    source = Recording(pred_probs, batch_size=300)  # 100 ranges
    with large_input_paths():
        got = find_label_issues(labels, source, filter_by="both")
        np.testing.assert_array_equal(got, find_label_issues(labels, pred_probs, filter_by="both"))
    assert len(source.states) >= 99
    first, _ = source.states[0]
    caps_total = first.keys.size // 2
    assert caps_total > 3_000  # the prune counts are many times a range
    for state, then in source.states:
        caps = (np.diff(np.append(state.start, state.keys.size))) // 2
        # one buffer, filled in place: room for 2 x cap per cell, never more
        assert state.growable
        assert state.keys is first.keys and state.rows is first.rows
        assert np.all(state.count <= 2 * caps)
        # a range brings at most its own rows per cell, never the pool so far
        assert then.keys.size <= 300 * len(then.count)
        assert then.keys.size == then.count.sum()
