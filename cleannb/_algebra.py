"""Closed-form K x K algebra of confident learning, shared by both vocabularies.

cleanlab 0.1.0 and 2.9 run the same formulas with different clipping floors
(and 2.9 guards every denominator with 1e-100); the floors are arguments here
so that each vocabulary is a thin adapter and every formula exists once.
All functions are O(K^2) (O(K^3) for a matrix inverse; O(entries) on
:class:`SparseCounts`) and return new arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _ties

#: Denominator guard of cleanlab 2.x (0.1.0 divides unguarded).
TINY = 1e-100
PY_METHODS = ("cnt", "eqn", "marginal", "marginal_ps")


def _guard(x, tiny):
    return np.clip(x, tiny, None) if tiny else x


def clip_noise_rates(noise_matrix, tiny=TINY):
    """Clip off-diagonal rates to [0, 0.9999], keep the diagonal, renormalise columns."""
    noise_matrix = np.asarray(noise_matrix, dtype=float)
    diagonal = noise_matrix.diagonal().copy()
    clipped = np.clip(noise_matrix, 0.0, 0.9999)
    np.fill_diagonal(clipped, diagonal)
    return clipped / _guard(clipped.sum(axis=0), tiny)


def clip_values(x, low=0.0, high=1.0, new_sum=None, tiny=TINY):
    """Clip ``x`` to [low, high] and rescale it to sum to ``new_sum`` (default: its old sum)."""
    x = np.asarray(x)
    if x.ndim > 1:
        raise TypeError(f"clip_values needs a 1-D array, got shape {x.shape}.")
    previous = np.sum(x) if new_sum is None else new_sum
    clipped = np.clip(x, low, high)
    return clipped * previous / _guard(np.sum(clipped), tiny)


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
    if _ties.numpy_order():
        return _round_row_as_numpy(floats)
    ints = floats.round()
    target = np.sum(floats).round()
    shortfall = int(round(target - np.sum(ints)))
    if shortfall:
        step = 1 if shortfall > 0 else -1
        residual = (floats - ints) * step
        order = np.argsort(-residual, kind="stable")
        count = min(abs(shortfall), floats.size)
        ints[order[:count]] += step
        # Larger shortfalls than the number of entries cannot occur for sums of
        # rounded values, but loop to stay correct for any input.
        remaining = int(round(target - np.sum(ints)))
        while remaining:
            ints[order[: min(abs(remaining), floats.size)]] += step
            remaining = int(round(target - np.sum(ints)))
    return ints.astype(np.int64)


def _round_row_as_numpy(floats):
    """:func:`round_preserving_sum` with equal residuals in numpy's argsort order."""
    return _round_rows_as_numpy(floats[None, :])[0]


def _round_rows_as_numpy(rows):
    """Each row of ``rows`` (2-D, float64) rounded as :func:`round_preserving_sum` rounds it.

    Each round sorts the residuals ``rows - ints`` with ``np.argsort`` and
    gives a unit to the first entries of that order (the last ones when
    units are added), until each rounded row sum is reached: the choice
    cleanlab makes row by row, so the result is cleanlab's on the same
    machine. numpy sorts each row of a 2-D array with the routine it uses
    for that row alone, so one call sorts them all. Row sums of a
    C-contiguous array are ``np.sum`` of each row (same pairwise order).
    """
    rows = np.ascontiguousarray(rows, dtype=float)
    ints = rows.round()
    targets = rows.sum(axis=1).round()
    width = rows.shape[1]
    while True:
        missing = np.round(targets - ints.sum(axis=1).round())
        short = np.flatnonzero(np.abs(missing) > 1e-6)
        if not len(short):
            return ints.astype(np.int64)
        order = np.argsort(rows[short] - ints[short], axis=1)
        need = missing[short, None]
        units = np.minimum(np.abs(need), width)
        rank = np.arange(width)
        # positions in each row's order that get a unit: the last ones when adding
        which, position = np.nonzero(np.where(need > 0, rank >= width - units, rank < units))
        ints[short[which], order[which, position]] += np.sign(need[which, 0])


def round_preserving_row_totals(matrix):
    """Apply :func:`round_preserving_sum` to every row of ``matrix``.

    Same result as the row-by-row loop, with the rounding of all rows done in
    numpy and the shortfall made up by one compiled O(K^2) loop.
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        return np.array([round_preserving_sum(row) for row in matrix], dtype=np.int64).reshape(
            matrix.shape
        )
    from ._kernels.calibrate import make_up_shortfall

    matrix = np.ascontiguousarray(matrix)
    ints = matrix.round()
    # Row sums of a C-contiguous matrix equal np.sum of each row (same pairwise order).
    targets = matrix.sum(axis=1).round()
    shortfall = np.rint(targets - ints.sum(axis=1)).astype(np.int64)
    tied = np.zeros(len(matrix), dtype=bool)
    make_up_shortfall(matrix, ints, shortfall, tied)
    # Shortfalls beyond K units per row cannot come from rounding, but stay exact;
    # rows whose cut fell on equal residuals take numpy's order.
    redo = np.rint(targets - ints.sum(axis=1)) != 0
    if _ties.numpy_order():
        redo |= tied
        _ties.record("calibration", np.count_nonzero(tied))
        if redo.any():
            ints[redo] = _round_rows_as_numpy(matrix[redo])
        return ints.astype(np.int64)
    for r in np.flatnonzero(redo):
        ints[r] = round_preserving_sum(matrix[r])
    return ints.astype(np.int64)


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


def calibrate_sparse(confident_joint, label_counts, tiny=TINY, column_major=True):
    """:func:`calibrate` of a :class:`SparseCounts` confident joint, as :class:`SparseCounts`.

    One compiled pass over the entries (``cleannb._kernels.calibrate``)
    makes exactly numpy's floating-point operations, in numpy's summation
    order, in O(entries + K). Rows whose rounding cut falls on equal
    residuals are rounded again from their dense row by
    :func:`round_preserving_sum`, in the current tie order.

    numpy sums a matrix in its memory order, so the total (and with it every
    rescaled value, to the last bit) depends on the layout of the matrix that
    cleanlab calibrates: ``column_major`` (the default) is the layout of the
    confident joint that cleanlab computes itself (a transposed confusion
    matrix); :func:`calibrate` passes the layout of the matrix it is given.
    """
    from ._kernels.calibrate import calibrate as calibrate_kernel

    label_counts = np.ascontiguousarray(label_counts)
    if len(confident_joint.start) != len(label_counts) + 1:
        raise ValueError(
            f"confident_joint must be (K, K) with one label count per row, got "
            f"{len(confident_joint.start) - 1} rows and {label_counts.shape} label counts."
        )
    # the kernel reads each count as a float64: cast integer counts (exact below
    # 2**53) once here, so that one compiled kernel serves int and float joints
    counts = np.asarray(confident_joint.counts, dtype=np.float64)
    start, columns, ints, shortfall, scaled, tied = calibrate_kernel(
        confident_joint.start,
        confident_joint.columns,
        counts,
        label_counts,
        float(tiny),
        bool(column_major),
    )
    if np.any(np.abs(shortfall) > len(label_counts)):  # cannot come from rounding alone
        joint = confident_joint.dense().astype(float)
        if column_major:
            joint = np.asfortranarray(joint)
        scaled = (joint.T / _guard(joint.sum(axis=1), tiny) * label_counts).T
        scaled = scaled / _guard(np.sum(scaled), tiny) * np.sum(label_counts)
        return SparseCounts.from_dense(round_preserving_row_totals(scaled))
    calibrated = SparseCounts(start, columns, ints)
    if _ties.numpy_order() and tied.any():
        calibrated = _reround_rows(calibrated, confident_joint, scaled, np.flatnonzero(tied))
    return calibrated


#: Rows rounded again together are densified in blocks of at most this many values.
REROUND_BLOCK_VALUES = 1 << 17


def _reround_rows(calibrated, confident_joint, scaled, rows):
    """``calibrated`` with ``rows`` rounded again by :func:`round_preserving_sum`.

    ``scaled`` holds the rescaled floats of the entries of ``confident_joint``
    (the dense row is zero elsewhere, as in numpy's K x K matrix). The rows
    are made dense and rounded in blocks of :data:`REROUND_BLOCK_VALUES`
    values (1 MB each).
    """
    size = len(calibrated.start) - 1
    step = max(1, REROUND_BLOCK_VALUES // max(size, 1))
    entry_rows = confident_joint.rows()
    new_rows, new_columns, new_counts = [], [], []
    for lo in range(0, len(rows), step):
        block = rows[lo : lo + step]
        slot = np.full(size, -1)
        slot[block] = np.arange(len(block))
        mine = slot[entry_rows] >= 0
        where = (slot[entry_rows[mine]], confident_joint.columns[mine])
        dense = np.zeros((len(block), size))
        dense[where] = scaled[mine]
        rounded = _round_rows_as_numpy(dense)
        present = rounded != 0
        present[where] = True  # the entries of the input stay, as in the kernel's result
        block_slot, block_columns = np.nonzero(present)
        new_rows.append(block[block_slot])
        new_columns.append(block_columns)
        new_counts.append(rounded[block_slot, block_columns])
    old_rows = calibrated.rows()
    keep = ~np.isin(old_rows, rows)
    all_rows = np.concatenate([old_rows[keep], *new_rows])
    all_columns = np.concatenate([calibrated.columns[keep], *new_columns])
    all_counts = np.concatenate([calibrated.counts[keep], *new_counts])
    order = np.lexsort((all_columns, all_rows))
    start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(all_rows, minlength=size), out=start[1:])
    _ties.record("calibration", len(rows))
    return SparseCounts(
        start,
        all_columns[order].astype(np.int64),
        all_counts[order].astype(calibrated.counts.dtype),
    )


def calibrate(confident_joint, label_counts, tiny=TINY):
    """Rescale rows to the label counts and the total to their sum, then round.

    In numpy terms: ``scaled = (cj.T / cj.sum(1) * counts).T``, then
    ``scaled / scaled.sum() * counts.sum()``, then
    :func:`round_preserving_row_totals`; computed by :func:`calibrate_sparse`
    on the nonzero entries, without K x K temporaries, summing the total in
    the memory order of ``confident_joint`` (as numpy does).
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


def compute_py(
    ps,
    noise_matrix,
    inverse_noise_matrix,
    py_method="cnt",
    true_labels_class_counts=None,
    floor=1e-6,
    tiny=TINY,
):
    """Prior of the true labels p(y) by one of four estimators (see ``PY_METHODS``)."""
    if py_method not in PY_METHODS:
        raise ValueError(f"py_method={py_method!r} is not supported; use one of {PY_METHODS}.")
    if py_method == "cnt":
        py = inverse_noise_matrix.diagonal() / _guard(noise_matrix.diagonal(), tiny) * ps
    elif py_method == "eqn":
        py = np.linalg.inv(noise_matrix).dot(ps)
    elif py_method == "marginal":
        if true_labels_class_counts is None:
            raise ValueError(
                "py_method='marginal' needs the true-label class counts (the column sums of "
                "the confident joint); pass true_labels_class_counts (y_count in 0.1.0)."
            )
        counts = np.asarray(true_labels_class_counts, dtype=float)
        py = counts / _guard(float(np.sum(counts)), tiny)
    else:
        py = np.dot(inverse_noise_matrix, ps)
    return clip_values(py, low=floor, high=1.0, new_sum=1.0, tiny=tiny)


def compute_inv_noise_matrix(py, noise_matrix, ps=None, tiny=TINY):
    """P(y | s) from p(y) and P(s | y); columns sum to 1."""
    joint = noise_matrix * py
    ps = joint.sum(axis=1) if ps is None else ps
    return clip_noise_rates(joint.T / _guard(ps, tiny), tiny)


def compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=None, tiny=TINY):
    """P(s | y) from p(s) and P(y | s); columns sum to 1."""
    joint = (inverse_noise_matrix * ps).T
    py = joint.sum(axis=0) if py is None else py
    return clip_noise_rates(joint / _guard(py, tiny), tiny)


def compute_py_inv_noise_matrix(ps, noise_matrix, floor=1e-6, tiny=TINY):
    """p(y) and P(y | s) from p(s) and P(s | y)."""
    py = np.linalg.inv(noise_matrix).dot(ps)
    py = clip_values(py, low=floor, high=1.0, new_sum=1.0, tiny=tiny)
    return py, compute_inv_noise_matrix(py, noise_matrix, ps=ps, tiny=tiny)


def compute_pyx(pred_probs, noise_matrix, inverse_noise_matrix, tiny=TINY):
    """p(y | x) from p(s | x): rescale columns, clip to [0, 1], renormalise rows."""
    pred_probs = np.asarray(pred_probs)
    if pred_probs.ndim != 2:
        raise ValueError(f"pred_probs must have shape (N, K), got {pred_probs.shape}.")
    pyx = pred_probs * inverse_noise_matrix.diagonal() / _guard(noise_matrix.diagonal(), tiny)
    pyx = np.clip(pyx, 0.0, 1.0)
    return pyx / _guard(pyx.sum(axis=1, keepdims=True), tiny)


def converge_estimates(
    ps,
    py,
    noise_matrix,
    inverse_noise_matrix,
    inv_iterations=5,
    nm_iterations=3,
    floor=1e-6,
    tiny=TINY,
):
    """Alternate the closed-form relations between p(y), P(s|y) and P(y|s)."""
    for _ in range(nm_iterations):
        for _ in range(inv_iterations):
            inverse_noise_matrix = compute_inv_noise_matrix(py, noise_matrix, ps=ps, tiny=tiny)
            py = compute_py(ps, noise_matrix, inverse_noise_matrix, floor=floor, tiny=tiny)
        noise_matrix = compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=py, tiny=tiny)
    return py, noise_matrix, inverse_noise_matrix


def estimate_latent(
    confident_joint,
    label_counts,
    py_method="cnt",
    converge=False,
    floor=1e-6,
    converged_floor=1e-5,
    tiny=TINY,
):
    """p(y), P(s|y) and P(y|s) from a confident joint and the label counts."""
    confident_joint = np.asarray(confident_joint)
    label_counts = np.asarray(label_counts)
    ps = label_counts / float(np.sum(label_counts))
    s_counts = confident_joint.sum(axis=1).astype(float)
    y_counts = confident_joint.sum(axis=0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        noise_matrix = confident_joint / _guard(y_counts, tiny)
        inverse = confident_joint.T / _guard(s_counts, tiny)
        py = compute_py(ps, noise_matrix, inverse, py_method, y_counts, floor=floor, tiny=tiny)
        noise_matrix = clip_noise_rates(noise_matrix, tiny)
        inverse = clip_noise_rates(inverse, tiny)
        if converge:
            py, noise_matrix, inverse = converge_estimates(
                ps, py, noise_matrix, inverse, floor=floor, tiny=tiny
            )
            py = clip_values(py, low=converged_floor, high=1.0, new_sum=1.0, tiny=tiny)
            noise_matrix = clip_noise_rates(noise_matrix, tiny)
            inverse = clip_noise_rates(inverse, tiny)
    return py, noise_matrix, inverse
