"""Generate golden fixtures from cleanlab 0.1.0 for cleannb's tests.

This script only *calls* cleanlab 0.1.0; it must NOT be run in cleannb's own
environment. It needs cleanlab==0.1.0 and scikit-learn<1.8 (0.1.0 evaluates
``LogisticRegression(multi_class='auto')`` at import time, which 1.8 rejects),
so use a scratch venv outside the repo::

    python3 -m venv /tmp/v010
    /tmp/v010/bin/pip install cleanlab==0.1.0 "scikit-learn<1.8" numpy scipy tqdm
    /tmp/v010/bin/python tests/golden/make_golden_v010.py

It writes four compressed ``.npz`` files next to itself (see README.md in this
folder for the key scheme). All input data come from
``np.random.default_rng(seed)``; cleanlab's noise generation reseeds the legacy
global ``np.random`` itself, which is fine here. Every file loads with
``np.load(path, allow_pickle=False)``.

Ties are part of the cases, never filtered out: equal counts in a row of the
confident joint (equal calibration residuals), tied row maxima, repeated
values and margins, float16 data, float32 on a 0.001 grid, rows summing to
about 0.99, classes with one example, K up to 50. Most tie cases come from the
test suite's own generator (``tests/conftest.py``, ``parity_dataset``), and
0.1.0's answers on them, numpy's sort order included, are the reference.

When a 0.1.0 call raises, the key ``<key>__raised`` holds the exception type
name (a 0-d unicode array) instead of the output.
"""
import os
import sys
import warnings
from collections import Counter

import numpy as np

import cleanlab
from cleanlab import (baseline_methods, latent_algebra, latent_estimation,
                      noise_generation, polyplex, pruning, util)

assert cleanlab.__version__ == "0.1.0", cleanlab.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
WARN = Counter()      # (call name, category, message head) -> count
RAISED = Counter()    # (call name, exception type) -> count


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def call(store, key, fn, *args, **kwargs):
    """Call fn, record warnings; on exception store key__raised and return None."""
    name = key.split("/", 1)[-1]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        try:
            out = fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 -- we record the type
            store[key + "__raised"] = np.array(type(e).__name__)
            RAISED[(name, type(e).__name__)] += 1
            out = None
    for w in rec:
        WARN[(name, w.category.__name__, str(w.message).splitlines()[0][:70])] += 1
    return out


def put(store, key, value):
    if value is None:
        return
    store[key] = np.asarray(value)


def finite(values):
    return all(np.all(np.isfinite(np.asarray(v, dtype=np.float64))) for v in values)


def put_finite(store, key, names, values):
    """Store ``key/name`` for each output, or only ``key__nonfinite`` when some output
    holds NaN or inf: 0.1.0's garbage (0/0 on a degenerate joint), not a parity target."""
    if values is None:
        return
    if not isinstance(values, tuple):
        values = (values,)
    if not finite(values):
        store[key + "__nonfinite"] = np.array(True)
        return
    for name, value in zip(names, values):
        put(store, key + "/" + name if name else key, value)


def load_generator():
    """tests/conftest.py, the test suite's data generator (one generator for tests
    and goldens). conftest imports pytest and hypothesis, which this venv need
    not have: stand-ins are used then (the generator itself needs numpy only)."""
    import importlib.util
    import types

    for name in ("pytest", "hypothesis"):
        try:
            __import__(name)
        except ImportError:
            stub = types.ModuleType(name)
            stub.fixture = lambda fn=None, **kw: fn
            stub.settings = types.SimpleNamespace(register_profile=lambda *a, **k: None,
                                                  load_profile=lambda *a, **k: None)
            sys.modules[name] = stub
    spec = importlib.util.spec_from_file_location(
        "conftest", os.path.join(HERE, "..", "conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = load_generator()


def thresholds_of(s, psx):
    K = psx.shape[1]
    return np.array([np.mean(psx[:, k][s == k]) for k in range(K)], dtype=psx.dtype)


def threshold_gap_ok(s, psx):
    """No value of a float32/float64 psx within 4 ulps of its class's cut-off
    ``threshold - 1e-6`` (numpy's pairwise mean and an exactly rounded one may
    differ in the last place). float16 cases are not filtered: there the cut-off
    is the threshold itself, and values equal to it are part of the test."""
    if psx.dtype == np.float16:
        return True
    cut = (thresholds_of(s, psx) - psx.dtype.type(1e-6)).astype(np.float64)
    gap = np.abs(psx.astype(np.float64) - cut).min(axis=0)
    return bool(np.all(gap > 4 * np.spacing(cut.astype(psx.dtype)).astype(np.float64)))


def ntr_well_defined(cj, s, ntr):
    """Whether 0.1.0's num_to_remove_per_class arithmetic stays finite: it divides by
    each row's off-diagonal mass of keep_at_least_n_per_class(cj.T), 0/0 when a row
    has none (0.1.0 then casts NaN to int: garbage, not a parity target)."""
    pcm = pruning.keep_at_least_n_per_class(cj.T, 5, 1.0).astype(np.float64)
    with np.errstate(all="ignore"):
        psy = pcm / np.sum(pcm, axis=1)
        tmp = (psy.T * ntr / (psy.sum(axis=1) - psy.diagonal())).T
    return bool(np.all(np.isfinite(tmp)))


def describe_ties(s, psx, cj_u):
    """Counts of the ties a case holds (see tests/conftest.py)."""
    out = {"calibration": GEN.calibration_ties(cj_u, s)}
    out.update(GEN.value_ties(s, psx))
    return out


# --------------------------------------------------------------------------
# data generation
# --------------------------------------------------------------------------
def make_case(seed, N, K, skewed, kind, dtype=np.float64, tiny_class=False):
    """Returns (s, y, psx) or None if the draw is not acceptable."""
    rng = np.random.default_rng(seed)
    if skewed:
        prior = rng.dirichlet(np.full(K, 1.0))
        prior = 0.7 * prior + 0.3 * np.sort(rng.dirichlet(np.full(K, 0.5)))
        prior /= prior.sum()
    else:
        prior = np.full(K, 1.0 / K)
    y = rng.choice(K, size=N, p=prior)
    y[:K] = np.arange(K)                       # every class present
    # noisy labels: flip ~5-30% of labels to a random other class
    noise_rate = rng.uniform(0.05, 0.3)
    flip = rng.random(N) < noise_rate
    s = y.copy()
    s[flip] = (y[flip] + rng.integers(1, K, flip.sum())) % K
    if tiny_class:                             # class K-1 has exactly 4 members
        idx = np.flatnonzero(s == K - 1)
        s[idx[4:]] = rng.integers(0, K - 1, len(idx) - 4)
        y[idx[4:]] = s[idx[4:]]
    s[:K] = np.arange(K)
    perm = rng.permutation(N)
    s, y = s[perm], y[perm]
    onehot_y = np.eye(K)[y]
    onehot_s = np.eye(K)[s]
    # base randomness drawn once; scale c tuned for 60-85 % argmax==s
    z = rng.standard_normal((N, K))
    g = rng.gamma(1.0, size=(N, K)) + 1e-3 * rng.random((N, K))
    c = 1.5
    for _ in range(60):
        if kind == "softmax":
            logits = c * (0.8 * onehot_y + 0.4 * onehot_s) + z
            logits -= logits.max(1, keepdims=True)
            e = np.exp(logits)
            psx = e / e.sum(1, keepdims=True)
        else:  # dirichlet-like: gamma(1) draws boosted on y (and s)
            w = g * (1.0 + c * (1.2 * onehot_y + 0.6 * onehot_s))
            psx = w / w.sum(1, keepdims=True)
        acc = np.mean(psx.argmax(1) == s)
        if acc < 0.62:
            c *= 1.08
        elif acc > 0.83:
            c /= 1.08
        else:
            break
    else:
        return None
    psx = psx.astype(dtype)
    if dtype == np.float32:
        psx = psx / psx.sum(1, keepdims=True, dtype=np.float32)
    return s.astype(np.int64), y.astype(np.int64), psx


def make_tie_case(seed, N, K, skewed):
    out = make_case(seed, N, K, skewed, "softmax")
    if out is None:
        return None
    s, y, psx = out
    psx = np.round(psx, 2) + 0.0
    psx = psx / psx.sum(1, keepdims=True)
    psx[np.isnan(psx)] = 1.0 / K
    return s, y, psx


# --------------------------------------------------------------------------
# per-case records
# --------------------------------------------------------------------------
def record_case(store, p, s, y, psx, seed):
    N, K = psx.shape
    put(store, p + "s", s)
    put(store, p + "y_true", y)
    put(store, p + "psx", psx)
    put(store, p + "seed", seed)
    put(store, p + "thresholds", thresholds_of(s, psx))

    # ---- latent_estimation ------------------------------------------------
    out = call(store, p + "cj_calibrated", latent_estimation.compute_confident_joint,
               s, psx, return_indices_of_off_diagonals=True)
    cj = None
    if out is not None:
        cj, ind = out
        put(store, p + "cj_calibrated", cj)
        put(store, p + "cj_indices", ind)
    out = call(store, p + "cj_uncalibrated", latent_estimation.compute_confident_joint,
               s, psx, calibrate=False, return_indices_of_off_diagonals=True)
    cj_u = None
    if out is not None:
        cj_u, ind_u = out
        put(store, p + "cj_uncalibrated", cj_u)
        assert np.array_equal(ind_u, store.get(p + "cj_indices", ind_u))
        for name, count in describe_ties(s, psx, cj_u).items():
            put(store, p + "ties/" + name, np.int64(count))
    if cj_u is not None:
        put(store, p + "calibrate_confident_joint",
            call(store, p + "calibrate_confident_joint",
                 latent_estimation.calibrate_confident_joint, cj_u, s))
    put(store, p + "estimate_joint",
        call(store, p + "estimate_joint", latent_estimation.estimate_joint, s, psx))
    put(store, p + "num_label_errors",
        call(store, p + "num_label_errors", latent_estimation.num_label_errors, s, psx))

    if cj is not None:
        for m in ("cnt", "eqn", "marginal", "marginal_ps"):
            for conv in (False, True):
                q = p + "estimate_latent/%s/%s/" % (m, "conv" if conv else "noconv")
                out = call(store, q[:-1], latent_estimation.estimate_latent, cj, s,
                           py_method=m, converge_latent_estimates=conv)
                put_finite(store, q[:-1], ("py", "noise_matrix", "inv_noise_matrix"), out)
        for conv in (True, False):
            q = p + "estimate_py_and_noise/%s/" % ("conv" if conv else "noconv")
            out = call(store, q[:-1],
                       latent_estimation.estimate_py_and_noise_matrices_from_probabilities,
                       s, psx, converge_latent_estimates=conv)
            put_finite(store, q[:-1], ("py", "noise_matrix", "inv_noise_matrix", "cj"), out)

    # ---- pruning ------------------------------------------------------------
    for pm in ("prune_by_class", "prune_by_noise_rate", "both"):
        put(store, p + "noise/%s" % pm,
            call(store, p + "noise/%s" % pm, pruning.get_noise_indices, s, psx,
                 prune_method=pm, n_jobs=1))
        put(store, p + "noise_frac05/%s" % pm,
            call(store, p + "noise_frac05/%s" % pm, pruning.get_noise_indices, s, psx,
                 prune_method=pm, frac_noise=0.5, n_jobs=1))
        for sim in ("prob_given_label", "normalized_margin"):
            key = p + "noise_sorted/%s/%s" % (pm, sim)
            put(store, key, call(store, key, pruning.get_noise_indices, s, psx,
                                 prune_method=pm, sorted_index_method=sim, n_jobs=1))
    if cj is not None:
        counts = np.bincount(s, minlength=K)
        rng = np.random.default_rng(seed + 777)
        ntr = np.array([rng.integers(0, max(1, min(c - 1, max(2, c // 4)))) for c in counts],
                       dtype=np.int64)
        if ntr_well_defined(cj, s, ntr):
            put(store, p + "num_to_remove_per_class", ntr)
        for pm in ("prune_by_class", "prune_by_noise_rate") if ntr_well_defined(cj, s, ntr) else ():
            key = p + "noise_ntr/%s" % pm
            put(store, key, call(store, key, pruning.get_noise_indices, s, psx,
                                 prune_method=pm, num_to_remove_per_class=ntr, n_jobs=1))
        for f, tag in ((1.0, "10"), (0.5, "05")):
            put(store, p + "keep_at_least_n_per_class/f%s" % tag,
                call(store, p + "keep_at_least_n_per_class/f%s" % tag,
                     pruning.keep_at_least_n_per_class, cj.T, 5, frac_noise=f))
            put(store, p + "reduce_prune_counts/f%s" % tag,
                call(store, p + "reduce_prune_counts/f%s" % tag,
                     pruning.reduce_prune_counts, cj.T, f))
    if cj_u is not None:   # uncalibrated cj passed in: no rounding at all
        for pm in ("prune_by_class", "prune_by_noise_rate", "both"):
            key = p + "noise_given_cj_uncalibrated/%s" % pm
            put(store, key, call(store, key, pruning.get_noise_indices, s, psx,
                                 confident_joint=cj_u, prune_method=pm, n_jobs=1))

    # ---- baseline_methods (these use a fork Pool internally) ------------------
    put(store, p + "baseline_argmax",
        call(store, p + "baseline_argmax", baseline_methods.baseline_argmax, psx, s))
    put(store, p + "baseline_argmax_cm",
        call(store, p + "baseline_argmax_cm",
             baseline_methods.baseline_argmax_confusion_matrix, psx, s, calibrate=False))
    put(store, p + "baseline_argmax_cm_cal",
        call(store, p + "baseline_argmax_cm_cal",
             baseline_methods.baseline_argmax_confusion_matrix, psx, s, calibrate=True))
    put(store, p + "baseline_argmax_calibrated_cm",
        call(store, p + "baseline_argmax_calibrated_cm",
             baseline_methods.baseline_argmax_calibrated_confusion_matrix, psx, s))

    # ---- latent_algebra -----------------------------------------------------
    if (p + "estimate_py_and_noise/conv/py") in store:
        nm = store[p + "estimate_py_and_noise/conv/noise_matrix"]
        inv = store[p + "estimate_py_and_noise/conv/inv_noise_matrix"]
        py = store[p + "estimate_py_and_noise/conv/py"]
        q = p + "algebra/"
        put(store, q + "nm", nm)
        put(store, q + "inv", inv)
        put(store, q + "py", py)
        out = call(store, q + "ps_py_inv", latent_algebra.compute_ps_py_inv_noise_matrix, s, nm)
        ps = out[0] if out is not None else np.bincount(s) / float(N)
        put_finite(store, q + "ps_py_inv", ("ps", "py", "inv"), out)
        put(store, q + "ps", ps)
        out = call(store, q + "py_inv", latent_algebra.compute_py_inv_noise_matrix, ps, nm)
        put_finite(store, q + "py_inv", ("py", "inv"), out)
        put_finite(store, q + "inv_from_py", ("",), call(
            store, q + "inv_from_py", latent_algebra.compute_inv_noise_matrix, py, nm))
        put_finite(store, q + "inv_from_py_ps", ("",), call(
            store, q + "inv_from_py_ps", latent_algebra.compute_inv_noise_matrix, py, nm, ps))
        put_finite(store, q + "nm_from_inv", ("",), call(
            store, q + "nm_from_inv", latent_algebra.compute_noise_matrix_from_inverse, ps, inv))
        put_finite(store, q + "nm_from_inv_py", ("",), call(
            store, q + "nm_from_inv_py", latent_algebra.compute_noise_matrix_from_inverse,
            ps, inv, py))
        y_count = cj.sum(axis=0)
        put(store, q + "y_count", y_count)
        for m in ("cnt", "eqn", "marginal", "marginal_ps"):
            put_finite(store, q + "compute_py/%s" % m, ("",), call(
                store, q + "compute_py/%s" % m, latent_algebra.compute_py,
                ps, nm, inv, py_method=m, y_count=y_count))
        if N <= 300:   # (N, K) output: only on the small cases, to keep the file small
            put_finite(store, q + "pyx", ("",), call(
                store, q + "pyx", latent_algebra.compute_pyx, psx, nm, inv))


# --------------------------------------------------------------------------
# cases drawn by tests/conftest.py's make_dataset: (kind, N, K, singletons)
GENERATOR_SPECS = [
    ("tied", 400, 6, 0), ("tied", 300, 20, 0), ("tied", 250, 50, 1),
    ("float16", 1000, 4, 0), ("float16", 600, 12, 0), ("float16", 400, 50, 0),
    ("round3", 800, 5, 0), ("round3", 500, 15, 0), ("round3", 300, 40, 1),
    ("sum099", 600, 6, 0), ("sum099", 400, 25, 0),
    ("float64", 300, 8, 2), ("float64", 500, 30, 1),
    ("mixed", 800, 10, 1), ("mixed", 300, 50, 0),
]


def make_generator_case(seed, N, K, kind, singletons):
    """A case from tests/conftest.py's parity_dataset (y_true is not known there: -1)."""
    s, psx = GEN.parity_dataset(seed, kind, stream=10, n=N, k=K, singletons=singletons)
    return s, np.full(N, -1, dtype=np.int64), psx


def build_cases():
    store = {}
    specs = []
    f64 = [(50, 2, 0), (60, 3, 1), (80, 4, 0), (100, 2, 1), (120, 5, 1), (150, 3, 0),
           (200, 6, 0), (250, 8, 1), (300, 4, 1), (350, 10, 0), (400, 12, 1), (500, 3, 1),
           (600, 7, 0), (700, 5, 1), (800, 2, 0), (900, 9, 1), (1000, 4, 0), (1200, 6, 1),
           (1500, 3, 1), (2000, 2, 0), (2000, 5, 1), (450, 11, 0), (160, 12, 0), (75, 7, 1)]
    for i, (N, K, sk) in enumerate(f64):
        specs.append(dict(N=N, K=K, skewed=bool(sk), kind=("softmax", "dirichlet")[i % 2],
                          dtype=np.float64, family="f64", tiny=False))
    specs.append(dict(N=200, K=5, skewed=True, kind="softmax", dtype=np.float64,
                      family="f64", tiny=True))                    # a class with 4 members
    for N, K in ((300, 4), (1000, 6), (150, 3), (600, 8)):
        specs.append(dict(N=N, K=K, skewed=K % 2 == 0, kind="softmax", dtype=np.float32,
                          family="f32", tiny=False))
    for N, K in ((200, 3), (500, 5), (1000, 4), (120, 6)):
        specs.append(dict(N=N, K=K, skewed=N > 300, kind="softmax", dtype=np.float64,
                          family="round2", tiny=False))
    for kind, N, K, singletons in GENERATOR_SPECS:
        specs.append(dict(N=N, K=K, kind=kind, family=kind, singletons=singletons,
                          dtype=None, skewed=None, tiny=False))

    index = []
    for i, sp in enumerate(specs):
        seed = 1000 * (i + 1)
        for attempt in range(400):
            sd = seed + attempt
            if sp["family"] == "round2":
                out = make_tie_case(sd, sp["N"], sp["K"], sp["skewed"])
            elif sp["family"] in ("f64", "f32"):
                out = make_case(sd, sp["N"], sp["K"], sp["skewed"], sp["kind"],
                                sp["dtype"], sp["tiny"])
            else:
                out = make_generator_case(sd, sp["N"], sp["K"], sp["kind"], sp["singletons"])
            if out is None:
                continue
            s, y, psx = out
            # well-formed input only (0.1.0 divides by zero otherwise); ties are kept
            if len(np.unique(s)) != sp["K"]:
                continue
            if not threshold_gap_ok(s, psx):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cj_u = latent_estimation.compute_confident_joint(s, psx, calibrate=False)
                if cj_u.shape != (sp["K"], sp["K"]) or np.any(cj_u.sum(0) == 0) \
                        or np.any(cj_u.sum(1) == 0):
                    continue
            break
        else:
            raise RuntimeError("no acceptable draw for case %d %r" % (i, sp))
        p = "case%d/" % i
        acc = float(np.mean(psx.argmax(1) == s))
        record_case(store, p, s, y, psx, sd)
        put(store, p + "kind", sp["family"])
        ties = {k[len(p) + 5:]: int(v) for k, v in store.items() if k.startswith(p + "ties/")}
        print("case%-2d N=%-5d K=%-2d %-7s %-8s seed=%-6d acc=%.3f singletons=%d ties=%s" % (
            i, sp["N"], sp["K"], psx.dtype, sp["family"], sd, acc,
            int(np.sum(np.bincount(s) == 1)), ties))
    store["n_cases"] = np.array(len(specs))
    return store


# --------------------------------------------------------------------------
def build_util_polyplex():
    st = {}
    rng = np.random.default_rng(42)
    # clip_noise_rates
    for i, K in enumerate((2, 3, 4, 6)):
        m = rng.uniform(-0.2, 1.2, (K, K))
        m[np.arange(K), np.arange(K)] = rng.uniform(0.3, 1.0, K)
        st["clip_noise_rates%d/x" % i] = m
        put(st, "clip_noise_rates%d/out" % i, call(st, "clip_noise_rates%d/out" % i,
                                                   util.clip_noise_rates, m))
    # clip_values: (x, low, high, new_sum); new_sum nan means None
    cv = [(rng.uniform(-0.2, 1.3, 5), 0.0, 1.0, None),
          (rng.uniform(0, 1, 8), 0.1, 0.6, None),
          (rng.uniform(-0.1, 0.5, 12), 1e-5, 1.0, 1.0),
          (rng.uniform(-0.1, 0.5, 4), 0.001, 1.0, 1.0),
          (rng.uniform(0, 2, 30), 0.0, 1.0, 3.0)]
    for i, (x, lo, hi, ns) in enumerate(cv):
        q = "clip_values%d/" % i
        st[q + "x"] = x
        st[q + "low"] = np.array(lo)
        st[q + "high"] = np.array(hi)
        st[q + "new_sum"] = np.array(np.nan if ns is None else ns)
        put(st, q + "out", call(st, q + "out", util.clip_values, x, low=lo, high=hi,
                                new_sum=ns))
    # round_preserving_sum: random vectors, then vectors whose rounding must pick
    # among equal residuals (numpy's argsort decides which ones get the units)
    rps = []
    for i in range(10):
        n = int(rng.integers(3, 50))
        rps.append(rng.uniform(0, 10, n) * rng.choice([1.0, 0.3]))
    tie_rng = np.random.default_rng(4242)
    rps += [np.array([0.5, 1.5, 2.5, 3.5]), np.array([1.3, 1.3, 1.3, 2.1]),
            np.array([2.6, 2.6, 2.6, 0.2]), np.full(7, 10 / 7.0), np.full(24, 2.25)]
    for n in (12, 40, 17):  # thirds and quarters of row totals, as a calibrated row holds
        counts = tie_rng.integers(0, 4, n).astype(float)
        counts[tie_rng.integers(n)] += 30
        rps.append(counts / counts.sum() * int(tie_rng.integers(40, 400)))
    for i, x in enumerate(rps):
        st["rps%d/x" % i] = x
        put(st, "rps%d/out" % i, call(st, "rps%d/out" % i, util.round_preserving_sum, x))
    rprt = [rng.uniform(0, 30, (int(rng.integers(2, 8)), int(rng.integers(2, 10))))
            for _ in range(4)]
    for n in (5, 30):  # rows of equal small counts, scaled to other totals
        counts = tie_rng.integers(0, 3, (n, n)).astype(float) + np.eye(n) * 20
        totals = tie_rng.integers(5, 60, n)
        rprt.append((counts.T / counts.sum(axis=1) * totals).T)
    for i, x in enumerate(rprt):
        st["rprt%d/x" % i] = x
        put(st, "rprt%d/out" % i, call(st, "rprt%d/out" % i,
                                       util.round_preserving_row_totals, x))
    # value_counts: as numpy array (absent classes omitted) and as list of int (bincount)
    vc = [(np.array([0, 2, 2, 3, 0, 5, 5, 5]), False),
          (np.array([0, 2, 2, 3, 0, 5, 5, 5]), True),
          (rng.integers(0, 6, 100), False),
          (rng.integers(0, 6, 100), True),
          (np.array([3, 1, 1, 7]), True)]
    for i, (x, as_list) in enumerate(vc):
        q = "value_counts%d/" % i
        st[q + "x"] = x
        st[q + "as_list"] = np.array(as_list)
        arg = [int(v) for v in x] if as_list else x
        put(st, q + "out", call(st, q + "out", util.value_counts, arg))
    # confusion_matrix (rows/cols mapped independently; non-square ok)
    cmi = [(rng.integers(0, 4, 50), rng.integers(0, 4, 50)),
           (rng.integers(0, 3, 40), rng.integers(0, 5, 40)),
           (rng.integers(-2, 2, 30), rng.integers(1, 4, 30) * 2)]
    for i, (t, pr) in enumerate(cmi):
        q = "confusion_matrix%d/" % i
        st[q + "true"] = t
        st[q + "pred"] = pr
        put(st, q + "out", call(st, q + "out", util.confusion_matrix, t, pr))
    # estimate_pu_f1
    pu = [(rng.integers(0, 2, 60), rng.random(60)),
          (rng.integers(0, 2, 200), rng.beta(2, 3, 200)),
          (rng.integers(0, 2, 20), rng.random(20) * 0.4)]   # no prediction >= .5
    for i, (sv, pr) in enumerate(pu):
        q = "estimate_pu_f1_%d/" % i
        st[q + "s"] = sv
        st[q + "prob_s_eq_1"] = pr
        put(st, q + "out", call(st, q + "out", util.estimate_pu_f1, sv, pr))
    # remove_noise_from_class
    for i, K in enumerate((3, 5)):
        nm = rng.dirichlet(np.ones(K), size=K).T + np.eye(K) * 2
        nm = nm / nm.sum(0)
        st["remove_noise_from_class%d/noise_matrix" % i] = nm
        for k in range(K):
            q = "remove_noise_from_class%d/out%d" % (i, k)
            put(st, q, call(st, q, util.remove_noise_from_class, nm, k))

    # polyplex
    pys = [np.array([.1, .2, .2, .5]), np.array([.5, .5]), rng.dirichlet(np.ones(3)),
           rng.dirichlet(np.ones(6)), rng.dirichlet(np.full(10, 0.5))]
    for i, py in enumerate(pys):
        q = "polyplex%d/" % i
        K = len(py)
        st[q + "py"] = py
        out = call(st, q + "joint_bounds", polyplex.joint_bounds, py)
        if out is not None:
            st[q + "joint_bounds/x"], st[q + "joint_bounds/min"], st[q + "joint_bounds/max"] = \
                map(np.asarray, out)
        traces = [0, 1, K, 1.5, K - 0.3, 0.25, float(K // 2), K / 2.0 + 0.1]
        st[q + "traces"] = np.array(traces, dtype=np.float64)
        st[q + "traces_is_int"] = np.array([isinstance(t, int) for t in traces])
        mins, maxs = [], []
        for t in traces:
            out = call(st, q + "joint_min_max", polyplex.joint_min_max, t, py)
            mins.append(np.nan if out is None else out[0])
            maxs.append(np.nan if out is None else out[1])
        st[q + "joint_min_max/min"] = np.array(mins)
        st[q + "joint_min_max/max"] = np.array(maxs)
    return st


# --------------------------------------------------------------------------
def build_noise():
    st = {}
    rng = np.random.default_rng(7)
    # noise_matrix_is_valid: per K, stacks of matrices, py and result
    for K in (2, 3, 4, 5, 8):
        mats, pys, res = [], [], []
        while len(mats) < 50:
            py = rng.dirichlet(np.full(K, rng.choice([0.5, 1.0, 5.0])))
            strength = rng.uniform(0, 1.5) * rng.choice([0.3, 1.0, 2.0])
            nm = rng.dirichlet(np.ones(K), size=K).T + strength * np.eye(K)
            nm = nm / nm.sum(0)
            if rng.random() < 0.1:               # not column-stochastic
                nm[:, 0] *= 1.01
            joint = nm * py
            ps = nm.dot(py)
            if np.min(np.abs(joint.diagonal() - ps * py)) < 1e-9:
                continue
            if abs(abs(joint.sum() - 1) - 1e-6) < 1e-9:
                continue
            out = call(st, "nm_is_valid", noise_generation.noise_matrix_is_valid, nm, py)
            mats.append(nm)
            pys.append(py)
            res.append(bool(out))
        q = "noise_matrix_is_valid/K%d/" % K
        st[q + "noise_matrix"] = np.array(mats)
        st[q + "py"] = np.array(pys)
        st[q + "valid"] = np.array(res)
        print("noise_matrix_is_valid K=%d: %d/50 valid" % (K, sum(res)))

    # generate_noise_matrix_from_trace
    combos = [dict(K=2, trace=1.5, py=None, frac_zero_noise_rates=0.0, seed=0),
              dict(K=2, trace=1.2, py=None, frac_zero_noise_rates=0.5, seed=1),
              dict(K=2, trace=1.8, py=None, frac_zero_noise_rates=0.7, seed=4),
              dict(K=3, trace=2.0, py=[.3, .3, .4], frac_zero_noise_rates=0.0, seed=0),
              dict(K=4, trace=2.5, py=[.1, .2, .3, .4], frac_zero_noise_rates=0.3, seed=5),
              dict(K=5, trace=3.0, py=list(rng.dirichlet(np.full(5, 3.0))),
                   frac_zero_noise_rates=0.5, seed=7),
              dict(K=6, trace=4.0, py=list(np.full(6, 1 / 6.)), frac_zero_noise_rates=0.0,
                   seed=11),
              dict(K=8, trace=5.0, py=list(rng.dirichlet(np.full(8, 3.0))),
                   frac_zero_noise_rates=0.2, seed=3),
              dict(K=4, trace=3.0, py=[.25, .25, .25, .25], frac_zero_noise_rates=0.0,
                   seed=2, max_trace_prob=0.9, min_trace_prob=0.6),
              dict(K=5, trace=2.0, py=None, frac_zero_noise_rates=0.4, seed=9,
                   valid_noise_matrix=False)]
    for i, cb in enumerate(combos):
        q = "from_trace%d/" % i
        kw = dict(cb)
        K, tr = kw.pop("K"), kw.pop("trace")
        if kw["py"] is not None:
            kw["py"] = np.array(kw["py"])
        st[q + "K"] = np.array(K)
        st[q + "trace"] = np.array(tr)
        st[q + "py"] = np.array([] if kw["py"] is None else kw["py"], dtype=np.float64)
        st[q + "frac_zero_noise_rates"] = np.array(kw["frac_zero_noise_rates"])
        st[q + "seed"] = np.array(kw["seed"])
        st[q + "valid_noise_matrix"] = np.array(kw.get("valid_noise_matrix", True))
        st[q + "max_trace_prob"] = np.array(kw.get("max_trace_prob", 1.0))
        st[q + "min_trace_prob"] = np.array(kw.get("min_trace_prob", 1e-5))
        out = call(st, q + "out", noise_generation.generate_noise_matrix_from_trace, K, tr, **kw)
        put(st, q + "out", out)
        if out is not None and kw["py"] is not None:
            st[q + "out_is_valid"] = np.array(bool(
                noise_generation.noise_matrix_is_valid(out, kw["py"])))

    # generate_noisy_labels: deterministic (noisy, true) counts
    pairs = [(200, 2, 0), (500, 3, 1), (1000, 5, 2), (800, 4, 3)]
    for i, (N, K, sd) in enumerate(pairs):
        r = np.random.default_rng(100 + sd)
        y = r.choice(K, size=N, p=r.dirichlet(np.full(K, 4.0)))
        y[:K] = np.arange(K)
        py = np.bincount(y) / float(N)
        nm = None
        for t in range(1000):
            cand = r.dirichlet(np.ones(K), size=K).T + r.uniform(1, 4) * np.eye(K)
            cand = cand / cand.sum(0)
            if i == 3:
                cand[0, 1:] = 0.0                 # a row of zero noise rates
                cand = cand / cand.sum(0)
            if noise_generation.noise_matrix_is_valid(cand, py):
                nm = cand
                break
        q = "noisy_labels%d/" % i
        st[q + "y"] = y
        st[q + "noise_matrix"] = nm
        np.random.seed(1234 + i)
        s = call(st, q + "s", noise_generation.generate_noisy_labels, y, nm)
        put(st, q + "s", s)
        if s is not None:
            cnt = np.zeros((K, K), dtype=np.int64)
            np.add.at(cnt, (np.asarray(s), y), 1)
            st[q + "counts_s_y"] = cnt
    return st


# --------------------------------------------------------------------------
def build_multilabel():
    st = {}
    rng = np.random.default_rng(99)
    # multiclass_crossval_predict on ragged multi-label lists
    for i, (N, K) in enumerate(((60, 4), (120, 6))):
        labels = []
        for n in range(N):
            m = int(rng.integers(1, 4))
            labels.append(sorted(int(v) for v in rng.choice(K, m, replace=False)))
        labels[0] = list(range(K))           # every class present
        onehot = np.zeros((N, K))
        for n, l in enumerate(labels):
            onehot[n, l] = 1
        pyx = np.clip(0.55 * onehot + 0.45 * rng.random((N, K)), 0, 1)
        q = "mcp%d/" % i
        st[q + "pyx"] = pyx
        st[q + "labels_flat"] = np.array([v for l in labels for v in l], dtype=np.int64)
        st[q + "labels_offsets"] = np.cumsum([0] + [len(l) for l in labels]).astype(np.int64)
        put(st, q + "out", call(st, q + "out", pruning.multiclass_crossval_predict, pyx, labels))

    # equal-size multi-label cases
    for i, (N, K, L) in enumerate(((150, 5, 2), (300, 4, 2))):
        for attempt in range(200):
            r = np.random.default_rng(500 + 17 * i + attempt)
            true = np.array([np.sort(r.choice(K, L, replace=False)) for _ in range(N)])
            lab = true.copy()
            flip = r.random(N) < 0.15
            for n in np.flatnonzero(flip):       # swap one label for an absent one
                absent = [k for k in range(K) if k not in lab[n]]
                lab[n, r.integers(L)] = r.choice(absent)
                lab[n] = np.sort(lab[n])
            onehot_t = np.zeros((N, K))
            onehot_t[np.arange(N)[:, None], true] = 1
            logit = 2.5 * (onehot_t - 0.5) + r.standard_normal((N, K))
            psx = 1 / (1 + np.exp(-logit))
            if len(np.unique(lab)) == K:      # every class present (ties are kept)
                break
        labels = [[int(v) for v in row] for row in lab]
        q = "ml%d/" % i
        st[q + "labels"] = lab.astype(np.int64)
        st[q + "psx"] = psx
        put(st, q + "cj_calibrated", call(st, q + "cj_calibrated",
                                          latent_estimation.compute_confident_joint,
                                          labels, psx, multi_label=True))
        put(st, q + "cj_uncalibrated", call(st, q + "cj_uncalibrated",
                                            latent_estimation.compute_confident_joint,
                                            labels, psx, calibrate=False, multi_label=True))
        put(st, q + "estimate_joint", call(st, q + "estimate_joint",
                                           latent_estimation.estimate_joint, labels, psx,
                                           multi_label=True))
        put(st, q + "multiclass_crossval_predict",
            call(st, q + "multiclass_crossval_predict", pruning.multiclass_crossval_predict,
                 psx, labels))
        for pm in ("prune_by_class", "prune_by_noise_rate", "both"):
            put(st, q + "noise/%s" % pm,
                call(st, q + "noise/%s" % pm, pruning.get_noise_indices, labels, psx,
                     prune_method=pm, multi_label=True, n_jobs=1))
    return st


# --------------------------------------------------------------------------
def main():
    import scipy
    import sklearn
    meta = dict(cleanlab=cleanlab.__version__, numpy=np.__version__, scipy=scipy.__version__,
                sklearn=sklearn.__version__, python=sys.version.split()[0])
    files = {
        "v010_cases.npz": build_cases(),
        "v010_util_polyplex.npz": build_util_polyplex(),
        "v010_noise_generation.npz": build_noise(),
        "v010_multilabel.npz": build_multilabel(),
    }
    for fn, st in files.items():
        for k, v in meta.items():
            st["meta/" + k] = np.array(v)
        path = os.path.join(HERE, fn)
        np.savez_compressed(path, **st)
        with np.load(path, allow_pickle=False) as z:
            assert set(z.files) == set(st)
        print("%-28s %7.1f kB  %d keys" % (fn, os.path.getsize(path) / 1e3, len(st)))
    print("\nwarnings (call, category, message): count")
    for k, v in sorted(WARN.items()):
        print("  ", k, v)
    print("raised (call, exception): count")
    for k, v in sorted(RAISED.items()):
        print("  ", k, v)


if __name__ == "__main__":
    main()
