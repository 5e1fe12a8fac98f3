"""Score sentences and tokens by how likely their labels are right (cleanlab 2.x's ``rank``).

Token scores are :func:`cleannb.rank.get_label_quality_scores` of all
tokens put end to end; a sentence's score is the minimum of its tokens'
scores, or their softmin. Values, dtypes and orderings are cleanlab 2.9's,
bit for bit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .. import rank as _rank
from .._core import scores as _scores
from .._core.method_names import RANKINGS
from .._core.source import as_pred_probs
from .._core.tokens import as_tokens, cyclic_gc_paused, positions
from .._core.validation import check_choice, check_flag

__all__ = ["get_label_quality_scores", "issues_from_scores"]

SENTENCE_SCORE_METHODS = ("min", "softmin")
#: The softmin temperature when ``sentence_score_kwargs`` does not set one (cleanlab's).
DEFAULT_TEMPERATURE = 0.05
#: The smallest temperature the softmax divides by (cleanlab's).
MIN_TEMPERATURE = 1e-6


def get_label_quality_scores(
    labels,
    pred_probs,
    *,
    tokens=None,
    token_score_method="self_confidence",
    sentence_score_method="min",
    sentence_score_kwargs={},  # noqa: B006 (cleanlab's signature; never modified)
    sentence_offsets=None,
    sentence_lengths=None,
    flat_token_scores=False,
    n_jobs=None,
):
    """Return a label quality score for every sentence and for every token.

    Scores lie in [0, 1]; lower means a label more likely wrong (for a
    sentence: more likely to hold a wrong token label).

    Parameters
    ----------
    labels : list of lists of int, or array_like of int, shape (total_tokens,)
        Given labels per sentence (see
        :func:`cleannb.token_classification.filter.find_label_issues`).
    pred_probs : list of numpy.ndarray of shape (T_i, K), or one (total_tokens, K) array
        Predicted probabilities per sentence, or all tokens' rows with
        ``sentence_offsets`` / ``sentence_lengths``; both forms give the same
        result. Every sentence needs at least one token.
    tokens : list of lists of str, optional
        The words of each sentence; they become the index of each sentence's
        Series of token scores.
    token_score_method : {"self_confidence", "normalized_margin", \
"confidence_weighted_entropy"}, default "self_confidence"
        The token score (see :func:`cleannb.rank.get_label_quality_scores`).
    sentence_score_method : {"min", "softmin"}, default "min"
        ``"min"``: the lowest token score of the sentence. ``"softmin"``:
        ``s @ softmax((1 - s) / t)`` for the sentence's token scores ``s``,
        with temperature ``t`` (``t -> 0``: the minimum; ``t = inf``: the
        mean), so that every token counts a little.
    sentence_score_kwargs : dict, default {}
        ``{"temperature": t}`` for ``"softmin"`` (default 0.05; values below
        1e-6 are taken as 1e-6, except 0, which gives the minimum). Other
        keys are ignored, with a warning.
    sentence_offsets, sentence_lengths : array_like of int, optional
        Sentence boundaries of a flat ``pred_probs``.
    flat_token_scores : bool, default False
        Return the token scores as one flat (total_tokens,) array, sentence
        after sentence, instead of one Series per sentence (for large
        corpora: no Python object per sentence).
    n_jobs : int or None, default None
        Threads for the token scores (None or -1: all cores).

    Returns
    -------
    sentence_scores : numpy.ndarray, shape (n_sentences,)
        In the dtype of the token scores.
    token_scores : list of pandas.Series, or numpy.ndarray
        ``token_scores[i]``: the scores of sentence ``i``'s tokens, indexed
        by its ``tokens`` if given (by 0..T_i-1 otherwise); the flat array
        with ``flat_token_scores=True``.

    Raises
    ------
    ValueError
        On an unknown method, a sentence without tokens or whose labels and
        probability rows differ in length (the message names it), or
        ``tokens`` with another number of sentences.

    Notes
    -----
    One read of ``pred_probs`` for the token scores (the list form is
    first joined into one (total_tokens, K) array, as cleanlab does);
    O(total_tokens) more for the sentence scores, computed for all
    sentences of one length at once with the numpy operations cleanlab
    applies to each sentence, so that they are its values bit for bit.
    Then one pandas Series per sentence, which for many short sentences
    costs more than everything else (tens of microseconds each); with
    ``flat_token_scores=True`` there is none.
    cleanlab raises ``AssertionError`` on an unknown
    ``sentence_score_method``; cleannb raises ``ValueError``.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.token_classification.rank import get_label_quality_scores
    >>> labels = [[0, 0, 1], [0, 1]]
    >>> pred_probs = [np.array([[0.9, 0.1], [0.7, 0.3], [0.05, 0.95]]),
    ...               np.array([[0.8, 0.2], [0.8, 0.2]])]
    >>> sentence_scores, token_scores = get_label_quality_scores(labels, pred_probs)
    >>> sentence_scores
    array([0.7, 0.2])
    >>> token_scores[1]
    0    0.8
    1    0.2
    dtype: float64
    >>> get_label_quality_scores(labels, pred_probs, sentence_score_method="softmin",
    ...                          flat_token_scores=True)[0]
    array([0.70521691, 0.20000369])
    """
    check_choice(token_score_method, "token_score_method", RANKINGS)
    check_choice(sentence_score_method, "sentence_score_method", SENTENCE_SCORE_METHODS)
    flat_token_scores = check_flag(flat_token_scores, "flat_token_scores")
    temperature = _temperature(sentence_score_method, sentence_score_kwargs)
    corpus = as_tokens(labels, pred_probs, sentence_offsets, sentence_lengths, min_tokens=1)
    if tokens is not None and len(tokens) and len(tokens) != len(corpus.offsets) - 1:
        raise ValueError(
            f"tokens has {len(tokens)} sentences but labels and pred_probs have "
            f"{len(corpus.offsets) - 1}; pass one list of words per sentence."
        )
    scores = _token_scores(corpus.labels, corpus.pred_probs, token_score_method, n_jobs)
    if sentence_score_method == "min" or temperature == 0:
        sentence_scores = np.minimum.reduceat(scores, corpus.offsets[:-1])
    else:
        sentence_scores = softmin_by_length(scores, corpus.offsets, temperature)
    if flat_token_scores:
        return sentence_scores, scores
    return sentence_scores, _series_per_sentence(scores, corpus.offsets, tokens)


def _temperature(sentence_score_method, sentence_score_kwargs):
    kwargs = dict(sentence_score_kwargs or {})
    unknown = sorted(set(kwargs) - {"temperature"})
    if unknown:
        warnings.warn(
            f"sentence_score_kwargs keys {unknown} are ignored; the only option is "
            "'temperature' (for sentence_score_method='softmin').",
            UserWarning,
            stacklevel=3,
        )
    return kwargs.get("temperature", DEFAULT_TEMPERATURE)


def _token_scores(labels, pred_probs, method, n_jobs):
    """cleanlab's token scores, bit for bit.

    :func:`cleannb.rank.get_label_quality_scores` scores large float64
    inputs' entropy in a kernel (equal to about 1e-15); here the entropy is
    always cleanlab's numpy arithmetic, so that sentence scores and
    rankings are its values exactly.
    """
    pred_probs = as_pred_probs(pred_probs)
    if method == "confidence_weighted_entropy" and pred_probs.dtype == np.float64:
        _rank.get_label_quality_scores(labels, pred_probs, n_jobs=n_jobs)  # validation
        rows = np.arange(len(labels))
        return _scores.numpy_keys(rows, labels, pred_probs, method, False)
    return _rank.get_label_quality_scores(labels, pred_probs, method=method, n_jobs=n_jobs)


def softmin_by_length(scores, offsets, temperature):
    """Each sentence's softmin score; the sentences of one length as one (n, T) block.

    Per row, the same numpy operations cleanlab applies to one sentence
    (``1 - s``, the division by the temperature, the shift by the row
    maximum, ``exp``, the row sum, and a dot product through ``matmul``,
    which calls the same BLAS ``dot``), hence the same bits.
    """
    lengths = np.diff(offsets)
    starts = offsets[:-1]
    if temperature == np.inf:
        return _grouped(scores, starts, lengths, lambda block: np.mean(block, axis=1))
    scale = max(temperature, MIN_TEMPERATURE)

    def softmin(block):
        shifted = (1 - block) / scale
        shifted = shifted - np.max(shifted, axis=1, keepdims=True)
        weights = np.exp(shifted)
        weights = weights / np.sum(weights, axis=1, keepdims=True)
        return np.matmul(block[:, None, :], weights[:, :, None])[:, 0, 0]

    return _grouped(scores, starts, lengths, softmin)


def _softmin_sentence_score(token_scores, *, temperature=DEFAULT_TEMPERATURE):
    """Softmin score of each sentence from its token scores (cleanlab 2.x's private helper).

    ``token_scores[i]`` holds sentence ``i``'s scores (a list, array or
    Series; every sentence non-empty). See :func:`softmin_by_length`.

    Examples
    --------
    >>> from cleannb.token_classification.rank import _softmin_sentence_score
    >>> _softmin_sentence_score([[0.5, 0.7], [0.2, 0.9, 0.9], [0.4]])
    array([0.50359724, 0.20000116, 0.4       ])
    """
    arrays = [np.asarray(scores).reshape(-1) for scores in token_scores]
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    if np.any(lengths == 0):
        raise ValueError(f"sentence {int(np.argmin(lengths))} has no token scores.")
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    scores = np.concatenate(arrays)
    if temperature == 0:
        return np.minimum.reduceat(scores, offsets[:-1])
    return softmin_by_length(scores, offsets, temperature)


def _grouped(scores, starts, lengths, reduce_rows):
    order = np.argsort(lengths, kind="stable")
    bounds = np.flatnonzero(np.diff(lengths[order])) + 1
    out = None
    for group in np.split(order, bounds):
        length = int(lengths[group[0]])
        block = scores[starts[group][:, None] + np.arange(length)]
        values = reduce_rows(block)
        if out is None:
            out = np.empty(len(lengths), dtype=values.dtype)
        out[group] = values
    return out


def _series_per_sentence(scores, offsets, tokens):
    """One Series per sentence: views of ``scores``, which nothing else holds.

    Sentences of one length share one RangeIndex (indexes are immutable).
    """
    bounds = offsets.tolist()
    pairs = zip(bounds[:-1], bounds[1:], strict=True)
    with cyclic_gc_paused():
        if tokens is not None and len(tokens):
            return [
                pd.Series(scores[lo:hi], index=words, copy=False)
                for (lo, hi), words in zip(pairs, tokens, strict=True)
            ]
        indexes = {}
        series = []
        for lo, hi in pairs:
            index = indexes.get(hi - lo)
            if index is None:
                index = indexes[hi - lo] = pd.RangeIndex(hi - lo)
            series.append(pd.Series(scores[lo:hi], index=index, copy=False))
        return series


def issues_from_scores(sentence_scores, *, token_scores=None, threshold=0.1):
    """The tokens (or sentences) scoring below ``threshold``, lowest score first.

    Turns the scores of :func:`get_label_quality_scores` into issues in the
    format of :func:`cleannb.token_classification.filter.find_label_issues`,
    for :mod:`cleannb.token_classification.summary`. The number of issues is
    set by the arbitrary ``threshold``, not estimated (for that, use
    ``find_label_issues``).

    Parameters
    ----------
    sentence_scores : numpy.ndarray, shape (n_sentences,)
        One score per sentence.
    token_scores : list of sequences of float, optional
        ``token_scores[i]``: the scores of sentence ``i``'s tokens (Series,
        arrays or lists). Given (and not empty), the issues are tokens.
    threshold : float, default 0.1
        Scores below it are issues.

    Returns
    -------
    list of tuple of (int, int), or numpy.ndarray of int
        ``(i, j)`` pairs of tokens ordered by score (equal scores in corpus
        order) with ``token_scores``; otherwise the indices of the sentences
        below ``threshold`` in the order of ``np.argsort(sentence_scores)``.

    Notes
    -----
    Scores are compared with ``threshold`` as cleanlab compares them: a
    Series' values as Python floats, an array's in its dtype. cleanlab
    raises ``IndexError`` when every sentence is below ``threshold``;
    cleannb returns them all.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.token_classification.rank import issues_from_scores
    >>> sentence_scores = np.array([0.42, 0.07, 0.8, 0.3, 0.95, 0.15, 0.02, 0.6])
    >>> issues_from_scores(sentence_scores)
    array([6, 1])
    >>> issues_from_scores(sentence_scores, threshold=0.5)
    array([6, 1, 5, 3, 0])
    >>> issues_from_scores(sentence_scores, token_scores=[[0.7, 0.04], [0.03, 0.9]])
    [(1, 0), (0, 1)]
    """
    if token_scores is not None and len(token_scores):
        return _token_issues(token_scores, threshold)
    sentence_scores = np.asarray(sentence_scores)
    ranking = np.argsort(sentence_scores)
    return ranking[: int(np.count_nonzero(sentence_scores < threshold))]


def _token_issues(token_scores, threshold):
    lengths = np.fromiter(map(len, token_scores), dtype=np.int64, count=len(token_scores))
    if not lengths.any():
        return []
    flat = _flat_compared(token_scores)
    below = np.flatnonzero(flat < threshold)
    below = below[np.argsort(flat[below], kind="stable")]
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return positions(offsets, below)


def _flat_compared(token_scores):
    """All token scores end to end, as :func:`_as_compared` gives each sentence's."""
    if all(isinstance(scores, pd.Series) for scores in token_scores):
        flat = np.concatenate([scores.to_numpy() for scores in token_scores])
        return flat.astype(np.float64) if flat.dtype.kind == "f" else flat
    return np.concatenate([_as_compared(scores) for scores in token_scores])


def _as_compared(scores):
    """Scores as an array whose comparisons are those of the scores' own elements.

    A Series yields Python numbers when iterated (float64 compare); an
    array yields scalars of its dtype.
    """
    if isinstance(scores, pd.Series):
        values = scores.to_numpy()
        return values.astype(np.float64) if values.dtype.kind == "f" else values
    return np.asarray(scores).reshape(-1)
