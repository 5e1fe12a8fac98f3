"""Helpers that cleanlab 2.9's public modules re-export, with 2.9's signatures.

cleanlab 2.9 imports these from ``cleanlab.internal`` into ``cleanlab.count``,
``filter``, ``rank``, ``experimental.label_issues_batched`` and
``benchmarking.noise_generation``, so user code reaches them there (cleanlab's
own tests call ``cleanlab.count.compute_inv_noise_matrix``). cleannb's API
modules re-export them from here. The algebra is :mod:`cleannb._core.algebra`'s
(one implementation); this module only gives it 2.9's names, keyword-only
arguments and checks, and adds the small data helpers cleannb had no
equivalent for. Unlike cleanlab, nothing here modifies what it is given
(cleanlab's ``append_extra_datapoint`` appends to a list or a sparse matrix
in place).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from . import algebra as _algebra
from . import calibration as _calibration
from . import multilabel as _multilabel
from .constants import (  # cleanlab's constants, importable from here as from cleanlab
    CLIPPING_LOWER_BOUND,
    FLOATING_POINT_COMPARISON,
)
from .crossval import take_rows

# --------------------------------------------------------------------------
# Latent algebra: 2.9's keyword-only signatures over cleannb._core.algebra
# --------------------------------------------------------------------------


def clip_noise_rates(noise_matrix):
    """Clip the off-diagonal rates of a noise matrix to [0, 0.9999] and renormalise.

    The diagonal is kept; each column is then divided by its sum.

    Parameters
    ----------
    noise_matrix : numpy.ndarray, shape (K, K)
        A noise matrix ``P(label=i | true_label=j)`` (columns sum to 1) or its inverse.

    Returns
    -------
    numpy.ndarray
        Shape (K, K), float64, columns summing to 1. A new array.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import clip_noise_rates
    >>> clip_noise_rates(np.array([[0.5, -0.1], [0.5, 1.1]]))
    array([[0.5, 0. ],
           [0.5, 1. ]])
    """
    return _algebra.clip_noise_rates(noise_matrix)


def clip_values(x, low=0.0, high=1.0, new_sum=None):
    """Clip a 1-D array to ``[low, high]``, then rescale it to sum to ``new_sum``.

    Parameters
    ----------
    x : numpy.ndarray, shape (K,)
        Values to clip.
    low, high : float, default 0.0 and 1.0
        The bounds.
    new_sum : float or None, default None
        The sum of the result (None: the sum of ``x`` before clipping).

    Returns
    -------
    numpy.ndarray
        Shape (K,). A new array.

    Raises
    ------
    TypeError
        If ``x`` has more than one dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import clip_values
    >>> clip_values(np.array([0.2, 1.4, -0.2]), new_sum=1.0)
    array([0.16666667, 0.83333333, 0.        ])
    """
    return _algebra.clip_values(x, low, high, new_sum)


def round_preserving_row_totals(confident_joint):
    """Round each row of a matrix to integers that keep the row's rounded total.

    The shortfall of each row is given to its entries with the largest
    rounding residuals; equal residuals are ordered as numpy's ``argsort``
    orders them, as in cleanlab (or lower column first under
    ``cleannb.tie_order("index")``).

    Parameters
    ----------
    confident_joint : array_like, shape (K, K)
        Non-negative counts, usually a calibrated confident joint.

    Returns
    -------
    numpy.ndarray
        Integer matrix of the same shape.

    Examples
    --------
    >>> from cleannb.count import round_preserving_row_totals
    >>> round_preserving_row_totals([[0.5, 1.5], [2.4, 0.6]])
    array([[0, 2],
           [2, 1]])
    """
    return _calibration.round_preserving_row_totals(confident_joint)


def compute_inv_noise_matrix(py, noise_matrix, *, ps=None):
    """The inverse noise matrix ``P(true_label | label)`` from the prior and noise matrix.

    Bayes' rule on the joint ``noise_matrix * py``, divided by ``ps`` (the
    row sums of that joint when ``ps`` is None); rates are then clipped by
    :func:`clip_noise_rates`.

    Parameters
    ----------
    py : numpy.ndarray, shape (K,)
        Prior of the true labels.
    noise_matrix : numpy.ndarray, shape (K, K)
        ``P(label=i | true_label=j)``; columns sum to 1.
    ps : numpy.ndarray, shape (K,), optional
        Prior of the given labels.

    Returns
    -------
    numpy.ndarray
        Shape (K, K): ``P(true_label=i | label=j)``; columns sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import compute_inv_noise_matrix
    >>> compute_inv_noise_matrix(np.array([0.5, 0.5]), np.array([[0.8, 0.4], [0.2, 0.6]]))
    array([[0.66666667, 0.25      ],
           [0.33333333, 0.75      ]])
    """
    return _algebra.compute_inv_noise_matrix(py, noise_matrix, ps=ps)


def compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, *, py=None):
    """The noise matrix ``P(label | true_label)`` from ``p(label)`` and the inverse.

    Parameters
    ----------
    ps : numpy.ndarray, shape (K,)
        Prior of the given labels.
    inverse_noise_matrix : numpy.ndarray, shape (K, K)
        ``P(true_label=i | label=j)``; columns sum to 1.
    py : numpy.ndarray, shape (K,), optional
        Prior of the true labels (default: the column sums of the joint).

    Returns
    -------
    numpy.ndarray
        Shape (K, K): ``P(label=i | true_label=j)``; columns sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import compute_noise_matrix_from_inverse
    >>> inverse = np.array([[2 / 3, 0.25], [1 / 3, 0.75]])
    >>> compute_noise_matrix_from_inverse(np.array([0.6, 0.4]), inverse).round(6)
    array([[0.8, 0.4],
           [0.2, 0.6]])
    """
    return _algebra.compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=py)


def compute_py(
    ps, noise_matrix, inverse_noise_matrix, *, py_method="cnt", true_labels_class_counts=None
):
    """The prior of the true labels ``p(true_label)``, by one of four estimators.

    Parameters
    ----------
    ps : numpy.ndarray, shape (K,)
        Prior of the given labels.
    noise_matrix : numpy.ndarray, shape (K, K)
        ``P(label=i | true_label=j)``.
    inverse_noise_matrix : numpy.ndarray, shape (K, K)
        ``P(true_label=i | label=j)``.
    py_method : {"cnt", "eqn", "marginal", "marginal_ps"}, default "cnt"
        ``"cnt"``: ``diag(inverse) / diag(noise) * ps``; ``"eqn"``:
        ``inv(noise_matrix) @ ps``; ``"marginal"``: the normalised
        ``true_labels_class_counts``; ``"marginal_ps"``: ``inverse @ ps``.
    true_labels_class_counts : numpy.ndarray, shape (K,), optional
        Counts of the true labels (the column sums of the confident joint);
        required by ``"marginal"``.

    Returns
    -------
    numpy.ndarray
        Shape (K,): entries clipped to [1e-6, 1], summing to 1.

    Raises
    ------
    ValueError
        For an unknown ``py_method``, or ``"marginal"`` without
        ``true_labels_class_counts``.

    Warns
    -----
    UserWarning
        If ``ps`` is not of shape (K,) or (1, K).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import compute_py
    >>> noise = np.array([[0.8, 0.4], [0.2, 0.6]])
    >>> inverse = np.array([[2 / 3, 0.25], [1 / 3, 0.75]])
    >>> compute_py(np.array([0.6, 0.4]), noise, inverse).round(6)
    array([0.5, 0.5])
    """
    shape = np.shape(ps)
    if len(shape) > 2 or (len(shape) == 2 and shape[0] != 1):
        warnings.warn(f"ps has shape {shape}; pass a prior of shape (K,) or (1, K).", stacklevel=2)
    return _algebra.compute_py(
        ps,
        noise_matrix,
        inverse_noise_matrix,
        py_method,
        true_labels_class_counts,
        floor=CLIPPING_LOWER_BOUND,
    )


# --------------------------------------------------------------------------
# Labels and classes
# --------------------------------------------------------------------------


def value_counts(x, *, num_classes=None, multi_label=False):
    """How often each distinct value occurs in ``x``, in sorted order of the values.

    Parameters
    ----------
    x : array_like, shape (N,)
        Labels (integers, strings, ...); with ``multi_label``, an iterable of
        iterables of labels, which are counted once per occurrence.
    num_classes : int or None, default None
        If given (and not the number of distinct values), integer labels are
        taken from 0..num_classes-1 and absent classes count 0; other labels
        are counted in sorted order and padded with zeros at the end.
    multi_label : bool, default False
        Whether ``x`` holds a list of labels per example.

    Returns
    -------
    numpy.ndarray
        The counts, of length ``num_classes`` if given, else the number of
        distinct values.

    Raises
    ------
    ValueError
        If integer labels hold a class ``>= num_classes``.

    Examples
    --------
    >>> from cleannb.benchmarking.noise_generation import value_counts
    >>> value_counts([0, 0, 1, 1, 3])
    array([2, 2, 1])
    >>> value_counts([0, 0, 1, 1, 3], num_classes=5)
    array([2, 2, 0, 1, 0])
    >>> value_counts([[0, 1], [1], []], multi_label=True)
    array([1, 2])
    """
    if multi_label:
        x = [label for labels in x for label in labels]
    values, counts = np.unique(x, return_counts=True)
    if num_classes is None or num_classes == len(values):
        return counts
    integers = np.issubdtype(values.dtype, np.integer)
    if integers and len(values) and num_classes <= values.max():
        raise ValueError(
            f"num_classes={num_classes} but the labels contain class {values.max()}; "
            "num_classes must be larger than every label."
        )
    full = np.zeros(num_classes, dtype=int)
    full[values if integers else slice(len(values))] = counts
    return full


def value_counts_fill_missing_classes(x, num_classes, *, multi_label=False):
    """:func:`value_counts` with ``num_classes`` required: absent classes count 0.

    Parameters
    ----------
    x : array_like, shape (N,)
        Labels in 0..num_classes-1 (with ``multi_label``, lists of them).
    num_classes : int
        The number of classes K.
    multi_label : bool, default False
        Whether ``x`` holds a list of labels per example.

    Returns
    -------
    numpy.ndarray
        Shape (num_classes,).

    Examples
    --------
    >>> from cleannb.count import value_counts_fill_missing_classes
    >>> value_counts_fill_missing_classes([0, 2, 2], 4)
    array([1, 0, 2, 0])
    """
    return value_counts(x, num_classes=num_classes, multi_label=multi_label)


def get_unique_classes(labels, multi_label=None):
    """The set of classes that occur in ``labels``.

    Parameters
    ----------
    labels : iterable
        Labels, or (multi-label) an iterable of lists of labels.
    multi_label : bool or None, default None
        None: multi-label if any entry of ``labels`` is a list.

    Returns
    -------
    set

    Examples
    --------
    >>> from cleannb.count import get_unique_classes
    >>> sorted(get_unique_classes([1, [0, 2], [2]]))
    [0, 1, 2]
    """
    if multi_label is None:
        multi_label = any(isinstance(label, list) for label in labels)
    if multi_label:
        # a bare label among lists (the 1 above) is one class (cleanlab raises a TypeError)
        return {c for group in labels for c in (group if isinstance(group, list) else [group])}
    return set(labels)


def get_num_classes(labels=None, pred_probs=None, label_matrix=None, multi_label=None):
    """The number of classes K, from the first of ``pred_probs``, ``label_matrix``, ``labels``.

    Parameters
    ----------
    labels : iterable, optional
        Labels: K is the number of distinct classes that occur.
    pred_probs : numpy.ndarray, shape (N, K), optional
        Predicted probabilities: K is the number of columns (used first).
    label_matrix : numpy.ndarray, shape (K, K), optional
        A noise matrix, inverse noise matrix or confident joint (used second).
    multi_label : bool or None, default None
        Passed to :func:`get_unique_classes`.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``label_matrix`` is not square, or nothing is given.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import get_num_classes
    >>> get_num_classes(labels=[0, 2, 2])
    2
    >>> get_num_classes(labels=[0, 2, 2], pred_probs=np.full((3, 3), 1 / 3))
    3
    """
    if pred_probs is not None:
        return pred_probs.shape[1]
    if label_matrix is not None:
        if label_matrix.shape[0] != label_matrix.shape[1]:
            raise ValueError(f"label_matrix must be square (K, K), got shape {label_matrix.shape}.")
        return label_matrix.shape[0]
    if labels is None:
        raise ValueError("get_num_classes needs labels, pred_probs or label_matrix; all are None.")
    return len(get_unique_classes(labels, multi_label))


def labels_to_array(y):
    """Labels as a 1-D numpy array (from a list, array, Series or one-column DataFrame).

    Parameters
    ----------
    y : list, numpy.ndarray, pandas.Series or pandas.DataFrame
        The labels. A numpy array is returned as it is (not copied).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        If a DataFrame has more than one column, or ``y`` cannot be made an array.

    Examples
    --------
    >>> from cleannb.count import labels_to_array
    >>> labels_to_array([0, 1, 1])
    array([0, 1, 1])
    """
    if hasattr(y, "columns") and hasattr(y, "to_numpy"):  # a DataFrame
        values = y.to_numpy()
        if values.shape[1] != 1:
            raise ValueError(
                f"labels as a DataFrame must have one column, got {values.shape[1]}; "
                "pass the column of labels."
            )
        return values.reshape(-1)
    if hasattr(y, "to_numpy"):  # a Series
        return y.to_numpy()
    try:
        return np.asarray(y)
    except Exception as error:
        raise ValueError(
            f"labels must be convertible to a 1-D numpy array with np.asarray ({error})."
        ) from None


def _check_class_labels(y, allow_missing_classes, allow_one_class):
    if y.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {y.shape}.")
    if y.dtype.kind in "OUS" and any(isinstance(label, str) for label in y):
        raise ValueError("labels are strings; map them to class indices 0..K-1 first.")
    if not np.all(np.mod(y, 1) == 0):
        raise ValueError("labels must be integer class indices 0..K-1, got non-integers.")
    if len(y) and np.min(y) < 0:
        raise ValueError(f"labels must be class indices 0..K-1, got {np.min(y)}.")
    classes = np.unique(y)
    if not allow_one_class and len(classes) < 2:
        raise ValueError(f"labels must contain at least 2 classes, got {len(classes)}.")
    if not allow_missing_classes and np.any(classes != np.arange(len(classes))):
        raise TypeError(
            f"labels must contain every class 0..K-1, got classes {classes}; "
            "relabel them to 0..K-1."
        )


def _num_examples(X):
    if X is None:
        raise ValueError("X is None: pass the features (or pred_probs).")
    try:
        return len(X)
    except TypeError:
        pass
    try:
        return X.shape[0]
    except (AttributeError, IndexError, TypeError):
        raise TypeError("X must support len(X) or X.shape[0].") from None


def _check_indexing(X, length):
    rows = [0, length - 1]
    if hasattr(X, "iloc"):
        try:
            X.iloc[rows]
            return
        except Exception:
            pass
    if is_torch_dataset(X):
        return
    try:
        X[rows]
    except Exception:
        raise TypeError(
            "X must support indexing by a list of rows: X[[0, 1, 3]] (or X.iloc[[0, 1, 3]] "
            "for pandas)."
        ) from None


def assert_valid_inputs(
    X,
    y,
    pred_probs=None,
    multi_label=False,
    allow_missing_classes=True,
    allow_one_class=False,
):
    """Check features, labels and predicted probabilities as cleanlab 2.9 does.

    Parameters
    ----------
    X : array_like or None
        Features; checked (not None, ``len``, row indexing, same length as
        ``y``) only when ``pred_probs`` is None.
    y : list, numpy.ndarray, pandas.Series or pandas.DataFrame
        Labels: integer class indices (with ``multi_label``, lists of them).
    pred_probs : numpy.ndarray, shape (N, K), optional
        Predicted probabilities; values within 1e-6 of [0, 1].
    multi_label : bool, default False
        Whether ``y`` holds a list of labels per example.
    allow_missing_classes : bool, default True
        False: every class 0..K-1 must occur in ``y``.
    allow_one_class : bool, default False
        Whether ``y`` may contain a single class.

    Returns
    -------
    None

    Raises
    ------
    TypeError
        If ``y`` or ``pred_probs`` has the wrong type, ``X`` cannot be
        indexed, or a class is missing while ``allow_missing_classes=False``.
    ValueError
        If labels are not class indices, lengths differ, or ``pred_probs``
        has too few columns or values outside [0, 1].

    Warns
    -----
    UserWarning
        When both ``X`` and ``pred_probs`` are given (``X`` may then be ignored).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import assert_valid_inputs
    >>> assert_valid_inputs(None, np.array([0, 1, 1]), np.full((3, 2), 0.5))
    """
    if not isinstance(y, list | np.ndarray | np.generic) and not hasattr(y, "to_numpy"):
        raise TypeError(
            f"labels must be a list, numpy array or pandas Series, got {type(y).__name__}."
        )
    if not multi_label:
        y = labels_to_array(y)
        _check_class_labels(y, allow_missing_classes, allow_one_class)
    if pred_probs is None:
        length = _num_examples(X)
        if length != len(y):
            raise ValueError(
                f"X has {length} examples but labels has {len(y)}; pass one label per example."
            )
        _check_indexing(X, length)
        return
    if not isinstance(pred_probs, np.ndarray | np.generic):
        raise TypeError(f"pred_probs must be a numpy array, got {type(pred_probs).__name__}.")
    if len(pred_probs) != len(y):
        raise ValueError(f"pred_probs has {len(pred_probs)} rows but labels has {len(y)} entries.")
    if pred_probs.ndim != 2:
        raise ValueError(f"pred_probs must have shape (N, K), got {pred_probs.shape}.")
    if multi_label:
        if not isinstance(y, list) or not all(isinstance(row, list) for row in y):
            raise TypeError("multi-label labels must be a list of lists of class indices.")
        highest = max(max(row) for row in y if len(row)) + 1
    else:
        highest = np.max(y) + 1
    if pred_probs.shape[1] < highest:
        raise ValueError(
            f"pred_probs has {pred_probs.shape[1]} columns but labels contain class "
            f"{highest - 1}; pred_probs needs a column per class."
        )
    if (
        np.min(pred_probs) < -FLOATING_POINT_COMPARISON
        or np.max(pred_probs) > 1 + FLOATING_POINT_COMPARISON
    ):
        raise ValueError(
            "pred_probs must hold probabilities in [0, 1]; if these are logits, apply softmax."
        )
    if X is not None:
        warnings.warn(
            "Both X and pred_probs were given: X may be ignored.", UserWarning, stacklevel=2
        )


# --------------------------------------------------------------------------
# Multi-label helpers
# --------------------------------------------------------------------------


def int2onehot(labels, K):
    """Multi-label ``labels`` (a list of lists of classes) as an (N, K) 0/1 integer matrix.

    Parameters
    ----------
    labels : list of lists of int
        The classes of each example, in 0..K-1.
    K : int
        The number of classes.

    Returns
    -------
    numpy.ndarray
        Shape (N, K), int: ``onehot[i, k]`` is 1 when ``k`` is among ``labels[i]``.

    Raises
    ------
    TypeError
        If ``labels`` is not a list of lists of integers.
    ValueError
        If a class is outside 0..K-1 (cleanlab 2.9 drops such classes
        with a warning).

    Examples
    --------
    >>> from cleannb.filter import int2onehot
    >>> int2onehot([[0, 1], [2], []], K=3)
    array([[1, 1, 0],
           [0, 0, 1],
           [0, 0, 0]])
    """
    return _multilabel.onehot(labels, K).astype(int)


def get_onehot_num_classes(labels, pred_probs=None):
    """Multi-label ``labels`` as a one-hot matrix, and the number of classes.

    Parameters
    ----------
    labels : list of lists of int
        The classes of each example.
    pred_probs : numpy.ndarray, shape (N, K), optional
        If given, K is its number of columns; else the number of distinct
        classes in ``labels``.

    Returns
    -------
    onehot : numpy.ndarray
        Shape (N, K), int (see :func:`int2onehot`).
    num_classes : int

    Raises
    ------
    ValueError
        If ``labels`` is not a list of lists of class indices.

    Examples
    --------
    >>> from cleannb.count import get_onehot_num_classes
    >>> onehot, num_classes = get_onehot_num_classes([[0, 1], [1], [0]])
    >>> num_classes
    2
    """
    num_classes = get_num_classes(labels=labels, pred_probs=pred_probs)
    try:
        return int2onehot(labels, K=num_classes), num_classes
    except TypeError as error:
        raise ValueError(
            f"labels must be a list of lists of class indices for multi-label data ({error})."
        ) from None


def stack_complement(pred_prob_slice):
    """One class's probabilities ``p`` as the (N, 2) binary problem ``[1 - p, p]``.

    Parameters
    ----------
    pred_prob_slice : numpy.ndarray, shape (N,)
        The predicted probabilities of one class.

    Returns
    -------
    numpy.ndarray
        Shape (N, 2), in the dtype of ``pred_prob_slice``
        (:func:`cleannb._core.multilabel.stack_complement`, cleannb's one reduction).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import stack_complement
    >>> stack_complement(np.array([0.25, 1.0]))
    array([[0.75, 0.25],
           [0.  , 1.  ]])
    """
    return _multilabel.stack_complement(pred_prob_slice)


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


def get_normalized_entropy(pred_probs, min_allowed_prob=None):
    """The entropy of each row of ``pred_probs`` divided by ``log(K)``: in [0, 1].

    Computed as cleanlab 2.9 computes it, in the dtype of ``pred_probs``:
    ``-sum(xlogy(p, p)) / log(K)`` (zeros contribute 0). Higher values mean
    the model is less sure; the given labels play no part.

    Parameters
    ----------
    pred_probs : numpy.ndarray, shape (N, K)
        Predicted probabilities, in [0, 1].
    min_allowed_prob : float or None, default None
        Deprecated (as in cleanlab 2.5+): if given, values below it are
        raised to it first, with a ``DeprecationWarning``.

    Returns
    -------
    numpy.ndarray
        Shape (N,).

    Raises
    ------
    ValueError
        If a value of ``pred_probs`` is outside [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.rank import get_normalized_entropy
    >>> get_normalized_entropy(np.array([[0.5, 0.5], [0.75, 0.25]])).round(4)
    array([1.    , 0.8113])
    """
    from scipy.special import xlogy

    pred_probs = np.asarray(pred_probs)
    if np.any(pred_probs < 0) or np.any(pred_probs > 1):
        raise ValueError(
            "pred_probs must hold probabilities in [0, 1]; if these are logits, apply softmax."
        )
    if min_allowed_prob is not None:
        warnings.warn(
            "min_allowed_prob is deprecated and changes the entropy slightly; leave it None.",
            DeprecationWarning,
            stacklevel=2,
        )
        pred_probs = np.clip(pred_probs, min_allowed_prob, None)
    return -np.sum(xlogy(pred_probs, pred_probs), axis=1) / np.log(pred_probs.shape[1])


# --------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------


def is_torch_dataset(X):
    """Whether ``X`` is a ``torch.utils.data.Dataset`` (False when torch is not loaded).

    Does not import torch: an object can only be a torch Dataset once torch
    has been imported.

    Parameters
    ----------
    X : object

    Returns
    -------
    bool

    Examples
    --------
    >>> from cleannb.count import is_torch_dataset
    >>> is_torch_dataset([1, 2, 3])
    False
    """
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    try:
        return isinstance(X, torch.utils.data.Dataset)
    except Exception:
        return False


def _torch_subset(X, rows):
    import torch

    return torch.utils.data.Subset(X, rows)


def train_val_split(X, labels, train_idx, holdout_idx):
    """Split features and labels into a training and a holdout part by row indices.

    Parameters
    ----------
    X : numpy.ndarray, sparse matrix, pandas object, list or torch Dataset
        Features; pandas objects are split with ``iloc``, torch datasets
        with ``torch.utils.data.Subset``.
    labels : numpy.ndarray, shape (N,)
        Labels.
    train_idx, holdout_idx : array_like of int
        Row indices of the two parts.

    Returns
    -------
    X_train, X_holdout, labels_train, labels_holdout

    Raises
    ------
    ValueError
        If ``X`` cannot be indexed by rows.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import train_val_split
    >>> X, labels = np.arange(8).reshape(4, 2), np.array([0, 1, 0, 1])
    >>> X_train, X_holdout, y_train, y_holdout = train_val_split(X, labels, [0, 1], [2, 3])
    >>> X_holdout
    array([[4, 5],
           [6, 7]])
    """
    labels_train, labels_holdout = labels[train_idx], labels[holdout_idx]
    if is_torch_dataset(X):
        return (_torch_subset(X, train_idx), _torch_subset(X, holdout_idx)) + (
            labels_train,
            labels_holdout,
        )
    try:
        X_train, X_holdout = take_rows(X, train_idx), take_rows(X, holdout_idx)
    except Exception:
        raise ValueError(
            "X cannot be split by rows (X[rows] failed); pass a numpy array, sparse matrix, "
            "pandas object or list, or compute out-of-sample pred_probs yourself."
        ) from None
    return X_train, X_holdout, labels_train, labels_holdout


def append_extra_datapoint(to_data, from_data, index):
    """``to_data`` with row ``index`` of ``from_data`` appended (a new object).

    Used to keep every class in a training split. numpy arrays are stacked
    with ``np.vstack``; pandas objects are concatenated and re-indexed
    0..n-1; sparse matrices keep their format; other objects need an
    ``append`` method, which is called on a copy.

    Parameters
    ----------
    to_data, from_data : same type
        Features.
    index : int
        The row of ``from_data`` to append.

    Returns
    -------
    Same type as ``to_data``.

    Raises
    ------
    ValueError
        If the two objects are of different types.
    TypeError
        If rows of this type cannot be appended.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.count import append_extra_datapoint
    >>> append_extra_datapoint(np.zeros((1, 2)), np.ones((3, 2)), 2)
    array([[0., 0.],
           [1., 1.]])
    """
    if type(from_data) is not type(to_data):
        raise ValueError(
            f"to_data is a {type(to_data).__name__} but from_data a {type(from_data).__name__}; "
            "append a row of the same type."
        )
    if isinstance(to_data, np.ndarray):
        return np.vstack([to_data, from_data[index]])
    if hasattr(to_data, "iloc"):
        import pandas as pd

        return pd.concat([to_data, from_data.iloc[[index]]]).reset_index(drop=True)
    if hasattr(to_data, "tocsr"):
        import scipy.sparse as sp

        return sp.vstack([to_data, from_data[index]], format=to_data.format)
    try:
        extra = from_data[index]
        result = type(to_data)(to_data) if isinstance(to_data, list) else to_data.copy()
        result.append(extra)
        return result
    except Exception:
        raise TypeError(
            "features must support copying and appending a row: X.copy().append(X[i])."
        ) from None


def split_arr(arr, chunksize):
    """Split ``arr`` along its first axis into consecutive chunks of ``chunksize`` rows.

    Parameters
    ----------
    arr : numpy.ndarray
    chunksize : int
        Rows per chunk (the last chunk may be shorter).

    Returns
    -------
    list of numpy.ndarray
        Views of ``arr``.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.experimental.label_issues_batched import split_arr
    >>> [len(part) for part in split_arr(np.arange(10), 4)]
    [4, 4, 2]
    """
    return np.split(arr, np.arange(chunksize, arr.shape[0], chunksize), axis=0)


# --------------------------------------------------------------------------
# Helpers cleanlab 2.9's classification module imports
# --------------------------------------------------------------------------


def compress_int_array(int_array, num_possible_values):
    """``int_array`` in the smallest of int16 / int32 that holds its values.

    Parameters
    ----------
    int_array : numpy.ndarray of int
        Values in ``0 .. num_possible_values - 1``.
    num_possible_values : int
        How many distinct values the array may hold.

    Returns
    -------
    numpy.ndarray or object
        A new int16 array when ``num_possible_values`` is below int16's
        maximum, int32 below int32's, else ``int_array`` itself; anything
        that is not an array comes back unchanged (as in cleanlab).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.classification import compress_int_array
    >>> compress_int_array(np.array([0, 2, 1]), 3).dtype
    dtype('int16')
    """
    for dtype in (np.int16, np.int32):
        if num_possible_values < np.iinfo(dtype).max:
            try:
                return int_array.astype(dtype)
            except AttributeError:
                return int_array
    return int_array


def force_two_dimensions(X):
    """``X`` with every dimension after the first flattened into one.

    Parameters
    ----------
    X : array_like with a ``shape`` and ``reshape``, or None
        Features, e.g. images of shape (N, H, W).

    Returns
    -------
    array_like or None
        ``X.reshape(len(X), -1)`` when ``X`` has more than two dimensions,
        else ``X`` itself.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.classification import force_two_dimensions
    >>> force_two_dimensions(np.zeros((4, 3, 2))).shape
    (4, 6)
    """
    if X is not None and len(X.shape) > 2:
        return X.reshape((len(X), -1))
    return X


def subset_X_y(X, labels, mask):
    """The rows of features and labels where ``mask`` is True.

    Parameters
    ----------
    X : numpy.ndarray, sparse matrix, pandas object or list
        Features with N rows.
    labels : numpy.ndarray or list, length N
        Labels (a list of lists for multi-label data).
    mask : numpy.ndarray of bool, shape (N,)
        Rows to keep.

    Returns
    -------
    X_subset, labels_subset
        The kept rows, in order, of the same kinds as ``X`` and ``labels``.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.classification import subset_X_y
    >>> subset_X_y(np.arange(6).reshape(3, 2), [0, 1, 1], np.array([True, False, True]))
    (array([[0, 1],
           [4, 5]]), [0, 1])
    """
    mask = np.asarray(mask, dtype=bool)
    if isinstance(labels, np.ndarray):
        labels_subset = labels[mask]
    else:
        labels_subset = [label for label, keep in zip(labels, mask, strict=True) if keep]
    return take_rows(X, np.flatnonzero(mask)), labels_subset
