"""Slow, obviously-correct references for pruning (plain loops, no cleannb code).

``prune_masks`` reproduces both selection rules from a prune-count matrix:
``"count"`` takes exactly m rows, best first; ``"cutoff"`` uses 0.1.0's value
cut-offs (by class: strictly below the (m+1)-th smallest self-confidence; by
noise rate: at or above the m-th largest margin). Margins are numpy scalar
differences in the dtype of ``pred_probs``, as cleanlab computes them. Ties
of ``"count"`` go to the lower row index (``ties="index"``) or to the order of
``np.argsort`` on the keys of the rows of the class (``ties="numpy"``).
"""

from __future__ import annotations

import numpy as np


def keep_at_least_n_per_class(pcm, n, frac_noise=1.0):
    """Column by column: raise the diagonal to n, spread the cost, scale, truncate."""
    pcm = np.asarray(pcm, dtype=float)
    k = len(pcm)
    out = np.zeros((k, k), dtype=np.int64)
    for col in range(k):
        diag = pcm[col, col]
        new_diag = max(diag, n)
        nonzero = sum(1 for r in range(k) if pcm[r, col] != 0)
        share = (new_diag - diag) / max(nonzero - 1.0, 1.0)
        column = [max(pcm[r, col] - share, 0.0) for r in range(k)]
        column[col] = new_diag
        scaled = [column[r] * frac_noise for r in range(k)]
        removed = sum(column[r] - scaled[r] for r in range(k) if r != col)
        scaled[col] = column[col] + removed
        for r in range(k):
            out[r, col] = int(scaled[r])
    return out


def prune_masks(labels, pred_probs, pcm, prunable, semantics, ties="index"):
    """(by_class, by_noise_rate) masks from the prune counts ``pcm[y, s]``."""
    n, k = pred_probs.shape
    p = np.asarray(pred_probs)
    by_class = np.zeros(n, dtype=bool)
    by_noise = np.zeros(n, dtype=bool)
    for c in range(k):
        if not prunable[c]:
            continue
        members = [i for i in range(n) if labels[i] == c]
        remove = len(members) - int(pcm[c, c])
        ranked = sorted(members, key=lambda i: (p[i, c], i))  # smallest self-confidence first
        if ties == "numpy":
            ranked = [members[q] for q in np.argsort(p[members, c])]
        if semantics == "count":
            for i in ranked[: max(remove, 0)]:
                by_class[i] = True
        elif remove > 0:
            cut = p[ranked[remove], c]
            for i in members:
                if p[i, c] < cut:
                    by_class[i] = True
        for j in range(k):
            m = int(pcm[j, c])
            if j == c or m <= 0:
                continue
            ranked = sorted(members, key=lambda i: (-(p[i, j] - p[i, c]), i))
            if ties == "numpy":
                ranked = [members[q] for q in np.argsort(-(p[members, j] - p[members, c]))]
            if semantics == "count":
                for i in ranked[:m]:
                    by_noise[i] = True
            else:
                i_cut = ranked[min(m, len(ranked)) - 1]
                cut = p[i_cut, j] - p[i_cut, c]
                for i in members:
                    if p[i, j] - p[i, c] >= cut:
                        by_noise[i] = True
    return by_class, by_noise


def first_argmax(row):
    best = 0
    for c in range(1, len(row)):
        if row[c] > row[best]:
            best = c
    return best
