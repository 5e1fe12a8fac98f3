"""What ``pred_probs`` is: an array used in place, or a source read in row ranges.

:func:`as_pred_probs` checks a numpy array (or memory map) and uses it in
place, wraps an on-disk array (zarr, h5py, any object with ``shape``,
``dtype`` and row slicing) in a :class:`cleannb._core.rows.RowSource`, and a dask
array in a :class:`cleannb._core.dask_rows.DaskRows`. :func:`as_source` gives
the passes their executor: such a source, or a checked array as a
:class:`cleannb._core.rows.ArrayRows`; :func:`blocks_of` walks either by ranges.
These are the only places that ask what kind of ``pred_probs`` they hold.
"""

from __future__ import annotations

import numpy as np

from .dask_rows import DaskRows
from .rows import ArrayRows, RowSource
from .validation import check_pred_probs


def is_array_like(obj):
    """Whether ``obj`` looks like an on-disk array (zarr, h5py) rather than in-memory data."""
    return (
        not isinstance(obj, np.ndarray)
        and hasattr(obj, "shape")
        and hasattr(obj, "dtype")
        and hasattr(obj, "__getitem__")
        and not hasattr(obj, "to_numpy")
    )


def is_dask_array(obj):
    """Whether ``obj`` is a dask array (checked by type name: dask is not imported)."""
    kind = type(obj)
    return kind.__name__ == "Array" and kind.__module__.startswith("dask.array")


def as_pred_probs(pred_probs, name="pred_probs"):
    """``pred_probs`` checked as an ndarray, or as a ``RowSource`` if it lives on disk.

    zarr arrays, h5py datasets and other array-likes that are not numpy
    arrays (and have no ``to_numpy``) are read in row ranges; dask arrays are
    read by their own chunks on the dask workers (:class:`cleannb._core.dask_rows.DaskRows`);
    numpy arrays and memmaps are used in place.
    """
    if isinstance(pred_probs, RowSource):
        return pred_probs
    if is_dask_array(pred_probs):
        return DaskRows(pred_probs, name=name)
    if is_array_like(pred_probs):
        return RowSource(pred_probs, name=name)
    return check_pred_probs(pred_probs, name=name)


def is_source(pred_probs):
    """Whether ``pred_probs`` is already a source of the passes (not data to wrap in one)."""
    return isinstance(pred_probs, RowSource | ArrayRows)


def as_source(pred_probs):
    """The executor of the passes over ``pred_probs`` (as :func:`as_pred_probs` returns it).

    A source (``RowSource``, ``DaskRows``, ``ArrayRows``) as it is; a checked
    array as an :class:`cleannb._core.rows.ArrayRows` over it (no copy).

    Examples
    --------
    >>> import numpy as np
    >>> source = as_source(np.array([[0.9, 0.1], [0.2, 0.8]]))
    >>> type(source).__name__, list(source.ranges())
    ('ArrayRows', [(0, 2)])
    >>> as_source(source) is source
    True
    """
    return pred_probs if is_source(pred_probs) else ArrayRows(pred_probs)


def blocks_of(pred_probs):
    """``(start, stop, rows)`` of each range of ``pred_probs`` (one, all rows, for an array)."""
    return as_source(pred_probs).blocks()
