"""The confident joint as sparse counts, and its calibration, bit for bit cleanlab's.

cleanlab calibrates the confident joint in numpy: each row rescaled to its
label count, the whole to their total, then rounded so that each row keeps
its rounded total (``round_preserving_row_totals``), the units going to the
largest residuals in the order numpy's ``argsort`` gives them. Here the
joint is a :class:`SparseCounts` (O(entries) memory, however large K is);
:func:`calibrate_sparse` computes numpy's sums in numpy's order and only
the rows whose rounding depends on the order of equal residuals are sorted
by numpy itself (on the kernels' threads), so the result is cleanlab's on
the same machine.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from . import ties as _ties
from .algebra import guard
from .constants import TINY_VALUE
from .parallel import map_in_threads


def round_preserving_sum(values):
    """Round to integers whose sum is the rounded sum of ``values``.

    Entries are rounded half-to-even; the rounding shortfall is then made up
    one unit at a time on the entries with the largest residuals (the most
    negative ones when the sum is too high). Equal residuals are ordered as
    cleanlab orders them, by numpy's default ``argsort`` of ``values -
    rounded`` (read from its end when units are added), or lower index first
    under ``tie_order("index")``.
    """
    floats = np.asarray(values, dtype=float)
    return round_rows(floats.reshape(1, -1))[0]


def round_rows(rows):
    """:func:`round_preserving_sum` of each row of the 2-D float64 array ``rows``.

    Each round gives a unit to the entries first in the order of the
    residuals ``rows - ints`` (numpy's ``argsort``, read from its end when
    units are added; or a stable sort, lower column first, under
    ``tie_order("index")``), until each rounded row sum is reached: the
    choice cleanlab makes row by row, so the result is cleanlab's on the same
    machine. numpy sorts each row of a 2-D array with the routine it uses
    for that row alone, so one call sorts them all, and the row sums of a
    C-contiguous array are ``np.sum`` of each row (the same pairwise order).
    """
    return _round_rows(rows)[0].astype(np.int64)


def _round_rows(rows):
    """:func:`round_rows` as floats, and the flat positions of the units given (a list)."""
    rows = np.ascontiguousarray(rows, dtype=float)
    ints = rows.round()
    targets = rows.sum(axis=1).round()
    width = rows.shape[1]
    by_numpy = _ties.numpy_order()
    gained = []
    while True:
        missing = np.round(targets - ints.sum(axis=1).round())
        short = np.flatnonzero(np.abs(missing) > 1e-6)
        if not len(short):
            return ints, gained
        step = np.sign(missing[short])
        units = np.minimum(np.abs(missing[short]), width).astype(np.int64)
        residual = rows - ints if len(short) == len(rows) else rows[short] - ints[short]
        if by_numpy:  # units go to the end of numpy's order (its start when taken away)
            order = np.argsort(residual, axis=1)
        else:  # the largest residuals (times the step) first, lower column first
            order = np.argsort(-residual * step[:, None], axis=1, kind="stable")
        which = np.repeat(np.arange(len(short)), units)
        nth = np.arange(len(which)) - np.repeat(np.cumsum(units) - units, units)
        if by_numpy:
            nth = np.where(step[which] > 0, width - 1 - nth, nth)
        columns = order[which, nth]
        ints[short[which], columns] += step[which]
        gained.append(short[which] * width + columns)


def round_preserving_row_totals(matrix):
    """Apply :func:`round_preserving_sum` to every row of ``matrix``."""
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        return np.array([round_preserving_sum(row) for row in matrix], dtype=np.int64).reshape(
            matrix.shape
        )
    return round_rows(matrix)


class SparseCounts(NamedTuple):
    """A K x K count matrix by rows (CSR), for the confident joint and prune counts.

    Row r holds ``counts[start[r]:start[r + 1]]`` at ascending ``columns``;
    other entries are 0 (explicit zeros are allowed). A confident joint has
    O(N) entries however large K is, so these matrices cost no K x K arrays.
    """

    start: np.ndarray
    columns: np.ndarray
    counts: np.ndarray

    @classmethod
    def from_dense(cls, matrix):
        """The nonzero entries of a square ``matrix``."""
        matrix = np.asarray(matrix)
        rows, columns = np.nonzero(matrix)
        start = np.zeros(len(matrix) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(matrix)), out=start[1:])
        return cls(start, columns.astype(np.int64), matrix[rows, columns])

    def rows(self):
        """The row of every entry."""
        return np.repeat(np.arange(len(self.start) - 1), np.diff(self.start))

    def dense(self):
        """The K x K matrix."""
        size = len(self.start) - 1
        out = np.zeros((size, size), dtype=self.counts.dtype)
        out[self.rows(), self.columns] = self.counts
        return out

    def diagonal(self):
        """The K diagonal entries."""
        rows = self.rows()
        on = self.columns == rows
        out = np.zeros(len(self.start) - 1, dtype=self.counts.dtype)
        out[rows[on]] = self.counts[on]
        return out


#: The total of a rescaled joint is summed in dense pieces of at most this many values.
SUM_PIECE_VALUES = 1 << 17
#: numpy sums a run of at most this many values without splitting it.
PAIRWISE_BLOCK = 128
#: Rows are rounded in dense blocks of at most this many values (1 MB).
ROUND_BLOCK_VALUES = 1 << 17


def numpy_sum_of_entries(positions, values, size):
    """``np.sum`` of a float64 vector of ``size`` that is ``values`` at ``positions``, 0 elsewhere.

    Bit for bit, without making the whole vector: numpy sums a contiguous
    vector pairwise, splitting a run of ``n > 128`` values (:data:`PAIRWISE_BLOCK`) after ``h = n //
    2 - (n // 2) % 8`` values and adding the sums of the two parts. Each
    part is summed by ``np.sum`` of its own dense copy (the same tree) once
    it holds at most :data:`SUM_PIECE_VALUES` values; a part without
    entries is 0, which adds nothing. ``positions`` are ascending.
    """
    if len(positions) == 0:
        return 0.0
    if size <= max(SUM_PIECE_VALUES, PAIRWISE_BLOCK):
        dense = np.zeros(size)
        dense[positions] = values
        return float(np.sum(dense))
    half = size // 2
    half -= half % 8
    split = np.searchsorted(positions, half)
    left = numpy_sum_of_entries(positions[:split], values[:split], half)
    right = numpy_sum_of_entries(positions[split:] - half, values[split:], size - half)
    return left + right


def calibrate_sparse(confident_joint, label_counts, tiny=TINY_VALUE, column_major=True):
    """:func:`calibrate` of a :class:`SparseCounts` confident joint, as :class:`SparseCounts`.

    Makes numpy's floating-point operations on the entries, in numpy's
    summation order, then rounds each row as :func:`round_rows` does
    (:func:`_rounded_entries`): O(K^2) time for the row sums, O(entries +
    :data:`ROUND_BLOCK_VALUES`) memory. The result holds the entries of the
    input (rounded, possibly to 0) and the columns that gained a unit.

    numpy sums a matrix in its memory order, so the total (and with it every
    rescaled value, to the last bit) depends on the layout of the matrix that
    cleanlab calibrates: ``column_major`` (the default) is the layout of the
    confident joint that cleanlab computes itself (a transposed confusion
    matrix); :func:`calibrate` passes the layout of the matrix it is given.
    """
    label_counts = np.asarray(label_counts)
    size = len(label_counts)
    if len(confident_joint.start) != size + 1:
        raise ValueError(
            f"confident_joint must be (K, K) with one label count per row, got "
            f"{len(confident_joint.start) - 1} rows and {label_counts.shape} label counts."
        )
    rows = confident_joint.rows()
    columns = confident_joint.columns
    counts = np.asarray(confident_joint.counts, dtype=np.float64)  # exact below 2**53
    label_floats = label_counts.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):  # as numpy on a row of zeros
        # each row summed left to right (bincount adds its weights in order)
        row_totals = np.bincount(rows, weights=counts, minlength=size)
        scaled = counts / guard(row_totals, tiny)[rows] * label_floats[rows]
        if column_major:
            flat = columns * size + rows
            order = np.argsort(flat, kind="stable")
            total = numpy_sum_of_entries(flat[order], scaled[order], size * size)
        else:
            total = numpy_sum_of_entries(rows * size + columns, scaled, size * size)
        scaled = scaled / guard(np.float64(total), tiny) * np.float64(label_counts.sum())
    return _rounded_entries(confident_joint, rows, scaled)


def _rounded_entries(joint, rows, scaled):
    """The rows of the matrix with ``scaled`` at the entries of ``joint``, rounded by rows.

    Each row is rounded as :func:`round_rows` rounds it. Where a row's u
    units of shortfall go to u of its entries whose residuals are larger
    than all others (no tie at the cut, no unit for an empty column), they
    are given on the entries; the other rows are made dense and rounded by
    :func:`round_rows` (numpy's sort), a block of rows at a time.
    """
    size = len(joint.start) - 1
    ints = np.rint(scaled)
    targets = _row_sums(joint, rows, scaled).round()
    shortfall = np.rint(targets - np.bincount(rows, weights=ints, minlength=size))
    sign = np.sign(shortfall)
    units = np.abs(shortfall)
    residual = (scaled - ints) * sign[rows]  # what a unit gains, per entry
    order = np.lexsort((-residual, rows))  # by row, largest first, then lower column
    ranked = residual[order]
    rank = np.arange(len(order)) - joint.start[rows]  # rows[order] == rows: CSR order
    positive = np.bincount(rows, weights=residual > 0, minlength=size)
    on_entries = (units > 0) & (units <= positive)
    if _ties.numpy_order():  # numpy's sort decides between equal residuals at the cut
        cut = joint.start[:-1] + units.astype(np.int64)
        clear = units == positive
        inside = on_entries & ~clear
        clear[inside] = ranked[cut[inside] - 1] != ranked[cut[inside]]
        on_entries &= clear
    gains = on_entries[rows] & (rank < units[rows])
    ints[order[gains]] += sign[rows[gains]]
    dense_rows = np.flatnonzero((units > 0) & ~on_entries)
    counts = ints.astype(np.int64)
    if not len(dense_rows):
        return SparseCounts(joint.start, joint.columns, counts)
    return _round_dense_rows(joint, rows, scaled, counts, dense_rows, sign, units)


def _row_sums(joint, rows, scaled):
    """``np.sum`` of each row of the matrix with ``scaled`` at the entries of ``joint``.

    The rows are made dense in blocks of :data:`ROUND_BLOCK_VALUES` values
    (numpy sums each row of a C-contiguous block as it sums the row alone).
    """
    size = len(joint.start) - 1
    step = max(1, ROUND_BLOCK_VALUES // max(size, 1))
    sums = np.zeros(size)
    for lo in range(0, size, step):
        hi = min(size, lo + step)
        first, last = joint.start[lo], joint.start[hi]
        dense = np.zeros((hi - lo, size))
        dense[rows[first:last] - lo, joint.columns[first:last]] = scaled[first:last]
        sums[lo:hi] = dense.sum(axis=1)
    return sums


def _round_dense_rows(joint, rows, scaled, counts, dense_rows, sign, units):
    """``counts`` of the entries of ``joint``, with ``dense_rows`` rounded by :func:`round_rows`.

    Each of those rows gives ``units`` units of ``sign`` to the columns at the
    end (``sign`` +1) or the start (-1) of numpy's ``argsort`` of its dense
    residuals (the rescaled row minus its rounding: 0 off the entries), as
    :func:`round_rows` gives them (in one round: ``units`` is at most K).
    The rows are rounded in blocks of at most :data:`ROUND_BLOCK_VALUES`
    values, the blocks on the kernels' threads (numpy's sort releases the
    GIL; each row is sorted alone, so the blocks do not change the result);
    the columns where a row gains a unit off its entries join the entries,
    found by a search of the row's entries rather than a scan of the block.
    """
    size = len(joint.start) - 1
    threads = numba.get_num_threads()
    step = max(1, min(ROUND_BLOCK_VALUES // max(size, 1), -(-len(dense_rows) // threads)))
    first = joint.start[dense_rows]
    lengths = joint.start[dense_rows + 1] - first
    ends = np.cumsum(lengths)
    # the entries of the dense rows, in row order (CSR)
    entries = np.arange(ends[-1]) + np.repeat(first - (ends - lengths), lengths)
    residual_of = scaled[entries] - np.rint(scaled[entries])
    by_numpy = _ties.numpy_order()

    def round_block(lo):
        hi = min(len(dense_rows), lo + step)
        block = dense_rows[lo:hi]
        begin, end = ends[lo] - lengths[lo], ends[hi - 1]
        mine = entries[begin:end]
        slot = np.repeat(np.arange(hi - lo), lengths[lo:hi])
        flat = slot * size + joint.columns[mine]  # ascending: rows in order, columns ascending
        dense = np.zeros((hi - lo, size))
        dense.ravel()[flat] = residual_of[begin:end]
        # at most K units: a row's residuals are within 0.5 of 0, so are their sums
        many = np.minimum(units[block], size).astype(np.int64)
        which = np.repeat(np.arange(hi - lo), many)
        nth = np.arange(len(which)) - np.repeat(np.cumsum(many) - many, many)
        steps = sign[block][which].astype(np.int64)
        if by_numpy:  # units go to the end of numpy's order (its start when taken away)
            order = np.argsort(dense, axis=1)
            nth = np.where(steps > 0, size - 1 - nth, nth)
        else:  # the largest residuals (times the step) first, lower column first
            dense *= -sign[block][:, None]
            order = np.argsort(dense, axis=1, kind="stable")
        gained = which * size + order[which, nth]
        at = np.minimum(np.searchsorted(flat, gained), max(len(flat) - 1, 0))
        on = flat[at] == gained if len(flat) else np.zeros(len(gained), dtype=bool)
        # units given to empty cells are new entries
        new_slot, new_columns = np.divmod(gained[~on], size)
        return mine[at[on]], steps[on], block[new_slot], new_columns, steps[~on]

    blocks = map_in_threads(round_block, range(0, len(dense_rows), step))
    for hit_entries, hit_steps, *_ in blocks:
        np.add.at(counts, hit_entries, hit_steps)
    all_rows = np.concatenate([rows, *(block[2] for block in blocks)])
    all_columns = np.concatenate([joint.columns, *(block[3] for block in blocks)])
    all_counts = np.concatenate([counts, *(block[4] for block in blocks)])
    order = np.lexsort((all_columns, all_rows))
    start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(all_rows, minlength=size), out=start[1:])
    return SparseCounts(start, all_columns[order].astype(np.int64), all_counts[order])


def calibrate(confident_joint, label_counts, tiny=TINY_VALUE):
    """Rescale rows to the label counts and the total to their sum, then round.

    In numpy terms: ``scaled = (cj.T / cj.sum(1) * counts).T``, then
    ``scaled / scaled.sum() * counts.sum()``, then
    :func:`round_preserving_row_totals`; computed by :func:`calibrate_sparse`
    from the nonzero entries, summing the total in the memory order of
    ``confident_joint`` (as numpy does).
    """
    confident_joint = np.asarray(confident_joint)
    if confident_joint.ndim != 2 or confident_joint.shape != (len(label_counts),) * 2:
        raise ValueError(
            f"confident_joint must be (K, K) with one label count per row, got "
            f"{confident_joint.shape} and {np.shape(label_counts)}."
        )
    column_major = confident_joint.flags.f_contiguous and not confident_joint.flags.c_contiguous
    joint = SparseCounts.from_dense(confident_joint)
    return calibrate_sparse(joint, label_counts, tiny, column_major).dense()
