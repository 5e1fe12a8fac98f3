"""Speed as multiples of one read of ``pred_probs``: a benchmark that cannot drift.

Usage (from the repository root)::

    python benchmarks/ratios.py                  # default matrix (24 data models): the ratios
    python benchmarks/ratios.py --quick          # one data model per shape and dtype (8)
    python benchmarks/ratios.py --compare        # time, then name every entry > 20 % worse
                                                 # than benchmarks/baseline.json (exit status 1)
    python benchmarks/ratios.py --markdown       # the README table, from baseline.json (no timing)
    python benchmarks/ratios.py --markdown --all # every ratio, one table per shape and dtype

A faster check of one stage: ``--compare --only 100000x1000/float32 --items
kernel.select`` (time only what is named; the rest of the baseline is not
compared). Timings on a loaded machine are noisy: compare on a quiet one, or
read a flagged entry's ``ratio_range`` in the ``--out`` file.

Other options: ``--large`` adds the ImageNet shape (1,281,167 x 1,000; 5.1 GB
in float32, about 12 GB free needed), ``--full`` every noise x strength x dtype
at every shape, ``--cleanlab`` adds cleanlab 2.9's ``find_label_issues``
(shapes up to 10^7 values unless ``--large``), ``--only TEXT`` keeps the data
models whose name contains TEXT, ``--items TEXT`` the entries whose name does,
``--repeat R`` rounds (default 5), ``--out FILE`` writes the results as JSON,
``--results FILE`` compares (or prints) a results file instead of timing,
``--baseline FILE`` the file to compare with, ``--tolerance 0.2``.
Record a new baseline with ``--out benchmarks/baseline.json``.

What is timed. Each data model (:func:`make_data`, seeded by its name) is a
matrix of labels and ``pred_probs``; for it, every entry (:func:`entries`) is
a pipeline stage called as ``cleannb._core.pipeline`` calls it (``kernel.*``) or a
public call (``filter.*``, ``count.*``, ``rank.*``, ``dataset.*``, and
``cleanlab.*``). The stages, for the default ``prune_by_noise_rate``:
``thresholds`` (the gather and per-class numpy means), ``row_pass`` (argmax, confident
class, kept values), ``pair_counts`` (the confident joint), ``select_*`` (the
rows pruned per cell, by noise rate or by class), ``label_check`` (the 1e-6
head start on the flagged rows), ``scores_*`` (the scores kernel) and
``smallest`` (the ``low_*`` rules' selection). The floor is the fastest single
read of the array: a Numba kernel over float32 lanes (a vectorised sum, for
float32 data) or int32 lanes (a vectorised max), on all threads or, under 64
MiB, on one if that is faster (waking the thread pool can cost more than
reading a small array), best of three. Each entry is run once
to warm it (compilation, caches), then in every round the floor is taken right
before the entry and the ratio entry / floor recorded, so that load on the
machine hits both; the reported ratio is the median over rounds. Entries
faster than ``MIN_BATCH_SECONDS`` are timed in batches (as ``timeit`` does),
the floor too, and entries whose batch is short count the best of
``INNER_BATCHES`` batches in each round (the floor always does).

``--compare`` re-times, once, every entry it finds worse before naming it,
and reports entries missing from either side (e.g. an internal renamed)
without failing on them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
from numba import get_num_threads, njit, prange

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
TOLERANCE = 0.2
MIN_BATCH_SECONDS = 0.01
FLOOR_READS = 3
#: Entries whose batch takes less than INNER_MAX_SECONDS count the best of
#: INNER_BATCHES batches in each round (a time slice lost to another process
#: would otherwise dominate them).
INNER_BATCHES = 3
INNER_MAX_SECONDS = 0.1

DATA_MODEL = (
    "Labels: true classes uniform over K; 20 % of rows get a noisy label. Noise 'uniform': "
    "the noisy label is uniform among all K classes (so it may equal the true one); "
    "'neighbour': uniform among the next m classes (mod K), m in 2-5 drawn per class; "
    "'sparse': a sparse noise matrix, half the classes (rounded down) flipping 40 % of "
    "their rows to one or two fixed other classes, the others clean. pred_probs: softmax "
    "of 2 * standard normal logits plus a boost on the true class, the boost chosen so "
    "that argmax = true class in the fraction of rows the strength names (s20, s60, s90: "
    "20, 60, 90 %); computed in float32 and rounded to the dtype. Seeded by the data "
    "model's name (the float16 data is the float32 data rounded)."
)

NOISES = ("uniform", "neighbour", "sparse")
STRENGTHS = (0.2, 0.6, 0.9)
SHAPES = ((10_000, 10), (1_000_000, 10), (100_000, 100), (100_000, 1000))
LARGE_SHAPE = (1_281_167, 1000)
NOISE_RATE = 0.2

FILTER_BYS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
RANK_METHODS = (
    ("self_confidence", False),
    ("normalized_margin", False),
    ("confidence_weighted_entropy", False),
    ("self_confidence", True),
    ("normalized_margin", True),
)


# ---------------------------------------------------------------- data models


def model_name(n, k, dtype, noise, strength):
    return f"{n}x{k}/{np.dtype(dtype).name}/{noise}/s{round(strength * 100)}"


def parse_name(name):
    shape, dtype, noise, strength = name.split("/")
    n, k = (int(v) for v in shape.split("x"))
    return n, k, dtype, noise, int(strength[1:]) / 100


def default_matrix(full=False, quick=False, large=False):
    """Names of the data models to time.

    Default, at every shape: float32 with uniform noise at every strength and
    the other noises at 60 %, and float16 with uniform noise at 60 %. ``quick``:
    uniform noise at 60 % in each dtype. ``full``: every noise x strength x
    dtype. ``large`` adds the ImageNet shape (uniform noise at 60 %, float32
    and float16).
    """
    names = []
    for n, k in SHAPES:
        for dtype in ("float32", "float16"):
            for noise in NOISES:
                for strength in STRENGTHS:
                    mid = noise == "uniform" and strength == 0.6
                    if quick:
                        keep = mid
                    elif full:
                        keep = True
                    elif dtype == "float32":
                        keep = noise == "uniform" or strength == 0.6
                    else:
                        keep = mid
                    if keep:
                        names.append(model_name(n, k, dtype, noise, strength))
    if large:
        n, k = LARGE_SHAPE
        names += [model_name(n, k, dt, "uniform", 0.6) for dt in ("float32", "float16")]
    return names


def _seed(*parts):
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def noisy_labels(true, k, noise, rng):
    """The given labels: ``NOISE_RATE`` of the rows relabelled by the noise model."""
    n = len(true)
    given = true.copy()
    if noise == "sparse":
        noisy_class = np.zeros(k, dtype=bool)
        noisy_class[rng.permutation(k)[: k // 2]] = True
        dest = np.stack([(np.arange(k) + rng.integers(1, k, k)) % k for _ in range(2)], axis=1)
        two = rng.random(k) < 0.5
        flip = noisy_class[true] & (rng.random(n) < 2 * NOISE_RATE)
        pick = np.where(two[true] & (rng.random(n) < 0.5), 1, 0)
        given[flip] = dest[true[flip], pick[flip]]
        return given
    flip = rng.random(n) < NOISE_RATE
    if noise == "uniform":
        given[flip] = rng.integers(0, k, int(flip.sum()))
    elif noise == "neighbour":
        width = rng.integers(2, 6, k)
        step = 1 + (rng.random(n) * width[true]).astype(np.int64)
        given[flip] = (true[flip] + step[flip]) % k
    else:
        raise ValueError(f"unknown noise {noise!r}")
    return given


def true_class_boost(k, strength, sample=20_000):
    """Boost of the true class's logit for argmax = true class in ``strength`` of rows."""
    rng = np.random.default_rng(_seed("boost", k))
    logits = 2 * rng.standard_normal((sample, k), dtype=np.float32)
    other = logits[:, 1:].max(axis=1) if k > 1 else np.full(sample, -np.inf)
    return float(np.quantile(other - logits[:, 0], strength))


def make_data(name, chunk=1 << 16):
    """Labels (int64), ``pred_probs`` and true classes of one data model (see ``DATA_MODEL``)."""
    n, k, dtype, noise, strength = parse_name(name)
    rng = np.random.default_rng(_seed(n, k, noise, strength))
    true = rng.integers(0, k, n)
    labels = noisy_labels(true, k, noise, rng)
    boost = np.float32(true_class_boost(k, strength))
    pred_probs = np.empty((n, k), dtype=dtype)
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        logits = rng.standard_normal((hi - lo, k), dtype=np.float32)
        logits *= 2
        logits[np.arange(hi - lo), true[lo:hi]] += boost
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        pred_probs[lo:hi] = logits
    return labels, pred_probs, true


# ---------------------------------------------------------------- the floor


# Each part loops over its own slice from index 0: a loop from ``p * step``
# indexes ``flat`` with a value Numba cannot prove non-negative, so every load
# carries the negative-index wrap-around and the loop does not vectorise (it
# read at half the speed: 58 ms instead of 24 ms at 10^5 x 1,000 float32).


def _sum_float32(flat, parts):
    n = flat.shape[0]
    step = (n + parts - 1) // parts
    partial = np.zeros(parts, dtype=np.float32)
    for p in prange(parts):
        part = flat[p * step : min(n, (p + 1) * step)]
        total = np.float32(0.0)
        for i in range(part.shape[0]):
            total += part[i]
        partial[p] = total
    return partial.sum()


def _max_int32(flat, parts):
    n = flat.shape[0]
    step = (n + parts - 1) // parts
    partial = np.zeros(parts, dtype=np.int32)
    for p in prange(parts):
        part = flat[p * step : min(n, (p + 1) * step)]
        best = np.int32(-(2**31))
        for i in range(part.shape[0]):
            best = max(best, part[i])
        partial[p] = best
    return partial.max()


#: (name, kernel, lanes): the parallel readers, and the serial ones for arrays
#: under SERIAL_FLOOR_MAX_BYTES (waking the thread pool can cost more than
#: reading a small array, above all on a loaded machine).
READERS = (
    ("int32 max", njit(parallel=True, nogil=True)(_max_int32), np.int32, True),
    ("float32 sum", njit(parallel=True, fastmath=True, nogil=True)(_sum_float32), np.float32, True),
    ("serial int32 max", njit(nogil=True)(_max_int32), np.int32, False),
    ("serial float32 sum", njit(fastmath=True, nogil=True)(_sum_float32), np.float32, False),
)
SERIAL_FLOOR_MAX_BYTES = 64 << 20


class Floor:
    """The fastest single read of an array: float32-sum or int32-max lanes (vectorised).

    In parallel on all threads and, for arrays under
    :data:`SERIAL_FLOOR_MAX_BYTES`, also on one thread; float32 sums only for
    float32 data (other bit patterns could hold NaNs or subnormals).
    :meth:`seconds` is the best of :data:`FLOOR_READS` (batched) reads of
    every reader, each time: a reader picked once, on a loaded machine, can be
    the slower one for the whole run.
    """

    def __init__(self, array):
        raw = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
        raw = raw[: len(raw) // 4 * 4]
        parts = 8 * get_num_threads()
        self.readers = []
        for name, fn, lanes, parallel in READERS:
            if lanes == np.float32 and array.dtype != np.float32:
                continue
            if not parallel and raw.nbytes >= SERIAL_FLOOR_MAX_BYTES:
                continue
            flat = raw.view(lanes)
            fn(flat[:64], parts)  # compile
            read = _bind(fn, flat, parts)
            number = _autorange(read)[0]
            self.readers.append((name, read, number))
        self.kind = "?"

    def seconds(self):
        """The fastest read now (and :attr:`kind`, the reader that made it)."""
        best = [_best_batch(read, number, FLOOR_READS) for _, read, number in self.readers]
        self.kind = self.readers[int(np.argmin(best))][0]
        return min(best)


def _bind(fn, *args):
    return lambda: fn(*args)


def _batch_seconds(call, number):
    """Seconds per call of ``number`` calls in a row."""
    start = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - start) / number


def _autorange(call):
    """Calls a batch needs to last :data:`MIN_BATCH_SECONDS` (1 for slow calls), its seconds."""
    number = 1
    while True:
        took = _batch_seconds(call, number) * number
        if took >= MIN_BATCH_SECONDS or number >= 10_000:
            return number, took
        number *= 2 if number > 1 else 5


def _best_batch(call, number, batches):
    """Seconds per call: the best of ``batches`` batches of ``number`` calls."""
    return min(_batch_seconds(call, number) for _ in range(batches))


# ---------------------------------------------------------------- what is timed


def _stages(labels, pred_probs):
    """The pipeline's stages for the default ``prune_by_noise_rate``, called as ``_pipeline`` does.

    Returns (name, thunk) pairs; the inputs of each stage are computed once here,
    outside the timing.
    """
    from cleannb._core import calibration as _calibration
    from cleannb._core import confident as _confident
    from cleannb._core import pipeline as _pipeline
    from cleannb._core import prune as _prune
    from cleannb._core import scores as _scores
    from cleannb._core.constants import FLOATING_POINT_COMPARISON

    k = pred_probs.shape[1]
    label_counts = np.bincount(labels, minlength=k)
    thresholds = _pipeline.confident_thresholds(labels, pred_probs)
    limits = thresholds - FLOATING_POINT_COMPARISON
    keep = _confident.worth_keeping_values(pred_probs)
    rows = _confident.row_pass(pred_probs, labels, limits, keep_values=keep)
    raw = _confident.confident_counts(labels, rows.guess, k, min_diagonal=1)
    by_given = _prune.prune_counts(
        _calibration.calibrate_sparse(raw, label_counts), label_counts, 1, 1.0, None
    )
    prunable = label_counts > 1

    def select(by_class):
        return _prune.select(
            pred_probs,
            labels,
            label_counts,
            by_given,
            prunable,
            by_class=by_class,
            by_noise_rate=not by_class,
            own=rows.own,
            row_max=rows.row_max,
            chunk_max=rows.chunk_max,
        )

    flagged = np.flatnonzero(select(False)[1])
    code = {name: _scores.METHODS[name] for name in ("self_confidence", "normalized_margin")}
    scores = _scores.score_all(labels, pred_probs, code["self_confidence"], False)
    count = len(flagged)
    return [
        ("kernel.thresholds", lambda: _confident.self_confidence_means(pred_probs, labels, k)),
        (
            "kernel.row_pass",
            lambda: _confident.row_pass(pred_probs, labels, limits, keep_values=keep),
        ),
        ("kernel.pair_counts", lambda: _confident.confident_counts(labels, rows.guess, k, 1)),
        ("kernel.select_noise_rate", lambda: select(False)),
        ("kernel.select_class", lambda: select(True)),
        (
            "kernel.label_check",
            lambda: _confident.label_is_predicted(
                pred_probs, labels, rows.argmax, flagged, rows.own, rows.row_max
            ),
        ),
        (
            "kernel.scores_self_confidence",
            lambda: _scores.score_all(labels, pred_probs, code["self_confidence"], False),
        ),
        (
            "kernel.scores_normalized_margin",
            lambda: _scores.score_all(labels, pred_probs, code["normalized_margin"], False),
        ),
        ("kernel.smallest", lambda: _prune.smallest(scores, count)),
    ]


def _public_calls(labels, pred_probs):
    import cleannb
    from cleannb import count, dataset, filter, rank

    def find(filter_by, ties):
        def call():
            with cleannb.tie_order(ties):
                return filter.find_label_issues(labels, pred_probs, filter_by=filter_by)

        return call

    calls = [(f"filter.{fb}", find(fb, "numpy")) for fb in FILTER_BYS]
    calls += [(f"filter.{fb}[index]", find(fb, "index")) for fb in FILTER_BYS]
    calls.append(
        ("count.compute_confident_joint", lambda: count.compute_confident_joint(labels, pred_probs))
    )
    for method, adjust in RANK_METHODS:
        calls.append(
            (
                f"rank.{method}" + ("[adjusted]" if adjust else ""),
                _bind_scores(rank, labels, pred_probs, method, adjust),
            )
        )
    calls.append(
        (
            "dataset.health_summary",
            lambda: dataset.health_summary(labels, pred_probs, verbose=False),
        )
    )
    return calls


def _bind_scores(rank, labels, pred_probs, method, adjust):
    return lambda: rank.get_label_quality_scores(
        labels, pred_probs, method=method, adjust_pred_probs=adjust
    )


def _cleanlab_call(labels, pred_probs):
    from cleanlab.filter import find_label_issues

    return [("cleanlab.find_label_issues", lambda: find_label_issues(labels, pred_probs))]


def entries(labels, pred_probs, cleanlab=False):
    """(name, thunk) of every timed entry; an entry whose set-up fails is (name, error text)."""
    out = []
    for group in (_stages, _public_calls) + ((_cleanlab_call,) if cleanlab else ()):
        try:
            out += group(labels, pred_probs)
        except Exception as error:  # an internal renamed: report, time the rest
            out.append((group.__name__, f"{type(error).__name__}: {error}"))
    return out


# ---------------------------------------------------------------- timing


def time_model(name, repeat, cleanlab=False, select=None, log=print):
    """Ratios to the floor of every entry on the data model ``name`` (a JSON-ready dict)."""
    n, k, dtype, noise, strength = parse_name(name)
    start = time.perf_counter()
    labels, pred_probs, true = make_data(name)
    argmax = pred_probs.argmax(axis=1)
    result = {
        "n": n,
        "k": k,
        "dtype": dtype,
        "noise": noise,
        "strength": strength,
        "argmax_is_true": round(float(np.mean(argmax == true)), 4),
        "argmax_is_label": round(float(np.mean(argmax == labels)), 4),
        "label_is_true": round(float(np.mean(labels == true)), 4),
    }
    log(
        f"{name}: argmax = true class in {result['argmax_is_true']:.1%} of rows, "
        f"= given label in {result['argmax_is_label']:.1%}, label = true in "
        f"{result['label_is_true']:.1%} (data {time.perf_counter() - start:.1f} s)"
    )
    floor = Floor(pred_probs)
    kinds = {}
    todo, missing = [], {}
    for item, thunk in entries(labels, pred_probs, cleanlab):
        if select and not any(s in item for s in select):
            continue
        if isinstance(thunk, str):
            missing[item] = thunk
            continue
        try:
            thunk()  # warm: compilation, caches
        except Exception as error:
            missing[item] = f"{type(error).__name__}: {error}"
            continue
        number, took = _autorange(thunk)
        todo.append((item, thunk, number, INNER_BATCHES if took < INNER_MAX_SECONDS else 1))
    ratios = {item: [] for item, *_ in todo}
    seconds = {item: [] for item, *_ in todo}
    floors = []
    for _ in range(repeat):
        for item, thunk, number, batches in todo:
            base = floor.seconds()
            kinds[floor.kind] = kinds.get(floor.kind, 0) + 1
            took = _best_batch(thunk, number, batches)
            floors.append(base)
            ratios[item].append(took / base)
            seconds[item].append(took)
    result["load_average"] = round(os.getloadavg()[0], 1)
    result["floor_seconds"] = min(floors) if floors else floor.seconds()
    result["floor_kind"] = max(kinds, key=kinds.get) if kinds else floor.kind
    result["items"] = {
        item: {
            "ratio": round(statistics.median(ratios[item]), 3),
            "seconds": float(f"{statistics.median(seconds[item]):.4g}"),
            "rounds": len(ratios[item]),
            "ratio_range": [round(min(ratios[item]), 3), round(max(ratios[item]), 3)],
        }
        for item, *_ in todo
    }
    if missing:
        result["missing"] = missing
    log(
        f"  floor {result['floor_seconds'] * 1e3:.3g} ms ({result['floor_kind']}); "
        + ", ".join(f"{item} {v['ratio']:.3g}" for item, v in result["items"].items())
        + f" ({time.perf_counter() - start:.0f} s)"
    )
    for item, error in missing.items():
        log(f"  missing {item}: {error}")
    return result


def _git(*args, cwd):
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _threading_layer():
    import numba

    READERS[0][1](np.zeros(64, dtype=np.int32), 2)  # a parallel region starts the layer
    try:
        return numba.threading_layer()
    except ValueError:
        return numba.config.THREADING_LAYER


def environment():
    """The machine, the versions and the code that were timed."""
    import numba

    import cleannb

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    source = Path(cleannb.__file__).resolve().parent
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "cleannb": getattr(cleannb, "__version__", None),
        "cleannb_commit": _git("rev-parse", "--short", "HEAD", cwd=source),
        "cleannb_path": str(source),
        # uncommitted changes under cleannb/ when timed (None: not a git checkout)
        "cleannb_modified": _git("status", "--porcelain", "--", ".", cwd=source),
    }
    try:
        import cleanlab

        versions["cleanlab"] = cleanlab.__version__
    except ImportError:
        pass
    return {
        "machine": {
            "cpu": cpu,
            "cores": os.cpu_count(),
            "numba_threads": numba.get_num_threads(),
            "threading_layer": _threading_layer(),
            "platform": platform.platform(),
        },
        "versions": versions,
    }


def run(names, repeat, cleanlab=False, select=None, log=print, out=None):
    """Time every data model of ``names``: the results as a JSON-ready dict.

    With ``out`` (a path), the results so far are written there after each data model.
    """
    results = {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        **environment(),
        "data_model": DATA_MODEL,
        "floor": (
            "fastest single read: Numba float32-sum or int32-max lanes, parallel (and serial "
            "under 64 MiB), best of 3"
        ),
        "ratio": f"median over {repeat} rounds of (entry seconds) / (floor taken just before)",
        "models": {},
    }
    for name in names:
        n, k = parse_name(name)[:2]
        with_cleanlab = cleanlab and (n * k <= 10**7 or cleanlab == "all")
        results["models"][name] = time_model(name, repeat, with_cleanlab, select, log)
        if out is not None:
            out.write_text(json.dumps(results, indent=1) + "\n")
    return results


# ---------------------------------------------------------------- compare, markdown


def compare(baseline, results, tolerance=TOLERANCE):
    """Entries of ``results`` worse than ``baseline`` by more than ``tolerance``.

    Returns ``(worse, missing)``: ``worse`` lists ``(model, item, base, now)``
    with ``now > base * (1 + tolerance)``; ``missing`` lists ``(model, item,
    side)`` for entries of a data model present in both that only one side has.
    Data models in only one file are ignored (a smaller matrix was timed).
    """
    worse, missing = [], []
    for model, now in results["models"].items():
        base = baseline["models"].get(model)
        if base is None:
            continue
        for item in sorted(set(base["items"]) | set(now["items"])):
            if item not in now["items"]:
                missing.append((model, item, "results"))
            elif item not in base["items"]:
                missing.append((model, item, "baseline"))
            else:
                old, new = base["items"][item]["ratio"], now["items"][item]["ratio"]
                if new > old * (1 + tolerance):
                    worse.append((model, item, old, new))
    return worse, missing


def report(worse, missing, tolerance=TOLERANCE):
    lines = []
    for model, item, old, new in worse:
        lines.append(
            f"WORSE {model} {item}: ratio {old:.3g} -> {new:.3g} "
            f"(+{new / old - 1:.0%}, more than {tolerance:.0%})"
        )
    for model, item, side in missing:
        lines.append(f"missing {model} {item}: not in the {side}")
    if not worse:
        lines.append(f"no entry more than {tolerance:.0%} worse than the baseline")
    return "\n".join(lines)


SUMMARY_COLUMNS = (
    ("find_label_issues", "filter.prune_by_noise_rate"),
    ("by class", "filter.prune_by_class"),
    ("both", "filter.both"),
    ("low_self_confidence", "filter.low_self_confidence"),
    ("compute_confident_joint", "count.compute_confident_joint"),
    ("rank (self_confidence)", "rank.self_confidence"),
    ("cleanlab 2.9", "cleanlab.find_label_issues"),
)


def _shape(model):
    return f"{model['n']:,} x {model['k']:,}"


def _ratio(model, item):
    entry = model["items"].get(item)
    if not entry:
        return "-"
    return f"{entry['ratio']:.0f}" if entry["ratio"] >= 100 else f"{entry['ratio']:.3g}"


def markdown(results, every=False, brief=False):
    """The README table (or, with ``every``, one table of every entry per shape and dtype).

    ``brief``: one line on the machine and the method instead of the full
    description of the floor and the data model (for the README, which links
    to the performance guide for them).
    """
    env = results["machine"]
    versions = results["versions"]
    machine = (
        f"Machine: {env['cpu']}, {env['cores']} cores, {env['numba_threads']} Numba threads; "
        f"cleannb {versions.get('cleannb')} ({versions.get('cleannb_commit')}), "
        f"numpy {versions['numpy']}, numba {versions['numba']}."
    )
    if brief:
        lines = [
            "Times as multiples of one read of `pred_probs` (the floor: the fastest "
            "vectorised parallel read); medians over rounds, labels 20 % noisy, "
            "model strength by argmax accuracy (the data model and method: "
            f"[performance](docs/guides/performance.md)). {machine}",
            "",
        ]
    else:
        lines = [
            f"Times as multiples of one read of `pred_probs` (the floor: {results['floor']}); "
            f"{results['ratio']}. {machine} Generated by `benchmarks/ratios.py --markdown`.",
            "",
            f"Data model: {results['data_model']}",
            "",
        ]
    models = results["models"]
    if not every:
        columns = [
            (title, item)
            for title, item in SUMMARY_COLUMNS
            if any(item in m["items"] for m in models.values())
        ]
        head = ["shape", "dtype", "noise", "argmax = true / label", "floor (ms)"]
        head += [title for title, _ in columns]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for model in models.values():
            cells = [
                _shape(model),
                model["dtype"],
                model["noise"],
                f"{model['argmax_is_true']:.0%} / {model['argmax_is_label']:.0%}",
                f"{model['floor_seconds'] * 1e3:.3g}",
            ]
            cells += [_ratio(model, item) for _, item in columns]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)
    groups = {}
    for name, model in models.items():
        groups.setdefault((_shape(model), model["dtype"]), []).append((name, model))
    for (shape, dtype), group in groups.items():
        items = []
        for _, model in group:
            items += [item for item in model["items"] if item not in items]
        head = ["entry"] + [f"{m['noise']} {m['argmax_is_true']:.0%}" for _, m in group]
        lines += [
            f"**{shape}, {dtype}** (floor, ms: "
            + ", ".join(f"{m['floor_seconds'] * 1e3:.3g}" for _, m in group)
            + ")",
            "",
        ]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for item in items:
            lines.append(
                "| " + " | ".join([f"`{item}`"] + [_ratio(m, item) for _, m in group]) + " |"
            )
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- command line


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one data model per shape and dtype")
    parser.add_argument("--full", action="store_true", help="every data model at every shape")
    parser.add_argument("--large", action="store_true", help="add the ImageNet shape")
    parser.add_argument("--cleanlab", action="store_true", help="also time cleanlab 2.9")
    parser.add_argument("--only", action="append", help="data models whose name contains this")
    parser.add_argument("--items", action="append", help="entries whose name contains this")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--out", type=Path, help="write the results (JSON) here")
    parser.add_argument("--results", type=Path, help="use this results file instead of timing")
    parser.add_argument("--compare", action="store_true", help="compare with the baseline")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--markdown", action="store_true", help="print the table (no timing)")
    parser.add_argument("--all", action="store_true", help="with --markdown: every entry")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.markdown and not args.compare:
        print(markdown(json.loads((args.results or args.baseline).read_text()), args.all))
        return 0
    baseline = json.loads(args.baseline.read_text()) if args.compare else None
    if args.results is not None:
        results = json.loads(args.results.read_text())
    else:
        names = default_matrix(args.full, args.quick, args.large)
        if args.only:
            names = [n for n in names if any(s in n for s in args.only)]
        if baseline is not None:
            names = [n for n in names if n in baseline["models"]]
        results = run(names, args.repeat, args.cleanlab, args.items, out=args.out)
    if baseline is None:
        return 0
    if args.items:  # compare only the entries asked for
        for model in baseline["models"].values():
            model["items"] = {
                item: v for item, v in model["items"].items() if any(s in item for s in args.items)
            }
    worse, missing = compare(baseline, results, args.tolerance)
    if worse and args.results is None:  # a second chance: noise on a shared machine
        print(f"re-timing {len(worse)} entries found worse")
        for model in sorted({w[0] for w in worse}):
            items = [w[1] for w in worse if w[0] == model]
            again = time_model(model, args.repeat, "cleanlab" in str(items), items, print)
            for item in items:
                results["models"][model]["items"][item] = min(
                    results["models"][model]["items"][item],
                    again["items"].get(item, {"ratio": np.inf}),
                    key=lambda entry: entry["ratio"],
                )
        worse, missing = compare(baseline, results, args.tolerance)
        if args.out:
            args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(report(worse, missing, args.tolerance))
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
