"""cleanlab 0.1.0's and 1.0's public helpers (``cleanlab.util``), with their signatures.

1.0 added :func:`int2onehot` and :func:`onehot2int`, and a check to
``assert_inputs_are_valid``: a ``TypeError`` when no label sits at its
zero-based position (labels 1..K, say); both are here.

Differences from 0.1.0 and 1.0, all where they misbehaved: ``value_counts`` of a pandas
Series is ordered by class (0.1.0: by frequency);
``assert_inputs_are_valid`` runs the full cleannb validation besides 1.0's
check (neither release checked the row sums of ``psx``; they rejected
lists, which are accepted);
``clip_values`` and ``clip_noise_rates`` give 0 where 0.1.0 divided 0 by 0
(NaN); ``confusion_matrix`` raises ``ValueError`` on a length mismatch
(0.1.0: ``AssertionError``); the print helpers print a 1-D input as one
row (0.1.0 crashed unless it had one entry).
0.1.0's :class:`VersionWarning` is kept as it was, version numbering
included; its private helper function is not.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from ._core import algebra as _algebra
from ._core import calibration as _calibration
from ._core.validation import check_labels, check_pred_probs

__all__ = [
    "VersionWarning",
    "assert_inputs_are_valid",
    "clip_noise_rates",
    "clip_values",
    "confusion_matrix",
    "estimate_pu_f1",
    "int2onehot",
    "onehot2int",
    "print_inverse_noise_matrix",
    "print_joint_matrix",
    "print_noise_matrix",
    "print_square_matrix",
    "remove_noise_from_class",
    "round_preserving_row_totals",
    "round_preserving_sum",
    "value_counts",
]


def assert_inputs_are_valid(X, s, psx=None):
    """Raise ``TypeError``/``ValueError`` if ``X``, ``s`` (and ``psx``) do not fit together.

    cleanlab 1.0's check, run before any cross-validation. The modern
    counterpart is :func:`cleannb.count.assert_valid_inputs` (``X``, ``y``,
    ``pred_probs``), which also allows missing classes and multi-label data.
    Here ``s`` and ``psx`` go through cleannb's full validation (shape, dtype,
    finite values in [0, 1], rows summing to 1 within 0.1), then 1.0's
    zero-indexing rule: a ``TypeError`` if *no* distinct label sits at its
    position in 0..K-1 (labels 1..K, say; ``{0, 2, 3}`` passes, as in 1.0).
    Lists are accepted (0.1.0 and 1.0 required numpy arrays) and row sums
    are checked (neither release checked them).

    Parameters
    ----------
    X : array_like or None
        Features, one row per example; only ``X.shape[0]`` is read, when
        ``X`` has a ``shape``.
    s : array_like of int, shape (N,)
        Noisy labels, zero-based (0..K-1).
    psx : array_like of float, shape (N, K), optional
        Out-of-sample predicted probabilities; when given, ``s`` must have
        ``N`` labels, each below ``K``.

    Returns
    -------
    None
        Returns only when the inputs are valid.

    Raises
    ------
    TypeError
        Labels not zero-based, or inputs of the wrong type.
    ValueError
        Lengths that differ, ``psx`` values outside [0, 1], or rows of ``psx``
        not summing to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.util import assert_inputs_are_valid
    >>> assert_inputs_are_valid(np.zeros((3, 2)), np.array([0, 1, 1]))
    """
    n_rows = None
    num_classes = None
    if psx is not None:
        psx = check_pred_probs(psx, name="psx")
        n_rows, num_classes = psx.shape
        from ._core.confident import row_pass

        row_pass(psx, check_labels(s, num_classes, n_rows, name="s"), name="psx")
    labels = check_labels(s, num_classes=num_classes, n_rows=n_rows, name="s")
    classes = np.unique(labels)
    if classes.size and np.all(classes != np.arange(classes.size)):
        raise TypeError(
            f"s must hold zero-based labels 0, 1, ..., K-1, but np.unique(s) = {classes}; "
            "relabel with np.unique(s, return_inverse=True)[1]."
        )
    if X is not None and hasattr(X, "shape") and X.shape[0] != len(labels):
        raise ValueError(f"X has {X.shape[0]} rows but s has {len(labels)} labels.")


def int2onehot(labels):
    """One-hot matrix of multi-label lists: one column per label that occurs (cleanlab 1.0).

    Columns are the distinct labels in ascending order, as scikit-learn's
    ``MultiLabelBinarizer`` orders them (a label that never occurs has no
    column).

    Parameters
    ----------
    labels : iterable of iterables of int
        The labels of each example, e.g. ``[[0, 1], [3], [1, 2, 3]]``.

    Returns
    -------
    numpy.ndarray of int64, shape (N, number of distinct labels)

    Examples
    --------
    >>> from cleannb.util import int2onehot
    >>> int2onehot([[0, 1], [3], [1, 3]])
    array([[1, 1, 0],
           [0, 0, 1],
           [0, 1, 1]])
    """
    rows = [list(row) for row in labels]
    lengths = np.array([len(row) for row in rows], dtype=np.int64)
    flat = np.array([value for row in rows for value in row])
    classes = np.unique(flat)
    out = np.zeros((len(rows), classes.size), dtype=np.int64)
    if flat.size:
        out[np.repeat(np.arange(len(rows)), lengths), np.searchsorted(classes, flat)] = 1
    return out


def onehot2int(onehot_matrix):
    """The multi-label lists of a one-hot matrix: the columns equal to 1 of each row (cleanlab 1.0).

    Parameters
    ----------
    onehot_matrix : array_like of 0 and 1, shape (N, K)

    Returns
    -------
    list of lists of numpy.int64

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.util import onehot2int
    >>> [[int(v) for v in row] for row in onehot2int(np.array([[1, 1, 0], [0, 0, 1]]))]
    [[0, 1], [2]]
    """
    return [list(np.flatnonzero(np.asarray(row) == 1)) for row in onehot_matrix]


def remove_noise_from_class(noise_matrix, class_without_noise):
    """Copy of ``noise_matrix`` where class ``class_without_noise`` receives no flips.

    Row ``class_without_noise`` is zeroed off the diagonal (no example of
    another true class is given that label), then each diagonal entry is reset
    so its column sums to 1. cleanlab 2.x keeps the same function, with the
    same arguments, in ``cleanlab.internal.util``; the PU-learning branch of
    :class:`cleannb.classification.LearningWithNoisyLabels` uses it. O(K^2).

    Parameters
    ----------
    noise_matrix : array_like of float, shape (K, K)
        P(s|y): column ``y`` holds the distribution of the noisy label of
        true class ``y``. Not modified.
    class_without_noise : int
        The class (a row, 0..K-1) that must receive no flipped labels.

    Returns
    -------
    numpy.ndarray of float64, shape (K, K)
        A new matrix; its columns sum to 1 when they did before.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.util import remove_noise_from_class
    >>> remove_noise_from_class(np.array([[0.8, 0.3], [0.2, 0.7]]), 0)
    array([[0.8, 0. ],
           [0.2, 1. ]])
    """
    matrix = np.array(noise_matrix, dtype=float)
    num_classes = len(matrix)
    keep = class_without_noise
    matrix[keep, [j for j in range(num_classes) if j != keep]] = 0.0
    for i in range(num_classes):
        matrix[i, i] = 1.0 - (matrix[:, i].sum() - matrix[i, i])
    return matrix


def clip_noise_rates(noise_matrix):
    """Clip off-diagonal rates to [0, 0.9999], keep the diagonal, renormalise columns.

    The same function as cleanlab 2.x's ``clip_noise_rates``, in cleannb also
    :func:`cleannb.count.clip_noise_rates`. One difference from 0.1.0: a
    column whose clipped entries sum to 0 gives zeros (0.1.0 divided 0 by 0
    and gave NaN). A NaN entry stays NaN, as in 0.1.0. O(K^2).

    Parameters
    ----------
    noise_matrix : array_like of float, shape (K, K)
        A noise matrix P(s|y) or inverse noise matrix P(y|s) whose columns
        should be distributions. Not modified.

    Returns
    -------
    numpy.ndarray, shape (K, K)
        A new matrix, each column summing to 1 (or all 0); float input keeps
        its dtype, anything else becomes float64.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.util import clip_noise_rates
    >>> clip_noise_rates(np.array([[0.5, -0.1], [0.5, 1.1]]))
    array([[0.5, 0. ],
           [0.5, 1. ]])
    """
    return _algebra.clip_noise_rates(noise_matrix)


def clip_values(x, low=0.0, high=1.0, new_sum=None):
    """Clip ``x`` to [low, high], then rescale to sum to ``new_sum`` (default: the old sum).

    The same function as cleanlab 2.x's ``clip_values``, in cleannb also
    :func:`cleannb.count.clip_values`. Differences from 0.1.0: the input is
    read as float64 (0.1.0 kept an int array int when the bounds were ints),
    sums are numpy's (0.1.0 used Python's sequential ``sum``, which can differ
    in the last bit), and values that clip to all zeros give zeros (0.1.0:
    NaN). O(N).

    Parameters
    ----------
    x : array_like of float, shape (N,)
        The values; not modified.
    low : float, default 0.0
        Lower bound of each value before rescaling.
    high : float, default 1.0
        Upper bound of each value before rescaling.
    new_sum : float, optional
        The total after rescaling; default: the sum of ``x`` before clipping.

    Returns
    -------
    numpy.ndarray of float64, shape (N,)
        The clipped values times ``new_sum / sum(clipped)``; after the
        rescaling an entry may lie outside [low, high].

    Raises
    ------
    TypeError
        ``x`` has more than one dimension.

    Examples
    --------
    >>> from cleannb.util import clip_values
    >>> clip_values([0.2, 1.4, -0.2], new_sum=1.0)
    array([0.16666667, 0.83333333, 0.        ])
    """
    return _algebra.clip_values(np.asarray(x, dtype=float), low, high, new_sum)


def value_counts(x, num_classes=None):
    """Counts of each class in ``x``.

    A list or tuple of non-negative Python ints is counted with ``np.bincount``
    (absent classes below the maximum count 0, as in 0.1.0); anything else
    counts the classes present, in sorted order, unless ``num_classes`` asks
    for zeros for every absent class 0..num_classes-1.

    cleanlab 2.x's ``value_counts`` takes the same ``num_classes``; for a
    count of every class 0..K-1 whatever the input type, use
    :func:`cleannb.count.value_counts_fill_missing_classes`. Difference from
    0.1.0: a pandas Series is counted as its values (ordered by class, an
    array); 0.1.0 returned ``Series.value_counts()``, ordered by frequency.
    ``num_classes`` is 2.x's (0.1.0 did not have it). O(N log N) (O(N) for the
    ``bincount`` branch).

    Parameters
    ----------
    x : array_like, shape (N,)
        Labels: a list, tuple, numpy array or pandas Series; not modified.
    num_classes : int, optional
        Pad with zeros to this many classes. For an array, a count for each
        of 0..num_classes-1 (the labels must then be ints in that range).

    Returns
    -------
    numpy.ndarray of int64
        One count per class: ``max(x) + 1`` of them for a list of ints, one
        per distinct value otherwise, or ``num_classes`` when it is larger.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.util import value_counts
    >>> value_counts([0, 2, 2])
    array([1, 0, 2])
    >>> value_counts(np.array([0, 2, 2]))
    array([1, 2])
    """
    if hasattr(x, "to_numpy"):
        x = x.to_numpy()
    if not isinstance(x, np.ndarray) and len(x) and all(type(v) is int and v >= 0 for v in x):
        counts = np.bincount(x)
    else:
        values, counts = np.unique(np.asarray(x), return_counts=True)
        if num_classes is not None and len(values) != num_classes:
            full = np.zeros(num_classes, dtype=counts.dtype)
            full[values.astype(int)] = counts
            return full
        return counts
    if num_classes is not None and len(counts) < num_classes:
        counts = np.pad(counts, (0, num_classes - len(counts)))
    return counts


def round_preserving_sum(iterable):
    """Round to integers whose sum is the rounded sum of the input.

    Entries are rounded half-to-even, then the shortfall is made up one unit
    at a time: the unit of the shortfall goes to the largest residual (the
    most negative one when the sum is too high); equal residuals are ordered
    by ``np.argsort`` as in 0.1.0 (here the second 0.4), or lower index first
    under ``cleannb.tie_order("index")``. cleanlab 2.x keeps the same
    function in ``cleanlab.internal.util``; 0.1.0, 1.0 and 2.x give the same
    result on the same machine (numpy's ``argsort`` order of ties depends on
    the CPU). O(N log N).

    Parameters
    ----------
    iterable : array_like of float, shape (N,)
        The values to round; not modified.

    Returns
    -------
    numpy.ndarray of int64, shape (N,)
        Each entry within 1 of its value; the entries sum to
        ``round(sum(iterable))``.

    Examples
    --------
    >>> import cleannb
    >>> from cleannb.util import round_preserving_sum
    >>> round_preserving_sum([0.4, 0.4, 0.2])
    array([0, 1, 0])
    >>> with cleannb.tie_order("index"):
    ...     round_preserving_sum([0.4, 0.4, 0.2])
    array([1, 0, 0])
    """
    return _calibration.round_preserving_sum(iterable)


def round_preserving_row_totals(confident_joint):
    """Apply :func:`~cleannb.util.round_preserving_sum` to each row.

    Calibration (:func:`cleannb.latent_estimation.calibrate_confident_joint`)
    uses it so that each row of a calibrated joint sums to its label count.
    The same function as cleanlab 2.x's, in cleannb also
    :func:`cleannb.count.round_preserving_row_totals`. O(K^2 log K) for a
    K x K matrix.

    Parameters
    ----------
    confident_joint : array_like of float, shape (K, K)
        The matrix to round (any 2-D array works); not modified.

    Returns
    -------
    numpy.ndarray of int64, same shape
        Each row sums to the rounded sum of the input row.

    Examples
    --------
    >>> from cleannb.util import round_preserving_row_totals
    >>> round_preserving_row_totals([[0.5, 1.5], [2.4, 0.6]])
    array([[0, 2],
           [2, 1]])
    """
    return _calibration.round_preserving_row_totals(confident_joint)


def estimate_pu_f1(s, prob_s_eq_1):
    """The PU-learning F1 proxy ``recall**2 / P(prediction = 1)`` / 2 (NaN without positives).

    A score for a classifier trained on positive and unlabelled examples
    (Lee and Liu, 2003), as in 0.1.0: a prediction is positive when its
    probability is at least 0.5; ``recall`` is the fraction of the examples
    labelled 1 predicted positive. cleanlab 2.x keeps it in
    ``cleanlab.internal.util``, unchanged. O(N).

    Parameters
    ----------
    s : array_like of {0, 1}, shape (N,)
        Observed labels: 1 for a labelled positive, 0 for unlabelled.
    prob_s_eq_1 : array_like of float, shape (N,)
        Predicted probability that ``s`` is 1, for each example.

    Returns
    -------
    float
        ``recall**2 / (2 * fraction predicted positive)``; NaN when no
        example is predicted positive (and NaN or inf, with a numpy warning,
        when ``s`` has no 1).

    Examples
    --------
    >>> from cleannb.util import estimate_pu_f1
    >>> estimate_pu_f1([1, 0, 1, 0], [0.9, 0.2, 0.8, 0.6])
    0.6666666666666666
    """
    s = np.asarray(s)
    predicted = np.asarray(prob_s_eq_1) >= 0.5
    true_positives = np.sum(predicted & (s == 1))
    recall = true_positives / float(np.sum(s))
    frac_positive = np.sum(predicted) / float(len(s))
    if frac_positive == 0:
        return np.nan
    return float(recall**2 / (2.0 * frac_positive))


def confusion_matrix(true, pred):
    """Float confusion matrix; rows follow the sorted values of ``true``, columns of ``pred``.

    Rows and columns are indexed independently, by the distinct values of
    each input, so the matrix need not be square and any sortable labels
    (negative ints, strings) work, as in 0.1.0. cleanlab 2.x keeps it in
    ``cleanlab.internal.util``. Difference from 0.1.0: a length mismatch
    raises ``ValueError`` (0.1.0: ``AssertionError``). O(N log N).

    Parameters
    ----------
    true : array_like, shape (N,)
        True (or given) labels: the rows.
    pred : array_like, shape (N,)
        Predicted labels: the columns.

    Returns
    -------
    numpy.ndarray of float64, shape (number of distinct ``true``, number of distinct ``pred``)
        Entry [i, j]: how many examples have the i-th smallest value of
        ``true`` and the j-th smallest value of ``pred``.

    Raises
    ------
    ValueError
        ``true`` and ``pred`` differ in length.

    Examples
    --------
    >>> from cleannb.util import confusion_matrix
    >>> confusion_matrix([0, 0, 1], [0, 1, 1])
    array([[1., 1.],
           [0., 1.]])
    """
    true, pred = np.asarray(true), np.asarray(pred)
    if len(true) != len(pred):
        raise ValueError(f"true has {len(true)} entries but pred has {len(pred)}.")
    rows, true_index = np.unique(true, return_inverse=True)
    cols, pred_index = np.unique(pred, return_inverse=True)
    matrix = np.zeros((len(rows), len(cols)))
    np.add.at(matrix, (true_index, pred_index), 1.0)
    return matrix


def print_square_matrix(
    matrix, left_name="s", top_name="y", title=" A square matrix", short_title="s,y", round_places=2
):
    """Print a K x K matrix as a labelled table followed by its trace, as 0.1.0 did.

    The title line gives the shape; cells and the trace are rounded to
    ``round_places`` (integer matrices print as integers). A 1-D input is
    printed as one row (0.1.0 crashed on it unless it had one entry).
    cleanlab 2.x keeps the print helpers in ``cleanlab.internal.util`` with
    the same arguments.

    Parameters
    ----------
    matrix : array_like, shape (K, K) or (K,)
        The matrix to print; not modified.
    left_name : str, default "s"
        Name of the row variable: rows are headed ``s=0``, ``s=1``, ...
    top_name : str, default "y"
        Name of the column variable: columns are headed ``y=0``, ``y=1``, ...
    title : str, default " A square matrix"
        First line, followed by ``of shape (K, K)``.
    short_title : str, default "s,y"
        Printed at the corner of the table.
    round_places : int, default 2
        Decimal places of the cells and of the trace.

    Returns
    -------
    None
        The table is printed to standard output.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.util import print_square_matrix
    >>> print_square_matrix(np.eye(2))  # doctest: +NORMALIZE_WHITESPACE
    <BLANKLINE>
     A square matrix of shape (2, 2)
     s,y	y=0	y=1
        ---	---
    s=0 |	1.0	0.0
    s=1 |	0.0	1.0
        Trace(matrix) = 2.0
    <BLANKLINE>
    """
    matrix = np.asarray(matrix)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    num_classes = matrix.shape[1]
    print()
    print(title, "of shape", matrix.shape)
    print(" " + short_title + "\t" + "\t".join(f"{top_name}={j}" for j in range(num_classes)))
    print("\t" + "\t".join("---" for _ in range(num_classes)))
    for i, row in enumerate(matrix):
        cells = "\t".join(str(round(v.item(), round_places)) for v in row)
        print(f"{left_name}={i} |\t{cells}")
    print("\tTrace(matrix) =", round(np.trace(matrix).item(), round_places))
    print()


def print_noise_matrix(noise_matrix, round_places=2):
    """Print P(s|y) as a table (see :func:`print_square_matrix`).

    Rows are the noisy label ``s``, columns the true label ``y``.

    Parameters
    ----------
    noise_matrix : array_like of float, shape (K, K)
        P(s|y); not modified.
    round_places : int, default 2
        Decimal places of the cells and of the trace.

    Returns
    -------
    None
        The table is printed to standard output.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.util import print_noise_matrix
    >>> print_noise_matrix(np.array([[0.8, 0.1], [0.2, 0.9]]))  # doctest: +NORMALIZE_WHITESPACE
    <BLANKLINE>
     Noise Matrix (aka Noisy Channel) P(s|y) of shape (2, 2)
     p(s|y)	y=0	y=1
        ---	---
    s=0 |	0.8	0.1
    s=1 |	0.2	0.9
        Trace(matrix) = 1.7
    <BLANKLINE>
    """
    print_square_matrix(
        noise_matrix,
        title=" Noise Matrix (aka Noisy Channel) P(s|y)",
        short_title="p(s|y)",
        round_places=round_places,
    )


def print_inverse_noise_matrix(inverse_noise_matrix, round_places=2):
    """Print P(y|s) as a table (see :func:`print_square_matrix`).

    Rows are the true label ``y``, columns the noisy label ``s``.

    Parameters
    ----------
    inverse_noise_matrix : array_like of float, shape (K, K)
        P(y|s); not modified.
    round_places : int, default 2
        Decimal places of the cells and of the trace.

    Returns
    -------
    None
        The table is printed to standard output.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.util import print_inverse_noise_matrix
    >>> print_inverse_noise_matrix(np.eye(2), round_places=1)  # doctest: +NORMALIZE_WHITESPACE
    <BLANKLINE>
     Inverse Noise Matrix P(y|s) of shape (2, 2)
     p(y|s)	s=0	s=1
        ---	---
    y=0 |	1.0	0.0
    y=1 |	0.0	1.0
        Trace(matrix) = 2.0
    <BLANKLINE>
    """
    print_square_matrix(
        inverse_noise_matrix,
        left_name="y",
        top_name="s",
        title=" Inverse Noise Matrix P(y|s)",
        short_title="p(y|s)",
        round_places=round_places,
    )


def print_joint_matrix(joint_matrix, round_places=2):
    """Print P(s, y) as a table (see :func:`print_square_matrix`).

    Rows are the noisy label ``s``, columns the true label ``y``.

    Parameters
    ----------
    joint_matrix : array_like of float, shape (K, K)
        P(s, y), e.g. from :func:`cleannb.latent_estimation.estimate_joint`;
        not modified.
    round_places : int, default 2
        Decimal places of the cells and of the trace.

    Returns
    -------
    None
        The table is printed to standard output.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.util import print_joint_matrix
    >>> print_joint_matrix(np.array([[0.4, 0.1], [0.0, 0.5]]))  # doctest: +NORMALIZE_WHITESPACE
    <BLANKLINE>
     Joint Label Noise Distribution Matrix P(s,y) of shape (2, 2)
     p(s,y)	y=0	y=1
        ---	---
    s=0 |	0.4	0.1
    s=1 |	0.0	0.5
        Trace(matrix) = 0.9
    <BLANKLINE>
    """
    print_square_matrix(
        joint_matrix,
        title=" Joint Label Noise Distribution Matrix P(s,y)",
        short_title="p(s,y)",
        round_places=round_places,
    )


class VersionWarning:
    """Check the running Python against a list of versions; warn once if it is not there.

    cleanlab 0.1.0 gated its optional model imports with this. Versions are
    numbered as 0.1.0 numbers them, ``major + 0.1 * minor``, so Python 3.6 is
    3.6 but Python 3.11 is 4.1.

    Parameters
    ----------
    warning_str : str
        Opening line of the warning.
    list_of_compatible_versions : list of float
        The compatible versions, in that numbering.

    Attributes
    ----------
    warning_str, list_of_compatible_versions
        As given.
    warning_already_issued : bool
        True once ``is_compatible()`` has warned; it then warns no more.

    Examples
    --------
    >>> import warnings
    >>> from cleannb.util import VersionWarning
    >>> check = VersionWarning("This model needs an old Python.", [2.7])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     check.is_compatible(), check.is_compatible()
    (False, False)
    >>> len(caught), caught[0].category.__name__, check.warning_already_issued
    (1, 'UserWarning', True)
    """

    def __init__(self, warning_str, list_of_compatible_versions):
        self.warning_str = warning_str
        self.warning_already_issued = False
        self.list_of_compatible_versions = list_of_compatible_versions

    def is_compatible(self):
        """Whether the running Python is listed; the first miss warns (``UserWarning``).

        Returns
        -------
        bool
        """
        version = sys.version_info.major + 0.1 * sys.version_info.minor
        compatible = version in self.list_of_compatible_versions
        if not compatible and not self.warning_already_issued:
            listed = ", ".join(str(v) for v in self.list_of_compatible_versions)
            warnings.warn(
                f"{self.warning_str} Compatible versions: {listed}; this Python counts as "
                f"{version:g} (major + 0.1 * minor).",
                UserWarning,
                stacklevel=2,
            )
            self.warning_already_issued = True
        return compatible
