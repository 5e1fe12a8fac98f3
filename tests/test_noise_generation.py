"""Tests for cleannb.noise_generation and cleannb.benchmarking.noise_generation."""

import doctest
import inspect
import os
import sys

import numpy as np
import pytest

import cleannb.benchmarking.noise_generation as bng
import cleannb.noise_generation as ng

sys.path.insert(0, os.path.dirname(__file__))
import naive_noise as naive  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(__file__), "golden", "v010_noise_generation.npz")


def random_labels(rng, n, k):
    y = rng.choice(k, size=n, p=rng.dirichlet(np.full(k, 4.0)))
    y[:k] = np.arange(k)
    return y


def uniform_matrix(rng, k, strength):
    nm = rng.dirichlet(np.ones(k), size=k).T + strength * np.eye(k)
    return nm / nm.sum(axis=0)


def global_state():
    name, keys, pos, has_gauss, gauss = np.random.get_state()  # noqa: NPY002 (the state under test)
    return name, keys.tolist(), pos, has_gauss, gauss


# ------------------------------------------------------- generated matrices
@pytest.mark.parametrize(
    "K, trace, frac, seed",
    [
        (3, 2.0, 0.0, 0),
        (4, 2.5, 0.3, 5),
        (5, 3.0, 0.5, 7),
        (10, 6.5, 0.4, 1),
        (30, 12.0, 0.4, 2),
        (60, 45.0, 0.9, 3),
        (400, 250.0, 0.4, 4),
    ],
)
def test_matrix_invariants(K, trace, frac, seed):
    py = np.random.default_rng(seed).dirichlet(np.full(K, 20.0))
    nm = ng.generate_noise_matrix_from_trace(K, trace, py=py, frac_zero_noise_rates=frac, seed=seed)
    assert nm.shape == (K, K) and nm.flags.c_contiguous
    np.testing.assert_allclose(nm.sum(axis=0), 1.0, rtol=0, atol=1e-12)
    assert abs(np.trace(nm) - trace) < 1e-9
    assert nm.min() >= 0 and nm.max() <= 1
    diag = np.diag(nm)
    assert diag.min() >= 1e-5 - 1e-6
    off = nm[~np.eye(K, dtype=bool)]
    assert off.max() <= 1 - 1e-5 + 1e-6
    assert not np.any(diag == 1.0)
    # every zero is one of the int(K (K - 1) frac) requested, capped at K - 2 per column
    assert np.count_nonzero(off == 0) == min(int(K * (K - 1) * frac), K * (K - 2))
    assert naive.is_valid(nm, py)


@pytest.mark.parametrize(
    "K, trace, frac, bounds",
    [
        (3, 2.0, 0.0, (1.0, 1e-5, 1 - 1e-5, 0.0)),
        (5, 3.0, 0.4, (1.0, 1e-5, 1 - 1e-5, 0.0)),
        (8, 5.0, 0.2, (1.0, 1e-5, 1 - 1e-5, 0.0)),
        (6, 4.0, 0.0, (0.8, 0.5, 0.3, 0.01)),
        (4, 3.0, 0.0, (0.9, 0.6, 1 - 1e-5, 0.0)),
        (12, 4.0, 0.5, (1.0, 1e-5, 1 - 1e-5, 0.0)),
    ],
)
def test_matrix_matches_naive_reference(K, trace, frac, bounds):
    py = np.random.default_rng(K).dirichlet(np.full(K, 10.0))
    names = ["max_trace_prob", "min_trace_prob", "max_noise_rate", "min_noise_rate"]
    kw = dict(zip(names, bounds, strict=True))
    got = ng.generate_noise_matrix_from_trace(
        K, trace, py=py, frac_zero_noise_rates=frac, seed=11, **kw
    )
    want = naive.trace_matrix(K, trace, *bounds, py, True, frac, ng._key(11), 10000)
    np.testing.assert_array_equal(got, want)
    hi, lo = bounds[2], bounds[3]
    off = got[~np.eye(K, dtype=bool)]
    assert off.max() <= hi + 1e-6 and off[off > 0].min() >= lo - 1e-6


def test_matrix_without_validity_and_two_classes():
    nm = ng.generate_noise_matrix_from_trace(5, 0.7, valid_noise_matrix=False, seed=3)
    assert abs(np.trace(nm) - 0.7) < 1e-9
    np.testing.assert_allclose(nm.sum(axis=0), 1, atol=1e-12)
    two = ng.generate_noise_matrix_from_trace(2, 1.5, seed=0)
    assert abs(np.trace(two) - 1.5) < 1e-12
    np.testing.assert_allclose(two.sum(axis=0), 1, atol=1e-12)
    sparse = ng.generate_noise_matrix_from_trace(2, 1.2, frac_zero_noise_rates=0.5, seed=1)
    assert sorted(sparse.ravel().round(12)) == [0.0, 0.2, 0.8, 1.0]


def test_exhausted_max_iter_warns_and_returns_none():
    with pytest.warns(UserWarning, match="max_noise_rate=0.01"):
        assert (
            ng.generate_noise_matrix_from_trace(
                4, 2.0, py=np.full(4, 0.25), max_noise_rate=0.01, max_iter=5
            )
            is None
        )
    skewed = np.array([0.97, 0.01, 0.01, 0.01])
    with pytest.warns(UserWarning, match=r"class \d failed P\(s=\d\) p\(y=\d\)"):
        assert ng.generate_noise_matrix_from_trace(4, 1.05, py=skewed, max_iter=3) is None
    with pytest.warns(UserWarning, match="max_iter=0"):
        assert (
            bng.generate_noise_matrix_from_trace(3, 2.0, py=np.full(3, 1 / 3), max_iter=0) is None
        )


# ---------------------------------------------------------------- validity
def test_is_valid_agrees_with_reference_on_300_matrices():
    rng = np.random.default_rng(0)
    verdicts = []
    for _ in range(300):
        k = int(rng.integers(2, 12))
        py = rng.dirichlet(np.full(k, rng.choice([0.3, 1.0, 5.0])))
        nm = uniform_matrix(rng, k, rng.uniform(0, 4))
        if rng.random() < 0.15:
            nm[:, 0] *= 1.05  # joint no longer sums to 1
        if np.min(np.abs(np.diag(nm * py) - (nm @ py) * py)) < 1e-12:
            continue
        want = naive.is_valid(nm, py)
        assert ng.noise_matrix_is_valid(nm, py) is want
        assert bng.noise_matrix_is_valid(nm, py) is want
        verdicts.append(want)
    assert len(verdicts) >= 250 and 50 <= sum(verdicts) <= len(verdicts) - 50


def test_is_valid_verbose_prints(capsys):
    assert ng.noise_matrix_is_valid(np.array([[0.8, 0.3], [0.2, 0.7]]), [0.5, 0.5], True)
    assert "P(s=1,y=1)" in capsys.readouterr().out


# ------------------------------------------------------------ noisy labels
@pytest.mark.parametrize("N, K", [(300, 2), (2000, 3), (5000, 10), (20000, 100), (200_000, 1000)])
def test_noisy_label_counts_equal_cleanlab_29(N, K):
    cl = pytest.importorskip("cleanlab.benchmarking.noise_generation")
    rng = np.random.default_rng(N + K)
    y = random_labels(rng, N, K)
    frac = 0.4 if K < 10 else 1 - 8 / (K - 1)  # about 8 noise rates per column
    nm = ng.generate_noise_matrix_from_trace(
        K, 0.6 * K, py=np.bincount(y) / N, frac_zero_noise_rates=frac, seed=K
    )
    before = np.random.get_state()  # noqa: NPY002 (the state under test)
    try:
        np.random.seed(K)  # noqa: NPY002 (cleanlab reads it)
        theirs = cl.generate_noisy_labels(y, nm)
    finally:
        np.random.set_state(before)  # noqa: NPY002
    ours = ng.generate_noisy_labels(y, nm, seed=0)
    want = np.zeros((K, K), dtype=np.int64)
    np.add.at(want, (theirs, y), 1)
    got = np.zeros((K, K), dtype=np.int64)
    np.add.at(got, (ours, y), 1)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, naive.noisy_counts(y, nm))
    assert (ours != y).sum() > 0.25 * N


@pytest.mark.parametrize("N, K, seed", [(50, 2, 0), (700, 3, 1), (3000, 7, 2), (4000, 30, 3)])
def test_noisy_labels_match_naive_reference(N, K, seed):
    rng = np.random.default_rng(seed)
    y = random_labels(rng, N, K)
    nm = uniform_matrix(rng, K, 2.0)
    got = ng.generate_noisy_labels(y, nm, seed=seed)
    np.testing.assert_array_equal(got, naive.flip_labels(y, nm, ng._key(seed)))


def test_noisy_labels_dtype_missing_class_and_readonly_inputs():
    y = np.array([0, 0, 0, 2, 2, 2, 2, 2] * 10, dtype=np.int32)  # class 1 absent
    nm = np.array([[0.8, 0.0, 0.1], [0.1, 1.0, 0.2], [0.1, 0.0, 0.7]])
    y.flags.writeable = False
    nm.flags.writeable = False
    y0, nm0 = y.copy(), nm.copy()
    s = ng.generate_noisy_labels(y, nm, seed=4)
    assert s.dtype == np.int32 and s is not y
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(nm, nm0)
    np.testing.assert_array_equal(
        naive.noisy_counts(y, nm)[:, [0, 2]],
        [[np.sum((s == i) & (y == j)) for j in (0, 2)] for i in range(3)],
    )
    assert ng.generate_noisy_labels(list(y0), nm, seed=4).tolist() == s.tolist()


# ------------------------------------------------------------ reproducibility
def test_same_seed_same_output_for_one_and_two_threads():
    rng = np.random.default_rng(1)
    K = 400  # (K, K) float64 is above the parallel threshold
    y = random_labels(rng, 300_000, K)
    py = np.bincount(y) / y.size
    runs = []
    for n_jobs in (1, 2, 1, 2):
        nm = ng.generate_noise_matrix_from_trace(
            K, 250.0, py=py, frac_zero_noise_rates=0.4, seed=8, n_jobs=n_jobs
        )
        runs.append((nm, ng.generate_noisy_labels(y, nm, seed=8, n_jobs=n_jobs)))
    for nm, s in runs[1:]:
        np.testing.assert_array_equal(nm, runs[0][0])
        np.testing.assert_array_equal(s, runs[0][1])
    other = ng.generate_noisy_labels(y, runs[0][0], seed=9)
    assert not np.array_equal(other, runs[0][1])


def test_seed_kinds():
    y = np.repeat(np.arange(3), 200)
    nm = np.array([[0.7, 0.1, 0.2], [0.2, 0.8, 0.1], [0.1, 0.1, 0.7]])
    assert not np.array_equal(ng.generate_noisy_labels(y, nm), ng.generate_noisy_labels(y, nm))
    a = ng.generate_noisy_labels(y, nm, seed=np.random.default_rng(3))
    b = ng.generate_noisy_labels(y, nm, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    m1 = ng.generate_noise_matrix_from_trace(3, 2.0, py=np.full(3, 1 / 3))
    m2 = ng.generate_noise_matrix_from_trace(3, 2.0, py=np.full(3, 1 / 3), seed=0)
    m3 = ng.generate_noise_matrix_from_trace(3, 2.0, py=np.full(3, 1 / 3), seed=1)
    np.testing.assert_array_equal(m1, m2)
    assert not np.array_equal(m1, m3)


def test_global_numpy_state_untouched_with_a_seed():
    """With an explicit seed the global RNG is not read (tests/test_rng.py covers
    seed=None, which draws from it)."""
    np.random.seed(123)  # noqa: NPY002 (the state under test)
    before = global_state()
    py = np.full(5, 0.2)
    y = np.repeat(np.arange(5), 40)
    with pytest.warns(DeprecationWarning):
        ng.generate_noise_matrix(4, 0.5, 0.2, seed=0)
    nm = ng.generate_noise_matrix_from_trace(5, 3.0, py=py, seed=1)
    bng.generate_noise_matrix_from_trace(2, 1.4, seed=2, frac_zero_noise_rates=0.6)
    ng.generate_noisy_labels(y, nm, seed=3)
    bng.generate_noisy_labels(y, nm, seed=4)
    ng.noise_matrix_is_valid(nm, py)
    ng.generate_n_rand_probabilities_that_sum_to_m(6, 2.0, 0.5, 0.1, seed=5)
    ng.randomly_distribute_N_balls_into_K_bins(20, 6, 5, 1, seed=6)
    assert global_state() == before


# ------------------------------------------------------------- small helpers
def test_rand_probabilities_and_balls():
    p = ng.generate_n_rand_probabilities_that_sum_to_m(50, 3.0, 0.1, 0.02, seed=2)
    assert abs(p.sum() - 3.0) < 1e-12 and p.max() <= 0.1 + 1e-6 and p.min() >= 0.02 - 1e-6
    want = naive.rand_probs(50, 3.0, 0.1, 0.02, naive.Stream(ng._key(2), 0, 0))
    np.testing.assert_array_equal(p, want)
    assert ng.generate_n_rand_probabilities_that_sum_to_m(0, 1.0).shape == (0,)
    b = ng.randomly_distribute_N_balls_into_K_bins(100, 7, 20, 3, seed=5)
    assert b.sum() == 100 and b.max() <= 20 and b.dtype == np.int64
    assert b.tolist() == naive.balls(100, 7, 20, 3, naive.Stream(ng._key(5), 0, 0))
    assert ng.randomly_distribute_N_balls_into_K_bins(30, 4, 5).sum() == 20  # capped, as cleanlab
    assert ng.randomly_distribute_N_balls_into_K_bins(0, 3).tolist() == [0, 0, 0]


def test_deprecated_generator():
    with pytest.warns(DeprecationWarning, match="generate_noise_matrix_from_trace"):
        nm = ng.generate_noise_matrix(6, 0.4, 0.3, seed=1)
    np.testing.assert_allclose(nm.sum(axis=0), 1, atol=1e-12)
    off = nm[~np.eye(6, dtype=bool)]
    assert off.max() <= 0.4 and np.allclose(off * 100, np.round(off * 100), rtol=0, atol=1e-9)


# --------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: ng.generate_noise_matrix_from_trace(4, 0.9, py=np.full(4, 0.25)),
            ValueError,
            "trace > 1",
        ),
        (
            lambda: ng.generate_noise_matrix_from_trace(4, 4.5, py=np.full(4, 0.25)),
            ValueError,
            "trace must be between",
        ),
        (lambda: ng.generate_noise_matrix_from_trace(4, 2.0), ValueError, "py must be provided"),
        (
            lambda: ng.generate_noise_matrix_from_trace(4, 2.0, py=[0.3, 0.3, 0.3, 0.03]),
            ValueError,
            r"py must sum to 1 \(got 0.93\); normalise it",
        ),
        (
            lambda: ng.generate_noise_matrix_from_trace(4, 2.0, py=[0.5, 0.5]),
            ValueError,
            r"py must be a 1-D array of 4",
        ),
        (lambda: ng.generate_noise_matrix_from_trace(1, 2.0), ValueError, "K must be >= 2"),
        (lambda: ng.generate_noise_matrix_from_trace(3.0, 2.0), TypeError, "K must be an integer"),
        (
            lambda: ng.generate_noise_matrix_from_trace(4, 3.0, 0.6, py=np.full(4, 0.25)),
            ValueError,
            "raise max_trace_prob",
        ),
        (
            lambda: ng.generate_noise_matrix_from_trace(4, 2.0, py=np.full(4, 0.25), seed=-1),
            ValueError,
            "seed must be >= 0",
        ),
        (lambda: ng.generate_noisy_labels([0, 1, 3], np.eye(3)), ValueError, "labels 0..2"),
        (lambda: ng.generate_noisy_labels([0.5, 1], np.eye(2)), TypeError, "integer class labels"),
        (lambda: ng.generate_noisy_labels([0, 1], np.eye(3)[:2]), ValueError, "square"),
        (
            lambda: ng.generate_noisy_labels([0, 1], [[0.9, 0.1], [0.2, 0.9]]),
            ValueError,
            r"column 0 sums to 1.1.*noise_matrix.sum\(axis=0\)",
        ),
        (
            lambda: ng.generate_noisy_labels([0, 1], [[1.2, 0.1], [-0.2, 0.9]]),
            ValueError,
            r"\[0, 1\]",
        ),
        (lambda: ng.generate_noisy_labels([0, 1], [[np.nan, 0.1], [0.2, 0.9]]), ValueError, "NaN"),
        (lambda: ng.noise_matrix_is_valid(np.eye(3), [0.5, 0.5]), ValueError, "py must be"),
        (
            lambda: ng.generate_n_rand_probabilities_that_sum_to_m(4, 2.0, 0.4),
            ValueError,
            "max_prob must be >= m / n",
        ),
        (
            lambda: ng.generate_n_rand_probabilities_that_sum_to_m(4, 1.0, 1.0, 0.3),
            ValueError,
            "min_prob must be <= m / n",
        ),
        (lambda: ng.randomly_distribute_N_balls_into_K_bins(-1, 3), ValueError, "N must be >= 0"),
    ],
)
def test_bad_input_raises_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ------------------------------------------------------ the two vocabularies
def test_benchmarking_signatures_are_keyword_only_and_wrap_the_same_code():
    for name in bng.__all__:
        params = list(inspect.signature(getattr(bng, name)).parameters.values())
        assert all(p.kind == p.KEYWORD_ONLY for p in params[2:]), name
    assert "verbose" not in inspect.signature(bng.generate_noisy_labels).parameters
    assert not hasattr(bng, "generate_noise_matrix")
    py = np.full(5, 0.2)
    np.testing.assert_array_equal(
        bng.generate_noise_matrix_from_trace(5, 3.0, py=py, frac_zero_noise_rates=0.3, seed=4),
        ng.generate_noise_matrix_from_trace(5, 3.0, 1.0, 1e-5, 1 - 1e-5, 0.0, True, py, 0.3, 4),
    )
    assert (
        ng.randomly_distribute_N_balls_into_K_bins(9, 3, 4, 1, seed=2).tolist()
        == bng.randomly_distribute_N_balls_into_K_bins(
            9, 3, max_balls_per_bin=4, min_balls_per_bin=1, seed=2
        ).tolist()
    )


@pytest.mark.parametrize("module", [ng, bng])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------ golden 0.1.0
@pytest.mark.skipif(
    not os.path.exists(GOLDEN), reason="tests/golden/v010_noise_generation.npz absent"
)
def test_against_cleanlab_010_golden():
    data = np.load(GOLDEN, allow_pickle=False)
    keys = set(data.files)
    for k in (2, 3, 4, 5, 8):
        q = f"noise_matrix_is_valid/K{k}/"
        for nm, py, valid in zip(
            data[q + "noise_matrix"], data[q + "py"], data[q + "valid"], strict=True
        ):
            assert ng.noise_matrix_is_valid(nm, py) == bool(valid)
    compared = 0
    for i in range(4):
        q = f"noisy_labels{i}/"
        if q + "counts_s_y" not in keys:
            continue
        y, nm = data[q + "y"], data[q + "noise_matrix"]
        s = ng.generate_noisy_labels(y, nm, seed=i)
        got = np.zeros_like(data[q + "counts_s_y"])
        np.add.at(got, (s, y), 1)
        np.testing.assert_array_equal(got, data[q + "counts_s_y"])
        compared += 1
    for i in range(10):
        q = f"from_trace{i}/"
        if q + "out" not in keys:
            continue
        k, trace, frac = (
            int(data[q + "K"]),
            float(data[q + "trace"]),
            float(data[q + "frac_zero_noise_rates"]),
        )
        py = data[q + "py"] if data[q + "py"].size else None
        nm = ng.generate_noise_matrix_from_trace(
            k,
            trace,
            float(data[q + "max_trace_prob"]),
            float(data[q + "min_trace_prob"]),
            valid_noise_matrix=bool(data[q + "valid_noise_matrix"]),
            py=py,
            frac_zero_noise_rates=frac,
            seed=int(data[q + "seed"]),
        )
        theirs = data[q + "out"]
        assert nm.shape == theirs.shape
        assert abs(np.trace(nm) - np.trace(theirs)) < 1e-9
        np.testing.assert_allclose(nm.sum(axis=0), theirs.sum(axis=0), atol=1e-9)
        assert np.count_nonzero(nm == 0) == np.count_nonzero(theirs == 0)
        if q + "out_is_valid" in keys:
            assert ng.noise_matrix_is_valid(nm, py) == bool(data[q + "out_is_valid"])
        compared += 1
    assert compared >= 10
