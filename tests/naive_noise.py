"""Slow, obviously-correct Python references for cleannb's noise kernels.

Plain Python loops and lists, written from the documented rules, with the same
counter-based random streams (SplitMix64 keyed by ``(key, a, b)``) so their
output can be compared with the kernels' bit for bit.
"""

import math

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
EPS = 1e-6


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class Stream:
    """The ``(key, a, b)`` stream: draw t is a hash of key, a, b and t."""

    def __init__(self, key, a, b):
        inner = mix((b + GOLDEN) & MASK)
        self.state = mix(int(key) ^ mix((a * GOLDEN + inner) & MASK))

    def uniform(self):
        self.state = (self.state + GOLDEN) & MASK
        return ((mix(self.state) >> 12) + 0.5) * 2.0**-52

    def below(self, n):
        return min(int(self.uniform() * n), n - 1)


def first_argmin(x):
    return min(range(len(x)), key=lambda i: (x[i], i))


def first_argmax(x):
    return min(range(len(x)), key=lambda i: (-x[i], i))


def rand_probs(n, m, max_prob, min_prob, stream):
    """Flat Dirichlet times m, then cleanlab's max / min repair loops; None if infeasible."""
    if max_prob + EPS < m / n or min_prob > (m + EPS) / n:
        return None
    draws = [-math.log(stream.uniform()) for _ in range(n)]
    total = 0.0
    for d in draws:
        total += d
    x = [d / total * m for d in draws]
    while max(x) > max_prob + EPS:
        lifted = min(x) + (max(x) - max_prob)
        shift = (max_prob - lifted) * stream.uniform()
        x[first_argmin(x)] = lifted + shift
        x[first_argmax(x)] = max_prob - shift
    while min(x) < min_prob - EPS:
        lowered = max(x) - (min_prob - min(x))
        shift = (lowered - min_prob) * stream.uniform()
        x[first_argmax(x)] = lowered - shift
        x[first_argmin(x)] = min_prob + shift
    return x


def balls(n_balls, n_bins, max_per_bin, min_per_bin, stream):
    """Rounded random shares of n_balls, fixed up to the exact total."""
    if n_balls == 0 or n_bins == 0:
        return [0] * n_bins
    hi = n_balls if max_per_bin is None else min(max_per_bin, n_balls)
    lo = 0.0 if min_per_bin is None else min(float(min_per_bin), n_balls / n_bins)
    if n_balls / n_bins > hi:
        n_balls = hi * n_bins
    shares = rand_probs(n_bins, 1.0, hi / n_balls, lo / n_balls, stream)
    out = [round(s * n_balls) for s in shares]
    while sum(out) > n_balls:
        out[first_argmax(out)] -= 1
    while sum(out) < n_balls:
        out[first_argmin(out)] += 1
    return out


def is_valid(nm, py):
    """The learnability rule, straight from its definition (numpy)."""
    nm, py = np.asarray(nm, dtype=float), np.asarray(py, dtype=float)
    joint = nm * py
    if not abs(joint.sum() - 1) < 1e-6:
        return False
    ps = nm @ py
    return bool(np.all(ps * py < np.diag(joint)))


def trace_matrix(K, trace, max_tp, min_tp, max_nr, min_nr, py, check, frac, key, max_iter):
    """The K > 2 sampler, one attempt at a time; None if no attempt passes."""
    n_zero = int(K * (K - 1) * frac)
    for attempt in range(max_iter):
        diag = rand_probs(K, trace, max_tp, min_tp, Stream(key, attempt, 0))
        if diag is None:
            continue
        noisy = [c for c in range(K) if diag[c] != 1.0]
        extra = max(n_zero - (K - len(noisy)) * (K - 1), 0)
        zeros = balls(extra, len(noisy), K - 2, 0.0, Stream(key, attempt, 1))
        nm = np.zeros((K, K))
        nm[range(K), range(K)] = diag
        feasible = True
        for rank, c in enumerate(noisy):
            n_noise = K - 1 - zeros[rank]
            stream = Stream(key, attempt, c + 2)
            rates = rand_probs(n_noise, 1.0 - diag[c], max_nr, min_nr, stream)
            if rates is None:
                feasible = False
                continue
            rows = [r for r in range(K) if r != c]
            for t in range(n_noise):  # partial Fisher-Yates
                j = t + stream.below(K - 1 - t)
                rows[t], rows[j] = rows[j], rows[t]
                nm[rows[t], c] = rates[t]
        if feasible and (not check or is_valid(nm, py)):
            return nm
    return None


def noisy_counts(y, nm):
    """(noisy, true) count matrix that cleanlab's rule yields."""
    y = np.asarray(y)
    K, N = len(nm), len(y)
    sizes = np.bincount(y, minlength=K)
    counts = np.zeros((K, K), dtype=np.int64)
    for k in range(K):
        wanted = [int(nm[i][k] * (sizes[k] / N) * N) if i != k else 0 for i in range(K)]
        if 0 < sum(wanted) <= sizes[k]:
            counts[:, k] = wanted
            counts[k, k] = sizes[k] - sum(wanted)
        else:
            counts[k, k] = sizes[k]
    return counts


def flip_labels(y, nm, key):
    """Relabel exactly the counted rows, chosen by a partial Fisher-Yates per class."""
    y = [int(v) for v in y]
    K, N = len(nm), len(y)
    out = list(y)
    for k in range(K):
        rows = [r for r in range(N) if y[r] == k]
        wanted = [int(nm[i][k] * (len(rows) / N) * N) if i != k else 0 for i in range(K)]
        if not 0 < sum(wanted) <= len(rows):
            continue
        stream = Stream(key, k, 0)
        for t in range(sum(wanted)):
            j = t + stream.below(len(rows) - t)
            rows[t], rows[j] = rows[j], rows[t]
        chosen = iter(rows)
        for i in range(K):
            for _ in range(wanted[i]):
                out[next(chosen)] = i
    return np.array(out)
