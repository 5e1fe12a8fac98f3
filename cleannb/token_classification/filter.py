"""Find the tokens whose given label is probably wrong (cleanlab 2.x's ``filter``).

The tokens of all sentences, put end to end, are examples of ordinary
classification: :func:`find_label_issues` runs :func:`cleannb.filter.find_label_issues`
on them and maps the flagged rows back to ``(sentence, token)`` pairs. The
result is cleanlab 2.9's, ranking and ties included.
"""

from __future__ import annotations

import warnings

from .. import filter as _filter
from .._core.method_names import RANKINGS
from .._core.tokens import as_tokens, progress_bars
from .._core.validation import check_choice, check_flag

__all__ = ["find_label_issues"]


def find_label_issues(
    labels,
    pred_probs,
    *,
    return_indices_ranked_by="self_confidence",
    low_memory=False,
    sentence_offsets=None,
    sentence_lengths=None,
    **kwargs,
):
    """Flag the tokens whose given label is probably wrong, most likely first.

    Confident learning (:func:`cleannb.filter.find_label_issues`) over all
    tokens of all sentences as one classification data set; the flagged
    tokens are returned as ``(sentence, token)`` pairs, ordered by their
    label quality score, lowest first.

    Parameters
    ----------
    labels : list of lists of int, or array_like of int, shape (total_tokens,)
        ``labels[i]``: the given labels (0..K-1) of the tokens of sentence
        ``i``. With a flat ``pred_probs``, also one flat array of all
        tokens' labels, sentence after sentence.
    pred_probs : list of numpy.ndarray of shape (T_i, K), or one (total_tokens, K) array
        ``pred_probs[i]``: predicted class probabilities of the tokens of
        sentence ``i``, one row per token (float16, float32 or float64). Or
        all tokens' rows in one 2-D array (numpy, memmap, zarr, h5py, dask or
        :class:`cleannb.experimental.RowSource`) with the sentence
        boundaries given by ``sentence_offsets`` or ``sentence_lengths`` (or
        by ``labels`` as one list per sentence): for corpora too large for
        Python lists. Both forms give the same result.
    return_indices_ranked_by : {"self_confidence", "normalized_margin", \
"confidence_weighted_entropy"}, default "self_confidence"
        The token label quality score that orders the result (see
        :func:`cleannb.rank.get_label_quality_scores`).
    low_memory : bool, default False
        The result is the same either way: the exact answer of
        ``low_memory=False`` (``**kwargs`` included). ``True`` warns:
        cleanlab 2.9 switches there to its approximate batched search (which
        ignores ``**kwargs`` and flags by self-confidence). With the list
        form, ``True`` also avoids the (total_tokens, K) concatenation: the
        sentences are read in ranges of rows (about 64 MB each), so the
        memory beyond the inputs is O(total_tokens) plus two ranges. With
        the flat form no copy is made either way.
    sentence_offsets : array_like of int, shape (n_sentences + 1,), optional
        With a flat ``pred_probs``: sentence ``i`` is rows
        ``sentence_offsets[i]:sentence_offsets[i + 1]`` (from 0 to
        total_tokens, not decreasing).
    sentence_lengths : array_like of int, shape (n_sentences,), optional
        With a flat ``pred_probs``: the number of tokens of each sentence
        (instead of ``sentence_offsets``).
    **kwargs
        Passed to :func:`cleannb.filter.find_label_issues` (``filter_by``,
        ``frac_noise``, ``min_examples_per_class``, ``n_jobs``,
        ``verbose``, ...). With ``verbose=True`` each pass over the tokens'
        rows shows a progress bar (with tqdm installed; the rows are then
        read in ranges of about 64 MB, with the same result).

    Returns
    -------
    list of tuple of (int, int)
        ``(i, j)``: token ``j`` of sentence ``i`` probably has a wrong label;
        most likely first.

    Raises
    ------
    ValueError
        If a sentence's labels and probability rows differ in length (the
        message names the sentence), on an unknown ranking, or on malformed
        ``labels`` or ``pred_probs``.
    TypeError
        If ``sentence_offsets`` or ``sentence_lengths`` comes with the list
        form, or both are given.

    Notes
    -----
    Time and memory are those of :func:`cleannb.filter.find_label_issues`
    on (total_tokens, K) rows, plus O(total_tokens) for the flat labels and
    the mapping back to sentences. cleanlab 2.9's ``low_memory=True`` is
    approximate; cleannb's is exact.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.token_classification.filter import find_label_issues
    >>> labels = [[0, 0, 1], [0, 1]]
    >>> pred_probs = [np.array([[0.9, 0.1], [0.7, 0.3], [0.05, 0.95]]),
    ...               np.array([[0.8, 0.2], [0.8, 0.2]])]
    >>> find_label_issues(labels, pred_probs)
    [(1, 1)]

    The same corpus as one array of rows with the sentence boundaries:

    >>> find_label_issues([0, 0, 1, 0, 1], np.concatenate(pred_probs), sentence_lengths=[3, 2])
    [(1, 1)]
    """
    check_choice(return_indices_ranked_by, "return_indices_ranked_by", RANKINGS)
    low_memory = check_flag(low_memory, "low_memory")
    if kwargs.get("multi_label"):
        raise TypeError("multi_label is not supported for token classification.")
    if low_memory:
        warnings.warn(
            "token_classification find_label_issues(low_memory=True) finds the same label "
            "issues as low_memory=False (with the keyword arguments you passed), reading the "
            "sentences in ranges of rows; cleanlab 2.9 would use its approximate batched "
            "search instead, which ignores them. Set low_memory=False to silence this warning.",
            UserWarning,
            stacklevel=2,
        )
    tokens = as_tokens(
        labels,
        pred_probs,
        sentence_offsets,
        sentence_lengths,
        stream=low_memory,
        progress=progress_bars(kwargs.get("verbose", False)),
    )
    rows = _filter.find_label_issues(
        tokens.labels,
        tokens.pred_probs,
        return_indices_ranked_by=return_indices_ranked_by,
        **kwargs,
    )
    return tokens.positions(rows)
