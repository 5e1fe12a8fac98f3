"""``cleannb.count`` against cleanlab 2.9 (live) and the slow references.

Parity datasets come from ``conftest.parity_dataset``: random, K from 2 to 50,
every kind of tie kept (equal counts in a row of the confident joint, so equal
calibration residuals; tied row maxima; repeated values; float16; float32 on a
0.001 grid; rows summing to about 0.99; classes with one example). Counts must
be equal exactly (calibrated joints included: cleanlab's rounding order is the
reference), floats to 1e-10 relative.
"""

from __future__ import annotations

import functools
import warnings

import naive
import numpy as np
import pytest
from cleanlab import count as cl
from conftest import (
    PARITY_KINDS,
    calibration_ties,
    make_dataset,
    parity_dataset,
    value_ties,
)
from sklearn.linear_model import LogisticRegression

from cleannb import count as nb

pytestmark = pytest.mark.usefixtures("kernel_input")

FLOAT_TOL = 1e-10
STREAM = 2  # conftest.parity_dataset stream of this module
N_PARITY = 24
# (N, K, kind) of larger datasets
LARGE_SHAPES = [(3000, 20, "tied"), (8000, 40, "float16"), (5000, 100, "round3")]


@functools.cache
def parity_data(index, kind=None):
    """The index-th parity dataset of this module (N 60..6000, K 2..50)."""
    return parity_dataset(index, kind, stream=STREAM, n_range=(60, 6000))


@functools.cache
def large_dataset(index):
    n, k, kind = LARGE_SHAPES[index]
    return parity_dataset(index, kind, stream=STREAM + 100, n=n, k=k)


def assert_close(ours, theirs):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=FLOAT_TOL, atol=1e-14)


def assert_thresholds(ours, theirs, dtype):
    """The same bits and dtype: numpy's mean, as cleanlab computes it."""
    assert ours.dtype == theirs.dtype
    assert theirs.dtype == dtype or theirs.dtype == np.float64
    np.testing.assert_array_equal(ours, theirs)


def calibrated_reference(raw, labels):
    """The naive count ``raw`` calibrated with cleanlab's rounding (its tie order)."""
    return cl.calibrate_confident_joint(raw, labels)


@pytest.fixture(scope="module", params=range(N_PARITY))
def parity(request):
    return parity_data(request.param)


@pytest.mark.parametrize("index", range(len(LARGE_SHAPES)))
def test_large_parity(index):
    labels, pred_probs = large_dataset(index)
    assert_thresholds(
        nb.get_confident_thresholds(labels, pred_probs),
        cl.get_confident_thresholds(labels, pred_probs),
        pred_probs.dtype,
    )
    for calibrate in (False, True):
        ours, off = nb.compute_confident_joint(
            labels, pred_probs, calibrate=calibrate, return_indices_of_off_diagonals=True
        )
        theirs, their_off = cl.compute_confident_joint(
            labels, pred_probs, calibrate=calibrate, return_indices_of_off_diagonals=True
        )
        np.testing.assert_array_equal(ours, theirs, err_msg=f"calibrate={calibrate}")
        np.testing.assert_array_equal(off, their_off)
    assert nb.num_label_issues(labels, pred_probs) == cl.num_label_issues(labels, pred_probs)


def test_parity_datasets_are_varied_and_tied():
    """The parity data hold every kind of tie (nothing is redrawn to avoid one)."""
    data = [parity_data(i) for i in range(N_PARITY)]
    shapes = [p.shape for _, p in data]
    assert len({n for n, _ in shapes}) >= 10
    ks = {k for _, k in shapes}
    assert min(ks) == 2 and max(ks) == 50 and len(ks) >= 10
    assert {p.dtype for _, p in data} == {np.dtype(t) for t in (np.float16, np.float32, float)}
    assert len(PARITY_KINDS) == 6 and N_PARITY % 6 == 0  # every kind four times
    tied_calibration = [
        calibration_ties(cl.compute_confident_joint(y, p, calibrate=False), y) for y, p in data
    ]
    assert sum(t > 0 for t in tied_calibration) >= N_PARITY // 3
    ties = [value_ties(y, p) for y, p in data]
    for kind in ("tied_max", "repeated_in_column", "equal_own_probability"):
        assert sum(t[kind] > 0 for t in ties) >= 6, kind
    assert sum(np.any(np.bincount(y) == 1) for y, _ in data) >= 5
    assert all(np.all(np.bincount(y, minlength=p.shape[1]) > 0) for y, p in data)
    deviation = [np.abs(p.astype(float).sum(axis=1) - 1).max() for _, p in data]
    assert sum(0.005 < d <= 0.02 for d in deviation) >= 4


def test_thresholds(parity):
    labels, pred_probs = parity
    ours = nb.get_confident_thresholds(labels, pred_probs)
    assert_thresholds(ours, cl.get_confident_thresholds(labels, pred_probs), pred_probs.dtype)
    np.testing.assert_array_equal(ours, naive.thresholds(labels, pred_probs))


@pytest.mark.parametrize("calibrate", [False, True])
def test_confident_joint(parity, calibrate):
    labels, pred_probs = parity
    ours, off = nb.compute_confident_joint(
        labels, pred_probs, calibrate=calibrate, return_indices_of_off_diagonals=True
    )
    theirs, their_off = cl.compute_confident_joint(
        labels, pred_probs, calibrate=calibrate, return_indices_of_off_diagonals=True
    )
    assert ours.dtype.kind == "i"
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(off, their_off)
    slow, slow_off = naive.confident_joint(labels, pred_probs, calibrate=False)
    if calibrate:
        slow = calibrated_reference(slow, labels)
    np.testing.assert_array_equal(ours, slow)
    np.testing.assert_array_equal(off, slow_off)


def test_joint_and_latent(parity):
    labels, pred_probs = parity
    assert_close(nb.estimate_joint(labels, pred_probs), cl.estimate_joint(labels, pred_probs))
    ours = nb.estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs)
    theirs = cl.estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs)
    assert len(ours) == len(theirs) == 4  # py, noise matrix, inverse, confident joint
    for a, b in zip(ours, theirs, strict=True):
        assert_close(a, b)


@pytest.mark.parametrize("method", ["off_diagonal", "off_diagonal_calibrated"])
def test_num_label_issues(parity, method):
    labels, pred_probs = parity
    ours = nb.num_label_issues(labels, pred_probs, estimation_method=method)
    theirs = cl.num_label_issues(labels, pred_probs, estimation_method=method)
    assert type(ours) is type(theirs) and ours == theirs
    if method == "off_diagonal":
        assert ours == naive.num_label_issues_off_diagonal(labels, pred_probs)


def test_num_label_issues_custom_joint(parity):
    labels, pred_probs = parity
    cj = cl.compute_confident_joint(labels, pred_probs, calibrate=False)
    ours = nb.num_label_issues(
        labels, pred_probs, confident_joint=cj, estimation_method="off_diagonal_custom"
    )
    assert ours == int(
        cl.num_label_issues(
            labels, pred_probs, confident_joint=cj, estimation_method="off_diagonal_custom"
        )
    )


@pytest.mark.parametrize("py_method", ["cnt", "eqn", "marginal", "marginal_ps"])
@pytest.mark.parametrize("converge", [False, True])
def test_estimate_latent_every_py_method(py_method, converge):
    for index in range(0, N_PARITY, 3):
        labels, pred_probs = parity_data(index)
        cj = cl.compute_confident_joint(labels, pred_probs)
        kw = dict(py_method=py_method, converge_latent_estimates=converge)
        ours = nb.estimate_latent(cj, labels, **kw)
        theirs = cl.estimate_latent(cj, labels, **kw)
        for a, b in zip(ours, theirs, strict=False):
            assert_close(a, b)
        ours = nb.estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs, **kw)
        theirs = cl.estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs, **kw)
        for a, b in zip(ours, theirs, strict=False):
            assert_close(a, b)


def test_calibrate_confident_joint():
    checked = 0
    for index in range(N_PARITY):
        labels, pred_probs = parity_data(index)
        cj = cl.compute_confident_joint(labels, pred_probs, calibrate=False)
        ours = nb.calibrate_confident_joint(cj, labels)
        np.testing.assert_array_equal(ours, cl.calibrate_confident_joint(cj, labels))
        np.testing.assert_array_equal(ours.sum(axis=1), np.bincount(labels, minlength=len(cj)))
        checked += 1
    assert checked == N_PARITY


def test_explicit_thresholds_float32_match_cleanlab():
    """With float64 thresholds given, cleanlab compares float32 values exactly too."""
    for index in range(6):
        labels, pred_probs = parity_data(index, ("round3", "sum099")[index % 2])
        assert pred_probs.dtype == np.float32
        thresholds = naive.thresholds(labels, pred_probs)
        for calibrate in (False, True):
            ours = nb.compute_confident_joint(
                labels, pred_probs, thresholds=thresholds, calibrate=calibrate
            )
            theirs = cl.compute_confident_joint(
                labels, pred_probs, thresholds=thresholds, calibrate=calibrate
            )
            np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_low_precision_and_layouts_match_reference(dtype, layout):
    labels, pred_probs = make_dataset(21, 900, 6, dtype, "skewed")
    if layout == "F":
        pred_probs = np.asfortranarray(pred_probs)
    elif layout == "strided":
        pred_probs = np.repeat(pred_probs, 2, axis=1)[:, ::2]
    ours = nb.get_confident_thresholds(labels, pred_probs)
    np.testing.assert_array_equal(ours, naive.thresholds(labels, pred_probs))
    for calibrate in (False, True):
        ours, off = nb.compute_confident_joint(
            labels, pred_probs, calibrate=calibrate, return_indices_of_off_diagonals=True
        )
        slow, slow_off = naive.confident_joint(labels, pred_probs, calibrate=False)
        if calibrate:
            slow = calibrated_reference(slow, labels)
        np.testing.assert_array_equal(ours, slow)
        np.testing.assert_array_equal(off, slow_off)
    assert nb.num_label_issues(labels, pred_probs) == naive.num_label_issues_off_diagonal(
        labels, pred_probs
    )


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_low_precision_thresholds_and_joint_are_cleanlabs(dtype):
    """Thresholds are numpy's mean in the input dtype (pairwise sums), as cleanlab's.

    A mean one ulp off (an exact float64 sum rounded once, as cleannb had)
    moves the count of a row whose value sits at the threshold limit.
    """
    for index in range(0, N_PARITY, 4):
        labels, pred_probs = parity_data(index, "float16" if dtype == np.float16 else "round3")
        theirs = cl.get_confident_thresholds(labels, pred_probs)
        assert_thresholds(nb.get_confident_thresholds(labels, pred_probs), theirs, dtype)
        for calibrate in (False, True):
            for given in (None, theirs):
                np.testing.assert_array_equal(
                    nb.compute_confident_joint(
                        labels, pred_probs, thresholds=given, calibrate=calibrate
                    ),
                    cl.compute_confident_joint(
                        labels, pred_probs, thresholds=given, calibrate=calibrate
                    ),
                )


def test_collision_rule_confident_argmax():
    labels, pred_probs = make_dataset(8, 3000, 7, np.float64, "skewed", sharpness=1.0)
    thresholds = np.random.default_rng(1).uniform(0.1, 0.5, 7)
    for calibrate in (False, True):
        ours = nb.compute_confident_joint(
            labels,
            pred_probs,
            thresholds=thresholds,
            calibrate=calibrate,
            collision_rule="confident_argmax",
        )
        slow, _ = naive.confident_joint(
            labels, pred_probs, thresholds, False, collision_rule="confident_argmax"
        )
        if calibrate:
            slow = calibrated_reference(slow, labels)
        np.testing.assert_array_equal(ours, slow)
    default = nb.compute_confident_joint(labels, pred_probs, thresholds=thresholds, calibrate=False)
    assert np.any(
        default
        != nb.compute_confident_joint(
            labels,
            pred_probs,
            thresholds=thresholds,
            calibrate=False,
            collision_rule="confident_argmax",
        )
    )


def test_absent_class_gets_threshold_two():
    labels, pred_probs = make_dataset(4, 500, 5, np.float64, every_class=False)
    labels[labels == 3] = 1
    ours = nb.get_confident_thresholds(labels, pred_probs)
    assert ours[3] == 2.0
    assert_close(ours, cl.get_confident_thresholds(labels, pred_probs))
    np.testing.assert_array_equal(
        nb.compute_confident_joint(labels, pred_probs, calibrate=False),
        cl.compute_confident_joint(labels, pred_probs, calibrate=False),
    )


# ---- multi-label ----------------------------------------------------------------


def multilabel_dataset(seed, n, k):
    rng = np.random.default_rng(seed)
    truth = rng.random((n, k)) < rng.uniform(0.1, 0.5, k)
    noisy = truth ^ (rng.random((n, k)) < 0.1)
    labels = [list(np.flatnonzero(row)) for row in noisy]  # ragged, some empty
    pred_probs = np.clip(truth * 0.6 + rng.uniform(0.0, 0.4, (n, k)), 0.0, 1.0)
    return labels, pred_probs


@pytest.mark.parametrize("seed", range(3))
def test_multilabel_against_cleanlab(seed):
    labels, pred_probs = multilabel_dataset(seed, 300 + 100 * seed, 4 + seed)
    assert len({len(row) for row in labels}) > 1 and any(len(row) == 0 for row in labels)
    assert_close(
        nb.get_confident_thresholds(labels, pred_probs, multi_label=True),
        cl.get_confident_thresholds(labels, pred_probs, multi_label=True),
    )
    for calibrate in (False, True):
        ours, off = nb.compute_confident_joint(
            labels,
            pred_probs,
            multi_label=True,
            calibrate=calibrate,
            return_indices_of_off_diagonals=True,
        )
        theirs, their_off = cl.compute_confident_joint(
            labels,
            pred_probs,
            multi_label=True,
            calibrate=calibrate,
            return_indices_of_off_diagonals=True,
        )
        assert ours.shape == (pred_probs.shape[1], 2, 2)
        np.testing.assert_array_equal(ours, theirs)
        assert len(off) == len(their_off)
        for a, b in zip(off, their_off, strict=False):
            np.testing.assert_array_equal(a, b)
    raw = cl.compute_confident_joint(labels, pred_probs, multi_label=True, calibrate=False)
    np.testing.assert_array_equal(
        nb.calibrate_confident_joint(raw, labels, multi_label=True),
        cl.calibrate_confident_joint(raw, labels, multi_label=True),
    )
    assert_close(
        nb.estimate_joint(labels, pred_probs, multi_label=True),
        cl.estimate_joint(labels, pred_probs, multi_label=True),
    )


# ---- cross-validation -----------------------------------------------------------


def cv_data(seed, n=240, k=3, missing_fold_class=False):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    X = rng.normal(size=(n, 4)) + labels[:, None] * 0.8
    flip = rng.random(n) < 0.15
    labels[flip] = rng.integers(0, k, int(flip.sum()))
    if missing_fold_class:
        labels[labels == k - 1] = 0
        labels[7] = k - 1  # one member: absent from the training part of its own fold
    return X, labels


CV_FUNCTIONS = [
    "estimate_cv_predicted_probabilities",
    "estimate_confident_joint_and_cv_pred_proba",
    "estimate_py_noise_matrices_and_cv_pred_proba",
    "estimate_noise_matrices",
]


def _cv_outputs(module, name, X, labels, **kw):
    out = getattr(module, name)(X, labels, LogisticRegression(), cv_n_folds=3, seed=7, **kw)
    return out if isinstance(out, tuple) else (out,)


@pytest.mark.parametrize("name", CV_FUNCTIONS)
def test_cv_functions_match_cleanlab(name):
    X, labels = cv_data(0)
    ours = _cv_outputs(nb, name, X, labels)
    theirs = _cv_outputs(cl, name, X, labels)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=False):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-8)


def test_cv_class_missing_from_training_fold():
    X, labels = cv_data(1, missing_fold_class=True)
    with pytest.warns(UserWarning, match=r"classes \[2\]"):
        ours = nb.estimate_confident_joint_and_cv_pred_proba(
            X, labels, LogisticRegression(), cv_n_folds=3, seed=3
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = cl.estimate_confident_joint_and_cv_pred_proba(
            X, labels, LogisticRegression(), cv_n_folds=3, seed=3
        )
    np.testing.assert_allclose(ours[1], theirs[1], rtol=0, atol=1e-8)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1][7], [0.0, 0.0, 1.0])


def test_cv_verbose_runs(capsys):
    X, labels = cv_data(2)
    quiet = nb.estimate_py_noise_matrices_and_cv_pred_proba(X, labels, cv_n_folds=3, seed=1)
    loud = nb.estimate_py_noise_matrices_and_cv_pred_proba(
        X, labels, cv_n_folds=3, seed=1, verbose=True
    )
    for a, b in zip(quiet, loud, strict=False):
        np.testing.assert_array_equal(a, b)
    assert "cross-validation" in capsys.readouterr().err


# ---- properties -------------------------------------------------------------------


@pytest.mark.parametrize("index", [0, 5, 11])
def test_properties(index):
    labels, pred_probs = parity_data(index)
    k = pred_probs.shape[1]
    raw, off = nb.compute_confident_joint(
        labels, pred_probs, calibrate=False, return_indices_of_off_diagonals=True
    )
    calibrated = nb.compute_confident_joint(labels, pred_probs)
    np.testing.assert_array_equal(calibrated.sum(axis=1), np.bincount(labels, minlength=k))
    assert raw.diagonal().min() >= 1
    assert raw.sum() - np.trace(raw) == off.size
    assert np.all(np.diff(off) > 0)
    py, nm, inv, _ = nb.estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs)
    np.testing.assert_allclose(py.sum(), 1.0)
    np.testing.assert_allclose(nm.sum(axis=0), 1.0)
    np.testing.assert_allclose(inv.sum(axis=0), 1.0)
    assert nb.num_label_issues(labels, pred_probs) <= off.size


@pytest.mark.parametrize(
    "method", ["off_diagonal", "off_diagonal_calibrated", "off_diagonal_custom"]
)
def test_num_label_issues_returns_cleanlabs_type(method):
    rng = np.random.default_rng(7)
    pred_probs = rng.dirichlet(np.ones(4), 300).astype(np.float32)
    labels = rng.integers(0, 4, 300)
    joint = nb.compute_confident_joint(labels, pred_probs)
    kwargs = {"confident_joint": joint} if method == "off_diagonal_custom" else {}
    ours = nb.num_label_issues(labels, pred_probs, estimation_method=method, **kwargs)
    theirs = cl.num_label_issues(labels, pred_probs, estimation_method=method, **kwargs)
    assert type(ours) is type(theirs) and ours == theirs
