"""The read-once floor: the time of one parallel pass that reads all of ``pred_probs``.

``read_once_seconds(pred_probs)`` times a parallel Numba sum over every value
(best of a few runs, JIT warmed first). Speed targets are stated as multiples
of it. Importable from the benchmarks and the comparison scripts.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit, prange


@njit(parallel=True, fastmath=True, nogil=True)
def _sum_rows(values):
    n, k = values.shape
    blocks = 256
    step = (n + blocks - 1) // blocks
    partial = np.zeros(blocks)
    for b in prange(blocks):
        total = 0.0
        for i in range(b * step, min(n, (b + 1) * step)):
            for j in range(k):
                total += values[i, j]
        partial[b] = total
    return partial.sum()


def read_once_seconds(pred_probs, repeat=5):
    """Best-of-``repeat`` seconds for one parallel read of ``pred_probs`` (C order)."""
    values = pred_probs.view(np.int16) if pred_probs.dtype == np.float16 else pred_probs
    _sum_rows(values[:2])
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        _sum_rows(values)
        best = min(best, time.perf_counter() - start)
    return best
