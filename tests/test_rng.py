"""Where every random function of cleannb takes its randomness from.

``seed=None``: numpy's global RNG, so ``np.random.seed(k)`` before a call
reproduces it (in this process and in another one), and every call moves the
global state on. An int or a ``numpy.random.Generator``: the global state is
exactly what it was, and the result does not depend on it.
"""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import cleannb
import cleannb.benchmarking.noise_generation as bng
import cleannb.noise_generation as ng
from cleannb import count, latent_estimation
from cleannb.classification import CleanLearning, LearningWithNoisyLabels

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def global_state():
    name, keys, pos, has_gauss, gauss = np.random.get_state()  # noqa: NPY002 (the state under test)
    return name, keys.tolist(), pos, has_gauss, gauss


@pytest.fixture(autouse=True)
def _restore_global_state():
    state = np.random.get_state()  # noqa: NPY002
    yield
    np.random.set_state(state)  # noqa: NPY002


class Recording(LogisticRegression):
    """LogisticRegression that notes the sum of each training set it is fitted on.

    The sums identify the cross-validation folds, so two runs with different
    folds differ even when the masks and joints they lead to coincide.
    """

    fits: list[float] = []

    def fit(self, X, y, sample_weight=None):
        Recording.fits.append(float(np.asarray(X).sum()))
        return super().fit(X, y, sample_weight=sample_weight)


# ------------------------------------------------------------------ inputs
Y = np.repeat(np.arange(3), [300, 400, 300])
NM = np.array([[0.7, 0.1, 0.2], [0.2, 0.8, 0.1], [0.1, 0.1, 0.7]])
PY = np.array([0.3, 0.4, 0.3])


def _features():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(2.5, 1, (30, 2))]
    s = np.repeat([0, 1], 30)
    s[[0, 1, 2, 40, 41]] = 1 - s[[0, 1, 2, 40, 41]]
    return X, s


X, S = _features()


def _deprecated_matrix(seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return ng.generate_noise_matrix(4, 0.4, 0.2, seed=seed)


def _fitted(cls, seed):
    model = cls(clf=Recording(), seed=seed, cv_n_folds=3).fit(X, S)
    mask = getattr(model, "noise_mask_", getattr(model, "label_issues_mask_", None))
    return mask, model.confident_joint_, model.noise_matrix_, model.clf_.coef_


def _cv(function):
    return lambda seed: function(X, S, clf=Recording(), cv_n_folds=3, seed=seed)


#: name -> (the public callable, a call taking ``seed``)
CASES = {
    "noise_generation.generate_noisy_labels": (
        ng.generate_noisy_labels,
        lambda seed: ng.generate_noisy_labels(Y, NM, seed=seed),
    ),
    "noise_generation.generate_noise_matrix_from_trace": (
        ng.generate_noise_matrix_from_trace,
        lambda seed: ng.generate_noise_matrix_from_trace(
            4, 2.6, py=np.full(4, 0.25), frac_zero_noise_rates=0.25, seed=seed
        ),
    ),
    "noise_generation.generate_noise_matrix_from_trace/K=2": (
        ng.generate_noise_matrix_from_trace,
        lambda seed: ng.generate_noise_matrix_from_trace(2, 1.3, seed=seed),
    ),
    "noise_generation.generate_noise_matrix_from_trace/K=2 zeros": (
        ng.generate_noise_matrix_from_trace,
        lambda seed: ng.generate_noise_matrix_from_trace(
            2, 1.3, frac_zero_noise_rates=0.5, seed=seed
        ),
    ),
    "noise_generation.generate_n_rand_probabilities_that_sum_to_m": (
        ng.generate_n_rand_probabilities_that_sum_to_m,
        lambda seed: ng.generate_n_rand_probabilities_that_sum_to_m(6, 2.0, 0.5, 0.1, seed=seed),
    ),
    "noise_generation.randomly_distribute_N_balls_into_K_bins": (
        ng.randomly_distribute_N_balls_into_K_bins,
        lambda seed: ng.randomly_distribute_N_balls_into_K_bins(10_000, 8, seed=seed),
    ),
    "noise_generation.generate_noise_matrix": (ng.generate_noise_matrix, _deprecated_matrix),
    "benchmarking.noise_generation.generate_noisy_labels": (
        bng.generate_noisy_labels,
        lambda seed: bng.generate_noisy_labels(Y, NM, seed=seed),
    ),
    "benchmarking.noise_generation.generate_noise_matrix_from_trace": (
        bng.generate_noise_matrix_from_trace,
        lambda seed: bng.generate_noise_matrix_from_trace(3, 2.2, py=PY, seed=seed),
    ),
    "benchmarking.noise_generation.generate_n_rand_probabilities_that_sum_to_m": (
        bng.generate_n_rand_probabilities_that_sum_to_m,
        lambda seed: bng.generate_n_rand_probabilities_that_sum_to_m(
            5, 1.0, max_prob=0.4, seed=seed
        ),
    ),
    "benchmarking.noise_generation.randomly_distribute_N_balls_into_K_bins": (
        bng.randomly_distribute_N_balls_into_K_bins,
        lambda seed: bng.randomly_distribute_N_balls_into_K_bins(
            10_000, 8, max_balls_per_bin=2000, seed=seed
        ),
    ),
    "classification.LearningWithNoisyLabels": (
        LearningWithNoisyLabels,
        lambda seed: _fitted(LearningWithNoisyLabels, seed),
    ),
    "classification.CleanLearning": (CleanLearning, lambda seed: _fitted(CleanLearning, seed)),
}
for _module in (count, latent_estimation):
    for _name in (
        "estimate_confident_joint_and_cv_pred_proba",
        "estimate_cv_predicted_probabilities",
        "estimate_noise_matrices",
        "estimate_py_noise_matrices_and_cv_pred_proba",
    ):
        _function = getattr(_module, _name)
        CASES[f"{_module.__name__.split('.')[-1]}.{_name}"] = (_function, _cv(_function))

#: Cases whose result can repeat on a new draw (a coin decides the matrix).
MAY_REPEAT = {"noise_generation.generate_noise_matrix_from_trace/K=2 zeros"}


def run(name, seed):
    """The case's result as a list of arrays, with the training sets' sums."""
    Recording.fits.clear()
    result = CASES[name][1](seed)
    parts = list(result) if isinstance(result, tuple) else [result]
    return [np.asarray(part) for part in parts] + [np.array(Recording.fits)]


def same(a, b):
    return len(a) == len(b) and all(
        x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b, strict=True)
    )


# -------------------------------------------------------------- the tests
def test_every_random_public_function_is_covered():
    """Every public callable with a ``seed`` or ``random_state`` has a case."""
    modules = [f"cleannb.{name}" for name in cleannb._SUBMODULES] + [
        "cleannb.benchmarking.noise_generation",
        "cleannb.multilabel_classification.filter",
        "cleannb.multilabel_classification.rank",
    ]
    covered = [target for target, _ in CASES.values()]
    missing = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            target = obj.__init__ if inspect.isclass(obj) else obj
            if not callable(target):
                continue
            try:
                parameters = inspect.signature(target).parameters
            except (TypeError, ValueError):
                continue
            if {"seed", "random_state"} & set(parameters) and not any(obj is c for c in covered):
                missing.append(f"{module_name}.{name}")
    assert not missing


@pytest.mark.parametrize("name", sorted(CASES))
def test_global_seed_reproduces_the_call(name):
    np.random.seed(11)  # noqa: NPY002 (the state under test)
    first = run(name, None)
    np.random.seed(11)  # noqa: NPY002
    second = run(name, None)
    assert same(first, second)


@pytest.mark.parametrize("name", sorted(CASES))
def test_calls_without_reseeding_draw_afresh(name):
    np.random.seed(11)  # noqa: NPY002 (the state under test)
    start = global_state()
    first = run(name, None)
    middle = global_state()
    second = run(name, None)
    assert start != middle != global_state()
    if name not in MAY_REPEAT:
        assert not same(first, second)


@pytest.mark.parametrize("kind", ["int", "generator"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_explicit_seed_leaves_the_global_rng_alone(name, kind):
    def seed():
        return 5 if kind == "int" else np.random.default_rng(5)

    results = []
    for global_seed in (11, 12):
        np.random.seed(global_seed)  # noqa: NPY002 (the state under test)
        before = global_state()
        results.append(run(name, seed()))
        assert global_state() == before
    assert same(*results)  # and the global state does not matter


def test_default_seed_of_generate_noise_matrix_from_trace_is_zero():
    """0.1.0's and 2.9's default ``seed=0``: fixed, and the global RNG untouched."""
    before = global_state()
    for module in (ng, bng):
        nm = module.generate_noise_matrix_from_trace(3, 2.2, py=PY)
        zero = module.generate_noise_matrix_from_trace(3, 2.2, py=PY, seed=0)
        np.testing.assert_array_equal(nm, zero)
    assert global_state() == before


SCRIPT = """
import numpy as np
from cleannb.noise_generation import generate_noise_matrix_from_trace, generate_noisy_labels
np.random.seed(0)
nm = generate_noise_matrix_from_trace(3, 2.2, py=np.array([0.3, 0.4, 0.3]), seed=None)
y = np.repeat(np.arange(3), [300, 400, 300])
print(nm.round(15).tolist())
print(generate_noisy_labels(y, nm).tolist())
"""


def test_np_random_seed_reproduces_across_processes():
    path = os.pathsep.join(filter(None, [REPO, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    outputs = [
        subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, env=env
        ).stdout
        for _ in range(2)
    ]
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == 2
    np.random.seed(0)  # noqa: NPY002 (the same run in this process)
    nm = ng.generate_noise_matrix_from_trace(3, 2.2, py=PY, seed=None)
    assert outputs[0].splitlines()[1] == str(ng.generate_noisy_labels(Y, nm).tolist())
