"""What LearningWithNoisyLabels and CleanLearning share.

The two estimators differ only in their vocabulary (cleanlab 0.1.0's latent
estimates and ``get_noise_indices`` against 2.9's ``count`` and
``filter.find_label_issues``) and in how they weight the final fit. The rest
lives here: checking the classifier, encoding the labels, choosing the
cross-validation folds, estimating the noise, the final fit, prediction,
scoring and the scikit-learn tags.
"""

from __future__ import annotations

import copy
import inspect
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import accuracy_score
from sklearn.utils import get_tags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from . import algebra as _algebra
from . import confident as _confident
from . import pipeline as _pipeline
from .constants import FLOATING_POINT_COMPARISON
from .crossval import cv_pred_probs, default_classifier, take_rows
from .parallel import num_threads
from .validation import check_flag, check_pred_probs

#: The methods a classifier needs, in the order 0.1.0 checked them.
REQUIRED_METHODS = ("fit", "predict_proba", "predict")
#: Sample weights are 1 / max(noise_matrix[k, k], this) (2.9's floor).
MIN_WEIGHT_DIAGONAL = 1e-3


class _Deepcopied(BaseEstimator):
    """Make a classifier without ``get_params`` clonable: ``clone`` deep-copies it.

    0.1.0 deep-copied the classifier for each fold, so a plain class with
    ``fit``, ``predict`` and ``predict_proba`` worked; ``sklearn.base.clone``
    needs ``get_params``. Cloning this wrapper clones its one parameter, and
    ``clone`` of a non-estimator is a deep copy.
    """

    def __init__(self, classifier=None):
        self.classifier = classifier

    def fit(self, X, y, **fit_kwargs):
        self.classifier.fit(X, y, **fit_kwargs)
        return self

    def predict_proba(self, X):
        return self.classifier.predict_proba(X)

    def predict(self, X):
        return self.classifier.predict(X)


def check_classifier(clf):
    """The classifier to use: the default for None, else ``clf`` if it has the methods."""
    if clf is None:
        return default_classifier()
    for method in REQUIRED_METHODS:
        if not callable(getattr(clf, method, None)):
            raise ValueError(f"The classifier (clf) must define a .{method}() method.")
    return clf


def fresh_copy(clf):
    """An unfitted copy of ``clf``: ``clone`` when it can, a deep copy otherwise."""
    return clone(clf) if hasattr(clf, "get_params") else copy.deepcopy(clf)


def accepts_fit_kwarg(clf, name):
    """Whether ``clf.fit`` has a parameter called ``name``."""
    try:
        return name in inspect.signature(clf.fit).parameters
    except (TypeError, ValueError):
        return False


def check_trace(matrix, name):
    """Copy of a user noise matrix as float64 after checking that its trace exceeds 1."""
    if matrix is None:
        return None
    matrix = np.array(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be a square (K, K) matrix, got shape {matrix.shape}.")
    if np.trace(matrix) <= 1:
        raise ValueError(
            f"Trace({name}) is {round(float(np.trace(matrix)), 2)}, but must exceed 1."
        )
    return matrix


def noise_weights(noise_matrix, labels):
    """Sample weight of each label: ``1 / max(noise_matrix[k, k], 1e-3)`` for class k.

    0.1.0 had no floor (weights above 1000 or inf, which scikit-learn rejects);
    2.9 uses 1e-3. Equal to 0.1.0's weights whenever the diagonal is >= 1e-3.
    """
    return (1.0 / np.maximum(np.diagonal(noise_matrix), MIN_WEIGHT_DIAGONAL))[labels]


def alias(name, doc):
    """A read-only property for cleanlab's name of the fitted attribute ``name_``."""
    return property(lambda self: getattr(self, name + "_", None), doc=doc)


def label_issues_frame(label_issues, labels, classes):
    """The DataFrame form of label issues given to ``CleanLearning.fit``, checked."""
    n = len(labels)
    if isinstance(label_issues, pd.DataFrame):
        if "is_label_issue" not in label_issues.columns or len(label_issues) != n:
            raise ValueError(
                "label_issues DataFrame needs an 'is_label_issue' column and one row per label."
            )
        if "given_label" in label_issues.columns and np.any(
            label_issues["given_label"].to_numpy() != classes[labels]
        ):
            raise ValueError("labels must match label_issues['given_label'].")
        return label_issues.copy()
    issues = np.asarray(label_issues)
    if issues.dtype == bool:
        if issues.shape != (n,):
            raise ValueError(f"A boolean label_issues needs shape ({n},), got {issues.shape}.")
        return pd.DataFrame({"is_label_issue": issues})
    if issues.dtype.kind in "iu" and issues.ndim == 1:
        if len(np.unique(issues)) != len(issues) or (
            len(issues) and (issues.min() < -n or issues.max() >= n)
        ):
            raise ValueError("An integer label_issues must hold unique row indices of issues.")
        mask = np.zeros(n, dtype=bool)
        mask[issues] = True
        return pd.DataFrame({"is_label_issue": mask})
    raise ValueError(
        "label_issues must be a pandas.DataFrame, a boolean mask or an integer "
        "array of row indices."
    )


class Vocabulary(NamedTuple):
    """What differs between cleanlab 0.1.0's and 2.9's noise estimates (the code is one).

    The public estimators build theirs from their vocabulary's constants
    (``cleannb.latent_estimation`` and ``cleannb.latent_algebra`` for 0.1.0,
    the shared algebra's defaults for 2.9); this layer receives the values only.
    """

    #: the name of the probabilities in messages ("psx" or "pred_probs")
    name: str
    #: 2.9 clips the default thresholds below at 2e-6 (``pipeline.confident_thresholds``);
    #: 0.1.0 takes the plain per-class means (2.0 for a class without examples)
    clip_thresholds: bool
    #: 2.9 raises every diagonal count of the confident joint to at least 1; 0.1.0 to 0
    min_diagonal: int
    #: floors of p(y): in the latent estimates, plain and after convergence, and
    #: from a given noise matrix (None: the shared algebra's defaults, 2.9's)
    py_floor: float | None = None
    converged_py_floor: float | None = None
    inverse_py_floor: float | None = None

    def floors(self, **names):
        """Keyword arguments of the algebra: ``{argument: field}`` for the fields set."""
        values = {argument: getattr(self, field) for argument, field in names.items()}
        return {argument: value for argument, value in values.items() if value is not None}


def default_thresholds(vocabulary, labels, pred_probs):
    """The confident thresholds of checked inputs when none are given (one gather)."""
    if vocabulary.clip_thresholds:
        return _pipeline.confident_thresholds(labels, pred_probs)
    means, counts = _confident.self_confidence_means(pred_probs, labels, pred_probs.shape[1])
    return np.where(counts > 0, means, 2.0) if np.any(counts == 0) else means


def calibrated_joint(vocabulary, labels, pred_probs, thresholds=None):
    """The calibrated confident joint of checked inputs (dense int64) and the row pass.

    One pass over ``pred_probs``, which checks its values; inside
    ``parallel.num_threads``. Equal to ``count.compute_confident_joint`` (2.9)
    or ``latent_estimation.compute_confident_joint`` (0.1.0). The pass keeps
    each row's own probability (``RowPass.own``: the self-confidence, exact),
    so that the label quality scores need no other read.
    """
    num_classes = pred_probs.shape[1]
    if thresholds is None:
        thresholds = default_thresholds(vocabulary, labels, pred_probs)
    thresholds = np.asarray(thresholds)
    if thresholds.shape != (num_classes,):
        raise ValueError(
            f"thresholds must have one entry per class, shape ({num_classes},), "
            f"got {thresholds.shape}."
        )
    rows = _confident.row_pass(
        pred_probs,
        labels,
        thresholds - FLOATING_POINT_COMPARISON,
        name=vocabulary.name,
        keep_values=True,
    )
    counts = _confident.confident_counts(
        labels, rows.guess, num_classes, min_diagonal=vocabulary.min_diagonal
    )
    return _pipeline.dense_joint(counts, labels, calibrate=True), rows


def latent_estimates(vocabulary, confident_joint, labels, converge):
    """p(y), P(s|y) and P(y|s) from a confident joint, with the vocabulary's floors."""
    label_counts = np.bincount(labels, minlength=len(confident_joint))
    return _algebra.estimate_latent(
        confident_joint,
        label_counts,
        "cnt",
        converge,
        **vocabulary.floors(floor="py_floor", converged_floor="converged_py_floor"),
    )


@dataclass
class NoiseEstimates:
    """Everything estimated before pruning (rows of joints: given labels)."""

    ps: np.ndarray
    py: np.ndarray | None
    noise_matrix: np.ndarray | None
    inverse_noise_matrix: np.ndarray | None
    confident_joint: np.ndarray
    pred_probs: np.ndarray
    #: the confident pass's per-row results (None when no pass was needed)
    rows: _confident.RowPass | None = None

    def self_confidence(self, labels):
        """``pred_probs[i, labels[i]]`` in the dtype of ``pred_probs``, from the pass
        (cleanlab's ``self_confidence`` label quality scores), or None without one."""
        if self.rows is None or self.rows.own is None:
            return None
        return self.rows.own.astype(self.pred_probs.dtype)  # exact: values of that dtype


class NoisyLabelClassifier(ClassifierMixin, BaseEstimator):
    """Base class: the fit plumbing and the scikit-learn interface."""

    # ------------------------------------------------------------------ input
    def _classifier(self):
        return check_classifier(self.clf)

    def _prepare_X(self, X):
        """2.9 flattens >2-D arrays for its default classifier (images, say)."""
        if self.clf is None and hasattr(X, "ndim") and X.ndim > 2:
            return X.reshape((X.shape[0], -1))
        return X

    def _rows_of(self, X, n_labels):
        """X ready for row selection; checks that it has one row per label.

        Numpy arrays, CSR/CSC matrices, DataFrames and lists pass untouched;
        sparse formats without row indexing (COO, DIA, BSR) become CSR and
        other array-likes (``__array__`` only) become numpy arrays.
        """
        if X is None:
            raise ValueError("X is required: pass the features, one row per label.")
        if hasattr(X, "tocsr") and getattr(X, "format", "csr") not in ("csr", "csc"):
            X = X.tocsr()
        elif not hasattr(X, "__getitem__") and hasattr(X, "__array__"):
            X = np.asarray(X)
        X = self._prepare_X(X)
        shape = getattr(X, "shape", None)
        n_rows = shape[0] if shape is not None and len(shape) else len(X)
        if n_rows != n_labels:
            raise ValueError(
                f"X has {n_rows} rows but there are {n_labels} labels; they must describe the "
                "same examples."
            )
        return X

    def _encode_labels(self, y, num_columns=None, name="labels"):
        """Set ``classes_`` and return the labels as int64 codes 0..K-1.

        When ``num_columns`` (of pred_probs or of a noise matrix) is given and
        the labels are integers in 0..num_columns-1, the classes are exactly
        0..num_columns-1 (a class may then have no examples, as in 2.9).
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None: pass "
                f"{name} (or y), one class label per row of X."
            )
        if hasattr(y, "to_numpy"):
            y = y.to_numpy()
        y = column_or_1d(np.asarray(y), warn=True)
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise ValueError(f"Input {name} contains NaN or infinity; every example needs a label.")
        check_classification_targets(y)
        if len(y) == 0:
            raise ValueError(f"{name} is empty: n_samples=0, at least 2 examples are needed.")
        classes, codes = np.unique(y, return_inverse=True)
        if num_columns is not None:
            if classes.dtype.kind in "iu" and classes[0] >= 0 and classes[-1] < num_columns:
                classes, codes = np.arange(num_columns, dtype=classes.dtype), y.astype(np.int64)
            elif len(classes) != num_columns:
                raise ValueError(
                    f"{name} has {len(classes)} distinct values but pred_probs (or the noise "
                    f"matrix) has {num_columns} columns; column k must be the k-th class in "
                    "sorted order."
                )
        if len(y) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 examples, got 1 sample.")
        if len(np.unique(codes)) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes in {name}, got 1 class "
                f"({classes[codes[0]]!r}): there is no label noise to learn between classes."
            )
        self.classes_ = classes
        return np.ascontiguousarray(codes, dtype=np.int64)

    def _num_folds(self, labels):
        """cv_n_folds, lowered (with a warning) when the smallest class is smaller."""
        folds = self.cv_n_folds
        if isinstance(folds, bool) or not isinstance(folds, int | np.integer) or folds < 2:
            raise ValueError(f"cv_n_folds must be an integer of at least 2, got {folds!r}.")
        counts = np.bincount(labels)
        smallest = int(counts[counts > 0].min())
        if smallest < folds:
            lowered = max(2, smallest)
            name = self.classes_[np.flatnonzero(counts == smallest)[0]]
            name = name.item() if isinstance(name, np.generic) else name
            warnings.warn(
                f"{type(self).__name__}: class {name!r}"
                f" has only {smallest} example(s), fewer than cv_n_folds={folds}; using "
                f"{lowered} folds. Set cv_n_folds={lowered} (or pass pred_probs) to silence this.",
                UserWarning,
                stacklevel=4,
            )
            folds = lowered
        return int(folds)

    # -------------------------------------------------------------- estimate
    def _cv_pred_probs(self, X, labels, clf_kwargs=None, validation_func=None):
        clf = self._classifier()
        prototype = clf if hasattr(clf, "get_params") else _Deepcopied(clf)
        # seed=None: the folds are shuffled with numpy's global RNG, drawn
        # here in fit (never in __init__), as cleanlab does.
        return cv_pred_probs(
            X,
            labels,
            prototype,
            self._num_folds(labels),
            self.seed,
            clf_kwargs,
            validation_func,
            getattr(self, "verbose", False),
        )

    def _estimate_noise(
        self,
        vocabulary,
        X,
        labels,
        *,
        pred_probs,
        thresholds,
        noise_matrix,
        inverse_noise_matrix,
        clf_kwargs=None,
        validation_func=None,
        confident_joint=None,
        joint_uses_thresholds=True,
    ):
        """The noise estimates 0.1.0 and 2.9 compute before pruning (one code path).

        ``vocabulary`` (:class:`Vocabulary`) holds what differs between the
        two: the default thresholds, the confident joint's diagonal and the
        floors of p(y).

        A given noise matrix (or its inverse) gives the other through the
        latent algebra, and the confident joint is computed from
        ``pred_probs`` (with ``thresholds`` only if ``joint_uses_thresholds``);
        otherwise every estimate comes from ``pred_probs``. ``pred_probs`` are
        computed by cross-validation when not given.
        """
        num_classes = len(self.classes_)
        ps = np.bincount(labels, minlength=num_classes) / float(len(labels))
        py = rows = None
        if pred_probs is None:
            pred_probs = self._cv_pred_probs(X, labels, clf_kwargs, validation_func)
        else:
            pred_probs = check_pred_probs(pred_probs)
            if pred_probs.shape != (len(labels), num_classes):
                raise ValueError(
                    f"pred_probs must have shape (N, K) = ({len(labels)}, {num_classes}) "
                    f"(one row per label, one column per class), got {pred_probs.shape}."
                )
        for matrix, name in (
            (noise_matrix, "noise_matrix"),
            (inverse_noise_matrix, "inverse_noise_matrix"),
            (confident_joint, "confident_joint"),
        ):
            if matrix is not None and np.shape(matrix) != (num_classes, num_classes):
                raise ValueError(f"{name} must have shape (K, K) = ({num_classes}, {num_classes}).")
        converge = check_flag(self.converge_latent_estimates, "converge_latent_estimates")
        if noise_matrix is not None and inverse_noise_matrix is None:
            py, inverse_noise_matrix = _algebra.compute_py_inv_noise_matrix(
                ps, noise_matrix, **vocabulary.floors(floor="inverse_py_floor")
            )
        elif inverse_noise_matrix is not None and noise_matrix is None:
            noise_matrix = _algebra.compute_noise_matrix_from_inverse(ps, inverse_noise_matrix)
        elif noise_matrix is None:
            with num_threads(self.n_jobs):
                joint, rows = calibrated_joint(vocabulary, labels, pred_probs, thresholds)
            py, noise_matrix, inverse_noise_matrix = latent_estimates(
                vocabulary, joint, labels, converge
            )
            confident_joint = joint if confident_joint is None else confident_joint
        if confident_joint is None:
            with num_threads(self.n_jobs):
                confident_joint, rows = calibrated_joint(
                    vocabulary, labels, pred_probs, thresholds if joint_uses_thresholds else None
                )
        confident_joint = np.array(confident_joint)
        if self.pulearning is not None:
            self._apply_pulearning(noise_matrix, inverse_noise_matrix, confident_joint)
        return NoiseEstimates(
            ps, py, noise_matrix, inverse_noise_matrix, confident_joint, pred_probs, rows
        )

    def _store(self, estimates):
        self.ps_, self.py_ = estimates.ps, estimates.py
        self.noise_matrix_ = estimates.noise_matrix
        self.inverse_noise_matrix_ = estimates.inverse_noise_matrix
        self.confident_joint_ = estimates.confident_joint

    def _apply_pulearning(self, noise_matrix, inverse, confident_joint):
        """Positive-unlabelled learning: class ``pulearning`` has no label errors.

        With two classes (0.1.0 and 2.9 ignore ``pulearning`` otherwise), for
        ``c = pulearning`` and ``o`` the other class: P(s=c|y=o) = 0,
        P(s=o|y=o) = 1, P(y=o|s=c) = 0, P(y=c|s=c) = 1 and the confident joint
        gets ``[c, o] = 0`` and ``[o, o] = 1``. Edits the (private) arrays in place.
        """
        if len(self.classes_) != 2:
            warnings.warn(
                f"{type(self).__name__}: pulearning={self.pulearning!r} is ignored because "
                f"there are {len(self.classes_)} classes; PU learning needs exactly 2.",
                UserWarning,
                stacklevel=4,
            )
            return
        matches = np.flatnonzero(self.classes_ == self.pulearning)
        if len(matches) != 1:
            raise ValueError(
                f"pulearning must be one of the class labels {self.classes_.tolist()} (the class "
                f"without label errors) or None, got {self.pulearning!r}."
            )
        clean, other = int(matches[0]), 1 - int(matches[0])
        noise_matrix[clean, other], noise_matrix[other, other] = 0.0, 1.0
        inverse[other, clean], inverse[clean, clean] = 0.0, 1.0
        confident_joint[clean, other], confident_joint[other, other] = 0, 1

    # ----------------------------------------------------------- final model
    def _final_fit(self, X, labels, keep, fit_kwargs):
        """Fit a fresh copy of the classifier on the rows in ``keep``; set ``clf_``."""
        rows = np.flatnonzero(keep)
        X_clean = X if len(rows) == len(labels) else take_rows(X, rows)
        model = fresh_copy(self._classifier())
        model.fit(X_clean, labels[rows], **fit_kwargs)
        self.clf_ = model
        if hasattr(model, "n_features_in_"):
            self.n_features_in_ = model.n_features_in_
        elif getattr(X, "ndim", 0) == 2:
            self.n_features_in_ = X.shape[1]
        if hasattr(model, "feature_names_in_"):
            self.feature_names_in_ = model.feature_names_in_

    def __sklearn_is_fitted__(self):
        return hasattr(self, "clf_")

    def predict(self, X):
        """Predicted classes (labels in the values of ``classes_``) from the final model."""
        check_is_fitted(self)
        codes = np.asarray(self.clf_.predict(self._prepare_X(X)))
        return self.classes_[codes.astype(np.intp, copy=False)]

    def predict_proba(self, X):
        """Class probabilities (N, K) of the final model, columns in ``classes_`` order.

        A class the final model never saw (all its examples pruned) gets a
        column of zeros.
        """
        check_is_fitted(self)
        probs = np.asarray(self.clf_.predict_proba(self._prepare_X(X)))
        seen = getattr(self.clf_, "classes_", None)
        if seen is not None and probs.ndim == 2 and len(seen) < len(self.classes_):
            full = np.zeros((probs.shape[0], len(self.classes_)), dtype=probs.dtype)
            full[:, np.asarray(seen, dtype=np.intp)] = probs
            return full
        return probs

    def score(self, X, y, sample_weight=None):
        """The final model's ``score`` (accuracy when it has none), as 0.1.0 and 2.9 do.

        ``y`` is encoded like the training labels before it reaches the
        classifier; a value that is not a class counts as an error.
        """
        check_is_fitted(self)
        X = self._prepare_X(X)
        if not callable(getattr(self.clf_, "score", None)):
            return accuracy_score(y, self.predict(X), sample_weight=sample_weight)
        y = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
        position = np.clip(np.searchsorted(self.classes_, y), 0, len(self.classes_) - 1)
        codes = np.where(self.classes_[position] == y, position, -1)
        try:
            takes_weight = "sample_weight" in inspect.signature(self.clf_.score).parameters
        except (TypeError, ValueError):
            takes_weight = False
        if takes_weight:
            return self.clf_.score(X, codes, sample_weight=sample_weight)
        return self.clf_.score(X, codes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            inner = get_tags(self._classifier())
        except Exception:  # a classifier from elsewhere: keep the defaults
            return tags
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.string = inner.input_tags.string
        tags.input_tags.categorical = inner.input_tags.categorical
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.positive_only = inner.input_tags.positive_only
        return tags
