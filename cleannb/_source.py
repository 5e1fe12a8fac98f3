"""Row sources: ``pred_probs`` that is read in row ranges instead of held in memory.

A :class:`RowSource` hands out consecutive row ranges of an (N, K) array of
probabilities: a numpy array or memmap, a zarr array, an h5py dataset (or any
object with ``shape``, ``dtype`` and row slicing), or a function
``read(start, stop)`` that returns those rows. The passes (the class sums and
row pass of :mod:`cleannb._engine`, the selection of :mod:`cleannb._prune`,
the scores of :mod:`cleannb.rank`) read it range by range, in row order, and
merge what each range gives exactly, so at most one range of rows is in
memory at a time and the results are those of the whole array. Each range
is checked when it is read, and errors name the rows they come from.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ._validation import check_pred_probs

#: Rows per range when the caller does not choose (cleanlab's default).
DEFAULT_BATCH_SIZE = 10_000


def is_array_like(obj):
    """Whether ``obj`` looks like an on-disk array (zarr, h5py) rather than in-memory data."""
    return (
        not isinstance(obj, np.ndarray)
        and hasattr(obj, "shape")
        and hasattr(obj, "dtype")
        and hasattr(obj, "__getitem__")
        and not hasattr(obj, "to_numpy")
    )


class RowSource:
    """An (N, K) array of probabilities read in consecutive row ranges.

    Parameters
    ----------
    data : numpy.ndarray, array-like or callable
        The rows: an array (numpy, memmap, zarr, h5py, ...) sliced as
        ``data[start:stop]``, or a function ``data(start, stop)`` returning
        rows ``start:stop`` as an array.
    n_rows : int, optional
        Required when ``data`` is a function.
    num_classes : int, optional
        Expected K (checked against every range).
    batch_size : int, optional
        Rows per range (default :data:`DEFAULT_BATCH_SIZE`). Results do not
        depend on it; memory and speed do.
    name : str
        The argument name used in messages.
    progress : callable, optional
        ``progress(pass_number, n_rows)`` is called as each pass over the rows
        starts and returns a bar with ``update(rows)`` and ``close()`` (for
        example ``tqdm``); passes are numbered from 1.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.experimental import RowSource
    >>> from cleannb.filter import find_label_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.1, 0.9]])
    >>> source = RowSource(lambda start, stop: pred_probs[start:stop], n_rows=4, batch_size=3)
    >>> list(source.ranges())
    [(0, 3), (3, 4)]
    >>> find_label_issues([0, 0, 1, 1], source, filter_by="low_self_confidence")
    array([False,  True,  True, False])
    """

    ndim = 2

    def __init__(
        self,
        data,
        n_rows=None,
        num_classes=None,
        batch_size=None,
        name="pred_probs",
        progress=None,
    ):
        self.name = name
        self.progress = progress
        self.passes = 0
        if callable(data) and not hasattr(data, "shape"):
            if n_rows is None:
                raise TypeError(
                    f"{name} is a function, so the number of rows must be given "
                    "(pass labels, or n_rows)."
                )
            self._read = data
            self.n_rows = int(n_rows)
            first = self._checked(0, min(1, self.n_rows), self._read(0, min(1, self.n_rows)))
            self.num_classes = first.shape[1] if num_classes is None else int(num_classes)
            self.dtype = first.dtype
        else:
            shape = getattr(data, "shape", None)
            if shape is None or len(shape) != 2:
                raise ValueError(
                    f"{name} must be 2-D with shape (N, K), one row per example, got shape {shape}."
                )
            self._read = lambda start, stop: data[start:stop]
            self.n_rows = int(shape[0])
            self.num_classes = int(shape[1])
            self.dtype = self._checked(0, min(1, self.n_rows), data[: min(1, self.n_rows)]).dtype
        if n_rows is not None and int(n_rows) != self.n_rows:
            raise ValueError(
                f"{name} has {self.n_rows} rows but labels has {int(n_rows)}; they must match."
            )
        if num_classes is not None and int(num_classes) != self.num_classes:
            raise ValueError(
                f"{name} has {self.num_classes} columns, expected {int(num_classes)} classes."
            )
        self.batch_size = self._batch_rows(batch_size)

    @property
    def shape(self):
        return (self.n_rows, self.num_classes)

    @property
    def itemsize(self):
        return self.dtype.itemsize

    def __len__(self):
        return self.n_rows

    def _batch_rows(self, batch_size):
        if batch_size is None:
            batch_size = DEFAULT_BATCH_SIZE
        if isinstance(batch_size, bool) or not isinstance(batch_size, Integral) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
        return int(batch_size)

    def ranges(self):
        """The consecutive ``(start, stop)`` row ranges, in order."""
        for start in range(0, self.n_rows, self.batch_size):
            yield start, min(self.n_rows, start + self.batch_size)

    def read(self, start, stop):
        """Rows ``start:stop`` as a checked numpy array."""
        return self._checked(start, stop, self._read(start, stop))

    def _checked(self, start, stop, block):
        name = f"{self.name}[{start}:{stop}]"
        block = check_pred_probs(np.asarray(block), name=name)
        expected = (stop - start, getattr(self, "num_classes", block.shape[1]))
        if block.shape != expected:
            raise ValueError(
                f"{name} has shape {block.shape}, expected {expected}: every range must "
                "hold its rows and all K columns."
            )
        if hasattr(self, "dtype") and block.dtype != self.dtype:
            raise TypeError(f"{name} has dtype {block.dtype}, but earlier rows had {self.dtype}.")
        return block

    def blocks(self):
        """``(start, stop, rows)`` for every range, in order: one pass over the rows."""
        self.passes += 1
        bar = self.progress(self.passes, self.n_rows) if self.progress else None
        try:
            for start, stop in self.ranges():
                yield start, stop, self.read(start, stop)
                if bar is not None:
                    bar.update(stop - start)
        finally:
            if bar is not None:
                bar.close()

    def gather(self, requests):
        """Values of given rows in given columns, in one pass.

        ``requests`` is a list of ``(rows, column)`` with ``rows`` ascending;
        returns one array per request, ``pred_probs[rows, column]``.
        """
        out = [np.empty(len(rows), dtype=self.dtype) for rows, _ in requests]
        if not requests:
            return out
        for start, stop, block in self.blocks():
            for (rows, column), values in zip(requests, out, strict=True):
                lo, hi = np.searchsorted(rows, [start, stop])
                values[lo:hi] = block[rows[lo:hi] - start, column]
        return out


def as_pred_probs(pred_probs, name="pred_probs"):
    """``pred_probs`` checked as an ndarray, or as a ``RowSource`` if it lives on disk.

    zarr arrays, h5py datasets and other array-likes that are not numpy
    arrays (and have no ``to_numpy``) are read in row ranges; numpy arrays and
    memmaps are used in place.
    """
    if isinstance(pred_probs, RowSource):
        return pred_probs
    if is_array_like(pred_probs):
        return RowSource(pred_probs, name=name)
    return check_pred_probs(pred_probs, name=name)


def blocks_of(pred_probs):
    """``(start, stop, rows)`` of a ``RowSource``'s ranges, or the whole of an array."""
    if isinstance(pred_probs, RowSource):
        return pred_probs.blocks()
    return [(0, len(pred_probs), pred_probs)]
