"""Label issues in ``pred_probs`` too large for memory, read in batches, exactly.

cleanlab 2.x's ``cleanlab.experimental.label_issues_batched`` under the same
names and signatures, with one difference: where cleanlab approximates the
in-memory result (running means of the thresholds, a simplified count of the
issues), cleannb returns it exactly. Every quantity here merges exactly over
batches: the thresholds are numpy's means of each class's label probabilities,
kept from every batch (O(N)) and averaged at the end, and counts, per-row scores and
per-cell selections do not depend on the split. So for any ``batch_size``::

    find_label_issues_batched(labels, pred_probs)
    == cleannb.filter.find_label_issues(
        labels, pred_probs, filter_by="low_self_confidence",
        return_indices_ranked_by="self_confidence")

``pred_probs`` may be a numpy array or memmap, a zarr array, an h5py dataset
(anything with ``shape``, ``dtype`` and row slicing), or a function
``read(start, stop)`` that returns those rows; at most one batch of rows is
in memory at a time, plus O(N) per-row results.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from .. import rank
from .._core import confident as _confident
from .._core import pipeline as _pipeline
from .._core import scores as _scores
from .._core import ties as _ties
from .._core.label_issues import find_single_label
from .._core.method_names import FILTERS
from .._core.parallel import num_threads
from .._core.rows import DEFAULT_BATCH_SIZE, RowSource, own_values
from .._core.validation import (
    check_choice,
    check_flag,
    check_labels,
    check_pred_probs,
    is_small_data,
)

__all__ = ["LabelInspector", "find_label_issues_batched"]

QUALITY_METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
ESTIMATION_METHODS = ("off_diagonal", "off_diagonal_calibrated")


def find_label_issues_batched(
    labels=None,
    pred_probs=None,
    *,
    labels_file=None,
    pred_probs_file=None,
    batch_size=DEFAULT_BATCH_SIZE,
    n_jobs=None,
    verbose=True,
    quality_score_kwargs=None,
    num_issue_kwargs=None,
    return_mask=False,
    filter_by=None,
):
    """Find label issues reading ``pred_probs`` in batches: the in-memory result, exactly.

    With the defaults, the result equals
    ``cleannb.filter.find_label_issues(labels, pred_probs,
    filter_by="low_self_confidence", return_indices_ranked_by="self_confidence")``
    for every ``batch_size``. ``quality_score_kwargs={"method": m}`` scores
    (and, without ``filter_by``, filters by the lowest scores) with method
    ``m``; ``filter_by`` takes any rule of
    :func:`cleannb.filter.find_label_issues`, each exact.

    Parameters
    ----------
    labels : array_like of int, shape (N,), optional
        Given labels 0..K-1 (or give ``labels_file``).
    pred_probs : array-like of shape (N, K) or callable, optional
        A numpy array or memmap, zarr array, h5py dataset, or a function
        ``read(start, stop)`` returning rows ``start:stop`` (or give
        ``pred_probs_file``).
    labels_file, pred_probs_file : str, optional
        ``.npy`` files, memory-mapped.
    batch_size : int, default 10000
        Rows read at a time: the memory used, never the result.
    n_jobs : int or None, default None
        Threads (None or -1: all cores); the result does not depend on it.
    verbose : bool, default True
        Print the data's shape and the number of issues found.
    quality_score_kwargs : dict, optional
        ``{"method": ...}``, one of "self_confidence" (default),
        "normalized_margin", "confidence_weighted_entropy"; and
        ``"adjust_pred_probs": True`` to score with the confident thresholds
        subtracted, as :func:`cleannb.rank.get_label_quality_scores` does
        (with the thresholds of all rows, and cleanlab's arithmetic).
    num_issue_kwargs : dict, optional
        ``{"estimation_method": ...}``: "off_diagonal" (default) or
        "off_diagonal_calibrated", as in :func:`cleannb.count.num_label_issues`.
        Applies to the low-score rules.
    return_mask : bool, default False
        Return a boolean mask instead of the ranked indices.
    filter_by : str, optional
        A rule of :func:`cleannb.filter.find_label_issues`, or
        "low_confidence_weighted_entropy" (cleannb's extension); default
        ``"low_" + method``, with ``method`` the score method.

    Returns
    -------
    numpy.ndarray
        int64 indices ranked by the score, lowest first (cleanlab 2.9 returns
        the same rows in ascending order), or the mask.

    Notes
    -----
    Passes over ``pred_probs``: two for the low-score rules (the thresholds,
    then the confident joint and the scores together), more for the pruning
    rules (thresholds, confident joint, the per-cell selection, and a pass
    for cells whose cut falls on tied keys). cleanlab 2.9 also unflags rows
    whose label the model predicts (within 1e-6); its ``filter`` does not do
    that for the low-score rules, and neither does this function.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.experimental.label_issues_batched import find_label_issues_batched
    >>> pred_probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.1, 0.9]])
    >>> find_label_issues_batched([0, 0, 1, 1], pred_probs, batch_size=3, verbose=False)
    array([1, 2])
    """
    labels, pred_probs = _load(labels, pred_probs, labels_file, pred_probs_file, verbose)
    method, adjust, estimation_method = _options(quality_score_kwargs, num_issue_kwargs)
    return_mask = check_flag(return_mask, "return_mask")
    if filter_by is None and method == "confidence_weighted_entropy":
        filter_by = "low_confidence_weighted_entropy"
    filter_by = filter_by or f"low_{method}"
    entropy_rule = "low_confidence_weighted_entropy"
    check_choice(filter_by, "filter_by", (*FILTERS, entropy_rule))
    if isinstance(pred_probs, RowSource):
        source = pred_probs
        if source.n_rows != len(labels):
            raise ValueError(f"pred_probs has {source.n_rows} rows but labels has {len(labels)}.")
    else:
        source = RowSource(pred_probs, n_rows=len(labels), batch_size=batch_size)
    labels = check_labels(labels, num_classes=source.num_classes, n_rows=source.n_rows)
    if verbose:
        print(f"pred_probs: {source.n_rows} examples, {source.num_classes} classes, {source.dtype}")
    if adjust and filter_by != f"low_{method}":
        raise ValueError(
            "quality_score_kwargs adjust_pred_probs=True applies to the low-score rule of its "
            f"method ('low_{method}'), not to filter_by={filter_by!r}; drop one of them."
        )
    if filter_by.startswith("low_") and (
        estimation_method != "off_diagonal" or filter_by == entropy_rule or adjust
    ):
        ranked = _inspect(labels, source, filter_by[4:], adjust, estimation_method, n_jobs)
        if filter_by[4:] != method:
            mask = np.zeros(source.n_rows, dtype=bool)
            mask[ranked] = True
            ranked = rank.order_label_issues(mask, labels, source, rank_by=method, n_jobs=n_jobs)
    else:
        ranked = find_single_label(
            labels,
            source,
            return_indices_ranked_by=method,
            rank_by_kwargs={},
            filter_by=filter_by,
            frac_noise=1.0,
            num_to_remove_per_class=None,
            min_examples_per_class=1,
            confident_joint=None,
            n_jobs=n_jobs,
            verbose=False,
        )
    if verbose:
        print(f"label issues found: {len(ranked)}")
    if not return_mask:
        return ranked
    mask = np.zeros(source.n_rows, dtype=bool)
    mask[ranked] = True
    return mask


def _inspect(labels, source, method, adjust, estimation_method, n_jobs):
    """The two-pass LabelInspector protocol over a source; the ranked issues."""
    inspector = LabelInspector(
        num_class=source.num_classes,
        verbose=False,
        quality_score_kwargs={"method": method, "adjust_pred_probs": adjust},
        num_issue_kwargs={"estimation_method": estimation_method},
        n_jobs=n_jobs,
    )
    for lo, hi, block in source.blocks():
        inspector.update_confident_thresholds(labels[lo:hi], block)
    for lo, hi, block in source.blocks():
        inspector.score_label_quality(labels[lo:hi], block)
    return inspector.get_label_issues()


def _load(labels, pred_probs, labels_file, pred_probs_file, verbose):
    """The labels and pred_probs given directly or as memory-mapped ``.npy`` files."""
    for value, path, what in (
        (labels, labels_file, "labels"),
        (pred_probs, pred_probs_file, "pred_probs"),
    ):
        if value is not None and path is not None:
            raise ValueError(f"give either {what} or {what}_file, not both.")
        if value is None and path is None:
            raise ValueError(f"{what} is required: pass {what}=... or {what}_file='....npy'.")
        if (
            path is not None
            and not isinstance(path, (str, bytes))
            and not hasattr(path, "__fspath__")
        ):
            raise TypeError(
                f"{what}_file must be the path of a .npy file, got {type(path).__name__}."
            )
    if labels_file is not None:
        labels = np.load(labels_file, mmap_mode="r")
    if pred_probs_file is not None:
        pred_probs = np.load(pred_probs_file, mmap_mode="r")
        if verbose:
            print(f"memory-mapped {pred_probs_file}")
    return np.asarray(labels), pred_probs


def _options(quality_score_kwargs, num_issue_kwargs):
    """(method, adjust_pred_probs, estimation_method) from cleanlab's keyword dicts."""
    quality = dict(quality_score_kwargs or {})
    issues = dict(num_issue_kwargs or {})
    unknown = sorted(set(quality) - {"method", "adjust_pred_probs"})
    if unknown:
        raise TypeError(f"quality_score_kwargs has unknown keys {unknown}; use method.")
    unknown = sorted(set(issues) - {"estimation_method"})
    if unknown:
        raise TypeError(f"num_issue_kwargs has unknown keys {unknown}; use estimation_method.")
    method = check_choice(quality.get("method", "self_confidence"), "method", QUALITY_METHODS)
    adjust = check_flag(quality.get("adjust_pred_probs", False), "adjust_pred_probs")
    if adjust and method == "confidence_weighted_entropy":
        raise ValueError(
            "adjust_pred_probs=True is not supported with method='confidence_weighted_entropy'; "
            "use method='self_confidence' or 'normalized_margin', or adjust_pred_probs=False."
        )
    estimation_method = check_choice(
        issues.get("estimation_method", "off_diagonal"), "estimation_method", ESTIMATION_METHODS
    )
    return method, adjust, estimation_method


class LabelInspector:
    """Thresholds, scores and label issues accumulated batch by batch, exactly.

    cleanlab 2.x's class of the same name. The protocol that makes it exact
    needs **two passes** over the data, in the same row order:

    1. every batch through :meth:`update_confident_thresholds` (the
       thresholds must be final before any row is scored);
    2. every batch through :meth:`score_label_quality`.

    Then :meth:`get_confident_thresholds`, :meth:`get_num_issues`,
    :meth:`get_quality_scores` and :meth:`get_label_issues` equal
    :func:`cleannb.count.get_confident_thresholds`,
    :func:`cleannb.count.num_label_issues` (with ``estimation_method``),
    :func:`cleannb.rank.get_label_quality_scores` and
    ``cleannb.filter.find_label_issues(labels, pred_probs,
    filter_by="low_" + method, return_indices_ranked_by=method)`` on all
    rows at once, whatever the batch sizes. Calling
    :meth:`update_confident_thresholds` after scoring has started raises.

    Parameters
    ----------
    num_class : int
        K, the number of classes (columns of ``pred_probs``).
    store_results : bool, default True
        Keep each row's score (needed by :meth:`get_quality_scores` and
        :meth:`get_label_issues`; 8 bytes a row).
    verbose : bool, default True
        Print the number of rows behind each result.
    quality_score_kwargs : dict, optional
        ``{"method": ...}``: "self_confidence" (default), "normalized_margin"
        or "confidence_weighted_entropy".
    num_issue_kwargs : dict, optional
        ``{"estimation_method": ...}``: "off_diagonal" (default) or
        "off_diagonal_calibrated" (keeps each row's label and confident
        class, 12 bytes a row).
    n_jobs : int or None, default 1
        Threads per batch (None or -1: all cores); results do not depend on it.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.experimental.label_issues_batched import LabelInspector
    >>> labels = np.array([0, 0, 1, 1, 0, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3],
    ...                        [0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    >>> inspector = LabelInspector(num_class=2, verbose=False)
    >>> for lo in (0, 4):
    ...     inspector.update_confident_thresholds(labels[lo:lo + 4], pred_probs[lo:lo + 4])
    >>> for lo in (0, 4):
    ...     _ = inspector.score_label_quality(labels[lo:lo + 4], pred_probs[lo:lo + 4])
    >>> inspector.get_label_issues()
    array([1, 2])
    """

    def __init__(
        self,
        *,
        num_class,
        store_results=True,
        verbose=True,
        quality_score_kwargs=None,
        num_issue_kwargs=None,
        n_jobs=1,
    ):
        if isinstance(num_class, bool) or not isinstance(num_class, Integral) or num_class < 2:
            raise ValueError(f"num_class must be an integer of at least 2, got {num_class!r}.")
        self.num_class = int(num_class)
        self.store_results = check_flag(store_results, "store_results")
        self.verbose = check_flag(verbose, "verbose")
        self.n_jobs = n_jobs
        self.method, self.adjust, self.estimation_method = _options(
            quality_score_kwargs, num_issue_kwargs
        )
        self.examples_processed_thresh = 0
        self.examples_processed_quality = 0
        self._own = []  # each batch's pred_probs[i, labels[i]], for the thresholds
        self._own_labels = []
        self._dtype = None
        self._thresholds = None
        self._issue_count = 0
        self._scores = []
        self._labels = []
        self._guesses = []

    def _batch(self, labels, pred_probs):
        pred_probs = check_pred_probs(pred_probs)
        if pred_probs.shape[1] != self.num_class:
            raise ValueError(
                f"pred_probs has {pred_probs.shape[1]} columns, but num_class={self.num_class}."
            )
        if self._dtype is None:
            self._dtype = pred_probs.dtype
        elif pred_probs.dtype != self._dtype:
            raise TypeError(
                f"pred_probs has dtype {pred_probs.dtype}, but earlier batches had {self._dtype}; "
                "pass every batch in one dtype."
            )
        labels = check_labels(labels, num_classes=self.num_class, n_rows=len(pred_probs))
        return labels, pred_probs

    def update_confident_thresholds(self, labels, pred_probs):
        """Keep a batch's label probabilities for the thresholds (first pass)."""
        if self.examples_processed_quality:
            raise ValueError(
                "update_confident_thresholds was called after score_label_quality: earlier rows "
                "were scored with other thresholds. Pass every batch through "
                "update_confident_thresholds first, then through score_label_quality."
            )
        labels, pred_probs = self._batch(labels, pred_probs)
        self._own.append(own_values(0, len(labels), pred_probs, labels))
        self._own_labels.append(labels)
        self.examples_processed_thresh += len(labels)
        self._thresholds = None

    def get_confident_thresholds(self, silent=False):
        """The thresholds of the rows seen, as :func:`cleannb.count.get_confident_thresholds`."""
        if self.examples_processed_thresh < 1:
            raise ValueError(
                "no confident thresholds yet: call update_confident_thresholds() first."
            )
        if self.verbose and not silent:
            print(f"confident thresholds from {self.examples_processed_thresh} examples")
        if self._thresholds is None:
            means, counts = _confident.grouped_means(
                np.concatenate(self._own), np.concatenate(self._own_labels), self.num_class
            )
            self._thresholds = _scores.thresholds_from_means(means, counts)
        return self._thresholds.copy()

    def score_label_quality(self, labels, pred_probs, *, update_num_issues=True):
        """Score a batch and count its label issues (second pass); returns its scores.

        The batch's values are checked once: by the confident pass that counts
        the issues (which also computes the self-confidence and normalized-margin
        scores as it reads each block), or, with ``update_num_issues=False``, by
        the scoring.
        """
        thresholds = self.get_confident_thresholds(silent=True)
        labels, pred_probs = self._batch(labels, pred_probs)
        count = check_flag(update_num_issues, "update_num_issues")
        with num_threads(self.n_jobs):
            if count:
                scores = self._count_issues(labels, pred_probs, thresholds)
                if scores is None:
                    scores = self._checked_scores(labels, pred_probs, thresholds)
            elif self.adjust:
                _confident.row_pass(pred_probs, labels)  # the values' one check
                scores = self._checked_scores(labels, pred_probs, thresholds)
            else:
                scores = _scores.quality_scores(
                    labels, pred_probs, _scores.METHODS[self.method], False
                )
        if self.store_results:
            self._scores.append(scores)
        self.examples_processed_quality += len(labels)
        return scores

    def _count_issues(self, labels, pred_probs, thresholds):
        """Count a batch's issues (its values' one check); its scores when the pass made them."""
        per_row = None
        if not self.adjust and self.method != "confidence_weighted_entropy":
            per_row = (_scores.scores_in_dtype, (self.method,))
        _, rows = _pipeline.confident_pass(
            labels, pred_probs, thresholds, keep_values=True, per_row=per_row
        )
        if self.estimation_method == "off_diagonal":
            self._issue_count += _pipeline.count_off_diagonal_issues(labels, pred_probs, rows)
        else:
            self._labels.append(labels)
            self._guesses.append(rows.guess)
        return rows.per_row

    def _checked_scores(self, labels, pred_probs, thresholds):
        """The scores of a batch whose values are checked: cleanlab's numpy arithmetic
        (with the thresholds of every batch, if adjusted), or, for the entropy score of
        float64 rows the kernels score, the kernel's (as ``rank.get_label_quality_scores``)."""
        if self.adjust:
            return _scores.numpy_block_keys(pred_probs, labels, self.method, thresholds)
        if pred_probs.dtype != np.float64 or is_small_data(pred_probs):
            rows = np.arange(len(labels))
            return _scores.numpy_keys(rows, labels, pred_probs, self.method, False)
        return _scores.quality_scores(labels, pred_probs, _scores.METHODS[self.method], False)

    def _require_scored(self):
        if self.examples_processed_quality < 1:
            raise ValueError("no labels evaluated yet: call score_label_quality() first.")

    def get_num_issues(self, silent=False):
        """The number of label issues in the rows scored, as ``count.num_label_issues``."""
        self._require_scored()
        if self.verbose and not silent:
            print(f"label issues counted over {self.examples_processed_quality} examples")
        if self.estimation_method == "off_diagonal":
            return np.int64(self._issue_count)  # numpy.int64, as cleanlab 2.9 returns it
        labels = np.concatenate(self._labels)
        return np.int64(
            _pipeline.calibrated_issue_count(labels, np.concatenate(self._guesses), self.num_class)
        )

    def get_quality_scores(self):
        """Every scored row's label quality score, in order."""
        if not self.store_results:
            raise ValueError(
                "scores were not kept: create the LabelInspector with store_results=True, or "
                "collect what score_label_quality() returns."
            )
        if not self._scores:
            return np.zeros(0)
        return np.concatenate(self._scores)

    def get_label_issues(self):
        """The ranked label issues of the rows scored (the lowest scores, lowest first)."""
        scores = self.get_quality_scores()
        self._require_scored()
        num_issues = self.get_num_issues(silent=True)
        if self.verbose:
            print(f"label issues among {self.examples_processed_quality} examples: {num_issues}")
        if self.method != "confidence_weighted_entropy":
            scores = scores.astype(self._dtype)  # exact: these scores are values of the dtype
        rows = np.sort(_pipeline.lowest_scores(scores, num_issues))
        return rows[_ties.argsort(scores[rows])]


# Names cleanlab 2.9's label_issues_batched also exposes (its constants among
# them): re-exported, one implementation each.
from .._core.constants import (  # noqa: E402, F401
    CLIPPING_LOWER_BOUND,
    CONFIDENT_THRESHOLDS_LOWER_BOUND,
    FLOATING_POINT_COMPARISON,
)
from .._core.internal import (  # noqa: E402
    split_arr,
    value_counts_fill_missing_classes,
)
from ..count import get_confident_thresholds  # noqa: E402
from ..rank import find_top_issues  # noqa: E402

__all__ += [
    "split_arr",
    "value_counts_fill_missing_classes",
    "get_confident_thresholds",
    "find_top_issues",
]
