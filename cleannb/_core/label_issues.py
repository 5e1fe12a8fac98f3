"""Label issues of single-label data: the body of :func:`cleannb.filter.find_label_issues`.

:func:`find_single_label` checks the arguments, runs the filter's passes
(:func:`cleannb._core.pipeline.find`) and ranks the flagged rows; the public
``filter.find_label_issues`` and the per-class loop of
``multilabel_classification.filter`` call it.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np

from . import pipeline as _pipeline
from . import prune as _prune
from . import scores as _scores
from . import ties as _ties
from .method_names import PRUNE_FILTERS
from .parallel import num_threads
from .source import as_pred_probs
from .validation import check_flag, check_labels


def deprecated_multi_label(labels, stacklevel):
    """Check the labels of ``find_label_issues(multi_label=True)`` and warn that it is deprecated.

    ``stacklevel`` counts from here to the user's call (cleanlab 2.9 warns
    the same way, also when ``count.num_label_issues`` takes that path).
    """
    if not isinstance(labels, list):
        raise TypeError("labels must be a list of lists of class indices when multi_label=True.")
    warnings.warn(
        "find_label_issues(multi_label=True) is deprecated; use "
        "cleannb.multilabel_classification.filter.find_label_issues instead.",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def find_single_label(
    labels,
    pred_probs,
    *,
    return_indices_ranked_by,
    rank_by_kwargs,
    filter_by,
    frac_noise,
    num_to_remove_per_class,
    min_examples_per_class,
    confident_joint,
    n_jobs,
    verbose,
):
    """:func:`cleannb.filter.find_label_issues` without ``multi_label``.

    ``filter_by`` and ``return_indices_ranked_by`` are checked names and
    ``rank_by_kwargs`` a dict; warnings point at the caller's caller (the
    user's call of the public function).
    """
    pred_probs = as_pred_probs(pred_probs)
    labels = check_labels(labels, num_classes=pred_probs.shape[1], n_rows=len(pred_probs))
    pruning = filter_by in PRUNE_FILTERS
    if not pruning and (frac_noise != 1.0 or num_to_remove_per_class is not None):
        warnings.warn(
            f"frac_noise and num_to_remove_per_class only apply to filter_by 'prune_by_noise_rate',"
            f" 'prune_by_class' and 'both'; filter_by={filter_by!r} ignores them.",
            UserWarning,
            stacklevel=3,
        )
        if num_to_remove_per_class is not None:
            raise ValueError(
                f"num_to_remove_per_class is not supported with filter_by={filter_by!r}; use "
                "filter_by='prune_by_class' (exact) or 'prune_by_noise_rate'."
            )
    if filter_by == "confident_learning" and confident_joint is not None:
        warnings.warn(
            "filter_by='confident_learning' ignores the confident_joint you passed and "
            "re-estimates it from labels and pred_probs; choose another filter_by to use yours.",
            UserWarning,
            stacklevel=3,
        )
        confident_joint = None
    frac_noise = _prune.check_frac_noise(frac_noise)
    if isinstance(min_examples_per_class, bool) or not isinstance(min_examples_per_class, Integral):
        raise TypeError(
            f"min_examples_per_class must be an integer, got {min_examples_per_class!r}."
        )
    with num_threads(n_jobs):
        found = _pipeline.find(
            labels,
            pred_probs,
            filter_by,
            frac_noise,
            num_to_remove_per_class,
            int(min_examples_per_class),
            confident_joint,
        )
    mask = found.mask
    if verbose:
        print(f"Number of label issues found: {int(mask.sum())}")
    if return_indices_ranked_by is None:
        return mask
    unknown = sorted(set(rank_by_kwargs) - {"adjust_pred_probs"})
    if unknown:
        raise TypeError(
            f"rank_by_kwargs has unknown keys {unknown}; the only option is adjust_pred_probs."
        )
    adjust = check_flag(rank_by_kwargs.get("adjust_pred_probs", False), "adjust_pred_probs")
    if filter_by == f"low_{return_indices_ranked_by}" and not adjust:
        flagged = np.flatnonzero(mask)  # their scores are at hand: no other read
        return flagged[_ties.argsort(found.scores[flagged])]
    with num_threads(n_jobs):
        # the rows are checked already: score only the flagged ones
        return _scores.ranked_rows(
            np.flatnonzero(mask),
            labels,
            pred_probs,
            rank_by=return_indices_ranked_by,
            adjust_pred_probs=adjust,
        )
