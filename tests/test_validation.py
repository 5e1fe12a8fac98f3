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
    from cleannb._core import validation as _validation

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
    from cleannb._core import validation as _validation

    shared = _validation.pred_probs_views(np.zeros((4, 2), np.float32)).shared
    assert shared == (kernel_input == "float64 copy")


# --- flags: None, 0 and 1 (and numpy booleans) mean False and True, as in cleanlab,
# which tests flags with ``if flag:`` (issue 27, finding 5). Each public function that
# takes a flag (a parameter whose default is True or False) is called with every
# spelling of False and of True; results and printed output must match the bool's.

FALSY = (None, 0, np.False_)
TRUTHY = (1, np.True_)


def _flag_data():
    import pandas as pd  # noqa: F401 (CleanLearning's outputs)

    labels, pred_probs = make_dataset(4, 90, 3)
    features = np.random.default_rng(4).normal(size=(90, 2)) + pred_probs[:, :2] * 3
    multilabel = [
        [int(k) for k in np.flatnonzero(row > 0.3)] or [int(row.argmax())] for row in pred_probs
    ]
    return labels, pred_probs, features, multilabel


def _flag_calls():
    """{defining module.qualname: (flags, call(flag, value, truth))}."""
    from sklearn.linear_model import LogisticRegression

    from cleannb import (
        baseline_methods,
        dataset,
        filter,
        latent_estimation,
        noise_generation,
        plot,
        pruning,
        rank,
    )
    from cleannb import count as cnt
    from cleannb.benchmarking import noise_generation as bench_noise
    from cleannb.classification import CleanLearning, LearningWithNoisyLabels
    from cleannb.datasets import load_cifar10_noisy
    from cleannb.experimental import label_issues_batched as batched
    from cleannb.multilabel_classification import dataset as ml_dataset
    from cleannb.multilabel_classification import filter as ml_filter
    from cleannb.multilabel_classification import rank as ml_rank
    from cleannb.segmentation import filter as seg_filter
    from cleannb.segmentation import rank as seg_rank
    from cleannb.segmentation import summary as seg_summary
    from cleannb.token_classification import filter as tok_filter
    from cleannb.token_classification import rank as tok_rank
    from cleannb.token_classification import summary as tok_summary

    y, p, x, ml = _flag_data()
    # segmentation: 3 images of 6 x 5 pixels, 3 classes; tokens: the rows of p as sentences
    seg_p = np.ascontiguousarray(p.reshape(3, 6, 5, 3).transpose(0, 3, 1, 2))
    seg_y = y.reshape(3, 6, 5)
    ends = np.arange(0, 91, 7)
    tok_y = [y[a:b].tolist() for a, b in zip(ends[:-1], ends[1:], strict=True)]
    tok_p = [p[a:b] for a, b in zip(ends[:-1], ends[1:], strict=True)]
    tok_words = [[f"w{i}" for i in range(a, b)] for a, b in zip(ends[:-1], ends[1:], strict=True)]
    clf = LogisticRegression
    nm = np.array([[0.8, 0.1, 0.2], [0.1, 0.8, 0.1], [0.1, 0.1, 0.7]])
    py = np.array([0.3, 0.3, 0.4])

    def labels_for(flag, truth):
        return ml if flag == "multi_label" and truth else y

    def simple(function, *extra, **fixed):
        def call(flag, value, truth):
            return function(labels_for(flag, truth), p, *extra, **fixed, **{flag: value})

        return call

    def cj_of(truth):
        if truth:
            return cnt.compute_confident_joint(ml, p, multi_label=True, calibrate=False)
        return cnt.compute_confident_joint(y, p, calibrate=False)

    def learner(flag, value, truth):
        model = CleanLearning(clf(), seed=0, **{flag: value})
        return model.find_label_issues(x, y, pred_probs=p)

    def seed_learner(flag, value, truth):
        model = LearningWithNoisyLabels(clf(), seed=0, **{flag: value})
        model.fit(x, y, psx=p)
        return model.noise_mask, model.confident_joint

    def inspector(flag, value, truth):
        inspector = batched.LabelInspector(num_class=3, **{flag: value})
        inspector.update_confident_thresholds(y, p)
        return inspector.score_label_quality(y, p), inspector.get_num_issues()

    def inspector_method(method):
        def call(flag, value, truth):
            inspector = batched.LabelInspector(num_class=3, verbose=False)
            inspector.update_confident_thresholds(y, p)
            if method == "score_label_quality":
                scores = inspector.score_label_quality(y, p, **{flag: value})
                return scores, inspector.get_num_issues(silent=True)
            inspector.score_label_quality(y, p)
            return getattr(inspector, method)(**{flag: value})

        return call

    def cv(function, **fixed):
        def call(flag, value, truth):
            return function(x, y, clf(), cv_n_folds=3, seed=0, **fixed, **{flag: value})

        return call

    def figure(function, *args, **fixed):
        def call(flag, value, truth):
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            result = function(*args, **fixed, **{flag: value})
            fig = plt.gcf()
            summary = [
                (len(ax.texts), ax.get_title(), ax.get_legend() is not None) for ax in fig.axes
            ]
            plt.close("all")
            return result is None, summary

        return call

    calls = {
        "baseline_methods.baseline_argmax_confusion_matrix": (
            ["calibrate"],
            lambda f, v, t: baseline_methods.baseline_argmax_confusion_matrix(p, y, **{f: v}),
        ),
        "latent_estimation.calibrate_confident_joint": (
            ["multi_label"],
            lambda f, v, t: latent_estimation.calibrate_confident_joint(
                cj_of(t), labels_for(f, t), **{f: v}
            ),
        ),
        "pruning.get_noise_indices": (["multi_label"], simple(pruning.get_noise_indices)),
        "noise_generation.generate_noise_matrix_from_trace": (
            ["valid_noise_matrix"],
            lambda f, v, t: noise_generation.generate_noise_matrix_from_trace(
                3, 2.4, py=py, seed=1, **{f: v}
            ),
        ),
        "benchmarking.noise_generation.generate_noise_matrix_from_trace": (
            ["valid_noise_matrix"],
            lambda f, v, t: bench_noise.generate_noise_matrix_from_trace(
                3, 2.4, py=py, seed=1, **{f: v}
            ),
        ),
        "benchmarking.noise_generation.noise_matrix_is_valid": (
            ["verbose"],
            lambda f, v, t: bench_noise.noise_matrix_is_valid(nm, py, **{f: v}),
        ),
        "latent_estimation.estimate_py_and_noise_matrices_from_probabilities": (
            ["converge_latent_estimates", "calibrate"],
            simple(latent_estimation.estimate_py_and_noise_matrices_from_probabilities),
        ),
        "noise_generation.noise_matrix_is_valid": (
            ["verbose"],
            lambda f, v, t: noise_generation.noise_matrix_is_valid(nm, py, **{f: v}),
        ),
        "_core.internal.value_counts": (
            ["multi_label"],
            lambda f, v, t: bench_noise.value_counts(labels_for(f, t), **{f: v}),
        ),
        "_core.internal.value_counts_fill_missing_classes": (
            ["multi_label"],
            lambda f, v, t: cnt.value_counts_fill_missing_classes(labels_for(f, t), 4, **{f: v}),
        ),
        "_core.internal.assert_valid_inputs": (
            ["multi_label", "allow_missing_classes", "allow_one_class"],
            lambda f, v, t: _outcome(
                cnt.assert_valid_inputs,
                x,
                np.zeros(90, int) if f == "allow_one_class" else labels_for(f, t),
                p,
                **{f: v},
            ),
        ),
        "classification.CleanLearning.__init__": (
            ["converge_latent_estimates", "verbose", "low_memory"],
            learner,
        ),
        "classification.CleanLearning.find_label_issues": (
            ["save_space"],
            lambda f, v, t: CleanLearning(clf(), seed=0).find_label_issues(
                x, y, pred_probs=p, **{f: v}
            ),
        ),
        "classification.LearningWithNoisyLabels.__init__": (
            ["converge_latent_estimates"],
            seed_learner,
        ),
        "count.compute_confident_joint": (
            ["calibrate", "multi_label", "return_indices_of_off_diagonals"],
            simple(cnt.compute_confident_joint),
        ),
        "count.estimate_latent": (
            ["converge_latent_estimates"],
            lambda f, v, t: cnt.estimate_latent(cj_of(False), y, **{f: v}),
        ),
        "count.estimate_py_and_noise_matrices_from_probabilities": (
            ["converge_latent_estimates", "calibrate"],
            simple(cnt.estimate_py_and_noise_matrices_from_probabilities),
        ),
        "latent_estimation.estimate_py_noise_matrices_and_cv_pred_proba": (
            ["converge_latent_estimates"],
            cv(latent_estimation.estimate_py_noise_matrices_and_cv_pred_proba),
        ),
        "experimental.label_issues_batched.find_label_issues_batched": (
            ["verbose", "return_mask"],
            lambda f, v, t: batched.find_label_issues_batched(y, p, batch_size=40, **{f: v}),
        ),
        "rank.get_label_quality_scores": (
            ["adjust_pred_probs"],
            simple(rank.get_label_quality_scores),
        ),
        "count.calibrate_confident_joint": (
            ["multi_label"],
            lambda f, v, t: cnt.calibrate_confident_joint(cj_of(t), labels_for(f, t), **{f: v}),
        ),
        "_core.crossval.estimate_confident_joint_and_cv_pred_proba": (
            ["calibrate", "verbose"],
            cv(cnt.estimate_confident_joint_and_cv_pred_proba),
        ),
        "_core.crossval.estimate_cv_predicted_probabilities": (
            ["verbose"],
            cv(cnt.estimate_cv_predicted_probabilities),
        ),
        "_core.crossval.estimate_noise_matrices": (
            ["converge_latent_estimates", "verbose"],
            cv(cnt.estimate_noise_matrices),
        ),
        "_core.crossval.estimate_py_noise_matrices_and_cv_pred_proba": (
            ["converge_latent_estimates", "verbose"],
            cv(cnt.estimate_py_noise_matrices_and_cv_pred_proba),
        ),
        "count.estimate_joint": (["multi_label"], simple(cnt.estimate_joint)),
        "count.get_confident_thresholds": (["multi_label"], simple(cnt.get_confident_thresholds)),
        "count.num_label_issues": (["multi_label"], simple(cnt.num_label_issues)),
        "dataset.find_overlapping_classes": (
            ["asymmetric", "multi_label"],
            simple(dataset.find_overlapping_classes),
        ),
        "dataset.health_summary": (
            ["asymmetric", "multi_label", "verbose"],
            simple(dataset.health_summary),
        ),
        "dataset.overall_label_health_score": (
            ["multi_label", "verbose"],
            simple(dataset.overall_label_health_score),
        ),
        "dataset.rank_classes_by_label_quality": (
            ["multi_label"],
            simple(dataset.rank_classes_by_label_quality),
        ),
        "datasets.load_cifar10_noisy": (
            ["as_float32"],
            lambda f, v, t: load_cifar10_noisy(**{f: v}),
        ),
        "experimental.label_issues_batched.LabelInspector.__init__": (
            ["store_results", "verbose"],
            inspector,
        ),
        "experimental.label_issues_batched.LabelInspector.get_confident_thresholds": (
            ["silent"],
            inspector_method("get_confident_thresholds"),
        ),
        "experimental.label_issues_batched.LabelInspector.get_num_issues": (
            ["silent"],
            inspector_method("get_num_issues"),
        ),
        "experimental.label_issues_batched.LabelInspector.score_label_quality": (
            ["update_num_issues"],
            inspector_method("score_label_quality"),
        ),
        "filter.find_label_issues": (["verbose", "multi_label"], simple(filter.find_label_issues)),
        "filter.find_label_issues_using_argmax_confusion_matrix": (
            ["calibrate"],
            simple(filter.find_label_issues_using_argmax_confusion_matrix),
        ),
        "multilabel_classification.filter.find_multilabel_issues_per_class": (
            ["verbose", "low_memory"],
            lambda f, v, t: ml_filter.find_multilabel_issues_per_class(ml, p, **{f: v}),
        ),
        "filter.find_predicted_neq_given": (
            ["multi_label"],
            simple(filter.find_predicted_neq_given),
        ),
        "latent_estimation.compute_confident_joint": (
            ["calibrate", "multi_label", "return_indices_of_off_diagonals"],
            simple(latent_estimation.compute_confident_joint),
        ),
        "latent_estimation.estimate_confident_joint_and_cv_pred_proba": (
            ["calibrate"],
            cv(latent_estimation.estimate_confident_joint_and_cv_pred_proba),
        ),
        "latent_estimation.estimate_confident_joint_from_probabilities": (
            # force_ps is also a number of epochs (0.1.0): 1 means one epoch, not True
            ["force_ps", "return_list_of_converging_cj_matrices"],
            simple(latent_estimation.estimate_confident_joint_from_probabilities),
        ),
        "latent_estimation.estimate_joint": (
            ["multi_label"],
            simple(latent_estimation.estimate_joint),
        ),
        "latent_estimation.estimate_latent": (
            ["converge_latent_estimates"],
            lambda f, v, t: latent_estimation.estimate_latent(cj_of(False), y, **{f: v}),
        ),
        "latent_estimation.estimate_noise_matrices": (
            ["converge_latent_estimates"],
            cv(latent_estimation.estimate_noise_matrices),
        ),
        "multilabel_classification.filter.find_label_issues": (
            ["verbose", "low_memory"],
            lambda f, v, t: ml_filter.find_label_issues(ml, p, **{f: v}),
        ),
        "multilabel_classification.dataset.multilabel_health_summary": (
            ["verbose"],
            lambda f, v, t: ml_dataset.multilabel_health_summary(ml, p, **{f: v}),
        ),
        "multilabel_classification.rank.get_label_quality_scores": (
            ["adjust_pred_probs"],
            lambda f, v, t: ml_rank.get_label_quality_scores(ml, p, **{f: v}),
        ),
        "_core.multilabel_scorer.MultilabelScorer.__init__": (
            ["strict"],
            lambda f, v, t: ml_rank.MultilabelScorer(**{f: v})(
                np.array([[1 if k in row else 0 for k in range(3)] for row in ml]), p
            ),
        ),
        "multilabel_classification.rank.get_label_quality_scores_per_class": (
            ["adjust_pred_probs"],
            lambda f, v, t: ml_rank.get_label_quality_scores_per_class(ml, p, **{f: v}),
        ),
        "noise_generation.generate_noise_matrix": (
            ["verbose"],
            lambda f, v, t: noise_generation.generate_noise_matrix(3, 0.5, seed=2, **{f: v}),
        ),
        "noise_generation.generate_noisy_labels": (
            ["verbose"],
            lambda f, v, t: noise_generation.generate_noisy_labels(y, nm, seed=3, **{f: v}),
        ),
        "plot._data.plot_decision_boundary": (
            ["legend"],
            figure(plot.plot_decision_boundary, clf().fit(x, y), x, labels=y, resolution=20),
        ),
        "plot._data.plot_issues_scatter": (
            ["legend"],
            figure(plot.plot_issues_scatter, x, y, np.arange(90) % 7 == 0),
        ),
        "plot._matrices.plot_noise_matrices": (
            ["show_rmse"],
            figure(plot.plot_noise_matrices, nm, nm),
        ),
        "plot._matrices.plot_noise_matrix": (["colorbar"], figure(plot.plot_noise_matrix, nm)),
        "rank.get_label_quality_ensemble_scores": (
            ["adjust_pred_probs", "verbose"],
            lambda f, v, t: rank.get_label_quality_ensemble_scores(y, [p, p[:, ::-1]], **{f: v}),
        ),
        "segmentation.filter.find_label_issues": (
            ["verbose"],
            lambda f, v, t: seg_filter.find_label_issues(seg_y, seg_p, **{f: v}),
        ),
        "segmentation.rank.get_label_quality_scores": (
            ["verbose"],
            lambda f, v, t: seg_rank.get_label_quality_scores(seg_y, seg_p, **{f: v}),
        ),
        "segmentation.summary.common_label_issues": (
            ["verbose"],
            lambda f, v, t: seg_summary.common_label_issues(
                seg_filter.find_label_issues(seg_y, seg_p, verbose=False), seg_y, seg_p, **{f: v}
            ),
        ),
        "token_classification.filter.find_label_issues": (
            ["low_memory"],
            lambda f, v, t: tok_filter.find_label_issues(tok_y, tok_p, **{f: v}),
        ),
        "token_classification.rank.get_label_quality_scores": (
            ["flat_token_scores"],
            lambda f, v, t: tok_rank.get_label_quality_scores(tok_y, tok_p, **{f: v}),
        ),
        "token_classification.summary.common_label_issues": (
            ["verbose"],
            lambda f, v, t: tok_summary.common_label_issues(
                tok_filter.find_label_issues(tok_y, tok_p),
                tok_words,
                labels=tok_y,
                pred_probs=tok_p,
                **{f: v},
            ),
        ),
    }
    return calls


def _outcome(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except (ValueError, TypeError) as error:
        return type(error).__name__, str(error)


def _public_flags():
    """{defining module.qualname: flags} over the ``__all__`` of every public module."""
    import importlib
    import inspect
    import pkgutil

    import cleannb

    found = {}
    for info in pkgutil.walk_packages(cleannb.__path__, "cleannb."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        for attribute in getattr(module, "__all__", []):
            obj = getattr(module, attribute)
            if inspect.isclass(obj):
                members = [
                    f
                    for n, f in inspect.getmembers(obj, inspect.isfunction)
                    if not n.startswith("_") or n == "__init__"
                ]
            else:
                members = [obj] if callable(obj) else []
            for function in members:
                try:
                    parameters = inspect.signature(function).parameters.values()
                except (TypeError, ValueError):
                    continue
                flags = [q.name for q in parameters if isinstance(q.default, bool)]
                if flags and function.__module__.startswith("cleannb."):
                    key = f"{function.__module__[len('cleannb.') :]}.{function.__qualname__}"
                    found[key] = flags
    return found


_FLAG_CALLS = None


def _calls():
    global _FLAG_CALLS
    if _FLAG_CALLS is None:
        _FLAG_CALLS = _flag_calls()
    return _FLAG_CALLS


def test_every_public_flag_is_tested():
    expected = {key: sorted(flags) for key, (flags, _) in _calls().items()}
    assert {key: sorted(flags) for key, flags in _public_flags().items()} == expected


def _same(a, b):
    import pandas as pd

    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=a.dtype.kind == "f")
    if isinstance(a, pd.DataFrame | pd.Series):
        return a.equals(b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b, strict=True))
    if isinstance(a, float) and np.isnan(a):
        return np.isnan(b)
    return a == b


def _run_flag(call, flag, value, truth, capsys):
    np.random.seed(0)  # noqa: NPY002 (functions drawing from the global RNG, as cleanlab)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = call(flag, value, truth)
        except (ValueError, TypeError) as error:  # e.g. multi-label data where not supported
            result = (type(error).__name__, str(error))
    return result, capsys.readouterr().out


@pytest.mark.parametrize(
    ("key", "flag"),
    [
        pytest.param(key, flag, id=f"{key}-{flag}")
        for key, flags in sorted(_public_flags().items())
        for flag in flags
    ],
)
def test_flags_take_none_0_1_as_cleanlab_does(key, flag, capsys):
    if key == "datasets.load_cifar10_noisy":
        pytest.importorskip("cleannb.datasets")
        from cleannb import datasets

        try:
            datasets.load_cifar10_noisy()
        except (FileNotFoundError, OSError, ValueError):
            pytest.skip("the CIFAR-10 data are not available here")
    if key.startswith("plot."):
        pytest.importorskip("matplotlib")
    call = _calls()[key][1]
    for truth, spellings in ((False, FALSY), (True, TRUTHY)):
        if key.endswith("estimate_confident_joint_from_probabilities") and flag == "force_ps":
            spellings = (None, 0, np.False_) if not truth else (np.True_,)
        # cleanlab 2.9's multi-label scorer adjusts only for the object True
        # (test_multilabel_adjust_is_true_only): 1 and numpy.True_ mean False there
        meaning = truth and not key.startswith(MULTILABEL_RANK)
        expected = _run_flag(call, flag, meaning, truth, capsys)
        for value in spellings:
            got = _run_flag(call, flag, value, truth, capsys)
            assert _same(got[0], expected[0]), (value, got[0], expected[0])
            assert got[1] == expected[1], value  # printed output too (verbose flags)


MULTILABEL_RANK = "multilabel_classification.rank.get_label_quality_scores"


def test_multilabel_adjust_is_true_only():
    """cleanlab 2.9 (``MultilabelScorer``) tests ``adjust_pred_probs is True``."""
    cl_rank = pytest.importorskip("cleanlab.multilabel_classification.rank")
    from cleannb.multilabel_classification import rank as ml_rank

    _, pred_probs, _, labels = _flag_data()
    for value in (True, 1, np.True_, None, 0):
        np.testing.assert_allclose(
            ml_rank.get_label_quality_scores(labels, pred_probs, adjust_pred_probs=value),
            cl_rank.get_label_quality_scores(labels, pred_probs, adjust_pred_probs=value),
            rtol=1e-12,
        )


@pytest.mark.parametrize("wrong", ["yes", 2, 0.5, [True]])
def test_check_flag_still_refuses_other_values(wrong):
    from cleannb._core.validation import check_flag

    with pytest.raises(TypeError, match=r"adjust_pred_probs must be True or False \(or None"):
        check_flag(wrong, "adjust_pred_probs")


@pytest.mark.parametrize("value", [None, 0, 1, np.False_, np.True_])
def test_flags_in_keyword_dicts(value):
    """``adjust_pred_probs`` inside ``rank_by_kwargs`` / ``quality_score_kwargs``."""
    from cleannb import filter, rank
    from cleannb.experimental import label_issues_batched as batched
    from cleannb.multilabel_classification import filter as ml_filter

    labels, pred_probs, _, multilabel = _flag_data()
    truth = bool(value)

    def ranked(v):
        return filter.find_label_issues(
            labels,
            pred_probs,
            return_indices_ranked_by="normalized_margin",
            rank_by_kwargs={"adjust_pred_probs": v},
        )

    np.testing.assert_array_equal(ranked(value), ranked(truth))
    mask = np.arange(90) % 4 == 0
    np.testing.assert_array_equal(
        rank.order_label_issues(
            mask, labels, pred_probs, rank_by_kwargs={"adjust_pred_probs": value}
        ),
        rank.order_label_issues(
            mask, labels, pred_probs, rank_by_kwargs={"adjust_pred_probs": truth}
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, expected = (  # True raises (not supported in batches): 1 must raise alike
            _outcome(
                batched.find_label_issues_batched,
                labels,
                pred_probs,
                verbose=False,
                quality_score_kwargs={"adjust_pred_probs": v},
            )
            for v in (value, truth)
        )
    assert _same(got, expected)
    cl_filter = pytest.importorskip("cleanlab.multilabel_classification.filter")
    for ranked_by in ("self_confidence", "normalized_margin"):
        np.testing.assert_array_equal(
            ml_filter.find_label_issues(
                multilabel,
                pred_probs,
                return_indices_ranked_by=ranked_by,
                rank_by_kwargs={"adjust_pred_probs": value},
            ),
            cl_filter.find_label_issues(
                multilabel,
                pred_probs,
                return_indices_ranked_by=ranked_by,
                rank_by_kwargs={"adjust_pred_probs": value},
            ),
        )


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("shape", [(1, 2), (5, 3), (9000, 4), (300, 1500)])  # 1 to 3 blocks
def test_key_range_equals_numpy_min_and_max_of_the_keys(dtype, order, shape):
    from cleannb._core.validation import key_range

    rng = np.random.default_rng(shape[0])
    values = np.asarray(rng.random(shape), dtype=dtype, order=order)
    values[rng.integers(0, shape[0]), rng.integers(0, shape[1])] = -0.0
    values[rng.integers(0, shape[0]), rng.integers(0, shape[1])] = 1.0 + 1e-3
    keys = values.view({2: np.int16, 4: np.int32, 8: np.int64}[values.itemsize])
    assert key_range(values) == (int(keys.min()), int(keys.max()))
    assert key_range(values[::2, ::-1]) == (int(keys[::2].min()), int(keys[::2].max()))
