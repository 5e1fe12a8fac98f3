"""The row-range executor: ``pred_probs`` read in row ranges instead of held in memory.

A :class:`RowSource` hands out consecutive row ranges of an (N, K) array of
probabilities: a numpy array or memmap, a zarr array, an h5py dataset (or any
object with ``shape``, ``dtype`` and row slicing), or a function
``read(start, stop)`` that returns those rows. It is also the executor of
the passes over such data: each pass (the class sums and row pass of
:mod:`cleannb._core.confident`, the selection of :mod:`cleannb._core.prune`, the scores
of :mod:`cleannb._core.scores`) is a module-level *part* that turns one range
into a small state, run on every range by :meth:`RowSource.map_ranges`
(states in row order) or :meth:`RowSource.fold_ranges` (states merged by
an exact fold). Here the parts run in this process, one range after the
other, so at most one range of rows is in memory at a time;
:class:`cleannb._core.dask_rows.DaskRows` runs the same parts on dask workers. The
results are those of the whole array. Each range is checked when it is
read, and errors name the rows they come from. An array already in memory is
one more source, :class:`ArrayRows`: the passes run their part once, on the
whole array, whose own kernels spread the rows over the threads.
:mod:`cleannb._core.source` turns what the caller passed into an array or such
a source, and an array into an ``ArrayRows`` for the passes.
"""

from __future__ import annotations

from contextlib import nullcontext
from numbers import Integral

import numpy as np

from .validation import check_pred_probs, row_sums_over_ranges

#: Rows per range when the caller does not choose (cleanlab's default).
DEFAULT_BATCH_SIZE = 10_000


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
    #: The rows are read from elsewhere, range by range (see :attr:`ArrayRows.in_memory`).
    in_memory = False

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
        self._check_expected(n_rows, num_classes)
        self.batch_size = self._batch_rows(batch_size)

    def _check_expected(self, n_rows, num_classes):
        """Raise unless the source has the expected N and K (None: any)."""
        if n_rows is not None and int(n_rows) != self.n_rows:
            raise ValueError(
                f"{self.name} has {self.n_rows} rows but labels has {int(n_rows)}; they must match."
            )
        if num_classes is not None and int(num_classes) != self.num_classes:
            raise ValueError(
                f"{self.name} has {self.num_classes} columns, expected {int(num_classes)} classes."
            )

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
        return checked_block(
            block,
            start,
            stop,
            getattr(self, "num_classes", None),
            getattr(self, "dtype", None),
            self.name,
        )

    def row_sums(self, name):
        """A context in which the ranges' rows off from summing to 1 give one warning."""
        return row_sums_over_ranges(self.n_rows, name)

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

    def map_ranges(self, part, *shared, rows=()):
        """``part`` applied to every range, in row order: one pass over the rows.

        Returns ``[part(lo, hi, block, *(r[lo:hi] for r in rows), *shared)]``
        for the ranges in order. ``part`` must be a module-level function of
        its arguments alone (a distributed source runs it on its workers), and
        its results small: O(K^2), or O(rows) of the range.
        """
        return [
            part(lo, hi, block, *(r[lo:hi] for r in rows), *shared)
            for lo, hi, block in self.blocks()
        ]

    def fold_ranges(self, part, fold, *shared, rows=(), fold_args=()):
        """The results of ``part`` on every range, merged by ``fold`` in row order.

        ``fold(first, then, *fold_args)`` merges the states of two consecutive
        runs of rows (``first``'s rows come first) and must give the state the
        whole run would: then the result does not depend on how the rows are
        split or how the folds are grouped. Here the folds run left to right
        and each ``part`` gets the state so far as ``before=`` (None for the
        first), which it may use to skip rows; a distributed source folds in a
        tree and always passes ``before=None``.
        """
        state = None
        for lo, hi, block in self.blocks():
            found = part(lo, hi, block, *(r[lo:hi] for r in rows), *shared, before=state)
            state = found if state is None else fold(state, found, *fold_args)
        return state

    def gather(self, requests):
        """Values of given rows in given columns, in one pass.

        ``requests`` is a list of ``(rows, column)`` with ``rows`` ascending;
        returns one array per request, ``pred_probs[rows, column]``.
        """
        if not requests:
            return []
        parts = self.map_ranges(gather_part, requests)
        return [np.concatenate(values) for values in zip(*parts, strict=True)]


class ArrayRows:
    """A checked (N, K) array of probabilities in memory, as a source of the passes.

    The executor of the passes for an array: it has one range, all N rows,
    so a pass runs its part once, on the array itself (no copy), and the
    part's kernels spread the rows over the threads. Arrays passed to a part
    as ``rows`` reach it whole (not sliced), so they may also be aligned with
    entries (the (row, label) pairs of multi-label data) or a sample of rows.

    Parameters
    ----------
    data : numpy.ndarray
        ``pred_probs``, already checked (``validation.check_pred_probs``); its
        values are checked by the first pass that reads them.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb._core.rows import ArrayRows, own_values
    >>> source = ArrayRows(np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]]))
    >>> list(source.ranges())
    [(0, 3)]
    >>> source.map_ranges(own_values, rows=(np.array([0, 0, 1]),))
    [array([0.9, 0.2, 0.3])]
    >>> source.gather([(np.array([0, 2]), 1)])[0]
    array([0.1, 0.3])
    """

    ndim = 2
    #: The rows are in memory and read in place: a pass may read them again at
    #: no cost (the row pass keeps each row's own probability and maximum only
    #: when asked, and the chunk maxima), the selection may first read a sample
    #: of them, and the messages name the argument, not a range of it.
    in_memory = True

    def __init__(self, data):
        self.data = data
        self.n_rows, self.num_classes = data.shape
        self.dtype = data.dtype
        self.passes = 0

    @property
    def shape(self):
        return self.data.shape

    @property
    def itemsize(self):
        return self.dtype.itemsize

    def __len__(self):
        return self.n_rows

    def ranges(self):
        """The one range: every row."""
        yield 0, self.n_rows

    def row_sums(self, name):
        """No context: the one pass over the rows gives its own warning."""
        return nullcontext()

    def blocks(self):
        """``(0, N, the array)``: one pass over the rows."""
        self.passes += 1
        yield 0, self.n_rows, self.data

    def map_ranges(self, part, *shared, rows=()):
        """``[part(0, N, array, *rows, *shared)]``: ``rows`` pass whole (see the class)."""
        self.passes += 1
        return [part(0, self.n_rows, self.data, *rows, *shared)]

    def fold_ranges(self, part, fold, *shared, rows=(), fold_args=()):
        """``part(0, N, array, *rows, *shared, before=None)``: one range, nothing to fold."""
        self.passes += 1
        return part(0, self.n_rows, self.data, *rows, *shared, before=None)

    def gather(self, requests):
        """Values of given rows in given columns, read in place when asked for.

        ``requests`` is a list of ``(rows, column)``; item i of the result is
        ``array[rows_i, column_i]``, indexed when it is read (so that callers
        on several threads index on their own thread).
        """
        return InPlaceColumns(self.data, requests)


class InPlaceColumns:
    """``data[rows, column]`` of each request ``(rows, column)``, indexed on access."""

    def __init__(self, data, requests):
        self.data = data
        self.requests = requests

    def __len__(self):
        return len(self.requests)

    def __getitem__(self, index):
        rows, column = self.requests[index]
        return self.data[:, column][rows]


def joined(parts, axis=0):
    """The per-range results ``parts`` of a ``map_ranges`` as one array, in row order.

    One part (an in-memory source) is returned as it is, not copied; None
    parts (a result not kept) give None.
    """
    if len(parts) == 1 or (parts and parts[0] is None):
        return parts[0]
    return np.concatenate(parts, axis=axis)


def checked_block(block, start, stop, num_classes, dtype, name="pred_probs"):
    """Rows ``start:stop`` of a source as a checked array of K columns and the source's dtype.

    ``num_classes`` and ``dtype`` are None while the first rows are read.
    """
    where = f"{name}[{start}:{stop}]"
    block = check_pred_probs(np.asarray(block), name=where)
    expected = (stop - start, block.shape[1] if num_classes is None else num_classes)
    if block.shape != expected:
        raise ValueError(
            f"{where} has shape {block.shape}, expected {expected}: every range must "
            "hold its rows and all K columns."
        )
    if dtype is not None and block.dtype != dtype:
        raise TypeError(f"{where} has dtype {block.dtype}, but earlier rows had {dtype}.")
    return block


def gather_part(lo, hi, block, requests):
    """``block``'s values for the requested rows (global, ascending) that fall in ``lo:hi``."""
    out = []
    for rows, column in requests:
        at = rows[slice(*np.searchsorted(rows, [lo, hi]))]
        out.append(block[at - lo, column])
    return out


def own_values(lo, hi, block, labels):
    """``block[i, labels[i]]`` for every row of a range (a :meth:`RowSource.map_ranges` part)."""
    return block[np.arange(hi - lo), labels]
