"""``cleannb find-issues`` on a large ``.npy`` on disk, against one read of the file and cleanlab.

Run from the repo root: ``python benchmarks/cli_large.py [--huge] [--folder DIR] [--keep]``.

It writes float32 ``pred_probs`` of the ImageNet shape (1,281,167 x 1,000, 5.1 GB),
or with ``--huge`` 8,000,000 x 1,000 (32 GB, more than this machine's memory), and
their labels to ``--folder`` (default: a temporary folder on the disk of the
repo), chunk by chunk, so that writing them needs no copy in memory. Then, each in
a fresh process whose peak anonymous memory (RssAnon, sampled every 5 ms) is
recorded:

1. one plain sequential read of the file (64 MB ``readinto`` a reused buffer): the
   floor every other row is a multiple of;
2. ``cleannb find-issues`` (default ``prune_by_noise_rate``, ranked by
   self-confidence, written to a CSV) and the number of passes over
   ``pred_probs`` it reports;
3. cleannb's exact ``find_label_issues_batched`` and cleanlab 2.9's
   ``find_label_issues_batched`` on the same files (``pred_probs_file=``,
   ``labels_file=``), and the number of rows where cleanlab's set differs from
   the exact one.

Each command first runs once on 20,000 rows (the warm-up: it compiles or loads
the kernels, and its RssAnon is the baseline).

Before each step the page cache is dropped if this process may do so (root,
writable ``/proc/sys/vm/drop_caches``); the output says whether it was (a "cold"
or a "warm" page cache). RssAnon growth is given over the warm-up run of the
same command (the interpreter, numpy, Numba and the compiled kernels) and as a
share of the file. The data are those of ``benchmarks/common.py`` (a weak model), made
in chunks of rows.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from cli_memory import peak_rss_anon  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGENET = (1_281_167, 1_000)
HUGE = (8_000_000, 1_000)
WRITE_ROWS = 50_000
READ_BYTES = 64 << 20
#: Rows of the warm-up data (80 MB at K = 1,000: the parallel kernels run).
WARM_ROWS = 20_000


def write_data(folder, n, k, seed=0):
    """Labels and float32 pred_probs (a weak model, ~20 % noisy labels) as .npy files."""
    path = os.path.join(folder, "pred_probs.npy")
    pred_probs = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, k))
    labels = np.empty(n, dtype=np.int64)
    rng = np.random.default_rng(seed)
    for lo in range(0, n, WRITE_ROWS):
        hi = min(n, lo + WRITE_ROWS)
        true = rng.integers(0, k, hi - lo)
        logits = rng.standard_normal((hi - lo, k), dtype=np.float32)
        logits[np.arange(hi - lo), true] += rng.uniform(1.0, 4.0, hi - lo).astype(np.float32)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        pred_probs[lo:hi] = logits
        flip = rng.random(hi - lo) < 0.2
        true[flip] = rng.integers(0, k, int(flip.sum()))
        labels[lo:hi] = true
    pred_probs.flush()
    del pred_probs
    np.save(os.path.join(folder, "labels.npy"), labels)
    return path, os.path.join(folder, "labels.npy")


def drop_page_cache():
    """Drop the page cache; False where this process may not."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as control:
            control.write("3\n")
        return True
    except OSError:
        return False


READ_SCRIPT = """
import sys
buffer = bytearray({size})
view = memoryview(buffer)
with open(sys.argv[1], "rb", buffering=0) as f:
    while f.readinto(view):
        pass
"""

CLEANNB_BATCHED = """
import sys, numpy as np
from cleannb.experimental.label_issues_batched import find_label_issues_batched
issues = find_label_issues_batched(labels_file=sys.argv[1], pred_probs_file=sys.argv[2],
                                   batch_size=int(sys.argv[4]))
np.save(sys.argv[3], issues)
"""

CLEANLAB_BATCHED = """
import sys, numpy as np
from cleanlab.experimental.label_issues_batched import find_label_issues_batched
issues = find_label_issues_batched(labels_file=sys.argv[1], pred_probs_file=sys.argv[2],
                                   batch_size=int(sys.argv[4]), verbose=False)
np.save(sys.argv[3], issues)
"""


def run(argv, *, capture=False):
    """(peak RssAnon bytes, seconds, stderr text) of a subprocess."""
    if not capture:
        peak, seconds = peak_rss_anon(argv)
        return peak, seconds, ""
    log = tempfile.TemporaryFile()
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    peak = 0
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("RssAnon:"):
                        peak = max(peak, int(line.split()[1]) * 1024)
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.005)
    seconds = time.perf_counter() - start
    log.seek(0)
    text = log.read().decode(errors="replace")
    if process.wait() != 0:
        raise RuntimeError(text[-2000:])
    return peak, seconds, text


def cli(labels, pred_probs, output, quiet=False):
    argv = [sys.executable, "-m", "cleannb", "find-issues", "--labels", labels]
    argv += ["--pred-probs", pred_probs, "--output", output]
    return argv + (["--quiet"] if quiet else [])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huge", action="store_true", help="8,000,000 x 1,000 (32 GB)")
    parser.add_argument("--folder", default=None, help="where to write the data")
    parser.add_argument("--keep", action="store_true", help="keep the data files")
    parser.add_argument("--batch-size", type=int, default=16_384, help="rows, batched APIs")
    parser.add_argument("--skip-cleanlab", action="store_true")
    parser.add_argument("--rows", type=int, default=None, help="fewer rows (a quick check)")
    args = parser.parse_args()
    n, k = HUGE if args.huge else IMAGENET
    n = args.rows or n
    folder = tempfile.mkdtemp(prefix="cleannb_large_", dir=args.folder or ROOT)
    try:
        started = time.perf_counter()
        pred_path, labels_path = write_data(folder, n, k)
        size = os.path.getsize(pred_path)
        print(
            f"wrote {n:,} x {k:,} float32 ({size / 1e9:.1f} GB) in "
            f"{time.perf_counter() - started:.0f} s to {folder}"
        )
        tiny = os.path.join(folder, "tiny")
        os.mkdir(tiny)
        tiny_pred, tiny_labels = write_data(tiny, WARM_ROWS, k)
        rows = []

        def step(name, argv, warm_argv=None, capture=False):
            # the warm-up compiles (or loads) the parallel kernels; its RssAnon is the baseline
            base = run(warm_argv)[0] if warm_argv else None
            cold = drop_page_cache()
            peak, seconds, text = run(argv, capture=capture)
            rows.append((name, seconds, peak, base, cold))
            return seconds, text

        def batched(script, labels, pred, out, batch):
            return [sys.executable, "-c", script, labels, pred, out, str(batch)]

        warm_out = os.path.join(tiny, "warm.npy")

        read_s, _ = step(
            "one sequential read",
            [sys.executable, "-c", READ_SCRIPT.format(size=READ_BYTES), pred_path],
        )
        out_csv = os.path.join(folder, "issues.csv")
        _, text = step(
            "cleannb find-issues",
            cli(labels_path, pred_path, out_csv),
            cli(tiny_labels, tiny_pred, os.path.join(tiny, "out.csv"), quiet=True),
            capture=True,
        )
        passes = int(re.search(r"in (\d+) passes over its rows", text).group(1))
        exact_path = os.path.join(folder, "exact.npy")
        step(
            "cleannb find_label_issues_batched",
            batched(CLEANNB_BATCHED, labels_path, pred_path, exact_path, args.batch_size),
            batched(CLEANNB_BATCHED, tiny_labels, tiny_pred, warm_out, WARM_ROWS),
        )
        if not args.skip_cleanlab:
            theirs_path = os.path.join(folder, "cleanlab.npy")
            step(
                "cleanlab 2.9 find_label_issues_batched",
                batched(CLEANLAB_BATCHED, labels_path, pred_path, theirs_path, args.batch_size),
                batched(CLEANLAB_BATCHED, tiny_labels, tiny_pred, warm_out, WARM_ROWS),
            )
        print(
            f"\n{'step':<40} {'seconds':>8} {'x read':>7} {'RssAnon MB':>11} "
            f"{'growth % of file':>17} {'page cache':>10}"
        )
        for name, seconds, peak, base, cold in rows:
            growth = "" if base is None else f"{(peak - base) / size * 100:.2f}"
            print(
                f"{name:<40} {seconds:8.1f} {seconds / read_s:7.2f} {peak / 1e6:11.0f} "
                f"{growth:>17} {'cold' if cold else 'warm':>10}"
            )
        print(
            f"find-issues read pred_probs in {passes} passes. RssAnon growth: over the "
            f"warm-up run of the same command on {WARM_ROWS:,} rows."
        )
        exact = np.load(exact_path)
        if not args.skip_cleanlab:
            theirs = np.load(theirs_path)
            differ = len(np.setxor1d(exact, theirs))
            print(
                f"cleanlab 2.9 flags {len(theirs):,} rows, the exact rule {len(exact):,}; "
                f"the sets differ in {differ:,} rows."
            )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
