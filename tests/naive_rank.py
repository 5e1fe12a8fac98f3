"""Slow, obviously-correct references for label quality scores and rankings.

Plain Python loops in float64 (values of float16/32 inputs are upcast exactly
first), no Numba and no cleannb code. The normalized margin of unadjusted
probabilities is computed with numpy scalars of the input's dtype, as
cleanlab computes it (a float16 margin is rounded to float16 at each step).
"""

from __future__ import annotations

import math

import numpy as np


def thresholds(labels, pred_probs):
    """Mean of ``pred_probs[i, k]`` over rows labelled k (2.0 if none), clipped at 2e-6."""
    n, k = pred_probs.shape
    total, count = [0.0] * k, [0] * k
    for i in range(n):
        total[labels[i]] += float(pred_probs[i, labels[i]])
        count[labels[i]] += 1
    return [max(total[c] / count[c] if count[c] else 2.0, 2e-6) for c in range(k)]


def _adjusted(row, shift):
    top = max(shift)
    adjusted = [(p - t) + top for p, t in zip(row, shift, strict=True)]
    total = sum(adjusted)
    return [a / total for a in adjusted]


def _score(row, label, method):
    own = row[label]
    if method == "self_confidence":
        return own
    if method == "normalized_margin":
        other = max(p for c, p in enumerate(row) if c != label)
        return (own - other + 1.0) / 2.0
    entropy = -sum(p * math.log(p) for p in row if p > 0) / math.log(len(row))
    ratio = entropy / max(own, 1e-6)
    return math.log(ratio + 1.0) / max(ratio, 1e-6)


def scores(labels, pred_probs, method="self_confidence", adjust=False):
    """Label quality score of every row (see cleannb.rank.get_label_quality_scores)."""
    shift = thresholds(labels, pred_probs) if adjust else None
    out = []
    for i in range(pred_probs.shape[0]):
        if method == "normalized_margin" and not adjust:
            own = pred_probs[i, labels[i]]
            other = max(p for c, p in enumerate(pred_probs[i]) if c != labels[i])
            out.append(float((own - other + 1) / 2))  # numpy scalar arithmetic in the dtype
            continue
        row = [float(v) for v in pred_probs[i]]
        if adjust:
            row = _adjusted(row, shift)
        out.append(_score(row, int(labels[i]), method))
    return np.array(out)


def order_issues(mask, labels, pred_probs, method="self_confidence", adjust=False):
    values = scores(labels, pred_probs, method, adjust)
    rows = [i for i in range(len(mask)) if mask[i]]
    return np.array(sorted(rows, key=lambda r: (values[r], r)), dtype=np.int64)


def top_issues(values, top):
    """The ``top`` smallest values' indices, ties by lower index, NaN last."""
    keyed = sorted(
        range(len(values)),
        key=lambda i: (math.isnan(values[i]), values[i] if not math.isnan(values[i]) else 0.0, i),
    )
    return np.array(keyed[:top], dtype=np.int64)


def multilabel_per_class(labels, pred_probs, method="self_confidence", adjust=False):
    """(N, K) scores of the binary problems ``(1 - p[:, k], p[:, k])`` vs "k in labels"."""
    n, k = pred_probs.shape
    out = np.empty((n, k))
    for c in range(k):
        binary_labels = np.array([1 if c in labels[i] else 0 for i in range(n)])
        binary = np.array(
            [[1.0 - float(pred_probs[i, c]), float(pred_probs[i, c])] for i in range(n)]
        )
        out[:, c] = scores(binary_labels, binary, method, adjust)
    return out


def ema(values, alpha):
    ordered = sorted(values, reverse=True)
    result = ordered[0]
    for v in ordered[1:]:
        result = alpha * v + (1.0 - alpha) * result
    return result


def softmin(values, temperature):
    scaled = [(1.0 - v) / max(temperature, 1e-6) for v in values]
    top = max(scaled)
    weights = [math.exp(s - top) for s in scaled]
    total = sum(weights)
    return sum(v * w / total for v, w in zip(values, weights, strict=True))
