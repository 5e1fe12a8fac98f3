"""cleannb.filter against cleanlab 2.9 (live), a naive reference, and properties."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import make_dataset, parity_dataset
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_filter import first_argmax, keep_at_least_n_per_class, prune_masks

from cleannb import filter
from cleannb._core import calibration as _calibration
from cleannb._core import confident as _confident
from cleannb._core import method_names as _method_names
from cleannb._core import pipeline as _pipeline
from cleannb._core import prune as _prune
from cleannb._core import ties as _ties
from cleannb._core.parallel import PARALLEL_MIN_BYTES, num_threads
from cleannb._core.validation import large_input_paths

pytestmark = pytest.mark.usefixtures("kernel_input")

cleanlab_filter = pytest.importorskip("cleanlab.filter")
cleanlab_count = pytest.importorskip("cleanlab.count")

FILTERS = filter.FILTERS
RANKINGS = filter.RANKINGS


# ----------------------------------------------------------------------------- helpers
def _removal_well_defined(labels, pred_probs, remove):
    """Whether cleanlab's ``num_to_remove_per_class`` arithmetic stays finite: it divides
    by each class's off-diagonal prune count, 0/0 when a class has none."""
    joint = cleanlab_count.compute_confident_joint(labels, pred_probs)
    pcm = cleanlab_filter._keep_at_least_n_per_class(joint.T, 1, frac_noise=1.0).astype(float)
    with np.errstate(all="ignore"):
        psy = pcm / np.sum(pcm, axis=1)
        tmp = (psy.T * remove / (psy.sum(axis=1) - psy.diagonal())).T
    return bool(np.all(np.isfinite(tmp)))


def _datasets(count=20):
    """conftest's parity datasets (every kind of tie kept), stream 3."""
    return [(index, *parity_dataset(index, stream=3)) for index in range(count)]


DATASETS = _datasets()


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# ----------------------------------------------------------------------------- vs cleanlab 2.9
@pytest.mark.parametrize("case", range(len(DATASETS)))
def test_masks_match_cleanlab(case):
    _, labels, pred_probs = DATASETS[case]
    options = [
        {},
        {"frac_noise": 0.5},
        {"frac_noise": 0.2},
        {"min_examples_per_class": 5},
        {"min_examples_per_class": 60},
    ]
    for filter_by in FILTERS:
        for kwargs in options if filter_by in _method_names.PRUNE_FILTERS else [{}]:
            expected = _quiet(
                cleanlab_filter.find_label_issues,
                labels,
                pred_probs,
                filter_by=filter_by,
                n_jobs=1,
                **kwargs,
            )
            got = _quiet(
                filter.find_label_issues, labels, pred_probs, filter_by=filter_by, **kwargs
            )
            assert got.dtype == bool
            np.testing.assert_array_equal(got, expected, err_msg=f"{filter_by} {kwargs}")


@pytest.mark.parametrize("case", range(len(DATASETS)))
def test_num_to_remove_matches_cleanlab(case):
    seed, labels, pred_probs = DATASETS[case]
    counts = np.bincount(labels, minlength=pred_probs.shape[1])
    rng = np.random.default_rng(seed)
    remove = np.array([rng.integers(0, max(1, c // 3)) for c in counts])
    if not _removal_well_defined(labels, pred_probs, remove):
        remove = np.zeros_like(remove)
    for filter_by in _method_names.PRUNE_FILTERS:
        expected = _quiet(
            cleanlab_filter.find_label_issues,
            labels,
            pred_probs,
            filter_by=filter_by,
            num_to_remove_per_class=remove,
            n_jobs=1,
        )
        got = _quiet(
            filter.find_label_issues,
            labels,
            pred_probs,
            filter_by=filter_by,
            num_to_remove_per_class=remove,
        )
        np.testing.assert_array_equal(got, expected, err_msg=filter_by)


@pytest.mark.parametrize("case", range(0, len(DATASETS), 2))
def test_ranked_indices_match_cleanlab(case):
    _, labels, pred_probs = DATASETS[case]
    for filter_by in ("prune_by_noise_rate", "both", "confident_learning", "low_self_confidence"):
        for ranking in RANKINGS:
            expected = _quiet(
                cleanlab_filter.find_label_issues,
                labels,
                pred_probs,
                filter_by=filter_by,
                return_indices_ranked_by=ranking,
                n_jobs=1,
            )
            got = _quiet(
                filter.find_label_issues,
                labels,
                pred_probs,
                filter_by=filter_by,
                return_indices_ranked_by=ranking,
            )
            np.testing.assert_array_equal(got, expected, err_msg=f"{filter_by} {ranking}")


def test_given_confident_joint_and_baselines_match_cleanlab():
    for _, labels, pred_probs in DATASETS[:8]:
        joint = cleanlab_count.compute_confident_joint(labels, pred_probs, calibrate=False)
        for filter_by in _method_names.PRUNE_FILTERS:
            expected = _quiet(
                cleanlab_filter.find_label_issues,
                labels,
                pred_probs,
                confident_joint=joint,
                filter_by=filter_by,
                n_jobs=1,
            )
            got = _quiet(
                filter.find_label_issues,
                labels,
                pred_probs,
                confident_joint=joint,
                filter_by=filter_by,
            )
            np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(
            filter.find_predicted_neq_given(labels, pred_probs),
            cleanlab_filter.find_predicted_neq_given(labels, pred_probs),
        )
        if np.all(np.bincount(labels, minlength=pred_probs.shape[1]) > 0):
            for calibrate in (False, True):
                expected = _quiet(
                    cleanlab_filter.find_label_issues_using_argmax_confusion_matrix,
                    labels,
                    pred_probs,
                    calibrate=calibrate,
                )
                got = _quiet(
                    filter.find_label_issues_using_argmax_confusion_matrix,
                    labels,
                    pred_probs,
                    calibrate=calibrate,
                )
                np.testing.assert_array_equal(got, expected)


def test_multilabel_predicted_neq_given_matches_cleanlab():
    rng = np.random.default_rng(3)
    pred_probs = rng.random((200, 5))
    labels = [list(np.flatnonzero(rng.random(5) < 0.3)) for _ in range(200)]
    labels = [[int(v) for v in row] for row in labels]
    expected = cleanlab_filter.find_predicted_neq_given(labels, pred_probs, multi_label=True)
    got = filter.find_predicted_neq_given(labels, pred_probs, multi_label=True)
    np.testing.assert_array_equal(got, expected)


def test_deprecated_multilabel_delegates():
    multilabel = pytest.importorskip("cleannb.multilabel_classification.filter")
    rng = np.random.default_rng(5)
    pred_probs = rng.random((120, 4))
    labels = [[int(v) for v in np.flatnonzero(rng.random(4) < 0.4)] or [0] for _ in range(120)]
    with pytest.warns(DeprecationWarning, match="multilabel_classification"):
        got = filter.find_label_issues(labels, pred_probs, multi_label=True)
    np.testing.assert_array_equal(got, multilabel.find_label_issues(labels, pred_probs))
    with pytest.raises(TypeError, match="list"):
        filter.find_label_issues(np.array([[0, 1]] * 120), pred_probs, multi_label=True)


# ----------------------------------------------------------------------------- vs naive, ties
def assert_select_matches_naive(labels, pred_probs, counts, pcm, prunable, semantics, **kw):
    """Both masks of ``_prune.select`` (by class and by noise rate) equal the naive ones."""
    got = _prune.select(
        pred_probs,
        labels,
        counts,
        _calibration.SparseCounts.from_dense(pcm.T),
        prunable,
        by_class=True,
        by_noise_rate=True,
        semantics=semantics,
        **kw,
    )
    expected = prune_masks(labels, pred_probs, pcm, prunable, semantics, ties=_ties.current_order())
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
    return expected


def _tied(seed, n, k, dtype=np.float64):
    labels, pred_probs = make_dataset(seed, n, k)
    pred_probs = np.round(pred_probs, 2) + 0.0
    return labels, (pred_probs / pred_probs.sum(axis=1, keepdims=True)).astype(dtype)


@pytest.mark.parametrize("semantics", _prune.SEMANTICS)
@pytest.mark.parametrize("seed", range(6))
def test_selection_matches_naive_with_ties(semantics, seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(40, 400)), int(rng.integers(2, 8))
    labels, pred_probs = _tied(seed, n, k)
    joint = cleanlab_count.compute_confident_joint(labels, pred_probs)
    min_examples = int(rng.integers(0, 6))
    frac = float(rng.choice([1.0, 0.5]))
    pcm = _prune.keep_at_least_n_per_class(joint.T, min_examples, frac)
    np.testing.assert_array_equal(pcm, keep_at_least_n_per_class(joint.T, min_examples, frac))
    counts = np.bincount(labels, minlength=k)
    prunable = (counts > min_examples) & (counts > 1)
    assert_select_matches_naive(labels, pred_probs, counts, pcm, prunable, semantics)


def _chunk_maxima(pred_probs, width):
    """Maximum of each chunk of ``width`` columns of each row (the row pass's ``chunk_max``)."""
    starts = np.arange(0, pred_probs.shape[1], width)
    return np.ascontiguousarray(np.maximum.reduceat(pred_probs, starts, axis=1))


@pytest.mark.parametrize("semantics", _prune.SEMANTICS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("bounds", [None, "rows", "chunks"])
def test_selection_shortcuts_match_naive(semantics, dtype, bounds, monkeypatch):
    """Row and chunk bounds and the re-run of cells short of positive margins
    (forced by inflated prune counts) select exactly the naive rows."""
    monkeypatch.setattr(_prune, "CHUNK", 5)  # 12 classes: chunks of 5, 5 and 2
    rng = np.random.default_rng(5)
    n, k = 900, 12
    labels, pred_probs = make_dataset(5, n, k, dtype=dtype)
    if dtype == np.float16:
        pred_probs = (np.round(pred_probs.astype(np.float64), 2) + 0.0).astype(dtype)  # ties
    else:
        # in a third of the classes every row has one profile up to a few ulps
        # of jitter, so each cut-off falls among margins a few ulps apart
        for c in range(0, k, 3):
            crowd = labels == c
            shared = rng.dirichlet(np.ones(k))
            shared[c] = shared.min() / 2  # positive margins in every column
            jitter = rng.integers(-8, 9, (int(crowd.sum()), k)) * np.finfo(dtype).eps
            pred_probs[crowd] = (shared / shared.sum() * (1 + jitter)).astype(dtype)
    joint = cleanlab_count.compute_confident_joint(labels, pred_probs.astype(np.float64))
    pcm = _prune.keep_at_least_n_per_class(joint.T, 1)
    counts = np.bincount(labels, minlength=k)
    for c in range(0, k, 3):  # crowded classes: cut-offs inside the crowd
        pcm[:, c] = np.where(np.arange(k) == c, pcm[c, c], counts[c] // 10)
    # some cells ask for more rows than have a positive margin
    for j, c in rng.integers(0, k, (6, 2)):
        if j != c:
            pcm[j, c] = int(counts[c] * rng.uniform(0.3, 0.9))
    prunable = counts > 1
    own = pred_probs[np.arange(n), labels].astype(np.float64)
    row_max = pred_probs.max(axis=1).astype(np.float64)
    assert_select_matches_naive(
        labels,
        pred_probs,
        counts,
        pcm,
        prunable,
        semantics,
        own=own if bounds else None,
        row_max=row_max if bounds else None,
        chunk_max=_chunk_maxima(pred_probs, 5) if bounds == "chunks" else None,
    )


def test_final_filter_is_cleanlab_tolerance():
    pred_probs = np.array([[0.5 - 4e-7, 0.5 + 4e-7], [0.5 - 4e-6, 0.5 + 4e-6]] * 10)
    labels = np.zeros(20, dtype=np.int64)
    mask = np.ones(20, dtype=bool)
    _pipeline.unflag_predicted(pred_probs, labels, mask, pred_probs.argmax(axis=1))
    np.testing.assert_array_equal(mask, np.tile([False, True], 10))


# ----------------------------------------------------------------------------- dtypes, threads
def _big(seed=11, k=10, dtype=np.float64):
    n = PARALLEL_MIN_BYTES // (k * np.dtype(dtype).itemsize) * 2
    return make_dataset(seed, n, k, dtype=dtype, sharpness=2.0)


@pytest.mark.parametrize("filter_by", [f for f in FILTERS if f != "low_normalized_margin"])
def test_one_and_two_threads_agree(filter_by):
    labels, pred_probs = _big()
    with num_threads(1):
        one = filter.find_label_issues(labels, pred_probs, filter_by=filter_by, n_jobs=1)
    two = filter.find_label_issues(labels, pred_probs, filter_by=filter_by, n_jobs=2)
    np.testing.assert_array_equal(one, two)
    assert one.any()


@pytest.mark.parametrize("bounds", [None, "rows", "chunks"])
def test_threads_splitting_classes_match_naive(bounds, monkeypatch):
    """With many classes the threads split the classes, not the rows."""
    monkeypatch.setattr(_prune, "CHUNK", 4)
    k = 2 * _prune.MIN_CLASSES_PER_GROUP + 3
    n = PARALLEL_MIN_BYTES // (k * 8) * 2
    labels, pred_probs = make_dataset(7, n, k, sharpness=2.0)
    joint = cleanlab_count.compute_confident_joint(labels, pred_probs)
    pcm = _prune.keep_at_least_n_per_class(joint.T, 1)
    counts = np.bincount(labels, minlength=k)
    own = pred_probs[np.arange(n), labels] if bounds else None
    row_max = pred_probs.max(axis=1) if bounds else None
    chunk_max = _chunk_maxima(pred_probs, 4) if bounds == "chunks" else None
    for threads in (1, 2):
        with num_threads(threads):
            expected = assert_select_matches_naive(
                labels,
                pred_probs,
                counts,
                pcm,
                counts > 1,
                "count",
                own=own,
                row_max=row_max,
                chunk_max=chunk_max,
            )
    assert expected[1].sum() > 50


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("filter_by", ["prune_by_noise_rate", "prune_by_class", "both"])
def test_wide_rows_with_kept_values_agree(dtype, filter_by, monkeypatch):
    """Rows wide enough to keep their own probability, maximum and chunk maxima
    (bounds on, float32 copies of the values) flag what the plain path flags."""
    labels, pred_probs = make_dataset(13, 3000, 150, dtype=dtype, sharpness=3.0)
    monkeypatch.setattr(_confident, "KEEP_CHUNKS_MIN_ROWS_PER_CLASS", 1)  # chunk maxima kept too
    assert _confident.worth_keeping_values(pred_probs)
    assert _confident.row_pass(pred_probs, labels, keep_values=True).chunk_max.shape == (3000, 2)
    bounded = filter.find_label_issues(labels, pred_probs, filter_by=filter_by)
    monkeypatch.setattr(_confident, "KEEP_VALUES_MIN_ROW_BYTES", 10**9)
    assert not _confident.worth_keeping_values(pred_probs)
    plain = filter.find_label_issues(labels, pred_probs, filter_by=filter_by)
    np.testing.assert_array_equal(bounded, plain)
    assert bounded.sum() > 100


def test_prefetch_changes_no_result(monkeypatch):
    """The selection prefetches the cells of entries ahead (with bounds); off, it flags the same."""
    labels, pred_probs = make_dataset(13, 3000, 150, dtype=np.float32, sharpness=3.0)
    monkeypatch.setattr(_confident, "KEEP_CHUNKS_MIN_ROWS_PER_CLASS", 1)
    assert _prune.PREFETCH_AHEAD > 0
    on = filter.find_label_issues(labels, pred_probs, filter_by="both")
    monkeypatch.setattr(_prune, "PREFETCH_AHEAD", 0)
    off = filter.find_label_issues(labels, pred_probs, filter_by="both")
    np.testing.assert_array_equal(on, off)
    assert on.sum() > 100


def test_fortran_and_strided_layouts_agree():
    labels, pred_probs = _big()
    expected = filter.find_label_issues(labels, pred_probs, filter_by="both")
    fortran = filter.find_label_issues(labels, np.asfortranarray(pred_probs), filter_by="both")
    np.testing.assert_array_equal(fortran, expected)
    wide = np.zeros((len(labels), 2 * pred_probs.shape[1]))
    wide[:, ::2] = pred_probs
    np.testing.assert_array_equal(
        filter.find_label_issues(labels, wide[:, ::2], filter_by="both"), expected
    )


@pytest.mark.parametrize("semantics", _prune.SEMANTICS)
@pytest.mark.parametrize("rich_sample", [False, True])
def test_large_cells_with_sampled_floors_match_naive(semantics, rich_sample, monkeypatch):
    """Cells of hundreds of rows start from sampled floors. When the sampled rows
    hold a cell's best keys, the floor is too high, the cell comes up short and
    is selected again without a floor: still the naive result."""
    rng = np.random.default_rng(7)
    n, k = 6000, 3
    labels = rng.integers(0, k, n)
    pred_probs = rng.dirichlet(np.ones(k), n)
    if rich_sample:
        sampled = np.arange(0, n, _prune.SAMPLE_STRIDE)
        other = (labels[sampled] + 1) % k
        pred_probs[sampled] = 0.0005
        pred_probs[sampled, other] = 1 - 0.0005 * (k - 1)
    counts = np.bincount(labels, minlength=k)
    pcm = np.zeros((k, k), dtype=np.int64)
    for c in range(k):
        pcm[:, c] = counts[c] // 5
        pcm[c, c] = counts[c] - (k - 1) * (counts[c] // 5)
    assert pcm[~np.eye(k, dtype=bool)].min() >= _prune.SAMPLED_MIN_CAP
    calls = []
    original = _prune._best_per_cell
    monkeypatch.setattr(_prune, "_best_per_cell", lambda *a: calls.append(1) or original(*a))
    with large_input_paths():  # the kernels' selection, which small inputs otherwise skip
        assert_select_matches_naive(labels, pred_probs, counts, pcm, counts > 1, semantics)
    assert len(calls) == (3 if rich_sample else 2)  # sample, all rows (, short cells again)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_narrow_dtypes_match_naive(dtype):
    labels, pred_probs = make_dataset(2, 3000, 6, dtype=dtype)
    joint = cleanlab_count.compute_confident_joint(labels, pred_probs)
    counts = np.bincount(labels, minlength=6)
    pcm = _prune.keep_at_least_n_per_class(joint.T, 1)
    prunable = counts > 1
    for semantics in _prune.SEMANTICS:
        assert_select_matches_naive(labels, pred_probs, counts, pcm, prunable, semantics)


# ----------------------------------------------------------------------------- properties
@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(2, 9),
    n=st.integers(30, 500),
    filter_by=st.sampled_from(FILTERS),
)
def test_flagged_rows_never_predicted_as_labelled(seed, k, n, filter_by):
    labels, pred_probs = make_dataset(seed, n, k, noise=0.3)
    mask = _quiet(filter.find_label_issues, labels, pred_probs, filter_by=filter_by)
    for i in np.flatnonzero(mask):
        row = pred_probs[i].copy()
        row[labels[i]] += 1e-6
        if filter_by not in ("low_normalized_margin", "low_self_confidence"):
            assert first_argmax(row) != labels[i]


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(2, 9),
    n=st.integers(30, 500),
    filter_by=st.sampled_from(_method_names.PRUNE_FILTERS),
)
def test_smaller_frac_noise_flags_a_subset(seed, k, n, filter_by):
    labels, pred_probs = make_dataset(seed, n, k, noise=0.3)
    half = _quiet(filter.find_label_issues, labels, pred_probs, filter_by=filter_by, frac_noise=0.5)
    full = _quiet(filter.find_label_issues, labels, pred_probs, filter_by=filter_by)
    assert not np.any(half & ~full)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(2, 6))
def test_float32_and_float64_copies_agree(seed, k):
    labels, pred_probs = make_dataset(seed, 400, k, dtype=np.float32)
    for filter_by in _method_names.PRUNE_FILTERS + ("predicted_neq_given",):
        np.testing.assert_array_equal(
            _quiet(
                filter.find_label_issues,
                labels,
                pred_probs,
                filter_by=filter_by,
                confident_joint=cleanlab_count.compute_confident_joint(labels, pred_probs),
            ),
            _quiet(
                filter.find_label_issues,
                labels,
                pred_probs.astype(np.float64),
                filter_by=filter_by,
                confident_joint=cleanlab_count.compute_confident_joint(labels, pred_probs),
            ),
        )


# ----------------------------------------------------------------------------- input handling
def test_bad_inputs_raise_clear_errors():
    labels, pred_probs = make_dataset(0, 50, 3)
    with pytest.raises(ValueError, match="filter_by"):
        filter.find_label_issues(labels, pred_probs, filter_by="prune")
    with pytest.raises(ValueError, match="return_indices_ranked_by"):
        filter.find_label_issues(labels, pred_probs, return_indices_ranked_by="margin")
    with pytest.raises(ValueError, match="frac_noise"):
        filter.find_label_issues(labels, pred_probs, frac_noise=1.5)
    with pytest.raises(ValueError, match="num_to_remove_per_class"), pytest.warns(UserWarning):
        filter.find_label_issues(
            labels, pred_probs, filter_by="confident_learning", num_to_remove_per_class=[1, 1, 1]
        )
    with pytest.raises(ValueError, match="num_to_remove_per_class"):
        filter.find_label_issues(labels, pred_probs, num_to_remove_per_class=[1, 1])
    with pytest.raises(ValueError, match="confident_joint"):
        filter.find_label_issues(labels, pred_probs, confident_joint=np.eye(2))
    with pytest.raises(ValueError, match="softmax"):
        filter.find_label_issues(labels, pred_probs * 3 - 1)
    with pytest.raises(ValueError, match="n_jobs"):
        filter.find_label_issues(labels, pred_probs, n_jobs=0)
    with pytest.warns(UserWarning, match="confident_joint"):
        filter.find_label_issues(
            labels, pred_probs, filter_by="confident_learning", confident_joint=np.eye(3, dtype=int)
        )


def test_small_class_warning_names_class_and_parameter():
    labels, pred_probs = make_dataset(1, 200, 4, prior=[0.33, 0.33, 0.33, 0.01])
    labels[labels == 3] = 0
    labels[:3] = 3
    with pytest.warns(UserWarning, match=r"class\(es\) 3.*min_examples_per_class=3"):
        filter.find_label_issues(labels, pred_probs, min_examples_per_class=3)


def test_inputs_not_modified():
    labels, pred_probs = make_dataset(4, 300, 5)
    before = labels.copy(), pred_probs.copy()
    for filter_by in FILTERS:
        filter.find_label_issues(
            labels, pred_probs, filter_by=filter_by, return_indices_ranked_by="normalized_margin"
        )
    np.testing.assert_array_equal(labels, before[0])
    np.testing.assert_array_equal(pred_probs, before[1])
