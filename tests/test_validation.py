"""Bad input gets a clear error naming the argument; inputs are never modified."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import make_dataset

from cleannb import count as nb

LABELS = np.array([0, 1, 0, 1, 2, 2])
PRED_PROBS = np.array(
    [
        [0.7, 0.2, 0.1],
        [0.1, 0.8, 0.1],
        [0.6, 0.3, 0.1],
        [0.3, 0.6, 0.1],
        [0.1, 0.2, 0.7],
        [0.2, 0.1, 0.7],
    ]
)

# Every function that reads pred_probs, called as f(labels, pred_probs).
READERS = {
    "get_confident_thresholds": nb.get_confident_thresholds,
    "compute_confident_joint": nb.compute_confident_joint,
    "compute_confident_joint_uncalibrated": lambda y, p: nb.compute_confident_joint(
        y, p, calibrate=False
    ),
    "estimate_joint": nb.estimate_joint,
    "estimate_py_and_noise_matrices": nb.estimate_py_and_noise_matrices_from_probabilities,
    "num_label_issues": nb.num_label_issues,
    "num_label_issues_calibrated": lambda y, p: nb.num_label_issues(
        y, p, estimation_method="off_diagonal_calibrated"
    ),
}


def _with(value, row=0, col=0, dtype=np.float64):
    p = PRED_PROBS.astype(dtype)
    p[row, col] = value
    return p


BAD_PRED_PROBS = {
    "nan": (_with(np.nan), ValueError, r"pred_probs contains NaN or infinite"),
    "inf": (_with(np.inf), ValueError, r"pred_probs contains NaN or infinite"),
    "minus_inf": (_with(-np.inf), ValueError, r"pred_probs contains NaN or infinite"),
    "nan_float16": (_with(np.nan, 5, 2, np.float16), ValueError, r"pred_probs contains NaN"),
    "nan_float32": (_with(np.nan, 5, 2, np.float32), ValueError, r"pred_probs contains NaN"),
    "negative": (PRED_PROBS - 0.5, ValueError, r"pred_probs has negative.*logits.*softmax"),
    "above_one": (PRED_PROBS * 4, ValueError, r"pred_probs has values above 1.*logits.*softmax"),
    "logits": (np.log(PRED_PROBS), ValueError, r"pred_probs.*look like logits"),
    "row_sums": (PRED_PROBS * 0.5, ValueError, r"rows of pred_probs must sum to 1"),
    "one_row_off": (_with(0.2, 3, 1), ValueError, r"rows of pred_probs must sum to 1"),
    # 0.1 is the tolerance (0.02 to 0.1 only warns: tests/test_row_sums.py)
    "one_row_off_by_0_11": (_with(0.49, 3, 1), ValueError, r"must sum to 1.*off by 0\.11;"),
    "1d": (PRED_PROBS[:, 0], ValueError, r"pred_probs must be 2-D"),
    "3d": (PRED_PROBS[None], ValueError, r"pred_probs must be 2-D"),
    "strings": (PRED_PROBS.astype(str), TypeError, r"pred_probs must hold floating"),
    "complex": (PRED_PROBS.astype(complex), TypeError, r"pred_probs must hold floating"),
    "longdouble": (PRED_PROBS.astype(np.longdouble), TypeError, r"pred_probs has dtype"),
    "byteswapped": (PRED_PROBS.astype(">f8"), TypeError, r"pred_probs is byte-swapped"),
    "none": (None, TypeError, r"pred_probs is required"),
    "too_few_rows": (PRED_PROBS[:4], ValueError, r"labels has 6 entries but pred_probs has 4"),
}
# One column is caught as "fewer than 2 classes" or, with labels 0..2, out of range.
BAD_PRED_PROBS_WITH_LABELS = {
    "one_class": ([0, 0, 0], np.ones((3, 1)), ValueError, r"pred_probs has 1 column"),
    "empty": (np.zeros(0, int), np.zeros((0, 3)), ValueError, r"(pred_probs|labels) is empty"),
}
BAD_LABELS = {
    "fractional": ([0, 1, 0.5, 1, 2, 2], TypeError, r"labels must hold integer"),
    "strings": (["a", "b", "a", "b", "c", "c"], TypeError, r"labels must hold integer"),
    "out_of_range": ([0, 1, 0, 3, 2, 2], ValueError, r"labels contains class 3.*3 columns"),
    "negative": ([0, 1, 0, -1, 2, 2], ValueError, r"labels must be 0..K-1.*-1"),
    "too_short": ([0, 1, 0, 1, 2], ValueError, r"labels has 5 entries but pred_probs has 6"),
    "two_d": (LABELS[:, None], ValueError, r"labels must be a 1-D"),
    "ragged": ([[0], [1, 0], [0], [1], [2], [2]], ValueError, r"labels.*multi_label=True"),
    "none": (None, TypeError, r"labels is required"),
    "nan": ([0, 1, 0, np.nan, 2, 2], TypeError, r"labels must hold integer"),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", BAD_PRED_PROBS)
def test_bad_pred_probs(reader, case):
    pred_probs, error, message = BAD_PRED_PROBS[case]
    with pytest.raises(error, match=message):
        READERS[reader](LABELS, pred_probs)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", BAD_PRED_PROBS_WITH_LABELS)
def test_bad_shapes(reader, case):
    labels, pred_probs, error, message = BAD_PRED_PROBS_WITH_LABELS[case]
    with pytest.raises(error, match=message):
        READERS[reader](labels, pred_probs)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", BAD_LABELS)
def test_bad_labels(reader, case):
    labels, error, message = BAD_LABELS[case]
    with pytest.raises(error, match=message):
        READERS[reader](labels, PRED_PROBS)


def test_bad_value_in_the_last_row_of_a_large_parallel_input():
    labels, pred_probs = make_dataset(0, 60_000, 10, np.float32)
    assert pred_probs.nbytes > (1 << 20)
    pred_probs[-1, -1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        nb.compute_confident_joint(labels, pred_probs, n_jobs=2)
    pred_probs[-1, -1] = 1.5
    with pytest.raises(ValueError, match="above 1"):
        nb.num_label_issues(labels, pred_probs, n_jobs=2)


def test_small_rounding_in_row_sums_is_accepted():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # silently: no row-sum warning below 0.02
        p = PRED_PROBS * (1 + 1e-3)
        nb.compute_confident_joint(LABELS, p)
        nb.compute_confident_joint(LABELS, PRED_PROBS * (1 - 0.019))
        p = PRED_PROBS.copy()
        p[0, 0] += 1e-7  # just above 1 after a softmax in float32 is fine, too
        nb.compute_confident_joint(LABELS, p)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(thresholds=[0.5, 0.5]), ValueError, r"thresholds must have one entry per class"),
        (dict(collision_rule="paper"), ValueError, r"collision_rule='paper'.*row_argmax"),
        (dict(calibrate="yes"), TypeError, r"calibrate must be True or False"),
        (dict(multi_label=2), TypeError, r"multi_label must be True or False"),
        (
            dict(return_indices_of_off_diagonals="no"),
            TypeError,
            r"return_indices_of_off_diagonals must be True or False",
        ),
        (dict(n_jobs=0), ValueError, r"n_jobs must be a positive integer"),
        (dict(n_jobs=1.5), TypeError, r"n_jobs must be an integer"),
    ],
)
def test_bad_options(kwargs, error, message):
    with pytest.raises(error, match=message):
        nb.compute_confident_joint(LABELS, PRED_PROBS, **kwargs)


def test_bad_options_elsewhere():
    cj = np.array([[3, 1, 0], [0, 2, 1], [1, 0, 2]])
    with pytest.raises(ValueError, match=r"estimation_method='bad'"):
        nb.num_label_issues(LABELS, PRED_PROBS, estimation_method="bad")
    with pytest.raises(ValueError, match=r"off_diagonal_custom' needs confident_joint"):
        nb.num_label_issues(LABELS, PRED_PROBS, estimation_method="off_diagonal_custom")
    with pytest.warns(UserWarning, match="confident_joint"):
        nb.num_label_issues(LABELS, PRED_PROBS, confident_joint=cj)
    with pytest.raises(ValueError, match=r"py_method='bad'"):
        nb.estimate_latent(cj, LABELS, py_method="bad")
    with pytest.raises(ValueError, match=r"confident_joint must be a square"):
        nb.estimate_latent(cj[:2], LABELS)
    with pytest.raises(ValueError, match=r"confident_joint must be a square"):
        nb.calibrate_confident_joint(cj[:, :2], LABELS)
    with pytest.raises(ValueError, match=r"confident_joint contains NaN"):
        nb.calibrate_confident_joint(np.where(cj == 3, np.nan, cj), LABELS)
    with pytest.raises(ValueError, match=r"labels contains class 3"):
        nb.calibrate_confident_joint(cj, [0, 1, 3])
    with pytest.raises(TypeError, match=r"converge_latent_estimates must be True or False"):
        nb.estimate_latent(cj, LABELS, converge_latent_estimates="no")


def test_multilabel_bad_labels():
    p = np.array([[0.9, 0.2], [0.1, 0.7], [0.8, 0.9]])
    with pytest.raises(TypeError, match=r"labels must be a list of lists"):
        nb.compute_confident_joint(np.array([[1, 0], [0, 1], [1, 1]]), p, multi_label=True)
    with pytest.raises(ValueError, match=r"labels contains class 2"):
        nb.compute_confident_joint([[0], [2], [0, 1]], p, multi_label=True)
    with pytest.raises(ValueError, match=r"labels has 2 entries but pred_probs has 3"):
        nb.get_confident_thresholds([[0], [1]], p, multi_label=True)


# ---- inputs are never modified --------------------------------------------------


CALLS = {
    **READERS,
    "with_indices": lambda y, p: nb.compute_confident_joint(
        y, p, return_indices_of_off_diagonals=True
    ),
    "paper_rule": lambda y, p: nb.compute_confident_joint(y, p, collision_rule="confident_argmax"),
    "given_thresholds": lambda y, p: nb.compute_confident_joint(
        y, p, thresholds=np.full(p.shape[1], 0.3)
    ),
}


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("call", CALLS)
def test_inputs_are_not_modified(dtype, call):
    labels, pred_probs = make_dataset(1, 400, 5, dtype)
    pred_probs[3] = 0.0
    pred_probs[3, 1] = 1.0
    pred_probs[3, 2:] = -0.0  # the negative-zero path re-runs on a copy, never in place
    labels_before, pred_before = labels.copy(), pred_probs.copy()
    for variant in (pred_probs, np.asfortranarray(pred_probs)):
        variant.flags.writeable = False  # a write would raise
        CALLS[call](labels, variant)
    CALLS[call](list(labels), pred_probs.copy())
    np.testing.assert_array_equal(labels, labels_before)
    assert pred_probs.tobytes() == pred_before.tobytes()


def test_confident_joint_and_labels_not_modified():
    labels = LABELS.copy()
    cj = np.array([[3, 1, 0], [0, 2, 1], [1, 0, 2]])
    cj.flags.writeable = False
    labels.flags.writeable = False
    nb.calibrate_confident_joint(cj, labels)
    nb.estimate_latent(cj, labels, converge_latent_estimates=True)
    nb.estimate_joint(labels, None, confident_joint=cj)
    nb.num_label_issues(
        labels, PRED_PROBS, confident_joint=cj, estimation_method="off_diagonal_custom"
    )
    np.testing.assert_array_equal(cj, [[3, 1, 0], [0, 2, 1], [1, 0, 2]])


def test_list_and_pandas_inputs_are_accepted():
    pd = pytest.importorskip("pandas")
    expected = nb.compute_confident_joint(LABELS, PRED_PROBS)
    np.testing.assert_array_equal(
        nb.compute_confident_joint(list(LABELS), PRED_PROBS.tolist()), expected
    )
    np.testing.assert_array_equal(
        nb.compute_confident_joint(pd.Series(LABELS), pd.DataFrame(PRED_PROBS)), expected
    )


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_small_inputs_reach_the_kernels_as_one_float64_copy(dtype):
    """Below ``SMALL_INPUT_MAX_BYTES`` kernels read a float64 C-ordered copy (one
    compiled kernel for every dtype and layout), keeping the input's dtype for the
    rounding of keys and its size for the choice of twin; larger inputs, and every
    input inside ``large_input_paths``, are read as they are."""
    from cleannb import _validation

    pred_probs = np.asfortranarray(make_dataset(3, 300, 5, dtype)[1])
    before = pred_probs.copy()
    views = _validation.pred_probs_views(pred_probs)
    assert views.shared and views.dtype == dtype and views.nbytes == pred_probs.nbytes
    assert views.values.dtype == np.float64 and views.values.flags.c_contiguous
    np.testing.assert_array_equal(views.values, pred_probs.astype(np.float64))
    np.testing.assert_array_equal(views.keys, views.values.view(np.int64))
    np.testing.assert_array_equal(pred_probs, before)
    # a threshold compares as in the input's dtype: the smallest such value at or above it
    limits = np.array([0.1, 1 / 3, np.nan])
    own = _validation.ceil_keys(limits, np.dtype(dtype))
    as_float64 = own[:2].view(dtype).astype(np.float64).view(np.int64)
    np.testing.assert_array_equal(views.ceil_keys(limits)[:2], as_float64)
    assert views.ceil_keys(limits)[2] == np.iinfo(np.int64).max
    with _validation.large_input_paths():
        assert not _validation.pred_probs_views(pred_probs).shared
    large = np.zeros(
        (_validation.SMALL_INPUT_MAX_BYTES // (2 * np.dtype(dtype).itemsize), 2), dtype
    )
    assert not _validation.pred_probs_views(large).shared


def test_kernel_input_fixture_reads_small_inputs_both_ways(kernel_input):
    """The fixture that doubles the parity modules really switches the copy off."""
    from cleannb import _validation

    shared = _validation.pred_probs_views(np.zeros((4, 2), np.float32)).shared
    assert shared == (kernel_input == "float64 copy")
