"""What ``pred_probs`` is: an array used in place, or a source read in row ranges.

:func:`as_pred_probs` checks a numpy array (or memory map) and uses it in
place, wraps an on-disk array (zarr, h5py, any object with ``shape``,
``dtype`` and row slicing) in a :class:`cleannb._core.rows.RowSource`, and a dask
array in a :class:`cleannb._core.dask_rows.DaskRows`; :func:`blocks_of` walks either
kind by ranges.
"""

from __future__ import annotations

import numpy as np

from .dask_rows import DaskRows
from .rows import RowSource
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


def blocks_of(pred_probs):
    """``(start, stop, rows)`` of a ``RowSource``'s ranges, or the whole of an array."""
    if isinstance(pred_probs, RowSource):
        return pred_probs.blocks()
    return [(0, len(pred_probs), pred_probs)]
