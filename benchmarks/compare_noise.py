"""Time cleannb against cleanlab 2.9 on the two noise-generation speed targets.

Run from the repo root: ``python benchmarks/compare_noise.py [--repeat R]``.
It prints, for each target, the best of R runs of cleannb and of cleanlab 2.9
(same inputs, same process) and the ratio cleanlab / cleannb. cleannb's JIT is
warmed first; cleanlab reseeds numpy's global RNG, which does not affect
cleannb.

Targets: ``generate_noisy_labels`` at N = 1,281,167, K = 1,000 (>= 10x) and
``generate_noise_matrix_from_trace`` at K = 1,000, frac_zero_noise_rates = 0.4
(>= 5x).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from cleanlab.benchmarking import noise_generation as cl

from cleannb.benchmarking import noise_generation as nb

N, K, TRACE, FRAC = 1_281_167, 1_000, 600.0, 0.4


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def report(name, ours, theirs, target):
    ratio = theirs / ours
    verdict = "ok" if ratio >= target else "BELOW TARGET"
    print(
        f"{name:<34} cleannb {ours * 1e3:9.2f} ms  cleanlab 2.9 {theirs * 1e3:9.2f} ms  "
        f"ratio {ratio:6.1f}x  (target {target}x: {verdict})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat

    py = np.full(K, 1.0 / K)
    matrix_kw = dict(py=py, frac_zero_noise_rates=FRAC, seed=0)
    nm = nb.generate_noise_matrix_from_trace(K, TRACE, **matrix_kw)
    y = np.random.default_rng(0).integers(0, K, N)
    y[:K] = np.arange(K)
    nb.generate_noisy_labels(y, nm, seed=0)  # warm the JIT

    ours = best_of(lambda: nb.generate_noisy_labels(y, nm, seed=1), repeat)
    theirs = best_of(lambda: cl.generate_noisy_labels(y, nm), repeat)
    report(f"generate_noisy_labels N={N} K={K}", ours, theirs, 10)

    ours = best_of(lambda: nb.generate_noise_matrix_from_trace(K, TRACE, **matrix_kw), repeat)
    theirs = best_of(lambda: cl.generate_noise_matrix_from_trace(K, TRACE, **matrix_kw), repeat)
    report(f"generate_noise_matrix_from_trace K={K}", ours, theirs, 5)


if __name__ == "__main__":
    main()
