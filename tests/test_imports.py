"""Importing the functional API stays light: heavy dependencies load on first use.

``import cleannb.filter`` (and count, rank, ...) must not pull in
scikit-learn, pandas or scipy's subpackages; the functions that need them
import them when called. Each check runs in a fresh interpreter, since this
test process has long imported everything.

Numba itself imports the top-level ``scipy`` package (a version check in
``numba/__init__.py``), so ``scipy`` is compared with what ``import numba``
alone loads: cleannb must add no scipy module to it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = (
    "cleannb.filter",
    "cleannb.count",
    "cleannb.rank",
    "cleannb.noise_generation",
    "cleannb.pruning",
    "cleannb.latent_estimation",
)
#: Other modules that need no heavy dependency on import either.
OTHERS = (
    "cleannb.dataset",
    "cleannb.latent_algebra",
    "cleannb.util",
    "cleannb.polyplex",
    "cleannb.baseline_methods",
    "cleannb.multilabel_classification",
    "cleannb.benchmarking.noise_generation",
    "cleannb.experimental",
)
#: Packages that only some functions need (loaded lazily by them).
HEAVY = (
    "sklearn",
    "sklearn.model_selection",
    "pandas",
    "tqdm",
    "matplotlib",
    "dask",
    "distributed",
)

LOADED = """
import json, sys
import numba
before = sorted(m for m in sys.modules if m == "scipy" or m.startswith("scipy."))
import {modules}
print(json.dumps({{
    "heavy": [m for m in {heavy!r} if m in sys.modules],
    "scipy_before": before,
    "scipy_after": sorted(m for m in sys.modules if m == "scipy" or m.startswith("scipy.")),
}}))
"""


def _run(script):
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("modules", [CORE, OTHERS], ids=["core", "others"])
def test_import_loads_no_heavy_dependency(modules):
    loaded = _run(LOADED.format(modules=", ".join(modules), heavy=HEAVY))
    assert loaded["heavy"] == []
    added = sorted(set(loaded["scipy_after"]) - set(loaded["scipy_before"]))
    assert added == [], f"importing {modules} loaded scipy modules {added}"


USE = """
import json, sys
import numpy as np
import {core}
assert "pandas" not in sys.modules and "sklearn" not in sys.modules

from cleannb.dataset import health_summary
joint = np.array([[0.4, 0.1], [0.05, 0.45]])
summary = health_summary(joint=joint, num_examples=100, verbose=False)
frame = summary["classes_by_label_quality"]
after_pandas = ["pandas" in sys.modules, "sklearn" in sys.modules]

from cleannb.count import estimate_cv_predicted_probabilities
X = np.r_[np.zeros((10, 1)), np.ones((10, 1))] + np.linspace(0, 0.1, 20)[:, None]
pred_probs = estimate_cv_predicted_probabilities(X, [0] * 10 + [1] * 10, cv_n_folds=2, seed=0)
print(json.dumps({{
    "after_pandas": after_pandas,
    "frame_type": type(frame).__module__ + "." + type(frame).__name__,
    "class_index": frame["Class Index"].tolist(),
    "score": float(summary["overall_label_health_score"]),
    "model_selection": "sklearn.model_selection" in sys.modules,
    "pred_probs_shape": list(pred_probs.shape),
    "row_sums_one": bool(np.allclose(pred_probs.sum(axis=1), 1.0)),
}}))
"""


def test_functions_load_what_they_need_when_called():
    got = _run(USE.format(core=", ".join(CORE)))
    # health_summary loads pandas, and only pandas (not scikit-learn).
    assert got["after_pandas"] == [True, False]
    assert got["frame_type"].startswith("pandas.") and got["frame_type"].endswith(".DataFrame")
    assert got["class_index"] == [0, 1]  # worst first: 20 % of class 0 is noise, 10 % of class 1
    assert got["score"] == pytest.approx(0.85)
    # Cross-validation loads scikit-learn's model selection and works.
    assert got["model_selection"] is True
    assert got["pred_probs_shape"] == [20, 2]
    assert got["row_sums_one"] is True
