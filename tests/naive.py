"""Slow, obviously-correct references for the confident-joint family.

Plain Python loops over rows and classes, float64 arithmetic, no Numba and no
cleannb code, so that every kernel can be checked against something written
independently. Values of float16/float32 inputs are upcast exactly to float64
before any comparison: ``p >= t`` then means what it says mathematically.
"""

from __future__ import annotations

import math

import numpy as np


def thresholds(labels, pred_probs):
    """Mean of ``pred_probs[i, k]`` over rows labelled k; 2.0 if absent; at least 2e-6.

    The mean is numpy's ``np.mean`` of each class's values gathered in row
    order, in the dtype of ``pred_probs``, as cleanlab (0.1.0 and 2.x)
    defines its thresholds; float64 when a class is absent (cleanlab then
    builds its array from mixed types).
    """
    n, k = pred_probs.shape
    members = [[] for _ in range(k)]
    for i in range(n):
        y = int(labels[i])
        members[y].append(pred_probs[i, y])
    means = [np.mean(np.array(m, dtype=pred_probs.dtype)) if m else 2.0 for m in members]
    out = np.array(means, dtype=pred_probs.dtype if all(members) else np.float64)
    return np.maximum(out, out.dtype.type(2e-6))


def first_argmax(row):
    best = 0
    for c in range(1, len(row)):
        if row[c] > row[best]:
            best = c
    return best


def confident_guesses(labels, pred_probs, thresholds_, collision_rule="row_argmax"):
    """Per row: -1 if no class reaches ``threshold - 1e-6``, else the chosen confident class."""
    n, k = pred_probs.shape
    # numpy semantics, as cleanlab writes it: float32 thresholds subtract in float32.
    limits = [float(t) for t in np.asarray(thresholds_) - 1e-6]
    guesses = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        row = [float(v) for v in pred_probs[i]]
        confident = [c for c in range(k) if row[c] >= limits[c]]
        if not confident:
            continue
        if len(confident) == 1:
            guesses[i] = confident[0]
        elif collision_rule == "row_argmax":
            guesses[i] = first_argmax(row)
        elif collision_rule == "confident_argmax":
            best = confident[0]
            for c in confident[1:]:
                if row[c] > row[best]:
                    best = c
            guesses[i] = best
        else:
            raise ValueError(collision_rule)
    return guesses


def confident_joint(
    labels, pred_probs, thresholds_=None, calibrate=True, collision_rule="row_argmax"
):
    """The confident joint (uncalibrated: diagonal >= 1) and the off-diagonal row indices."""
    n, k = pred_probs.shape
    if thresholds_ is None:
        thresholds_ = thresholds(labels, pred_probs)
    guesses = confident_guesses(labels, pred_probs, thresholds_, collision_rule)
    cj = np.zeros((k, k), dtype=np.int64)
    off = []
    for i in range(n):
        g = guesses[i]
        if g >= 0:
            cj[labels[i], g] += 1
            if g != labels[i]:
                off.append(i)
    for c in range(k):
        cj[c, c] = max(cj[c, c], 1)
    if calibrate:
        cj = calibrate_joint(cj, np.bincount(labels, minlength=k))
    return cj, np.array(off, dtype=np.int64)


def round_row(values):
    """Round to ints keeping the rounded sum; shortfall goes to the largest residuals.

    Returns the ints and whether the result depends on how equal residuals are
    ordered (then a comparison with another implementation proves nothing).
    """
    ints = [float(np.round(v)) for v in values]
    target = float(np.round(math.fsum(values)))
    shortfall = int(round(target - math.fsum(ints)))
    tie_dependent = False
    if shortfall:
        step = 1 if shortfall > 0 else -1
        residual = [(v - r) * step for v, r in zip(values, ints, strict=False)]
        order = sorted(range(len(values)), key=lambda c: (-residual[c], c))
        m = abs(shortfall)
        if m < len(order) and residual[order[m - 1]] == residual[order[m]]:
            tie_dependent = True
        for c in order[:m]:
            ints[c] += step
    return [int(v) for v in ints], tie_dependent


def calibrate_joint(cj, label_counts, return_tie_dependent=False):
    """Rows rescaled to the label counts, total to N, rounded preserving row totals."""
    cj = np.asarray(cj, dtype=float)
    k = len(cj)
    rows = []
    for s in range(k):
        row_total = max(float(cj[s].sum()), 1e-100)
        rows.append([cj[s, y] / row_total * label_counts[s] for y in range(k)])
    scaled = np.array(rows)
    scaled = scaled / max(float(scaled.sum()), 1e-100) * float(np.sum(label_counts))
    out = np.zeros((k, k), dtype=np.int64)
    tie_dependent = False
    for s in range(k):
        out[s], tied = round_row(list(scaled[s]))
        tie_dependent |= tied
    return (out, tie_dependent) if return_tie_dependent else out


def label_is_predicted(labels, pred_probs):
    """``argmax(p + 1e-6 * onehot(label)) == label`` row by row, the sum in the input dtype."""
    n, k = pred_probs.shape
    eps = pred_probs.dtype.type(1e-6)
    out = np.zeros(n, dtype=bool)
    for i in range(n):
        row = pred_probs[i].copy()
        row[labels[i]] = row[labels[i]] + eps
        out[i] = first_argmax(row) == labels[i]
    return out


def num_label_issues_off_diagonal(labels, pred_probs):
    """Off-diagonal confident rows whose label does not win the 1e-6-boosted argmax."""
    _, off = confident_joint(labels, pred_probs, calibrate=False)
    wins = label_is_predicted(labels, pred_probs)
    return int(sum(1 for i in off if not wins[i]))


def row_argmax(pred_probs):
    return np.array([first_argmax([float(v) for v in row]) for row in pred_probs])
