"""Multi-label classification: each example may carry any number of classes.

``labels`` are lists of class indices per example (ragged, empty lists
allowed); ``pred_probs`` holds an independent probability per class. Every
method reduces the data one-vs-rest to K binary problems, as cleanlab 2.9.
"""

from . import dataset, filter, rank
from .rank import get_label_quality_scores

__all__ = ["dataset", "filter", "get_label_quality_scores", "rank"]
