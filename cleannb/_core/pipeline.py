"""The passes of confident learning over ``pred_probs``, and the rules built from them.

This module is the one sequence the public functions run: ``count`` and
``filter`` are thin functions over it and import neither each other nor
``rank`` (whose scores pass lives in ``_scores``), and ``dataset`` builds
on ``count``. The passes, in
order, each a read of ``pred_probs`` (in memory, or range by range from a
``RowSource``) that turns row blocks into a small state merged in row order:

1. :func:`confident_thresholds`: each row's label probability, averaged per
   class as numpy averages (``_confident.self_confidence_means``) -> the
   confident thresholds;
2. :func:`confident_pass`: per row, the argmax and the confident class (and
   for the pruning rules the row's own probability and maximum)
   (``_confident.row_pass``) -> pair counts -> the confident joint
   (``_confident.confident_counts``), calibrated by ``_algebra``;
3. the selection (``_prune.select``): per cell of the prune counts, the
   best m rows (``_prune.Pool``, folded by ``_prune._fold`` and read out as a
   ``_prune.Best``), with a pass
   over the columns of the cells whose cut falls on a tie;
4. scores and flags: per row, from what passes 2-3 kept (the 1e-6 check of
   :func:`unflag_predicted`), or computed as pass 2 reads each range (the
   ``low_*`` rules).

:func:`find` runs the rule a ``filter_by`` names and returns everything the
passes produced (:class:`Found`), so that callers (``filter``, the CLI,
``dataset``) reuse it instead of reading ``pred_probs`` again. Inputs reach
this module checked (labels) or checked as they are read (each range of
``pred_probs``, in its first pass).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import algebra as _algebra
from . import calibration as _calibration
from . import confident as _confident
from . import prune as _prune
from . import scores as _scores
from . import ties as _ties
from .constants import FLOATING_POINT_COMPARISON
from .method_names import PRUNE_FILTERS
from .validation import is_small_data


def confident_thresholds(labels, pred_probs):
    """Confident thresholds of checked inputs: one gather of each row's label probability.

    Bit for bit cleanlab's (:func:`cleannb._core.scores.numpy_thresholds`).
    """
    return _scores.numpy_thresholds(labels, pred_probs)


def confident_pass(
    labels,
    pred_probs,
    thresholds=None,
    collision_rule="row_argmax",
    keep_values=False,
    per_row=None,
):
    """Uncalibrated confident joint (``SparseCounts``, diagonal at least 1) and the per-row results.

    For checked inputs, inside :func:`cleannb._core.parallel.num_threads`; the one
    pass over ``pred_probs`` that every confident-joint consumer shares.
    ``keep_values`` also keeps each row's own probability and maximum;
    ``per_row`` computes one more value a row from each range read (see
    :func:`cleannb._core.confident.row_pass`).
    """
    num_classes = pred_probs.shape[1]
    if thresholds is None:
        thresholds = confident_thresholds(labels, pred_probs)
    else:
        thresholds = np.asarray(thresholds)
        if thresholds.shape != (num_classes,):
            raise ValueError(
                f"thresholds must have one entry per class, shape ({num_classes},), "
                f"got {thresholds.shape}."
            )
    limits = thresholds - FLOATING_POINT_COMPARISON
    rows = _confident.row_pass(
        pred_probs,
        labels,
        limits,
        paper_rule=collision_rule == "confident_argmax",
        keep_values=keep_values,
        per_row=per_row,
    )
    return _confident.confident_counts(labels, rows.guess, num_classes, min_diagonal=1), rows


def confident_joint(
    labels, pred_probs, thresholds=None, collision_rule="row_argmax", calibrate=True
):
    """The confident joint as a dense (K, K) int64 matrix, and the per-row results.

    For checked inputs, inside :func:`cleannb._core.parallel.num_threads`:
    :func:`confident_pass`, then :func:`dense_joint`.
    """
    joint, rows = confident_pass(labels, pred_probs, thresholds, collision_rule)
    return dense_joint(joint, labels, calibrate), rows


def dense_joint(joint, labels, calibrate):
    """A ``SparseCounts`` confident joint as a dense matrix: calibrated to the label
    counts, or else in Fortran order, cleanlab's layout (numpy sums a matrix in memory
    order, so a later calibration of it rounds as cleanlab's would)."""
    if calibrate:
        label_counts = np.bincount(labels, minlength=len(joint.start) - 1)
        return _calibration.calibrate_sparse(joint, label_counts).dense()
    return np.asfortranarray(joint.dense())


def argmax_confusion(labels, pred_probs, calibrate, name="pred_probs"):
    """Counts of (given label, argmax) pairs as a (K, K) matrix, calibrated if asked.

    For checked inputs, inside :func:`cleannb._core.parallel.num_threads`: the
    confident joint of the paper's argmax baselines.
    """
    num_classes = pred_probs.shape[1]
    argmax = _confident.row_pass(pred_probs, labels, name=name).argmax
    pairs = np.bincount(labels * num_classes + argmax, minlength=num_classes * num_classes)
    joint = pairs.reshape(num_classes, num_classes)
    if calibrate:
        joint = _calibration.calibrate(joint, np.bincount(labels, minlength=num_classes))
    return joint


def off_diagonal_rows(labels, rows):
    """Ascending int64 indices of the rows counted off the confident joint's diagonal."""
    return np.flatnonzero((rows.guess >= 0) & (rows.guess != labels)).astype(np.int64)


def count_off_diagonal_issues(labels, pred_probs, rows):
    """Off-diagonal rows whose label does not win the argmax (2.x's 1e-6 head start)."""
    off = off_diagonal_rows(labels, rows)
    wins = _confident.label_is_predicted(
        pred_probs, labels, rows.argmax, off, rows.own, rows.row_max
    )
    return int(off.size - np.count_nonzero(wins))


def calibrated_issue_count(labels, guess, num_classes):
    """``rint(N * (1 - trace))`` of the calibrated joint counted from each row's confident guess."""
    counts = _confident.confident_counts(labels, guess, num_classes, min_diagonal=1)
    calibrated = _calibration.calibrate_sparse(
        counts, np.bincount(labels, minlength=num_classes)
    ).dense()
    joint = _algebra.normalized_joint(calibrated)
    return int(np.rint((1.0 - joint.trace()) * len(labels)))


class Found(NamedTuple):
    """What the passes of one rule produced.

    ``mask``: the flagged rows. ``rows``: the per-row results of the
    confident pass (``_confident.RowPass``: argmax, confident class, and for the
    pruning rules each row's own probability and maximum). ``raw_joint``:
    the uncalibrated confident joint of that pass (``SparseCounts``; None
    when the rule made no confident pass or was given a joint). ``joint``:
    the joint the pruning used (None for the other rules). ``scores``: every
    row's score (the ``low_*`` rules).
    """

    mask: np.ndarray
    rows: _confident.RowPass
    raw_joint: _calibration.SparseCounts | None
    joint: _calibration.SparseCounts | None
    scores: np.ndarray | None


def find(
    labels,
    pred_probs,
    filter_by,
    frac_noise=1.0,
    remove=None,
    min_examples_per_class=1,
    confident_joint=None,
):
    """Run the rule ``filter_by`` on checked inputs (inside ``num_threads``): a :class:`Found`.

    ``remove`` is ``num_to_remove_per_class`` (or None) and
    ``confident_joint`` a dense matrix to use instead of computing one.
    Every rule but the ``low_*`` ones then unflags the rows whose label wins
    the argmax given cleanlab 2.x's 1e-6 head start.
    """
    joint = scores = None
    if filter_by in PRUNE_FILTERS:
        mask, rows, raw_joint, joint = _pruned(
            labels,
            pred_probs,
            filter_by,
            frac_noise,
            remove,
            min_examples_per_class,
            confident_joint,
        )
    elif filter_by.startswith("low_"):
        mask, rows, raw_joint, scores = _low_scores(labels, pred_probs, filter_by[4:])
    else:
        mask, rows, raw_joint = _other_filter(labels, pred_probs, filter_by)
    if scores is None:
        unflag_predicted(pred_probs, labels, mask, rows.argmax, rows.own, rows.row_max)
    return Found(mask, rows, raw_joint, joint, scores)


def checked_joint(confident_joint, num_classes):
    joint = np.asarray(confident_joint)
    if joint.shape != (num_classes, num_classes) or not np.issubdtype(joint.dtype, np.number):
        raise ValueError(
            f"confident_joint must be a ({num_classes}, {num_classes}) matrix of counts, one row "
            f"and column per column of pred_probs; got shape {joint.shape}."
        )
    if not np.all(np.isfinite(joint)) or joint.min() < 0:
        raise ValueError("confident_joint must hold finite, non-negative counts.")
    return joint


def _pruned(
    labels,
    pred_probs,
    filter_by,
    frac_noise,
    num_to_remove_per_class,
    min_examples_per_class,
    confident_joint,
):
    """The mask of a pruning rule, the confident pass's rows, its joint, the joint pruned by."""
    num_classes = pred_probs.shape[1]
    label_counts = np.bincount(labels, minlength=num_classes)
    keep_values = _confident.worth_keeping_values(pred_probs)
    if confident_joint is None:
        raw_joint, rows = confident_pass(labels, pred_probs, keep_values=keep_values)
        joint = _calibration.calibrate_sparse(raw_joint, label_counts)
    else:
        raw_joint = None
        joint = _calibration.SparseCounts.from_dense(checked_joint(confident_joint, num_classes))
        rows = _confident.row_pass(pred_probs, labels, keep_values=keep_values)  # validates values
    remove = None
    if num_to_remove_per_class is not None:
        remove = _prune.check_num_to_remove(num_to_remove_per_class, num_classes)
    by_given = _prune.prune_counts(joint, label_counts, min_examples_per_class, frac_noise, remove)
    too_small = label_counts <= min_examples_per_class
    _prune.warn_small_classes(np.flatnonzero(too_small), min_examples_per_class)
    # cleanlab also drops the flag of a class with a single example
    prunable = ~too_small & (label_counts > 1)
    by_class, by_noise_rate = _prune.select(
        pred_probs,
        labels,
        label_counts,
        by_given,
        prunable,
        by_class=filter_by != "prune_by_noise_rate",
        by_noise_rate=filter_by != "prune_by_class",
        own=rows.own,
        row_max=rows.row_max,
        chunk_max=rows.chunk_max,
    )
    if by_class is None:
        return by_noise_rate, rows, raw_joint, joint
    if by_noise_rate is None:
        return by_class, rows, raw_joint, joint
    return by_class & by_noise_rate, rows, raw_joint, joint


def _other_filter(labels, pred_probs, filter_by):
    """The mask of ``confident_learning`` or ``predicted_neq_given``, the rows, the joint."""
    if filter_by == "confident_learning":
        mask = np.zeros(len(labels), dtype=bool)
        raw_joint, rows = confident_pass(labels, pred_probs)
        mask[off_diagonal_rows(labels, rows)] = True
        return mask, rows, raw_joint
    rows = _confident.row_pass(pred_probs, labels)  # predicted_neq_given
    return rows.argmax != labels, rows, None


def _low_scores(labels, pred_probs, method):
    """The mask of the ``num_label_issues`` lowest scores of ``method``, the rows, every score.

    The scores are computed from each range the confident pass reads, and
    the issue count from its rows: one read of ``pred_probs`` for both.
    """
    raw_joint, rows = confident_pass(
        labels, pred_probs, per_row=(_scores.scores_in_dtype, (method,))
    )
    scores = rows.per_row
    num_issues = count_off_diagonal_issues(labels, pred_probs, rows)
    mask = np.zeros(len(labels), dtype=bool)
    by_sorting = _ties.numpy_order() and is_small_data(pred_probs)
    mask[lowest_scores(scores, num_issues, by_sorting)] = True
    return mask, rows, raw_joint, scores


def lowest_scores(scores, count, by_sorting=False):
    """The rows of the ``count`` lowest ``scores``, as ``np.argsort(scores)[:count]``.

    A partial selection finds them, ties to the lower row; only if equal
    scores straddle the cut (and ties follow numpy) does numpy sort them all.
    With ``by_sorting`` (small inputs, ties as numpy's), numpy sorts them at once.
    """
    if by_sorting:
        order = np.argsort(scores)
        tied = 0 < count < len(scores) and scores[order[count - 1]] == scores[order[count]]
        _ties.record("smallest", int(tied))
        return order[:count]
    chosen = _prune.smallest(scores, count)
    if not _ties.numpy_order() or len(chosen) in (0, len(scores)):
        return chosen
    cut = scores[chosen].max()
    if np.count_nonzero(scores == cut) == np.count_nonzero(scores[chosen] == cut):
        return chosen
    _ties.record("smallest")
    return np.argsort(scores)[:count]


def unflag_predicted(pred_probs, labels, mask, argmax, own=None, row_max=None):
    """Unflag, in place, rows whose label wins the argmax given cleanlab's 1e-6 head start."""
    rows = np.flatnonzero(mask)
    wins = _confident.label_is_predicted(pred_probs, labels, argmax, rows, own, row_max)
    mask[rows[wins]] = False
    return mask
