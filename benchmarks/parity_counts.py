"""Parity counts: how often cleannb's answers differ from cleanlab 2.9's and 0.1.0's.

Run from the repo root::

    python benchmarks/parity_counts.py [--datasets 20] [--v010-python /tmp/v010/bin/python]
    python benchmarks/parity_counts.py --cifar ../shared/data/cifar10_4_4.npz

To count for another version of cleannb (a "before"), export it and put it
first on the path, and run from outside the repo (the editable install would
otherwise resolve ``cleannb`` to the working tree)::

    git archive <commit> cleannb | tar -x -C /tmp/old
    cd /tmp && PYTHONPATH=/tmp/old python /work/main/benchmarks/parity_counts.py

Random mode draws ``--datasets`` seeded datasets with the test suite's generator
(``tests/conftest.py``, ``parity_dataset``: K 2-50, N 60-2000, about 20 %
class-conditional noise, every class present, sometimes classes with a single
example; the kinds of values cycle through float64, float64 with exact ties,
float16, float32 rounded to 3 decimals, float32 with rows summing to about 0.99,
and a mix) and compares, against cleanlab 2.9 in this process:

- the calibrated confident joint (one comparison per dataset);
- ``find_label_issues`` masks and ranked orders for every ``filter_by``, with
  ``return_indices_ranked_by`` None / self_confidence / normalized_margin /
  confidence_weighted_entropy, and for the three prune filters also
  ``frac_noise`` 1 / 0.5 and ``num_to_remove_per_class`` None / given;
- ``order_label_issues`` (every ``rank_by``, ``adjust_pred_probs`` off / on) on
  cleanlab's default mask, and ``find_top_issues`` on cleanlab's scores;

and against cleanlab 0.1.0, run by ``--v010-python`` in a subprocess on the
same arrays (saved to a temporary directory): ``get_noise_indices`` masks and
ordered indices for every ``prune_method`` and ``sorted_index_method``, and the
calibrated ``compute_confident_joint``.

``--cifar PATH`` compares, on the paper's CIFAR-10 probabilities (float16, and
their exact float32 copy), the calibrated confident joint, every ``filter_by``
mask and ranked order, and ``order_label_issues`` / ``find_top_issues``, with
cleanlab 2.9.

Columns: ``comparisons``; ``differ`` (arrays not equal; floats compared to
1e-10 relative); ``differ w/ index ties`` (still differ when cleanlab is made to
resolve every tie it leaves to numpy by lower index, the order cleannb used
before it followed numpy: a difference that disappears there comes from tie
order alone; what remains comes from keys computed in another dtype or with
other rounding, such as float16 margins or a residual one ulp apart, or from
something else); ``errors`` (a side raised or crashed; counted apart from the
differences, the first messages are printed below the table).

Each comparison runs in a forked child process (Linux), so that a crash costs
one comparison (counted as an error) and not the run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
# Every comparison runs in a forked child (see run_isolated); Numba's OpenMP
# layer aborts a child forked after it ran, its workqueue layer does not.
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import cleanlab.count as cl_count  # noqa: E402
import cleanlab.filter as cl_filter  # noqa: E402
import cleanlab.internal.util as cl_util  # noqa: E402
import cleanlab.rank as cl_rank  # noqa: E402
import numpy as np  # noqa: E402
from conftest import PARITY_KINDS, make_dataset, parity_dataset  # noqa: E402

from cleannb import count as nb_count  # noqa: E402
from cleannb import filter as nb_filter  # noqa: E402
from cleannb import latent_estimation as nb_latent  # noqa: E402
from cleannb import pruning as nb_pruning  # noqa: E402
from cleannb import rank as nb_rank  # noqa: E402

FILTERS = nb_filter.FILTERS
PRUNE = nb_filter.PRUNE_FILTERS
RANKINGS = (None, "self_confidence", "normalized_margin", "confidence_weighted_entropy")
RANK_VARIANTS = [
    (method, adjust)
    for method in RANKINGS[1:]
    for adjust in (False, True)
    if not (adjust and method == "confidence_weighted_entropy")
]
PRUNE_METHODS = ("prune_by_class", "prune_by_noise_rate", "both")
SORTED_METHODS = (None, "prob_given_label", "normalized_margin")


# ----------------------------------------------------------------------------- ties by index
class _StableNumpy:
    """numpy, except that ``argsort`` is stable (equal values in index order)."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def argsort(a, axis=-1, kind=None, order=None):
        return np.argsort(a, axis=axis, kind="stable", order=order)


def round_lower_index_first(values):
    """Integers with the rounded total of ``values``; units go to the largest
    residuals (or come off the smallest), equal residuals in index order."""
    floats = np.asarray(values, dtype=float)
    ints = floats.round()
    target = np.sum(floats).round()
    while abs(np.sum(ints).round() - target) > 1e-6:
        short = np.round(target - np.sum(ints).round())
        step = 1.0 if short > 0 else -1.0
        take = min(int(abs(short)), len(floats))
        chosen = np.argsort(-(floats - ints) * step, kind="stable")[:take]
        ints[chosen] += step
    return ints.astype(int)


def _top_issues_lower_index_first(quality_scores, top=None):
    scores = np.asarray(quality_scores)
    top = len(scores) if top is None or top > len(scores) else top
    return np.argsort(scores, kind="stable")[:top]


@contextlib.contextmanager
def cleanlab_ties_by_index():
    """cleanlab 2.9 with every tie it leaves to numpy resolved by lower index."""
    saved = (cl_filter.np, cl_rank.np, cl_rank.find_top_issues, cl_util.round_preserving_sum)
    cl_filter.np = cl_rank.np = _StableNumpy()
    cl_rank.find_top_issues = _top_issues_lower_index_first
    cl_util.round_preserving_sum = round_lower_index_first
    try:
        yield
    finally:
        cl_filter.np, cl_rank.np, cl_rank.find_top_issues, cl_util.round_preserving_sum = saved


# ----------------------------------------------------------------------------- jobs
# A job is (row, label, ours, theirs, theirs_by_index): three callables, the last
# two for cleanlab as it is and with ties by lower index. Jobs run in a worker
# process (``--worker``), so that a crash (an abort inside a kernel) costs one
# comparison, counted as an error, and not the whole run.


def quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        return bool(np.allclose(a, b, rtol=1e-10, atol=0.0))
    return bool(np.array_equal(a, b))


def run_job(job):
    """``(status, message)``: same, differ, differ_untied (also with index ties) or error."""
    _, _, ours_fn, theirs_fn, indexed_fn = job
    try:
        ours = quiet(ours_fn)
    except Exception as error:  # noqa: BLE001 - counted, reported
        return "error", f"cleannb raised {type(error).__name__}: {error}"
    try:
        theirs = quiet(theirs_fn)
    except Exception as error:  # noqa: BLE001
        return "error", f"cleanlab raised {type(error).__name__}: {error}"
    if same(ours, theirs):
        return "same", ""
    try:
        indexed = quiet(indexed_fn)
    except Exception as error:  # noqa: BLE001
        return "differ_untied", f"cleanlab with index ties raised {type(error).__name__}"
    return ("differ" if same(ours, indexed) else "differ_untied"), ""


def with_index_ties(fn):
    def run():
        with cleanlab_ties_by_index():
            return fn()

    return run


def removal_counts(labels, k, seed):
    rng = np.random.default_rng(seed)
    counts = np.bincount(labels, minlength=k)
    return np.array([rng.integers(0, max(1, c // 3)) for c in counts])


class Tally:
    COLUMNS = ("comparisons", "differ", "differ w/ index ties", "errors")

    def __init__(self):
        self.rows = defaultdict(lambda: [0, 0, 0, 0])
        self.messages = []
        self.examples = defaultdict(list)

    def count(self, row, label, status, message=""):
        counts = self.rows[row]
        counts[0] += 1
        if status in ("differ", "differ_untied"):
            counts[1] += 1
            self.examples[row].append(label + (" (also w/ index ties)" if status[6:] else ""))
        if status == "differ_untied":
            counts[2] += 1
        if status == "error":
            counts[3] += 1
            if len(self.messages) < 12:
                self.messages.append(f"{row}, {label}: {message.splitlines()[0][:160]}")

    def print(self, title):
        print(f"\n{title}")
        width = max(len(row) for row in self.rows) + 2
        print(f"{'':{width}}" + "".join(f"{c:>{len(c) + 2}}" for c in self.COLUMNS))
        total = [0, 0, 0, 0]
        for row, counts in self.rows.items():
            total = [a + b for a, b in zip(total, counts, strict=True)]
            print(
                f"{row:{width}}"
                + "".join(f"{v:>{len(c) + 2}}" for v, c in zip(counts, self.COLUMNS, strict=True))
            )
        print(
            f"{'total':{width}}"
            + "".join(f"{v:>{len(c) + 2}}" for v, c in zip(total, self.COLUMNS, strict=True))
        )
        for message in self.messages:
            print("  error: " + message)

    def print_examples(self, limit=8):
        for row, labels in self.examples.items():
            shown = "; ".join(labels[:limit]) + (" ..." if len(labels) > limit else "")
            print(f"  differ in {row}: {shown}")


# ----------------------------------------------------------------------------- cleanlab 2.9
def modern_jobs(labels, pred_probs, tag, seed=0, options=True):
    jobs = []

    def add(row, label, ours, theirs):
        jobs.append((row, label, ours, theirs, with_index_ties(theirs)))

    k = pred_probs.shape[1]
    add(
        "confident joint (calibrated)",
        tag,
        lambda: nb_count.compute_confident_joint(labels, pred_probs),
        lambda: cl_count.compute_confident_joint(labels, pred_probs),
    )
    remove = removal_counts(labels, k, seed)
    for filter_by in FILTERS:
        fracs = (1.0, 0.5) if options and filter_by in PRUNE else (1.0,)
        removes = (None, remove) if options and filter_by in PRUNE else (None,)
        for ranked in RANKINGS:
            for frac in fracs:
                for ntr in removes:
                    kw = dict(filter_by=filter_by, return_indices_ranked_by=ranked)
                    if frac != 1.0:
                        kw["frac_noise"] = frac
                    if ntr is not None:
                        kw["num_to_remove_per_class"] = ntr
                    row = "find_label_issues mask" if ranked is None else "find_label_issues order"
                    add(
                        row,
                        f"{tag} {filter_by} ranked={ranked} frac={frac} ntr={ntr is not None}",
                        lambda kw=kw: nb_filter.find_label_issues(labels, pred_probs, **kw),
                        lambda kw=kw: cl_filter.find_label_issues(
                            labels, pred_probs, n_jobs=1, **kw
                        ),
                    )

    mask = quiet(lambda: cl_filter.find_label_issues(labels, pred_probs, n_jobs=1))
    for method, adjust in RANK_VARIANTS:
        kw = dict(rank_by=method, rank_by_kwargs={"adjust_pred_probs": adjust})
        add(
            "order_label_issues",
            f"{tag} {method} adjust={adjust}",
            lambda kw=kw: nb_rank.order_label_issues(mask, labels, pred_probs, **kw),
            lambda kw=kw: cl_rank.order_label_issues(mask, labels, pred_probs, **kw),
        )
    n = len(labels)
    for method in RANKINGS[1:]:
        scores = cl_rank.get_label_quality_scores(labels, pred_probs, method=method)
        for top in (10, n // 10, n // 3, None):
            add(
                "find_top_issues",
                f"{tag} {method} top={top}",
                lambda s=scores, t=top: nb_rank.find_top_issues(s, top=t),
                lambda s=scores, t=top: cl_rank.find_top_issues(s, top=t),
            )
    return jobs


# ----------------------------------------------------------------------------- cleanlab 0.1.0
V010_CHILD = textwrap.dedent(
    """
    import sys, warnings
    import numpy as np
    import cleanlab
    from cleanlab import latent_estimation, pruning, util

    assert cleanlab.__version__ == "0.1.0", cleanlab.__version__
    PRUNE_METHODS = ("prune_by_class", "prune_by_noise_rate", "both")
    SORTED = ("none", "prob_given_label", "normalized_margin")


    class StableNumpy:
        def __getattr__(self, name):
            return getattr(np, name)

        @staticmethod
        def argsort(a, axis=-1, kind=None, order=None):
            return np.argsort(a, axis=axis, kind="stable", order=order)


    def round_lower_index_first(values):
        floats = np.asarray(values, dtype=float)
        ints = floats.round()
        target = np.sum(floats).round()
        while abs(np.sum(ints).round() - target) > 1e-6:
            short = np.round(target - np.sum(ints).round())
            step = 1.0 if short > 0 else -1.0
            take = min(int(abs(short)), len(floats))
            chosen = np.argsort(-(floats - ints) * step, kind="stable")[:take]
            ints[chosen] += step
        return ints.astype(int)


    def run(out, key, fn):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out[key] = np.asarray(fn())
            except Exception as error:
                out[key + "__raised"] = np.array(f"{type(error).__name__}: {error}"[:300])


    def outputs(out, prefix, s, psx):
        run(out, prefix + "cj", lambda: latent_estimation.compute_confident_joint(s, psx))
        for pm in PRUNE_METHODS:
            for sim in SORTED:
                run(out, f"{prefix}noise/{pm}/{sim}", lambda: pruning.get_noise_indices(
                    s, psx, prune_method=pm, n_jobs=1,
                    sorted_index_method=None if sim == "none" else sim))


    data = np.load(sys.argv[1])
    out = {}
    for i in range(int(data["count"])):
        s, psx = data[f"s{i}"], data[f"psx{i}"]
        outputs(out, f"{i}/plain/", s, psx)
        saved = pruning.np, util.round_preserving_sum
        pruning.np, util.round_preserving_sum = StableNumpy(), round_lower_index_first
        outputs(out, f"{i}/indexed/", s, psx)
        pruning.np, util.round_preserving_sum = saved
    np.savez(sys.argv[2], **out)
    """
)


def run_v010(datasets, python, directory):
    """Run 0.1.0 on ``datasets`` in a subprocess; the path of its outputs, or None."""
    inputs, results = os.path.join(directory, "in.npz"), os.path.join(directory, "v010.npz")
    arrays = {"count": np.array(len(datasets))}
    for i, (_, labels, pred_probs) in enumerate(datasets):
        arrays[f"s{i}"], arrays[f"psx{i}"] = labels, pred_probs
    np.savez(inputs, **arrays)
    script = os.path.join(directory, "child_v010.py")
    with open(script, "w") as handle:
        handle.write(V010_CHILD)
    done = subprocess.run(
        [python, script, inputs, results], capture_output=True, text=True, cwd=directory
    )
    if done.returncode:
        print(f"0.1.0 subprocess failed:\n{done.stderr[-2000:]}")
        return None
    return results


def seed_jobs(labels, pred_probs, tag, results, i):
    with np.load(results) as z:
        theirs = {key: z[key] for key in z.files if key.startswith(f"{i}/")}

    def value(key):
        def get():
            if key + "__raised" in theirs:
                raise RuntimeError(str(theirs[key + "__raised"]))
            return theirs[key]

        return get

    jobs = [
        (
            "compute_confident_joint (calibrated)",
            tag,
            lambda: nb_latent.compute_confident_joint(labels, pred_probs),
            value(f"{i}/plain/cj"),
            value(f"{i}/indexed/cj"),
        )
    ]
    for pm in PRUNE_METHODS:
        for sim in SORTED_METHODS:
            key = f"noise/{pm}/{sim or 'none'}"
            jobs.append(
                (
                    "get_noise_indices mask" if sim is None else "get_noise_indices order",
                    f"{tag} {pm} sorted_index_method={sim}",
                    lambda pm=pm, sim=sim: nb_pruning.get_noise_indices(
                        labels, pred_probs, prune_method=pm, sorted_index_method=sim, n_jobs=1
                    ),
                    value(f"{i}/plain/{key}"),
                    value(f"{i}/indexed/{key}"),
                )
            )
    return jobs


# ----------------------------------------------------------------------------- datasets
def random_dataset(index):
    labels, pred_probs = parity_dataset(index, stream=1)
    n, k = pred_probs.shape
    kind = PARITY_KINDS[index % len(PARITY_KINDS)]
    return f"#{index} {kind} {pred_probs.dtype} N={n} K={k}", labels, pred_probs


def cifar_dataset(path, dtype):
    with np.load(path) as data:
        labels, pred_probs = data["noisy_labels"], data["pred_probs"]
    return f"CIFAR-10 {dtype}", labels, pred_probs.astype(dtype)


def run_isolated(job):
    """``run_job`` in a forked child, so that a crash (an abort inside a kernel)
    costs this one comparison, counted as an error, and not the whole run."""
    read, write = os.pipe()
    with tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # child
            os.close(read)
            os.dup2(err.fileno(), 2)
            try:
                status, message = run_job(job)
            except BaseException as error:  # noqa: BLE001
                status, message = "error", f"{type(error).__name__}: {error}"
            os.write(write, json.dumps([status, message]).encode())
            os._exit(0)
        os.close(write)
        chunks = []
        while chunk := os.read(read, 1 << 16):
            chunks.append(chunk)
        os.close(read)
        _, code = os.waitpid(pid, 0)
        if chunks and os.WIFEXITED(code):
            return tuple(json.loads(b"".join(chunks)))
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
        how = f"signal {os.WTERMSIG(code)}" if os.WIFSIGNALED(code) else f"exit {code}"
        return "error", f"process died ({how}): {lines[-1] if lines else ''}"


def warm_up():
    """Load every kernel in this process, so that forked jobs need not load them again."""
    for dtype in (np.float16, np.float32, np.float64):
        labels, pred_probs = make_dataset(0, 120, 4, dtype, noise=0.3)
        for job in modern_jobs(labels, pred_probs, "warm-up") + seed_like_jobs(labels, pred_probs):
            with contextlib.suppress(Exception):
                quiet(job[2])


def seed_like_jobs(labels, pred_probs):
    jobs = [(None, None, lambda: nb_latent.compute_confident_joint(labels, pred_probs))]
    for pm in PRUNE_METHODS:
        for sim in SORTED_METHODS:
            jobs.append(
                (
                    None,
                    None,
                    lambda pm=pm, sim=sim: nb_pruning.get_noise_indices(
                        labels, pred_probs, prune_method=pm, sorted_index_method=sim, n_jobs=1
                    ),
                )
            )
    return jobs


def run_jobs(tallies, jobs, which):
    for job in jobs:
        status, message = run_isolated(job)
        tallies[which(job[0])].count(job[0], job[1], status, message)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=20)
    parser.add_argument("--v010-python", default="/tmp/v010/bin/python")
    parser.add_argument("--cifar", metavar="PATH", help="compare on this CIFAR-10 .npz instead")
    parser.add_argument("--examples", action="store_true", help="list the differing cases")
    args = parser.parse_args()
    start = time.perf_counter()
    warm_up()
    if args.cifar:
        tally = Tally()
        for dtype in ("float16", "float32"):
            tag, labels, pred_probs = cifar_dataset(args.cifar, dtype)
            run_jobs({0: tally}, modern_jobs(labels, pred_probs, tag, options=False), lambda r: 0)
        name = os.path.basename(args.cifar)
        tally.print(f"CIFAR-10 ({name}), float16 and its float32 copy, vs cleanlab 2.9")
        if args.examples:
            tally.print_examples()
        print(f"({time.perf_counter() - start:.0f} s)")
        return
    tallies = {0: Tally(), 1: Tally()}
    datasets = [random_dataset(i) for i in range(args.datasets)]
    with tempfile.TemporaryDirectory() as directory:
        results = None
        if os.path.exists(args.v010_python):
            results = run_v010(datasets, args.v010_python, directory)
        else:
            print(f"(no cleanlab 0.1.0: {args.v010_python} is missing)")
        for index, (tag, labels, pred_probs) in enumerate(datasets):
            jobs = modern_jobs(labels, pred_probs, tag, seed=index)
            if results:
                jobs += seed_jobs(labels, pred_probs, tag, results, index)
            run_jobs(tallies, jobs, lambda row: int(row in SEED_ROWS))
    for tally, versus in zip(tallies.values(), ("cleanlab 2.9", "cleanlab 0.1.0"), strict=True):
        if tally.rows:
            tally.print(f"{args.datasets} random datasets vs {versus}")
            if args.examples:
                tally.print_examples()
    print(f"({time.perf_counter() - start:.0f} s)")


SEED_ROWS = (
    "compute_confident_joint (calibrated)",
    "get_noise_indices mask",
    "get_noise_indices order",
)


if __name__ == "__main__":
    main()
