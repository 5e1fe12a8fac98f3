"""cleanlab 0.1.0's and 1.0's ``latent_estimation`` module: the seed vocabulary.

Same names, positional signatures (``s``, ``psx``, ``K``), defaults and
results as cleanlab 0.1.0 and 1.0, as thin adapters over :mod:`cleannb.count` and
the shared algebra. Differences, all on input where 0.1.0 crashed or
returned garbage:

- a class with no examples gets threshold 2.0 (never confident), as in
  cleanlab 2.x; ``K`` other than ``psx.shape[1]`` raises ``ValueError``;
- denominators are guarded as in 2.x, so an empty row or column gives zeros
  instead of NaN;
- ragged multi-label lists work; multi-label ``thresholds`` are used, as
  in 1.0 (0.1.0 ignored them);
- a confident joint with no confident example is K x K zeros (0.1.0: an
  empty 0 x 0 array);
- ``estimate_confident_joint_from_probabilities`` with an int ``force_ps``
  below 1 returns one matrix (0.1.0 crashed), or ``[]`` with the list flag,
  as 0.1.0;
- rows of ``psx`` must sum to 1 within 0.1, with one ``UserWarning`` beyond
  0.02 (0.1.0 did not check them).

Every function that reads ``psx`` also accepts ``n_jobs`` (keyword).

As in 0.1.0 and 1.0, the helpers this module uses from :mod:`cleannb.latent_algebra`
(``compute_inv_noise_matrix``, ``compute_noise_matrix_from_inverse``,
``compute_py``) and :mod:`cleannb.util` (``clip_noise_rates``,
``clip_values``, ``round_preserving_row_totals``, ``value_counts``, and 1.0's
``assert_inputs_are_valid``) can be imported from here too: they are the
same functions.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._core import algebra as _algebra
from ._core import calibration as _calibration
from ._core import confident as _confident
from ._core import crossval as _crossval
from ._core import pipeline as _pipeline
from ._core.constants import FLOATING_POINT_COMPARISON
from ._core.parallel import num_threads
from ._core.validation import check_flag, check_labels, check_pred_probs
from .latent_algebra import compute_inv_noise_matrix, compute_noise_matrix_from_inverse, compute_py
from .util import (
    assert_inputs_are_valid,
    clip_noise_rates,
    clip_values,
    round_preserving_row_totals,
    value_counts,
)

#: Floors that 0.1.0 clips p(y) to (cleanlab 2.x uses 1e-6 for both).
PY_FLOOR = 1e-5

__all__ = [
    "assert_inputs_are_valid",
    "calibrate_confident_joint",
    "clip_noise_rates",
    "clip_values",
    "compute_confident_joint",
    "compute_inv_noise_matrix",
    "compute_noise_matrix_from_inverse",
    "compute_py",
    "converge_estimates",
    "estimate_confident_joint_and_cv_pred_proba",
    "estimate_confident_joint_from_probabilities",
    "estimate_cv_predicted_probabilities",
    "estimate_joint",
    "estimate_latent",
    "estimate_noise_matrices",
    "estimate_py_and_noise_matrices_from_probabilities",
    "estimate_py_noise_matrices_and_cv_pred_proba",
    "num_label_errors",
    "round_preserving_row_totals",
    "value_counts",
]


def _label_counts(s, num_classes, multi_label=False):
    if multi_label:
        from ._core.multilabel import onehot

        return onehot(s, num_classes).sum(axis=0)
    return np.bincount(check_labels(s, num_classes=num_classes, name="s"), minlength=num_classes)


def _multilabel_confident_joint(s, psx, calibrate, thresholds=None):
    """1.0's multi-label joint: K x K, an example counts once per label and confident class."""
    from ._core.multilabel import onehot

    psx = check_pred_probs(psx, name="psx")
    member = onehot(s, psx.shape[1])
    if len(member) != len(psx):
        raise ValueError(f"s has {len(member)} entries but psx has {len(psx)} rows.")
    counts = member.sum(axis=0)
    if thresholds is None:
        sums = member.T.astype(np.float64) @ psx.astype(np.float64, copy=False)
        with np.errstate(invalid="ignore", divide="ignore"):
            thresholds = np.where(counts > 0, sums.diagonal() / np.maximum(counts, 1), 2.0)
    else:
        thresholds = np.asarray(thresholds)
        if thresholds.shape != (psx.shape[1],):
            raise ValueError(
                f"thresholds must have shape ({psx.shape[1]},), got {thresholds.shape}."
            )
    confident = psx >= thresholds
    confident_joint = member.T.astype(np.int64) @ confident.astype(np.int64)
    if calibrate:
        return _calibration.calibrate(confident_joint, counts)
    return confident_joint


def compute_confident_joint(
    s,
    psx,
    K=None,
    thresholds=None,
    calibrate=True,
    multi_label=False,
    return_indices_of_off_diagonals=False,
    *,
    n_jobs=None,
):
    """Confident joint C[s][y] with cleanlab 0.1.0's semantics.

    The modern counterpart is :func:`cleannb.count.compute_confident_joint`
    (``labels``, ``pred_probs``, keyword-only options, no ``K``). The
    counting rule is the same (``p >= threshold - 1e-6``; the row argmax when
    several classes are confident), but thresholds are not clipped and the
    diagonal is not raised to 1. Thresholds and the comparison use the dtype
    of ``psx``, as numpy did. O(N K).

    Parameters
    ----------
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1 (with ``multi_label``, a list of label lists).
    psx : numpy.ndarray, shape (N, K)
        Out-of-sample predicted probabilities.
    K : int, optional
        Number of classes; must equal ``psx.shape[1]`` when given.
    thresholds : array_like, shape (K,), optional
        Per-class thresholds (default: mean self-confidence per class).
    calibrate : bool, default True
        Rescale each row to its label count and the total to N
        (:func:`calibrate_confident_joint`).
    multi_label : bool, default False
        1.0's K x K multi-label joint (each example counts in every row of
        its labels and every column where it is confident; no tolerance);
        ``thresholds`` are used as given, as in 1.0 (0.1.0 ignored them);
        ``K`` and the indices flag are ignored, as in 0.1.0 and 1.0.
    return_indices_of_off_diagonals : bool, default False
        Also return the indices of the examples counted off the diagonal.
    n_jobs : int or None, default None
        Threads (None or -1: all cores); the result does not depend on it.

    Returns
    -------
    numpy.ndarray of int64, shape (K, K), and with the flag the ascending
    int64 indices of the examples counted off the diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import compute_confident_joint
    >>> psx = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.95, 0.05]])
    >>> compute_confident_joint(np.array([0, 0, 1, 1, 1]), psx, calibrate=False)
    array([[1, 0],
           [1, 2]])
    """
    calibrate = check_flag(calibrate, "calibrate")
    if check_flag(multi_label, "multi_label"):
        return _multilabel_confident_joint(s, psx, calibrate, thresholds)
    psx = check_pred_probs(psx, name="psx")
    num_classes = psx.shape[1]
    if K is not None and K != num_classes:
        raise ValueError(
            f"K={K} but psx has {num_classes} columns; K must equal psx.shape[1] (or be None)."
        )
    s = check_labels(s, num_classes=num_classes, n_rows=len(psx), name="s")
    with num_threads(n_jobs):
        if thresholds is None:
            means, counts = _confident.self_confidence_means(psx, s, num_classes)
            thresholds = np.where(counts > 0, means, 2.0) if np.any(counts == 0) else means
        thresholds = np.asarray(thresholds)
        if thresholds.shape != (num_classes,):
            raise ValueError(
                f"thresholds must have shape ({num_classes},), got {thresholds.shape}."
            )
        rows = _confident.row_pass(psx, s, thresholds - FLOATING_POINT_COMPARISON, name="psx")
    # 0.1.0 puts no floor under the diagonal
    confident_joint = _confident.confident_counts(s, rows.guess, num_classes)
    confident_joint = _pipeline.dense_joint(confident_joint, s, calibrate)
    if check_flag(return_indices_of_off_diagonals, "return_indices_of_off_diagonals"):
        return confident_joint, _pipeline.off_diagonal_rows(s, rows)
    return confident_joint


def calibrate_confident_joint(confident_joint, s, multi_label=False):
    """Rescale rows of a confident joint to the label counts and the total to N.

    With ``multi_label``, rows are rescaled to the number of examples
    carrying each label (0.1.0's K x K multi-label joint).

    Each row is scaled to the number of examples given that label, the
    whole matrix to their total, and each row rounded with
    :func:`cleannb.util.round_preserving_row_totals`, so row ``k`` sums to
    the count of label ``k`` exactly (when no row is all zero). The modern counterpart is
    :func:`cleannb.count.calibrate_confident_joint` (``labels``,
    ``multi_label`` keyword-only), which for multi-label data calibrates one
    2 x 2 joint per class (a (K, 2, 2) array). Differences from 0.1.0: an
    all-zero row stays zero, and the other rows share all N examples (0.1.0
    divided 0 by 0 and cast NaN to int); a class with no example has a count
    of 0 (0.1.0 misaligned the counts). O(K^2 log K).

    Parameters
    ----------
    confident_joint : array_like of int, shape (K, K)
        Rows: noisy label, columns: true label; not modified.
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1 (with ``multi_label``, a list of label lists).
    multi_label : bool, default False
        Whether ``s`` holds label lists.

    Returns
    -------
    numpy.ndarray of int64, shape (K, K)
        The calibrated joint, summing to N: row ``k`` sums to the number of
        examples labelled ``k`` when no row is all zero.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import calibrate_confident_joint
    >>> calibrate_confident_joint(np.array([[2, 0], [1, 1]]), np.array([0, 0, 0, 1]))
    array([[3, 0],
           [0, 1]])
    """
    confident_joint = np.asarray(confident_joint)
    counts = _label_counts(s, len(confident_joint), check_flag(multi_label, "multi_label"))
    return _calibration.calibrate(confident_joint, counts)


def estimate_joint(s, psx=None, confident_joint=None, multi_label=False, *, n_jobs=None):
    """Joint distribution P(s, y): the calibrated confident joint over its total.

    A given ``confident_joint`` is calibrated with ``multi_label`` passed on,
    as in 1.0 (0.1.0 calibrated it as single-label data).

    The modern counterpart is :func:`cleannb.count.estimate_joint`
    (``labels``, ``pred_probs``, keyword-only options): from ``pred_probs``
    it uses 2.x's confident joint (thresholds clipped, diagonal raised to at
    least 1), and its multi-label result is one 2 x 2 joint per class.
    O(N K) with ``psx``, O(K^2 log K) from a given joint.

    Parameters
    ----------
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1 (with ``multi_label``, a list of label lists).
    psx : array_like of float, shape (N, K), optional
        Out-of-sample predicted probabilities; needed when
        ``confident_joint`` is not given.
    confident_joint : array_like of int, shape (K, K), optional
        Default: :func:`compute_confident_joint` of ``s`` and ``psx``.
    multi_label : bool, default False
        Whether ``s`` holds label lists.
    n_jobs : int or None, default None
        Threads (None or -1: all cores); the result does not depend on it.

    Returns
    -------
    numpy.ndarray of float64, shape (K, K)
        P(s, y), summing to 1 (rows: noisy label, columns: true label).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import estimate_joint
    >>> estimate_joint(np.array([0, 0, 1, 1]), confident_joint=np.array([[2, 0], [1, 1]]))
    array([[0.5 , 0.  ],
           [0.25, 0.25]])
    """
    if confident_joint is None:
        calibrated = compute_confident_joint(
            s, psx, calibrate=True, multi_label=multi_label, n_jobs=n_jobs
        )
    else:
        calibrated = calibrate_confident_joint(confident_joint, s, multi_label)
    return _algebra.normalized_joint(calibrated, tiny=0.0)


def estimate_latent(confident_joint, s, py_method="cnt", converge_latent_estimates=False):
    """p(y), P(s|y) and P(y|s) from a confident joint (0.1.0 clips p(y) at 1e-5).

    P(s|y) is the joint over its column sums, P(y|s) its transpose over its
    row sums, p(y) comes from :func:`cleannb.latent_algebra.compute_py`, and
    both matrices go through :func:`cleannb.util.clip_noise_rates`. The
    modern counterpart is :func:`cleannb.count.estimate_latent` (``labels``,
    options keyword-only), which clips p(y) at 1e-6. Differences from 0.1.0:
    a class that is never the true label of a confident example gives a zero
    column instead of NaN, and p(s) has an entry for every class. O(N + K^2)
    (O(K^3) with ``converge_latent_estimates``).

    Parameters
    ----------
    confident_joint : array_like of int, shape (K, K)
        Rows: noisy label, columns: true label (calibrated or not).
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    py_method : {"cnt", "eqn", "marginal", "marginal_ps"}, default "cnt"
        How p(y) is estimated (see :func:`cleannb.latent_algebra.compute_py`).
    converge_latent_estimates : bool, default False
        Then make the three estimates consistent with
        :func:`converge_estimates`.

    Returns
    -------
    py : numpy.ndarray of float64, shape (K,)
        p(y), summing to 1, each entry at least 1e-5.
    noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(s|y), columns summing to 1.
    inverse_noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(y|s), columns summing to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import estimate_latent
    >>> py, nm, inv = estimate_latent(np.array([[3, 1], [0, 4]]), np.array([0] * 4 + [1] * 4))
    >>> py
    array([0.375, 0.625])
    """
    confident_joint = np.asarray(confident_joint)
    counts = _label_counts(s, len(confident_joint))
    return _algebra.estimate_latent(
        confident_joint,
        counts,
        py_method,
        check_flag(converge_latent_estimates, "converge_latent_estimates"),
        floor=PY_FLOOR,
        converged_floor=PY_FLOOR,
    )


def estimate_py_and_noise_matrices_from_probabilities(
    s,
    psx,
    thresholds=None,
    converge_latent_estimates=True,
    py_method="cnt",
    calibrate=True,
    *,
    n_jobs=None,
):
    """(py, noise_matrix, inverse_noise_matrix, confident_joint) from ``psx``.

    :func:`compute_confident_joint`, then :func:`estimate_latent`. The modern
    counterpart is
    :func:`cleannb.count.estimate_py_and_noise_matrices_from_probabilities`
    (``labels``, ``pred_probs``, options keyword-only); it differs in the
    confident joint (thresholds clipped, diagonal raised to at least 1) and
    the floor of p(y) (1e-6). Note the default
    ``converge_latent_estimates=True``, unlike :func:`estimate_latent`. O(N K).

    Parameters
    ----------
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    psx : array_like of float, shape (N, K)
        Out-of-sample predicted probabilities.
    thresholds : array_like of float, shape (K,), optional
        Per-class thresholds (default: the mean self-confidence of each class).
    converge_latent_estimates : bool, default True
        Make the estimates consistent with :func:`converge_estimates`.
    py_method : {"cnt", "eqn", "marginal", "marginal_ps"}, default "cnt"
        How p(y) is estimated (see :func:`cleannb.latent_algebra.compute_py`).
    calibrate : bool, default True
        Calibrate the confident joint (:func:`calibrate_confident_joint`).
    n_jobs : int or None, default None
        Threads (None or -1: all cores); the result does not depend on it.

    Returns
    -------
    py : numpy.ndarray of float64, shape (K,)
        p(y), summing to 1.
    noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(s|y), columns summing to 1.
    inverse_noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(y|s), columns summing to 1.
    confident_joint : numpy.ndarray of int64, shape (K, K)
        The confident joint the estimates come from.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import estimate_py_and_noise_matrices_from_probabilities
    >>> psx = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.95, 0.05]])
    >>> py, nm, inv, cj = estimate_py_and_noise_matrices_from_probabilities([0, 0, 1, 1, 1], psx)
    >>> cj.sum()
    np.int64(5)
    """
    confident_joint = compute_confident_joint(
        s, psx, thresholds=thresholds, calibrate=calibrate, n_jobs=n_jobs
    )
    py, noise_matrix, inverse = estimate_latent(
        confident_joint, s, py_method, converge_latent_estimates
    )
    return py, noise_matrix, inverse, confident_joint


def num_label_errors(labels, psx, confident_joint=None, *, n_jobs=None):
    """Estimated number of label errors: ``int(N * (1 - trace(joint)))``.

    ``joint`` is the confident joint over its total (the calibrated one when
    none is given). 0.1.0 truncates; cleanlab 2.x's
    ``num_label_issues(estimation_method="off_diagonal_calibrated")`` rounds.
    So :func:`cleannb.count.num_label_issues` with that method can be one
    more than this. O(N K) without ``confident_joint``, else O(K^2).

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Noisy labels 0..K-1; only their number is used when
        ``confident_joint`` is given.
    psx : array_like of float, shape (N, K) or None
        Out-of-sample predicted probabilities; may be None when
        ``confident_joint`` is given.
    confident_joint : array_like, shape (K, K), optional
        Default: the calibrated :func:`compute_confident_joint` of ``labels``
        and ``psx``. Used as given (it is not calibrated here).
    n_jobs : int or None, default None
        Threads (None or -1: all cores); the result does not depend on it.

    Returns
    -------
    int
        The estimated number of mislabelled examples.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import num_label_errors
    >>> num_label_errors([0, 0, 1, 1], None, confident_joint=np.array([[2, 0], [1, 1]]))
    1
    """
    if confident_joint is None:
        confident_joint = compute_confident_joint(labels, psx, n_jobs=n_jobs)
    joint = _algebra.normalized_joint(np.asarray(confident_joint), tiny=0.0)
    return int((1 - joint.trace()) * len(labels))


def converge_estimates(
    ps,
    py,
    noise_matrix,
    inverse_noise_matrix,
    inv_noise_matrix_iterations=5,
    noise_matrix_iterations=3,
):
    """Alternate the algebraic relations between p(y), P(s|y) and P(y|s).

    ``noise_matrix_iterations`` times: ``inv_noise_matrix_iterations`` times
    recompute P(y|s) from p(y) and P(s|y), then p(y) (method ``"cnt"``,
    clipped at 1e-5); then recompute P(s|y) from P(y|s) and p(y). cleanlab
    2.x keeps this private (``count._converge_estimates``, floor 1e-6);
    :func:`cleannb.count.estimate_latent` runs it with
    ``converge_latent_estimates=True``. O(K^2) per step.

    Parameters
    ----------
    ps : array_like of float, shape (K,)
        p(s), the distribution of the noisy labels.
    py : array_like of float, shape (K,)
        Starting p(y).
    noise_matrix : array_like of float, shape (K, K)
        Starting P(s|y).
    inverse_noise_matrix : array_like of float, shape (K, K)
        Starting P(y|s).
    inv_noise_matrix_iterations : int, default 5
        Updates of P(y|s) and p(y) per outer iteration.
    noise_matrix_iterations : int, default 3
        Outer iterations, each ending with an update of P(s|y).

    Returns
    -------
    py : numpy.ndarray of float64, shape (K,)
        p(y), summing to 1.
    noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(s|y), columns summing to 1.
    inverse_noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(y|s), columns summing to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import converge_estimates
    >>> nm = np.array([[0.8, 0.1], [0.2, 0.9]])
    >>> py, nm2, inv = converge_estimates(np.array([0.5, 0.5]), np.array([0.5, 0.5]), nm, nm)
    >>> bool(np.allclose(nm2.sum(axis=0), 1))
    True
    """
    return _algebra.converge_estimates(
        np.asarray(ps),
        np.asarray(py),
        np.asarray(noise_matrix),
        np.asarray(inverse_noise_matrix),
        inv_noise_matrix_iterations,
        noise_matrix_iterations,
        floor=PY_FLOOR,
    )


def estimate_confident_joint_from_probabilities(
    s, psx, thresholds=None, force_ps=False, return_list_of_converging_cj_matrices=False
):
    """Deprecated in 0.1.0: use :func:`compute_confident_joint`.

    Runs ``compute_confident_joint`` (calibrated) for 1 epoch, 5 if
    ``force_ps is True``, or ``force_ps`` epochs if it is an int, nudging the
    thresholds between epochs by half the gap between the joint's and the
    labels' marginals (which calibration makes zero). There is no 2.x
    counterpart: use :func:`cleannb.count.compute_confident_joint`. O(N K)
    per epoch.

    Parameters
    ----------
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    psx : array_like of float, shape (N, K)
        Out-of-sample predicted probabilities.
    thresholds : array_like of float, shape (K,), optional
        Starting per-class thresholds (default: the mean self-confidence of
        each class).
    force_ps : bool or int, default False
        ``True``: 5 epochs; an int (not a bool): that many; otherwise 1.
    return_list_of_converging_cj_matrices : bool, default False
        Return the confident joint of every epoch instead of the last.

    Returns
    -------
    numpy.ndarray of int64, shape (K, K), or list of them
        The last confident joint, or with
        ``return_list_of_converging_cj_matrices`` the list of all epochs'
        (empty when ``force_ps`` is an int below 1, as in 0.1.0; without the
        list, such a ``force_ps`` runs one epoch, where 0.1.0 crashed).

    Warns
    -----
    UserWarning
        Always, saying the function is deprecated (the category 0.1.0 used).

    Examples
    --------
    >>> import warnings, numpy as np
    >>> from cleannb.latent_estimation import estimate_confident_joint_from_probabilities
    >>> psx = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.95, 0.05]])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     cj = estimate_confident_joint_from_probabilities(np.array([0, 0, 1, 1, 1]), psx)
    >>> cj.tolist(), caught[0].category.__name__
    ([[2, 0], [1, 2]], 'UserWarning')
    """
    warnings.warn(
        "estimate_confident_joint_from_probabilities is deprecated; use "
        "compute_confident_joint instead.",
        UserWarning,
        stacklevel=2,
    )
    psx = check_pred_probs(psx, name="psx")
    s = check_labels(s, num_classes=psx.shape[1], n_rows=len(psx), name="s")
    if force_ps is True:
        epochs = 5
    elif isinstance(force_ps, int) and not isinstance(force_ps, bool):
        epochs = force_ps
    else:
        epochs = 1
    ps = np.bincount(s, minlength=psx.shape[1]) / len(s)
    if thresholds is None:
        means, counts = _confident.self_confidence_means(psx, s, psx.shape[1])
        thresholds = np.where(counts > 0, means, 2.0)
    thresholds = np.asarray(thresholds, dtype=float)
    matrices = []
    for epoch in range(epochs if return_list_of_converging_cj_matrices else max(epochs, 1)):
        if epoch:
            joint_ps = matrices[-1].sum(axis=1) / float(np.sum(matrices[-1]))
            thresholds = thresholds + 0.5 * (joint_ps - ps)
        matrices.append(compute_confident_joint(s, psx, thresholds=thresholds))
    return matrices if return_list_of_converging_cj_matrices else matrices[-1]


def estimate_confident_joint_and_cv_pred_proba(
    X, s, clf=None, cv_n_folds=5, thresholds=None, seed=None, calibrate=True, *, n_jobs=None
):
    """(confident_joint, psx) with ``psx`` from stratified cross-validation.

    ``clf`` defaults to ``LogisticRegression()``; it is cloned for each fold.
    ``X`` and ``s`` are checked first by :func:`assert_inputs_are_valid`, as
    in 1.0 (labels 1..K raise its ``TypeError``).

    Out-of-sample probabilities from ``cv_n_folds`` shuffled stratified
    folds, then :func:`compute_confident_joint`. The modern counterpart is
    :func:`cleannb.count.estimate_confident_joint_and_cv_pred_proba`
    (``labels``, options after ``clf`` keyword-only, plus ``clf_kwargs`` and
    ``validation_func``), whose confident joint follows 2.x (clipped
    thresholds, diagonal raised to at least 1).
    Differences from 0.1.0: the model is copied with ``sklearn.base.clone``
    (0.1.0: ``copy.deepcopy``), and a class absent from a training fold gets
    one of its holdout examples copied into that fold, with a
    ``UserWarning``, as cleanlab 2.x does (0.1.0 failed on a shape mismatch).

    Parameters
    ----------
    X : array_like, shape (N, ...)
        Features: a numpy array, sparse matrix, pandas object or list, one
        row per example.
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    clf : scikit-learn classifier, optional
        Must support ``sklearn.base.clone``, ``fit`` and ``predict_proba``;
        default ``sklearn.linear_model.LogisticRegression()`` (0.1.0's
        default model). It is cloned for each fold and never fitted itself.
    cv_n_folds : int, default 5
        Number of stratified folds (at least 2).
    thresholds : array_like of float, shape (K,), optional
        Per-class thresholds of the confident joint (default: the mean
        self-confidence of each class).
    seed : int, numpy.random.Generator or None, default None
        ``random_state`` of the shuffled ``StratifiedKFold``; None shuffles
        with numpy's global RNG, as 0.1.0 did.
    calibrate : bool, default True
        Calibrate the confident joint (:func:`calibrate_confident_joint`).
    n_jobs : int or None, default None
        Threads for the confident joint (None or -1: all cores); the folds
        run one after the other.

    Returns
    -------
    confident_joint : numpy.ndarray of int64, shape (K, K)
        Rows: noisy label, columns: true label.
    psx : numpy.ndarray of float64, shape (N, K)
        The out-of-sample predicted probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import estimate_confident_joint_and_cv_pred_proba
    >>> X = np.r_[np.linspace(-3, -1, 10), np.linspace(1, 3, 10)][:, None]
    >>> s = np.repeat([0, 1], 10)
    >>> cj, psx = estimate_confident_joint_and_cv_pred_proba(X, s, cv_n_folds=2, seed=0)
    >>> cj
    array([[10,  0],
           [ 0, 10]])
    >>> psx.shape
    (20, 2)
    """
    assert_inputs_are_valid(X, s)
    psx = _crossval.cv_pred_probs(X, s, clf, cv_n_folds, seed)
    return compute_confident_joint(
        s, psx, thresholds=thresholds, calibrate=calibrate, n_jobs=n_jobs
    ), psx


def estimate_py_noise_matrices_and_cv_pred_proba(
    X,
    s,
    clf=None,
    cv_n_folds=5,
    thresholds=None,
    converge_latent_estimates=False,
    py_method="cnt",
    seed=None,
    *,
    n_jobs=None,
):
    """(py, noise_matrix, inverse_noise_matrix, confident_joint, psx) via cross-validation.

    :func:`estimate_confident_joint_and_cv_pred_proba` (calibrated), then
    :func:`estimate_latent`. The modern counterpart is
    :func:`cleannb.count.estimate_py_noise_matrices_and_cv_pred_proba`
    (``labels``, options after ``clf`` keyword-only), which follows 2.x's
    confident joint and clips p(y) at 1e-6 (here 1e-5, as in 0.1.0).
    Differences from 0.1.0: the model is copied with ``sklearn.base.clone``
    (0.1.0: ``copy.deepcopy``), and a class absent from a training fold gets
    one of its holdout examples copied into that fold, with a
    ``UserWarning``, as cleanlab 2.x does (0.1.0 failed on a shape mismatch).

    Parameters
    ----------
    X : array_like, shape (N, ...)
        Features: a numpy array, sparse matrix, pandas object or list, one
        row per example.
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    clf : scikit-learn classifier, optional
        Must support ``sklearn.base.clone``, ``fit`` and ``predict_proba``;
        default ``sklearn.linear_model.LogisticRegression()`` (0.1.0's
        default model). It is cloned for each fold and never fitted itself.
    cv_n_folds : int, default 5
        Number of stratified folds (at least 2).
    thresholds : array_like of float, shape (K,), optional
        Per-class thresholds of the confident joint (default: the mean
        self-confidence of each class).
    converge_latent_estimates : bool, default False
        Make the estimates consistent with :func:`converge_estimates`.
    py_method : {"cnt", "eqn", "marginal", "marginal_ps"}, default "cnt"
        How p(y) is estimated (see :func:`cleannb.latent_algebra.compute_py`).
    seed : int, numpy.random.Generator or None, default None
        ``random_state`` of the shuffled ``StratifiedKFold``; None shuffles
        with numpy's global RNG, as 0.1.0 did.
    n_jobs : int or None, default None
        Threads for the confident joint (None or -1: all cores).

    Returns
    -------
    py : numpy.ndarray of float64, shape (K,)
        p(y), summing to 1.
    noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(s|y), columns summing to 1.
    inverse_noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(y|s), columns summing to 1.
    confident_joint : numpy.ndarray of int64, shape (K, K)
        The calibrated confident joint.
    psx : numpy.ndarray of float64, shape (N, K)
        The out-of-sample predicted probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import estimate_py_noise_matrices_and_cv_pred_proba
    >>> X = np.r_[np.linspace(-3, -1, 10), np.linspace(1, 3, 10)][:, None]
    >>> s = np.repeat([0, 1], 10)
    >>> py, nm, inv, cj, psx = estimate_py_noise_matrices_and_cv_pred_proba(
    ...     X, s, cv_n_folds=2, seed=0
    ... )
    >>> py, nm
    (array([0.5, 0.5]), array([[1., 0.],
           [0., 1.]]))
    """
    confident_joint, psx = estimate_confident_joint_and_cv_pred_proba(
        X, s, clf, cv_n_folds, thresholds, seed, n_jobs=n_jobs
    )
    py, noise_matrix, inverse = estimate_latent(
        confident_joint, s, py_method, converge_latent_estimates
    )
    return py, noise_matrix, inverse, confident_joint, psx


def estimate_cv_predicted_probabilities(X, labels, clf=None, cv_n_folds=5, seed=None):
    """Out-of-sample ``psx`` (N, K) by stratified cross-validation (inputs checked as in 1.0).

    Each example's row comes from a clone of ``clf`` fitted on the other
    folds. The modern counterpart is
    :func:`cleannb.count.estimate_cv_predicted_probabilities` (options
    after ``clf`` keyword-only, plus ``clf_kwargs`` and ``validation_func``).
    0.1.0 computed the confident joint and latent estimates too and dropped
    them; this only cross-validates, with the same ``psx``.
    Differences from 0.1.0: the model is copied with ``sklearn.base.clone``
    (0.1.0: ``copy.deepcopy``), and a class absent from a training fold gets
    one of its holdout examples copied into that fold, with a
    ``UserWarning``, as cleanlab 2.x does (0.1.0 failed on a shape mismatch).

    Parameters
    ----------
    X : array_like, shape (N, ...)
        Features: a numpy array, sparse matrix, pandas object or list, one
        row per example.
    labels : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    clf : scikit-learn classifier, optional
        Must support ``sklearn.base.clone``, ``fit`` and ``predict_proba``;
        default ``sklearn.linear_model.LogisticRegression()`` (0.1.0's
        default model). It is cloned for each fold and never fitted itself.
    cv_n_folds : int, default 5
        Number of stratified folds (at least 2).
    seed : int, numpy.random.Generator or None, default None
        ``random_state`` of the shuffled ``StratifiedKFold``; None shuffles
        with numpy's global RNG, as 0.1.0 did.

    Returns
    -------
    numpy.ndarray of float64, shape (N, K)
        The out-of-sample predicted probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import estimate_cv_predicted_probabilities
    >>> X = np.r_[np.linspace(-3, -1, 10), np.linspace(1, 3, 10)][:, None]
    >>> psx = estimate_cv_predicted_probabilities(X, np.repeat([0, 1], 10), cv_n_folds=2, seed=0)
    >>> psx.shape, bool(np.all(psx.argmax(axis=1) == np.repeat([0, 1], 10)))
    ((20, 2), True)
    """
    assert_inputs_are_valid(X, labels)
    return _crossval.cv_pred_probs(X, labels, clf, cv_n_folds, seed)


def estimate_noise_matrices(
    X,
    s,
    clf=None,
    cv_n_folds=5,
    thresholds=None,
    converge_latent_estimates=True,
    seed=None,
    *,
    n_jobs=None,
):
    """(noise_matrix, inverse_noise_matrix) via cross-validation.

    The middle two results of :func:`estimate_py_noise_matrices_and_cv_pred_proba`
    (with ``py_method="cnt"``). The modern counterpart is
    :func:`cleannb.count.estimate_noise_matrices` (options after ``clf``
    keyword-only). Note the default ``converge_latent_estimates=True``.
    Differences from 0.1.0: the model is copied with ``sklearn.base.clone``
    (0.1.0: ``copy.deepcopy``), and a class absent from a training fold gets
    one of its holdout examples copied into that fold, with a
    ``UserWarning``, as cleanlab 2.x does (0.1.0 failed on a shape mismatch).

    Parameters
    ----------
    X : array_like, shape (N, ...)
        Features: a numpy array, sparse matrix, pandas object or list, one
        row per example.
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    clf : scikit-learn classifier, optional
        Must support ``sklearn.base.clone``, ``fit`` and ``predict_proba``;
        default ``sklearn.linear_model.LogisticRegression()`` (0.1.0's
        default model). It is cloned for each fold and never fitted itself.
    cv_n_folds : int, default 5
        Number of stratified folds (at least 2).
    thresholds : array_like of float, shape (K,), optional
        Per-class thresholds of the confident joint (default: the mean
        self-confidence of each class).
    converge_latent_estimates : bool, default True
        Make the estimates consistent with :func:`converge_estimates`.
    seed : int, numpy.random.Generator or None, default None
        ``random_state`` of the shuffled ``StratifiedKFold``; None shuffles
        with numpy's global RNG, as 0.1.0 did.
    n_jobs : int or None, default None
        Threads for the confident joint (None or -1: all cores).

    Returns
    -------
    noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(s|y), columns summing to 1.
    inverse_noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(y|s), columns summing to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_estimation import estimate_noise_matrices
    >>> X = np.r_[np.linspace(-3, -1, 10), np.linspace(1, 3, 10)][:, None]
    >>> nm, inv = estimate_noise_matrices(X, np.repeat([0, 1], 10), cv_n_folds=2, seed=0)
    >>> nm
    array([[1., 0.],
           [0., 1.]])
    """
    result = estimate_py_noise_matrices_and_cv_pred_proba(
        X, s, clf, cv_n_folds, thresholds, converge_latent_estimates, seed=seed, n_jobs=n_jobs
    )
    return result[1], result[2]
