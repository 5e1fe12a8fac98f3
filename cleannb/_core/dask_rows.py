"""``pred_probs`` as a dask array: every pass runs on the dask workers, chunk by chunk.

:class:`DaskRows` is the distributed executor of the passes of
:mod:`cleannb._core.pipeline`. It is a :class:`cleannb._core.rows.RowSource` whose
ranges are the array's row chunks (each spanning all K columns; other
chunkings are rechunked along the columns only). Each pass sends one task
per chunk; the task checks its rows, runs the pass's part on them and
returns a small state: per-row results of its rows, an O(K^2) count, or the
selection's candidates. States that fold (the selection) are merged on the
workers in a binary tree whose shape depends on the number of chunks alone;
the others come back to the client and are put in row order. So no result
depends on the number of workers, or on which chunk finishes first, and
``pred_probs`` itself never reaches the client.

With a ``distributed.Client`` active, the tasks go to its cluster, and a
``progress`` bar (see ``RowSource``) advances as chunks finish; otherwise
dask's current scheduler runs them.
"""

from __future__ import annotations

import warnings

import numpy as np

from .rows import RowSource, checked_block
from .validation import add_row_sum_tally, check_pred_probs, row_sums_over_ranges

#: The oldest dask whose arrays cleannb reads (``to_delayed`` per chunk, ``chunks``).
MIN_DASK_VERSION = (2024, 1)


def require_dask():
    """The ``dask`` module, or an ``ImportError`` that says how to install a recent one."""
    import dask

    found = tuple(int(part) for part in dask.__version__.split(".")[:2] if part.isdigit())
    if found < MIN_DASK_VERSION:
        wanted = ".".join(map(str, MIN_DASK_VERSION))
        raise ImportError(
            f"cleannb needs dask >= {wanted} to read dask arrays, found {dask.__version__}; "
            'upgrade with pip install -U "cleannb[dask]".'
        )
    return dask


class DaskRows(RowSource):
    """An (N, K) dask array of probabilities, read on the dask workers.

    Parameters
    ----------
    array : dask.array.Array
        ``pred_probs``, chunked along rows (column chunks are merged).
    n_rows, num_classes : int, optional
        Expected N and K.
    name : str
        The argument name used in messages.
    progress : callable, optional
        As for :class:`cleannb._core.rows.RowSource`.

    Examples
    --------
    >>> import dask.array as da
    >>> import numpy as np
    >>> from cleannb.filter import find_label_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.1, 0.9]])
    >>> find_label_issues([0, 0, 1, 1], da.from_array(pred_probs, chunks=(3, 2)))
    array([False,  True,  True, False])
    """

    def __init__(self, array, n_rows=None, num_classes=None, name="pred_probs", progress=None):
        require_dask()
        self.name, self.progress, self.passes = name, progress, 0
        self._kept = {}  # id -> (row-aligned array, its persisted pieces, their delayed)
        if array.ndim != 2:
            raise ValueError(
                f"{name} must be 2-D with shape (N, K), one row per example, got shape "
                f"{array.shape}."
            )
        if np.dtype(array.dtype).kind in "iub":
            array = array.astype(np.float64)  # as check_pred_probs does in memory
        check_pred_probs(np.full((1, array.shape[1]), 0.5, dtype=array.dtype), name=name)
        if any(np.isnan(size) for size in array.chunks[0] + (array.shape[1],)):
            raise ValueError(
                f"{name} has chunks of unknown size; call {name}.compute_chunk_sizes() first."
            )
        if array.numblocks[1] != 1:
            array = array.rechunk({1: -1})
        self.array = array
        self.n_rows, self.num_classes = (int(size) for size in array.shape)
        self.dtype = np.dtype(array.dtype)
        self.bounds = np.concatenate([[0], np.cumsum(array.chunks[0])]).astype(np.int64)
        self.batch_size = max(array.chunks[0], default=1)
        self._check_expected(n_rows, num_classes)

    def ranges(self):
        """The row chunks, as consecutive ``(start, stop)`` ranges."""
        for start, stop in zip(self.bounds[:-1], self.bounds[1:], strict=True):
            if stop > start:
                yield int(start), int(stop)

    def blocks(self):
        """Each chunk computed to the caller in turn (for callers that must see the rows)."""
        self.passes += 1
        chunks = self._chunks()
        for (start, stop), chunk in zip(self.ranges(), chunks, strict=True):
            yield start, stop, self._checked(start, stop, chunk.compute())

    def map_ranges(self, part, *shared, rows=()):
        """``part`` run on every chunk by the workers; its results in row order."""
        return self._run(self._parts(part, shared, rows))

    def fold_ranges(self, part, fold, *shared, rows=(), fold_args=()):
        """``part`` run on every chunk, its states folded on the workers in a fixed tree."""
        return self._run(self._parts(part, shared, rows), (fold, fold_args))[0]

    def _chunks(self):
        chunks = self.array.to_delayed().ravel()
        return [
            chunk for chunk, (lo, hi) in zip(chunks, self._all_ranges(), strict=True) if hi > lo
        ]

    def _all_ranges(self):
        return zip(self.bounds[:-1], self.bounds[1:], strict=True)

    def _parts(self, part, shared, rows):
        from dask import delayed

        # one key per shared argument, so that it travels to each worker once
        shared = [delayed(v) if isinstance(v, np.ndarray | list) else v for v in shared]
        header = (self.num_classes, self.dtype, self.name)
        per_chunk = [self._row_chunks(r) for r in rows]
        return [
            delayed(run_part)(part, lo, hi, chunk, header, *(r[i] for r in per_chunk), *shared)
            for i, ((lo, hi), chunk) in enumerate(zip(self.ranges(), self._chunks(), strict=True))
        ]

    def _row_chunks(self, values):
        """A row-aligned array cut like the chunks: on a cluster, sent once per call and kept there.

        The labels go to every pass; kept on the workers (with their lineage,
        so a lost worker's pieces are sent again), they travel once.
        """
        sizes = [hi - lo for lo, hi in self.ranges()]
        if len(values) == 0:
            return [values] * len(sizes)  # an absent bound: empty for every chunk
        if _client() is None:
            bounds = np.cumsum([0] + sizes)
            return [values[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
        kept = self._kept.get(id(values))
        if kept is None or kept[0] is not values:
            import dask.array as da

            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
                pieces = da.from_array(values, chunks=(tuple(sizes),)).persist()
            # the collection holds the futures that keep the pieces on the cluster
            kept = self._kept[id(values)] = (values, pieces, pieces.to_delayed().ravel())
        return kept[2]

    def _run(self, tasks, folding=None):
        """Compute the parts (and their fold), report the row sums, return the states."""
        self.passes += 1
        bar = self.progress(self.passes, self.n_rows) if self.progress else None
        sizes = [hi - lo for lo, hi in self.ranges()]
        try:
            client = _client()
            if client is None:
                results = _run_locally(tasks, folding)
                if bar is not None:
                    bar.update(self.n_rows)
            else:
                results = _run_on_cluster(client, tasks, folding, sizes, bar)
        finally:
            if bar is not None:
                bar.close()
        states = []
        for state, (count, largest) in results:
            if count:
                add_row_sum_tally(count, largest, self.n_rows, self.name)
            states.append(state)
        return states


def run_part(part, lo, hi, chunk, header, *args):
    """A worker's task: check rows ``lo:hi``, run ``part`` on them, count rows off from 1.

    Returns ``(state, (rows off from summing to 1, largest deviation))``; the
    client turns the count into the call's one warning.
    """
    num_classes, dtype, name = header
    block = checked_block(chunk, lo, hi, num_classes, dtype, name)
    with row_sums_over_ranges(hi - lo, name, issue=False) as collected:
        state = part(lo, hi, block, *args)
    return state, tuple(collected.tally)


def fold_pair(first, then, fold, fold_args):
    """Fold two consecutive ``run_part`` results (states and row-sum counts)."""
    (a, (count_a, largest_a)), (b, (count_b, largest_b)) = first, then
    return fold(a, b, *fold_args), (count_a + count_b, max(largest_a, largest_b))


def tree(items, combine):
    """Combine consecutive pairs level by level: a tree whose shape depends on ``len(items)``."""
    while len(items) > 1:
        paired = [combine(items[i], items[i + 1]) for i in range(0, len(items) - 1, 2)]
        items = paired + ([items[-1]] if len(items) % 2 else [])
    return items


def _client():
    """The ``distributed.Client`` that dask's current scheduler is, or None.

    So a ``dask.config.set(scheduler="threads")`` block runs the passes
    locally even while a client exists, as it does for ``dask.compute``.
    """
    from dask.base import get_scheduler

    client = getattr(get_scheduler(), "__self__", None)
    try:
        from distributed import Client
    except ImportError:
        return None
    return client if isinstance(client, Client) else None


def _run_locally(tasks, folding):
    import dask
    from dask import delayed

    if folding is not None:
        fold, fold_args = folding
        tasks = tree(tasks, lambda a, b: delayed(fold_pair)(a, b, fold, fold_args))
    return list(dask.compute(*tasks))


def _run_on_cluster(client, tasks, folding, sizes, bar):
    from distributed import as_completed

    with warnings.catch_warnings():
        # the parts' arguments (O(N) at most) must reach the workers once
        warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
        futures = client.compute(tasks)
    rows_of = {future.key: size for future, size in zip(futures, sizes, strict=True)}
    wanted = futures
    if folding is not None:
        fold, fold_args = folding
        wanted = tree(futures, lambda a, b: client.submit(fold_pair, a, b, fold, fold_args))
    for future in as_completed(futures):
        if future.status == "error":
            break  # gather raises the part's own error
        if bar is not None:
            bar.update(rows_of[future.key])
    return client.gather(wanted)
