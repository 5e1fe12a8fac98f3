"""cleannb.rank against cleanlab 2.9 (live) and against tests/naive_rank.py."""

from __future__ import annotations

import warnings

import cleanlab.rank as cl_rank
import naive_rank as naive
import numpy as np
import pytest
from conftest import PARITY_KINDS, make_dataset, parity_dataset
from hypothesis import given, settings
from hypothesis import strategies as st

from cleannb import filter, rank
from cleannb._core import validation as _validation
from cleannb._core.parallel import PARALLEL_MIN_BYTES

pytestmark = pytest.mark.usefixtures("kernel_input")

METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
VARIANTS = [(m, a) for m in METHODS for a in (False, True) if not (a and m == METHODS[2])]
# 20 random datasets from conftest.parity_dataset (stream 4): K 2..50, ties of every kind.
CASES = range(20)


@pytest.fixture(
    scope="module", params=CASES, ids=lambda i: f"{i}-{PARITY_KINDS[i % len(PARITY_KINDS)]}"
)
def case(request):
    return parity_dataset(request.param, stream=4)


@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_scores_match_cleanlab(case, method, adjust):
    labels, pred_probs = case
    expected = cl_rank.get_label_quality_scores(
        labels, pred_probs, method=method, adjust_pred_probs=adjust
    )
    got = rank.get_label_quality_scores(labels, pred_probs, method=method, adjust_pred_probs=adjust)
    assert got.dtype == expected.dtype  # cleanlab's: float64, or the input's float16/float32
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


NUMPY_ARITHMETIC = [(m, a) for m, a in VARIANTS if a or m == "confidence_weighted_entropy"]


def assert_cleanlabs_scores(got, expected, pred_probs, kernel_input, method, adjust):
    """Bit for bit, but for float64 input scored by the kernel (as from 1 MiB up)."""
    assert got.dtype == expected.dtype
    by_kernel = adjust or method == "confidence_weighted_entropy"
    if by_kernel and pred_probs.dtype == np.float64 and kernel_input == "as given":
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13)
    else:
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(("method", "adjust"), NUMPY_ARITHMETIC)
def test_numpy_arithmetic_scores_are_cleanlabs_bits(case, method, adjust, kernel_input):
    """The entropy score and adjust_pred_probs: cleanlab's bits in every dtype, but for
    float64 inputs of 1 MiB and more (the kernel's float64 arithmetic)."""
    labels, pred_probs = case
    expected = cl_rank.get_label_quality_scores(
        labels, pred_probs, method=method, adjust_pred_probs=adjust
    )
    got = rank.get_label_quality_scores(labels, pred_probs, method=method, adjust_pred_probs=adjust)
    assert_cleanlabs_scores(got, expected, pred_probs, kernel_input, method, adjust)


@pytest.mark.filterwarnings("ignore:The y_prob values do not sum to one")  # cleanlab's sklearn
@pytest.mark.parametrize("weighting", ["uniform", "accuracy", "log_loss_search", "custom"])
@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_ensemble_matches_cleanlab_in_the_members_dtype(
    case, method, adjust, weighting, kernel_input
):
    """Members of every parity kind (float16, float32, float64): cleanlab's dtype and bits
    (the log-loss weights as scikit-learn >= 1.5 computes them: in the members' dtype)."""
    labels, pred_probs = case
    other = pred_probs[np.random.default_rng(len(labels)).permutation(len(labels))]
    kwargs = {
        "method": method,
        "adjust_pred_probs": adjust,
        "weight_ensemble_members_by": weighting,
        "verbose": False,
    }
    if weighting == "custom":
        kwargs["custom_weights"] = np.array([0.75, 0.25], dtype=pred_probs.dtype)
    expected = cl_rank.get_label_quality_ensemble_scores(labels, [pred_probs, other], **kwargs)
    got = rank.get_label_quality_ensemble_scores(labels, [pred_probs, other], **kwargs)
    assert_cleanlabs_scores(got, expected, pred_probs, kernel_input, method, adjust)


def test_per_label_functions_match_cleanlab(case):
    labels, pred_probs = case
    pairs = [
        (rank.get_self_confidence_for_each_label, cl_rank.get_self_confidence_for_each_label),
        (rank.get_normalized_margin_for_each_label, cl_rank.get_normalized_margin_for_each_label),
        (
            rank.get_confidence_weighted_entropy_for_each_label,
            cl_rank.get_confidence_weighted_entropy_for_each_label,
        ),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(
            ours(labels, pred_probs), theirs(labels, pred_probs), rtol=0, atol=1e-10
        )


@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_order_label_issues_matches_cleanlab(case, method, adjust):
    labels, pred_probs = case
    mask = np.random.default_rng(len(labels)).random(len(labels)) < 0.3
    kwargs = {"adjust_pred_probs": adjust}
    expected = cl_rank.order_label_issues(
        mask, labels, pred_probs, rank_by=method, rank_by_kwargs=kwargs
    )
    got = rank.order_label_issues(mask, labels, pred_probs, rank_by=method, rank_by_kwargs=kwargs)
    np.testing.assert_array_equal(got, expected)


def test_find_top_issues_matches_cleanlab(case):
    labels, pred_probs = case
    scores = cl_rank.get_label_quality_scores(labels, pred_probs)
    for top in (1, 5, len(scores) // 3, len(scores), len(scores) + 3, None):
        np.testing.assert_array_equal(
            rank.find_top_issues(scores, top=top), cl_rank.find_top_issues(scores, top=top)
        )


@pytest.mark.parametrize("weighting", ["uniform", "accuracy", "log_loss_search", "custom"])
@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_ensemble_matches_cleanlab(method, adjust, weighting):
    labels, first = make_dataset(3, 600, 6)
    members = [first] + [make_dataset(s, 600, 6)[1] for s in (11, 12)]
    extra = {"custom_weights": np.array([0.5, 0.2, 0.3])} if weighting == "custom" else {}
    expected = cl_rank.get_label_quality_ensemble_scores(
        labels,
        members,
        method=method,
        adjust_pred_probs=adjust,
        weight_ensemble_members_by=weighting,
        verbose=False,
        **extra,
    )
    got = rank.get_label_quality_ensemble_scores(
        labels,
        members,
        method=method,
        adjust_pred_probs=adjust,
        weight_ensemble_members_by=weighting,
        verbose=False,
        **extra,
    )
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_scores_match_naive_for_dtypes(dtype, method, adjust):
    labels, pred_probs = make_dataset(7, 300, 9, dtype=dtype, prior="skewed")
    got = rank.get_label_quality_scores(labels, pred_probs, method=method, adjust_pred_probs=adjust)
    # adjusted and entropy scores: cleanlab's arithmetic rounds in the input's dtype
    rounded = (adjust or method == METHODS[2]) and dtype != np.float64
    atol = 4 * np.finfo(dtype).eps if rounded else 1e-12
    np.testing.assert_allclose(
        got, naive.scores(labels, pred_probs, method, adjust), rtol=0, atol=atol
    )
    mask = np.arange(300) % 3 == 0
    kwargs = {"rank_by": method, "rank_by_kwargs": {"adjust_pred_probs": adjust}}
    np.testing.assert_array_equal(  # equal keys (float16 rows tie) in cleanlab's order
        rank.order_label_issues(mask, labels, pred_probs, **kwargs),
        cl_rank.order_label_issues(mask, labels, pred_probs, **kwargs),
    )


@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_fortran_and_strided_layouts(method, adjust):
    labels, pred_probs = make_dataset(8, 200, 6, dtype=np.float32)
    expected = naive.scores(labels, pred_probs, method, adjust)
    wide = np.zeros((200, 12), dtype=np.float32)
    wide[:, ::2] = pred_probs
    atol = 4 * np.finfo(np.float32).eps if adjust or method == METHODS[2] else 1e-12
    for layout in (np.asfortranarray(pred_probs), wide[:, ::2]):
        got = rank.get_label_quality_scores(labels, layout, method=method, adjust_pred_probs=adjust)
        np.testing.assert_allclose(got, expected, rtol=0, atol=atol)


def test_scores_with_zeros_and_negative_zeros():
    pred_probs = np.array([[1.0, 0.0, -0.0], [0.0, 0.5, 0.5], [-0.0, -0.0, 1.0]])
    labels = np.array([0, 2, 1])
    for method in METHODS:
        np.testing.assert_allclose(
            rank.get_label_quality_scores(labels, pred_probs, method=method),
            naive.scores(labels, pred_probs, method),
            rtol=0,
            atol=1e-15,
        )


def test_ties_are_resolved_as_cleanlab():
    """Equal scores come in cleanlab's order (numpy's argsort), small and large arrays."""
    pred_probs = np.array([[0.6, 0.4], [0.3, 0.7], [0.6, 0.4], [0.3, 0.7], [0.5, 0.5]])
    labels = np.array([1, 0, 1, 0, 0])
    mask = np.ones(5, dtype=bool)
    np.testing.assert_array_equal(
        rank.order_label_issues(mask, labels, pred_probs),
        cl_rank.order_label_issues(mask, labels, pred_probs),
    )
    tiled = np.tile(pred_probs, (40, 1))
    many = np.tile(labels, 40)
    for method in METHODS:
        np.testing.assert_array_equal(
            rank.order_label_issues(many > -1, many, tiled, rank_by=method),
            cl_rank.order_label_issues(many > -1, many, tiled, rank_by=method),
            err_msg=method,
        )
    values = np.array([0.2, 0.1, 0.2, 0.1, np.nan, 0.2])
    big = np.repeat(np.arange(50.0), 40)[::-1].copy()
    for scores, tops in ((values, range(7)), (big, (1, 45, 100, 1999, None))):
        for top in tops:
            np.testing.assert_array_equal(
                rank.find_top_issues(scores, top=top), cl_rank.find_top_issues(scores, top=top)
            )


@pytest.mark.parametrize(("method", "adjust"), VARIANTS)
def test_one_and_two_threads_identical(method, adjust):
    labels, pred_probs = make_dataset(5, 30_000, 8, prior="skewed")
    assert pred_probs.nbytes > PARALLEL_MIN_BYTES
    mask = np.arange(30_000) % 4 == 1
    kwargs = {"method": method, "adjust_pred_probs": adjust}
    one = rank.get_label_quality_scores(labels, pred_probs, n_jobs=1, **kwargs)
    two = rank.get_label_quality_scores(labels, pred_probs, n_jobs=2, **kwargs)
    np.testing.assert_array_equal(one, two)
    by_kwargs = {"adjust_pred_probs": adjust}
    np.testing.assert_array_equal(
        rank.order_label_issues(
            mask, labels, pred_probs, rank_by=method, rank_by_kwargs=by_kwargs, n_jobs=1
        ),
        rank.order_label_issues(
            mask, labels, pred_probs, rank_by=method, rank_by_kwargs=by_kwargs, n_jobs=2
        ),
    )


@st.composite
def datasets(draw):
    n = draw(st.integers(2, 40))
    k = draw(st.integers(2, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    sparse = draw(st.booleans())
    raw = rng.random((n, k)) * (rng.random((n, k)) < 0.5 if sparse else 1.0)
    raw[np.arange(n), rng.integers(0, k, n)] += 1e-3
    pred_probs = (raw / raw.sum(axis=1, keepdims=True)).astype(np.float32)
    return rng.integers(0, k, n), pred_probs


@settings(max_examples=60, deadline=None)
@given(datasets(), st.sampled_from(VARIANTS))
def test_scores_in_unit_interval_and_float32_float64_agree(data, variant):
    """float32 scores are the float64 ones to float32 precision, and each ranking is
    numpy's argsort of its scores (cleanlab's order): the float32 one can differ from
    the float64 one only where float32 rounding makes two scores equal."""
    labels, pred_probs = data
    method, adjust = variant
    scores32 = rank.get_label_quality_scores(
        labels, pred_probs, method=method, adjust_pred_probs=adjust
    )
    assert np.all((scores32 >= 0) & (scores32 <= 1))
    scores64 = rank.get_label_quality_scores(
        labels, pred_probs.astype(np.float64), method=method, adjust_pred_probs=adjust
    )
    np.testing.assert_allclose(scores32, scores64, rtol=1e-5, atol=1e-6)
    mask = np.ones(len(labels), dtype=bool)
    by_kwargs = {"adjust_pred_probs": adjust}
    for probs, scores in ((pred_probs, scores32), (pred_probs.astype(np.float64), scores64)):
        np.testing.assert_array_equal(
            rank.order_label_issues(mask, labels, probs, rank_by=method, rank_by_kwargs=by_kwargs),
            np.argsort(scores),
        )


def test_inputs_are_not_modified():
    labels, pred_probs = make_dataset(1, 100, 4)
    before, labels_before = pred_probs.copy(), labels.copy()
    rank.get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True)
    rank.order_label_issues(labels == 0, labels, pred_probs, rank_by="normalized_margin")
    np.testing.assert_array_equal(pred_probs, before)
    np.testing.assert_array_equal(labels, labels_before)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"method": "margin"}, ValueError, "method='margin'"),
        (
            {"method": "confidence_weighted_entropy", "adjust_pred_probs": True},
            ValueError,
            "adjust_pred_probs",
        ),
        ({"adjust_pred_probs": 2}, TypeError, "adjust_pred_probs"),
    ],
)
def test_bad_options(kwargs, error, match):
    labels, pred_probs = make_dataset(1, 50, 3)
    with pytest.raises(error, match=match):
        rank.get_label_quality_scores(labels, pred_probs, **kwargs)


def test_bad_values_and_shapes():
    labels, pred_probs = make_dataset(1, 50, 3)
    bad = pred_probs.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        rank.get_label_quality_scores(labels, bad)
    with pytest.raises(ValueError, match="softmax"):
        rank.get_label_quality_scores(labels, np.log(pred_probs))
    with pytest.raises(ValueError, match="sum to 1"):
        rank.get_label_quality_scores(labels, pred_probs * 0.5)
    with pytest.raises(ValueError, match="labels"):
        rank.get_label_quality_scores(labels[:-1], pred_probs)
    with pytest.raises(TypeError, match="label_issues_mask"):
        rank.order_label_issues(np.flatnonzero(labels == 0), labels, pred_probs)
    with pytest.raises(TypeError, match="rank_by_kwargs"):
        rank.order_label_issues(labels == 0, labels, pred_probs, rank_by_kwargs={"x": 1})
    with pytest.raises(TypeError, match="list"):
        rank.get_label_quality_ensemble_scores(labels, (pred_probs, pred_probs))
    with pytest.raises(ValueError, match="custom_weights"):
        rank.get_label_quality_ensemble_scores(
            labels, [pred_probs, pred_probs], custom_weights=[1, 2], verbose=False
        )
    with pytest.raises(TypeError, match="custom_weights must be numbers"):
        rank.get_label_quality_ensemble_scores(
            labels,
            [pred_probs, pred_probs],
            weight_ensemble_members_by="custom",
            custom_weights=["0.5", "0.5"],
            verbose=False,
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rank.get_label_quality_ensemble_scores(labels, [pred_probs], verbose=False)
    assert any("one element" in str(w.message) for w in caught)


@pytest.mark.parametrize("method", ["self_confidence", "normalized_margin"])
def test_small_inputs_score_with_the_kernels_bits(case, method):
    """numpy scores small inputs (no kernel to compile) with the very bits of the kernel."""
    labels, pred_probs = case
    assert pred_probs.nbytes < _validation.SMALL_INPUT_MAX_BYTES
    got = rank.get_label_quality_scores(labels, pred_probs, method=method)
    with _validation.large_input_paths():
        kernel = rank.get_label_quality_scores(labels, pred_probs, method=method)
        ranked = filter.find_label_issues(labels, pred_probs, return_indices_ranked_by=method)
    np.testing.assert_array_equal(got, kernel)
    np.testing.assert_array_equal(
        filter.find_label_issues(labels, pred_probs, return_indices_ranked_by=method), ranked
    )
