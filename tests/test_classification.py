"""LearningWithNoisyLabels and CleanLearning: learning, parity with cleanlab 2.9, sklearn API."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    check_cv,
    cross_val_score,
    train_test_split,
)
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from cleannb import latent_estimation, pruning
from cleannb.classification import CleanLearning, LearningWithNoisyLabels
from cleannb.count import estimate_cv_predicted_probabilities

SEEDS = range(10)
# 0.1.0's test data: three Gaussians, noise matrix of trace 2.4 (columns: true class).
GAUSS_MEANS = [[3, 2], [7, 7], [0, 8]]
GAUSS_COVS = [[[5, -1.5], [-1.5, 1]], [[1, 0.5], [0.5, 4]], [[5, 1], [1, 5]]]
GAUSS_NOISE = np.array([[0.8, 0.1, 0.15], [0.12, 0.75, 0.0], [0.08, 0.15, 0.85]])
# Iris: 30 % of each class flipped, class-conditionally.
IRIS_NOISE = np.array([[0.7, 0.2, 0.1], [0.25, 0.7, 0.2], [0.05, 0.1, 0.7]])


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    # Many small LogisticRegression fits: multi-threaded BLAS only adds contention.
    with threadpool_limits(1, user_api="blas"):
        yield


def flip_labels(y, noise_matrix, rng):
    """Flip exactly round(P(s=j|y=k) * n_k) labels of each class k to j (seeded)."""
    s = y.copy()
    for k in range(len(noise_matrix)):
        rows = rng.permutation(np.flatnonzero(y == k))
        counts = np.round(noise_matrix[:, k] * len(rows)).astype(int)
        start = counts[k]
        for j in np.flatnonzero(np.arange(len(noise_matrix)) != k):
            s[rows[start : start + counts[j]]] = j
            start += counts[j]
    return s


def gaussians(seed, sizes=(400, 200, 200), test_sizes=(100, 50, 50)):
    rng = np.random.default_rng(seed)

    def draw(n):
        X = np.vstack(
            [
                rng.multivariate_normal(m, c, size=k)
                for m, c, k in zip(GAUSS_MEANS, GAUSS_COVS, n, strict=True)
            ]
        )
        return X, np.repeat(np.arange(3), n)

    X, y = draw(sizes)
    X_test, y_test = draw(test_sizes)
    return X, y, flip_labels(y, GAUSS_NOISE, rng), X_test, y_test


def noisy_iris(seed):
    X, y = load_iris(return_X_y=True)
    X, X_test, y, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
    return X, y, flip_labels(y, IRIS_NOISE, np.random.default_rng(seed)), X_test, y_test


def _precision(flagged, y, s):
    return np.mean(y[flagged] != s[flagged]) if flagged.any() else 1.0


@pytest.mark.parametrize(
    "make, clf",
    [
        (gaussians, LogisticRegression()),
        (noisy_iris, LogisticRegression(max_iter=1000)),
    ],
    ids=["gaussians", "iris"],
)
def test_learning_beats_training_on_noisy_labels(make, clf):
    scores = {"noisy": [], "lnl": [], "cl": []}
    precision = {"lnl": [], "cl": []}
    for seed in SEEDS:
        X, y, s, X_test, y_test = make(seed)
        scores["noisy"].append(clone(clf).fit(X, s).score(X_test, y_test))
        lnl = LearningWithNoisyLabels(clf, seed=seed).fit(X, s)
        cl = CleanLearning(clf, seed=seed).fit(X, s)
        scores["lnl"].append(lnl.score(X_test, y_test))
        scores["cl"].append(cl.score(X_test, y_test))
        precision["lnl"].append(_precision(lnl.noise_mask_, y, s))
        precision["cl"].append(_precision(cl.label_issues_mask_, y, s))
    mean = {name: np.mean(values) for name, values in scores.items()}
    assert mean["lnl"] > mean["noisy"] and mean["cl"] > mean["noisy"], mean
    assert np.mean(precision["lnl"]) > 0.7 and np.mean(precision["cl"]) > 0.7, precision


# ---------------------------------------------------------------- cleanlab 2.9
@pytest.fixture
def cleanlab_classification():
    """cleanlab 2.9's module; its CleanLearning(seed=...) reseeds numpy's global RNG,
    so the global state is restored afterwards."""
    module = pytest.importorskip("cleanlab.classification")
    state = np.random.get_state()  # noqa: NPY002 (the global state is the subject)
    yield module
    np.random.set_state(state)  # noqa: NPY002


def _binary(seed):
    X, y, s, _, _ = gaussians(seed)
    keep = (y < 2) & (s < 2)
    return X[keep], y[keep], s[keep]


PARITY_CASES = {
    "default": ({}, {}),
    "prune_by_class": ({"find_label_issues_kwargs": {"filter_by": "prune_by_class"}}, {}),
    "both": ({"find_label_issues_kwargs": {"filter_by": "both", "frac_noise": 0.5}}, {}),
    "confident_learning": ({"find_label_issues_kwargs": {"filter_by": "confident_learning"}}, {}),
    "min_examples": ({"find_label_issues_kwargs": {"min_examples_per_class": 1}}, {}),
    "normalized_margin": ({"label_quality_scores_kwargs": {"method": "normalized_margin"}}, {}),
    "converge": ({"converge_latent_estimates": True}, {}),
    "noise_matrix": ({}, {"noise_matrix": GAUSS_NOISE}),
    "inverse_noise_matrix": ({}, {"inverse_noise_matrix": GAUSS_NOISE.T / GAUSS_NOISE.sum(1)}),
    "thresholds": ({}, {"thresholds": np.array([0.6, 0.5, 0.55])}),
    "pulearning": ({"pulearning": 1}, {}),
}


@pytest.mark.parametrize("case", sorted(PARITY_CASES))
def test_same_issues_and_predictions_as_cleanlab(case, cleanlab_classification):
    init_kwargs, fit_kwargs = PARITY_CASES[case]
    for seed in range(2):
        if case == "pulearning":
            X, _, s = _binary(seed)
        else:
            X, _, s, _, _ = gaussians(seed)
        pred_probs = estimate_cv_predicted_probabilities(X, s, seed=seed)
        ours = CleanLearning(seed=seed, **init_kwargs).fit(
            X, s, pred_probs=pred_probs, **fit_kwargs
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = cleanlab_classification.CleanLearning(seed=seed, **init_kwargs).fit(
                X, s, pred_probs=pred_probs, **fit_kwargs
            )
        ours_df, theirs_df = ours.get_label_issues(), theirs.get_label_issues()
        np.testing.assert_array_equal(ours_df["is_label_issue"], theirs_df["is_label_issue"])
        np.testing.assert_allclose(
            ours_df["label_quality"], theirs_df["label_quality"], rtol=1e-12, atol=1e-15
        )
        for column in ("given_label", "predicted_label"):
            np.testing.assert_array_equal(ours_df[column], theirs_df[column])
        if "sample_weight" in theirs_df:
            np.testing.assert_allclose(ours_df["sample_weight"], theirs_df["sample_weight"])
        np.testing.assert_allclose(ours.noise_matrix_, theirs.noise_matrix, rtol=1e-12)
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-9)


def test_cross_validation_matches_cleanlab(cleanlab_classification):
    X, _, s, X_test, _ = gaussians(3)
    ours = CleanLearning(seed=3).fit(X, s)
    theirs = cleanlab_classification.CleanLearning(seed=3).fit(X, s)
    np.testing.assert_array_equal(ours.label_issues_mask_, theirs.label_issues_mask)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))


# ----------------------------------------------------------- 0.1.0 semantics
def test_learning_with_noisy_labels_follows_v010_steps():
    """The mask and final model are 0.1.0's recipe, spelled out with the seed functions."""
    X, _, s, X_test, _ = gaussians(1)
    psx = estimate_cv_predicted_probabilities(X, s, seed=1)
    for method in ("prune_by_noise_rate", "prune_by_class", "both"):
        lnl = LearningWithNoisyLabels(seed=1, prune_method=method).fit(X, s, psx=psx)
        py, nm, inv, cj = latent_estimation.estimate_py_and_noise_matrices_from_probabilities(
            s, psx, converge_latent_estimates=False
        )
        mask = pruning.get_noise_indices(
            s, psx, inverse_noise_matrix=inv, confident_joint=cj, prune_method=method
        )
        np.testing.assert_array_equal(lnl.noise_mask_, mask)
        np.testing.assert_allclose(lnl.noise_matrix, nm)
        reference = LogisticRegression().fit(
            X[~mask], s[~mask], sample_weight=1.0 / np.diagonal(nm)[s[~mask]]
        )
        np.testing.assert_allclose(lnl.predict_proba(X_test), reference.predict_proba(X_test))
    # The CV path gives the same as passing the cross-validated psx.
    cv = LearningWithNoisyLabels(seed=1).fit(X, s)
    given = LearningWithNoisyLabels(seed=1).fit(X, s, psx=psx)
    np.testing.assert_array_equal(cv.noise_mask_, given.noise_mask_)


def test_learning_with_noisy_labels_given_noise_matrix_uses_plain_joint():
    X, _, s, _, _ = gaussians(2)
    psx = estimate_cv_predicted_probabilities(X, s, seed=2)
    thresholds = np.array([0.3, 0.3, 0.3])
    lnl = LearningWithNoisyLabels().fit(
        X, s, psx=psx, thresholds=thresholds, noise_matrix=GAUSS_NOISE
    )
    # 0.1.0: get_noise_indices recomputes the joint without the thresholds.
    np.testing.assert_array_equal(lnl.noise_mask_, pruning.get_noise_indices(s, psx))
    np.testing.assert_array_equal(
        lnl.confident_joint_, latent_estimation.compute_confident_joint(s, psx)
    )


def test_seed_readme_examples_run_as_written():
    X, _, s, X_test, _ = gaussians(0)
    lnl = LearningWithNoisyLabels(clf=LogisticRegression())
    lnl.fit(X=X, s=s)
    assert lnl.predict(X_test).shape == (len(X_test),)

    class YourFavoriteModel:  # 0.1.0's README: no BaseEstimator needed
        def __init__(self):
            self.model = LogisticRegression()

        def fit(self, X, y, sample_weight=None):
            self.model.fit(X, y, sample_weight=sample_weight)

        def predict(self, X):
            return self.model.predict(X)

        def predict_proba(self, X):
            return self.model.predict_proba(X)

        def score(self, X, y, sample_weight=None):
            return self.model.score(X, y, sample_weight=sample_weight)

    plain = LearningWithNoisyLabels(clf=YourFavoriteModel(), seed=0).fit(X, s)
    reference = LearningWithNoisyLabels(clf=LogisticRegression(), seed=0).fit(X, s)
    np.testing.assert_array_equal(plain.noise_mask_, reference.noise_mask_)
    np.testing.assert_allclose(plain.predict_proba(X_test), reference.predict_proba(X_test))
    assert plain.score(X_test, plain.predict(X_test)) == 1.0


# ------------------------------------------------------------ scikit-learn API
ESTIMATORS = [CleanLearning, LearningWithNoisyLabels]


def _mask(estimator):
    return (
        estimator.label_issues_mask_
        if isinstance(estimator, CleanLearning)
        else estimator.noise_mask_
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_init_only_stores_arguments(cls):
    not_a_classifier = object()
    estimator = cls(clf=not_a_classifier, seed=3, cv_n_folds=4)  # no check in __init__
    params = estimator.get_params()
    assert params["clf"] is not_a_classifier and params["seed"] == 3 and params["cv_n_folds"] == 4
    assert set(vars(estimator)) == set(params)
    with pytest.raises(ValueError, match=r"must define a \.fit\(\) method"):
        estimator.fit(np.zeros((10, 2)), [0, 1] * 5)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_fit_returns_self_and_fitted_state_ends_in_underscore(cls):
    X, _, s, _, _ = gaussians(0)
    estimator = cls(seed=0)
    before = set(vars(estimator))
    assert estimator.fit(X, s) is estimator  # 0.1.0's LearningWithNoisyLabels returned clf
    added = set(vars(estimator)) - before
    assert added and all(name.endswith("_") for name in added), added
    assert estimator.clf is None and estimator.clf_ is not None  # clf itself stays unfitted
    np.testing.assert_array_equal(estimator.classes_, [0, 1, 2])
    assert estimator.n_features_in_ == 2


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_is_a_classifier_so_model_selection_stratifies(cls):
    X, y, _, _, _ = gaussians(0)
    order = np.argsort(y, kind="stable")  # sorted labels: unstratified folds lose classes
    assert is_classifier(cls())
    assert isinstance(check_cv(3, y, classifier=is_classifier(cls())), StratifiedKFold)
    scores = cross_val_score(cls(seed=0), X[order], y[order], cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.8)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_string_labels_are_encoded(cls):
    X, _, s, X_test, _ = gaussians(0)
    names = np.array(["bird", "cat", "dog"])
    as_ints = cls(seed=0).fit(X, s)
    as_names = cls(seed=0).fit(X, names[s])
    np.testing.assert_array_equal(as_names.classes_, names)
    np.testing.assert_array_equal(_mask(as_names), _mask(as_ints))
    np.testing.assert_array_equal(as_names.predict(X_test), names[as_ints.predict(X_test)])
    assert as_names.score(X_test, names[s[: len(X_test)]]) == as_ints.score(
        X_test, s[: len(X_test)]
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("seed", [0, np.random.default_rng(0)])
def test_global_random_state_is_untouched_with_a_seed(cls, seed):
    X, _, s, _, _ = gaussians(0)
    state = np.random.get_state()  # noqa: NPY002 (the global state is the subject)
    cls(seed=seed).fit(X, s)
    after = np.random.get_state()  # noqa: NPY002
    assert state[2:] == after[2:] and np.array_equal(state[1], after[1])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_clone_pipeline_and_grid_search(cls):
    X, _, s, X_test, _ = gaussians(0)
    fitted = cls(seed=0).fit(X, s)
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params() and not hasattr(copy, "clf_")
    pipe = make_pipeline(StandardScaler(), cls(seed=0)).fit(X, s)
    assert pipe.predict(X_test).shape == (len(X_test),)
    grid = GridSearchCV(
        cls(seed=0), {"clf": [LogisticRegression(C=0.01), LogisticRegression()]}, cv=3
    ).fit(X, s)
    assert grid.best_estimator_.clf_ is not None and len(grid.cv_results_["params"]) == 2


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_predict_before_fit_raises(cls):
    with pytest.raises(NotFittedError):
        cls().predict(np.zeros((2, 2)))


# -------------------------------------------------------------- what it does
class Recorder(ClassifierMixin, BaseEstimator):
    """LogisticRegression that remembers what its fits were given."""

    calls: list = []

    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y, sample_weight=None):
        Recorder.calls.append({"X": X, "y": y, "sample_weight": sample_weight})
        X = X.to_numpy() if hasattr(X, "to_numpy") else X
        self.model_ = LogisticRegression(C=self.C).fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X.to_numpy() if hasattr(X, "to_numpy") else X)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(1)]


@pytest.fixture
def recorder():
    Recorder.calls = []
    return Recorder


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_sample_weights_from_noise_matrix(cls, recorder):
    X, _, s, _, _ = gaussians(0)
    estimator = cls(recorder(), seed=0).fit(X, s)
    final = recorder.calls[-1]
    keep = ~_mask(estimator)
    expected = 1.0 / np.maximum(np.diagonal(estimator.noise_matrix_), 1e-3)
    np.testing.assert_array_equal(final["y"], s[keep])
    np.testing.assert_allclose(final["sample_weight"], expected[s[keep]])
    assert all(call["sample_weight"] is None for call in recorder.calls[:-1])  # CV fits


def test_clean_learning_sample_weight_argument_and_clf_final_kwargs(recorder):
    X, _, s, _, _ = gaussians(0)
    weights = np.linspace(1, 2, len(s))
    cl = CleanLearning(recorder(), seed=0).fit(X, s, sample_weight=weights)
    np.testing.assert_array_equal(
        recorder.calls[-1]["sample_weight"], weights[~cl.label_issues_mask_]
    )
    assert cl.sample_weight_ is None
    with pytest.raises(ValueError, match="sample_weight"):
        CleanLearning(KNeighborsClassifier()).fit(X, s, sample_weight=weights)
    with pytest.raises(ValueError, match="clf_kwargs"):
        cl.fit(X, s, clf_kwargs={"sample_weight": weights})


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_pulearning(cls):
    X, _, s = _binary(0)
    estimator = cls(seed=0, pulearning=1).fit(X, s)
    # Class 1 has no errors: P(s=1|y=0) = 0, P(s=0|y=0) = 1, P(y=0|s=1) = 0, P(y=1|s=1) = 1.
    assert estimator.noise_matrix_[1, 0] == 0 and estimator.noise_matrix_[0, 0] == 1
    assert estimator.inverse_noise_matrix_[0, 1] == 0 and estimator.inverse_noise_matrix_[1, 1] == 1
    assert estimator.confident_joint_[1, 0] == 0
    assert not np.any(_mask(estimator) & (s == 1))  # the clean class loses no example
    assert np.any(_mask(cls(seed=0).fit(X, s)) & (s == 1))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_small_classes_lower_the_folds_and_missing_classes_are_handled(cls):
    X, _, s, _, _ = gaussians(0)
    rows = np.r_[np.flatnonzero(s != 2), np.flatnonzero(s == 2)[:3]]
    with pytest.warns(UserWarning, match="cv_n_folds=5; using 3 folds"):
        cls(seed=0).fit(X[rows], s[rows])
    rows = np.r_[np.flatnonzero(s != 2), np.flatnonzero(s == 2)[:1]]
    with pytest.warns(UserWarning, match="copied into the training fold"):
        estimator = cls(seed=0).fit(X[rows], s[rows])
    assert estimator.predict_proba(X).shape == (len(X), 3)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_sparse_and_pandas_inputs_reach_the_classifier_untouched(cls, recorder):
    X, _, s, _, _ = gaussians(0)
    sparse = sp.csr_matrix(X)
    cls(recorder(), seed=0).fit(sparse, s)
    assert all(sp.issparse(call["X"]) for call in recorder.calls)
    np.testing.assert_array_equal(sparse.toarray(), X)
    frame = pd.DataFrame(X, columns=["a", "b"])
    estimator = cls(seed=0).fit(frame, pd.Series(s))
    np.testing.assert_array_equal(estimator.feature_names_in_, ["a", "b"])
    recorder.calls = []
    cls(recorder(), seed=0).fit(frame, pd.Series(s))
    assert all(isinstance(call["X"], pd.DataFrame) for call in recorder.calls)


def test_verbose_shows_a_progress_bar(capsys):
    X, _, s, _, _ = gaussians(0)
    CleanLearning(seed=0, verbose=True).fit(X, s)
    captured = capsys.readouterr()
    assert "cross-validation" in captured.err and "label issues" in captured.out


def test_find_label_issues_frame_label_issues_argument_and_save_space():
    X, y, s, X_test, _ = gaussians(0)
    cl = CleanLearning(seed=0)
    frame = cl.find_label_issues(X, s)
    assert list(frame.columns) == [
        "is_label_issue",
        "label_quality",
        "given_label",
        "predicted_label",
    ]
    assert not hasattr(cl, "clf_")
    refit = CleanLearning(seed=0).fit(X, s)
    cl.fit(X, s, label_issues=cl.get_label_issues())  # reuses the noise matrix for weights
    np.testing.assert_allclose(cl.predict_proba(X_test), refit.predict_proba(X_test))
    by_index = CleanLearning().fit(X, s, label_issues=np.flatnonzero(frame["is_label_issue"]))
    np.testing.assert_array_equal(by_index.label_issues_mask_, frame["is_label_issue"])
    cl.save_space()
    assert cl.get_label_issues() is None and cl.noise_matrix is None
    assert cl.predict(X_test).shape == (len(X_test),)
    with pytest.raises(ValueError, match="not supported"):
        CleanLearning(find_label_issues_kwargs={"return_indices_ranked_by": "self_confidence"}).fit(
            X, s
        )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_bad_input_is_reported(cls):
    X, _, s, _, _ = gaussians(0)
    with pytest.raises(ValueError, match=r"Trace\(noise_matrix\) is 0\.9"):
        cls().fit(X, s, noise_matrix=np.full((3, 3), 0.3))
    with pytest.raises(ValueError, match="rows but there are"):
        cls().fit(X[:-1], s)
    probs = {"psx" if cls is LearningWithNoisyLabels else "pred_probs": np.full((9, 3), 1 / 3)}
    with pytest.raises(ValueError, match="shape"):
        cls().fit(X, s, **probs)
    with pytest.raises(ValueError, match="1 class"):
        cls().fit(X, np.zeros(len(s)))


# ----------------------------------------------------------- any classifier
@pytest.mark.parametrize(
    "clf",
    [
        RandomForestClassifier(n_estimators=20, max_depth=4, random_state=0),
        KNeighborsClassifier(n_neighbors=15),  # no sample_weight
        GaussianNB(),
        make_pipeline(StandardScaler(), LogisticRegression()),
    ],
    ids=["forest", "knn", "naive_bayes", "pipeline"],
)
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_any_scikit_learn_classifier(cls, clf):
    X, y, s, X_test, y_test = gaussians(0)
    estimator = cls(clf, seed=0).fit(X, s)
    assert estimator.score(X_test, y_test) > 0.85
    assert _precision(_mask(estimator), y, s) > 0.7


class TorchClassifier(ClassifierMixin, BaseEstimator):
    """A small PyTorch MLP as a scikit-learn classifier."""

    def __init__(self, epochs=60, seed=0):
        self.epochs = epochs
        self.seed = seed

    def fit(self, X, y, sample_weight=None):
        import torch

        generator = torch.Generator().manual_seed(self.seed)
        self.classes_ = np.unique(y)
        inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
        targets = torch.as_tensor(np.searchsorted(self.classes_, y))
        weights = (
            torch.ones(len(y))
            if sample_weight is None
            else torch.as_tensor(np.asarray(sample_weight), dtype=torch.float32)
        )
        torch.manual_seed(self.seed)
        self.net_ = torch.nn.Sequential(
            torch.nn.Linear(inputs.shape[1], 16),
            torch.nn.ReLU(),
            torch.nn.Linear(16, len(self.classes_)),
        )
        optimizer = torch.optim.Adam(self.net_.parameters(), lr=0.05)
        for _ in range(self.epochs):
            order = torch.randperm(len(y), generator=generator)
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(
                self.net_(inputs[order]), targets[order], reduction="none"
            )
            (loss * weights[order]).mean().backward()
            optimizer.step()
        return self

    def predict_proba(self, X):
        import torch

        with torch.no_grad():
            logits = self.net_(torch.as_tensor(np.asarray(X), dtype=torch.float32))
            return torch.softmax(logits, dim=1).numpy().astype(np.float64)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(1)]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_pytorch_classifier(cls):
    pytest.importorskip("torch")
    X, y, s, X_test, y_test = gaussians(0)
    estimator = cls(TorchClassifier(), seed=0).fit(X, s)
    assert estimator.score(X_test, y_test) > 0.85
    assert _precision(_mask(estimator), y, s) > 0.7


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_same_result_for_one_and_two_threads(cls):
    rng = np.random.default_rng(5)
    n, k = 20_000, 10  # pred_probs of 1.6 MB: the parallel kernels run
    y = rng.integers(0, k, n)
    X = rng.normal(size=(n, 2)) + y[:, None]
    pred_probs = rng.dirichlet(np.ones(k), n)
    pred_probs[np.arange(n), y] += 1.0
    pred_probs /= pred_probs.sum(1, keepdims=True)
    s = np.where(rng.random(n) < 0.2, rng.integers(0, k, n), y)
    name = "psx" if cls is LearningWithNoisyLabels else "pred_probs"
    one = cls(n_jobs=1).fit(X, s, **{name: pred_probs})
    two = cls(n_jobs=2).fit(X, s, **{name: pred_probs})
    assert _mask(one).any()
    np.testing.assert_array_equal(_mask(one), _mask(two))
    np.testing.assert_array_equal(one.confident_joint_, two.confident_joint_)


@pytest.mark.parametrize("filter_by", ["prune_by_noise_rate", "both", "low_self_confidence"])
def test_low_memory_finds_the_issues_of_low_memory_false(filter_by):
    X, _, s, X_test, _ = gaussians(1)
    options = {"seed": 3, "find_label_issues_kwargs": {"filter_by": filter_by}}
    expected = CleanLearning(**options).fit(X, s)
    with pytest.warns(UserWarning, match="low_memory=True") as caught:
        low = CleanLearning(low_memory=True, **options).fit(X, s)
    assert len([w for w in caught if "low_memory" in str(w.message)]) == 1
    pd.testing.assert_frame_equal(low.get_label_issues(), expected.get_label_issues())
    np.testing.assert_array_equal(low.predict_proba(X_test), expected.predict_proba(X_test))
    np.testing.assert_array_equal(low.noise_matrix_, expected.noise_matrix_)


def test_low_memory_with_given_pred_probs_needs_no_pred_probs_sized_memory():
    import tracemalloc

    rng = np.random.default_rng(5)
    n, k = 20_000, 50
    pred_probs = rng.dirichlet(np.full(k, 0.3), size=n)
    labels = np.where(rng.random(n) < 0.2, rng.integers(0, k, n), pred_probs.argmax(1))
    labels[:k] = np.arange(k)
    X = np.zeros((n, 1))
    expected = CleanLearning(seed=0).find_label_issues(X, labels, pred_probs=pred_probs)
    cl = CleanLearning(seed=0, low_memory=True)
    tracemalloc.start()
    with pytest.warns(UserWarning, match="low_memory"):
        frame = cl.find_label_issues(X, labels, pred_probs=pred_probs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    pd.testing.assert_frame_equal(frame, expected)
    assert peak < pred_probs.nbytes / 4, (peak, pred_probs.nbytes)
