"""Time cleannb.rank against cleanlab 2.9 and the read-once floor.

Run from the repo root: ``python benchmarks/compare_rank.py [--sizes 1e5x1000 ...]
[--large] [--repeat R] [--skip-cleanlab]``. For each size (float32 data from
``benchmarks/benchmarks/common.py``) and score it prints the best of R runs of
``get_label_quality_scores``, its ratio to the read-once time
(``readonce.py``), cleanlab 2.9's time in the same process and the speed-up,
and the extra memory cleannb allocated (tracemalloc peak of numpy
allocations) per row; then the 1- vs 2-thread speed-up of the default score.
The target: the default score within 1.5x the read-once time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchmarks.common import IMAGENET, make_data  # noqa: E402
from readonce import read_once_seconds  # noqa: E402

from cleannb import rank as nb  # noqa: E402

SIZES = {
    "1e4x10": (10_000, 10),
    "1e6x10": (1_000_000, 10),
    "1e5x1000": (100_000, 1_000),
    "imagenet": IMAGENET,
}
SCORES = [
    "self_confidence",
    "normalized_margin",
    "confidence_weighted_entropy",
    "self_confidence+adjust",
    "normalized_margin+adjust",
]


def best_of(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def extra_bytes(fn):
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def options(score):
    method, _, adjust = score.partition("+")
    return {"method": method, "adjust_pred_probs": bool(adjust)}


def run_size(size, args, cl):
    """Print the timings of every score at one size."""
    n, k = SIZES[size]
    labels, pred_probs = make_data(n, k)
    for score in args.scores:  # compile for this size's path (serial/parallel twin)
        nb.get_label_quality_scores(labels[:50_000], pred_probs[:50_000], **options(score))
    floor = read_once_seconds(pred_probs)
    print(
        f"\n== {size}: N={n} K={k} float32 ({pred_probs.nbytes / 1e9:.2f} GB), "
        f"read once {floor * 1e3:.1f} ms"
    )
    for score in args.scores:
        kwargs = options(score)
        ours = best_of(
            lambda kw=kwargs: nb.get_label_quality_scores(labels, pred_probs, **kw), args.repeat
        )
        memory = extra_bytes(
            lambda kw=kwargs: nb.get_label_quality_scores(labels, pred_probs, **kw)
        )
        line = (
            f"{score:<30} cleannb {ours * 1e3:9.1f} ms = {ours / floor:5.2f}x read-once"
            f"  extra {memory / n:5.1f} B/row"
        )
        if cl is not None:
            theirs = best_of(
                lambda kw=kwargs: cl.get_label_quality_scores(labels, pred_probs, **kw),
                1 if size == "imagenet" else args.repeat,
            )
            line += f"  cleanlab 2.9 {theirs * 1e3:9.1f} ms  speed-up {theirs / ours:6.1f}x"
        print(line, flush=True)
    for method in ("self_confidence", "normalized_margin"):
        one = best_of(
            lambda m=method: nb.get_label_quality_scores(labels, pred_probs, method=m, n_jobs=1),
            args.repeat,
        )
        two = best_of(
            lambda m=method: nb.get_label_quality_scores(labels, pred_probs, method=m, n_jobs=2),
            args.repeat,
        )
        print(
            f"{method} threads: 1 -> {one * 1e3:.1f} ms, 2 -> {two * 1e3:.1f} ms, "
            f"speed-up {one / two:.2f}x"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["1e4x10", "1e6x10", "1e5x1000"])
    parser.add_argument("--large", action="store_true", help="add the ImageNet shape")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scores", nargs="*", default=SCORES)
    parser.add_argument("--skip-cleanlab", action="store_true")
    args = parser.parse_args()
    sizes = args.sizes + (["imagenet"] if args.large else [])
    warnings.simplefilter("ignore")
    cl = None
    if not args.skip_cleanlab:
        from cleanlab import rank as cl

    warm_labels, warm_probs = make_data(3_000, 5)
    for score in args.scores:
        for n_jobs in (1, -1):
            nb.get_label_quality_scores(warm_labels, warm_probs, n_jobs=n_jobs, **options(score))
    for size in sizes:
        run_size(size, args, None if args.skip_cleanlab else cl)


if __name__ == "__main__":
    main()
