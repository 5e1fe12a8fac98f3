"""Time cleannb's first contact: compilation with an empty Numba cache, loading with a full one.

Run from the repo root: ``python benchmarks/cold_start.py [--quick] [--isolated]``.

Every measurement runs in a fresh interpreter whose ``NUMBA_CACHE_DIR``
points at a temporary folder: empty for the "empty" rows (everything
compiles), or the folder an earlier run filled for the "full" rows (kernels
load from it). The package's own cache (``cleannb/_kernels/__pycache__``) is
left alone: Numba uses ``NUMBA_CACHE_DIR`` instead while it is set.

The rows are those of the issue's table ("Fast from the first call"):

- ``cleannb demo`` (``python -m cleannb demo --quiet``), empty then full cache;
- the first ``find_label_issues`` of a fresh process (float64, 2,000 x 10 by
  default), as the three steps thresholds -> confident joint -> filter;
- in the same process, what a further dtype (float32 after float64) and each
  further ``filter_by`` adds;
- the first call of every other public function of ``cleannb.count``,
  ``filter``, ``rank``, ``dataset`` and ``noise_generation``, and of the
  entry points of the seed vocabulary (``pruning``, ``latent_estimation``,
  ``baseline_methods``), the classifiers' ``fit``, multi-label and batched
  ``find_label_issues``: by default as a
  sequence in that same process (what each one adds once the kernels above are
  compiled); with ``--isolated``, each in a fresh process with its own empty
  cache (its whole first-call cost, shared kernels included; slow);
- with the cache full: the first ``find_label_issues`` of a fresh process
  and the import of ``cleannb.filter, cleannb.count, cleannb.rank`` (median of
  five processes; ``import numba`` alone for reference);
- ``cleannb warmup --dtypes float64`` with an empty cache, and the first
  ``find_label_issues`` after it.

Then the compile time of each kernel, from Numba's compiler events
(``numba.core.event``, kind ``"numba:compile"``, which fire only when a
kernel is compiled, not when it is loaded from the cache), recorded in the
process of the sequence above: "incl." is the time of the kernel's compile
event, "self" the same without the compile events nested in it (helpers
compiled on the way, Numba's own sort implementations, ...).

``--quick`` keeps the find_label_issues rows (one further filter_by), the
import row and the kernel table: no demo, no other functions, no warm-up.
Speed is not asserted anywhere; the numbers vary by about 20 % between runs
on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIMEOUT = 3600
FURTHER_FILTERS = (
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
IMPORT = "cleannb.filter, cleannb.count, cleannb.rank"
#: The issue's measurements before this work and its targets, per row key.
ISSUE = {
    "demo_empty": ("56-60", "<= 12"),
    "demo_full": ("4.5-5.6", "<= 2.5"),
    "first_fli": ("36", "<= 4"),
    "further": ("14", "<= 2"),
    "import": ("2.7-3.0", "<= 0.8"),
    "other": ("up to 5", "<= 3"),
}


# --------------------------------------------------------------- worker side
def _data(n, k):
    """Labels, float64 pred_probs (about 20 % of labels flipped) and derived inputs.

    The derived inputs (a confident joint, a mask, scores) are computed with
    numpy, so that no step compiles anything for another one.
    """
    import numpy as np

    rng = np.random.default_rng(0)
    true = np.arange(n) % k
    logits = rng.normal(size=(n, k)) + 2.5 * np.eye(k)[true]
    pred_probs = np.exp(logits)
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    labels = true.copy()
    flip = rng.random(n) < 0.2
    labels[flip] = rng.integers(0, k, int(flip.sum()))
    argmax = pred_probs.argmax(axis=1)
    joint = np.zeros((k, k), dtype=np.int64)
    np.add.at(joint, (labels, argmax), 1)
    noise_matrix = np.full((k, k), 0.2 / (k - 1))
    np.fill_diagonal(noise_matrix, 0.8)
    return {
        "labels": labels,
        "pred_probs": pred_probs,
        "pred_probs32": pred_probs.astype(np.float32),
        "confident_joint": joint,
        "mask": labels != argmax,
        "scores": pred_probs[np.arange(n), labels],
        "X": logits[:, : min(k, 5)] + rng.normal(size=(n, min(k, 5))),
        "noise_matrix": noise_matrix,
        "py": np.bincount(true, minlength=k) / n,
        "k": k,
        # every third example has one class, the others also the next one
        "multilabel": [
            [int(label)] if i % 3 == 0 else [int(label), int(label + 1) % k]
            for i, label in enumerate(labels)
        ],
        "multilabel_pred_probs": 1 / (1 + np.exp(-logits)),
    }


def _steps():
    """name -> (label, function of the data) for every step a worker can run."""
    from cleannb import count, dataset, filter, noise_generation, rank

    def fli(**kw):
        return lambda d: filter.find_label_issues(d["labels"], d["pred_probs"], **kw)

    def lp(module, name, **kw):
        function = getattr(module, name)
        return lambda d: function(d["labels"], d["pred_probs"], **kw)

    cv = {"cv_n_folds": 2, "seed": 0}
    steps = {
        "thresholds": ("count.get_confident_thresholds", lp(count, "get_confident_thresholds")),
        "joint": ("count.compute_confident_joint", lp(count, "compute_confident_joint")),
        "filter": ("filter.find_label_issues", fli()),
        "float32": (
            "filter.find_label_issues, float32 (after float64)",
            lambda d: filter.find_label_issues(d["labels"], d["pred_probs32"]),
        ),
    }
    for filter_by in FURTHER_FILTERS:
        steps[f"filter_by={filter_by}"] = (
            f"find_label_issues(filter_by={filter_by!r})",
            fli(filter_by=filter_by),
        )
    other = {
        # count
        "count.calibrate_confident_joint": lambda d: count.calibrate_confident_joint(
            d["confident_joint"], d["labels"]
        ),
        "count.estimate_joint": lp(count, "estimate_joint"),
        "count.estimate_latent": lambda d: count.estimate_latent(d["confident_joint"], d["labels"]),
        "count.estimate_py_and_noise_matrices_from_probabilities": lp(
            count, "estimate_py_and_noise_matrices_from_probabilities"
        ),
        "count.num_label_issues": lp(count, "num_label_issues"),
        "count.estimate_cv_predicted_probabilities": lambda d: (
            count.estimate_cv_predicted_probabilities(d["X"], d["labels"], **cv)
        ),
        "count.estimate_confident_joint_and_cv_pred_proba": lambda d: (
            count.estimate_confident_joint_and_cv_pred_proba(d["X"], d["labels"], **cv)
        ),
        "count.estimate_noise_matrices": lambda d: count.estimate_noise_matrices(
            d["X"], d["labels"], **cv
        ),
        "count.estimate_py_noise_matrices_and_cv_pred_proba": lambda d: (
            count.estimate_py_noise_matrices_and_cv_pred_proba(d["X"], d["labels"], **cv)
        ),
        # filter
        "filter.find_predicted_neq_given": lp(filter, "find_predicted_neq_given"),
        "filter.find_label_issues_using_argmax_confusion_matrix": lp(
            filter, "find_label_issues_using_argmax_confusion_matrix"
        ),
        "filter.find_label_issues(return_indices_ranked_by='self_confidence')": fli(
            return_indices_ranked_by="self_confidence"
        ),
        # rank
        "rank.get_label_quality_scores": lp(rank, "get_label_quality_scores"),
        "rank.get_label_quality_scores(method='normalized_margin')": lp(
            rank, "get_label_quality_scores", method="normalized_margin"
        ),
        "rank.get_label_quality_scores(adjust_pred_probs=True)": lp(
            rank, "get_label_quality_scores", adjust_pred_probs=True
        ),
        "rank.get_self_confidence_for_each_label": lp(rank, "get_self_confidence_for_each_label"),
        "rank.get_normalized_margin_for_each_label": lp(
            rank, "get_normalized_margin_for_each_label"
        ),
        "rank.get_confidence_weighted_entropy_for_each_label": lp(
            rank, "get_confidence_weighted_entropy_for_each_label"
        ),
        "rank.order_label_issues": lambda d: rank.order_label_issues(
            d["mask"], d["labels"], d["pred_probs"]
        ),
        "rank.find_top_issues": lambda d: rank.find_top_issues(d["scores"]),
        "rank.get_label_quality_ensemble_scores": lambda d: rank.get_label_quality_ensemble_scores(
            d["labels"], [d["pred_probs"], d["pred_probs"][::-1].copy()], verbose=False
        ),
        # dataset (loads pandas)
        "dataset.rank_classes_by_label_quality": lp(dataset, "rank_classes_by_label_quality"),
        "dataset.find_overlapping_classes": lp(dataset, "find_overlapping_classes"),
        "dataset.overall_label_health_score": lp(
            dataset, "overall_label_health_score", verbose=False
        ),
        "dataset.health_summary": lp(dataset, "health_summary", verbose=False),
        # noise_generation (seed vocabulary)
        "noise_generation.noise_matrix_is_valid": lambda d: noise_generation.noise_matrix_is_valid(
            d["noise_matrix"], d["py"]
        ),
        "noise_generation.generate_noisy_labels": lambda d: noise_generation.generate_noisy_labels(
            d["labels"], d["noise_matrix"], seed=0
        ),
        "noise_generation.generate_noise_matrix_from_trace": lambda d: (
            noise_generation.generate_noise_matrix_from_trace(
                d["k"], 0.8 * d["k"], py=d["py"], frac_zero_noise_rates=0.5, seed=0
            )
        ),
        "noise_generation.generate_noise_matrix": lambda d: noise_generation.generate_noise_matrix(
            d["k"], max_noise_rate=0.5, seed=0
        ),
        "noise_generation.generate_n_rand_probabilities_that_sum_to_m": lambda d: (
            noise_generation.generate_n_rand_probabilities_that_sum_to_m(d["k"], 1.0, seed=0)
        ),
        "noise_generation.randomly_distribute_N_balls_into_K_bins": lambda d: (
            noise_generation.randomly_distribute_N_balls_into_K_bins(100, d["k"], seed=0)
        ),
        "noise_generation.confusion_matrix": lambda d: noise_generation.confusion_matrix(
            d["labels"], d["mask"].astype(int)
        ),
        "noise_generation.value_counts": lambda d: noise_generation.value_counts(d["labels"]),
    }
    other.update(_more_steps(cv))
    for name, function in other.items():
        steps[name] = (name, function)
    return steps


def _lazy(module, name):
    """``cleannb.<module>.<name>``, imported when called (so that its import is timed)."""

    def call(*args, **kwargs):
        import importlib

        return getattr(importlib.import_module(f"cleannb.{module}"), name)(*args, **kwargs)

    return call


def _more_steps(cv):
    """The seed vocabulary, the classifiers, multi-label and batched entry points."""
    get_noise_indices = _lazy("pruning", "get_noise_indices")
    multilabel = "multilabel_classification"
    return {
        "pruning.get_noise_indices": lambda d: get_noise_indices(d["labels"], d["pred_probs"]),
        "pruning.get_noise_indices(sorted_index_method='normalized_margin')": lambda d: (
            get_noise_indices(d["labels"], d["pred_probs"], sorted_index_method="normalized_margin")
        ),
        "latent_estimation.estimate_py_and_noise_matrices_from_probabilities": lambda d: _lazy(
            "latent_estimation", "estimate_py_and_noise_matrices_from_probabilities"
        )(d["labels"], d["pred_probs"]),
        "baseline_methods.baseline_argmax": lambda d: _lazy("baseline_methods", "baseline_argmax")(
            d["pred_probs"], d["labels"]
        ),
        "classification.LearningWithNoisyLabels.fit": lambda d: _lazy(
            "classification", "LearningWithNoisyLabels"
        )(seed=0, cv_n_folds=2).fit(d["X"], d["labels"]),
        "classification.CleanLearning.fit": lambda d: _lazy("classification", "CleanLearning")(
            **cv
        ).fit(d["X"], d["labels"]),
        "multilabel_classification.filter.find_label_issues": lambda d: _lazy(
            f"{multilabel}.filter", "find_label_issues"
        )(d["multilabel"], d["multilabel_pred_probs"]),
        "multilabel_classification.rank.get_label_quality_scores": lambda d: _lazy(
            f"{multilabel}.rank", "get_label_quality_scores"
        )(d["multilabel"], d["multilabel_pred_probs"]),
        "experimental.find_label_issues_batched": lambda d: _lazy(
            "experimental.label_issues_batched", "find_label_issues_batched"
        )(d["labels"], d["pred_probs"], verbose=False),
    }


def _other_step_names():
    """The steps of the other public functions, in order (keys of :func:`_steps`)."""
    return list(_OTHER_ORDER)


#: Listed here so that the parent process needs no import of cleannb.
_OTHER_ORDER = [
    "count.calibrate_confident_joint",
    "count.estimate_joint",
    "count.estimate_latent",
    "count.estimate_py_and_noise_matrices_from_probabilities",
    "count.num_label_issues",
    "count.estimate_cv_predicted_probabilities",
    "count.estimate_confident_joint_and_cv_pred_proba",
    "count.estimate_noise_matrices",
    "count.estimate_py_noise_matrices_and_cv_pred_proba",
    "filter.find_predicted_neq_given",
    "filter.find_label_issues_using_argmax_confusion_matrix",
    "filter.find_label_issues(return_indices_ranked_by='self_confidence')",
    "rank.get_label_quality_scores",
    "rank.get_label_quality_scores(method='normalized_margin')",
    "rank.get_label_quality_scores(adjust_pred_probs=True)",
    "rank.get_self_confidence_for_each_label",
    "rank.get_normalized_margin_for_each_label",
    "rank.get_confidence_weighted_entropy_for_each_label",
    "rank.order_label_issues",
    "rank.find_top_issues",
    "rank.get_label_quality_ensemble_scores",
    "dataset.rank_classes_by_label_quality",
    "dataset.find_overlapping_classes",
    "dataset.overall_label_health_score",
    "dataset.health_summary",
    "noise_generation.noise_matrix_is_valid",
    "noise_generation.generate_noisy_labels",
    "noise_generation.generate_noise_matrix_from_trace",
    "noise_generation.generate_noise_matrix",
    "noise_generation.generate_n_rand_probabilities_that_sum_to_m",
    "noise_generation.randomly_distribute_N_balls_into_K_bins",
    "noise_generation.confusion_matrix",
    "noise_generation.value_counts",
    "pruning.get_noise_indices",
    "pruning.get_noise_indices(sorted_index_method='normalized_margin')",
    "latent_estimation.estimate_py_and_noise_matrices_from_probabilities",
    "baseline_methods.baseline_argmax",
    "classification.LearningWithNoisyLabels.fit",
    "classification.CleanLearning.fit",
    "multilabel_classification.filter.find_label_issues",
    "multilabel_classification.rank.get_label_quality_scores",
    "experimental.find_label_issues_batched",
]


def _short_type(t):
    """A compact name of a Numba type: ``f8[2d,C]``, ``i8``, ``bool``."""
    from numba.core import types

    if isinstance(t, types.Array):
        flags = f"{t.ndim}d,{t.layout}" + (",ro" if not t.mutable else "")
        return f"{t.dtype}[{flags}]"
    return str(t)


def _kernel_table(buffer):
    """Compile events -> one record per compiled (kernel, signature), with its times."""
    stack, records = [], []
    for stamp, ev in buffer:
        if ev.is_start:
            stack.append([stamp, 0.0])
            continue
        begin, nested = stack.pop()
        seconds = stamp - begin
        if stack:
            stack[-1][1] += seconds
        dispatcher = ev.data["dispatcher"]
        function = dispatcher.py_func
        records.append(
            {
                "kernel": f"{function.__module__}.{function.__qualname__}",
                "args": ", ".join(_short_type(t) for t in ev.data["args"]),
                "incl": seconds,
                "self": seconds - nested,
                "top": not stack,
            }
        )
    return records


def worker(names, n, k):
    """Run the named steps in this process; print one JSON line of timings."""
    import warnings

    from numba.core import event

    out = {"steps": []}
    with event.install_recorder("numba:compile") as recorder:
        start = time.perf_counter()
        import numpy as np  # noqa: F401

        import cleannb.count  # noqa: F401
        import cleannb.filter  # noqa: F401
        import cleannb.rank  # noqa: F401

        out["import"] = time.perf_counter() - start
        data = _data(n, k)
        steps = _steps()
        for name in names:
            label, function = steps[name]
            before = len(recorder.buffer)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                function(data)
            seconds = time.perf_counter() - start
            records = _kernel_table(recorder.buffer[before:])
            out["steps"].append(
                {
                    "name": name,
                    "label": label,
                    "seconds": seconds,
                    "compiled": sum(1 for r in records if r["kernel"].startswith("cleannb.")),
                    "compile_seconds": sum(r["incl"] for r in records if r["top"]),
                }
            )
        out["kernels"] = _kernel_table(recorder.buffer)
    print("RESULT " + json.dumps(out))


# --------------------------------------------------------------- parent side
def _env(cache):
    """The environment of a measured process: this checkout's cleannb, the given cache."""
    path = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=path)
    env.pop("NUMBA_DISABLE_JIT", None)
    return env


def _run(argv, cache, what):
    start = time.perf_counter()
    proc = subprocess.run(
        argv, env=_env(cache), capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{what} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout


def _run_worker(names, cache, n, k):
    argv = [sys.executable, os.path.abspath(__file__), "--worker", *names, "--n", str(n)]
    argv += ["--k", str(k)]
    wall, stdout = _run(argv, cache, f"worker {names[:3]}")
    line = next(x for x in stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["wall"] = wall
    return result


class Table:
    """Rows of (what, cache, seconds, issue's 'now', target), printed as plain text."""

    def __init__(self):
        self.rows = []

    def add(self, what, cache, seconds, key=None, note=""):
        now, target = ISSUE.get(key, ("", ""))
        self.rows.append((what, cache, f"{seconds:.2f}", now, target, note))
        print(f"  [{len(self.rows):2d}] {what}: {seconds:.2f} s {note}", file=sys.stderr)

    def print(self):
        header = ("what", "cache", "seconds", "issue: before", "target", "note")
        widths = [max(len(str(r[i])) for r in [header, *self.rows]) for i in range(len(header))]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        print(line.format(*header).rstrip())
        print("  ".join("-" * w for w in widths))
        for row in self.rows:
            print(line.format(*row).rstrip())


def _step_rows(table, result, names, key, cache="empty"):
    by_name = {s["name"]: s for s in result["steps"]}
    for name in names:
        step = by_name[name]
        note = f"{step['compiled']} kernels compiled ({step['compile_seconds']:.2f} s)"
        table.add(step["label"], cache, step["seconds"], key, note)


def _import_times(cache, repeat=5):
    code = "import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)"
    times = {}
    for label, modules in (("import numba (reference)", "numba"), (f"import {IMPORT}", IMPORT)):
        runs = [
            float(_run([sys.executable, "-c", code.format(m=modules)], cache, label)[1])
            for _ in range(repeat)
        ]
        times[label] = (statistics.median(runs), min(runs), max(runs))
    return times


def _kernel_lines(records, top):
    kernels = [r for r in records if r["kernel"].startswith("cleannb.")]
    kernels.sort(key=lambda r: -r["incl"])
    total = sum(r["incl"] for r in records if r["top"])
    lines = [
        f"Kernel compile times (one process, empty cache; {len(kernels)} cleannb kernel "
        f"signatures compiled, {total:.1f} s of compile events in all):",
    ]
    name_w = max([len(r["kernel"]) for r in kernels[:top]] + [6])
    lines.append(f"  {'kernel':<{name_w}}  {'incl. s':>7}  {'self s':>6}  argument types")
    for r in kernels[:top]:
        args = r["args"] if len(r["args"]) <= 90 else r["args"][:87] + "..."
        name = r["kernel"].removeprefix("cleannb._kernels.")
        lines.append(f"  {name:<{name_w}}  {r['incl']:7.2f}  {r['self']:6.2f}  {args}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows (see the docstring)")
    parser.add_argument(
        "--isolated",
        action="store_true",
        help="time each other public function in its own fresh process and empty cache",
    )
    parser.add_argument("--n", type=int, default=2000, help="rows of the small input")
    parser.add_argument("--k", type=int, default=10, help="classes of the small input")
    parser.add_argument("--top", type=int, default=15, help="kernels listed by compile time")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.n, args.k)
        return

    import numba

    print(
        f"cleannb cold start: Python {sys.version.split()[0]}, numba {numba.__version__}, "
        f"{os.cpu_count()} CPUs, NUMBA_NUM_THREADS={numba.config.NUMBA_NUM_THREADS}; "
        f"small input {args.n} x {args.k}; each row a fresh process.",
        flush=True,
    )
    root = tempfile.mkdtemp(prefix="cleannb-cold-start-")
    table = Table()
    try:

        def fresh(name):
            path = os.path.join(root, name)
            os.makedirs(path)
            return path

        if not args.quick:
            cache = fresh("demo")
            demo = [sys.executable, "-m", "cleannb", "demo", "--quiet"]
            table.add("cleannb demo", "empty", _run(demo, cache, "demo")[0], "demo_empty")
            table.add("cleannb demo", "full", _run(demo, cache, "demo")[0], "demo_full")

        cache = fresh("sequence")
        further = FURTHER_FILTERS[:1] if args.quick else FURTHER_FILTERS
        first = ["thresholds", "joint", "filter"]
        names = first + ["float32"] + [f"filter_by={f}" for f in further]
        others = [] if args.quick or args.isolated else _other_step_names()
        result = _run_worker(names + others, cache, args.n, args.k)
        steps = {s["name"]: s for s in result["steps"]}
        total = sum(steps[name]["seconds"] for name in first)
        compiled = sum(steps[name]["compiled"] for name in first)
        table.add(
            "first find_label_issues = thresholds + joint + filter",
            "empty",
            total,
            "first_fli",
            f"{compiled} kernels compiled",
        )
        _step_rows(table, result, first, None)
        _step_rows(table, result, ["float32"], "further")
        _step_rows(table, result, [f"filter_by={f}" for f in further], "further")

        warm = _run_worker(["filter"], cache, args.n, args.k)
        step = warm["steps"][0]
        table.add(
            "first find_label_issues, fresh process",
            "full",
            step["seconds"],
            note=f"{step['compiled']} kernels compiled; process wall {warm['wall']:.2f} s",
        )
        for label, (median, low, high) in _import_times(cache).items():
            key = "import" if label != "import numba (reference)" else None
            table.add(label, "full", median, key, f"median of 5 ({low:.2f}-{high:.2f})")

        if others:
            _step_rows(table, result, others, "other")
        elif args.isolated:
            for name in _other_step_names():
                solo = _run_worker([name], fresh(f"solo{len(table.rows)}"), args.n, args.k)
                _step_rows(table, solo, [name], "other")

        if not args.quick:
            cache = fresh("warmup")
            argv = [sys.executable, "-m", "cleannb", "warmup", "--dtypes", "float64"]
            seconds, _ = _run(argv, cache, "cleannb warmup")
            table.add("cleannb warmup --dtypes float64 (process)", "empty", seconds)
            after = _run_worker(["filter"], cache, args.n, args.k)
            step = after["steps"][0]
            table.add(
                "first find_label_issues after the warm-up",
                "warmed",
                step["seconds"],
                note=f"{step['compiled']} kernels compiled",
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print()
    table.print()
    print()
    print("\n".join(_kernel_lines(result["kernels"], args.top)))


if __name__ == "__main__":
    main()
