"""Token classification (e.g. named-entity tags): each token of a sentence has a class label.

cleanlab 2.x's ``cleanlab.token_classification``, with its names, arguments
and results: the tokens of all sentences, put end to end, are examples of
ordinary classification, so that confident learning
(:func:`cleannb.filter.find_label_issues`) and the label quality scores
(:func:`cleannb.rank.get_label_quality_scores`) apply to them unchanged.

- :mod:`~cleannb.token_classification.filter`: ``find_label_issues``, the
  tokens whose label is probably wrong, as ``(sentence, token)`` pairs.
- :mod:`~cleannb.token_classification.rank`: ``get_label_quality_scores``
  (per sentence and per token) and ``issues_from_scores``.
- :mod:`~cleannb.token_classification.summary`: ``display_issues``,
  ``common_label_issues`` and ``filter_by_token``.

Corpora come as cleanlab takes them (``labels[i]`` and ``pred_probs[i]``
per sentence) or, when they are too large for Python lists, as one
(total_tokens, K) ``pred_probs`` (numpy, memmap, zarr, h5py, dask) with
``sentence_offsets=`` or ``sentence_lengths=``; both give the same results.
"""

from . import filter, rank, summary

__all__ = ["filter", "rank", "summary"]
