"""How cleannb orders equal keys: as numpy's sort does (cleanlab's answer), or by index.

cleanlab picks "the m worst" rows, rounds the calibrated confident joint and
ranks label issues with ``np.argsort`` (numpy's default, unstable sort):
among equal keys its answer is whatever order that sort leaves them in, which
depends on the whole array sorted and on the CPU's sort routine. cleannb's
kernels find every cut themselves and break ties by the lower index; where
equal keys straddle a cut, the one row, cell or ranking concerned is
recomputed with numpy on the array cleanlab would sort, so the default result
is cleanlab's on the same machine. :func:`tie_order` switches to the
machine-independent order (lower index first, never slower).

:func:`count_fixups` is a diagnostic: it counts the cuts that took the numpy
path, by kind.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import Counter

import numpy as np

TIE_ORDERS = ("numpy", "index")

_order = contextvars.ContextVar("cleannb_tie_order", default="numpy")
_fixups = contextvars.ContextVar("cleannb_tie_fixups", default=None)


def current_order():
    """The tie order in force: ``"numpy"`` (default) or ``"index"``."""
    return _order.get()


def numpy_order():
    """Whether ties are resolved as numpy's sort resolves them (the default)."""
    return _order.get() == "numpy"


@contextlib.contextmanager
def tie_order(order):
    """Order equal keys as numpy's sort does (``"numpy"``) or lower index first (``"index"``).

    ``"numpy"`` (the default) gives cleanlab's answer on the same machine:
    wherever cleanlab's result depends on how ``np.argsort`` orders equal
    values (calibration rounding, the m rows pruned per cell, the ``low_*``
    filters, every ranked order), cleannb returns the same. ``"index"``
    breaks every tie by the lower row (or column) index: the same result on
    every machine and never slower, but it may differ from cleanlab's where
    equal keys straddle a cut. The setting holds inside the ``with`` block,
    for the current thread or task.

    Parameters
    ----------
    order : {"numpy", "index"}
        How equal keys are ordered inside the ``with`` block.

    Yields
    ------
    None
        Use it as a context manager: ``with cleannb.tie_order("index"): ...``.

    Raises
    ------
    ValueError
        If ``order`` is neither ``"numpy"`` nor ``"index"``.

    Examples
    --------
    >>> import numpy as np
    >>> import cleannb
    >>> from cleannb.rank import find_top_issues
    >>> with cleannb.tie_order("index"):
    ...     find_top_issues(np.array([0.5, 0.2, 0.2, 0.2]), top=2)
    array([1, 2])
    """
    if order not in TIE_ORDERS:
        raise ValueError(f"tie order must be one of {TIE_ORDERS}, got {order!r}.")
    token = _order.set(order)
    try:
        yield
    finally:
        _order.reset(token)


def argsort(keys):
    """Indices that sort ``keys`` ascending, equal keys in the current tie order."""
    keys = np.asarray(keys)
    if numpy_order():
        return np.argsort(keys)
    return np.argsort(keys, kind="stable")


def record(kind, cuts=1):
    """Count ``cuts`` numpy fix-ups of ``kind`` (if :func:`count_fixups` is active)."""
    counter = _fixups.get()
    if counter is not None and cuts:
        counter[kind] += int(cuts)


@contextlib.contextmanager
def count_fixups():
    """Collect, in the returned ``Counter``, the tied cuts resolved with numpy, by kind.

    Kinds: ``"cell"`` (cells of a per-cell top-m selection), ``"smallest"``
    (the cut of a ``low_*`` filter). The calibration is not counted: it
    always rounds with numpy (:func:`cleannb._core.algebra.round_rows`).

    Yields
    ------
    collections.Counter
        Filled, by kind, as the calls inside the ``with`` block resolve tied
        cuts.

    Examples
    --------
    >>> import numpy as np
    >>> import cleannb
    >>> from cleannb.filter import find_label_issues
    >>> pred_probs = np.array([[0.6, 0.4], [0.6, 0.4], [0.6, 0.4], [0.2, 0.8]])
    >>> with cleannb.count_fixups() as fixups:
    ...     mask = find_label_issues([1, 1, 1, 0], pred_probs, filter_by="prune_by_class")
    >>> sorted(fixups) in ([], ["cell"])
    True
    """
    counter = Counter()
    token = _fixups.set(counter)
    try:
        yield counter
    finally:
        _fixups.reset(token)
