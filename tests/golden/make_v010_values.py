"""Record what cleanlab 0.1.0 returns on well-typed edge inputs into ``v010_values.json``.

Issue 13, point 5 ("values stay values"): where 0.1.0 returns a value or
warns on well-typed input, cleannb's seed vocabulary returns the same value
and warns with the same category. Each case here is one 0.1.0 call whose
result is a value (none of them raises); ``tests/test_v010_values.py`` replays
the call on the cleannb module of the same name and compares.

Run it with the scratch venv that has cleanlab 0.1.0 (never cleannb's own
environment; see README.md in this folder)::

    /tmp/v010/bin/python tests/golden/make_v010_values.py

JSON encoding (``encode``): a numpy array is ``{"array": nested list,
"dtype": name}``, a tuple ``{"tuple": [...]}``, a numpy scalar ``{"scalar":
value, "dtype": name}``, a non-finite float ``{"float": "nan" | "inf" |
"-inf"}``; lists, Python numbers, strings, bools and None are themselves.
``{"ref": name}`` is one of the shared arrays under ``inputs`` (``S``, ``PSX``).
Per case: ``call`` (``"module.function"``), ``args``, ``kwargs``, ``out``
(after the ``post`` summary, if any), ``warnings`` (sorted categories of the
warnings raised from cleanlab's own code, so sklearn's FutureWarnings are
left out, and so are numpy's RuntimeWarnings about 0/0) and, for the print helpers, ``stdout``.

``post`` names a summary for random outputs, which cleannb does not draw
like 0.1.0: ``noise_matrix`` keeps shape, trace and column sums (rounded to
9 decimals). ``python_only`` marks cases whose value depends on the Python
version (``VersionWarning``). The output is deterministic.
"""

import contextlib
import importlib
import io
import json
import os
import platform
import sys
import warnings

import cleanlab
import numpy as np

assert cleanlab.__version__ == "0.1.0", cleanlab.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
CLEANLAB_DIR = os.path.dirname(os.path.abspath(cleanlab.__file__))


def encode(value):
    for name, shared in SHARED.items():
        if value is shared:
            return {"ref": name}
    if isinstance(value, np.ndarray):
        return {
            "array": [encode(v) for v in value.tolist()] if value.ndim else encode(value.item()),
            "dtype": value.dtype.name,
        }
    if isinstance(value, np.generic):
        return {"scalar": encode(value.item()), "dtype": value.dtype.name}
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):  # kwargs and summaries; keys never clash with the markers
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, float) and not np.isfinite(value):
        return {"float": str(value)}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    raise TypeError(f"cannot encode {type(value)}")


def noise_matrix(nm):
    nm = np.asarray(nm)
    return {
        "shape": list(nm.shape),
        "trace": round(float(np.trace(nm)), 9),
        "column_sums": [round(float(v), 9) for v in nm.sum(axis=0)],
    }


POST = {"noise_matrix": noise_matrix}


def data(seed, n, k):
    """Continuous probabilities, noisy labels: every class present, labels 0..K-1."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    rng.shuffle(y)
    logits = rng.normal(size=(n, k)) + 2.5 * np.eye(k)[y]
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    s = y.copy()
    flip = rng.random(n) < 0.2
    s[flip] = rng.integers(0, k, int(flip.sum()))
    return s, p


S, PSX = data(0, 30, 3)
SHARED = {}  # filled in main(): inputs stored once, under "inputs"
NM = np.array([[0.8, 0.1, 0.2], [0.1, 0.7, 0.1], [0.1, 0.2, 0.7]])
PY = np.array([0.3, 0.3, 0.4])
PY4 = [0.1, 0.2, 0.2, 0.5]
CJ = np.array([[10, 2, 1], [3, 15, 0], [1, 1, 22]])
INV = np.array([[0.85, 0.1, 0.15], [0.05, 0.8, 0.05], [0.1, 0.1, 0.8]])

# (id, "module.function", args, kwargs, post, why)
CASES = [
    # noise_generation: False, not an error
    (
        "nmiv/py_sums_to_0.9",
        "noise_generation.noise_matrix_is_valid",
        [NM, np.array([0.3, 0.3, 0.3])],
        {},
        None,
        "py not a distribution",
    ),
    ("nmiv/py_sums_to_2", "noise_generation.noise_matrix_is_valid", [NM, 2 * PY], {}, None, ""),
    (
        "nmiv/py_negative",
        "noise_generation.noise_matrix_is_valid",
        [NM, np.array([0.6, 0.6, -0.2])],
        {},
        None,
        "sums to 1 but is negative",
    ),
    (
        "nmiv/K1",
        "noise_generation.noise_matrix_is_valid",
        [np.array([[1.0]]), np.array([1.0])],
        {},
        None,
        "one class",
    ),
    ("nmiv/columns_not_1", "noise_generation.noise_matrix_is_valid", [NM * 1.1, PY], {}, None, ""),
    (
        "nmiv/zero_prior",
        "noise_generation.noise_matrix_is_valid",
        [NM, np.array([0.5, 0.5, 0.0])],
        {},
        None,
        "",
    ),
    (
        "nmiv/entries_outside_0_1",
        "noise_generation.noise_matrix_is_valid",
        [np.array([[1.1, 0.2], [-0.1, 0.8]]), np.array([0.5, 0.5])],
        {},
        None,
        "0.1.0 says True",
    ),
    (
        "nmiv/lists",
        "noise_generation.noise_matrix_is_valid",
        [NM.tolist(), PY.tolist()],
        {},
        None,
        "",
    ),
    (
        "nmiv/uniform_matrix",
        "noise_generation.noise_matrix_is_valid",
        [np.full((3, 3), 1 / 3), PY],
        {},
        None,
        "",
    ),
    (
        "gnmt/max_iter_0",
        "noise_generation.generate_noise_matrix_from_trace",
        [3, 2.0],
        {"py": PY, "max_iter": 0},
        None,
        "False, not None",
    ),
    (
        "gnmt/max_iter_-1",
        "noise_generation.generate_noise_matrix_from_trace",
        [3, 2.0],
        {"py": PY, "max_iter": -1},
        None,
        "",
    ),
    (
        "gnmt/max_iter_0_K2",
        "noise_generation.generate_noise_matrix_from_trace",
        [2, 1.5],
        {"max_iter": 0},
        None,
        "",
    ),
    (
        "gnmt/max_iter_0_py_not_1",
        "noise_generation.generate_noise_matrix_from_trace",
        [3, 2.0],
        {"py": np.array([0.3, 0.3, 0.3]), "max_iter": 0},
        None,
        "py is never read",
    ),
    (
        "gnmt/K2_ignores_py",
        "noise_generation.generate_noise_matrix_from_trace",
        [2, 1.5],
        {"py": np.array([0.3, 0.3])},
        "noise_matrix",
        "",
    ),
    (
        "gnmt/invalid_ignores_py",
        "noise_generation.generate_noise_matrix_from_trace",
        [3, 2.0],
        {"py": np.array([0.3, 0.3, 0.3]), "valid_noise_matrix": False},
        "noise_matrix",
        "",
    ),
    (
        "gnmt/invalid_without_py",
        "noise_generation.generate_noise_matrix_from_trace",
        [3, 0.5],
        {"valid_noise_matrix": False},
        "noise_matrix",
        "",
    ),
    (
        "gnmt/trace_K",
        "noise_generation.generate_noise_matrix_from_trace",
        [3, 3.0],
        {"py": PY},
        "noise_matrix",
        "",
    ),
    (
        "gnrp/n_0",
        "noise_generation.generate_n_rand_probabilities_that_sum_to_m",
        [0, 1.0],
        {},
        None,
        "",
    ),
    ("balls/N_0", "noise_generation.randomly_distribute_N_balls_into_K_bins", [0, 3], {}, None, ""),
    ("balls/K_1", "noise_generation.randomly_distribute_N_balls_into_K_bins", [5, 1], {}, None, ""),
    # latent_estimation: the deprecated estimator warns with UserWarning
    (
        "ecjfp/default",
        "latent_estimation.estimate_confident_joint_from_probabilities",
        [S, PSX],
        {},
        None,
        "UserWarning",
    ),
    (
        "ecjfp/force_ps_True",
        "latent_estimation.estimate_confident_joint_from_probabilities",
        [S, PSX],
        {"force_ps": True, "return_list_of_converging_cj_matrices": True},
        None,
        "",
    ),
    (
        "ecjfp/force_ps_3",
        "latent_estimation.estimate_confident_joint_from_probabilities",
        [S, PSX],
        {"force_ps": 3, "return_list_of_converging_cj_matrices": True},
        None,
        "",
    ),
    (
        "ecjfp/force_ps_0_list",
        "latent_estimation.estimate_confident_joint_from_probabilities",
        [S, PSX],
        {"force_ps": 0, "return_list_of_converging_cj_matrices": True},
        None,
        "[]",
    ),
    (
        "ecjfp/thresholds",
        "latent_estimation.estimate_confident_joint_from_probabilities",
        [S, PSX],
        {"thresholds": [0.5, 0.5, 0.5]},
        None,
        "",
    ),
    (
        "ecjfp/list_labels",
        "latent_estimation.estimate_confident_joint_from_probabilities",
        [S.tolist(), PSX],
        {},
        None,
        "",
    ),
    ("cj/K_given", "latent_estimation.compute_confident_joint", [S, PSX], {"K": 3}, None, ""),
    (
        "cj/thresholds_list",
        "latent_estimation.compute_confident_joint",
        [S, PSX],
        {"thresholds": [0.5, 0.5, 0.5], "calibrate": False},
        None,
        "",
    ),
    (
        "cj/list_labels",
        "latent_estimation.compute_confident_joint",
        [S.tolist(), PSX],
        {},
        None,
        "",
    ),
    (
        "cj/float_labels",
        "latent_estimation.compute_confident_joint",
        [S.astype(float), PSX],
        {},
        None,
        "",
    ),
    ("nle/int", "latent_estimation.num_label_errors", [S, PSX], {}, None, "Python int"),
    (
        "nle/given_cj",
        "latent_estimation.num_label_errors",
        [S, None],
        {"confident_joint": CJ},
        None,
        "",
    ),
    (
        "converge/zero_iterations",
        "latent_estimation.converge_estimates",
        [PY, PY, NM, INV],
        {"inv_noise_matrix_iterations": 0, "noise_matrix_iterations": 0},
        None,
        "returns its input",
    ),
    ("converge/default", "latent_estimation.converge_estimates", [PY, PY, NM, INV], {}, None, ""),
    ("latent/float_cj", "latent_estimation.estimate_latent", [CJ.astype(float), S], {}, None, ""),
    # re-exported names do what 0.1.0's do
    (
        "reexport/latent_estimation.compute_py",
        "latent_estimation.compute_py",
        [PY, NM, np.eye(3)],
        {},
        None,
        "",
    ),
    (
        "reexport/noise_generation.value_counts",
        "noise_generation.value_counts",
        [[0, 2, 2]],
        {},
        None,
        "",
    ),
    (
        "reexport/pruning.round_preserving_row_totals",
        "pruning.round_preserving_row_totals",
        [np.array([[0.5, 1.5], [2.4, 0.6]])],
        {},
        None,
        "",
    ),
    (
        "reexport/classification.remove_noise_from_class",
        "classification.remove_noise_from_class",
        [NM, 1],
        {},
        None,
        "",
    ),
    # util
    ("vc/list", "util.value_counts", [[0, 2, 2]], {}, None, "bincount keeps zeros"),
    ("vc/tuple", "util.value_counts", [(0, 2, 2)], {}, None, "a tuple counts like a list"),
    ("vc/array", "util.value_counts", [np.array([0, 2, 2])], {}, None, "np.unique drops them"),
    ("vc/strings", "util.value_counts", [["dog", "cat", "dog"]], {}, None, ""),
    ("vc/negative", "util.value_counts", [[-1, 0, 0]], {}, None, ""),
    ("vc/bools", "util.value_counts", [[True, False, True]], {}, None, ""),
    ("clip_values/int_array", "util.clip_values", [np.array([1, 2, 3]), 0, 2], {}, None, ""),
    ("clip_values/list", "util.clip_values", [[0.1, 0.5, 0.9], 0.2, 0.8], {}, None, ""),
    ("pu_f1/no_positive_label", "util.estimate_pu_f1", [[0, 0], [0.7, 0.2]], {}, None, "NaN"),
    ("pu_f1/no_positive_prediction", "util.estimate_pu_f1", [[1, 0], [0.2, 0.3]], {}, None, "NaN"),
    ("rps/ints", "util.round_preserving_sum", [np.array([1, 2, 3])], {}, None, ""),
    ("cm/strings", "util.confusion_matrix", [["a", "b"], ["b", "b"]], {}, None, ""),
    ("rnfc/list", "util.remove_noise_from_class", [NM.tolist(), 0], {}, None, ""),
    # pruning
    (
        "order/nothing_flagged",
        "pruning.order_label_errors",
        [np.zeros(len(S), dtype=bool), PSX, S],
        {},
        None,
        "empty int array",
    ),
    (
        "keep/n_0",
        "pruning.keep_at_least_n_per_class",
        [np.array([[3, 1, 0], [4, 10, 2], [0, 2, 1]]), 0],
        {},
        None,
        "",
    ),
    (
        "keep/n_10",
        "pruning.keep_at_least_n_per_class",
        [np.array([[3, 1, 0], [4, 10, 2], [0, 2, 1]]), 10],
        {},
        None,
        "",
    ),
    (
        "reduce/frac_0",
        "pruning.reduce_prune_counts",
        [np.array([[5, 3, 1], [4, 10, 2], [1, 1, 7]]), 0.0],
        {},
        None,
        "",
    ),
    (
        "gni/small_classes",
        "pruning.get_noise_indices",
        [
            np.array([0, 0, 0, 1, 1, 1]),
            np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.6, 0.4], [0.3, 0.7], [0.1, 0.9]]),
        ],
        {"n_jobs": 1},
        None,
        "classes of <= 5 are never pruned",
    ),
    (
        "gni/frac_noise_0",
        "pruning.get_noise_indices",
        [S, PSX],
        {"frac_noise": 0.0, "n_jobs": 1},
        None,
        "",
    ),
    (
        "gni/remove_0",
        "pruning.get_noise_indices",
        [S, PSX],
        {"num_to_remove_per_class": 0, "prune_method": "prune_by_class", "n_jobs": 1},
        None,
        "",
    ),
    # polyplex
    ("jmm/int_0", "polyplex.joint_min_max", [0, PY4], {}, None, ""),
    ("jmm/int_K", "polyplex.joint_min_max", [4, PY4], {}, None, ""),
    ("jmm/float_K", "polyplex.joint_min_max", [4.0, PY4], {}, None, ""),
    ("jmm/np_int", "polyplex.joint_min_max", [np.int64(2), PY4], {}, None, ""),
    ("jmm/half", "polyplex.joint_min_max", [3.5, PY4], {}, None, ""),
    ("jb/K1", "polyplex.joint_bounds", [[1.0]], {}, None, ""),
    ("si/ints", "polyplex.slope_intercept", [(0, 1), (3, 2)], {}, None, ""),
    # print helpers (stdout)
    (
        "print/square",
        "util.print_square_matrix",
        [np.array([[0.8, 0.2], [0.2, 0.8]])],
        {},
        None,
        "",
    ),
    ("print/square_int", "util.print_square_matrix", [np.array([[1, 2], [3, 4]])], {}, None, ""),
    ("print/square_1x1", "util.print_square_matrix", [np.array([0.8])], {}, None, ""),
    (
        "print/square_args",
        "util.print_square_matrix",
        [np.array([[0.123456, 0.2], [0.3, 0.4]]), "a", "b", "T", "st", 3],
        {},
        None,
        "",
    ),
    ("print/noise", "util.print_noise_matrix", [NM], {}, None, ""),
    ("print/inverse", "util.print_inverse_noise_matrix", [NM], {"round_places": 3}, None, ""),
    ("print/joint", "util.print_joint_matrix", [NM * PY], {}, None, ""),
]


def version_cases():
    """VersionWarning: (id, compatible versions, calls); the value depends on the Python."""
    here = sys.version_info.major + 0.1 * sys.version_info.minor
    return [
        ("version_warning/not_listed", [2.7, 3.5, 3.6], 2),
        ("version_warning/listed", [here], 1),
    ]


def run(call, args, kwargs):
    module, name = call.split(".")
    fn = getattr(importlib.import_module(f"cleanlab.{module}"), name)
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(out):
            result = fn(*args, **kwargs)
    categories = sorted(
        {
            w.category.__name__
            for w in caught
            if os.path.abspath(w.filename).startswith(CLEANLAB_DIR)
            and w.category is not RuntimeWarning  # numpy's 0/0 notes, not cleanlab's
        }
    )
    return result, categories, out.getvalue()


def main():
    import sklearn

    inputs = {"S": encode(S), "PSX": encode(PSX)}
    SHARED.update(S=S, PSX=PSX)
    cases = {}
    for key, call, args, kwargs, post, why in CASES:
        result, categories, stdout = run(call, args, kwargs)
        entry = {
            "call": call,
            "args": encode(args),
            "kwargs": encode(kwargs),
            "out": encode(POST[post](result) if post else result),
            "warnings": categories,
        }
        if post:
            entry["post"] = post
        if why:
            entry["why"] = why
        if call.split(".")[1].startswith("print_"):
            entry["stdout"] = stdout
        cases[key] = entry
    from cleanlab.util import VersionWarning

    for key, versions, calls in version_cases():
        check = VersionWarning("needs another Python", versions)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            outs = [check.is_compatible() for _ in range(calls)]
        cases[key] = {
            "call": "util.VersionWarning",
            "args": encode(["needs another Python", versions]),
            "kwargs": {},
            "out": outs,
            "python_only": platform.python_version(),
            "warnings": [w.category.__name__ for w in caught],
            "warning_already_issued": check.warning_already_issued,
        }
    out = {
        "about": "cleanlab 0.1.0's values on well-typed edge inputs; see make_v010_values.py.",
        "made_with": {
            "cleanlab": cleanlab.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
        "inputs": inputs,
        "cases": cases,
    }
    path = os.path.join(HERE, "v010_values.json")
    with open(path, "w") as f:  # one line per case, so diffs stay readable
        head = {k: v for k, v in out.items() if k != "cases"}
        f.write(json.dumps(head, sort_keys=True, allow_nan=False)[:-1] + ', "cases": {\n')
        lines = [
            f"{json.dumps(key)}: {json.dumps(case, sort_keys=True, allow_nan=False)}"
            for key, case in sorted(cases.items())
        ]
        f.write(",\n".join(lines) + "\n}}\n")
    print(f"wrote {path}: {len(cases)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
