"""The job of ``cleannb find-issues``: the label issues, ranked and scored, and the noise rate.

:func:`find_issues` runs the pipeline of :func:`cleannb.filter.find_label_issues`
and of :func:`cleannb.rank.get_label_quality_scores` on an array or a
:class:`cleannb._core.rows.RowSource`; the command line (:mod:`cleannb.cli`) and
the warm-up (:mod:`cleannb._cli.warmup`) call it.
"""

from __future__ import annotations

import numpy as np

from .._core import algebra as _algebra
from .._core import calibration as _calibration
from .._core import pipeline as _pipeline
from .._core import scores as _scores
from .._core import ties as _ties
from .._core.parallel import num_threads
from .._core.source import as_pred_probs, blocks_of
from .._core.validation import check_labels


def find_issues(
    labels,
    pred_probs,
    *,
    filter_by="prune_by_noise_rate",
    rank_by="self_confidence",
    n_jobs=None,
    advance=None,
):
    """Label issues of ``labels`` given ``pred_probs``, ranked, with their scores.

    Parameters
    ----------
    labels : numpy.ndarray, shape (N,)
        Given labels 0..K-1.
    pred_probs : numpy.ndarray or RowSource, shape (N, K)
        Out-of-sample predicted probabilities: an array (a read-only memory
        map is fine), or a :class:`cleannb._core.rows.RowSource` read in ranges.
    filter_by : str, default "prune_by_noise_rate"
        As in :func:`cleannb.filter.find_label_issues`.
    rank_by : str, default "self_confidence"
        The order of the issues (``return_indices_ranked_by``) and the score
        method of :func:`cleannb.rank.get_label_quality_scores`.
    n_jobs : int or None, default None
        Threads for the kernels (None or -1: all cores).
    advance : callable, optional
        Called with the name of each step as it starts (progress display).

    Returns
    -------
    table : dict of numpy.ndarray
        ``index``, ``label_quality``, ``given_label`` and ``predicted_label``
        of each issue, most likely error first.
    noise_rate : float
        1 - trace of the joint P(given, true) estimated by confident learning.

    Examples
    --------
    >>> import numpy as np
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.2, 0.8]])
    >>> table, noise_rate = find_issues(np.array([0, 0, 1, 1, 0]), pred_probs)
    >>> table["index"].tolist(), table["predicted_label"].tolist()
    ([4], [1])
    """
    advance = advance or (lambda description: None)
    pred_probs = as_pred_probs(pred_probs)
    labels = check_labels(labels, num_classes=pred_probs.shape[1], n_rows=pred_probs.shape[0])
    advance("find label issues")
    with num_threads(n_jobs):
        found = _pipeline.find(labels, pred_probs, filter_by)
        if found.raw_joint is None:  # predicted_neq_given: no confident pass of its own
            found = found._replace(raw_joint=_pipeline.confident_pass(labels, pred_probs)[0])
    calibrated = found.joint  # the pruning rules calibrated the raw joint already
    if calibrated is None:
        label_counts = np.bincount(labels, minlength=pred_probs.shape[1])
        calibrated = _calibration.calibrate_sparse(found.raw_joint, label_counts)
    # calibrated again, as count.estimate_joint(labels, None, confident_joint=...) does
    label_counts = np.bincount(labels, minlength=pred_probs.shape[1])
    recalibrated = _calibration.calibrate(np.asfortranarray(calibrated.dense()), label_counts)
    noise_rate = float(1.0 - np.trace(_algebra.normalized_joint(recalibrated)))
    advance("score issues")
    flagged = np.flatnonzero(found.mask)
    own = found.rows.own
    if rank_by == "self_confidence" and own is not None and len(own) == len(labels):
        # the label's probability of every row is at hand: no other read
        issues = flagged[_ties.argsort(own[flagged].astype(pred_probs.dtype))]
        scores = own[issues].astype(np.float64)
    else:
        with num_threads(n_jobs):
            issues = _scores.ranked_rows(flagged, labels, pred_probs, rank_by=rank_by)
        scores = _issue_scores(issues, labels, pred_probs, rank_by)
    table = {
        "index": issues.astype(np.int64),
        "label_quality": np.asarray(scores, dtype=np.float64),
        "given_label": labels[issues].astype(np.int64),
        "predicted_label": found.rows.argmax[issues].astype(np.int64),
    }
    return table, noise_rate


def _issue_scores(issues, labels, pred_probs, rank_by):
    """Label quality scores of the ``issues`` rows, read range by range in row order.

    Scores are per row, so scoring only these rows gives the values that
    scoring all rows would.
    """
    code = _scores.method_code(rank_by, False)
    scores = np.zeros(issues.size)
    order = np.argsort(issues, kind="stable")
    ascending = issues[order]
    for lo, hi, block in blocks_of(pred_probs) if issues.size else ():
        at = order[slice(*np.searchsorted(ascending, [lo, hi]))]
        if at.size:
            rows = np.asarray(block[issues[at] - lo])
            scores[at] = _scores.quality_scores(labels[issues[at]], rows, code, False)
    return scores
