"""Time the confident-joint family against cleanlab 2.9 and the read-once floor.

Run from the repo root: ``python benchmarks/compare.py [--large] [--repeat R]``.

For each (N, K) (float32 ``pred_probs`` from ``benchmarks/benchmarks/common.py``)
it prints, in one process, the best of R runs of cleannb and of cleanlab 2.9
for the thresholds, the confident joint and
``estimate_py_and_noise_matrices_from_probabilities``; the time to read
``pred_probs`` once (a parallel Numba sum, ``readonce.py``); the ratios
cleannb / read-once and cleanlab / cleannb; and the extra memory cleannb's
``compute_confident_joint`` needs beyond its input (peak RSS delta, which sees
Numba's allocations, and tracemalloc, which sees numpy's). ``--large`` adds the
ImageNet shape (1,281,167 x 1,000, 5.1 GB; cleanlab is skipped there unless
``--cleanlab-large``, it needs about 10 GB more). ``--compile`` measures the
first-call (compilation) cost per dtype and the import time in fresh processes.

Targets: ``compute_confident_joint`` within 2x read-once at (1e5, 1000) and at
the ImageNet shape; at least 10x faster than cleanlab 2.9 at (1e5, 1000);
extra memory O(N + K^2), at most 64 MB at the ImageNet shape.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from benchmarks.common import IMAGENET, make_data  # noqa: E402
from readonce import read_once_seconds  # noqa: E402

from cleannb import count as nb  # noqa: E402

SIZES = [(10_000, 10), (1_000_000, 10), (100_000, 1_000)]
OPS = {
    "thresholds": ("get_confident_thresholds", {}),
    "confident_joint": ("compute_confident_joint", {}),
    "py_noise_matrices": ("estimate_py_and_noise_matrices_from_probabilities", {}),
}


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def extra_memory_bytes(fn):
    """(peak RSS delta, tracemalloc peak) of one call, in bytes."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # reset the peak-RSS high-water mark
        rss_before = _status_kb("VmRSS")
    except OSError:
        rss_before = None
    tracemalloc.start()
    fn()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_delta = None if rss_before is None else (_status_kb("VmHWM") - rss_before) * 1024
    return rss_delta, traced_peak


def warm():
    for dtype in (np.float32,):
        labels, pred_probs = make_data(300_000, 10, dtype=dtype)
        for rows in (slice(0, 2_000), slice(None)):
            for name, kw in OPS.values():
                getattr(nb, name)(labels[rows], pred_probs[rows], **kw)
            nb.num_label_issues(labels[rows], pred_probs[rows])


def compare(n, k, repeat, with_cleanlab):
    labels, pred_probs = make_data(n, k, dtype=np.float32)
    floor = read_once_seconds(pred_probs, repeat)
    gb = pred_probs.nbytes / 1e9
    print(
        f"\n(N, K) = ({n:,}, {k:,}) float32, {gb:.2f} GB; read once: {floor * 1e3:.2f} ms "
        f"({gb / floor:.1f} GB/s)"
    )
    results = {}
    for label, (name, kw) in OPS.items():
        ours_fn, kwargs = getattr(nb, name), kw
        ours = best_of(lambda: ours_fn(labels, pred_probs, **kwargs), repeat)  # noqa: B023
        line = f"  {label:<18} cleannb {ours * 1e3:10.2f} ms = {ours / floor:5.2f}x read-once"
        theirs = None
        if with_cleanlab:
            from cleanlab import count as cl

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = best_of(
                    lambda: getattr(cl, name)(labels, pred_probs, **kwargs),  # noqa: B023
                    max(1, min(repeat, 3)),
                )
            line += (
                f" | cleanlab 2.9 {theirs * 1e3:10.2f} ms = {theirs / floor:6.1f}x read-once;"
                f" cleannb {theirs / ours:6.1f}x faster"
            )
        print(line)
        results[label] = (ours, theirs)
    rss, traced = extra_memory_bytes(lambda: nb.compute_confident_joint(labels, pred_probs))
    rss_text = "n/a" if rss is None else f"{rss / 2**20:.1f} MiB"
    print(
        f"  extra memory of compute_confident_joint: peak RSS delta {rss_text}, "
        f"tracemalloc peak {traced / 2**20:.1f} MiB "
        f"(8 bytes a row = {8 * n / 2**20:.1f} MiB)"
    )
    return floor, results, rss


def compile_costs():
    """First-call cost per dtype and the import time, each in a fresh process."""
    script = """
import time, sys
t = time.perf_counter()
import cleannb.count as count
t_import = time.perf_counter() - t
from cleannb._kernels import confident as kern
compiled = sum(len(f.signatures) for f in (kern.group_by_label, kern.row_pass.serial,
               kern.row_pass.parallel))
import numpy as np
dtype = sys.argv[1]
rng = np.random.default_rng(0)
small = rng.dirichlet(np.ones(10), 500).astype(dtype); ys = rng.integers(0, 10, 500)
large = rng.dirichlet(np.ones(10), 200_000).astype(dtype); yl = rng.integers(0, 10, 200_000)
out = [t_import, compiled]
for p, y in ((small, ys), (large, yl)):
    t = time.perf_counter(); count.compute_confident_joint(y, p); first = time.perf_counter() - t
    t = time.perf_counter(); count.compute_confident_joint(y, p); again = time.perf_counter() - t
    out += [first, again]
print(*out)
"""
    import tempfile

    print("\nCold start (fresh process each; Numba cache in a new directory, then reused):")
    with tempfile.TemporaryDirectory() as cache_dir:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
        for state in ("no cache", "cached"):
            for dtype in ("float32", "float64", "float16"):
                values = subprocess.run(
                    [sys.executable, "-c", script, dtype],
                    capture_output=True,
                    text=True,
                    check=True,
                    env=env,
                ).stdout.split()
                t_import, compiled, s_first, s_again, p_first, p_again = map(float, values)
                print(
                    f"  {state:<8} {dtype}: import {t_import:.2f} s (kernels compiled at "
                    f"import: {int(compiled)}); first compute_confident_joint: serial "
                    f"{s_first:.2f} s (then {s_again * 1e3:.2f} ms), parallel "
                    f"{p_first:.2f} s (then {p_again * 1e3:.2f} ms)"
                )
    base = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; t=time.perf_counter(); import numba, numpy, scipy, "
            "sklearn; print(time.perf_counter()-t)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print(f"  (import of numba + numpy + scipy + sklearn alone: {float(base):.2f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--large", action="store_true", help="add the ImageNet shape")
    parser.add_argument(
        "--cleanlab-large",
        action="store_true",
        help="also time cleanlab at the ImageNet shape (about 10 GB extra)",
    )
    parser.add_argument("--compile", action="store_true", help="measure cold-start costs")
    parser.add_argument("--only-large", action="store_true", help="skip the regular sizes")
    args = parser.parse_args()
    if args.compile:
        compile_costs()
    warm()
    verdicts = []
    sizes = [] if args.only_large else list(SIZES)
    if args.large or args.only_large or os.environ.get("CLEANNB_BENCH_PROFILE") == "large":
        sizes.append(IMAGENET)
    for n, k in sizes:
        large = (n, k) == IMAGENET
        floor, results, rss = compare(n, k, args.repeat, not large or args.cleanlab_large)
        ours, theirs = results["confident_joint"]
        if k == 1_000:
            verdicts.append((f"cj / read-once at ({n:,}, {k:,})", ours / floor, "<= 2"))
        if (n, k) == (100_000, 1_000) and theirs is not None:
            verdicts.append(("cleanlab / cleannb cj at (100,000, 1,000)", theirs / ours, ">= 10"))
        if large and rss is not None:
            verdicts.append(("extra MiB of cj at ImageNet shape", rss / 2**20, "<= 64"))
    print("\nTargets:")
    for name, value, target in verdicts:
        print(f"  {name:<44} {value:8.2f}   (target {target})")


if __name__ == "__main__":
    main()
