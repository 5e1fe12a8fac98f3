"""Time cleannb.filter.find_label_issues against cleanlab 2.9 and the read-once floor.

Run from the repo root: ``python benchmarks/compare_filter.py [--sizes 1e5x1000 ...]
[--large] [--repeat R] [--skip-cleanlab] [--boost LO HI] [--dtype float16]``. For each
size (float32 data from ``benchmarks/benchmarks/common.py``, or its ``--dtype`` copy;
``--boost`` sets the range of the latent class's logit boost, 4 10 for a more accurate
model) and filter_by it prints the share of rows whose argmax is the label, then the
best of R runs of cleannb, its ratio to the read-once time (``readonce.py``), the
number of tied cuts resolved with numpy and the time of the same call with
``tie_order("index")`` (no fix-ups), cleanlab 2.9's time in the same process and the
speed-up; then the 1- vs 2-thread speed-up of prune_by_noise_rate, and the extra
memory cleannb allocated (tracemalloc peak, numpy allocations) as a fraction of the
input.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
import warnings
from functools import partial

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from benchmarks.common import DEFAULT_BOOST, IMAGENET, make_data  # noqa: E402
from readonce import read_once_seconds  # noqa: E402

import cleannb  # noqa: E402
from cleannb import filter as nb  # noqa: E402

SIZES = {
    "1e4x10": (10_000, 10),
    "1e6x10": (1_000_000, 10),
    "1e5x1000": (100_000, 1_000),
    "imagenet": IMAGENET,
}


def best_of(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["1e4x10", "1e6x10", "1e5x1000"])
    parser.add_argument("--large", action="store_true", help="add the ImageNet shape")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--filters", nargs="*", default=list(nb.FILTERS))
    parser.add_argument("--skip-cleanlab", action="store_true")
    parser.add_argument("--boost", nargs=2, type=float, default=DEFAULT_BOOST)
    parser.add_argument("--dtype", default="float32", choices=["float16", "float32", "float64"])
    args = parser.parse_args()
    sizes = args.sizes + (["imagenet"] if args.large else [])
    warnings.simplefilter("ignore")
    warm_labels, warm_probs = make_data(5_000, 5)
    for filter_by in args.filters:
        nb.find_label_issues(warm_labels, warm_probs, filter_by=filter_by)
    if not args.skip_cleanlab:
        from cleanlab import filter as cl
    print(
        f"{'size':>10} {'filter_by':>22} {'cleannb s':>10} {'x read':>7} {'fix-ups':>8} "
        f"{'index s':>8} {'cleanlab s':>11} {'speed-up':>9}"
    )
    for name in sizes:
        n, k = SIZES[name]
        labels, pred_probs = make_data(n, k, boost=tuple(args.boost))
        if args.dtype != "float32":
            pred_probs = pred_probs.astype(args.dtype)
        accuracy = np.mean(pred_probs.argmax(axis=1) == labels)
        print(f"{name:>10} argmax equals the label in {100 * accuracy:.0f} % of the rows")
        floor = read_once_seconds(pred_probs)
        for filter_by in args.filters:
            call = partial(nb.find_label_issues, labels, pred_probs, filter_by=filter_by)
            ours = best_of(call, args.repeat)
            with cleannb.count_fixups() as fixups:
                call()
            with cleannb.tie_order("index"):
                by_index = best_of(call, args.repeat)
            line = (
                f"{name:>10} {filter_by:>22} {ours:10.4f} {ours / floor:7.2f} "
                f"{sum(fixups.values()):8d} {by_index:8.4f}"
            )
            if not args.skip_cleanlab and pred_probs.nbytes < 1e9:
                theirs = best_of(
                    partial(cl.find_label_issues, labels, pred_probs, filter_by=filter_by), 1
                )
                line += f" {theirs:11.3f} {theirs / ours:9.1f}"
            print(line, flush=True)
        one = best_of(partial(nb.find_label_issues, labels, pred_probs, n_jobs=1), args.repeat)
        two = best_of(partial(nb.find_label_issues, labels, pred_probs, n_jobs=2), args.repeat)
        tracemalloc.start()
        nb.find_label_issues(labels, pred_probs)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"{name:>10} read-once {floor:.4f} s; prune_by_noise_rate 1 thread {one:.4f} s, "
            f"2 threads {two:.4f} s (speed-up {one / two:.2f}x); extra memory "
            f"{peak / 1e6:.1f} MB = {100 * peak / pred_probs.nbytes:.1f} % of pred_probs",
            flush=True,
        )


if __name__ == "__main__":
    main()
