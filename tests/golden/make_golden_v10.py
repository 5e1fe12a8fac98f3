"""Generate golden fixtures from cleanlab 1.0 (the last seed-vocabulary release).

Run it only in a scratch venv with cleanlab 1.0, never in cleannb's own
environment (1.0 needs scikit-learn < 1.8, like 0.1.0)::

    python3 -m venv /tmp/v10
    /tmp/v10/bin/pip install cleanlab==1.0 "scikit-learn<1.8" numpy scipy tqdm
    /tmp/v10/bin/python tests/golden/make_golden_v10.py

It writes, next to itself (see README.md in this folder):

- ``v10_cases.npz``: single-label cases from ``tests/conftest.py``'s
  ``parity_dataset`` (ties, float16/float32/float64, classes with one example,
  rows summing to about 0.99), and 1.0's answers for every seed function on
  them, ``get_noise_indices`` with ``n_jobs=1`` and with ``n_jobs=2`` (1.0
  shares ``psx`` with its worker processes as float32), and with the
  ``sorted_index_method`` names scripts pass (``"self_confidence"``...);
- ``v10_multilabel.npz``: multi-label cases (1.0 honours ``thresholds`` and
  passes ``multi_label`` on to the calibration);
- ``v10_near1.npz``: inputs with probabilities up to 1 + 1e-5;
- ``v10_names.json``: every public name of 1.0's package and modules, and
  1.0's answers for the functions it added (``util.int2onehot``,
  ``util.onehot2int``) and for ``util.assert_inputs_are_valid``.

Every file holds a few concatenated arrays and an ``index`` (see ``pack``;
``tests/test_v10_golden.py`` unpacks it). A call that raises stores
``<key>__raised`` (the exception type name); an output holding NaN or inf
(1.0 divides 0/0 on a degenerate joint) stores ``<key>__nonfinite`` instead.
The output is deterministic, except for the
order of numpy's sort among equal keys, which depends on the CPU (see
README.md).
"""

import contextlib
import importlib
import inspect
import io
import json
import os
import platform
import sys
import types
import warnings

import cleanlab
import numpy as np
from cleanlab import (
    baseline_methods,
    latent_algebra,
    latent_estimation,
    pruning,
    util,
)

assert cleanlab.__version__ == "1.0", cleanlab.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
PRUNE_METHODS = ("prune_by_class", "prune_by_noise_rate", "both")
#: sorted_index_method values: the two 1.0 knows, and names scripts pass
SORT_NAMES = ("prob_given_label", "normalized_margin", "self_confidence", "confidence")


def load_generator():
    """tests/conftest.py's data generator, with stand-ins for pytest and hypothesis."""
    import importlib.util

    for name in ("pytest", "hypothesis"):
        try:
            __import__(name)
        except ImportError:
            stub = types.ModuleType(name)
            stub.fixture = lambda fn=None, **kw: fn if callable(fn) else (lambda f: f)
            stub.settings = types.SimpleNamespace(
                register_profile=lambda *a, **k: None, load_profile=lambda *a, **k: None
            )
            sys.modules[name] = stub
    spec = importlib.util.spec_from_file_location(
        "conftest", os.path.join(HERE, "..", "conftest.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = load_generator()


def call(store, key, fn, *args, **kwargs):
    """fn(*args, **kwargs), or None after storing ``key__raised``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                return fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 -- the type is the record
            store[key + "__raised"] = np.array(type(e).__name__)
            return None


def put(store, key, value, names=None):
    """Store value (or a tuple under key/name), or ``key__nonfinite``."""
    if value is None:
        return
    values = value if isinstance(value, tuple) else (value,)
    arrays = [np.asarray(v) for v in values]
    if any(a.dtype.kind == "f" and not np.all(np.isfinite(a)) for a in arrays):
        store[key + "__nonfinite"] = np.array(True)
        return
    if names is None:
        store[key] = arrays[0]
    else:
        for name, a in zip(names, arrays, strict=False):
            store[key + "/" + name] = a


def small(indices):
    """Row indices stored as int16 (1.0 returns int64, which the tests check)."""
    if indices is None:
        return None
    assert indices.dtype == np.int64 and indices.max(initial=0) < 2**15
    return indices.astype(np.int16)


def well_formed(s, psx):
    """1.0 divides by every class count and every row and column of the joint."""
    K = psx.shape[1]
    if np.any(np.bincount(s, minlength=K) == 0):
        return False
    cj = latent_estimation.compute_confident_joint(s, psx, calibrate=False)
    if np.any(cj.sum(axis=0) == 0) or np.any(cj.sum(axis=1) == 0):
        return False
    if psx.dtype == np.float16:
        return True
    # as for 0.1.0: no value within 4 ulps of its class's cut-off threshold - 1e-6
    thr = np.array([np.mean(psx[:, k][s == k]) for k in range(K)], dtype=psx.dtype)
    cut = (thr - psx.dtype.type(1e-6)).astype(np.float64)
    gap = np.abs(psx.astype(np.float64) - cut).min(axis=0)
    return bool(np.all(gap > 4 * np.spacing(cut.astype(psx.dtype)).astype(np.float64)))


# (kind, N, K, classes with one example)
CASE_SPECS = [
    ("tied", 150, 4, 0),
    ("tied", 120, 6, 1),
    ("float16", 150, 4, 0),
    ("float16", 120, 6, 1),
    ("round3", 150, 5, 0),
    ("round3", 120, 7, 1),
    ("sum099", 150, 4, 0),
    ("sum099", 120, 6, 1),
    ("float64", 150, 3, 0),
    ("float64", 130, 8, 2),
    ("mixed", 150, 5, 1),
    ("mixed", 120, 6, 0),
]


def record_case(st, p, s, psx):
    K = psx.shape[1]
    st[p + "s"], st[p + "psx"] = s.astype(np.int8), psx  # 1.0 was given int64 labels
    out = call(
        st,
        p + "cj_calibrated",
        latent_estimation.compute_confident_joint,
        s,
        psx,
        return_indices_of_off_diagonals=True,
    )
    cj = None if out is None else out[0]
    if out is not None:
        put(st, p + "cj_calibrated", cj)
        put(st, p + "cj_indices", out[1])
    cj_u = call(
        st,
        p + "cj_uncalibrated",
        latent_estimation.compute_confident_joint,
        s,
        psx,
        calibrate=False,
    )
    put(st, p + "cj_uncalibrated", cj_u)
    put(
        st,
        p + "calibrate_confident_joint",
        call(
            st,
            p + "calibrate_confident_joint",
            latent_estimation.calibrate_confident_joint,
            cj_u,
            s,
        ),
    )
    put(
        st,
        p + "estimate_joint",
        call(st, p + "estimate_joint", latent_estimation.estimate_joint, s, psx),
    )
    put(
        st,
        p + "num_label_errors",
        call(st, p + "num_label_errors", latent_estimation.num_label_errors, s, psx),
    )
    for m in ("cnt", "eqn", "marginal", "marginal_ps"):
        for conv in (False, True):
            key = p + "estimate_latent/{}/{}".format(m, "conv" if conv else "noconv")
            put(
                st,
                key,
                call(
                    st,
                    key,
                    latent_estimation.estimate_latent,
                    cj,
                    s,
                    py_method=m,
                    converge_latent_estimates=conv,
                ),
                ("py", "nm", "inv"),
            )
    for conv in (False, True):
        key = p + "estimate_py_and_noise/%s" % ("conv" if conv else "noconv")
        put(
            st,
            key,
            call(
                st,
                key,
                latent_estimation.estimate_py_and_noise_matrices_from_probabilities,
                s,
                psx,
                converge_latent_estimates=conv,
            ),
            ("py", "nm", "inv", "cj"),
        )

    for pm in PRUNE_METHODS:
        for nj in (1, 2):
            key = p + f"noise/{pm}/nj{nj}"
            put(
                st,
                key,
                call(st, key, pruning.get_noise_indices, s, psx, prune_method=pm, n_jobs=nj),
            )
        key = p + f"noise_frac05/{pm}"
        put(
            st,
            key,
            call(
                st,
                key,
                pruning.get_noise_indices,
                s,
                psx,
                prune_method=pm,
                frac_noise=0.5,
                n_jobs=1,
            ),
        )
        key = p + f"noise_given_cj_uncalibrated/{pm}"
        put(
            st,
            key,
            call(
                st,
                key,
                pruning.get_noise_indices,
                s,
                psx,
                prune_method=pm,
                confident_joint=cj_u,
                n_jobs=1,
            ),
        )
        for name in SORT_NAMES:
            key = p + f"noise_sorted/{pm}/{name}"
            put(
                st,
                key,
                small(
                    call(
                        st,
                        key,
                        pruning.get_noise_indices,
                        s,
                        psx,
                        prune_method=pm,
                        sorted_index_method=name,
                        n_jobs=1,
                    )
                ),
            )
    counts = np.bincount(s, minlength=K)
    ntr = np.minimum(counts // 5, 3).astype(np.int64)
    st[p + "num_to_remove_per_class"] = ntr
    for pm in ("prune_by_class", "prune_by_noise_rate"):
        key = p + f"noise_ntr/{pm}"
        with np.errstate(all="ignore"):
            put(
                st,
                key,
                call(
                    st,
                    key,
                    pruning.get_noise_indices,
                    s,
                    psx,
                    prune_method=pm,
                    num_to_remove_per_class=ntr,
                    n_jobs=1,
                ),
            )
    mask = call(st, p + "mask", pruning.get_noise_indices, s, psx, n_jobs=1)
    for name in SORT_NAMES:
        key = p + f"order_label_errors/{name}"
        put(st, key, small(call(st, key, pruning.order_label_errors, mask, psx, s, name)))
    for f, tag in ((1.0, "f10"), (0.5, "f05")):
        key = p + "keep_at_least_n_per_class/" + tag
        put(st, key, call(st, key, pruning.keep_at_least_n_per_class, cj.T, 5, frac_noise=f))
        key = p + "reduce_prune_counts/" + tag
        put(st, key, call(st, key, pruning.reduce_prune_counts, cj.T, f))

    put(st, p + "baseline_argmax", baseline_methods.baseline_argmax(psx, s))
    put(st, p + "baseline_argmax_cm", baseline_methods.baseline_argmax_confusion_matrix(psx, s))
    put(
        st,
        p + "baseline_argmax_cm_cal",
        baseline_methods.baseline_argmax_confusion_matrix(psx, s, calibrate=True),
    )
    put(
        st,
        p + "baseline_argmax_calibrated_cm",
        baseline_methods.baseline_argmax_calibrated_confusion_matrix(psx, s),
    )

    # latent_algebra on 1.0's converged estimates (where they are finite)
    est = p + "estimate_py_and_noise/conv/"
    if est + "py" in st:
        py, nm, inv = st[est + "py"], st[est + "nm"], st[est + "inv"]
        ps = util.value_counts(s) / float(len(s))
        q = p + "algebra/"
        put(
            st,
            q + "ps_py_inv",
            call(st, q + "ps_py_inv", latent_algebra.compute_ps_py_inv_noise_matrix, s, nm),
            ("ps", "py", "inv"),
        )
        put(
            st,
            q + "py_inv",
            call(st, q + "py_inv", latent_algebra.compute_py_inv_noise_matrix, ps, nm),
            ("py", "inv"),
        )
        put(
            st,
            q + "inv_from_py_ps",
            call(st, q + "inv_from_py_ps", latent_algebra.compute_inv_noise_matrix, py, nm, ps),
        )
        put(
            st,
            q + "nm_from_inv_py",
            call(
                st,
                q + "nm_from_inv_py",
                latent_algebra.compute_noise_matrix_from_inverse,
                ps,
                inv,
                py,
            ),
        )
        y_count = st[p + "cj_calibrated"].sum(axis=0).astype(float)
        for m in ("cnt", "eqn", "marginal", "marginal_ps"):
            key = q + "compute_py/" + m
            put(st, key, call(st, key, latent_algebra.compute_py, ps, nm, inv, m, y_count))
        if K <= 4:  # (N, K) floats: a few cases suffice
            put(st, q + "pyx", call(st, q + "pyx", latent_algebra.compute_pyx, psx, nm, inv))


def build_cases():
    st = {}
    for i, (kind, N, K, singles) in enumerate(CASE_SPECS):
        for attempt in range(200):
            s, psx = GEN.parity_dataset(
                100 * i + attempt, kind, stream=11, n=N, k=K, singletons=singles
            )
            if well_formed(s, psx):
                break
        else:
            raise RuntimeError(f"no well-formed draw for case {i}")
        p = f"case{i}/"
        st[p + "kind"] = np.array(kind)
        st[p + "index"] = np.int64(100 * i + attempt)
        record_case(st, p, s.astype(np.int64), psx)
    st["n_cases"] = np.int64(len(CASE_SPECS))
    return st


def build_multilabel():
    st = {}
    rng = np.random.default_rng(1010)
    shapes = [(120, 4), (150, 5)]
    for i, (N, K) in enumerate(shapes):
        labels = np.stack([rng.choice(K, 2, replace=False) for _ in range(N)])
        labels[:K, 0] = np.arange(K)
        labels[:K, 1] = (np.arange(K) + 1) % K
        psx = rng.dirichlet(np.ones(K), N)
        psx[np.arange(N), labels[:, 0]] += rng.uniform(0.2, 1.0, N)
        psx = psx / psx.sum(axis=1, keepdims=True)
        if i == 1:
            psx = np.round(psx, 2).astype(np.float32)  # ties
        lists = [[int(v) for v in row] for row in labels]
        p = f"ml{i}/"
        st[p + "labels"], st[p + "psx"] = labels.astype(np.int64), psx
        thr = np.round(rng.uniform(0.2, 0.5, K), 3)
        st[p + "thresholds"] = thr
        for cal in (True, False):
            tag = "cal" if cal else "uncal"
            key = p + f"cj/{tag}"
            put(
                st,
                key,
                call(
                    st,
                    key,
                    latent_estimation.compute_confident_joint,
                    lists,
                    psx,
                    calibrate=cal,
                    multi_label=True,
                ),
            )
            key = p + f"cj_thresholds/{tag}"
            put(
                st,
                key,
                call(
                    st,
                    key,
                    latent_estimation.compute_confident_joint,
                    lists,
                    psx,
                    thresholds=thr,
                    calibrate=cal,
                    multi_label=True,
                ),
            )
        key = p + "estimate_joint_given_cj"
        cj_u = st[p + "cj/uncal"]
        put(
            st,
            key,
            call(
                st,
                key,
                latent_estimation.estimate_joint,
                lists,
                confident_joint=cj_u,
                multi_label=True,
            ),
        )
        key = p + "estimate_joint"
        put(st, key, call(st, key, latent_estimation.estimate_joint, lists, psx, multi_label=True))
        for pm in PRUNE_METHODS:
            key = p + f"noise/{pm}"
            put(
                st,
                key,
                call(
                    st,
                    key,
                    pruning.get_noise_indices,
                    lists,
                    psx,
                    prune_method=pm,
                    multi_label=True,
                    n_jobs=1,
                ),
            )
        st[p + "int2onehot"] = util.int2onehot(lists)
    return st


def build_near1():
    """Probabilities a little above 1 (float32 softmax outputs): 1.0 does not check them."""
    st = {}
    for i, (kind, N, K) in enumerate((("float64", 150, 3), ("round3", 150, 5))):
        for attempt in range(200):
            s, psx = GEN.parity_dataset(
                50 + 100 * i + attempt, kind, stream=12, n=N, k=K, singletons=0
            )
            psx = psx.copy()
            rows = np.arange(0, N, 7)
            top = psx[rows].argmax(axis=1)
            psx[rows] = 0
            psx[rows, top] = 1 + np.linspace(1e-6, 1e-5, len(rows))
            if well_formed(s, psx):
                break
        else:
            raise RuntimeError(f"no well-formed near-1 draw {i}")
        p = f"near{i}/"
        s = s.astype(np.int64)
        st[p + "s"], st[p + "psx"] = s, psx
        for pm in PRUNE_METHODS:
            key = p + f"noise/{pm}"
            put(
                st, key, call(st, key, pruning.get_noise_indices, s, psx, prune_method=pm, n_jobs=1)
            )
        for conv in (False, True):
            key = p + "estimate_py_and_noise/%s" % ("conv" if conv else "noconv")
            put(
                st,
                key,
                call(
                    st,
                    key,
                    latent_estimation.estimate_py_and_noise_matrices_from_probabilities,
                    s,
                    psx,
                    converge_latent_estimates=conv,
                ),
                ("py", "nm", "inv", "cj"),
            )
    st["n_near1"] = np.int64(2)
    return st


# ---- names and the functions 1.0 added ----------------------------------------------------
MODULES = [
    "baseline_methods",
    "classification",
    "latent_algebra",
    "latent_estimation",
    "noise_generation",
    "polyplex",
    "pruning",
    "util",
]
PLAIN = (bool, int, float, str, type(None), tuple, list)
LEAVE_OUT = {("pruning", "mp_params"): "the dict 1.0 fills for its worker processes"}


def describe(key):
    module = cleanlab if key == "" else importlib.import_module("cleanlab." + key)
    kept, left = {}, {}
    for name in sorted(vars(module)):
        if name.startswith("_"):
            continue
        value = getattr(module, name)
        owner = getattr(value, "__module__", None) or ""
        ours = owner == "cleanlab" or owner.startswith("cleanlab.")
        if (key, name) in LEAVE_OUT:
            left[name] = LEAVE_OUT[(key, name)]
        elif type(value).__name__ == "_Feature":
            left[name] = "__future__ feature"
        elif isinstance(value, types.ModuleType):
            if value.__name__.startswith("cleanlab."):
                kept[name] = {"kind": "module"}
            else:
                left[name] = "module " + value.__name__
        elif inspect.isclass(value) or callable(value):
            if ours:
                kind = "class" if inspect.isclass(value) else "function"
                kept[name] = {"kind": kind, "defined_in": owner}
            else:
                left[name] = f"object from {owner}"
        elif isinstance(value, PLAIN):
            kept[name] = {"kind": "constant", "value": value, "type": type(value).__name__}
            if (key, name) == ("pruning", "tqdm_exists"):
                kept[name]["environment"] = "whether the tqdm package can be imported"
        else:
            left[name] = "object of type " + type(value).__name__
    return kept, left


def signatures(key):
    module = cleanlab if key == "" else importlib.import_module("cleanlab." + key)
    out = {}
    for name, value in sorted(vars(module).items()):
        if name.startswith("_") or getattr(value, "__module__", "") != module.__name__:
            continue
        target = value.__init__ if inspect.isclass(value) else value
        if not callable(target):
            continue
        params = inspect.signature(target).parameters
        out[name] = {
            n: (repr(p.default) if p.default is not inspect.Parameter.empty else None)
            for n, p in params.items()
            if n != "self"
        }
    return out


def build_names():
    import sklearn

    modules, left, sigs = {}, {}, {}
    for key in [""] + MODULES:
        label = "cleanlab" if key == "" else "cleanlab." + key
        modules[label], left[label] = describe(key)
        if key:
            sigs[label] = signatures(key)
    onehot_cases = [[[0, 1], [3], [1, 2, 3], [1], [2]], [[0], [2], [0, 2]], [[1], [0, 1]]]
    int2onehot = [{"labels": c, "out": util.int2onehot(c).tolist()} for c in onehot_cases]
    onehot2int = [
        {
            "onehot": o["out"],
            "out": [[int(v) for v in r] for r in util.onehot2int(np.array(o["out"]))],
        }
        for o in int2onehot
    ]
    valid = []
    for labels in (
        [0, 1, 2, 1],
        [1, 2, 3, 1],
        [0, 2, 3, 2],
        [2, 1, 0, 0],
        [1, 1, 1, 1],
        [0, 0, 0, 0],
        [3, 0, 1, 2],
    ):
        x = np.zeros((len(labels), 2))
        try:
            util.assert_inputs_are_valid(x, np.array(labels))
            raised = None
        except Exception as e:  # noqa: BLE001
            raised = type(e).__name__
        valid.append({"s": labels, "raised": raised})
    return {
        "about": "Public names, signatures and new functions of cleanlab 1.0, made by "
        "make_golden_v10.py.",
        "made_with": {
            "cleanlab": cleanlab.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
        "count": sum(len(v) for v in modules.values()),
        "modules": modules,
        "left_out": left,
        "signatures": sigs,
        "int2onehot": int2onehot,
        "onehot2int": onehot2int,
        "assert_inputs_are_valid": valid,
    }


def pack(st):
    """Few zip entries (each costs about 300 bytes): the arrays of one group (the text
    before the first ``/``) and dtype are concatenated into ``<group>/<dtype>``;
    ``index`` (JSON) maps each key to ``[dtype, offset, shape]`` (text: ``["str", value]``)."""
    index, chunks = {}, {}
    for key in sorted(st):
        a = np.asarray(st[key])
        group = key.split("/", 1)[0] if "/" in key else "top"
        if a.dtype.kind == "U":
            index[key] = ["str", str(a)]
            continue
        parts = chunks.setdefault((group, a.dtype.str), [])
        offset = sum(len(x) for x in parts)
        parts.append(a.ravel())
        index[key] = [a.dtype.str, offset, list(a.shape)]
    out = {"index": np.array(json.dumps(index, sort_keys=True))}
    for (group, dtype), parts in chunks.items():
        out[f"{group}/{dtype}"] = np.concatenate(parts)
    return out


def main():
    import scipy
    import sklearn

    meta = {
        "meta/cleanlab": np.array(cleanlab.__version__),
        "meta/numpy": np.array(np.__version__),
        "meta/scipy": np.array(scipy.__version__),
        "meta/sklearn": np.array(sklearn.__version__),
        "meta/python": np.array(platform.python_version()),
    }
    for name, build in (
        ("v10_cases", build_cases),
        ("v10_multilabel", build_multilabel),
        ("v10_near1", build_near1),
    ):
        st = build()
        st.update(meta)
        path = os.path.join(HERE, name + ".npz")
        np.savez_compressed(path, **pack(st))
        print(f"wrote {path}: {len(st)} keys, {os.path.getsize(path)} bytes", file=sys.stderr)
    path = os.path.join(HERE, "v10_names.json")
    with open(path, "w") as f:
        json.dump(build_names(), f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote " + path, file=sys.stderr)


if __name__ == "__main__":
    main()
