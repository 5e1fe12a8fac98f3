"""The built-in demos: find label errors in data that needs no download.

- :func:`run_demo` (``cleannb demo``): synthetic errors in scikit-learn's
  1,797 8x8 digit images. The demo flips a known fraction of the labels with
  class-conditional noise (:mod:`cleannb.noise_generation`), computes
  out-of-sample ``pred_probs`` by 5-fold cross-validated logistic regression,
  finds the label issues with :func:`cleannb.filter.find_label_issues`, and
  scores them against the flips it made.
- :func:`run_cifar10_demo` (``cleannb demo --data cifar10``): real
  ``pred_probs`` of the confident-learning paper, 50,000 CIFAR-10 images with
  40 % noisy labels (:func:`cleannb.datasets.load_cifar10_noisy`). The issues
  found are scored against the true labels and set beside the figures the
  authors published for these ``pred_probs``.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ._cli.io import progress

CV_FOLDS = 5
#: Fraction of the K (K - 1) off-diagonal noise rates that are zero: noise
#: flips each class into a few others, as real label noise tends to.
FRAC_ZERO_NOISE_RATES = 0.5
SHOW_ISSUES = 10
_STDOUT = object()  # run_demo prints to the sys.stdout of the moment


@dataclass
class DemoResult:
    """What :func:`run_demo` or :func:`run_cifar10_demo` measured.

    Attributes
    ----------
    precision, recall : float
        Of the issues found, against the wrong labels (the ones the demo
        flipped; for CIFAR-10, given label != true label).
    issues : numpy.ndarray of int
        Row indices of the issues, most likely error first.
    true_labels, noisy_labels : numpy.ndarray of int
    pred_probs : numpy.ndarray, shape (N, K)
        Out-of-sample predicted probabilities (trained on the noisy labels).
    true_noise_matrix, estimated_noise_matrix : numpy.ndarray, shape (K, K)
        P(given label = row | true label = column).
    seconds : dict of str to float
        Wall-clock time of each step.
    data : str
        Which demo: ``"digits"`` or ``"cifar10"``.
    class_names : list of str or None
        Names of the classes (CIFAR-10), None for digits.
    published_scores : dict or None
        CIFAR-10: the authors' figures, as
        :func:`cleannb.datasets.load_cifar10_noisy` gives them.
    rows_differing_from_published : int or None
        CIFAR-10: rows where the issues found differ from the authors'
        ``cl_pbnr`` mask (prune by noise rate).
    """

    precision: float
    recall: float
    issues: np.ndarray
    true_labels: np.ndarray
    noisy_labels: np.ndarray
    pred_probs: np.ndarray
    true_noise_matrix: np.ndarray
    estimated_noise_matrix: np.ndarray
    seconds: dict = field(default_factory=dict)
    data: str = "digits"
    class_names: list | None = None
    published_scores: dict | None = None
    rows_differing_from_published: int | None = None

    @property
    def n_flipped(self):
        """How many labels are wrong (the demo flipped them, or CIFAR-10's noise did)."""
        return int(np.sum(self.true_labels != self.noisy_labels))

    @property
    def f1(self):
        """Harmonic mean of precision and recall (0 if both are 0)."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


class _Stopwatch:
    """Times named steps; tells the progress bar when each one starts."""

    def __init__(self, advance):
        self.seconds = {}
        self.advance = advance

    @contextmanager
    def __call__(self, name):
        self.advance(name)
        start = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - start


def _noisy_digits(seed, noise, watch):
    from sklearn.datasets import load_digits

    from .noise_generation import generate_noise_matrix_from_trace, generate_noisy_labels

    with watch("load digits (bundled with scikit-learn)"):
        digits = load_digits()
        X, y = digits.data / 16.0, digits.target.astype(np.int64)
    with watch("make noisy labels (first call: includes Numba compilation)"):
        k = int(y.max()) + 1
        py = np.bincount(y, minlength=k) / y.size
        noise_matrix = generate_noise_matrix_from_trace(
            k, k * (1.0 - noise), py=py, frac_zero_noise_rates=FRAC_ZERO_NOISE_RATES, seed=seed
        )
        if noise_matrix is None:
            raise ValueError(f"no valid noise matrix for noise={noise}; use a smaller value.")
        noisy = generate_noisy_labels(y, noise_matrix, seed=seed)
    return X, y, noisy, noise_matrix


def _pred_probs(X, noisy, seed, watch):
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    from .count import estimate_cv_predicted_probabilities

    # One BLAS thread: these fits are small, and a threaded BLAS on a busy
    # machine spins for far longer than it computes (50x slower, measured).
    with (
        watch(f"out-of-sample pred_probs ({CV_FOLDS}-fold logistic regression)"),
        threadpool_limits(limits=1, user_api="blas"),
    ):
        return estimate_cv_predicted_probabilities(
            X,
            noisy,
            clf=LogisticRegression(C=0.5, max_iter=500),
            cv_n_folds=CV_FOLDS,
            seed=seed,
        )


def _find_issues_and_noise_matrix(noisy, pred_probs, watch):
    """The confident-learning steps of both demos, each timed."""
    from .count import estimate_py_and_noise_matrices_from_probabilities
    from .filter import find_label_issues

    ranked = {"return_indices_ranked_by": "self_confidence"}
    with watch("find label issues (first call: includes Numba compilation)"):
        find_label_issues(noisy, pred_probs, **ranked)
    with watch("find label issues (compiled)"):
        issues = find_label_issues(noisy, pred_probs, **ranked)
    with watch("estimate the noise matrix"):
        estimated_nm = estimate_py_and_noise_matrices_from_probabilities(noisy, pred_probs)[1]
    return np.asarray(issues), estimated_nm


def _scored(issues, true_labels, noisy, **fields):
    """A :class:`DemoResult` with the precision and recall of ``issues``."""
    wrong = noisy != true_labels
    hits = int(np.sum(wrong[issues]))
    return DemoResult(
        precision=hits / max(len(issues), 1),
        recall=hits / max(int(wrong.sum()), 1),
        issues=issues,
        true_labels=true_labels,
        noisy_labels=noisy,
        **fields,
    )


def _print_report(result, out):
    if out is _STDOUT:
        out = sys.stdout
    if out is not None:
        print(report(result), file=out)


def run_demo(seed=0, noise=0.2, quiet=False, *, out=_STDOUT):
    """Find label errors in noisy digits and score them against the truth.

    Parameters
    ----------
    seed : int, default 0
        Seeds the noise and the cross-validation folds; one seed, one result.
    noise : float, default 0.2
        Fraction of labels flipped (the noise matrix has trace K (1 - noise)).
    quiet : bool, default False
        No progress bars on stderr.
    out : file-like or None, default: ``sys.stdout`` at call time
        Where the report is printed; None prints nothing.

    Returns
    -------
    DemoResult

    Examples
    --------
    >>> result = run_demo(seed=0, quiet=True, out=None)
    >>> bool(result.precision > 0.6 and result.recall > 0.6), result.issues.size > 0
    (True, True)
    """
    if not 0.0 <= noise < 0.9:
        raise ValueError(f"noise={noise}: use a fraction in [0, 0.9).")
    with progress(6, quiet) as advance:
        watch = _Stopwatch(advance)
        X, y, noisy, true_nm = _noisy_digits(seed, noise, watch)
        pred_probs = _pred_probs(X, noisy, seed, watch)
        issues, estimated_nm = _find_issues_and_noise_matrix(noisy, pred_probs, watch)
    result = _scored(
        issues,
        y,
        noisy,
        pred_probs=pred_probs,
        true_noise_matrix=true_nm,
        estimated_noise_matrix=estimated_nm,
        seconds=watch.seconds,
    )
    _print_report(result, out)
    return result


def run_cifar10_demo(quiet=False, *, out=_STDOUT):
    """Find the label errors of the confident-learning paper's CIFAR-10 data.

    The 50,000 training images with 40 % noisy labels and the authors'
    out-of-sample ResNet-50 ``pred_probs`` (float16, as published) ship with
    cleannb (:func:`cleannb.datasets.load_cifar10_noisy`). The issues found by
    :func:`cleannb.filter.find_label_issues` (prune by noise rate, ranked by
    self-confidence) are scored against the true labels, and the report sets
    them beside the figures published for the same ``pred_probs``.

    Parameters
    ----------
    quiet : bool, default False
        No progress bars on stderr.
    out : file-like or None, default: ``sys.stdout`` at call time
        Where the report is printed; None prints nothing.

    Returns
    -------
    DemoResult
        With ``data="cifar10"``, ``class_names``, ``published_scores`` and
        ``rows_differing_from_published`` set.

    Examples
    --------
    >>> result = run_cifar10_demo(quiet=True, out=None)
    >>> result.issues.size, round(result.precision, 5), round(result.recall, 5)
    (21847, 0.81119, 0.88725)
    """
    from .datasets import load_cifar10_noisy

    with progress(4, quiet) as advance:
        watch = _Stopwatch(advance)
        with watch("load CIFAR-10 (bundled; first use imports scikit-learn)"):
            data = load_cifar10_noisy()
        issues, estimated_nm = _find_issues_and_noise_matrix(data.labels, data.pred_probs, watch)
    found = np.zeros(data.labels.size, dtype=bool)
    found[issues] = True
    result = _scored(
        issues,
        data.true_labels,
        data.labels,
        pred_probs=data.pred_probs,
        true_noise_matrix=data.noise_matrix,
        estimated_noise_matrix=estimated_nm,
        seconds=watch.seconds,
        data="cifar10",
        class_names=data.class_names,
        published_scores=data.published_scores,
        rows_differing_from_published=int(np.sum(found != data.published_masks["cl_pbnr"])),
    )
    _print_report(result, out)
    return result


def _matrix_lines(matrix):
    k = matrix.shape[0]
    lines = ["     " + "".join(f"{f'y={j}':>5}" for j in range(k))]
    for i in range(k):
        lines.append(f"{f's={i}':<5}" + "".join(f"{100 * v:5.0f}" for v in matrix[i]))
    return lines


def _header_lines(result):
    n, k, wrong = result.true_labels.size, result.true_noise_matrix.shape[0], result.n_flipped
    if result.data == "cifar10":
        return [
            f"cleannb demo: {n} CIFAR-10 training images, {k} classes "
            "(the confident-learning paper's data, bundled).",
            f"{wrong} labels ({100 * wrong / n:.1f} %) are wrong; pred_probs: out-of-sample "
            "ResNet-50 (4-fold), float16 as published.",
        ]
    return [
        f"cleannb demo: {n} handwritten digits (scikit-learn's bundled copy), {k} classes.",
        f"{wrong} labels ({100 * wrong / n:.1f} %) flipped with "
        "class-conditional noise from cleannb.noise_generation.",
    ]


def _score_lines(result):
    hits = int(np.sum(result.noisy_labels[result.issues] != result.true_labels[result.issues]))
    if result.data != "cifar10":
        return [
            f"Label issues found: {len(result.issues)}, of which {hits} are labels the demo "
            "flipped.",
            f"precision {result.precision:.3f}  recall {result.recall:.3f}",
        ]
    lines = [
        f"Label issues found: {len(result.issues)}, of which {hits} are wrong labels "
        "(given != true).",
        f"precision {result.precision:.5f}  recall {result.recall:.5f}  F1 {result.f1:.5f}",
        "",
        "Published figures for these pred_probs (Northcutt, Jiang & Chuang, JAIR 2021):",
        f"  {'method':<22}{'flagged':>8}{'precision':>11}{'recall':>9}{'F1':>9}",
    ]
    rows = [
        (name, score["flagged"], score["precision"], score["recall"], score["f1"])
        for name, score in result.published_scores.items()
    ]
    rows.append(
        ("cleannb (this run)", len(result.issues), result.precision, result.recall, result.f1)
    )
    lines += [f"  {m:<22}{n:8d}{p:11.5f}{r:9.5f}{f:9.5f}" for m, n, p, r, f in rows]
    lines += [
        "This run: find_label_issues(filter_by='prune_by_noise_rate'), the counterpart of",
        f"cl_pbnr; its issues differ from that mask in {result.rows_differing_from_published} "
        "rows.",
    ]
    return lines


def _issue_lines(result):
    shown = result.issues[:SHOW_ISSUES]
    lines = [f"The {len(shown)} most likely label errors (lowest self-confidence first):"]
    names = result.class_names
    if names is None:
        lines.append("  index  given  true  predicted  p(given)")
    else:
        lines.append(f"  {'index':>5}  {'given':<10}  {'true':<10}  {'predicted':<10}  p(given)")
    for i in shown:
        given, true = result.noisy_labels[i], result.true_labels[i]
        probs = result.pred_probs[i]
        predicted = int(np.argmax(probs))
        if names is None:
            line = f"  {i:5d}  {given:5d}  {true:4d}  {predicted:9d}  {probs[given]:8.3f}"
            note = "   (label was not flipped)"
        else:
            line = (
                f"  {i:5d}  {names[given]:<10}  {names[true]:<10}  {names[predicted]:<10}  "
                f"{float(probs[given]):8.3f}"
            )
            note = "   (label is right)"
        lines.append(line + ("" if given != true else note))
    return lines


def _noise_matrix_lines(result):
    true_lines = _matrix_lines(result.true_noise_matrix)
    est_lines = _matrix_lines(result.estimated_noise_matrix)
    pad = max(len(line) for line in true_lines)
    error = np.abs(result.true_noise_matrix - result.estimated_noise_matrix).mean()
    lines = ["Noise matrix P(given label s | true label y), in %: true (left), estimated (right)"]
    if result.class_names is not None:
        lines.append("Classes: " + ", ".join(f"{k} {n}" for k, n in enumerate(result.class_names)))
    lines += [f"{a:<{pad}}    {b}" for a, b in zip(true_lines, est_lines, strict=True)]
    lines.append(f"Mean absolute difference: {100 * error:.2f} percentage points.")
    return lines


def report(result):
    """The demo's printed report for a :class:`DemoResult`."""
    lines = [*_header_lines(result), "", "Time per step (seconds):"]
    width = max(len(name) for name in result.seconds)
    lines += [f"  {name:<{width}}  {sec:8.3f}" for name, sec in result.seconds.items()]
    lines += ["", *_score_lines(result), "", *_issue_lines(result), ""]
    lines += _noise_matrix_lines(result)
    return "\n".join(lines)
