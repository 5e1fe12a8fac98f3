"""In memory is one more source: every pass has one path, the same answer from any source.

Each pass of ``cleannb._core`` (the class means, the row pass, the scores,
the orderings, the selection, and the rules built on them) runs its part
over a source: an array in memory (``ArrayRows``, one range) or a
``RowSource`` read in ranges. The results must be identical, bit for bit,
for the array, a ``RowSource`` over it at several batch sizes, and one or
two threads; and no module of ``cleannb._core`` but ``source.py`` may ask
whether it holds a ``RowSource``.
"""

from __future__ import annotations

import ast
import pathlib

import numba
import numpy as np
import pytest

from cleannb._core import confident as _confident
from cleannb._core import pipeline as _pipeline
from cleannb._core import prune as _prune
from cleannb._core import scores as _scores
from cleannb._core.parallel import num_threads
from cleannb._core.rows import ArrayRows, RowSource
from cleannb._core.source import as_source
from cleannb._core.validation import large_input_paths

CORE = pathlib.Path(_confident.__file__).parent
N_ROWS = 9_000
BATCH_SIZES = [1_000, 7_777, N_ROWS]
THREADS = [1, 2] if numba.config.NUMBA_NUM_THREADS >= 2 else [1]


def dataset(dtype, k=7, seed=5):
    """Labels and probabilities on a coarse grid (equal keys everywhere), 30 % noise."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, k, N_ROWS)
    weights = rng.random((N_ROWS, k))
    weights[np.arange(N_ROWS), true] += rng.uniform(0.5, 5.0, N_ROWS)
    weights /= weights.sum(axis=1, keepdims=True)
    probs = (rng.multinomial(20, weights) / 20).astype(dtype)
    labels = np.where(rng.random(N_ROWS) < 0.3, rng.integers(0, k, N_ROWS), true)
    labels[:k] = np.arange(k)
    return labels, probs


def every_pass(labels, pred_probs, rules=True):
    """The results of every pass over ``pred_probs`` (an array or a source), as arrays;
    with ``rules``, of the pipeline's rules too (given what callers pass, not ``ArrayRows``)."""
    k = pred_probs.shape[1]
    counts = np.bincount(labels, minlength=k)
    out = {}
    means, class_counts = _confident.self_confidence_means(pred_probs, labels, k)
    out["means"], out["counts"] = means, class_counts
    thresholds = _pipeline.confident_thresholds(labels, pred_probs)
    out["thresholds"] = thresholds
    rows = _confident.row_pass(
        pred_probs,
        labels,
        thresholds - 1e-6,
        keep_values=True,
        per_row=(_scores.scores_in_dtype, ("normalized_margin",)),
    )
    out["argmax"], out["guess"], out["per_row"] = rows.argmax, rows.guess, rows.per_row
    out["own"], out["row_max"] = rows.own, rows.row_max
    for method in _scores.METHODS:
        for adjust in (False, True) if method != "confidence_weighted_entropy" else (False,):
            code = _scores.method_code(method, adjust)
            out[f"all {method} {adjust}"] = _scores.score_all(labels, pred_probs, code, adjust)
            out[f"quality {method} {adjust}"] = _scores.quality_scores(
                labels, pred_probs, code, adjust
            )
            some = np.arange(3, N_ROWS, 7)
            out[f"ranked {method} {adjust}"] = _scores.ranked_rows(
                some, labels, pred_probs, rank_by=method, adjust_pred_probs=adjust
            )
            out[f"numpy keys {method} {adjust}"] = _scores.numpy_keys(
                some, labels, pred_probs, method, adjust
            )
    joint, _ = _pipeline.confident_pass(labels, pred_probs)
    by_given = _prune.prune_counts(
        _pipeline._calibration.calibrate_sparse(joint, counts), counts, 1, 1.0
    )
    for semantics in _prune.SEMANTICS:
        for bounds in (False, True):
            masks = _prune.select(
                pred_probs,
                labels,
                counts,
                by_given,
                counts > 1,
                by_class=True,
                by_noise_rate=True,
                semantics=semantics,
                own=rows.own if bounds else None,
                row_max=rows.row_max if bounds else None,
            )
            out[f"select {semantics} {bounds}"] = np.stack(masks)
    for filter_by in rules * ("prune_by_noise_rate", "both", "confident_learning", "low_self"):
        found = _pipeline.find(labels, pred_probs, filter_by.replace("self", "self_confidence"))
        out[f"find {filter_by}"] = found.mask
    return out


def assert_same(expected, found, what):
    assert expected.keys() == found.keys()
    for key, value in expected.items():
        other = found[key]
        if value is None:
            assert other is None, (what, key)
            continue
        assert other.dtype == value.dtype, (what, key)
        np.testing.assert_array_equal(other, value, err_msg=f"{what}: {key}")


@pytest.mark.parametrize(
    ("dtype", "large"), [(np.float32, False), (np.float16, True), (np.float64, True)]
)
def test_every_pass_is_the_same_from_every_source(dtype, large):
    """Small inputs take numpy's paths, large ones (forced) the kernels'."""
    labels, pred_probs = dataset(dtype)
    with large_input_paths() if large else num_threads(None):
        with num_threads(1):
            expected = every_pass(labels, pred_probs)
        assert expected["find prune_by_noise_rate"].any()
        for threads in THREADS:
            with num_threads(threads):
                in_memory = every_pass(labels, ArrayRows(pred_probs), rules=False)
                assert_same({k: v for k, v in expected.items() if k in in_memory}, in_memory, "")
                for batch_size in BATCH_SIZES:
                    source = RowSource(pred_probs, batch_size=batch_size)
                    found = every_pass(labels, source)
                    # a source read in ranges keeps each row's values (in memory: when asked)
                    assert_same(expected, found, f"batch {batch_size}, {threads} threads")


def test_array_rows_reads_in_place():
    """One range, the array itself: no copy reaches the parts, and gathers index in place."""
    pred_probs = np.asfortranarray(np.random.default_rng(0).dirichlet(np.ones(4), 50))
    source = as_source(pred_probs)
    assert isinstance(source, ArrayRows) and as_source(source) is source
    assert list(source.ranges()) == [(0, 50)]
    seen = source.map_ranges(lambda lo, hi, block, labels: (lo, hi, block, labels), rows=([1],))
    assert len(seen) == 1 and seen[0][:2] == (0, 50)
    assert seen[0][2] is pred_probs and seen[0][3] == [1]
    rows = np.array([3, 7, 9])
    columns = source.gather([(rows, 2), (rows, 0)])
    np.testing.assert_array_equal(columns[1], pred_probs[rows, 0])
    assert len(columns) == 2
    fold_seen = source.fold_ranges(lambda lo, hi, block, before=None: before, None)
    assert fold_seen is None


def test_row_pass_of_an_array_keeps_its_dtype_and_copies_nothing():
    labels, pred_probs = dataset(np.float32)
    rows = _confident.row_pass(pred_probs, labels, keep_values=True)
    assert rows.own.dtype == np.float32 and rows.row_max.dtype == np.float32
    np.testing.assert_array_equal(rows.own, pred_probs[np.arange(N_ROWS), labels])
    assert _confident.row_pass(pred_probs, labels).own is None  # not kept unless asked


def isinstance_of_row_source(path):
    """Lines of ``path`` with ``isinstance(..., X)`` where X names ``RowSource``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
            and any(
                isinstance(name, ast.Name) and name.id in ("RowSource", "DaskRows", "ArrayRows")
                for name in ast.walk(node.args[1])
            )
        ):
            found.append(node.lineno)
    return found


def test_no_pass_asks_what_kind_of_source_it_has():
    """Only ``source.py`` (``as_pred_probs``, ``as_source``) decides what ``pred_probs`` is."""
    modules = sorted(CORE.glob("*.py"))
    assert len(modules) > 10
    asking = {path.name: isinstance_of_row_source(path) for path in modules}
    assert asking.pop("source.py")  # the one place, which this test must see
    assert {name: lines for name, lines in asking.items() if lines} == {}
    for name in ("confident.py", "prune.py", "scores.py", "pipeline.py"):
        assert "isinstance(pred_probs" not in (CORE / name).read_text()
