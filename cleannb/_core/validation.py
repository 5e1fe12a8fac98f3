"""Input checks shared by every public function.

Each check raises a ``TypeError`` or ``ValueError`` that names the argument,
the problem and the fix. Nothing here modifies the caller's arrays: labels are
converted to a new int64 array only when they are not one already, and
``pred_probs`` of 1 MiB or more is only ever viewed, never copied (the one
exception, negative zeros, is documented in :func:`raise_for_value_stats`);
smaller ones reach the kernels as one float64 copy (:func:`pred_probs_views`).

The value checks on ``pred_probs`` (NaN, range, row sums) need a pass over the
data; to avoid a pass of their own they ride along the first kernel pass of
each public function, which reports per-block statistics that
:func:`raise_for_value_stats` reads.

Row sums of multi-class ``pred_probs``: within :data:`ROW_SUM_WARNING` of 1
is silent, within :data:`ROW_SUM_TOLERANCE` gives one ``UserWarning`` per
public call (float16 probabilities are often this far off), beyond it is an
error. Results always use the values as given, never renormalised ones.

One warning per public call: a public function may validate ``pred_probs``
several times (``filter.find_label_issues`` runs ``count`` and ``rank``
code, the CLI runs four public functions, an ensemble has one array per
model). The call is identified by the outermost frame of cleannb code on the
current thread's stack. After warning, a thread-local slot keeps that frame
and :func:`warn_row_sums` stays silent while it is still on the stack;
:func:`check_pred_probs`, which every public call runs first, drops the slot
once the frame has returned (so a finished call's frame, and its locals, are
kept only until the thread's next call, and only after a warning). Threads
never share the slot, so concurrent calls each warn once.
"""

from __future__ import annotations

import contextvars
import sys
import threading
import warnings
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .._kernels.dtype import PRECISION
from .parallel import PARALLEL_MIN_BYTES

#: Largest |row sum - 1| accepted for multi-class ``pred_probs`` (beyond: error).
ROW_SUM_TOLERANCE = 0.1
#: Rows further than this from summing to 1 (but within the tolerance) give a warning.
ROW_SUM_WARNING = 0.02
#: The warning's count of such rows reads ``pred_probs`` in blocks of at most
#: this many rows and this many values (float64 sums; no copy of the array).
COUNT_BLOCK_ROWS = 4096
COUNT_BLOCK_VALUES = 1 << 18
#: Values within this of [0, 1] are accepted silently (float rounding in a
#: softmax; cleanlab 2.9's own tolerance).
VALUE_SILENT = 1e-6
#: Largest amount above 1 accepted: values in (1 + VALUE_SILENT, 1 + VALUE_TOLERANCE]
#: give one ``UserWarning`` per public call (probabilities published with a few
#: digits, e.g. 1.00001); beyond, an error.
VALUE_TOLERANCE = 1e-3
#: Largest amount below 0 accepted (silently, as cleanlab 2.9 does); beyond, an error.
NEGATIVE_TOLERANCE = 1e-6
#: Values further than this outside [0, 1] are taken for scores or logits: the
#: error suggests a softmax; nearer ones, clipping and renormalising.
LOGIT_MARGIN = 0.1

_KEY_DTYPES = {
    np.dtype(np.float16): np.dtype(np.int16),
    np.dtype(np.float32): np.dtype(np.int32),
    np.dtype(np.float64): np.dtype(np.int64),
}
_FLOAT_OF_KEY = {key: value for value, key in _KEY_DTYPES.items()}
_EMPTY_TABLE = np.zeros(0)
_float16_table = None
_PACKAGE = __name__.partition(".")[0]
#: ``.frame``: outermost cleannb frame of the call that last warned on this thread.
_warned_call = threading.local()


def _float16_decode_table():
    global _float16_table
    if _float16_table is None:
        _float16_table = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float64)
    return _float16_table


def check_flag(value, name):
    """Return ``value`` as a bool, or raise ``TypeError`` naming ``name``.

    Accepts what cleanlab treats as a flag (it tests flags with ``if flag:``):
    ``True``/``False`` (also ``numpy.bool_``), the integers 0 and 1, and
    ``None`` (False). Anything else, such as ``"yes"`` or 2, is most likely a
    mistake and raises.

    Examples
    --------
    >>> check_flag(None, "verbose"), check_flag(1, "verbose"), check_flag(np.False_, "verbose")
    (False, True, False)
    >>> check_flag("yes", "verbose")
    Traceback (most recent call last):
    ...
    TypeError: verbose must be True or False (or None, 0, 1), got 'yes'.
    """
    if value is None:
        return False
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, Integral) and value in (0, 1):
        return bool(value)
    raise TypeError(f"{name} must be True or False (or None, 0, 1), got {value!r}.")


def check_int(value, name, low):
    """Return ``value`` as an int of at least ``low``, or raise naming ``name``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}.")
    return int(value)


def check_real(value, name, low=-np.inf, high=np.inf):
    """Return ``value`` as a float in [low, high], or raise naming ``name``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    if not (low <= value <= high):
        raise ValueError(f"{name} must be between {low} and {high}, got {value}.")
    return value


def check_square(matrix, name, min_size=1):
    """Return ``matrix`` as a finite float64 (K, K) array (K >= ``min_size``), or raise."""
    array = np.asarray(matrix)
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] < min_size:
        raise ValueError(
            f"{name} must be a square (K, K) matrix with K >= {min_size}, got shape {array.shape}."
        )
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}.")
    array = np.ascontiguousarray(array, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return array


def check_choice(value, name, choices):
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}={value!r} is not supported; use one of {options}.")
    return value


def check_labels(labels, num_classes=None, n_rows=None, name="labels"):
    """Return ``labels`` as a 1-D int64 array after checking it.

    Parameters
    ----------
    labels : array_like of int
        Class indices 0..K-1, one per example.
    num_classes : int, optional
        K; labels must be below it.
    n_rows : int, optional
        The number of rows of ``pred_probs``; ``labels`` must have this length.
    name : str
        The argument name used in messages.

    Returns
    -------
    numpy.ndarray
        int64, C-contiguous; the input itself when it already is one.
    """
    if labels is None:
        raise TypeError(f"{name} is required: pass one integer class label per example.")
    if hasattr(labels, "to_numpy"):
        labels = labels.to_numpy()
    try:
        array = np.asarray(labels)
    except ValueError:  # ragged nested lists
        array = np.asarray(labels, dtype=object)
    if array.dtype == object or array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of integer class labels, got shape {array.shape}"
            + (
                " with ragged rows; for multi-label data pass multi_label=True."
                if array.dtype == object
                else "."
            )
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty: pass at least one example.")
    if not np.issubdtype(array.dtype, np.integer):
        if (
            array.dtype.kind == "f"
            and np.all(np.isfinite(array))
            and np.all(array == np.round(array))
        ):
            array = array.astype(np.int64)
        else:
            raise TypeError(
                f"{name} must hold integer class indices 0..K-1, got dtype {array.dtype}; "
                "encode class names with sklearn.preprocessing.LabelEncoder first."
            )
    if n_rows is not None and array.shape[0] != n_rows:
        raise ValueError(
            f"{name} has {array.shape[0]} entries but pred_probs has {n_rows} rows; "
            "they must describe the same examples in the same order."
        )
    low, high = int(array.min()), int(array.max())
    if low < 0:
        raise ValueError(f"{name} must be 0..K-1 but contains {low}.")
    if num_classes is not None and high >= num_classes:
        raise ValueError(
            f"{name} contains class {high} but pred_probs has only {num_classes} columns "
            f"(classes 0..{num_classes - 1}); labels must index the columns of pred_probs."
        )
    return np.ascontiguousarray(array, dtype=np.int64)


def check_pred_probs(pred_probs, name="pred_probs", min_classes=2):
    """Check the type and shape of ``pred_probs`` and return it as an ndarray.

    The values are checked later, from the statistics of the first kernel pass
    (:func:`raise_for_value_stats`). Also forgets a finished call's row-sum
    warning (see the module docstring).
    """
    if getattr(_warned_call, "frame", None) is not None:
        _forget_finished_call()
    if pred_probs is None:
        raise TypeError(f"{name} is required: pass an (N, K) array of predicted probabilities.")
    if hasattr(pred_probs, "to_numpy") and not isinstance(pred_probs, np.ndarray):
        pred_probs = pred_probs.to_numpy()
    if not isinstance(pred_probs, np.ndarray):
        pred_probs = np.asarray(pred_probs)
    if pred_probs.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D with shape (N, K), one row per example, got shape "
            f"{pred_probs.shape}."
        )
    if not pred_probs.dtype.isnative:
        raise TypeError(
            f"{name} is byte-swapped ({pred_probs.dtype.str}); convert it with "
            f"{name}.astype({pred_probs.dtype.name!r})."
        )
    if pred_probs.dtype not in _KEY_DTYPES:
        if np.issubdtype(pred_probs.dtype, np.number) and pred_probs.dtype.kind in "iub":
            pred_probs = pred_probs.astype(np.float64)
        elif pred_probs.dtype.kind == "f":
            raise TypeError(
                f"{name} has dtype {pred_probs.dtype}; use float16, float32 or float64."
            )
        else:
            raise TypeError(
                f"{name} must hold floating-point probabilities, got {pred_probs.dtype}."
            )
    if pred_probs.shape[0] == 0:
        raise ValueError(f"{name} is empty: pass at least one example.")
    if pred_probs.shape[1] < min_classes:
        raise ValueError(
            f"{name} has {pred_probs.shape[1]} column(s); at least {min_classes} classes "
            "are needed."
        )
    return pred_probs


#: ``pred_probs`` in memory smaller than this (the inputs the serial kernels
#: run on) take the small-input paths: they reach the kernels as one float64,
#: C-ordered copy, whatever their dtype, layout and writability (each kind of
#: array compiles its own kernels, so a small input of a new kind then costs no
#: compilation), and the selections sort them with numpy instead of compiling
#: the selection kernels. Larger inputs are never copied.
SMALL_INPUT_MAX_BYTES = PARALLEL_MIN_BYTES
_small_paths = contextvars.ContextVar("cleannb_small_input_paths", default=True)


@contextmanager
def large_input_paths():
    """Within this context small ``pred_probs`` take the paths of large ones: the
    kernels read them as given, in their own dtype and layout, and the selections
    run in the kernels (for the warm-up, and for tests of those paths)."""
    token = _small_paths.set(False)
    try:
        yield
    finally:
        _small_paths.reset(token)


def small_paths_allowed():
    """False inside :func:`large_input_paths`: small data then takes the kernels' paths."""
    return _small_paths.get()


def is_small_input(pred_probs):
    """Whether ``pred_probs`` (a checked array or a ``RowSource``) takes the small-input paths."""
    return isinstance(pred_probs, np.ndarray) and is_small_data(pred_probs)


def is_small_data(pred_probs):
    """Whether the values of ``pred_probs`` (an array or a ``RowSource``) take less than
    :data:`SMALL_INPUT_MAX_BYTES`: for choices of arithmetic, which must not depend on
    where the rows come from."""
    n_rows, num_classes = pred_probs.shape
    small = n_rows * num_classes * pred_probs.dtype.itemsize < SMALL_INPUT_MAX_BYTES
    return small and _small_paths.get()


@dataclass(frozen=True)
class Views:
    """What kernels read of ``pred_probs`` (see ``_kernels.confident``).

    ``keys`` and ``values`` view ``pred_probs`` itself, or its float64 copy
    when it is smaller than :data:`SMALL_INPUT_MAX_BYTES` (``shared``).
    ``dtype`` and ``nbytes`` are those of ``pred_probs``: kernels round keys
    to its precision (``precision``, a run-time code) and pick their serial
    or threaded twin by its size.
    """

    keys: np.ndarray
    values: np.ndarray
    table: np.ndarray
    dtype: np.dtype
    nbytes: int
    shared: bool

    @property
    def precision(self):
        """The code of ``dtype`` that kernels round keys with (``_kernels.dtype.PRECISION``)."""
        return PRECISION[self.dtype]

    def ceil_keys(self, limits):
        """Keys of the smallest ``dtype`` values at or above ``limits`` (:func:`ceil_keys`),
        in the integer type of ``keys``."""
        return ceil_keys(limits, self.dtype, self.keys.dtype)

    def as_values(self, array):
        """``array`` (per-row values in ``dtype``) as the kernels read it beside ``values``."""
        if self.shared:
            return np.ascontiguousarray(array, dtype=np.float64)
        return pred_probs_views(array, share=False).values


def pred_probs_views(pred_probs, share=True):
    """The :class:`Views` of a checked ``pred_probs`` (a copy only if small and ``share``)."""
    dtype = pred_probs.dtype
    nbytes = pred_probs.nbytes
    shared = share and is_small_input(pred_probs)
    if shared:
        values = np.require(pred_probs, np.float64, ["C_CONTIGUOUS", "ALIGNED", "WRITEABLE"])
        return Views(values.view(np.int64), values, _EMPTY_TABLE, dtype, nbytes, True)
    keys = pred_probs.view(_KEY_DTYPES[dtype])
    if dtype == np.float16:
        return Views(keys, keys, _float16_decode_table(), dtype, nbytes, False)
    return Views(keys, pred_probs, _EMPTY_TABLE, dtype, nbytes, False)


def ceil_keys(limits, dtype, key_dtype=None):
    """Integer keys of the smallest ``dtype`` values at or above each limit.

    ``p >= limit`` (compared exactly, as numpy does for mixed float types) is
    then ``key(p) >= ceil_keys(limit)`` for every non-negative ``p``. NaN
    limits give the largest key, which no valid probability reaches. Limits at or
    below 0 give the key of 0.0: every non-negative ``p`` reaches it, no
    negative one does (their keys are negative, and order them in reverse, so
    no key separates those above a negative limit; the caller grades rows
    with negative values against negative limits itself). The keys
    have the width of ``dtype`` (int32 for float32), so that kernels compare
    them with the keys of the values without widening either; with
    ``key_dtype`` int64, they are the keys of those values as float64 (for
    the float64 copy of a small input).
    """
    limits = np.asarray(limits, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = limits.astype(dtype)
        below = rounded.astype(np.float64) < limits
        rounded[below] = np.nextafter(rounded[below], dtype.type(np.inf))
    key_dtype = _KEY_DTYPES[np.dtype(dtype)] if key_dtype is None else np.dtype(key_dtype)
    float_dtype = _FLOAT_OF_KEY[key_dtype]
    keys = rounded.astype(float_dtype).view(key_dtype).copy()
    keys[np.isnan(limits)] = np.iinfo(key_dtype).max
    keys[limits <= 0] = 0  # also -0.0, whose key would be the least
    return keys


#: Arrays derived from values already checked (:func:`mark_checked`), by id.
_derived = weakref.WeakValueDictionary()


def mark_checked(array):
    """Mark ``array``, derived from checked values, as needing no value range check.

    For the one-vs-rest problems ``[1 - p, p]`` of multi-label data, whose
    ``p`` was checked (values up to 1.001 give ``1 - p`` down to -0.001);
    NaN, infinity and the row sums are still checked. Its negative zeros
    become +0.0, in place (``array`` is a new array of cleannb's, never the
    caller's), so that no pass re-runs on an unmarked copy. Returns ``array``.
    """
    array += array.dtype.type(0.0)
    _derived[id(array)] = array
    return array


def raise_for_value_stats(pred_probs, key_min, key_max, sum_dev, name="pred_probs", views=None):
    """Raise if the statistics of a kernel pass show invalid probabilities.

    Values must be finite and lie in ``[-NEGATIVE_TOLERANCE, 1 + VALUE_TOLERANCE]``
    (-1e-6 to 1.001, both rounded to the dtype of ``pred_probs``). Within 1e-6
    of [0, 1] they are silent; values in (1 + 1e-6, 1.001] give one
    ``UserWarning`` per public call (see the module docstring); results always
    use the values as given, never clipped ones.
    Beyond, a ``ValueError`` prints the extreme value in full and suggests a
    softmax only when values lie further than :data:`LOGIT_MARGIN` outside
    [0, 1] (below -0.1 or above 1.1: scores or logits); nearer ones are
    probabilities off by more than the tolerance, to clip and renormalise.

    This is a deliberate difference from cleanlab 2.9, whose input check
    (``filter.find_label_issues``, ``rank.get_label_quality_scores``,
    ``dataset``, ``CleanLearning``) refuses values beyond 1 + 1e-6: cleanlab
    0.1.0 and 1.0 accept any values, and 2.9's ``count.compute_confident_joint``
    and ``count.estimate_joint`` accept them too, so data such as the IMDB
    probabilities published with the label-errors study (values up to
    1.00001) get an answer from every cleannb function.

    Parameters
    ----------
    pred_probs : numpy.ndarray
        The checked array (only read on the rare paths that need a closer look).
    key_min, key_max : int
        Smallest and largest integer key seen.
    sum_dev : float
        Largest |row sum - 1| seen (0 when row sums were not checked).
    name : str
        The argument name used in messages.
    views : Views, optional
        The views whose ``keys`` the statistics are of (default: those of
        ``pred_probs`` itself, not its float64 copy).

    Returns
    -------
    bool
        True when the array holds negative zeros (valid, but the integer keys
        misorder them; the caller must re-run on ``pred_probs + 0.0``).
        Small negative values (down to -1e-6) need no re-run: where the keys
        order them in reverse, no result depends on it (see
        ``tests/test_near_one.py``).

    Examples
    --------
    >>> p = np.array([[1.01, 0.0], [0.2, 0.8]])
    >>> raise_for_value_stats(p, 0, int(p.view(np.int64).max()), 0.01)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: pred_probs has values above 1 (max 1.01), beyond the tolerance of ...
    """
    dtype = pred_probs.dtype
    key_dtype = _KEY_DTYPES[dtype] if views is None else views.keys.dtype
    float_dtype = _FLOAT_OF_KEY[key_dtype]
    inf_key = int(np.array(np.inf, dtype=float_dtype).view(key_dtype))
    negative_zero = False
    if key_max >= inf_key or (key_min < 0 and not np.all(np.isfinite(pred_probs))):
        raise ValueError(
            f"{name} contains NaN or infinite values; pass finite probabilities "
            "(check the model's output, e.g. for a division by zero)."
        )
    # the largest key is the largest value's unless every value is negative
    highest = float(np.array(key_max, dtype=key_dtype).view(float_dtype))
    checked = _derived.get(id(pred_probs)) is pred_probs  # see mark_checked
    # the tolerances as values of the dtype: float32(1.001) is a little above 1.001
    low_limit, high_limit = (
        float(dtype.type(x)) for x in (-NEGATIVE_TOLERANCE, 1 + VALUE_TOLERANCE)
    )
    if key_min < 0:
        lowest = float(np.min(pred_probs))
        if lowest < low_limit and not checked:
            raise ValueError(_out_of_range_message(name, lowest))
        if lowest < 0:
            zeros = (pred_probs == 0) & np.signbit(pred_probs)
            negative_zero = bool(np.any(zeros))
        else:
            negative_zero = True
    if highest > high_limit and not checked:
        raise ValueError(_out_of_range_message(name, highest))
    if sum_dev > ROW_SUM_TOLERANCE:
        raise ValueError(
            f"rows of {name} must sum to 1, but some are off by {sum_dev:.3g}; normalise with "
            f"{name} / {name}.sum(axis=1, keepdims=True) (for multi-label data, where rows "
            "need not sum to 1, pass multi_label=True)."
        )
    if highest > 1.0 + VALUE_SILENT and not checked:
        warn_values_above_one(pred_probs, name, highest)
    if sum_dev > ROW_SUM_WARNING:
        warn_row_sums(pred_probs, name)
    return negative_zero


def check_values(pred_probs, name="pred_probs"):
    """Check the values of a checked ``pred_probs`` with numpy, for paths that run no
    kernel pass: NaN, infinity and the range, as :func:`raise_for_value_stats`
    (rows are not summed: multi-label rows need not sum to 1). One read
    (:func:`key_range`)."""
    key_min, key_max = key_range(pred_probs)
    raise_for_value_stats(pred_probs, key_min, key_max, 0.0, name)


def key_range(pred_probs):
    """The smallest and largest integer key of a checked ``pred_probs``, from one read.

    numpy's ``min`` and ``max`` would read the array twice; here each block of at
    most :data:`COUNT_BLOCK_ROWS` rows and :data:`COUNT_BLOCK_VALUES` values is
    read from memory once, its maximum taken while its minimum has left it in
    cache. No copy of the array.

    Examples
    --------
    >>> key_range(np.array([[0.25, 0.75], [1.0, 0.0]], dtype=np.float32))
    (0, 1065353216)
    """
    keys = pred_probs.view(_KEY_DTYPES[pred_probs.dtype])
    n_rows, num_classes = keys.shape
    step = max(1, min(COUNT_BLOCK_ROWS, COUNT_BLOCK_VALUES // max(num_classes, 1)))
    low, high = int(keys[:1].min()), int(keys[:1].max())
    for start in range(0, n_rows, step):
        block = keys[start : start + step]
        low, high = min(low, int(block.min())), max(high, int(block.max()))
    return low, high


def _out_of_range_message(name, value):
    """The error for a value of ``pred_probs`` beyond the tolerances (printed in full)."""
    if value < 0:
        where = (
            f"{name} has negative values (min {value!r}), beyond the tolerance of "
            f"{NEGATIVE_TOLERANCE:g} below 0"
        )
    else:
        where = (
            f"{name} has values above 1 (max {value!r}), beyond the tolerance of "
            f"{VALUE_TOLERANCE:g} above 1"
        )
    if value < -LOGIT_MARGIN or value > 1.0 + LOGIT_MARGIN:
        return (
            f"{where}; probabilities must lie in [0, 1]. These look like logits or scores: "
            "apply a softmax first, e.g. scipy.special.softmax(x, axis=1) (for multi-label "
            "data, a sigmoid per class: scipy.special.expit(x))."
        )
    return (
        f"{where}; probabilities must lie in [0, 1]. Clip them with "
        f"np.clip({name}, 0, 1) and, for multi-class data, renormalise the rows with "
        f"{name} / {name}.sum(axis=1, keepdims=True)."
    )


def count_values_above(pred_probs, limit):
    """Number of values of ``pred_probs`` above ``limit`` (read in blocks, as
    :func:`count_rows_off` does; no copy of the array)."""
    n_rows, num_classes = pred_probs.shape
    step = max(1, min(COUNT_BLOCK_ROWS, COUNT_BLOCK_VALUES // max(num_classes, 1)))
    return sum(
        int(np.count_nonzero(pred_probs[start : start + step] > limit))
        for start in range(0, n_rows, step)
    )


def warn_values_above_one(pred_probs, name="pred_probs", highest=None):
    """Warn, once per public call, that values of ``pred_probs`` lie slightly above 1.

    Counts the values above ``1 + VALUE_SILENT`` (an extra read) and issues a
    ``UserWarning`` attributed to the caller of cleannb, unless this call has
    warned already (see the module docstring). ``highest``: the largest value,
    if known.
    """
    entry, stacklevel = _call_frame()
    if entry is None:
        return  # this call has warned already: no extra read
    count = count_values_above(pred_probs, 1.0 + VALUE_SILENT)
    if highest is None:
        highest = float(np.max(pred_probs))
    _warned_call.frame = entry
    warnings.warn(
        f"{count} values of {name} are above 1 (max {highest!r}), within the tolerance of "
        f"{VALUE_TOLERANCE:g}; results use the values as given. To silence this, clip them "
        f"with np.clip({name}, 0, 1) (and, for multi-class data, renormalise the rows).",
        UserWarning,
        stacklevel=stacklevel,
    )


def count_rows_off(pred_probs, limit):
    """Number of rows whose sum is further than ``limit`` from 1, and the largest deviation.

    Parameters
    ----------
    pred_probs : numpy.ndarray, shape (N, K)
        Checked, finite values (any dtype and layout; not copied).
    limit : float
        Largest |row sum - 1| not counted.

    Returns
    -------
    count : int
        Rows with |row sum - 1| > ``limit``.
    largest : float
        Largest |row sum - 1| over all rows.

    Notes
    -----
    One extra read of ``pred_probs``, in blocks of at most
    :data:`COUNT_BLOCK_ROWS` rows and :data:`COUNT_BLOCK_VALUES` values,
    each summed in float64: the extra memory is one block's row sums.
    """
    n_rows, num_classes = pred_probs.shape
    step = max(1, min(COUNT_BLOCK_ROWS, COUNT_BLOCK_VALUES // max(num_classes, 1)))
    count, largest = 0, 0.0
    for start in range(0, n_rows, step):
        sums = pred_probs[start : start + step].sum(axis=1, dtype=np.float64)
        deviation = np.abs(sums - 1.0)
        count += int(np.count_nonzero(deviation > limit))
        largest = max(largest, float(deviation.max()))
    return count, largest


def warn_row_sums(pred_probs, name="pred_probs"):
    """Warn, once per public call, that some rows of ``pred_probs`` do not sum to 1.

    Counts the rows off by more than :data:`ROW_SUM_WARNING` (an extra read,
    see :func:`count_rows_off`) and issues a ``UserWarning`` attributed to the
    caller of cleannb, unless this call has warned already (see the module
    docstring). Inside :func:`row_sums_over_ranges`, the count is added to
    the whole array's instead.

    Parameters
    ----------
    pred_probs : numpy.ndarray, shape (N, K)
        Checked, finite values.
    name : str
        The argument name used in the message.
    """
    if _call_frame()[0] is None:
        return  # this call has warned already: no extra read
    count, largest = count_rows_off(pred_probs, ROW_SUM_WARNING)
    tally = _range_tally.get()
    if tally is not None:
        tally[0] += count
        tally[1] = max(tally[1], largest)
        return
    _warn_rows_off(count, pred_probs.shape[0], largest, name)


_range_tally = contextvars.ContextVar("cleannb_row_sum_tally", default=None)


class row_sums_over_ranges:  # noqa: N801 (used as a context manager, like a function)
    """Collect the row-sum warnings of a pass over row ranges into one, for all ``n_rows``.

    A class, not a generator: the warning is issued from this module's frame,
    so it is attributed to the caller of cleannb (see :func:`_call_frame`).
    """

    def __init__(self, n_rows, name="pred_probs", issue=True):
        self.n_rows, self.name, self.tally = n_rows, name, [0, 0.0]
        self.issue = issue

    def __enter__(self):
        self.token = _range_tally.set(self.tally)
        return self

    def __exit__(self, kind, error, traceback):
        _range_tally.reset(self.token)
        if kind is None and self.issue:
            _warn_rows_off(self.tally[0], self.n_rows, self.tally[1], self.name)
        return False


def add_row_sum_tally(count, largest, n_rows, name="pred_probs"):
    """Report rows off from summing to 1 that were counted elsewhere (on a dask worker).

    Inside :class:`row_sums_over_ranges` they join its tally; otherwise they
    give the warning now (once per public call).
    """
    tally = _range_tally.get()
    if tally is not None:
        tally[0] += count
        tally[1] = max(tally[1], largest)
    else:
        _warn_rows_off(count, n_rows, largest, name)


def _warn_rows_off(count, n_rows, largest, name):
    if count == 0:
        return
    entry, stacklevel = _call_frame()
    if entry is None:
        return
    _warned_call.frame = entry
    warnings.warn(
        f"{count} of {n_rows} rows of {name} are off from summing to 1 by more "
        f"than {ROW_SUM_WARNING} (largest |row sum - 1|: {largest:.3g}); results use the "
        f"values as given. Renormalise with {name} = {name} / {name}.sum(axis=1, "
        "keepdims=True), or, for multi-label data where rows need not sum to 1, pass "
        "multi_label=True.",
        UserWarning,
        stacklevel=stacklevel,
    )


def _in_package(frame):
    module = frame.f_globals.get("__name__") or ""
    return module == _PACKAGE or module.startswith(_PACKAGE + ".")


def _call_frame():
    """The outermost cleannb frame of this thread's stack and the stacklevel of its caller.

    Both relative to the caller of this function. Returns ``(None, 0)`` when
    the frame of the call that warned last on this thread is on the stack
    (that call has warned already).
    """
    warned = getattr(_warned_call, "frame", None)
    frame = sys._getframe(1)
    level, outermost, stacklevel = 1, None, None
    while frame is not None:
        if frame is warned:
            return None, 0
        if _in_package(frame):
            outermost = frame
        elif stacklevel is None:
            stacklevel = level
        frame = frame.f_back
        level += 1
    return outermost, stacklevel or 1


def _forget_finished_call():
    """Drop this thread's warned-call frame unless it is still on the stack."""
    warned = _warned_call.frame
    frame = sys._getframe(1)
    while frame is not None:
        if frame is warned:
            return
        frame = frame.f_back
    _warned_call.frame = None
