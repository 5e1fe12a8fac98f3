"""Span classification: each token is inside a span of one class or outside (cleanlab 2.x's names).

A token's label is 1 (in a span) or 0, and ``pred_probs`` gives, per
token, the predicted probability of being in a span. Each token's
probability ``p`` becomes the two-class row ``[1 - p, p]`` (in the dtype of
``p``), and :mod:`cleannb.token_classification` does the rest, with the
results of cleanlab 2.9's ``cleanlab.experimental.span_classification``.
Only one span class is supported, as in cleanlab.
"""

from __future__ import annotations

import numpy as np

from ..token_classification import filter as _filter
from ..token_classification import rank as _rank
from ..token_classification import summary as _summary

__all__ = ["display_issues", "find_label_issues", "get_label_quality_scores"]


def find_label_issues(labels, pred_probs, **kwargs):
    """Flag the tokens whose span label is probably wrong, most likely first.

    Parameters
    ----------
    labels : list of lists of int
        ``labels[i][j]``: 1 if token ``j`` of sentence ``i`` is in a span,
        else 0 (or, with ``sentence_offsets``/``sentence_lengths``, one flat
        array of all tokens' labels).
    pred_probs : list of numpy.ndarray of shape (T_i,), or one (total_tokens,) array
        ``pred_probs[i][j]``: the predicted probability that token ``j`` of
        sentence ``i`` is in a span. The flat form needs the sentence
        boundaries (``sentence_offsets=`` or ``sentence_lengths=``, or
        ``labels`` per sentence).
    **kwargs
        Passed to :func:`cleannb.token_classification.filter.find_label_issues`
        (``return_indices_ranked_by``, ``sentence_offsets``, ``filter_by``,
        ...); cleanlab 2.9 takes none.

    Returns
    -------
    list of tuple of (int, int)
        ``(i, j)``: token ``j`` of sentence ``i`` probably has a wrong span
        label; most likely first.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.experimental.span_classification import find_label_issues
    >>> labels = [[0, 0, 1, 1], [1, 1, 0]]
    >>> pred_probs = [np.array([0.9, 0.9, 0.9, 0.1]), np.array([0.1, 0.1, 0.9])]
    >>> find_label_issues(labels, pred_probs)
    [(0, 0), (0, 1), (0, 3), (1, 0), (1, 1)]
    """
    return _filter.find_label_issues(labels, _get_pred_prob_token(pred_probs), **kwargs)


def get_label_quality_scores(labels, pred_probs, **kwargs):
    """Label quality scores of every sentence and token (lower: more likely wrong).

    :func:`cleannb.token_classification.rank.get_label_quality_scores` on
    the two-class rows ``[1 - p, p]``.

    Parameters
    ----------
    labels : list of lists of int
        Span labels (1 in a span, else 0), as in :func:`find_label_issues`.
    pred_probs : list of numpy.ndarray of shape (T_i,), or one (total_tokens,) array
        Span probabilities, as in :func:`find_label_issues`.
    **kwargs
        Keyword arguments of the token-classification function (``tokens``,
        ``token_score_method``, ``sentence_score_method``,
        ``sentence_score_kwargs``, ``sentence_offsets``, ...).

    Returns
    -------
    sentence_scores : numpy.ndarray, shape (n_sentences,)
    token_scores : list of pandas.Series

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.experimental.span_classification import get_label_quality_scores
    >>> labels = [[0, 0, 1, 1], [1, 1, 0]]
    >>> pred_probs = [np.array([0.9, 0.9, 0.9, 0.1]), np.array([0.1, 0.1, 0.9])]
    >>> get_label_quality_scores(labels, pred_probs)[0]
    array([0.1, 0.1])
    """
    return _rank.get_label_quality_scores(labels, _get_pred_prob_token(pred_probs), **kwargs)


def display_issues(
    issues,
    tokens,
    *,
    labels=None,
    pred_probs=None,
    exclude=[],  # noqa: B006 (cleanlab's signature; never modified)
    class_names=None,
    top=20,
):
    """Print each issue's sentence with the token marked, as
    :func:`cleannb.token_classification.summary.display_issues`.

    ``pred_probs`` are span probabilities (one per token); the predicted
    label printed is that of the row ``[1 - p, p]``: 1 when ``p > 0.5``.
    cleanlab 2.9 passes the span probabilities on unchanged and takes the
    argmax of a single number, so it prints 0 as every token's prediction
    (and excludes pairs by that 0); cleannb prints the prediction.

    Parameters
    ----------
    issues : list of tuple of (int, int) or list of int
        ``(sentence, token)`` pairs (or sentence indices) to show, as
        :func:`find_label_issues` returns them.
    tokens : list of lists of str
        The words of every sentence.
    labels : list of lists of int, optional
        Span labels; printed beside each issue.
    pred_probs : list of numpy.ndarray of shape (T_i,), optional
        Span probabilities; the predicted label is printed beside each issue.
    exclude : list of tuple of (int, int), default []
        ``(given, predicted)`` label pairs not to show.
    class_names : list of str, optional
        Names of the labels 0 and 1.
    top : int, default 20
        Show at most this many issues.

    Returns
    -------
    None
        The issues are printed.
    """
    _summary.display_issues(
        issues,
        tokens,
        labels=labels,
        pred_probs=None if pred_probs is None else _get_pred_prob_token(pred_probs),
        exclude=exclude,
        class_names=class_names,
        top=top,
    )


def _get_pred_prob_token(pred_probs):
    """Span probabilities ``p`` as two-class rows ``[1 - p, p]``, in either form.

    A list of per-sentence vectors gives a list of (T_i, 2) arrays; one flat
    (total_tokens,) array gives one (total_tokens, 2) array.
    """
    if isinstance(pred_probs, np.ndarray) and pred_probs.ndim == 1 and pred_probs.dtype != object:
        return np.stack([1 - pred_probs, pred_probs], axis=1)
    return [_two_class_rows(probs, i) for i, probs in enumerate(pred_probs)]


def _two_class_rows(probs, i):
    probs = np.asarray(probs)
    if probs.ndim != 1:
        raise ValueError(
            f"pred_probs[{i}] (sentence {i}) must be 1-D, one span probability per token, "
            f"got shape {probs.shape}."
        )
    return np.stack([1 - probs, probs], axis=1)
