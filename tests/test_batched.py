"""pred_probs read in row ranges (RowSource, zarr, h5py, callables) against the in-memory results.

Every function that takes a source must return exactly what it returns on
the whole array: masks, orders, counts and floats bit for bit, for any batch
size (1 row, 7 rows, more rows than N), every dtype, ties included.
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import zarr
from conftest import make_dataset, parity_dataset
from hypothesis import given, settings
from hypothesis import strategies as st

import cleannb
from cleannb import count, dataset, filter, rank
from cleannb._core.rows import RowSource
from cleannb.experimental.label_issues_batched import (
    LabelInspector,
    find_label_issues_batched,
)

DTYPES = [np.float16, np.float32, np.float64]
# Sources of small data select and rank with numpy, larger ones with the range kernels.
pytestmark = pytest.mark.usefixtures("kernel_input")
RANKINGS = [None, "self_confidence", "normalized_margin", "confidence_weighted_entropy"]


def tied(seed, n, k, dtype):
    """Noisy data with ties: values on a 0.01 grid (renormalised) or float16."""
    kind = "round3" if dtype != np.float16 else "float16"
    labels, pred_probs = make_dataset(seed, n, k, kind=kind, singletons=1 if k >= 4 else 0)
    return labels, pred_probs.astype(dtype)


def assert_same(got, expected):
    assert type(got) is type(expected)
    if isinstance(expected, dict):
        assert got.keys() == expected.keys()
        for key in expected:
            assert_same(got[key], expected[key])
    elif isinstance(expected, tuple | list):
        assert len(got) == len(expected)
        for a, b in zip(got, expected, strict=True):
            assert_same(a, b)
    elif isinstance(expected, np.ndarray):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    elif hasattr(expected, "equals"):  # pandas
        assert got.equals(expected)
    else:
        assert got == expected


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_size", [1, 7, 10_000, None])
def test_every_rule_and_ranking_equals_in_memory(dtype, batch_size):
    n = 400 if batch_size == 1 else 3000
    labels, pred_probs = tied(1, n, 6, dtype)
    source = RowSource(pred_probs, batch_size=batch_size or n)
    for filter_by in filter.FILTERS:
        for ranked_by in RANKINGS:
            expected = filter.find_label_issues(
                labels, pred_probs, filter_by=filter_by, return_indices_ranked_by=ranked_by
            )
            got = filter.find_label_issues(
                labels, source, filter_by=filter_by, return_indices_ranked_by=ranked_by
            )
            assert_same(got, expected)


def sources(tmp_path, pred_probs, batch_size):
    """The same rows as a zarr array, an h5py dataset, a callable and a memmap."""
    chunks = (max(1, len(pred_probs) // 5), pred_probs.shape[1])
    stored = zarr.open_array(
        str(tmp_path / "p.zarr"),
        mode="w",
        shape=pred_probs.shape,
        chunks=chunks,
        dtype=pred_probs.dtype,
    )
    stored[:] = pred_probs
    handle = h5py.File(tmp_path / "p.h5", "w")
    dset = handle.create_dataset("pred_probs", data=pred_probs, chunks=chunks)
    np.save(tmp_path / "p.npy", pred_probs)
    memmap = np.load(tmp_path / "p.npy", mmap_mode="r")
    return handle, {
        "zarr": stored,
        "zarr in ranges": RowSource(stored, batch_size=batch_size),
        "h5py": dset,
        "h5py in ranges": RowSource(dset, batch_size=batch_size),
        "callable": RowSource(
            lambda a, b: pred_probs[a:b], n_rows=len(pred_probs), batch_size=batch_size
        ),
        "memmap": RowSource(memmap, batch_size=batch_size),
    }


def everything(labels, pred_probs):
    """Results of the count, rank, filter and dataset functions that read pred_probs."""
    return {
        "thresholds": count.get_confident_thresholds(labels, pred_probs),
        "cj": count.compute_confident_joint(labels, pred_probs),
        "cj_raw": count.compute_confident_joint(labels, pred_probs, calibrate=False),
        "cj_off": count.compute_confident_joint(
            labels, pred_probs, return_indices_of_off_diagonals=True
        ),
        "cj_paper": count.compute_confident_joint(
            labels, pred_probs, collision_rule="confident_argmax"
        ),
        "joint": count.estimate_joint(labels, pred_probs),
        "latent": count.estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs),
        "num": [
            count.num_label_issues(labels, pred_probs, estimation_method=m)
            for m in ("off_diagonal", "off_diagonal_calibrated")
        ],
        "scores": [
            rank.get_label_quality_scores(labels, pred_probs, method=m, adjust_pred_probs=a)
            for m in ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
            for a in (False, True)
            if not (a and m == "confidence_weighted_entropy")
        ],
        "order": rank.order_label_issues(
            filter.find_label_issues(labels, pred_probs),
            labels,
            pred_probs,
            rank_by="normalized_margin",
        ),
        "neq": filter.find_predicted_neq_given(labels, pred_probs),
        "issues": filter.find_label_issues(labels, pred_probs, filter_by="both"),
        "health": dataset.health_summary(labels, pred_probs, verbose=False),
    }


@pytest.mark.parametrize("dtype", DTYPES)
def test_zarr_h5py_callable_and_memmap_equal_in_memory(tmp_path, dtype):
    labels, pred_probs = tied(2, 2500, 5, dtype)
    expected = everything(labels, pred_probs)
    handle, stores = sources(tmp_path, pred_probs, batch_size=333)
    with handle:
        for source in stores.values():
            assert_same(everything(labels, source), expected)


@pytest.mark.parametrize(("n", "k"), [(300, 2), (2500, 1000)])
def test_two_and_a_thousand_classes(n, k):
    labels, pred_probs = make_dataset(3, n, k, np.float32, kind="mixed")
    for batch_size in (7, 1000):
        source = RowSource(pred_probs, batch_size=batch_size)
        for filter_by in ("prune_by_noise_rate", "both", "low_normalized_margin"):
            assert_same(
                filter.find_label_issues(
                    labels, source, filter_by=filter_by, return_indices_ranked_by="self_confidence"
                ),
                filter.find_label_issues(
                    labels,
                    pred_probs,
                    filter_by=filter_by,
                    return_indices_ranked_by="self_confidence",
                ),
            )
        assert_same(
            count.compute_confident_joint(labels, source),
            count.compute_confident_joint(labels, pred_probs),
        )


@settings(max_examples=25, deadline=None)
@given(
    index=st.integers(0, 10_000),
    batch_size=st.integers(1, 700),
    dtype=st.sampled_from(DTYPES),
    filter_by=st.sampled_from(filter.FILTERS),
    ranked_by=st.sampled_from(RANKINGS),
)
def test_random_data_and_batch_sizes(index, batch_size, dtype, filter_by, ranked_by):
    labels, pred_probs = parity_dataset(index, n_range=(60, 1500), k_range=(2, 40))
    pred_probs = pred_probs.astype(dtype)
    source = RowSource(pred_probs, batch_size=batch_size)
    kwargs = {"filter_by": filter_by, "return_indices_ranked_by": ranked_by}
    assert_same(
        filter.find_label_issues(labels, source, **kwargs),
        filter.find_label_issues(labels, pred_probs, **kwargs),
    )
    assert_same(
        count.compute_confident_joint(labels, source),
        count.compute_confident_joint(labels, pred_probs),
    )


def test_ties_straddling_a_cell_cut_use_numpy_order_over_ranges():
    # values on a 0.1 grid: many cells cut through equal keys
    labels, pred_probs = make_dataset(0, 900, 3, kind="round3")
    pred_probs = np.round(pred_probs * 10) / 10
    pred_probs[:, -1] = np.clip(1 - pred_probs[:, :-1].sum(axis=1), 0, 1)
    for filter_by in ("prune_by_class", "prune_by_noise_rate", "both"):
        with cleannb.count_fixups() as fixups:
            expected = filter.find_label_issues(labels, pred_probs, filter_by=filter_by)
        assert fixups["cell"] > 0
        for batch_size in (1, 50, 899):
            source = RowSource(pred_probs, batch_size=batch_size)
            assert_same(filter.find_label_issues(labels, source, filter_by=filter_by), expected)
        with cleannb.tie_order("index"):
            assert_same(
                filter.find_label_issues(
                    labels, RowSource(pred_probs, batch_size=50), filter_by=filter_by
                ),
                filter.find_label_issues(labels, pred_probs, filter_by=filter_by),
            )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", ["self_confidence", "normalized_margin"])
@pytest.mark.parametrize("batch_size", [1, 7, 999, 100_000])
def test_find_label_issues_batched_equals_filter(dtype, method, batch_size):
    n = 300 if batch_size == 1 else 2000
    labels, pred_probs = tied(4, n, 4, dtype)
    expected = filter.find_label_issues(
        labels, pred_probs, filter_by=f"low_{method}", return_indices_ranked_by=method
    )
    got = find_label_issues_batched(
        labels,
        pred_probs,
        batch_size=batch_size,
        verbose=False,
        quality_score_kwargs={"method": method},
    )
    assert_same(got, expected)
    mask = find_label_issues_batched(  # a RowSource is used with its own ranges
        labels,
        RowSource(pred_probs, batch_size=batch_size),
        verbose=False,
        return_mask=True,
        quality_score_kwargs={"method": method},
    )
    assert_same(np.flatnonzero(mask), np.sort(expected))


def test_find_label_issues_batched_from_npy_files_and_every_filter(tmp_path):
    labels, pred_probs = tied(5, 1500, 5, np.float32)
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    got = find_label_issues_batched(
        labels_file=str(tmp_path / "labels.npy"),
        pred_probs_file=str(tmp_path / "pred_probs.npy"),
        batch_size=64,
        verbose=False,
    )
    assert_same(
        got,
        filter.find_label_issues(
            labels,
            pred_probs,
            filter_by="low_self_confidence",
            return_indices_ranked_by="self_confidence",
        ),
    )
    for filter_by in filter.FILTERS:
        assert_same(
            find_label_issues_batched(
                labels, pred_probs, batch_size=100, verbose=False, filter_by=filter_by
            ),
            filter.find_label_issues(
                labels, pred_probs, filter_by=filter_by, return_indices_ranked_by="self_confidence"
            ),
        )


def lowest_then_ranked(scores, count_):
    """cleanlab's low-score rule in numpy: the count lowest scores, ranked among themselves."""
    mask = np.zeros(len(scores), dtype=bool)
    mask[np.argsort(scores)[:count_]] = True
    rows = np.flatnonzero(mask)
    return rows[np.argsort(scores[rows])]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "method", ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]
)
@pytest.mark.parametrize("estimation_method", ["off_diagonal", "off_diagonal_calibrated"])
def test_label_inspector_two_pass_script_equals_in_memory(dtype, method, estimation_method):
    labels, pred_probs = tied(6, 2600, 5, dtype)
    inspector = LabelInspector(
        num_class=5,
        verbose=False,
        quality_score_kwargs={"method": method},
        num_issue_kwargs={"estimation_method": estimation_method},
        n_jobs=2,
    )
    cuts = [0, 1, 8, 1000, 2048, 2049, 2600]  # uneven batches across an atom boundary
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        inspector.update_confident_thresholds(labels[lo:hi], pred_probs[lo:hi])
    batch_scores = [
        inspector.score_label_quality(labels[lo:hi], pred_probs[lo:hi])
        for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    scores = rank.get_label_quality_scores(labels, pred_probs, method=method)
    num_issues = count.num_label_issues(labels, pred_probs, estimation_method=estimation_method)
    assert_same(
        inspector.get_confident_thresholds(), count.get_confident_thresholds(labels, pred_probs)
    )
    assert_same(inspector.get_num_issues(), num_issues)
    assert_same(inspector.get_quality_scores(), scores)
    assert_same(np.concatenate(batch_scores), scores)
    issues = inspector.get_label_issues()
    if method != "confidence_weighted_entropy":
        scores = scores.astype(dtype)
    assert_same(issues, lowest_then_ranked(scores, num_issues).astype(np.int64))
    if estimation_method == "off_diagonal" and method != "confidence_weighted_entropy":
        assert_same(
            issues,
            filter.find_label_issues(
                labels, pred_probs, filter_by=f"low_{method}", return_indices_ranked_by=method
            ),
        )


def test_batched_results_do_not_depend_on_threads():
    labels, pred_probs = tied(7, 30_000, 8, np.float32)
    results = []
    for threads in (1, 2):
        source = RowSource(pred_probs, batch_size=7000)
        results.append(
            [
                filter.find_label_issues(labels, source, filter_by=f, n_jobs=threads)
                for f in ("both", "low_self_confidence")
            ]
            + [count.get_confident_thresholds(labels, source, n_jobs=threads)]
        )
    assert_same(results[0], results[1])


def test_inputs_are_not_modified(tmp_path):
    labels, pred_probs = tied(8, 800, 4, np.float16)
    before = (labels.copy(), pred_probs.copy())
    find_label_issues_batched(labels, pred_probs, batch_size=33, verbose=False)
    filter.find_label_issues(labels, RowSource(pred_probs, batch_size=33), filter_by="both")
    np.testing.assert_array_equal(labels, before[0])
    np.testing.assert_array_equal(pred_probs, before[1])


def test_bad_rows_in_the_middle_name_their_range():
    labels, pred_probs = tied(9, 1000, 3, np.float64)
    broken = pred_probs.copy()
    broken[517, 1] = np.nan
    with pytest.raises(ValueError, match=r"pred_probs\[500:600\] contains NaN"):
        filter.find_label_issues(labels, RowSource(broken, batch_size=100))
    with pytest.raises(ValueError, match=r"pred_probs\[500:600\] contains NaN"):
        find_label_issues_batched(labels, broken, batch_size=100, verbose=False)

    def narrow(start, stop):
        rows = pred_probs[start:stop]
        return rows[:, :2] if start >= 600 else rows

    with pytest.raises(ValueError, match=r"pred_probs\[600:700\] has shape \(100, 2\)"):
        count.compute_confident_joint(labels, RowSource(narrow, n_rows=1000, batch_size=100))
    with pytest.raises(ValueError, match="rows but labels has"):
        RowSource(pred_probs, n_rows=999)
    with pytest.raises(ValueError, match="batch_size"):
        RowSource(pred_probs, batch_size=0)
    with pytest.raises(TypeError, match="number of rows"):
        RowSource(lambda a, b: pred_probs[a:b])


def test_label_inspector_protocol_errors():
    labels, pred_probs = tied(10, 200, 3, np.float32)
    inspector = LabelInspector(num_class=3, verbose=False)
    with pytest.raises(ValueError, match="update_confident_thresholds"):
        inspector.get_confident_thresholds()
    inspector.update_confident_thresholds(labels, pred_probs)
    with pytest.raises(ValueError, match="score_label_quality"):
        inspector.get_num_issues()
    inspector.score_label_quality(labels[:100], pred_probs[:100])
    with pytest.raises(ValueError, match="first, then through score_label_quality"):
        inspector.update_confident_thresholds(labels, pred_probs)
    with pytest.raises(TypeError, match="dtype"):
        inspector.score_label_quality(labels, pred_probs.astype(np.float64))
    with pytest.raises(ValueError, match="num_class"):
        inspector.score_label_quality(labels, pred_probs[:, :2])
    with pytest.raises(ValueError, match="adjust_pred_probs"):
        LabelInspector(
            num_class=3,
            quality_score_kwargs={"method": "confidence_weighted_entropy", "adjust_pred_probs": 1},
        )
    with pytest.raises(ValueError, match="estimation_method"):
        LabelInspector(num_class=3, num_issue_kwargs={"estimation_method": "off_diagonal_custom"})
    with pytest.raises(ValueError, match="either labels or labels_file"):
        find_label_issues_batched(labels, pred_probs, labels_file="x.npy", verbose=False)
    with pytest.raises(ValueError, match="pred_probs is required"):
        find_label_issues_batched(labels, verbose=False)


def test_rows_off_by_a_little_warn_once_for_the_whole_source():
    labels, pred_probs = tied(11, 1000, 4, np.float64)
    pred_probs[::10] *= 0.95  # 100 rows off by 5 %, spread over every range
    with pytest.warns(UserWarning, match="100 of 1000 rows of pred_probs are off") as caught:
        filter.find_label_issues(labels, RowSource(pred_probs, batch_size=64))
    assert sum("off from summing" in str(w.message) for w in caught) == 1
    assert caught[0].filename == __file__
    with pytest.warns(UserWarning, match="100 of 1000 rows of pred_probs are off") as caught:
        rank.get_label_quality_scores(labels, RowSource(pred_probs, batch_size=64))
    assert sum("off from summing" in str(w.message) for w in caught) == 1


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("method", ["self_confidence", "normalized_margin"])
@pytest.mark.parametrize("batch_size", [97, 10_000])
def test_batched_adjusted_scores_are_the_in_memory_ones(dtype, method, batch_size):
    """adjust_pred_probs in batches: the thresholds of every row, cleanlab's arithmetic."""
    import cleanlab.count
    import cleanlab.rank

    labels, pred_probs = make_dataset(11, 1500, 6, dtype, "skewed")
    kwargs = {"method": method, "adjust_pred_probs": True}
    ranked = find_label_issues_batched(
        labels, pred_probs, batch_size=batch_size, quality_score_kwargs=kwargs, verbose=False
    )
    scores = cleanlab.rank.get_label_quality_scores(labels, pred_probs, **kwargs)
    num_issues = cleanlab.count.num_label_issues(labels, pred_probs)
    expected = np.argsort(scores)[:num_issues]
    assert set(ranked.tolist()) == set(expected.tolist())
    np.testing.assert_array_equal(scores[ranked], np.sort(scores[expected]))
    inspector = LabelInspector(num_class=6, quality_score_kwargs=kwargs, verbose=False)
    starts = range(0, len(labels), batch_size)
    for lo in starts:
        inspector.update_confident_thresholds(
            labels[lo:][:batch_size], pred_probs[lo:][:batch_size]
        )
    parts = [
        inspector.score_label_quality(labels[lo:][:batch_size], pred_probs[lo:][:batch_size])
        for lo in starts
    ]
    got = np.concatenate(parts)
    assert got.dtype == scores.dtype
    np.testing.assert_array_equal(got, scores)
