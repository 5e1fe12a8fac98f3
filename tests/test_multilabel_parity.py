"""Multi-label results equal cleanlab 2.9's bit for bit, dtype included.

Every multi-label function runs the one-vs-rest reduction of
``cleannb._core.multilabel`` in the dtype of ``pred_probs`` with cleanlab's
arithmetic, so thresholds, joints, masks and every score (each method, with
and without ``adjust_pred_probs``, each aggregator) must be *equal* to
cleanlab's on float16, float32 and float64 data, with quantised
probabilities (ties), rows without any label, a class with one example and
a class with none, for K from 2 to 50.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

cleanlab = pytest.importorskip("cleanlab")

import cleanlab.count as cl_count  # noqa: E402
import cleanlab.multilabel_classification as cl_ml  # noqa: E402

from cleannb import count  # noqa: E402
from cleannb import multilabel_classification as ml  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("ignore:The multi_label argument:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
]

DTYPES = (np.float16, np.float32, np.float64)
SHAPES = [(180, 2), (240, 3), (300, 7), (260, 20), (320, 50)]
METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
VARIANTS = [(m, a) for m in METHODS for a in (False, True) if not (a and m == METHODS[2])]
AGGREGATORS = [
    None,
    {"method": "exponential_moving_average", "alpha": None},
    {"method": "exponential_moving_average", "alpha": 0.5},
    {"method": "softmin"},
    {"method": "softmin", "temperature": 0.3},
    {"method": np.min},
    {"method": np.mean},
]
FILTERS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_self_confidence",
    "low_normalized_margin",
)


def make_case(seed, n, k, dtype, quantised):
    """Ragged labels (some rows without any), a class with one example, one with none."""
    rng = np.random.default_rng(seed)
    truth = rng.random((n, k)) < rng.uniform(0.1, 0.5, size=k)
    noisy = truth ^ (rng.random((n, k)) < 0.1)
    if k > 2:
        noisy[:, -1] = False  # a class nobody has
        noisy[:, -2] = False
        noisy[n // 2, -2] = True  # a class with one example
    noisy[: n // 10] = False  # rows without any label
    labels = [np.flatnonzero(row).tolist() for row in noisy]
    logits = rng.normal(0, 1.5, (n, k)) + np.where(truth, 1.5, -1.5)
    pred_probs = 1 / (1 + np.exp(-logits))
    if quantised:  # many equal values: ties in thresholds, maxima and scores
        pred_probs = np.round(pred_probs * 8) / 8
    return labels, pred_probs.astype(dtype)


CASES = [
    (seed, n, k, dtype, bool(seed % 2)) for seed, (n, k) in enumerate(SHAPES) for dtype in DTYPES
] + [(7, 200, 4, dtype, True) for dtype in DTYPES]


def case_id(case):
    seed, n, k, dtype, quantised = case
    return f"{np.dtype(dtype).name}-n{n}-k{k}{'-ties' if quantised else ''}"


@pytest.fixture(scope="module", params=CASES, ids=case_id)
def case(request):
    return make_case(*request.param)


def assert_identical(got, expected):
    """Equal values, shape and dtype (NaN equal to NaN)."""
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_array_equal(got, expected, strict=True)


def test_case_has_what_it_claims(case):
    labels, pred_probs = case
    counts = np.bincount(np.concatenate([np.array(r, dtype=int) for r in labels]))
    assert any(len(row) == 0 for row in labels)
    if pred_probs.shape[1] > 2:
        assert counts.size == pred_probs.shape[1] - 1 and counts[-1] == 1


def test_thresholds(case):
    labels, pred_probs = case
    assert_identical(
        count.get_confident_thresholds(labels, pred_probs, multi_label=True),
        cl_count.get_confident_thresholds(labels, pred_probs, multi_label=True),
    )


@pytest.mark.parametrize("calibrate", [True, False])
def test_confident_joint(case, calibrate):
    labels, pred_probs = case
    got, got_rows = count.compute_confident_joint(
        labels,
        pred_probs,
        multi_label=True,
        calibrate=calibrate,
        return_indices_of_off_diagonals=True,
    )
    expected, expected_rows = cl_count.compute_confident_joint(
        labels,
        pred_probs,
        multi_label=True,
        calibrate=calibrate,
        return_indices_of_off_diagonals=True,
    )
    assert_identical(got, expected)
    assert len(got_rows) == len(expected_rows)
    for ours, theirs in zip(got_rows, expected_rows, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_calibrated_and_estimated_joint(case):
    labels, pred_probs = case
    raw = cl_count.compute_confident_joint(labels, pred_probs, multi_label=True, calibrate=False)
    calibrated = count.calibrate_confident_joint(raw, labels, multi_label=True)
    expected = cl_count.calibrate_confident_joint(raw, labels, multi_label=True)
    # Kept difference: cleanlab takes K from the largest class in labels here (no pred_probs),
    # dropping the joints of trailing classes nobody has; cleannb keeps one per given joint.
    assert calibrated.shape == raw.shape
    assert_identical(calibrated[: len(expected)], expected)
    assert_identical(
        count.estimate_joint(labels, pred_probs, multi_label=True),
        cl_count.estimate_joint(labels, pred_probs, multi_label=True),
    )
    assert_identical(
        count.estimate_joint(labels, pred_probs, confident_joint=raw, multi_label=True),
        cl_count.estimate_joint(labels, pred_probs, confident_joint=raw, multi_label=True),
    )


def _cleanlab_filter(function, labels, pred_probs, filter_by):
    """cleanlab's result, or the ValueError it raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return function(labels, pred_probs, filter_by=filter_by, n_jobs=1)
        except ValueError as error:
            return error


@pytest.mark.parametrize("filter_by", FILTERS)
def test_filter_masks(case, filter_by):
    labels, pred_probs = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = ml.filter.find_label_issues(labels, pred_probs, filter_by=filter_by)
        got_per_class = ml.filter.find_multilabel_issues_per_class(
            labels, pred_probs, filter_by=filter_by
        )
    expected = _cleanlab_filter(cl_ml.filter.find_label_issues, labels, pred_probs, filter_by)
    if not isinstance(expected, ValueError):
        assert_identical(got, expected)
    expected = _cleanlab_filter(
        cl_ml.filter.find_multilabel_issues_per_class, labels, pred_probs, filter_by
    )
    if not isinstance(expected, ValueError):
        assert_identical(got_per_class, expected)
        return
    # Kept difference: with a class that no example has, cleanlab's per-class single-label
    # call raises for these rules ("Labels must contain at least 2 classes"); cleannb scores
    # that binary problem. Its other classes are independent problems: equal to cleanlab's.
    assert "at least 2 classes" in str(expected)
    assert filter_by in ("predicted_neq_given", "low_self_confidence", "low_normalized_margin")
    present = np.unique(np.concatenate([np.array(r, dtype=int) for r in labels]))
    expected = _cleanlab_filter(
        cl_ml.filter.find_multilabel_issues_per_class,
        [[int(np.searchsorted(present, c)) for c in row] for row in labels],
        pred_probs[:, present],
        filter_by,
    )
    assert_identical(got_per_class[:, present], expected)


@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_scores(case, method, adjust):
    labels, pred_probs = case
    for aggregator in AGGREGATORS:
        extra = {} if aggregator is None else {"aggregator_kwargs": aggregator}
        assert_identical(
            ml.get_label_quality_scores(
                labels, pred_probs, method=method, adjust_pred_probs=adjust, **extra
            ),
            cl_ml.get_label_quality_scores(
                labels, pred_probs, method=method, adjust_pred_probs=adjust, **extra
            ),
        )
    assert_identical(
        ml.rank.get_label_quality_scores_per_class(
            labels, pred_probs, method=method, adjust_pred_probs=adjust
        ),
        cl_ml.rank.get_label_quality_scores_per_class(
            labels, pred_probs, method=method, adjust_pred_probs=adjust
        ),
    )


@pytest.mark.parametrize("method", METHODS)
def test_rankings(case, method):
    labels, pred_probs = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cl_ml.filter.find_label_issues(
            labels, pred_probs, return_indices_ranked_by=method, n_jobs=1
        )
        got = ml.filter.find_label_issues(labels, pred_probs, return_indices_ranked_by=method)
    np.testing.assert_array_equal(got, expected)


def test_layouts_and_copies_give_the_same_bits():
    labels, pred_probs = make_case(3, 400, 9, np.float32, True)
    expected = ml.get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True)
    before = pred_probs.copy()
    for variant in (np.asfortranarray(pred_probs), np.repeat(pred_probs, 2, axis=1)[:, ::2]):
        assert_identical(
            ml.get_label_quality_scores(labels, variant, adjust_pred_probs=True), expected
        )
    np.testing.assert_array_equal(pred_probs, before)


def _threshold_edge_case():
    """A binary problem where a probability sits exactly at one side's threshold limit.

    float32 data whose positive-side mean numpy computes (pairwise float32
    sums, as cleanlab) one ulp away from the exactly rounded mean (a float64
    sum rounded once); one negative row then gets ``p`` equal to the lower of
    the two limits ``t - 1e-6``, so thresholds computed the second way flip it.
    """
    rng = np.random.default_rng(1)
    while True:
        y = rng.random(3000) < 0.4
        p = rng.random(3000).astype(np.float32)
        p[y] = np.clip(p[y] + 0.3, 0, 1)
        numpy_mean = np.mean(p[y])
        exact_mean = np.float32(math.fsum(p[y].astype(np.float64)) / y.sum())
        if numpy_mean != exact_mean:
            limits = np.array([numpy_mean, exact_mean], dtype=np.float32) - 1e-6
            p[np.flatnonzero(~y)[0]] = limits.min()
            return [[0] if given else [] for given in y], p[:, None]


def test_filter_at_a_threshold_limit():
    labels, pred_probs = _threshold_edge_case()
    assert_identical(
        count.compute_confident_joint(labels, pred_probs, multi_label=True),
        cl_count.compute_confident_joint(labels, pred_probs, multi_label=True),
    )
    assert_identical(
        ml.filter.find_label_issues(labels, pred_probs, filter_by="confident_learning"),
        cl_ml.filter.find_label_issues(
            labels, pred_probs, filter_by="confident_learning", n_jobs=1
        ),
    )


@pytest.mark.parametrize("flag", [1, np.True_, 0, None])
def test_adjust_flag_stand_ins_as_cleanlab(flag):
    """cleanlab adjusts only for ``adjust_pred_probs is True``: 1 and numpy.True_ do not."""
    labels, pred_probs = make_case(2, 200, 5, np.float32, True)
    for method in METHODS:
        assert_identical(
            ml.get_label_quality_scores(labels, pred_probs, method=method, adjust_pred_probs=flag),
            cl_ml.get_label_quality_scores(
                labels, pred_probs, method=method, adjust_pred_probs=flag
            ),
        )
    with pytest.raises(TypeError, match="adjust_pred_probs"):
        ml.get_label_quality_scores(labels, pred_probs, adjust_pred_probs="yes")


def test_num_label_issues(case):
    labels, pred_probs = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = count.num_label_issues(labels, pred_probs, multi_label=True)
        expected = cl_count.num_label_issues(labels, pred_probs, multi_label=True)
    assert got == expected and type(got) is type(expected)
