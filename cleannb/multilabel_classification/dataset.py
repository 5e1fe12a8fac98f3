"""Dataset-level summaries of label issues in multi-label data (as cleanlab 2.9).

Each class is summarised on its own binary problem ("is k among the
example's labels", see :mod:`cleannb._core.multilabel`): how many examples were
given the class but probably should not have been, and the reverse. All four
functions build on :func:`cleannb.multilabel_classification.filter.find_multilabel_issues_per_class`
(the per-class masks) and return what cleanlab 2.9 returns: the same
DataFrames (columns, order, dtypes and row order, ties included, since the
same pandas sorts are applied to rows in the same order) and the same
floating-point values.
"""

from __future__ import annotations

import numpy as np

from .._core import multilabel as _multilabel
from .._core.internal import get_onehot_num_classes
from .filter import find_label_issues, find_multilabel_issues_per_class

__all__ = [
    "common_multilabel_issues",
    "find_label_issues",
    "find_multilabel_issues_per_class",
    "get_onehot_num_classes",
    "multilabel_health_summary",
    "overall_multilabel_health_score",
    "rank_classes_by_multilabel_quality",
]

RANK_COLUMNS = [
    "Class Name",
    "Class Index",
    "Label Issues",
    "Inverse Label Issues",
    "Label Noise",
    "Inverse Label Noise",
    "Label Quality Score",
]


def _num_examples(labels, name="labels"):
    if labels is None:
        raise ValueError(
            f"{name} is required: pass the list of given classes of every example "
            "(a list of lists of class indices)."
        )
    return len(labels)


def _check_class_names(class_names, num_classes):
    if class_names is None:
        return None
    names = list(class_names)
    if len(names) != num_classes:
        raise ValueError(
            f"class_names has {len(names)} names but pred_probs has {num_classes} classes; "
            "pass one name per column of pred_probs, in column order."
        )
    return names


def _issues_frame(per_class, given, class_names):
    """cleanlab's ``common_multilabel_issues`` DataFrame from the per-class masks."""
    import pandas as pd

    num_examples, num_classes = given.shape
    wrongly_given = np.count_nonzero(per_class & given, axis=0)
    wrongly_missing = np.count_nonzero(per_class & ~given, axis=0)
    columns = {} if class_names is None else {"Class Name": []}
    columns.update(
        {
            "Class Index": [],
            "In Given Label": [],
            "In Suggested Label": [],
            "Num Examples": [],
            "Issue Probability": [],
        }
    )
    for k in range(num_classes):
        for in_given, count in ((True, wrongly_given[k]), (False, wrongly_missing[k])):
            if class_names is not None:
                columns["Class Name"].append(class_names[k])
            columns["Class Index"].append(k)
            columns["In Given Label"].append(in_given)
            columns["In Suggested Label"].append(not in_given)
            columns["Num Examples"].append(int(count))
            columns["Issue Probability"].append(int(count) / num_examples)
    frame = pd.DataFrame(columns)
    frame["Num Examples"] = frame["Num Examples"].astype(np.int64)
    frame["Class Index"] = frame["Class Index"].astype(np.int64)
    return frame.sort_values(by=["Issue Probability"], ascending=False).reset_index(drop=True)


def _class_quality_frame(issues, num_examples, named):
    """cleanlab's ``rank_classes_by_multilabel_quality`` DataFrame from the issues one."""
    import pandas as pd

    per_class = {}  # classes in their order of first appearance in ``issues``
    for row in issues.to_dict("records"):
        entry = per_class.setdefault(int(row["Class Index"]), {})
        probability = float(row["Issue Probability"])
        if named:
            entry["Class Name"] = row["Class Name"]
        # int() truncates, as cleanlab's does (a product can fall just below the count)
        if row["In Given Label"]:
            entry["Label Issues"] = int(probability * num_examples)
            entry["Label Noise"] = probability
            entry["Label Quality Score"] = 1 - probability
        else:
            entry["Inverse Label Issues"] = int(probability * num_examples)
            entry["Inverse Label Noise"] = probability
    columns = RANK_COLUMNS if named else RANK_COLUMNS[1:]
    frame = pd.DataFrame(
        {
            column: (
                list(per_class)
                if column == "Class Index"
                else [entry[column] for entry in per_class.values()]
            )
            for column in columns
        }
    )
    for column in ("Class Index", "Label Issues", "Inverse Label Issues"):
        frame[column] = frame[column].astype(np.int64)
    ordered = frame.sort_values(by="Label Quality Score", ascending=True).reset_index(drop=True)
    return ordered[columns]


def _per_class_issues(labels, pred_probs, confident_joint):
    """The (N, K) per-class issue masks and the (N, K) bool given labels."""
    per_class = find_multilabel_issues_per_class(
        labels, pred_probs, confident_joint=confident_joint
    )
    return per_class, _multilabel.onehot(labels, per_class.shape[1])


def common_multilabel_issues(
    labels=None, pred_probs=None, *, class_names=None, confident_joint=None
):
    """Count, for each class, the examples whose annotation of that class looks wrong.

    Classes are not exclusive in multi-label data, so each class is judged
    on its own: an example is counted for class k when the binary problem of
    class k flags it (default ``filter_by="prune_by_noise_rate"``), once as
    "given k but should not have been" or "not given k but should have been".

    Parameters
    ----------
    labels : list of list of int
        The classes given to each example (ragged; empty lists allowed).
    pred_probs : numpy.ndarray, shape (N, K)
        Out-of-sample probability of each class, independently.
    class_names : sequence of str, optional
        One name per class, in column order; adds a "Class Name" column.
    confident_joint : numpy.ndarray, shape (K, 2, 2), optional
        Per-class confident joints (``cleannb.count.compute_confident_joint(...,
        multi_label=True)``) to prune with instead of estimating them.

    Returns
    -------
    pandas.DataFrame
        2K rows (two per class) with columns ["Class Name",] "Class Index"
        (int64), "In Given Label" (bool), "In Suggested Label" (bool),
        "Num Examples" (int64) and "Issue Probability" (float64: "Num
        Examples" / N), sorted by "Issue Probability", largest first (ties
        in the order of pandas' default sort, as cleanlab).

    Raises
    ------
    ValueError, TypeError
        On malformed input (``labels`` missing, ``class_names`` of the wrong
        length, bad ``pred_probs``).

    Notes
    -----
    K binary problems, each O(N) time and memory.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification.dataset import common_multilabel_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.3], [0.1, 0.9], [0.2, 0.8], [0.9, 0.2]])
    >>> issues = common_multilabel_issues([[0], [0], [1], [1], [1]], pred_probs)
    >>> issues[["Class Index", "In Given Label", "Num Examples"]].head(2)
       Class Index  In Given Label  Num Examples
    0            0           False             1
    1            1            True             1
    """
    _num_examples(labels)
    per_class, given = _per_class_issues(labels, pred_probs, confident_joint)
    return _issues_frame(per_class, given, _check_class_names(class_names, given.shape[1]))


def rank_classes_by_multilabel_quality(
    labels=None, pred_probs=None, *, class_names=None, joint=None, confident_joint=None
):
    """Rank the classes by the quality of their annotations, worst first.

    Parameters
    ----------
    labels, pred_probs, class_names
        See :func:`common_multilabel_issues`.
    joint : numpy.ndarray, shape (K, 2, 2), optional
        Passed to :func:`common_multilabel_issues` as its ``confident_joint``
        (cleanlab 2.9 does the same).
    confident_joint : numpy.ndarray, optional
        Not used for the issues (only ``joint`` is), as in cleanlab 2.9;
        accepted for compatibility.

    Returns
    -------
    pandas.DataFrame
        One row per class: ["Class Name",] "Class Index", "Label Issues"
        (examples given the class that should not have been, int64),
        "Inverse Label Issues" (the reverse, int64), "Label Noise" and
        "Inverse Label Noise" (those counts over N, float64) and "Label
        Quality Score" (``1 - Label Noise``), sorted by "Label Quality
        Score", lowest first. The counts are ``int(noise * N)`` as cleanlab
        computes them (a truncation, which can fall one short of the count).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification.dataset import rank_classes_by_multilabel_quality
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.3], [0.1, 0.9], [0.2, 0.8], [0.9, 0.2]])
    >>> rank_classes_by_multilabel_quality([[0], [0], [1], [1], [1]], pred_probs)["Class Index"]
    0    1
    1    0
    Name: Class Index, dtype: int64
    """
    issues = common_multilabel_issues(
        labels, pred_probs, class_names=class_names, confident_joint=joint
    )
    return _class_quality_frame(issues, _num_examples(labels), class_names is not None)


def overall_multilabel_health_score(labels=None, pred_probs=None, *, confident_joint=None):
    """The fraction of examples whose set of given labels looks right, in [0, 1].

    ``1 - (number of examples flagged by``
    :func:`cleannb.multilabel_classification.filter.find_label_issues` ``) / N``.

    Parameters
    ----------
    labels, pred_probs, confident_joint
        See :func:`common_multilabel_issues`.

    Returns
    -------
    numpy.float64

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification.dataset import overall_multilabel_health_score
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.3], [0.1, 0.9], [0.2, 0.8], [0.9, 0.2]])
    >>> float(overall_multilabel_health_score([[0], [0], [1], [1], [1]], pred_probs))
    0.8
    """
    num_examples = _num_examples(labels)
    issues = find_label_issues(labels, pred_probs, confident_joint=confident_joint)
    return _health_score(issues, num_examples)


def _health_score(issues, num_examples):
    return np.float64(1.0 - np.int64(np.count_nonzero(issues)) / num_examples)


def multilabel_health_summary(
    labels=None,
    pred_probs=None,
    *,
    class_names=None,
    num_examples=None,
    confident_joint=None,
    verbose=True,
):
    """Summarise the label health of a multi-label dataset (and print it).

    Parameters
    ----------
    labels, pred_probs, class_names, confident_joint
        See :func:`common_multilabel_issues`.
    num_examples : int, optional
        Shown in the printed header (default ``len(labels)``).
    verbose : bool, default True
        Print the summary.

    Returns
    -------
    dict
        ``"overall_multilabel_health_score"``
        (:func:`overall_multilabel_health_score`),
        ``"classes_by_multilabel_quality"``
        (:func:`rank_classes_by_multilabel_quality`, with its ``joint`` left
        None, as cleanlab 2.9 calls it) and ``"common_multilabel_issues"``
        (:func:`common_multilabel_issues`).

    Notes
    -----
    The per-class issues are computed once (twice when ``confident_joint``
    is given, since the class ranking does not use it), where cleanlab
    computes them three times.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification.dataset import multilabel_health_summary
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.3], [0.1, 0.9], [0.2, 0.8], [0.9, 0.2]])
    >>> summary = multilabel_health_summary([[0], [0], [1], [1], [1]], pred_probs, verbose=False)
    >>> float(summary["overall_multilabel_health_score"])
    0.8
    """
    total = _num_examples(labels)
    if num_examples is None:
        num_examples = total
    per_class, given = _per_class_issues(labels, pred_probs, None)
    names = _check_class_names(class_names, given.shape[1])
    by_class = _class_quality_frame(
        _issues_frame(per_class, given, names), total, names is not None
    )
    if confident_joint is not None:
        per_class, _ = _per_class_issues(labels, pred_probs, confident_joint)
    common = _issues_frame(per_class, given, names)
    health = _health_score(per_class.any(axis=1), total)
    if verbose:
        print(
            f"Multi-label health summary of {num_examples:,} examples "
            f"in {given.shape[1]:,} classes\n"
        )
        print("Classes by label quality (worst first):")
        print(by_class.to_string(index=False))
        print("\nMost common label issues per class (given -> suggested):")
        print(common.to_string(index=False))
        print(f"\nOverall multi-label health score: {health:.4f}\n")
    return {
        "overall_multilabel_health_score": health,
        "classes_by_multilabel_quality": by_class,
        "common_multilabel_issues": common,
    }
