"""Estimate the confident joint, the noise matrices and the true-label prior.

The modern vocabulary (cleanlab 2.x names, keyword-only arguments, 2.9's
defaults and results). Rows of a confident joint are given labels ``s``,
columns are true labels ``y``. Every function that reads ``pred_probs``
accepts float16, float32 or float64 in any memory layout without copying it,
validates it on the way, and takes ``n_jobs`` (None or -1: all cores).
"""

from __future__ import annotations

import warnings

import numpy as np

from ._core import algebra as _algebra
from ._core import calibration as _calibration
from ._core import confident as _confident
from ._core import pipeline as _pipeline
from ._core.parallel import num_threads
from ._core.pipeline import (
    calibrated_issue_count,
    confident_pass,
    confident_thresholds,
    count_off_diagonal_issues,
    off_diagonal_rows,
)
from ._core.source import as_pred_probs
from ._core.validation import (
    check_choice,
    check_flag,
    check_labels,
    check_square,
)

COLLISION_RULES = ("row_argmax", "confident_argmax")
NUM_ISSUE_METHODS = ("off_diagonal", "off_diagonal_calibrated", "off_diagonal_custom")

__all__ = [
    "calibrate_confident_joint",
    "compute_confident_joint",
    "estimate_confident_joint_and_cv_pred_proba",
    "estimate_cv_predicted_probabilities",
    "estimate_joint",
    "estimate_latent",
    "estimate_noise_matrices",
    "estimate_py_and_noise_matrices_from_probabilities",
    "estimate_py_noise_matrices_and_cv_pred_proba",
    "get_confident_thresholds",
    "num_label_issues",
]


def _inputs(labels, pred_probs):
    pred_probs = as_pred_probs(pred_probs)
    labels = check_labels(labels, num_classes=pred_probs.shape[1], n_rows=pred_probs.shape[0])
    return labels, pred_probs


def get_confident_thresholds(labels, pred_probs, multi_label=False, *, n_jobs=None):
    """Per-class confident thresholds: the mean self-confidence of each class.

    ``thresholds[k]`` is the average of ``pred_probs[i, k]`` over the examples
    labelled ``k``: 2.0 for a class with no examples (so no example is ever
    confidently of it), clipped below at 2e-6. Sums are accumulated in
    float64 whatever the dtype of ``pred_probs``, then rounded to it.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given (possibly noisy) labels 0..K-1; with ``multi_label``, a list of
        lists of labels.
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
        Out-of-sample predicted probabilities; rows sum to 1 (multi-class).
    multi_label : bool, default False
        One-vs-rest thresholds of shape (K, 2) for multi-label data.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.ndarray
        Shape (K,) (or (K, 2) with ``multi_label``); the dtype of
        ``pred_probs`` (float64 when a class has no examples), as in cleanlab.

    Raises
    ------
    ValueError, TypeError
        On malformed ``labels`` or ``pred_probs`` (the message names which).

    Notes
    -----
    O(N) time for the means (one gather per row) plus one validating read of
    ``pred_probs``; O(K) extra memory beyond O(N) row outputs.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import get_confident_thresholds
    >>> pred_probs = np.array([[0.9, 0.1], [0.7, 0.3], [0.2, 0.8]])
    >>> get_confident_thresholds([0, 0, 1], pred_probs)
    array([0.8, 0.8])
    """
    if check_flag(multi_label, "multi_label"):
        from ._core.multilabel import confident_thresholds as multilabel_thresholds

        return multilabel_thresholds(labels, pred_probs)
    labels, pred_probs = _inputs(labels, pred_probs)
    with num_threads(n_jobs):
        thresholds = confident_thresholds(labels, pred_probs)
        _confident.row_pass(pred_probs, labels)
    return thresholds


def compute_confident_joint(
    labels,
    pred_probs,
    *,
    thresholds=None,
    calibrate=True,
    multi_label=False,
    return_indices_of_off_diagonals=False,
    collision_rule="row_argmax",
    n_jobs=None,
):
    """Count, for each given label, the examples confidently of each true class.

    An example counts in cell ``[s, y]`` when its given label is ``s`` and
    ``y`` is its confident class: the only class whose probability reaches
    ``thresholds[y] - 1e-6``; when two or more classes reach theirs, the
    row's argmax (cleanlab's rule, ``collision_rule="row_argmax"``) or the
    most probable of the confident classes (the paper's rule,
    ``collision_rule="confident_argmax"``). Examples confident of no class are
    not counted. The diagonal is raised to at least 1 (as cleanlab 2.x does)
    and, with ``calibrate``, rows are rescaled to the label counts and the
    total to N, then rounded so that row sums are exact.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1 (a list of lists with ``multi_label``).
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
        Out-of-sample predicted probabilities (float16, float32 or float64).
    thresholds : array_like, shape (K,), optional
        Per-class thresholds; default :func:`get_confident_thresholds`.
    calibrate : bool, default True
        Calibrate the counts (see above).
    multi_label : bool, default False
        Return one-vs-rest (K, 2, 2) matrices for multi-label data.
    return_indices_of_off_diagonals : bool, default False
        Also return the ascending indices of the examples counted off the
        diagonal (for ``multi_label``, a list of such arrays, one per class).
    collision_rule : {"row_argmax", "confident_argmax"}, default "row_argmax"
        How to resolve rows where two or more classes are confident.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    confident_joint : numpy.ndarray of int64, shape (K, K)
    indices : numpy.ndarray of int64
        Only with ``return_indices_of_off_diagonals``.

    Notes
    -----
    Two reads of ``pred_probs``'s memory at most: a gather of one value per
    row for the thresholds and one streaming pass. Extra memory: 8 bytes a
    row plus O(K^2); ``pred_probs`` of 1 MiB or more is never copied or upcast
    (smaller ones are read through one float64 copy).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import compute_confident_joint
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.95, 0.05]])
    >>> compute_confident_joint([0, 0, 1, 1, 1], pred_probs, calibrate=False)
    array([[1, 0],
           [1, 2]])
    """
    check_choice(collision_rule, "collision_rule", COLLISION_RULES)
    calibrate = check_flag(calibrate, "calibrate")
    want_indices = check_flag(return_indices_of_off_diagonals, "return_indices_of_off_diagonals")
    if check_flag(multi_label, "multi_label"):
        from ._core.multilabel import binary_tasks, binary_thresholds

        results = [
            compute_confident_joint(
                y,
                p,
                thresholds=binary_thresholds(y, p) if thresholds is None else thresholds,
                calibrate=calibrate,
                return_indices_of_off_diagonals=want_indices,
                collision_rule=collision_rule,
                n_jobs=n_jobs,
            )
            for y, p in binary_tasks(labels, pred_probs)
        ]
        if want_indices:
            return np.array([cj for cj, _ in results]), [idx for _, idx in results]
        return np.array(results)
    labels, pred_probs = _inputs(labels, pred_probs)
    with num_threads(n_jobs):
        confident_joint, rows = _pipeline.confident_joint(
            labels, pred_probs, thresholds, collision_rule, calibrate
        )
    if want_indices:
        return confident_joint, off_diagonal_rows(labels, rows)
    return confident_joint


def calibrate_confident_joint(confident_joint, labels, *, multi_label=False):
    """Rescale a confident joint so rows sum to the label counts and the total to N.

    Parameters
    ----------
    confident_joint : numpy.ndarray, shape (K, K) (or (K, 2, 2) with ``multi_label``)
        Counts, rows given labels and columns true labels; not modified.
    labels : array_like of int, shape (N,)
        Given labels 0..K-1, whose counts are the target row sums (a list of
        lists of labels with ``multi_label``).
    multi_label : bool, default False
        Calibrate each one-vs-rest (2, 2) matrix against its binary labels.

    Returns
    -------
    numpy.ndarray of int64
        Same shape; each row sums exactly to the count of its label
        (units of rounding go to equal residuals in the order of cleanlab's
        ``np.argsort``, or lower column first under
        ``cleannb.tie_order("index")``).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import calibrate_confident_joint
    >>> calibrate_confident_joint(np.array([[2, 0], [1, 1]]), [0, 0, 0, 1])
    array([[3, 0],
           [0, 1]])
    """
    if check_flag(multi_label, "multi_label"):
        from ._core.multilabel import binary_labels

        per_class = zip(confident_joint, binary_labels(labels, len(confident_joint)), strict=False)
        return np.array([calibrate_confident_joint(cj, y) for cj, y in per_class])
    confident_joint = check_square(confident_joint, "confident_joint")
    labels = check_labels(labels, num_classes=len(confident_joint))
    return _calibration.calibrate(
        confident_joint, np.bincount(labels, minlength=len(confident_joint))
    )


def estimate_joint(labels, pred_probs, *, confident_joint=None, multi_label=False, n_jobs=None):
    """Estimate the joint distribution P(s, y) of given and true labels.

    The calibrated confident joint divided by its total: a (K, K) matrix that
    sums to 1 and whose rows sum to the label frequencies.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1 (a list of lists with ``multi_label``).
    pred_probs : numpy.ndarray, zarr, h5py or RowSource, shape (N, K), optional
        Not needed when ``confident_joint`` is given.
    confident_joint : numpy.ndarray, optional
        Calibrated here against ``labels`` (used as is when ``labels`` is None).
    multi_label : bool, default False
        Returns (K, 2, 2) one-vs-rest joints.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.ndarray of float64, shape (K, K)

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import estimate_joint
    >>> estimate_joint([0, 0, 1, 1], None, confident_joint=np.array([[2, 0], [1, 1]]))
    array([[0.5 , 0.  ],
           [0.25, 0.25]])
    """
    if check_flag(multi_label, "multi_label"):
        from ._core.multilabel import binary_labels

        if confident_joint is None:
            confident_joint = compute_confident_joint(
                labels, pred_probs, multi_label=True, n_jobs=n_jobs
            )
        per_class = zip(binary_labels(labels, len(confident_joint)), confident_joint, strict=False)
        return np.array([estimate_joint(y, None, confident_joint=cj) for y, cj in per_class])
    if confident_joint is None:
        calibrated = compute_confident_joint(labels, pred_probs, calibrate=True, n_jobs=n_jobs)
    elif labels is not None:
        calibrated = calibrate_confident_joint(confident_joint, labels)
    else:
        calibrated = check_square(confident_joint, "confident_joint")
    return _algebra.normalized_joint(calibrated)


def estimate_latent(confident_joint, labels, *, py_method="cnt", converge_latent_estimates=False):
    """Estimate p(y), P(s | y) and P(y | s) from a confident joint.

    Parameters
    ----------
    confident_joint : numpy.ndarray, shape (K, K)
        Usually calibrated (see :func:`compute_confident_joint`).
    labels : array_like of int, shape (N,)
        Given labels 0..K-1 (their frequencies are P(s)).
    py_method : {"cnt", "eqn", "marginal", "marginal_ps"}, default "cnt"
        Estimator of the true-label prior p(y).
    converge_latent_estimates : bool, default False
        Refine the three estimates with 3 x 5 rounds of the algebraic
        relations between them, as cleanlab does.

    Returns
    -------
    py : numpy.ndarray, shape (K,)
        Sums to 1, entries at least 1e-6.
    noise_matrix : numpy.ndarray, shape (K, K)
        P(s | y); columns sum to 1.
    inverse_noise_matrix : numpy.ndarray, shape (K, K)
        P(y | s); columns sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import estimate_latent
    >>> py, nm, inv = estimate_latent(np.array([[3, 1], [0, 4]]), [0] * 4 + [1] * 4)
    >>> nm
    array([[1. , 0.2],
           [0. , 0.8]])
    """
    check_choice(py_method, "py_method", _algebra.PY_METHODS)
    check_square(confident_joint, "confident_joint")
    # computed in the joint's own dtype, as cleanlab does (an int joint made float64
    # first gives other last bits once its columns are renormalised)
    confident_joint = np.asarray(confident_joint)
    labels = check_labels(labels, num_classes=len(confident_joint))
    counts = np.bincount(labels, minlength=len(confident_joint))
    return _algebra.estimate_latent(
        confident_joint,
        counts,
        py_method,
        check_flag(converge_latent_estimates, "converge_latent_estimates"),
    )


def estimate_py_and_noise_matrices_from_probabilities(
    labels,
    pred_probs,
    *,
    thresholds=None,
    converge_latent_estimates=True,
    py_method="cnt",
    calibrate=True,
    n_jobs=None,
):
    """p(y), P(s|y), P(y|s) and the confident joint from predicted probabilities.

    :func:`compute_confident_joint` followed by :func:`estimate_latent`: one
    validating pass over ``pred_probs`` (O(N K)), then O(K^2) algebra (more
    with ``converge_latent_estimates``). Note the default
    ``converge_latent_estimates=True`` here, as in cleanlab, where
    :func:`estimate_latent` defaults to False.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given (possibly noisy) labels 0..K-1.
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
        Out-of-sample predicted probabilities (float16, float32 or float64);
        rows sum to 1.
    thresholds : array_like, shape (K,), optional
        Per-class thresholds; default :func:`get_confident_thresholds`.
    converge_latent_estimates : bool, default True
        Refine the three estimates with 3 x 5 rounds of the algebraic
        relations between them, as cleanlab does.
    py_method : {"cnt", "eqn", "marginal", "marginal_ps"}, default "cnt"
        Estimator of the true-label prior p(y).
    calibrate : bool, default True
        Calibrate the confident joint (see :func:`compute_confident_joint`).
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    py : numpy.ndarray, shape (K,)
        The prior of the true labels p(y); sums to 1.
    noise_matrix : numpy.ndarray, shape (K, K)
        P(s | y); columns sum to 1.
    inverse_noise_matrix : numpy.ndarray, shape (K, K)
        P(y | s); columns sum to 1.
    confident_joint : numpy.ndarray of int64, shape (K, K)
        As :func:`compute_confident_joint` returns it.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import estimate_py_and_noise_matrices_from_probabilities
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.95, 0.05]])
    >>> labels = [0, 0, 1, 1, 1]
    >>> py, nm, inv, cj = estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs)
    >>> cj
    array([[2, 0],
           [1, 2]])
    """
    confident_joint = compute_confident_joint(
        labels, pred_probs, thresholds=thresholds, calibrate=calibrate, n_jobs=n_jobs
    )
    py, noise_matrix, inverse = estimate_latent(
        confident_joint,
        labels,
        py_method=py_method,
        converge_latent_estimates=converge_latent_estimates,
    )
    return py, noise_matrix, inverse, confident_joint


def num_label_issues(
    labels,
    pred_probs,
    *,
    confident_joint=None,
    estimation_method="off_diagonal",
    multi_label=False,
    n_jobs=None,
):
    """Estimate how many examples are mislabelled.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1 (a list of lists with ``multi_label``).
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
        Out-of-sample predicted probabilities (float16, float32 or float64).
    confident_joint : numpy.ndarray, optional
        Only used with ``estimation_method="off_diagonal_custom"`` (a warning
        says so otherwise).
    estimation_method : {"off_diagonal", "off_diagonal_calibrated", "off_diagonal_custom"}
        ``"off_diagonal"``: examples off the diagonal of the uncalibrated
        confident joint whose label does not win the argmax (with a 1e-6
        tolerance in its favour). The other two: ``rint(N * (1 - trace(joint)))``
        of the calibrated joint, computed or given.
    multi_label : bool, default False
        Count the examples :func:`cleannb.filter.find_label_issues` flags
        with ``multi_label=True, filter_by="confident_learning"``
        (``estimation_method`` is not used), as cleanlab 2.9 does.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.int64
        The estimated number of label issues (cleanlab 2.9's type, with
        every method).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import num_label_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.95, 0.05]])
    >>> int(num_label_issues([0, 0, 1, 1, 1], pred_probs))
    1
    """
    check_choice(estimation_method, "estimation_method", NUM_ISSUE_METHODS)
    if confident_joint is not None and estimation_method != "off_diagonal_custom":
        warnings.warn(
            "num_label_issues ignores confident_joint unless "
            "estimation_method='off_diagonal_custom'; it recomputes the confident joint.",
            UserWarning,
            stacklevel=2,
        )
    if check_flag(multi_label, "multi_label"):
        # cleanlab 2.9 counts what filter.find_label_issues(multi_label=True) flags
        from ._core.label_issues import deprecated_multi_label
        from .multilabel_classification import filter as multilabel_filter

        deprecated_multi_label(labels, stacklevel=3)
        flagged = multilabel_filter.find_label_issues(
            labels,
            pred_probs,
            filter_by="confident_learning",
            confident_joint=confident_joint,
            n_jobs=n_jobs,
        )
        return np.int64(np.count_nonzero(flagged))  # cleanlab 2.9's type here
    labels, pred_probs = _inputs(labels, pred_probs)
    if estimation_method != "off_diagonal_custom":
        with num_threads(n_jobs):
            _, rows = confident_pass(labels, pred_probs)
        if estimation_method == "off_diagonal":
            return np.int64(count_off_diagonal_issues(labels, pred_probs, rows))
        return np.int64(calibrated_issue_count(labels, rows.guess, pred_probs.shape[1]))
    if estimation_method == "off_diagonal_custom":
        if confident_joint is None:
            raise ValueError(
                "estimation_method='off_diagonal_custom' needs confident_joint; pass one or "
                "use estimation_method='off_diagonal_calibrated'."
            )
    joint = estimate_joint(labels, pred_probs, confident_joint=confident_joint)
    return np.int64(np.rint((1.0 - joint.trace()) * len(labels)))


# cleanlab 2.9's constants of the same names
from ._core.constants import (  # noqa: E402, F401
    CONFIDENT_THRESHOLDS_LOWER_BOUND,
    FLOATING_POINT_COMPARISON,
    TINY_VALUE,
)
from ._core.crossval import (  # noqa: E402  (the CV functions build on the ones above)
    estimate_confident_joint_and_cv_pred_proba,
    estimate_cv_predicted_probabilities,
    estimate_noise_matrices,
    estimate_py_noise_matrices_and_cv_pred_proba,
)

# cleanlab 2.9's cleanlab.count also exposes these helpers (its own tests and
# user code import them from here): one implementation, in cleannb._core.internal.
from ._core.internal import (  # noqa: E402
    append_extra_datapoint,
    assert_valid_inputs,
    clip_noise_rates,
    clip_values,
    compute_inv_noise_matrix,
    compute_noise_matrix_from_inverse,
    compute_py,
    get_num_classes,
    get_onehot_num_classes,
    get_unique_classes,
    is_torch_dataset,
    labels_to_array,
    round_preserving_row_totals,
    stack_complement,
    train_val_split,
    value_counts_fill_missing_classes,
)

__all__ += [
    "append_extra_datapoint",
    "assert_valid_inputs",
    "clip_noise_rates",
    "clip_values",
    "compute_inv_noise_matrix",
    "compute_noise_matrix_from_inverse",
    "compute_py",
    "get_num_classes",
    "get_onehot_num_classes",
    "get_unique_classes",
    "is_torch_dataset",
    "labels_to_array",
    "round_preserving_row_totals",
    "stack_complement",
    "train_val_split",
    "value_counts_fill_missing_classes",
]
