"""Out-of-sample predicted probabilities by stratified cross-validation.

The classifier's own fits dominate these functions; cleannb only splits,
clones and collects, then runs the confident-joint pipeline on the result. With
``seed=None`` the folds are shuffled with numpy's global RNG, as in cleanlab
(``np.random.seed`` reproduces them); an int or a Generator leaves it untouched
(0.1.0 also reseeded the global RNG with an int).
"""

from __future__ import annotations

import warnings

import numpy as np

from . import algebra as _algebra
from . import pipeline as _pipeline
from .parallel import num_threads
from .seeds import folds_random_state
from .source import as_pred_probs
from .validation import check_choice, check_flag, check_labels

# scikit-learn is imported inside the functions that use it, so that importing
# cleannb.count and cleannb.latent_estimation (which use this module) does not load it.


def default_classifier():
    """The classifier used when none is given: scikit-learn's LogisticRegression."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression()


def take_rows(X, rows):
    """Rows of X for numpy arrays, sparse matrices, pandas objects and lists."""
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if isinstance(X, list):
        return [X[i] for i in rows]
    return X[rows]


def _append_row(X, extra):
    if hasattr(X, "iloc"):
        import pandas as pd

        return pd.concat([X, extra])
    if isinstance(X, list):
        return X + extra
    if hasattr(X, "tocsr"):
        import scipy.sparse as sp

        return sp.vstack([X, extra], format=X.format)
    return np.concatenate([X, extra])


def _progress(iterable, verbose, total, desc):
    if not verbose:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc)


def cv_pred_probs(
    X,
    labels,
    clf=None,
    cv_n_folds=5,
    seed=None,
    clf_kwargs=None,
    validation_func=None,
    verbose=False,
):
    """Out-of-sample ``pred_probs`` (N, K) from ``cv_n_folds`` stratified folds.

    A class absent from a training fold gets one of its holdout examples
    copied into that fold (with a warning), and that example's holdout
    prediction is one-hot, as cleanlab 2.x does.
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    labels = check_labels(labels)
    num_classes = int(labels.max()) + 1
    if clf is None:
        clf = default_classifier()
    if not isinstance(cv_n_folds, int | np.integer) or cv_n_folds < 2:
        raise ValueError(f"cv_n_folds must be an integer of at least 2, got {cv_n_folds!r}.")
    if validation_func is not None and not callable(validation_func):
        raise TypeError("validation_func must be a callable f(X_val, y_val) returning fit kwargs.")
    folds = StratifiedKFold(
        n_splits=cv_n_folds, shuffle=True, random_state=folds_random_state(seed)
    )
    pred_probs = np.zeros((len(labels), num_classes))
    splits = folds.split(np.zeros(len(labels)), labels)
    for train, holdout in _progress(splits, verbose, cv_n_folds, "cross-validation"):
        try:
            model = clone(clf)
        except Exception as error:
            raise ValueError(
                "clf must be clonable with sklearn.base.clone (define get_params), or compute "
                "pred_probs yourself and pass them in."
            ) from error
        X_train, y_train = take_rows(X, train), labels[train]
        X_holdout, y_holdout = take_rows(X, holdout), labels[holdout]
        missing = sorted(set(range(num_classes)) - set(np.unique(y_train).tolist()))
        borrowed = {}
        if missing:
            warnings.warn(
                f"classes {missing} have too few examples for {cv_n_folds}-fold cross-validation; "
                "one holdout example of each was copied into the training fold (lower cv_n_folds "
                "to avoid this).",
                UserWarning,
                stacklevel=3,
            )
            for k in missing:
                position = int(np.flatnonzero(y_holdout == k)[0])
                X_train = _append_row(X_train, take_rows(X_holdout, [position]))
                y_train = np.append(y_train, k)
                borrowed[k] = position
        extra = validation_func(X_holdout, y_holdout) if validation_func else {}
        model.fit(X_train, y_train, **(clf_kwargs or {}), **extra)
        fold_probs = np.asarray(model.predict_proba(X_holdout), dtype=float)
        for k, position in borrowed.items():
            fold_probs[position] = 0.0
            fold_probs[position, k] = 1.0
        pred_probs[holdout] = fold_probs
    return pred_probs


def estimate_confident_joint_and_cv_pred_proba(
    X,
    labels,
    clf=None,
    *,
    cv_n_folds=5,
    thresholds=None,
    seed=None,
    calibrate=True,
    clf_kwargs=None,
    validation_func=None,
    verbose=False,
    n_jobs=None,
):
    """Cross-validated ``pred_probs`` and the confident joint computed from them.

    Parameters
    ----------
    X : array_like, sparse matrix or DataFrame, N rows
        Features; passed to ``clf`` untouched apart from row selection.
    labels : array_like of int, shape (N,)
        Given (possibly noisy) labels 0..K-1; each fold is stratified by them.
    clf : scikit-learn compatible classifier, optional
        Cloned for each fold; default ``LogisticRegression()``.
    cv_n_folds : int, default 5
        Number of stratified folds, >= 2.
    thresholds : array_like, optional
        Passed to :func:`cleannb.count.compute_confident_joint`.
    seed : None, int or numpy.random.Generator, optional
        Shuffles the ``StratifiedKFold``: None with numpy's global RNG
        (reproducible by ``np.random.seed``), otherwise leaving it untouched.
        A classifier with ``random_state=None`` draws from the global RNG
        itself.
    calibrate : bool, default True
        Calibrate the confident joint (see
        :func:`cleannb.count.compute_confident_joint`).
    clf_kwargs : dict, optional
        Extra keyword arguments of ``clf.fit``.
    validation_func : callable, optional
        ``validation_func(X_holdout, y_holdout)`` returns extra ``fit`` kwargs.
    verbose : bool, default False
        Show a progress bar over the folds.
    n_jobs : int or None, default None
        Threads for the confident-joint kernels (the classifier is not affected).

    Returns
    -------
    confident_joint : numpy.ndarray, shape (K, K)
    pred_probs : numpy.ndarray, shape (N, K)

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import estimate_confident_joint_and_cv_pred_proba
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(3, 1, (30, 2))]
    >>> cj, pred_probs = estimate_confident_joint_and_cv_pred_proba(X, [0] * 30 + [1] * 30, seed=0)
    >>> cj.sum(), pred_probs.shape
    (np.int64(60), (60, 2))
    """
    calibrate = check_flag(calibrate, "calibrate")
    pred_probs = cv_pred_probs(
        X, labels, clf, cv_n_folds, seed, clf_kwargs, validation_func, verbose
    )
    checked = as_pred_probs(pred_probs)
    labels = check_labels(labels, num_classes=checked.shape[1], n_rows=len(checked))
    with num_threads(n_jobs):
        confident_joint, _ = _pipeline.confident_joint(
            labels, checked, thresholds, calibrate=calibrate
        )
    return confident_joint, pred_probs


def estimate_py_noise_matrices_and_cv_pred_proba(
    X,
    labels,
    clf=None,
    *,
    cv_n_folds=5,
    thresholds=None,
    converge_latent_estimates=False,
    py_method="cnt",
    seed=None,
    clf_kwargs=None,
    validation_func=None,
    verbose=False,
    n_jobs=None,
):
    """Cross-validated ``pred_probs`` and every latent estimate from them.

    :func:`estimate_confident_joint_and_cv_pred_proba` (with the confident
    joint calibrated) followed by :func:`cleannb.count.estimate_latent`. The
    ``cv_n_folds`` fits of ``clf`` dominate the cost.

    Parameters
    ----------
    X : array_like, sparse matrix or DataFrame, N rows
        Features; passed to ``clf`` untouched apart from row selection.
    labels : array_like of int, shape (N,)
        Given (possibly noisy) labels 0..K-1; each fold is stratified by them.
    clf : scikit-learn compatible classifier, optional
        Cloned for each fold (``fit`` and ``predict_proba`` are used); default
        ``LogisticRegression()`` (cleanlab 2.9's default, built on each call).
    cv_n_folds : int, default 5
        Number of stratified folds, >= 2.
    thresholds : array_like, shape (K,), optional
        Passed to :func:`cleannb.count.compute_confident_joint`.
    converge_latent_estimates : bool, default False
        Refine the three estimates with 3 x 5 rounds of the algebraic
        relations between them (see :func:`cleannb.count.estimate_latent`).
    py_method : {"cnt", "eqn", "marginal", "marginal_ps"}, default "cnt"
        Estimator of the true-label prior p(y).
    seed : None, int or numpy.random.Generator, optional
        Shuffles the ``StratifiedKFold``: None with numpy's global RNG
        (reproducible by ``np.random.seed``), otherwise leaving it untouched.
        A classifier with ``random_state=None`` draws from the global RNG
        itself.
    clf_kwargs : dict, optional
        Extra keyword arguments of ``clf.fit`` (cleanlab 2.9's default ``{}``).
    validation_func : callable, optional
        ``validation_func(X_holdout, y_holdout)`` returns extra ``fit`` kwargs
        for that fold (for example an early-stopping set).
    verbose : bool, default False
        cleannb's addition: show a progress bar over the folds.
    n_jobs : int or None, default None
        cleannb's addition: threads for the confident-joint kernels (the
        classifier is not affected).

    Returns
    -------
    py : numpy.ndarray, shape (K,)
        The prior of the true labels p(y); sums to 1.
    noise_matrix : numpy.ndarray, shape (K, K)
        P(s | y); columns sum to 1.
    inverse_noise_matrix : numpy.ndarray, shape (K, K)
        P(y | s); columns sum to 1.
    confident_joint : numpy.ndarray of int64, shape (K, K)
        Calibrated: rows sum to the label counts.
    pred_probs : numpy.ndarray of float64, shape (N, K)
        The out-of-sample predicted probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import estimate_py_noise_matrices_and_cv_pred_proba
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(3, 1, (30, 2))]
    >>> py, nm, inv, cj, pred_probs = estimate_py_noise_matrices_and_cv_pred_proba(
    ...     X, [0] * 30 + [1] * 30, seed=0)
    >>> bool(np.isclose(py.sum(), 1)), bool(np.allclose(nm.sum(axis=0), 1)), pred_probs.shape
    (True, True, (60, 2))
    """
    check_choice(py_method, "py_method", _algebra.PY_METHODS)
    converge = check_flag(converge_latent_estimates, "converge_latent_estimates")
    confident_joint, pred_probs = estimate_confident_joint_and_cv_pred_proba(
        X,
        labels,
        clf,
        cv_n_folds=cv_n_folds,
        thresholds=thresholds,
        seed=seed,
        clf_kwargs=clf_kwargs,
        validation_func=validation_func,
        verbose=verbose,
        n_jobs=n_jobs,
    )
    labels = check_labels(labels, num_classes=len(confident_joint))
    label_counts = np.bincount(labels, minlength=len(confident_joint))
    py, noise_matrix, inverse = _algebra.estimate_latent(
        confident_joint, label_counts, py_method, converge
    )
    return py, noise_matrix, inverse, confident_joint, pred_probs


def estimate_cv_predicted_probabilities(
    X,
    labels,
    clf=None,
    *,
    cv_n_folds=5,
    seed=None,
    clf_kwargs=None,
    validation_func=None,
    verbose=False,
):
    """Out-of-sample predicted probabilities by stratified cross-validation.

    ``clf`` is fitted on all folds but one and predicts the held-out fold,
    ``cv_n_folds`` times. A class absent from a training fold gets one of its
    held-out examples copied into that fold (with a warning), and that
    example's prediction is one-hot, as in cleanlab 2.x. The fits dominate
    the cost; extra memory is the (N, K) result plus the folds' row copies.

    Parameters
    ----------
    X : array_like, sparse matrix or DataFrame, N rows
        Features; passed to ``clf`` untouched apart from row selection.
    labels : array_like of int, shape (N,)
        Given (possibly noisy) labels 0..K-1; each fold is stratified by them.
    clf : scikit-learn compatible classifier, optional
        Cloned for each fold (``fit`` and ``predict_proba`` are used); default
        ``LogisticRegression()`` (cleanlab 2.9's default, built on each call).
    cv_n_folds : int, default 5
        Number of stratified folds, >= 2.
    seed : None, int or numpy.random.Generator, optional
        Shuffles the ``StratifiedKFold``: None with numpy's global RNG
        (reproducible by ``np.random.seed``), otherwise leaving it untouched.
        A classifier with ``random_state=None`` draws from the global RNG
        itself.
    clf_kwargs : dict, optional
        Extra keyword arguments of ``clf.fit`` (cleanlab 2.9's default ``{}``).
    validation_func : callable, optional
        ``validation_func(X_holdout, y_holdout)`` returns extra ``fit`` kwargs
        for that fold (for example an early-stopping set).
    verbose : bool, default False
        cleannb's addition: show a progress bar over the folds.

    Returns
    -------
    pred_probs : numpy.ndarray of float64, shape (N, K)
        Row i is predicted by the model that did not see example i; K is
        ``max(labels) + 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import estimate_cv_predicted_probabilities
    >>> X = np.arange(20.0).reshape(-1, 1)
    >>> estimate_cv_predicted_probabilities(X, [0] * 10 + [1] * 10, cv_n_folds=2, seed=0).shape
    (20, 2)
    """
    return cv_pred_probs(X, labels, clf, cv_n_folds, seed, clf_kwargs, validation_func, verbose)


def estimate_noise_matrices(
    X,
    labels,
    clf=None,
    *,
    cv_n_folds=5,
    thresholds=None,
    converge_latent_estimates=True,
    seed=None,
    clf_kwargs=None,
    validation_func=None,
    verbose=False,
    n_jobs=None,
):
    """Noise matrix P(s|y) and inverse P(y|s) estimated through cross-validation.

    The two matrices of :func:`estimate_py_noise_matrices_and_cv_pred_proba`
    (note the default ``converge_latent_estimates=True`` here, as in
    cleanlab 2.9, where that function defaults to False).

    Parameters
    ----------
    X : array_like, sparse matrix or DataFrame, N rows
        Features; passed to ``clf`` untouched apart from row selection.
    labels : array_like of int, shape (N,)
        Given (possibly noisy) labels 0..K-1; each fold is stratified by them.
    clf : scikit-learn compatible classifier, optional
        Cloned for each fold (``fit`` and ``predict_proba`` are used); default
        ``LogisticRegression()`` (cleanlab 2.9's default, built on each call).
    cv_n_folds : int, default 5
        Number of stratified folds, >= 2.
    thresholds : array_like, shape (K,), optional
        Passed to :func:`cleannb.count.compute_confident_joint`.
    converge_latent_estimates : bool, default True
        Refine the estimates with 3 x 5 rounds of the algebraic relations
        between them (see :func:`cleannb.count.estimate_latent`).
    seed : None, int or numpy.random.Generator, optional
        Shuffles the ``StratifiedKFold``: None with numpy's global RNG
        (reproducible by ``np.random.seed``), otherwise leaving it untouched.
        A classifier with ``random_state=None`` draws from the global RNG
        itself.
    clf_kwargs : dict, optional
        Extra keyword arguments of ``clf.fit`` (cleanlab 2.9's default ``{}``).
    validation_func : callable, optional
        ``validation_func(X_holdout, y_holdout)`` returns extra ``fit`` kwargs
        for that fold (for example an early-stopping set).
    verbose : bool, default False
        cleannb's addition: show a progress bar over the folds.
    n_jobs : int or None, default None
        cleannb's addition: threads for the confident-joint kernels (the
        classifier is not affected).

    Returns
    -------
    noise_matrix : numpy.ndarray, shape (K, K)
        P(s | y); columns sum to 1.
    inverse_noise_matrix : numpy.ndarray, shape (K, K)
        P(y | s); columns sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import estimate_noise_matrices
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(3, 1, (30, 2))]
    >>> nm, inv = estimate_noise_matrices(X, [0] * 30 + [1] * 30, seed=0)
    >>> nm.shape, bool(np.allclose(inv.sum(axis=0), 1))
    ((2, 2), True)
    """
    result = estimate_py_noise_matrices_and_cv_pred_proba(
        X,
        labels,
        clf,
        cv_n_folds=cv_n_folds,
        thresholds=thresholds,
        converge_latent_estimates=converge_latent_estimates,
        seed=seed,
        clf_kwargs=clf_kwargs,
        validation_func=validation_func,
        verbose=verbose,
        n_jobs=n_jobs,
    )
    return result[1], result[2]
