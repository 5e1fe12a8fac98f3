"""cleannb.multilabel_classification against cleanlab 2.9 and tests/naive_rank.py."""

from __future__ import annotations

import cleanlab.multilabel_classification as cl_ml
import naive_rank as naive
import numpy as np
import pytest

from cleannb import multilabel_classification as ml
from cleannb._core.parallel import PARALLEL_MIN_BYTES

pytestmark = [
    pytest.mark.filterwarnings("ignore:The multi_label argument:DeprecationWarning"),
    pytest.mark.usefixtures("kernel_input"),
]

METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
VARIANTS = [(m, a) for m in METHODS for a in (False, True) if not (a and m == METHODS[2])]
AGGREGATORS = [
    None,
    {"method": "exponential_moving_average", "alpha": None},
    {"method": "softmin", "temperature": 0.3},
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


def make_multilabel(seed, n, k, dtype=np.float64, max_labels=3):
    """Ragged label lists (some empty) and per-class probabilities that mostly agree."""
    rng = np.random.default_rng(seed)
    truth = rng.random((n, k)) < rng.uniform(0.1, 0.5, size=k)
    noisy = truth ^ (rng.random((n, k)) < 0.08)
    labels = [sorted(np.flatnonzero(row)[:max_labels].tolist()) for row in noisy]
    logits = rng.normal(0, 1.0, (n, k)) + np.where(truth, 2.5, -2.5)
    pred_probs = (1 / (1 + np.exp(-logits))).astype(dtype)
    return labels, pred_probs


CASES = [(seed, 150 + 61 * seed, 2 + seed % 6) for seed in range(20)]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"seed{c[0]}-n{c[1]}-k{c[2]}")
def case(request):
    return make_multilabel(*request.param)


@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_scores_match_cleanlab(case, method, adjust):
    labels, pred_probs = case
    assert any(len(row) == 0 for row in labels) and len({len(r) for r in labels}) > 1
    for aggregator in AGGREGATORS:
        extra = {} if aggregator is None else {"aggregator_kwargs": aggregator}
        expected = cl_ml.get_label_quality_scores(
            labels, pred_probs, method=method, adjust_pred_probs=adjust, **extra
        )
        got = ml.get_label_quality_scores(
            labels, pred_probs, method=method, adjust_pred_probs=adjust, **extra
        )
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    expected = cl_ml.rank.get_label_quality_scores_per_class(
        labels, pred_probs, method=method, adjust_pred_probs=adjust
    )
    got = ml.rank.get_label_quality_scores_per_class(
        labels, pred_probs, method=method, adjust_pred_probs=adjust
    )
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize("which", [0, 1])
def test_masks_match_cleanlab(case, which):
    labels, pred_probs = case
    # every case runs the default filter and one other (rotating over the cases)
    filter_by = FILTERS[0] if which == 0 else FILTERS[1 + len(labels) % (len(FILTERS) - 1)]
    expected = cl_ml.filter.find_label_issues(labels, pred_probs, filter_by=filter_by, n_jobs=1)
    got = ml.filter.find_label_issues(labels, pred_probs, filter_by=filter_by)
    np.testing.assert_array_equal(got, expected)
    ranked = ml.filter.find_label_issues(
        labels, pred_probs, filter_by=filter_by, return_indices_ranked_by="normalized_margin"
    )
    cl_ranked = cl_ml.filter.find_label_issues(
        labels,
        pred_probs,
        filter_by=filter_by,
        n_jobs=1,
        return_indices_ranked_by="normalized_margin",
    )
    if filter_by.startswith("low_"):  # cleanlab scrambles this order (see the docstring)
        assert sorted(ranked) == sorted(cl_ranked)
    else:
        np.testing.assert_array_equal(ranked, cl_ranked)
    scores = naive.multilabel_per_class(labels, pred_probs, "normalized_margin")
    aggregated = [naive.ema(row, 0.8) for row in scores]
    if filter_by.startswith("low_"):
        rows = np.flatnonzero(got)
        sub = naive.multilabel_per_class(
            [labels[i] for i in rows], pred_probs[rows], "normalized_margin"
        )
        aggregated = dict(zip(rows, (naive.ema(r, 0.8) for r in sub), strict=True))
    assert list(ranked) == sorted(np.flatnonzero(got), key=lambda i: (aggregated[i], i))


def test_per_class_issues_match_cleanlab(case):
    labels, pred_probs = case
    expected = cl_ml.filter.find_multilabel_issues_per_class(labels, pred_probs, n_jobs=1)
    np.testing.assert_array_equal(
        ml.filter.find_multilabel_issues_per_class(labels, pred_probs), expected
    )
    issues, binary_labels, binary = ml.filter.find_multilabel_issues_per_class(
        labels, pred_probs, return_indices_ranked_by="self_confidence"
    )
    cl_issues, cl_labels, cl_binary = cl_ml.filter.find_multilabel_issues_per_class(
        labels, pred_probs, return_indices_ranked_by="self_confidence", n_jobs=1
    )
    for ours, theirs in zip(
        issues + binary_labels + binary, cl_issues + cl_labels + cl_binary, strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_scores_match_naive(dtype, method, adjust):
    # the naive scores are float64 arithmetic; cleannb's (as cleanlab's) run in the dtype of
    # pred_probs (1 - p and the score rounded to it): close, not equal, below float64
    # (bit-for-bit parity with cleanlab is tests/test_multilabel_parity.py)
    atol = {np.float16: 5e-3, np.float32: 1e-6, np.float64: 1e-12}[dtype]
    labels, pred_probs = make_multilabel(4, 120, 5, dtype=dtype)
    per_class = naive.multilabel_per_class(labels, pred_probs, method, adjust)
    np.testing.assert_allclose(
        ml.rank.get_label_quality_scores_per_class(
            labels, pred_probs, method=method, adjust_pred_probs=adjust
        ),
        per_class,
        rtol=0,
        atol=atol,
    )
    np.testing.assert_allclose(
        ml.get_label_quality_scores(labels, pred_probs, method=method, adjust_pred_probs=adjust),
        [naive.ema(row, 0.8) for row in per_class],
        rtol=0,
        atol=atol,
    )
    np.testing.assert_allclose(
        ml.get_label_quality_scores(
            labels,
            np.asfortranarray(pred_probs),
            method=method,
            adjust_pred_probs=adjust,
            aggregator_kwargs={"method": "softmin"},
        ),
        [naive.softmin(row, 0.1) for row in per_class],
        rtol=0,
        atol=atol,
    )


def test_callable_aggregator_and_threads():
    labels, pred_probs = make_multilabel(9, 12_000, 12)
    assert pred_probs.nbytes > PARALLEL_MIN_BYTES
    got = ml.get_label_quality_scores(labels, pred_probs, aggregator_kwargs={"method": np.min})
    per_class = ml.rank.get_label_quality_scores_per_class(labels, pred_probs)
    np.testing.assert_array_equal(got, per_class.min(axis=1))
    for kwargs in ({"adjust_pred_probs": True}, {"method": "confidence_weighted_entropy"}):
        np.testing.assert_array_equal(
            ml.get_label_quality_scores(labels, pred_probs, n_jobs=1, **kwargs),
            ml.get_label_quality_scores(labels, pred_probs, n_jobs=2, **kwargs),
        )
        np.testing.assert_array_equal(
            ml.rank.get_label_quality_scores_per_class(labels, pred_probs, n_jobs=1, **kwargs),
            ml.rank.get_label_quality_scores_per_class(labels, pred_probs, n_jobs=2, **kwargs),
        )


def test_bad_input():
    labels, pred_probs = make_multilabel(1, 50, 3)
    with pytest.raises(ValueError, match="labels has 49"):
        ml.get_label_quality_scores(labels[:-1], pred_probs)
    with pytest.raises(ValueError, match="class 3"):
        ml.get_label_quality_scores([[3]] + labels[1:], pred_probs)
    with pytest.raises(ValueError, match="above 1"):
        ml.get_label_quality_scores(labels, pred_probs * 3)
    with pytest.raises(ValueError, match="aggregator_kwargs"):
        ml.get_label_quality_scores(labels, pred_probs, aggregator_kwargs={"method": "mean"})
    with pytest.raises(TypeError, match="unknown keys"):
        ml.get_label_quality_scores(
            labels, pred_probs, aggregator_kwargs={"method": "softmin", "alpha": 0.1}
        )
    with pytest.raises(ValueError, match=r"\(3, 2, 2\)"):
        ml.filter.find_label_issues(labels, pred_probs, confident_joint=np.ones((3, 3, 3)))
    with pytest.warns(UserWarning, match="ignored"):
        ml.filter.find_label_issues(labels, pred_probs, confident_joint=np.ones((3, 3)))
