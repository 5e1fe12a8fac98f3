"""Golden fixture from cleanlab 0.1.0 for psx with values a little outside [0, 1].

Only *calls* cleanlab 0.1.0 (which accepts any values); not run by pytest and
not in cleannb's environment. Run it in a scratch venv::

    python3 -m venv /tmp/v010
    /tmp/v010/bin/pip install cleanlab==0.1.0 "scikit-learn<1.8" numpy==2.4.6 scipy
    /tmp/v010/bin/python tests/golden/make_golden_near_one.py

Writes ``v010_near_one.npz`` next to itself: for each case ``caseN``, the
inputs ``caseN/s`` and ``caseN/psx`` and 0.1.0's outputs (keys in
``tests/test_near_one.py``). Inputs come from ``np.random.default_rng(seed)``;
the output is deterministic. numpy must be the version cleannb is tested with
(here 2.4.6): 0.1.0 orders tied margins with ``np.argsort``, whose order of
equal keys differs between numpy versions (case 4 has many).
"""

import os
import warnings

import cleanlab
import numpy as np
from cleanlab import latent_estimation, pruning

assert cleanlab.__version__ == "0.1.0", cleanlab.__version__

HERE = os.path.dirname(os.path.abspath(__file__))


def rows_with_noise(rng, n, k, noise=0.2):
    """Dirichlet rows leaning to a latent class; labels flipped with probability ``noise``."""
    true = np.arange(n) % k
    rng.shuffle(true)
    psx = rng.dirichlet(np.ones(k), n) + 3.0 * np.eye(k)[true] * rng.random((n, 1))
    psx /= psx.sum(axis=1, keepdims=True)
    s = true.copy()
    flip = rng.random(n) < noise
    s[flip] = (s[flip] + rng.integers(1, k, flip.sum())) % k
    return s, psx


def near_one(seed, n, k, dtype, share=0.4):
    """A ``share`` of the rows rounded one-hot: top in (1 + 1e-6, 1.001], others in
    [-0.9e-6, 1e-6], a third of them 0."""
    rng = np.random.default_rng(seed)
    s, psx = rows_with_noise(rng, n, k)
    rows = np.flatnonzero(rng.random(n) < share)
    top = np.where(rng.random(len(rows)) < 0.8, s[rows], rng.integers(0, k, len(rows)))
    near = rng.uniform(-0.9e-6, 1e-6, (len(rows), k))
    near[rng.random(near.shape) < 1 / 3] = 0.0
    near[np.arange(len(rows)), top] = 1.0 + rng.uniform(2e-6, 0.9e-3, len(rows))
    psx[rows] = near
    return s, psx.astype(dtype)


def imdb_like(seed, n):
    """Two classes rounded to 5 decimals; some rows read 1.00001."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, 2, n)
    positive = np.clip(rng.beta(0.3, 0.3, n) * 0.6 + 0.4 * true - 0.2, 0, 1)
    psx = np.round(np.stack([1 - positive, positive], axis=1), 5)
    sure = rng.random(n) < 0.05
    psx[sure] = np.where(psx[sure] > 0.5, 1.00001, 0.0)
    s = np.where(rng.random(n) < 0.1, 1 - true, true)
    return s, psx


def tiny_class(seed, n, k, dtype):
    """Class k-1 never gets more than about 1e-6: its mean self-confidence, 0.1.0's
    threshold (no lower clip), lies in (-1e-6, 1e-6), a negative limit after the 1e-6."""
    rng = np.random.default_rng(seed)
    s, psx = near_one(seed, n, k - 1, np.float64)
    psx = np.hstack([psx, rng.uniform(-0.9e-6, 0.3e-6, (n, 1))])
    s[rng.random(n) < 0.15] = k - 1
    s[:k] = np.arange(k)
    return s, psx.astype(dtype)


CASES = [
    (near_one, (0, 300, 4, np.float64), None),
    (near_one, (1, 600, 5, np.float64), [0.9, 0.8, 0.0, 0.85, 5e-7]),
    (near_one, (2, 500, 3, np.float32), None),
    (near_one, (3, 400, 4, np.float16), None),
    (imdb_like, (4, 1000), None),
    (tiny_class, (5, 500, 4, np.float64), None),
    (tiny_class, (6, 500, 4, np.float32), [0.9, 0.8, 0.85, -1e-7]),
]


def main():
    store = {}
    for number, (make, args, thresholds) in enumerate(CASES):
        key = f"case{number}"
        s, psx = make(*args)
        store[f"{key}/s"], store[f"{key}/psx"] = s, psx
        store[f"{key}/cj"] = latent_estimation.compute_confident_joint(s, psx)
        cj_raw, rows = latent_estimation.compute_confident_joint(
            s, psx, calibrate=False, return_indices_of_off_diagonals=True
        )
        store[f"{key}/cj_raw"], store[f"{key}/cj_raw_rows"] = cj_raw, rows
        if thresholds is not None:
            store[f"{key}/thresholds"] = np.array(thresholds)
            store[f"{key}/cj_given_thresholds"] = latent_estimation.compute_confident_joint(
                s, psx, thresholds=np.array(thresholds)
            )
        py, nm, inv, _ = latent_estimation.estimate_py_and_noise_matrices_from_probabilities(s, psx)
        store[f"{key}/py"], store[f"{key}/noise_matrix"] = py, nm
        store[f"{key}/inverse_noise_matrix"] = inv
        for method in ("prune_by_noise_rate", "prune_by_class", "both"):
            store[f"{key}/noise_{method}"] = pruning.get_noise_indices(
                s, psx, prune_method=method, n_jobs=1
            )
        store[f"{key}/noise_sorted_margin"] = pruning.get_noise_indices(
            s, psx, sorted_index_method="normalized_margin", n_jobs=1
        )
        print(key, psx.dtype, psx.shape, psx.min(), psx.max(), "cj", cj_raw.tolist())
    store["meta/versions"] = np.array(f"cleanlab {cleanlab.__version__}, numpy {np.__version__}")
    np.savez_compressed(os.path.join(HERE, "v010_near_one.npz"), **store)


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main()
