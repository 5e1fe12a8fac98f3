"""cleanlab 0.1.0's baseline label-error finders (seed vocabulary: ``psx``, ``s``).

Adapters over :mod:`cleannb.filter` and :mod:`cleannb.pruning`. The
confusion-matrix baselines use the K x K matrix of (given label, argmax)
counts as the confident joint of :func:`cleannb.pruning.get_noise_indices`,
with 0.1.0's defaults (``calibrate=False``). Threads instead of processes.
As in 0.1.0, :func:`cleannb.latent_estimation.calibrate_confident_joint`
and :func:`cleannb.pruning.get_noise_indices` can be imported from here too.
"""

from __future__ import annotations

from . import filter, pruning
from ._core.parallel import num_threads
from ._core.pipeline import argmax_confusion
from ._core.validation import check_flag, check_labels, check_pred_probs
from .latent_estimation import calibrate_confident_joint
from .pruning import get_noise_indices

__all__ = [
    "baseline_argmax",
    "baseline_argmax_calibrated_confusion_matrix",
    "baseline_argmax_confusion_matrix",
    "calibrate_confident_joint",
    "get_noise_indices",
]


def baseline_argmax(psx, s, *, n_jobs=None):
    """Flag the examples whose argmax (first maximum) is not their label ``s``.

    The modern counterpart is :func:`cleannb.filter.find_predicted_neq_given`
    (``labels`` first, then ``pred_probs``; note the order of the arguments
    here, ``psx`` first, as in 0.1.0). Difference from 0.1.0: ``psx`` and
    ``s`` are validated (0.1.0 accepted any numbers). O(N K).

    Parameters
    ----------
    psx : array_like of float, shape (N, K)
        Out-of-sample predicted probabilities.
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    n_jobs : int or None, default None
        Threads (None or -1: all cores); the result does not depend on it.

    Returns
    -------
    numpy.ndarray of bool, shape (N,)
        True where ``argmax(psx[i]) != s[i]``.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.baseline_methods import baseline_argmax
    >>> baseline_argmax(np.array([[0.6, 0.4], [0.7, 0.3]]), np.array([0, 1]))
    array([False,  True])
    """
    return filter.find_predicted_neq_given(s, psx, n_jobs=n_jobs)


def baseline_argmax_confusion_matrix(
    psx, s, calibrate=False, prune_method="prune_by_noise_rate", *, n_jobs=None
):
    """Prune with the (given label, argmax) confusion matrix as the confident joint.

    The matrix counts each example in row ``s[i]``, column
    ``argmax(psx[i])``; :func:`cleannb.pruning.get_noise_indices` then prunes
    with it, so 0.1.0's rules hold (classes with at most 5 examples kept,
    value cut-offs, argmax filter). The modern counterpart is
    :func:`cleannb.filter.find_label_issues_using_argmax_confusion_matrix`
    (``labels``, ``pred_probs``, ``filter_by``), whose ``calibrate``
    defaults to True and which prunes with 2.x's rules (exact counts, classes
    of one example kept). O(N K).

    Parameters
    ----------
    psx : numpy.ndarray, shape (N, K)
        Out-of-sample predicted probabilities.
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    calibrate : bool, default False
        Calibrate the matrix to the label counts first
        (:func:`cleannb.latent_estimation.calibrate_confident_joint`).
    prune_method : {"prune_by_noise_rate", "prune_by_class", "both"}, default "prune_by_noise_rate"
        As in :func:`cleannb.pruning.get_noise_indices`.
    n_jobs : int or None, default None
        Threads (None or -1: all cores); the result does not depend on it.

    Returns
    -------
    numpy.ndarray of bool, shape (N,)
        True for the examples flagged as label errors.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.baseline_methods import baseline_argmax_confusion_matrix
    >>> s = np.repeat([0, 1], 10)
    >>> psx = np.where(s[:, None] == [0, 1], 0.8, 0.2) + np.linspace(0, 0.01, 20)[:, None]
    >>> psx[[2, 15]] = psx[[2, 15], ::-1]
    >>> np.flatnonzero(baseline_argmax_confusion_matrix(psx / psx.sum(1, keepdims=True), s))
    array([ 2, 15])
    """
    calibrate = check_flag(calibrate, "calibrate")
    psx = check_pred_probs(psx, name="psx")
    s = check_labels(s, num_classes=psx.shape[1], n_rows=len(psx), name="s")
    with num_threads(n_jobs):
        joint = argmax_confusion(s, psx, calibrate, name="psx")
    return pruning.get_noise_indices(
        s, psx, confident_joint=joint, prune_method=prune_method, n_jobs=n_jobs
    )


def baseline_argmax_calibrated_confusion_matrix(
    psx, s, prune_method="prune_by_noise_rate", *, n_jobs=None
):
    """:func:`baseline_argmax_confusion_matrix` with ``calibrate=True``.

    The modern counterpart is
    :func:`cleannb.filter.find_label_issues_using_argmax_confusion_matrix`
    with its default ``calibrate=True``; it prunes with 2.x's rules (see
    :func:`baseline_argmax_confusion_matrix`). O(N K).

    Parameters
    ----------
    psx : numpy.ndarray, shape (N, K)
        Out-of-sample predicted probabilities.
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    prune_method : {"prune_by_noise_rate", "prune_by_class", "both"}, default "prune_by_noise_rate"
        As in :func:`cleannb.pruning.get_noise_indices`.
    n_jobs : int or None, default None
        Threads (None or -1: all cores); the result does not depend on it.

    Returns
    -------
    numpy.ndarray of bool, shape (N,)
        True for the examples flagged as label errors.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.baseline_methods import baseline_argmax_calibrated_confusion_matrix
    >>> s = np.repeat([0, 1], 10)
    >>> psx = np.where(s[:, None] == [0, 1], 0.8, 0.2) + np.linspace(0, 0.01, 20)[:, None]
    >>> psx[[2, 15]] = psx[[2, 15], ::-1]
    >>> psx /= psx.sum(1, keepdims=True)
    >>> np.flatnonzero(baseline_argmax_calibrated_confusion_matrix(psx, s))
    array([ 2, 15])
    """
    return baseline_argmax_confusion_matrix(
        psx, s, calibrate=True, prune_method=prune_method, n_jobs=n_jobs
    )
