"""Learning with noisy labels: train any classifier as if its labels were clean.

Two scikit-learn estimators wrap a classifier ``clf``:

- :class:`LearningWithNoisyLabels`, cleanlab 0.1.0's class (``s``, ``psx``,
  ``prune_method``), and
- :class:`CleanLearning`, cleanlab 2.9's class (``labels``, ``pred_probs``,
  ``find_label_issues_kwargs``, a DataFrame of label issues).

Both compute out-of-sample predicted probabilities by stratified
cross-validation (unless given), estimate the confident joint and the noise
matrices, prune the examples whose labels look wrong, and fit a fresh copy of
``clf`` on the rest, weighting each class by ``1 / P(s=k | y=k)`` when
``clf.fit`` takes ``sample_weight``.

Differences from cleanlab, all to make these true scikit-learn estimators:

- ``__init__`` only stores its arguments (cleanlab checks ``clf`` there and
  calls ``np.random.seed(seed)``). ``clf`` is checked in ``fit``; an int
  (or Generator) ``seed`` only seeds the cross-validation splitter, never
  numpy's global random state. With ``seed=None`` the folds are shuffled
  with the global RNG in ``fit``, as in cleanlab, so ``np.random.seed(k)``
  before ``fit`` reproduces it. A classifier that draws random numbers
  (``random_state=None``) is therefore not made reproducible by an int
  ``seed``: set its ``random_state`` yourself, or use ``seed=None`` and
  ``np.random.seed``. 0.1.0 never set the classifier's ``random_state``
  either; it only seeded the global state.
- ``fit`` returns ``self`` (0.1.0's ``LearningWithNoisyLabels.fit``
  returned the fitted classifier). The fitted classifier is ``clf_``, a
  copy; ``clf`` itself stays unfitted. Fitted state ends in ``_``
  (``noise_matrix_``, ``confident_joint_``, ...); the old names
  (``noise_matrix``, ``noise_mask``, ``label_issues_df``, ...) are read-only
  aliases.
- Labels may be any values scikit-learn accepts (strings too): ``classes_``
  holds them sorted and the classifier is trained on codes 0..K-1.
- When the smallest class has fewer examples than ``cv_n_folds``, the
  number of folds is lowered to it (at least 2) with a warning (2.9 raises
  when N / K < cv_n_folds).
- A classifier without ``get_params`` is deep-copied for each fold, as in
  0.1.0.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from . import count, latent_algebra, latent_estimation
from ._core.estimator import (
    NoisyLabelClassifier,
    Vocabulary,
    accepts_fit_kwarg,
    alias,
    check_trace,
    label_issues_frame,
    noise_weights,
)
from ._core.internal import (
    assert_valid_inputs,
    compress_int_array,
    force_two_dimensions,
    get_num_classes,
    labels_to_array,
    subset_X_y,
)
from .count import compute_confident_joint, estimate_latent
from .experimental.label_issues_batched import find_label_issues_batched
from .latent_algebra import compute_noise_matrix_from_inverse, compute_py_inv_noise_matrix
from .latent_estimation import (
    estimate_cv_predicted_probabilities,
    estimate_py_and_noise_matrices_from_probabilities,
    estimate_py_noise_matrices_and_cv_pred_proba,
)
from .pruning import get_noise_indices
from .rank import get_label_quality_scores
from .util import assert_inputs_are_valid, remove_noise_from_class, value_counts

# cleanlab 0.1.0's and 2.9's classification modules exposed the helpers they
# imported; so does this one (where a name is in both, with 0.1.0's signature).
__all__ = [
    "CleanLearning",
    "LearningWithNoisyLabels",
    "assert_inputs_are_valid",
    "assert_valid_inputs",
    "compress_int_array",
    "compute_confident_joint",
    "compute_noise_matrix_from_inverse",
    "compute_py_inv_noise_matrix",
    "estimate_cv_predicted_probabilities",
    "estimate_latent",
    "estimate_py_and_noise_matrices_from_probabilities",
    "estimate_py_noise_matrices_and_cv_pred_proba",
    "find_label_issues_batched",
    "force_two_dimensions",
    "get_label_quality_scores",
    "get_noise_indices",
    "get_num_classes",
    "labels_to_array",
    "remove_noise_from_class",
    "subset_X_y",
    "value_counts",
]

#: find_label_issues_kwargs CleanLearning cannot honour (2.9 rejects them too).
UNSUPPORTED_ISSUE_KWARGS = ("return_indices_ranked_by", "multi_label")

#: cleanlab 0.1.0's noise estimates (``latent_estimation``, ``latent_algebra``):
#: thresholds not clipped, no floor under the joint's diagonal, its floors of p(y).
SEED_VOCABULARY = Vocabulary(
    name="psx",
    clip_thresholds=False,
    min_diagonal=0,
    py_floor=latent_estimation.PY_FLOOR,
    converged_py_floor=latent_estimation.PY_FLOOR,
    inverse_py_floor=latent_algebra.INVERSE_PY_FLOOR,
)
#: cleanlab 2.9's (``count``, with the shared algebra's floors).
MODERN_VOCABULARY = Vocabulary(name="pred_probs", clip_thresholds=True, min_diagonal=1)


class LearningWithNoisyLabels(NoisyLabelClassifier):
    """cleanlab 0.1.0's noisy-label learner (``s``, ``psx``, ``prune_method``).

    Parameters
    ----------
    clf : classifier, optional
        Any object with ``fit(X, y)``, ``predict(X)`` and ``predict_proba(X)``
        (and optionally ``score``); default ``LogisticRegression()``. Copied,
        never fitted itself.
    seed : None, int or numpy.random.Generator, optional
        Shuffles the ``StratifiedKFold``: None with numpy's global RNG (drawn
        in ``fit``), an int or a Generator without touching it.
    cv_n_folds : int, default 5
        Cross-validation folds used for ``psx`` when it is not given.
    prune_method : {"prune_by_noise_rate", "prune_by_class", "both"}
        Passed to :func:`cleannb.pruning.get_noise_indices`.
    converge_latent_estimates : bool, default False
        Iterate the latent estimates to mutual consistency.
    pulearning : class label or None, default None
        With two classes: the class known to have no label errors.
    n_jobs : int or None, default None
        Threads for cleannb's kernels (None or -1: all cores); the classifier
        is not affected.

    Attributes
    ----------
    clf_ : the fitted copy of ``clf`` (trained on the kept examples)
    classes_ : numpy.ndarray, the sorted class labels
    noise_mask_ : numpy.ndarray of bool, the examples pruned as label errors
    ps_, py_, noise_matrix_, inverse_noise_matrix_, confident_joint_ :
        p(s), p(y) (None when only the inverse noise matrix was given),
        P(s|y), P(y|s) and the confident joint (rows: given labels). Also
        readable as ``ps``, ``py``, ``noise_matrix``, ... (0.1.0's names).

    Notes
    -----
    ``fit`` returns ``self`` (0.1.0 returned the fitted classifier). When a
    noise matrix is given, the confident joint is computed from ``psx``
    without ``thresholds``, as 0.1.0's ``get_noise_indices`` did; with
    ``pulearning`` too, 0.1.0 crashed, cleannb applies PU learning to it.
    Sample weights are ``1 / noise_matrix[k, k]`` as in 0.1.0 when that
    diagonal entry is at least 1e-3; below, 2.9's floor 1e-3 applies (0.1.0
    gave weights above 1000, or inf, which scikit-learn rejects).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.classification import LearningWithNoisyLabels
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (60, 2)), rng.normal(4, 1, (60, 2))]
    >>> s = np.r_[np.zeros(60, int), np.ones(60, int)]
    >>> s[:6] = 1  # six label errors
    >>> lnl = LearningWithNoisyLabels(seed=0).fit(X=X, s=s)
    >>> np.flatnonzero(lnl.noise_mask_), lnl.predict([[0.0, 0.0], [4.0, 4.0]])
    (array([0, 1, 2, 4, 5]), array([0, 1]))
    """

    def __init__(
        self,
        clf=None,
        seed=None,
        cv_n_folds=5,
        prune_method="prune_by_noise_rate",
        converge_latent_estimates=False,
        pulearning=None,
        n_jobs=None,
    ):
        self.clf = clf
        self.seed = seed
        self.cv_n_folds = cv_n_folds
        self.prune_method = prune_method
        self.converge_latent_estimates = converge_latent_estimates
        self.pulearning = pulearning
        self.n_jobs = n_jobs

    K = property(
        lambda self: None if not hasattr(self, "classes_") else len(self.classes_),
        doc="The number of classes (0.1.0's name).",
    )
    ps = alias("ps", "p(s), the observed label prior.")
    py = alias("py", "p(y), the estimated true-label prior.")
    noise_matrix = alias("noise_matrix", "P(s|y).")
    inverse_noise_matrix = alias("inverse_noise_matrix", "P(y|s).")
    confident_joint = alias("confident_joint", "The confident joint.")
    noise_mask = alias("noise_mask", "Boolean mask of the pruned examples.")

    def fit(
        self,
        X,
        s=None,
        psx=None,
        thresholds=None,
        noise_matrix=None,
        inverse_noise_matrix=None,
        *,
        y=None,
    ):
        """Find the label errors in ``s`` and fit ``clf`` on the other examples.

        Parameters
        ----------
        X : array_like, sparse matrix or DataFrame with N rows
            Passed to the classifier untouched apart from row selection.
        s : array_like, shape (N,)
            The given, possibly noisy, labels; ``y`` is an alias (for tools
            that pass ``fit(X, y=...)``): give one of them.
        psx : numpy.ndarray, shape (N, K), optional
            Out-of-sample predicted probabilities, columns in ``classes_``
            order; computed by cross-validation when None.
        thresholds : array_like, shape (K,), optional
            Per-class thresholds of the confident joint.
        noise_matrix, inverse_noise_matrix : numpy.ndarray (K, K), optional
            Known P(s|y) or P(y|s); their trace must exceed 1.

        Returns
        -------
        self
        """
        from .pruning import get_noise_indices

        if s is not None and y is not None:
            raise ValueError("Pass the labels as `s` or as `y`, not both.")
        s = y if s is None else s
        noise_matrix = check_trace(noise_matrix, "noise_matrix")
        inverse_noise_matrix = check_trace(inverse_noise_matrix, "inverse_noise_matrix")
        labels = self._encode_labels(s, None if psx is None else np.shape(psx)[-1], name="s")
        X = self._rows_of(X, len(labels))
        estimates = self._estimate_noise(
            SEED_VOCABULARY,
            X,
            labels,
            pred_probs=psx,
            thresholds=thresholds,
            noise_matrix=noise_matrix,
            inverse_noise_matrix=inverse_noise_matrix,
            joint_uses_thresholds=False,
        )
        mask = np.asarray(
            get_noise_indices(
                labels,
                estimates.pred_probs,
                inverse_noise_matrix=estimates.inverse_noise_matrix,
                confident_joint=estimates.confident_joint,
                prune_method=self.prune_method,
                n_jobs=self.n_jobs,
            ),
            dtype=bool,
        )
        fit_kwargs = {}
        if accepts_fit_kwarg(self._classifier(), "sample_weight"):
            fit_kwargs["sample_weight"] = noise_weights(estimates.noise_matrix, labels[~mask])
        self._final_fit(X, labels, ~mask, fit_kwargs)
        self._store(estimates)
        self.noise_mask_ = mask
        return self


class CleanLearning(NoisyLabelClassifier):
    """cleanlab 2.9's CleanLearning: find label issues, then fit on the clean data.

    Parameters
    ----------
    clf : classifier, optional
        Any object with ``fit``, ``predict`` and ``predict_proba``; default
        ``LogisticRegression()``. Copied, never fitted itself.
    seed : None, int or numpy.random.Generator, optional
        Shuffles the ``StratifiedKFold``: None with numpy's global RNG (drawn
        in ``fit``), an int or a Generator without touching it.
    cv_n_folds : int, default 5
    converge_latent_estimates : bool, default False
    pulearning : class label or None, default None
        With two classes: the class known to have no label errors.
    find_label_issues_kwargs : dict or None, default None (meaning {})
        Keyword arguments of :func:`cleannb.filter.find_label_issues`
        (``filter_by``, ``frac_noise``, ``min_examples_per_class``, ...);
        ``min_examples_per_class`` defaults to 10 here (as in 2.9).
        ``return_indices_ranked_by`` and ``multi_label`` are not supported.
    label_quality_scores_kwargs : dict or None, default None (meaning {})
        Keyword arguments of :func:`cleannb.rank.get_label_quality_scores`.
    verbose : bool, default False
        Progress bar over the folds and a few messages.
    low_memory : bool, default False
        Accepted for 2.9's code; the label issues are those of
        ``low_memory=False``, found with O(N) memory beyond ``pred_probs``
        (cleannb's kernels stream it and make no (N, K) temporary either
        way). ``True`` warns once per search: cleanlab 2.9 switches there to
        its approximate batched search, which ignores
        ``find_label_issues_kwargs``, ``thresholds`` and the noise matrices and
        flags by self-confidence (that rule, exactly, is
        :func:`cleannb.experimental.label_issues_batched.find_label_issues_batched`).
    n_jobs : int or None, default None
        Threads for cleannb's kernels; a ``n_jobs`` in
        ``find_label_issues_kwargs`` takes precedence for the filter.

    Attributes
    ----------
    clf_ : the fitted copy of ``clf``
    classes_ : numpy.ndarray, the sorted class labels
    label_issues_df_ : pandas.DataFrame, see :meth:`find_label_issues`
    label_issues_mask_ : numpy.ndarray of bool
    sample_weight_ : pandas.Series or None, the weights of the final fit
    ps_, py_, noise_matrix_, inverse_noise_matrix_, confident_joint_ :
        as in :class:`LearningWithNoisyLabels`. 2.9's names without the
        trailing underscore are read-only aliases.

    Notes
    -----
    Given the same ``pred_probs`` (or ``seed`` and a deterministic ``clf``),
    the label issues and the final model equal 2.9's, ties included. A fit
    starts afresh: 2.9 reuses a confident
    joint left by the previous fit. A ``noise_matrix`` given together with a
    ``confident_joint`` in ``find_label_issues_kwargs`` is honoured (2.9
    replaces it by the one estimated from the joint).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.classification import CleanLearning
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (60, 2)), rng.normal(4, 1, (60, 2))]
    >>> labels = np.array(["cat"] * 60 + ["dog"] * 60)
    >>> labels[:6] = "dog"  # six label errors
    >>> cl = CleanLearning(seed=0).fit(X, labels)
    >>> issues = cl.get_label_issues()
    >>> np.flatnonzero(issues["is_label_issue"]), cl.predict([[0.0, 0.0], [4.0, 4.0]])
    (array([0, 1, 2, 4, 5]), array(['cat', 'dog'], dtype='<U3'))
    """

    def __init__(
        self,
        clf=None,
        *,
        seed=None,
        cv_n_folds=5,
        converge_latent_estimates=False,
        pulearning=None,
        find_label_issues_kwargs=None,
        label_quality_scores_kwargs=None,
        verbose=False,
        low_memory=False,
        n_jobs=None,
    ):
        self.clf = clf
        self.seed = seed
        self.cv_n_folds = cv_n_folds
        self.converge_latent_estimates = converge_latent_estimates
        self.pulearning = pulearning
        self.find_label_issues_kwargs = find_label_issues_kwargs
        self.label_quality_scores_kwargs = label_quality_scores_kwargs
        self.verbose = verbose
        self.low_memory = low_memory
        self.n_jobs = n_jobs

    num_classes = property(lambda self: len(self.classes_) if hasattr(self, "classes_") else None)
    ps = alias("ps", "p(s), the observed label prior.")
    py = alias("py", "p(y), the estimated true-label prior.")
    noise_matrix = alias("noise_matrix", "P(s|y).")
    inverse_noise_matrix = alias("inverse_noise_matrix", "P(y|s).")
    confident_joint = alias("confident_joint", "The confident joint.")
    label_issues_df = alias("label_issues_df", "The label-issues DataFrame.")
    label_issues_mask = alias("label_issues_mask", "Boolean mask of the label issues.")
    sample_weight = alias("sample_weight", "Weights of the final fit.")

    def _issue_kwargs(self):
        kwargs = {"min_examples_per_class": 10, **(self.find_label_issues_kwargs or {})}
        bad = [name for name in UNSUPPORTED_ISSUE_KWARGS if name in kwargs]
        if bad:
            raise ValueError(
                f"find_label_issues_kwargs {bad} are not supported by CleanLearning; call "
                "cleannb.filter.find_label_issues on get_label_issues() results instead."
            )
        kwargs.setdefault("n_jobs", self.n_jobs)
        return kwargs

    def _quality(self, labels, pred_probs, estimates=None):
        """The label quality scores; the default ones (self-confidence) from the pass
        that estimated the noise, if there was one, without another read."""
        options = dict(self.label_quality_scores_kwargs or {})
        if estimates is not None and not set(options) - {"n_jobs"}:
            scores = estimates.self_confidence(labels)
            if scores is not None:
                return scores
        return get_label_quality_scores(labels, pred_probs, **{"n_jobs": self.n_jobs, **options})

    def find_label_issues(
        self,
        X=None,
        labels=None,
        *,
        pred_probs=None,
        thresholds=None,
        noise_matrix=None,
        inverse_noise_matrix=None,
        save_space=False,
        clf_kwargs=None,
        validation_func=None,
    ):
        """Find the label issues without fitting the final model.

        Parameters
        ----------
        X : array_like, sparse matrix or DataFrame with N rows, optional
            Needed unless ``pred_probs`` is given.
        labels : array_like, shape (N,)
        pred_probs : numpy.ndarray (N, K), optional
            Out-of-sample predicted probabilities (cross-validated if None).
        thresholds : array_like (K,), optional
        noise_matrix, inverse_noise_matrix : numpy.ndarray (K, K), optional
            Known P(s|y) or P(y|s); their trace must exceed 1.
        save_space : bool, default False
            Do not keep the DataFrame as ``label_issues_df_``.
        clf_kwargs : dict, optional
            Keyword arguments of ``clf.fit`` in cross-validation.
        validation_func : callable, optional
            ``validation_func(X_holdout, y_holdout)`` returns extra fit kwargs.

        Returns
        -------
        pandas.DataFrame
            One row per example: ``is_label_issue`` (bool), ``label_quality``
            (float, lower is worse), ``given_label`` and ``predicted_label``
            (the argmax of ``pred_probs``), both as values of ``classes_``.
        """
        inputs = dict(pred_probs=pred_probs, thresholds=thresholds, noise_matrix=noise_matrix)
        inputs.update(inverse_noise_matrix=inverse_noise_matrix, clf_kwargs=clf_kwargs)
        return self._search(X, labels, save_space, validation_func=validation_func, **inputs)[0]

    def _search(self, X, labels, save_space=False, *, pred_probs, noise_matrix,
                inverse_noise_matrix, **inputs):  # fmt: skip
        """find_label_issues, also returning the label codes."""
        from .filter import find_label_issues

        if self.low_memory:
            warnings.warn(
                "CleanLearning(low_memory=True) finds the same label issues as low_memory=False, "
                "with O(N) memory beyond pred_probs; cleanlab 2.9 would flag by self-confidence "
                "instead (for that rule use filter_by='low_self_confidence' in "
                "find_label_issues_kwargs, or set low_memory=False to silence this warning).",
                UserWarning,
                stacklevel=3,
            )
        if X is None and pred_probs is None:
            raise ValueError("find_label_issues needs X (for cross-validation) or pred_probs.")
        noise_matrix = check_trace(noise_matrix, "noise_matrix")
        inverse_noise_matrix = check_trace(inverse_noise_matrix, "inverse_noise_matrix")
        width = None if pred_probs is None else np.shape(pred_probs)[-1]
        labels = self._encode_labels(labels, width)
        X = None if X is None else self._rows_of(X, len(labels))
        kwargs = self._issue_kwargs()
        given_joint = kwargs.get("confident_joint")
        if given_joint is not None and noise_matrix is None:
            noise_matrix = count.estimate_latent(np.asarray(given_joint), labels)[1]
        estimates = self._estimate_noise(
            MODERN_VOCABULARY, X, labels, pred_probs=pred_probs, noise_matrix=noise_matrix,
            inverse_noise_matrix=inverse_noise_matrix, confident_joint=given_joint, **inputs,
        )  # fmt: skip
        self._store(estimates)
        if given_joint is None and kwargs.get("filter_by") != "confident_learning":
            kwargs["confident_joint"] = estimates.confident_joint
        mask = np.asarray(find_label_issues(labels, estimates.pred_probs, **kwargs), dtype=bool)
        if self.verbose:
            print(f"CleanLearning: {int(mask.sum())} of {len(mask)} examples have label issues.")
        frame = pd.DataFrame({
            "is_label_issue": mask,
            "label_quality": self._quality(labels, estimates.pred_probs, estimates),
            "given_label": self.classes_[labels],
            "predicted_label": self.classes_[np.argmax(estimates.pred_probs, axis=1)],
        })  # fmt: skip
        if not save_space:
            self.label_issues_df_ = frame
            self.label_issues_mask_ = mask
        return frame, labels

    def fit(
        self,
        X,
        labels=None,
        *,
        pred_probs=None,
        thresholds=None,
        noise_matrix=None,
        inverse_noise_matrix=None,
        label_issues=None,
        sample_weight=None,
        clf_kwargs=None,
        clf_final_kwargs=None,
        validation_func=None,
        y=None,
    ):
        """Find the label issues (unless given) and fit ``clf`` on the other examples.

        Parameters
        ----------
        X : array_like, sparse matrix or DataFrame with N rows
        labels : array_like, shape (N,)
            The given labels (``y`` is an alias; pass one of them).
        pred_probs, thresholds, noise_matrix, inverse_noise_matrix, clf_kwargs, validation_func
            As in :meth:`find_label_issues`.
        label_issues : DataFrame, boolean mask or int indices, optional
            Issues found before (e.g. by :meth:`find_label_issues`); skips the search.
        sample_weight : array_like (N,), optional
            Weights of the final fit (kept rows only); without it, and when
            the noise matrix is known and ``clf.fit`` takes ``sample_weight``,
            class k weighs ``1 / max(noise_matrix[k, k], 1e-3)``.
        clf_final_kwargs : dict, optional
            Keyword arguments of the final ``clf.fit`` (``clf_kwargs`` too).

        Returns
        -------
        self
        """
        if labels is not None and y is not None:
            raise ValueError("Pass the labels as `labels` or as `y`, not both.")
        labels = y if labels is None else labels
        clf_kwargs = dict(clf_kwargs or {})
        if "sample_weight" in clf_kwargs:
            raise ValueError(
                "Give sample_weight to fit() or in clf_final_kwargs, not in clf_kwargs."
            )
        final_kwargs = {**clf_kwargs, **(clf_final_kwargs or {})}
        takes_weights = accepts_fit_kwarg(self._classifier(), "sample_weight")
        if sample_weight is not None and not takes_weights:
            raise ValueError("sample_weight was given but clf.fit has no sample_weight argument.")
        if label_issues is None:
            inputs = dict(pred_probs=pred_probs, thresholds=thresholds, clf_kwargs=clf_kwargs)
            inputs.update(noise_matrix=noise_matrix, inverse_noise_matrix=inverse_noise_matrix)
            frame, codes = self._search(X, labels, validation_func=validation_func, **inputs)
        else:
            previous = getattr(self, "noise_matrix_", None)
            width = pred_probs if pred_probs is not None else noise_matrix
            codes = self._encode_labels(labels, None if width is None else np.shape(width)[-1])
            frame = label_issues_frame(label_issues, codes, self.classes_)
            if "label_quality" not in frame.columns and pred_probs is not None:
                frame["label_quality"] = self._quality(codes, pred_probs)
            self.noise_matrix_ = (
                previous if noise_matrix is None else check_trace(noise_matrix, "noise_matrix")
            )
            self.label_issues_df_ = frame
        keep = ~frame["is_label_issue"].to_numpy(dtype=bool)
        self.sample_weight_ = None
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)
            if sample_weight.shape != (len(codes),):
                raise ValueError(
                    f"sample_weight needs shape ({len(codes)},), got {sample_weight.shape}."
                )
            final_kwargs.setdefault("sample_weight", sample_weight[keep])
        elif (
            takes_weights
            and "sample_weight" not in final_kwargs
            and getattr(self, "noise_matrix_", None) is not None
        ):
            weights = np.where(keep, noise_weights(self.noise_matrix_, codes), 0.0)
            frame["sample_weight"] = weights
            self.sample_weight_ = frame["sample_weight"]
            final_kwargs["sample_weight"] = weights[keep]
        self.label_issues_mask_ = ~keep
        self._final_fit(self._rows_of(X, len(codes)), codes, keep, final_kwargs)
        return self

    def get_label_issues(self):
        """The DataFrame of the last :meth:`find_label_issues` or :meth:`fit` (None before)."""
        frame = getattr(self, "label_issues_df_", None)
        if frame is None:
            import warnings

            warnings.warn(
                "CleanLearning: no label issues yet; call fit() or find_label_issues().",
                UserWarning,
                stacklevel=2,
            )
        return frame

    def save_space(self):
        """Drop the label-issue DataFrame and the noise estimates; keep the fitted model.

        Unlike 2.9, the constructor parameters are left alone (scikit-learn
        estimators never change them), so the estimator can still be cloned
        and refitted.
        """
        for name in (
            "label_issues_df_",
            "label_issues_mask_",
            "sample_weight_",
            "ps_",
            "py_",
            "noise_matrix_",
            "inverse_noise_matrix_",
            "confident_joint_",
        ):
            self.__dict__.pop(name, None)
        return self
