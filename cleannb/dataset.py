"""Dataset-level label health: which classes are noisiest, which overlap.

cleanlab 2.x's ``dataset`` module (same names, arguments and columns). All
summaries derive from the joint P(s, y); :func:`health_summary` computes it
and the number of label issues from a single pass over ``pred_probs``
(cleanlab computes the confident joint twice there). Rows of equal score come
in the order of cleanlab's pandas sort (its default quicksort), or in class
order under ``cleannb.tie_order("index")``. pandas loads on first use.
"""

from __future__ import annotations

import numpy as np

from . import count
from ._core import algebra as _algebra
from ._core import calibration as _calibration
from ._core import pipeline as _pipeline
from ._core import ties as _ties
from ._core.constants import EPSILON
from ._core.parallel import num_threads
from ._core.source import as_pred_probs
from ._core.validation import check_flag, check_labels

__all__ = [
    "find_overlapping_classes",
    "health_summary",
    "overall_label_health_score",
    "rank_classes_by_label_quality",
]


def _no_multilabel(multi_label, name):
    if check_flag(multi_label, "multi_label"):
        raise ValueError(
            f"{name} supports single-label data only; for multi-label data use "
            "cleannb.multilabel_classification."
        )


def _num_examples(labels, confident_joint, num_examples):
    if num_examples is not None:
        return int(num_examples)
    if labels is not None:
        return len(labels)
    if confident_joint is not None:
        return int(np.sum(confident_joint))
    raise ValueError(
        "num_examples is unknown: pass labels, a confident_joint, or num_examples with joint."
    )


def _class_names(class_names, num_classes, at_least=False):
    """``class_names`` as a list, checked against the number of classes K."""
    names = list(class_names)
    if len(names) < num_classes or (len(names) > num_classes and not at_least):
        raise ValueError(
            f"class_names has {len(names)} entries but there are {num_classes} classes; "
            f"pass one name per class (a sequence of length {num_classes}, in class order)."
        )
    return names


def _joint(labels, pred_probs, joint, confident_joint, n_jobs):
    if joint is not None:
        return np.asarray(joint, dtype=float)
    return count.estimate_joint(labels, pred_probs, confident_joint=confident_joint, n_jobs=n_jobs)


def rank_classes_by_label_quality(
    labels=None,
    pred_probs=None,
    *,
    class_names=None,
    num_examples=None,
    joint=None,
    confident_joint=None,
    multi_label=False,
    n_jobs=None,
):
    """Per-class label noise, worst class first.

    Parameters
    ----------
    labels : array_like of int, shape (N,), optional
        Given labels 0..K-1; needed unless ``joint`` or ``confident_joint``
        is given.
    pred_probs : numpy.ndarray, shape (N, K), optional
        Out-of-sample predicted probabilities; needed with ``labels`` alone.
    class_names : sequence of str, optional
        One name per class (length K): adds a "Class Name" column.
    num_examples : int, optional
        N, when only ``joint`` is given.
    joint, confident_joint : numpy.ndarray, shape (K, K), optional
        Precomputed estimates (``joint`` wins).
    multi_label : bool, default False
        Not supported (raises ``ValueError``).
    n_jobs : int or None, default None
        Threads for the pass over ``pred_probs`` (None or -1: all cores).

    Returns
    -------
    pandas.DataFrame
        Columns "Class Index", "Label Issues" (examples labelled k that are
        not k), "Inverse Label Issues" (examples of true class k labelled
        otherwise), "Label Noise", "Inverse Label Noise" (the same as
        fractions) and "Label Quality Score" (1 - Label Noise), sorted by score.

    Raises
    ------
    ValueError
        If ``class_names`` does not hold exactly K names.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.dataset import rank_classes_by_label_quality
    >>> joint = np.array([[0.4, 0.1], [0.0, 0.5]])
    >>> rank_classes_by_label_quality(joint=joint, num_examples=10)["Class Index"].tolist()
    [0, 1]
    """
    _no_multilabel(multi_label, "rank_classes_by_label_quality")
    joint = _joint(labels, pred_probs, joint, confident_joint, n_jobs)
    num_examples = _num_examples(labels, None, num_examples)
    given_noise = joint.sum(axis=1) - joint.diagonal()
    true_noise = joint.sum(axis=0) - joint.diagonal()
    given_rate = given_noise / np.clip(joint.sum(axis=1), EPSILON, None)
    true_rate = true_noise / np.clip(joint.sum(axis=0), EPSILON, None)
    import pandas as pd  # loaded on first use, not on import

    frame = pd.DataFrame(
        {
            "Class Index": np.arange(len(joint)),
            "Label Issues": (given_noise * num_examples).round().astype(int),
            "Inverse Label Issues": (true_noise * num_examples).round().astype(int),
            "Label Noise": given_rate,
            "Inverse Label Noise": true_rate,
            "Label Quality Score": 1 - given_rate,
        }
    )
    if class_names is not None:
        frame.insert(0, "Class Name", _class_names(class_names, len(joint)))
    kind = "quicksort" if _ties.numpy_order() else "stable"  # quicksort: cleanlab's order
    return frame.sort_values("Label Quality Score", kind=kind).reset_index(drop=True)


def find_overlapping_classes(
    labels=None,
    pred_probs=None,
    *,
    asymmetric=False,
    class_names=None,
    num_examples=None,
    joint=None,
    confident_joint=None,
    multi_label=False,
    n_jobs=None,
):
    """Pairs of classes that the labels confuse, most confused first.

    With ``asymmetric=False`` each unordered pair (A < B) gets
    P(s=A, y=B) + P(s=B, y=A); with ``asymmetric=True`` every ordered pair
    (s=A, y=B), A != B, gets its own row. The joint comes from ``joint``, else
    from ``confident_joint``, else from ``labels`` and ``pred_probs`` (one pass
    over ``pred_probs``, as :func:`cleannb.count.estimate_joint`). Beyond that
    pass: O(K^2 log K) time and memory for the K (K - 1) pairs.

    Parameters
    ----------
    labels : array_like of int, shape (N,), optional
        Given labels 0..K-1; needed unless ``joint`` or ``confident_joint``
        is given.
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource, optional
        Out-of-sample predicted probabilities; needed with ``labels`` alone.
    asymmetric : bool, default False
        One row per ordered pair instead of per unordered pair.
    class_names : sequence of str, optional
        Names of the classes, in class order: adds "Class Name A" and
        "Class Name B" columns.
    num_examples : int, optional
        N, to turn probabilities into counts; default ``len(labels)``, else
        the sum of ``confident_joint``. Required with ``joint`` alone.
    joint : numpy.ndarray, shape (K, K), optional
        Precomputed estimate of P(s, y) (:func:`cleannb.count.estimate_joint`);
        wins over everything else.
    confident_joint : numpy.ndarray of int, shape (K, K), optional
        Precomputed confident joint (calibrated against ``labels`` when they
        are given).
    multi_label : bool, default False
        Not supported (raises ``ValueError``), as in cleanlab.
    n_jobs : int or None, default None
        Threads for the pass over ``pred_probs`` (None or -1: all cores).

    Returns
    -------
    pandas.DataFrame
        Columns "Class Index A", "Class Index B", "Num Overlapping Examples",
        "Joint Probability" (and the class names when given), sorted by
        joint probability, descending.

    Raises
    ------
    ValueError
        If ``class_names`` (one name per class) holds fewer than K names;
        as in cleanlab, only the first K names of a longer sequence are used.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.dataset import find_overlapping_classes
    >>> joint = np.array([[0.3, 0.1, 0.0], [0.05, 0.3, 0.0], [0.0, 0.05, 0.2]])
    >>> find_overlapping_classes(joint=joint, num_examples=100).iloc[0].tolist()
    [0.0, 1.0, 15.0, 0.15000000000000002]
    """
    _no_multilabel(multi_label, "find_overlapping_classes")
    joint = _joint(labels, pred_probs, joint, confident_joint, n_jobs)
    num_examples = _num_examples(labels, confident_joint, num_examples)
    if check_flag(asymmetric, "asymmetric"):
        rows, cols = np.nonzero(~np.eye(len(joint), dtype=bool))
        values = joint[rows, cols]
    else:
        rows, cols = np.triu_indices(len(joint), k=1)
        values = joint[rows, cols] + joint[cols, rows]
    import pandas as pd  # loaded on first use, not on import

    frame = pd.DataFrame(
        {
            "Class Index A": rows,
            "Class Index B": cols,
            "Num Overlapping Examples": (values * num_examples).round().astype(int),
            "Joint Probability": values,
        }
    )
    if class_names is not None:  # cleanlab reads the first K names of a longer list
        names = np.empty(len(joint), dtype=object)
        names[:] = _class_names(class_names, len(joint), at_least=True)[: len(joint)]
        frame.insert(0, "Class Name A", names[rows])
        frame.insert(1, "Class Name B", names[cols])
    if _ties.numpy_order():  # equal values in the order of cleanlab's pandas sort
        return frame.sort_values("Joint Probability", ascending=False).reset_index(drop=True)
    order = np.argsort(-values, kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def overall_label_health_score(
    labels=None,
    pred_probs=None,
    *,
    num_examples=None,
    confident_joint=None,
    joint=None,
    multi_label=False,
    verbose=True,
    n_jobs=None,
):
    """One number for the whole dataset: the estimated fraction of correct labels.

    With ``labels`` and ``pred_probs``: ``1 - num_label_issues / N``, with
    :func:`cleannb.count.num_label_issues` (``estimation_method="off_diagonal"``,
    one pass over ``pred_probs``); otherwise the trace of the joint: ``joint``,
    else ``confident_joint`` normalised (calibrated first against ``labels``
    when they are given), as cleanlab 2.x decides.

    Parameters
    ----------
    labels : array_like of int, shape (N,), optional
        Given labels 0..K-1.
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource, optional
        Out-of-sample predicted probabilities; with ``labels``, the score
        counts the label issues and ignores ``joint`` and ``confident_joint``.
    num_examples : int, optional
        N; default ``len(labels)``, else the sum of ``confident_joint``.
        Required with ``joint`` alone.
    confident_joint : numpy.ndarray of int, shape (K, K), optional
        Precomputed confident joint, used when ``joint`` is not given.
    joint : numpy.ndarray, shape (K, K), optional
        Precomputed estimate of P(s, y).
    multi_label : bool, default False
        Not supported (raises ``ValueError``), as in cleanlab.
    verbose : bool, default True
        Print the share and number of labels with potential issues and the
        score.
    n_jobs : int or None, default None
        Threads for the pass over ``pred_probs`` (None or -1: all cores).

    Returns
    -------
    float
        The score in [0, 1] (a numpy float64 when taken from the joint).

    Raises
    ------
    ValueError
        If N cannot be known (no ``labels``, ``confident_joint`` or
        ``num_examples``), or with ``multi_label=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.dataset import overall_label_health_score
    >>> overall_label_health_score(joint=np.array([[0.45, 0.05], [0.05, 0.45]]),
    ...                            num_examples=100, verbose=False)
    np.float64(0.9)
    """
    _no_multilabel(multi_label, "overall_label_health_score")
    num_examples = _num_examples(labels, confident_joint, num_examples)
    if labels is None or pred_probs is None:
        trace = _joint(labels, pred_probs, joint, confident_joint, n_jobs).trace()
        num_issues = int(round(num_examples * (1 - trace)))
        score = trace
    else:
        num_issues = count.num_label_issues(labels, pred_probs, n_jobs=n_jobs)
        score = 1 - num_issues / num_examples
    if check_flag(verbose, "verbose"):
        _report_score(score, num_issues, num_examples)
    return score


def _report_score(score, num_issues, num_examples):
    print(
        f" * About {1 - score:.0%} ({num_issues:,} of {num_examples:,}) of the labels have "
        f"potential issues.\n ** Overall label health score: {score:.2f}."
    )


def health_summary(
    labels=None,
    pred_probs=None,
    *,
    asymmetric=False,
    class_names=None,
    num_examples=None,
    joint=None,
    confident_joint=None,
    multi_label=False,
    verbose=True,
    n_jobs=None,
):
    """Class quality, class overlap and the overall score in one call.

    :func:`rank_classes_by_label_quality`, :func:`find_overlapping_classes`
    and :func:`overall_label_health_score` of one joint, with the same
    arguments (see those for each). The joint comes from ``joint``, else from
    ``confident_joint``, else from ``labels`` and ``pred_probs``.

    Parameters
    ----------
    labels : array_like of int, shape (N,), optional
        Given labels 0..K-1.
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource, optional
        Out-of-sample predicted probabilities.
    asymmetric : bool, default False
        Passed to :func:`find_overlapping_classes`.
    class_names : sequence of str, optional
        One name per class (exactly K), in class order.
    num_examples : int, optional
        N; default ``len(labels)``, else the sum of ``confident_joint``.
        Required with ``joint`` alone.
    joint : numpy.ndarray, shape (K, K), optional
        Precomputed estimate of P(s, y).
    confident_joint : numpy.ndarray of int, shape (K, K), optional
        Precomputed confident joint.
    multi_label : bool, default False
        Not supported (raises ``ValueError``), as in cleanlab.
    verbose : bool, default True
        Print the two tables (the first 10 overlapping pairs) and the score.
    n_jobs : int or None, default None
        Threads for the pass over ``pred_probs`` (None or -1: all cores).

    Returns
    -------
    dict
        "overall_label_health_score" (float), "joint" (numpy.ndarray, shape
        (K, K)), "classes_by_label_quality" and "overlapping_classes"
        (pandas.DataFrame, as the functions above return them).

    Raises
    ------
    ValueError
        If ``class_names`` does not hold exactly K names (checked before
        ``pred_probs`` is read).

    Notes
    -----
    Given ``labels`` and ``pred_probs`` only, one pass over ``pred_probs``
    yields both the joint and the issue count.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.dataset import health_summary
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.95, 0.05]])
    >>> summary = health_summary([0, 0, 1, 1, 1], pred_probs, verbose=False)
    >>> round(float(summary["overall_label_health_score"]), 2)
    0.8
    """
    _no_multilabel(multi_label, "health_summary")
    verbose = check_flag(verbose, "verbose")
    if class_names is not None:  # checked before the pass over pred_probs, not after
        class_names = list(class_names)
        for given in (joint, confident_joint, pred_probs):
            shape = getattr(given, "shape", None) if given is not None else None
            if given is not None:
                shape = np.shape(given) if shape is None else shape
                _class_names(class_names, shape[-1])
                break
    num_issues = None
    if joint is None and confident_joint is None and labels is not None and pred_probs is not None:
        probs_checked = as_pred_probs(pred_probs)
        labels_checked = check_labels(
            labels, num_classes=probs_checked.shape[1], n_rows=probs_checked.shape[0]
        )
        with num_threads(n_jobs):
            raw_joint, rows = _pipeline.confident_pass(labels_checked, probs_checked)
        counts = np.bincount(labels_checked, minlength=probs_checked.shape[1])
        calibrated = _calibration.calibrate_sparse(raw_joint, counts).dense()
        joint = _algebra.normalized_joint(calibrated, tiny=0.0)
        # numpy.int64, as count.num_label_issues (and cleanlab) returns it: the score is
        # then numpy.float64, as cleanlab's
        num_issues = np.int64(
            _pipeline.count_off_diagonal_issues(labels_checked, probs_checked, rows)
        )
    joint = _joint(labels, pred_probs, joint, confident_joint, n_jobs)
    num_examples = _num_examples(labels, confident_joint, num_examples)
    classes = rank_classes_by_label_quality(
        class_names=class_names, num_examples=num_examples, joint=joint
    )
    overlapping = find_overlapping_classes(
        asymmetric=asymmetric, class_names=class_names, num_examples=num_examples, joint=joint
    )
    if num_issues is None:
        score = overall_label_health_score(
            labels,
            pred_probs,
            num_examples=num_examples,
            confident_joint=confident_joint,
            joint=joint,
            verbose=False,
            n_jobs=n_jobs,
        )
        num_issues = int(round(num_examples * (1 - score)))
    else:
        score = 1 - num_issues / num_examples
    if verbose:
        print(f"Label health of {num_examples:,} examples in {len(joint):,} classes\n")
        print("Classes by label quality (worst first):")
        print(classes.to_string(index=False))
        print("\nMost overlapping classes (consider merging the top pairs):")
        print(overlapping.head(10).to_string(index=False))
        print()
        _report_score(score, num_issues, num_examples)
    return {
        "overall_label_health_score": score,
        "joint": joint,
        "classes_by_label_quality": classes,
        "overlapping_classes": overlapping,
    }


# Names cleanlab 2.9's cleanlab.dataset also exposes (imported there from count).
from .count import estimate_joint, num_label_issues  # noqa: E402

__all__ += [
    "estimate_joint",
    "num_label_issues",
]
