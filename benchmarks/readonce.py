"""The read-once floor: the time of the fastest single read of all of ``pred_probs``.

``read_once_seconds(pred_probs)`` is the floor of ``ratios.py`` (one
definition): a vectorised Numba read in float32-sum or int32-max lanes, in
parallel (and, for small arrays, also serially), JIT warmed first, best of a
few reads. Speed targets are stated as multiples of it. Importable from the
benchmarks and the comparison scripts.
"""

from __future__ import annotations

from ratios import FLOOR_READS, Floor


def read_once_seconds(pred_probs, repeat=5):
    """Best seconds for one read of ``pred_probs`` (about ``repeat`` reads per reader)."""
    floor = Floor(pred_probs)
    return min(floor.seconds() for _ in range(max(1, -(-repeat // FLOOR_READS))))
