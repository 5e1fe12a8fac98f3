"""The seed vocabulary against cleanlab 0.1.0's golden outputs (tests/golden)."""

from pathlib import Path

import numpy as np
import pytest

from cleannb import latent_algebra, latent_estimation, util

GOLDEN = Path(__file__).parent / "golden"
CASES = np.load(GOLDEN / "v010_cases.npz")
UTIL = np.load(GOLDEN / "v010_util_polyplex.npz")
MULTILABEL = np.load(GOLDEN / "v010_multilabel.npz")
N_CASES = int(CASES["n_cases"])
PY_METHODS = ["cnt", "eqn", "marginal", "marginal_ps"]


def case(i):
    prefix = f"case{i}/"
    return {k[len(prefix) :]: CASES[k] for k in CASES.files if k.startswith(prefix)}


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def singular(matrix):
    """Whether ``matrix`` is singular to working precision (condition number >= 1 / eps)."""
    return np.linalg.cond(matrix) >= 1 / np.finfo(np.float64).eps


def raw_noise_matrix(c):
    """P(s | y) from the calibrated joint before clipping: the matrix 0.1.0 inverts."""
    joint = c["cj_calibrated"]
    return joint / joint.sum(axis=0)


def eqn_prior_here(s, noise_matrix):
    """0.1.0's ``py_method='eqn'`` prior, ``inv(noise_matrix) @ p(s)`` clipped to [1e-5, 1]
    and rescaled to sum to 1, computed on this machine.

    For a singular noise matrix the inverse is rounding noise, and OpenBLAS picks its
    kernels by CPU model at run time: 0.1.0 itself gives another prior on another CPU
    (the golden's was made on a different Xeon). The noise matrices are still compared
    with the goldens, so this checks that cleannb applies 0.1.0's formula to 0.1.0's
    matrix, as the argsort ties are checked against numpy's order on the running CPU.
    """
    ps = np.bincount(s, minlength=len(noise_matrix)) / len(s)
    prior = np.clip(np.linalg.inv(noise_matrix).dot(ps), 1e-5, 1.0)
    return prior / prior.sum()


def produced(c, key):
    """Whether 0.1.0 gave a value for ``key``: not when it raised, nor when its output
    held NaN or inf (0/0 on a degenerate joint: garbage, see tests/golden/README.md)."""
    return key in c or f"{key}/py" in c


def test_goldens_hold_every_kind_of_tie():
    """The cases hold ties of every kind, and each kind in several cases."""
    cases = [case(i) for i in range(N_CASES)]
    kinds = {str(c["kind"]) for c in cases}
    assert {"tied", "float16", "round3", "sum099", "mixed", "round2"} <= kinds
    assert sum(int(c["ties/calibration"]) > 0 for c in cases) >= 15  # equal residuals
    assert sum(int(c["ties/tied_max"]) > 0 for c in cases) >= 8
    assert sum(int(c["ties/repeated_in_column"]) > 0 for c in cases) >= 15
    assert sum(int(c["ties/equal_own_probability"]) > 0 for c in cases) >= 10
    assert sum(c["psx"].dtype == np.float16 for c in cases) >= 3
    assert max(c["psx"].shape[1] for c in cases) == 50
    assert sum(np.any(np.bincount(c["s"]) == 1) for c in cases) >= 5  # one-example classes
    sums = [np.abs(c["psx"].astype(np.float64).sum(axis=1) - 1).max() for c in cases]
    assert sum(0.005 < d <= 0.02 for d in sums) >= 3  # rows summing to about 0.99


@pytest.mark.parametrize("i", range(N_CASES))
def test_confident_joint_matches_v010(i):
    c = case(i)
    cj, indices = latent_estimation.compute_confident_joint(
        c["s"], c["psx"], calibrate=False, return_indices_of_off_diagonals=True
    )
    np.testing.assert_array_equal(cj, c["cj_uncalibrated"])
    np.testing.assert_array_equal(indices, c["cj_indices"])
    np.testing.assert_array_equal(
        latent_estimation.compute_confident_joint(c["s"], c["psx"]), c["cj_calibrated"]
    )
    np.testing.assert_array_equal(
        latent_estimation.calibrate_confident_joint(c["cj_uncalibrated"], c["s"]),
        c["calibrate_confident_joint"],
    )
    close(latent_estimation.estimate_joint(c["s"], c["psx"]), c["estimate_joint"])
    assert latent_estimation.num_label_errors(c["s"], c["psx"]) == int(c["num_label_errors"])


@pytest.mark.parametrize("i", range(N_CASES))
def test_latent_estimates_match_v010(i):
    c = case(i)
    checked = 0
    for method in PY_METHODS:
        for converge in ("noconv", "conv"):
            key = f"estimate_latent/{method}/{converge}"
            if not produced(c, key):
                continue
            got = latent_estimation.estimate_latent(
                c["cj_calibrated"],
                c["s"],
                py_method=method,
                converge_latent_estimates=converge == "conv",
            )
            wanted = [c[f"{key}/{name}"] for name in ("py", "noise_matrix", "inv_noise_matrix")]
            if method == "eqn" and converge == "noconv" and singular(raw_noise_matrix(c)):
                wanted[0] = eqn_prior_here(c["s"], raw_noise_matrix(c))
            for value, expected in zip(got, wanted, strict=True):
                close(value, expected)
            checked += 1
    for converge in ("noconv", "conv"):
        key = f"estimate_py_and_noise/{converge}"
        if not produced(c, key):
            continue
        got = latent_estimation.estimate_py_and_noise_matrices_from_probabilities(
            c["s"], c["psx"], converge_latent_estimates=converge == "conv"
        )
        names = ("py", "noise_matrix", "inv_noise_matrix", "cj")
        for name, value in zip(names, got, strict=True):
            close(value, c[f"{key}/{name}"])
        checked += 1
    assert checked >= 1  # 0.1.0 gives garbage for some settings of degenerate joints only


@pytest.mark.parametrize("i", [i for i in range(N_CASES) if "algebra/py" in case(i)])
def test_latent_algebra_matches_v010(i):
    c = {k[len("algebra/") :]: v for k, v in case(i).items() if k.startswith("algebra/")}
    s = case(i)["s"]
    ps, py, nm, inv = c["ps"], c["py"], c["nm"], c["inv"]
    if "ps_py_inv/ps" in c:
        for got, key in zip(
            latent_algebra.compute_ps_py_inv_noise_matrix(s, nm), ("ps", "py", "inv"), strict=True
        ):
            close(got, c[f"ps_py_inv/{key}"])
    if "py_inv/py" in c:
        for got, key in zip(
            latent_algebra.compute_py_inv_noise_matrix(ps, nm), ("py", "inv"), strict=True
        ):
            close(got, c[f"py_inv/{key}"])
    outputs = {
        "inv_from_py": lambda: latent_algebra.compute_inv_noise_matrix(py, nm),
        "inv_from_py_ps": lambda: latent_algebra.compute_inv_noise_matrix(py, nm, ps),
        "nm_from_inv": lambda: latent_algebra.compute_noise_matrix_from_inverse(ps, inv),
        "nm_from_inv_py": lambda: latent_algebra.compute_noise_matrix_from_inverse(ps, inv, py),
        "pyx": lambda: latent_algebra.compute_pyx(case(i)["psx"], nm, inv),
    }
    for method in PY_METHODS:
        outputs[f"compute_py/{method}"] = lambda m=method: latent_algebra.compute_py(
            ps, nm, inv, m, c["y_count"]
        )
    for key, compute in outputs.items():
        if key in c:  # pyx only for N <= 300; none where 0.1.0's output is not finite
            close(compute(), c[key])


def util_groups(prefix):
    return sorted({k.split("/")[0] for k in UTIL.files if k.startswith(prefix)})


def test_util_matches_v010():
    def g(group, key):
        return UTIL[f"{group}/{key}"]

    checked = 0
    for group in util_groups("clip_noise_rates"):
        close(util.clip_noise_rates(g(group, "x")), g(group, "out"))
        checked += 1
    for group in util_groups("clip_values"):
        new_sum = float(g(group, "new_sum"))
        got = util.clip_values(
            g(group, "x"),
            float(g(group, "low")),
            float(g(group, "high")),
            None if np.isnan(new_sum) else new_sum,
        )
        close(got, g(group, "out"))
        checked += 1
    for group in util_groups("rps"):
        np.testing.assert_array_equal(util.round_preserving_sum(g(group, "x")), g(group, "out"))
        checked += 1
    for group in util_groups("rprt"):
        np.testing.assert_array_equal(
            util.round_preserving_row_totals(g(group, "x")), g(group, "out")
        )
        checked += 1
    for group in util_groups("value_counts"):
        x = g(group, "x")
        x = [int(v) for v in x] if bool(g(group, "as_list")) else x
        np.testing.assert_array_equal(util.value_counts(x), g(group, "out"))
        checked += 1
    for group in util_groups("confusion_matrix"):
        np.testing.assert_array_equal(
            util.confusion_matrix(g(group, "true"), g(group, "pred")), g(group, "out")
        )
        checked += 1
    for group in util_groups("estimate_pu_f1"):
        np.testing.assert_allclose(
            util.estimate_pu_f1(g(group, "s"), g(group, "prob_s_eq_1")),
            g(group, "out"),
            equal_nan=True,
        )
        checked += 1
    for group in util_groups("remove_noise_from_class"):
        matrix = g(group, "noise_matrix")
        for k in range(len(matrix)):
            close(util.remove_noise_from_class(matrix, k), g(group, f"out{k}"))
        checked += 1
    assert checked >= 30


@pytest.mark.parametrize(
    "group", sorted({k.split("/")[0] for k in MULTILABEL.files if k.startswith("ml")})
)
def test_multilabel_confident_joint_matches_v010(group):
    labels = [list(row) for row in MULTILABEL[f"{group}/labels"]]
    psx = MULTILABEL[f"{group}/psx"]
    for calibrate, key in ((True, "cj_calibrated"), (False, "cj_uncalibrated")):
        got = latent_estimation.compute_confident_joint(
            labels, psx, calibrate=calibrate, multi_label=True
        )
        np.testing.assert_array_equal(got, MULTILABEL[f"{group}/{key}"])
    close(
        latent_estimation.estimate_joint(labels, psx, multi_label=True),
        MULTILABEL[f"{group}/estimate_joint"],
    )


def test_seed_deviations_are_clear_errors():
    c = case(0)
    with pytest.raises(ValueError, match="K=.*psx"):
        latent_estimation.compute_confident_joint(c["s"], c["psx"], K=c["psx"].shape[1] + 1)
    with pytest.raises(ValueError, match="s contains class"):
        latent_estimation.compute_confident_joint(c["s"] + 1, c["psx"])
    with pytest.raises(ValueError, match="py_method"):
        latent_estimation.estimate_latent(c["cj_calibrated"], c["s"], py_method="bogus")


def test_missing_class_behaves_like_2x():
    """0.1.0 crashed on a class with no examples; cleannb never counts it as confident."""
    rng = np.random.default_rng(0)
    psx = rng.dirichlet(np.ones(3), 200)
    s = np.where(psx.argmax(1) == 2, 0, psx.argmax(1))
    cj = latent_estimation.compute_confident_joint(s, psx, calibrate=False)
    assert cj[:, 2].sum() == 0 and cj[2].sum() == 0
    np.testing.assert_array_equal(
        latent_estimation.compute_confident_joint(s, psx).sum(1), np.bincount(s, minlength=3)
    )


def test_deprecated_estimator_still_runs():
    c = case(1)
    with pytest.warns(UserWarning, match="deprecated"):  # 0.1.0's category
        matrices = latent_estimation.estimate_confident_joint_from_probabilities(
            c["s"], c["psx"], force_ps=3, return_list_of_converging_cj_matrices=True
        )
    assert len(matrices) == 3
    for matrix in matrices:
        np.testing.assert_array_equal(matrix, c["cj_calibrated"])
