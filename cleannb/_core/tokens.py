"""Sentences of tokens as one flat table of rows, and back.

Token classification is classification of the tokens of all sentences put
end to end. A corpus comes in one of two forms:

- the list form cleanlab takes: ``labels[i]`` the labels of sentence ``i``
  and ``pred_probs[i]`` its (T_i, K) array;
- the flat form, for corpora too large for Python lists: ``pred_probs`` one
  (total_tokens, K) array (numpy, memmap, zarr, h5py, dask or
  :class:`cleannb.experimental.RowSource`), ``labels`` flat
  (total_tokens,) or one list per sentence, and the sentence boundaries as
  ``sentence_offsets`` (n_sentences + 1 ascending row indices, from 0 to
  total_tokens) or ``sentence_lengths`` (n_sentences token counts).

Either way the result here is a :class:`Tokens`: flat int64 labels, flat
``pred_probs`` and the int64 offsets, so that token ``j`` of sentence ``i``
is row ``offsets[i] + j``.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import reduce
from itertools import chain
from typing import NamedTuple

import numpy as np

from .rows import RowSource
from .source import is_array_like, is_dask_array, is_source
from .validation import check_labels

#: Rows per range when ``low_memory=True`` reads the list form (None: ranges of about
#: :data:`STREAM_RANGE_BYTES`, and at least 10,000 rows). Few large ranges: the exact
#: search merges its candidates once per range, at a cost that grows with the rows
#: read so far, so that 10,000-row ranges made 2 million tokens take 4x longer.
STREAM_BATCH_ROWS = None
STREAM_RANGE_BYTES = 64 << 20


class Tokens(NamedTuple):
    """A corpus as flat rows: ``labels`` (int64), ``pred_probs`` and sentence ``offsets``."""

    labels: np.ndarray
    pred_probs: object
    offsets: np.ndarray

    @property
    def lengths(self):
        return np.diff(self.offsets)

    def positions(self, rows):
        """``(sentence, token)`` tuples of Python ints for flat row indices."""
        return positions(self.offsets, rows)


@contextmanager
def cyclic_gc_paused():
    """Pause Python's cyclic garbage collector while many small objects are made.

    Results made of one Python object per token or sentence (the issue
    tuples, one Series per sentence) make the collector walk the whole
    heap again and again as they grow, which took about half of their
    time; none of them can form a reference cycle. The collector's state is
    restored afterwards, even on error.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def positions(offsets, rows):
    """``(sentence, token)`` tuples of Python ints for flat row indices.

    Many rows look their sentence up in a table of every token's sentence
    (O(total tokens)); a few search the offsets.

    Examples
    --------
    >>> positions(np.array([0, 3, 5]), [4, 0, 2])
    [(1, 1), (0, 0), (0, 2)]
    """
    rows = np.asarray(rows, dtype=np.int64)
    n_sentences = len(offsets) - 1
    if len(rows) * 8 >= offsets[-1] and n_sentences < np.iinfo(np.int32).max:
        sentence_of = np.repeat(np.arange(n_sentences, dtype=np.int32), np.diff(offsets))
        sentence = sentence_of[rows]
    else:
        sentence = np.searchsorted(offsets, rows, side="right") - 1
    token = rows - offsets[sentence]
    with cyclic_gc_paused():
        return list(zip(sentence.tolist(), token.tolist(), strict=True))


def is_flat(pred_probs):
    """Whether ``pred_probs`` is one (total_tokens, K) table rather than one array per sentence."""
    if is_source(pred_probs) or is_dask_array(pred_probs):
        return True
    if isinstance(pred_probs, np.ndarray):
        return pred_probs.dtype != object and pred_probs.ndim == 2
    return is_array_like(pred_probs) and len(pred_probs.shape) == 2


def is_nested(labels):
    """Whether ``labels`` holds one sequence per sentence (not one label per token)."""
    if isinstance(labels, np.ndarray):
        return labels.dtype == object or labels.ndim != 1
    if hasattr(labels, "to_numpy"):
        return False
    try:
        first = labels[0]
    except (IndexError, KeyError, TypeError):
        return False
    return hasattr(first, "__len__") and not isinstance(first, str)


def as_tokens(
    labels,
    pred_probs,
    sentence_offsets=None,
    sentence_lengths=None,
    *,
    stream=False,
    min_tokens=0,
    progress=None,
):
    """Check a corpus in either form and return it as flat :class:`Tokens`.

    Parameters
    ----------
    labels, pred_probs, sentence_offsets, sentence_lengths
        See the module docstring.
    stream : bool
        In the list form, hand out ``pred_probs`` as a :class:`RowSource`
        that concatenates only one range of rows at a time, instead of one
        (total_tokens, K) copy.
    min_tokens : int
        Sentences must have at least this many tokens (the error names the
        first one that has fewer).
    progress : callable, optional
        A :class:`RowSource` ``progress`` hook (see :func:`progress_bars`):
        given, ``pred_probs`` is handed out as a :class:`RowSource` read in
        ranges of about :data:`STREAM_RANGE_BYTES`, so that each pass over
        the rows shows its progress; the results are the same. A dask array
        or a caller's :class:`RowSource` is left as it is.
    """
    if labels is None or pred_probs is None:
        raise TypeError("labels and pred_probs are both required.")
    if is_flat(pred_probs):
        tokens = _flat_form(labels, pred_probs, sentence_offsets, sentence_lengths)
    else:
        if sentence_offsets is not None or sentence_lengths is not None:
            raise TypeError(
                "sentence_offsets and sentence_lengths describe a flat (total_tokens, K) "
                "pred_probs; pred_probs is a list of per-sentence arrays, which carries its "
                "own boundaries: drop them, or pass pred_probs as one 2-D array."
            )
        tokens = _list_form(labels, pred_probs, stream, progress)
    if progress is not None:
        tokens = tokens._replace(pred_probs=_with_progress(tokens.pred_probs, progress))
    if min_tokens:
        short = np.flatnonzero(tokens.lengths < min_tokens)
        if short.size:
            raise ValueError(
                f"sentence {int(short[0])} has {int(tokens.lengths[short[0]])} tokens; "
                f"every sentence needs at least {min_tokens} here "
                f"({short.size} sentence(s) have fewer)."
            )
    return tokens


def progress_bars(verbose):
    """A :class:`RowSource` ``progress`` hook drawing a tqdm bar per pass, or None.

    None unless ``verbose``, or when tqdm is not installed (as cleanlab,
    which shows its bars only with tqdm).
    """
    if not verbose:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with most installs
        return None

    def bar(pass_number, n_rows):
        return tqdm(total=n_rows, desc=f"pass {pass_number} over the tokens", unit=" tokens")

    return bar


def _with_progress(pred_probs, progress):
    """``pred_probs`` as a :class:`RowSource` that reports each pass to ``progress``."""
    if is_source(pred_probs) or is_dask_array(pred_probs):
        return pred_probs  # ours has the hook already; the caller's keeps its own
    row_bytes = max(1, int(pred_probs.shape[1]) * np.dtype(pred_probs.dtype).itemsize)
    rows = STREAM_BATCH_ROWS or max(10_000, STREAM_RANGE_BYTES // row_bytes)
    return RowSource(pred_probs, batch_size=rows, progress=progress)


def _sentence_arrays(pred_probs):
    """Each sentence's rows as a 2-D array (an empty sentence as (0, K)), and K."""
    try:
        n_sentences = len(pred_probs)
    except TypeError:
        raise TypeError(
            "pred_probs must be a list of (T_i, K) arrays, one per sentence, or one "
            f"(total_tokens, K) array with sentence_offsets; got {type(pred_probs).__name__}."
        ) from None
    if n_sentences == 0:
        raise ValueError("pred_probs is empty: pass at least one sentence.")
    arrays = [_sentence_rows(pred_probs[i], i) for i in range(n_sentences)]
    width = next((a.shape[1] for a in arrays if a.shape[0] > 0), None)
    if width is None:
        raise ValueError("The corpus has no tokens: pass at least one labelled token.")
    for i, rows in enumerate(arrays):
        if rows.shape[0] == 0:
            arrays[i] = rows.reshape(0, width)
        elif rows.shape[1] != width:
            raise ValueError(
                f"pred_probs[{i}] (sentence {i}) has {rows.shape[1]} columns but other "
                f"sentences have {width}; every sentence needs the same K classes."
            )
    return arrays, width


def _sentence_rows(rows, i):
    rows = rows.to_numpy() if hasattr(rows, "to_numpy") else np.asarray(rows)
    if rows.size == 0:
        return rows.reshape(0, 0)
    if rows.ndim != 2:
        raise ValueError(
            f"pred_probs[{i}] (sentence {i}) must be 2-D with shape (T, K), one row of "
            f"probabilities per token, got shape {rows.shape}."
        )
    return rows


def _list_form(labels, pred_probs, stream, progress=None):
    joined = None if stream else _joined(pred_probs)
    if joined is None:
        arrays, width = _sentence_arrays(pred_probs)
        lengths = np.fromiter((a.shape[0] for a in arrays), dtype=np.int64, count=len(arrays))
    else:
        lengths, flat = joined
        width = flat.shape[1]
    label_counts = _label_counts(labels, len(lengths))
    wrong = np.flatnonzero(label_counts != lengths)
    if wrong.size:
        i = int(wrong[0])
        raise ValueError(
            f"sentence {i}: labels[{i}] has {label_counts[i]} labels but pred_probs[{i}] has "
            f"{lengths[i]} rows; each sentence needs one label and one row of "
            "probabilities per token."
        )
    offsets = _offsets_from_lengths(lengths)
    if joined is None:
        dtype = reduce(np.promote_types, {a.dtype for a in arrays if a.shape[0] > 0})
    if stream:
        reader = _range_reader(arrays, offsets, dtype, width)
        rows = STREAM_BATCH_ROWS or max(10_000, STREAM_RANGE_BYTES // (width * dtype.itemsize))
        flat = RowSource(reader, n_rows=int(offsets[-1]), batch_size=rows, progress=progress)
    elif joined is None:
        flat = np.concatenate(arrays, axis=0, dtype=dtype)
    flat_labels = _flat_labels(labels, int(offsets[-1]), width)
    return Tokens(flat_labels, flat, offsets)


def _joined(pred_probs):
    """``(lengths, rows)``: the sentences' row counts and their rows end to end, or None.

    The common case in one read of the list: every sentence a non-empty
    (T_i, K) array of one K. Anything else (an empty sentence, whose dtype
    must not count; a 1-D or ragged sentence; something without a length)
    gives None, and the sentence-by-sentence reader checks it and names the
    sentence at fault.
    """
    try:
        n_sentences = len(pred_probs)
        lengths = np.fromiter(map(len, pred_probs), dtype=np.int64, count=n_sentences)
        if n_sentences == 0 or not lengths.all():
            return None
        rows = np.concatenate(pred_probs, axis=0)
    except (TypeError, ValueError):
        return None
    if rows.ndim != 2 or rows.shape[0] != lengths.sum() or rows.dtype == object:
        return None
    return lengths, rows


def _label_counts(labels, n_sentences):
    """The number of labels of each sentence (``labels`` must be nested)."""
    if not is_nested(labels):
        raise ValueError(
            "labels must hold one list of token labels per sentence when pred_probs is a "
            "list of per-sentence arrays."
        )
    if len(labels) != n_sentences:
        raise ValueError(
            f"labels has {len(labels)} sentences but pred_probs has {n_sentences}; they must "
            "describe the same sentences in the same order."
        )
    return np.fromiter(map(len, labels), dtype=np.int64, count=n_sentences)


def _flat_labels(labels, n_tokens, width):
    """All sentences' labels end to end, checked (float64 first, so 1.5 is not truncated)."""
    if n_tokens == 0:
        raise ValueError("The corpus has no tokens: pass at least one labelled token.")
    if all(isinstance(given, np.ndarray) for given in labels):
        values = np.concatenate([given.reshape(-1) for given in labels if given.size])
    else:
        try:
            values = np.fromiter(chain.from_iterable(labels), dtype=np.float64, count=n_tokens)
        except (TypeError, ValueError):
            raise TypeError(
                "labels must hold integer class indices 0..K-1 (one list per sentence); "
                "encode class names with sklearn.preprocessing.LabelEncoder first."
            ) from None
    return check_labels(values, num_classes=width, n_rows=n_tokens)


def _range_reader(arrays, offsets, dtype, width):
    """``read(start, stop)``: flat rows ``start:stop``, joined from the sentences they span."""

    def read(start, stop):
        first = int(np.searchsorted(offsets, start, side="right")) - 1
        last = int(np.searchsorted(offsets, stop, side="left"))  # sentences first..last-1
        parts = arrays[first:last]
        if not parts or stop <= start:
            return np.empty((0, width), dtype=dtype)
        head = start - int(offsets[first])
        tail = int(offsets[last]) - stop
        if len(parts) == 1:
            return np.array(parts[0][head : len(parts[0]) - tail], dtype=dtype)
        parts = [parts[0][head:], *parts[1:-1], parts[-1][: len(parts[-1]) - tail]]
        return np.concatenate(parts, axis=0, dtype=dtype)

    return read


def _flat_form(labels, pred_probs, sentence_offsets, sentence_lengths):
    n_tokens = int(pred_probs.shape[0])
    nested = is_nested(labels)
    if sentence_offsets is not None and sentence_lengths is not None:
        raise TypeError("Pass sentence_offsets or sentence_lengths, not both.")
    if sentence_offsets is not None:
        offsets = _checked_offsets(sentence_offsets, n_tokens)
    elif sentence_lengths is not None:
        offsets = _offsets_from_lengths(_checked_lengths(sentence_lengths, n_tokens))
    elif nested:
        offsets = _offsets_from_lengths(np.array([len(given) for given in labels], np.int64))
    else:
        raise ValueError(
            "pred_probs is one (total_tokens, K) array, so the sentence boundaries are "
            "needed: pass sentence_offsets= (n_sentences + 1 row indices) or "
            "sentence_lengths= (tokens per sentence), or labels as one list per sentence."
        )
    if offsets[-1] != n_tokens:
        raise ValueError(
            f"The sentences hold {int(offsets[-1])} tokens but pred_probs has {n_tokens} "
            "rows; they must match."
        )
    if nested:
        lengths = np.diff(offsets)
        label_counts = _label_counts(labels, len(lengths))
        wrong = np.flatnonzero(label_counts != lengths)
        if wrong.size:
            i = int(wrong[0])
            raise ValueError(
                f"sentence {i}: labels[{i}] has {label_counts[i]} labels but the sentence has "
                f"{lengths[i]} rows of pred_probs (rows {offsets[i]}:{offsets[i + 1]}); "
                "each token needs one label."
            )
        flat_labels = _flat_labels(labels, n_tokens, pred_probs.shape[1])
    else:
        flat_labels = check_labels(labels, num_classes=pred_probs.shape[1], n_rows=n_tokens)
    return Tokens(flat_labels, pred_probs, offsets)


def _integer_vector(values, name):
    array = np.asarray(values)
    if array.ndim != 1 or not (np.issubdtype(array.dtype, np.integer) or array.size == 0):
        raise TypeError(f"{name} must be a 1-D array of integers, got {array.dtype} {array.shape}.")
    return array.astype(np.int64)


def _checked_offsets(sentence_offsets, n_tokens):
    offsets = _integer_vector(sentence_offsets, "sentence_offsets")
    if offsets.size < 2 or offsets[0] != 0 or offsets[-1] != n_tokens:
        raise ValueError(
            "sentence_offsets must hold n_sentences + 1 row indices from 0 to the number of "
            f"rows of pred_probs ({n_tokens}): sentence i is rows offsets[i]:offsets[i + 1]."
        )
    drops = np.flatnonzero(np.diff(offsets) < 0)
    if drops.size:
        i = int(drops[0])
        raise ValueError(
            f"sentence_offsets must not decrease; offsets[{i}] = {int(offsets[i])} > "
            f"offsets[{i + 1}] = {int(offsets[i + 1])}."
        )
    return offsets


def _checked_lengths(sentence_lengths, n_tokens):
    lengths = _integer_vector(sentence_lengths, "sentence_lengths")
    if lengths.size == 0:
        raise ValueError("sentence_lengths is empty: pass at least one sentence.")
    negative = np.flatnonzero(lengths < 0)
    if negative.size:
        i = int(negative[0])
        raise ValueError(f"sentence_lengths[{i}] = {int(lengths[i])} is negative.")
    return lengths


def _offsets_from_lengths(lengths):
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets
