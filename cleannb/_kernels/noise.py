"""Kernels for synthetic label noise: a counter-based RNG, the trace-constrained
noise-matrix sampler with its learnability check, and the noisy-label flipper.

Random numbers come from SplitMix64 streams keyed by ``(key, a, b)``: the
``t``-th draw of a stream is a hash of ``(key, a, b, t)``. Every column of a
noise matrix and every true class of the label flipper owns its stream, so the
output is the same for any thread count and any scheduling.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .._core.constants import FLOATING_POINT_COMPARISON
from ._compile import _OPTIONS, twins

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S12 = np.uint64(12)
_TO_UNIT = 2.0**-52

_helper = njit(**_OPTIONS)

# Validity codes returned by ``learnability_code``.
VALID = -1
JOINT_NOT_ONE = -2


@_helper
def _mix(z):
    z = (z ^ (z >> _S30)) * _MUL1
    z = (z ^ (z >> _S27)) * _MUL2
    return z ^ (z >> _S31)


@_helper
def stream(key, a, b):
    """Initial state of the stream ``(key, a, b)`` (``a``, ``b`` >= 0)."""
    h = _mix(np.uint64(a) * _GOLDEN + _mix(np.uint64(b) + _GOLDEN))
    return _mix(key ^ h)


@_helper
def uniform(state):
    """Return ``(state, u)``: ``u`` uniform on the open interval (0, 1), step 2**-52."""
    state = state + _GOLDEN
    u = (np.float64(_mix(state) >> _S12) + 0.5) * _TO_UNIT
    return state, u


@_helper
def below(state, n):
    """Return ``(state, j)`` with ``j`` uniform on ``0..n-1`` (bias < n * 2**-52)."""
    state, u = uniform(state)
    j = np.int64(u * n)
    if j >= n:
        j = n - 1
    return state, j


@_helper
def _extremes(x, n):
    imin = 0
    imax = 0
    for i in range(1, n):
        if x[i] < x[imin]:
            imin = i
        if x[i] > x[imax]:
            imax = i
    return imin, imax


@_helper
def _argmin(x, n):
    imin = 0
    for i in range(1, n):
        if x[i] < x[imin]:
            imin = i
    return imin


@_helper
def _argmax(x, n):
    imax = 0
    for i in range(1, n):
        if x[i] > x[imax]:
            imax = i
    return imax


@_helper
def rand_probs(out, n, m, max_prob, min_prob, state):
    """Fill ``out[:n]`` with a flat-Dirichlet draw scaled to sum ``m``, then
    move mass from the largest to the smallest entry until every entry is at
    most ``max_prob`` and at least ``min_prob`` (both with slack ``FLOATING_POINT_COMPARISON``).

    Returns ``(state, ok)``; ``ok`` is False if the bounds cannot be met
    (checked up front like cleanlab) or the repair loop does not settle.
    """
    if (
        max_prob + FLOATING_POINT_COMPARISON < m / n
        or min_prob > (m + FLOATING_POINT_COMPARISON) / n
    ):
        return state, False
    total = 0.0
    for i in range(n):
        state, u = uniform(state)
        out[i] = -np.log(u)
        total += out[i]
    for i in range(n):
        out[i] = out[i] / total * m
    budget = 1000 + 100 * n
    imin, imax = _extremes(out, n)
    while out[imax] > max_prob + FLOATING_POINT_COMPARISON:
        budget -= 1
        if budget < 0:
            return state, False
        lifted = out[imin] + (out[imax] - max_prob)
        state, u = uniform(state)
        shift = (max_prob - lifted) * u
        out[imin] = lifted + shift
        out[_argmax(out, n)] = max_prob - shift
        imin, imax = _extremes(out, n)
    while out[imin] < min_prob - FLOATING_POINT_COMPARISON:
        budget -= 1
        if budget < 0:
            return state, False
        lowered = out[imax] - (min_prob - out[imin])
        state, u = uniform(state)
        shift = (lowered - min_prob) * u
        out[imax] = lowered - shift
        out[_argmin(out, n)] = min_prob + shift
        imin, imax = _extremes(out, n)
    return state, True


@_helper
def distribute_balls(out, n_balls, max_per_bin, min_per_bin, scratch, state):
    """Write into ``out`` (one entry per bin) non-negative integers summing to
    ``n_balls`` (or to ``max_per_bin * len(out)`` if fewer fit), drawn as
    rounded :func:`rand_probs` shares. ``max_per_bin`` / ``min_per_bin`` < 0
    mean "no bound". ``scratch`` holds at least ``len(out)`` floats.
    """
    k = out.size
    if n_balls == 0 or k == 0:
        out[:] = 0
        return state
    hi = n_balls if max_per_bin < 0 else min(max_per_bin, n_balls)
    lo = 0.0 if min_per_bin < 0 else min(np.float64(min_per_bin), n_balls / k)
    if n_balls / k > hi:
        n_balls = hi * k
    state, ok = rand_probs(scratch, k, 1.0, hi / n_balls, lo / n_balls, state)
    have = 0
    for i in range(k):
        out[i] = np.int64(np.rint(scratch[i] * n_balls))
        have += out[i]
    while have > n_balls:
        out[_argmax(out, k)] -= 1
        have -= 1
    while have < n_balls:
        out[_argmin(out, k)] += 1
        have += 1
    return state


@_helper
def learnability_code(nm_t, py, ps):
    """Check P(s=i) P(y=i) < P(s=i, y=i) for every class i.

    ``nm_t`` is the transposed noise matrix (row j = column j of P(s|y)).
    Fills ``ps`` with P(s=i) and returns ``VALID``, ``JOINT_NOT_ONE`` (the
    joint does not sum to 1 within ``FLOATING_POINT_COMPARISON``) or the first failing class.
    """
    k = py.size
    ps[:] = 0.0
    total = 0.0
    for j in range(k):
        for i in range(k):
            term = nm_t[j, i] * py[j]
            ps[i] += term
            total += term
    if not abs(total - 1.0) < FLOATING_POINT_COMPARISON:
        return JOINT_NOT_ONE
    for i in range(k):
        if not ps[i] * py[i] < nm_t[i, i] * py[i]:
            return i
    return VALID


def _learnability(nm_t, py, ps):
    return learnability_code(nm_t, py, ps)


learnability = twins(_learnability).serial


def _probs(n, m, max_prob, min_prob, key):
    out = np.empty(n)
    state, ok = rand_probs(out, n, m, max_prob, min_prob, stream(key, np.int64(0), np.int64(0)))
    return out, ok


probs = twins(_probs).serial


def _balls(n_balls, n_bins, max_per_bin, min_per_bin, key):
    out = np.empty(n_bins, dtype=np.int64)
    distribute_balls(
        out,
        n_balls,
        max_per_bin,
        min_per_bin,
        np.empty(n_bins),
        stream(key, np.int64(0), np.int64(0)),
    )
    return out


balls = twins(_balls).serial


def _trace_matrix(
    trace, max_tp, min_tp, max_nr, min_nr, py, check, n_zero, key, max_iter, nm_t, fails
):
    """Sample noise matrices until one passes; return the attempt index or -1.

    ``nm_t`` receives the transposed matrix. ``fails`` (length K + 3) counts
    failed attempts by reason: [0] diagonal bounds, [1] noise-rate bounds,
    [2] joint does not sum to 1, [3 + i] class i not learnable.
    """
    k = nm_t.shape[0]
    diag = np.empty(k)
    ps = np.empty(k)
    rank = np.empty(k, dtype=np.int64)
    bad = np.zeros(k, dtype=np.uint8)
    scratch = np.empty(k)
    for attempt in range(max_iter):
        state, ok = rand_probs(diag, k, trace, max_tp, min_tp, stream(key, attempt, np.int64(0)))
        if not ok:
            fails[0] += 1
            continue
        noisy = 0
        for c in range(k):
            rank[c] = noisy
            if diag[c] != 1.0:
                noisy += 1
        extra = max(n_zero - (k - noisy) * (k - 1), 0)
        zeros = np.empty(noisy, dtype=np.int64)
        distribute_balls(zeros, extra, k - 2, 0.0, scratch, stream(key, attempt, np.int64(1)))
        for c in prange(k):
            row = nm_t[c]
            row[:] = 0.0
            row[c] = diag[c]
            bad[c] = 0
            if diag[c] == 1.0:
                continue
            n_noise = k - 1 - zeros[rank[c]]
            rates = np.empty(n_noise)
            st, good = rand_probs(
                rates, n_noise, 1.0 - diag[c], max_nr, min_nr, stream(key, attempt, c + 2)
            )
            if not good:
                bad[c] = 1
                continue
            others = np.empty(k - 1, dtype=np.int64)
            for r in range(k - 1):
                others[r] = r if r < c else r + 1
            for t in range(n_noise):
                st, j = below(st, k - 1 - t)
                pick = others[t + j]
                others[t + j] = others[t]
                others[t] = pick
                row[pick] = rates[t]
        if bad.any():
            fails[1] += 1
            continue
        if not check:
            return attempt
        code = learnability_code(nm_t, py, ps)
        if code == VALID:
            return attempt
        fails[2 if code == JOINT_NOT_ONE else 3 + code] += 1
    return -1


trace_matrix = twins(_trace_matrix)


def _flip_labels(labels, noise_matrix, key, n_chunks):
    """Flip ``labels`` (the true labels, edited in place) like cleanlab does.

    For true class k with n_k rows, cell (i, k) asks for
    ``int(noise_matrix[i, k] * (n_k / N) * N)`` rows relabelled i (i != k).
    If the column asks for at most n_k rows in all, that many rows of class k
    are drawn without replacement (partial Fisher-Yates on the rows in
    ascending order, stream ``(key, k, 0)``) and relabelled; otherwise the
    class is left alone. Returns the per-class counts.
    """
    n = labels.size
    k = noise_matrix.shape[0]
    step = (n + n_chunks - 1) // n_chunks
    counts = np.zeros((n_chunks, k), dtype=np.int64)
    for c in prange(n_chunks):
        for r in range(c * step, min(n, (c + 1) * step)):
            counts[c, labels[r]] += 1
    sizes = np.zeros(k, dtype=np.int64)
    start = np.empty(k, dtype=np.int64)
    at = 0
    for cls in range(k):
        start[cls] = at
        for c in range(n_chunks):
            here = counts[c, cls]
            counts[c, cls] = at
            at += here
        sizes[cls] = at - start[cls]
    order = np.empty(n, dtype=np.int64)
    for c in prange(n_chunks):
        offset = counts[c]
        for r in range(c * step, min(n, (c + 1) * step)):
            cls = labels[r]
            order[offset[cls]] = r
            offset[cls] += 1
    for cls in prange(k):
        size = sizes[cls]
        share = size / np.float64(n)
        wanted = 0
        for i in range(k):
            if i != cls:
                wanted += np.int64(noise_matrix[i, cls] * share * n)
        if wanted == 0 or wanted > size:
            continue
        rows = order[start[cls] : start[cls] + size]
        st = stream(key, cls, np.int64(0))
        for t in range(wanted):
            st, j = below(st, size - t)
            pick = rows[t + j]
            rows[t + j] = rows[t]
            rows[t] = pick
        t = 0
        for i in range(k):
            if i == cls:
                continue
            for _ in range(np.int64(noise_matrix[i, cls] * share * n)):
                labels[rows[t]] = i
                t += 1
    return sizes


flip_labels = twins(_flip_labels)
