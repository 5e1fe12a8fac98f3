"""The built-in demo: find synthetic label errors in scikit-learn's digits.

No download: the 1,797 8x8 digit images ship with scikit-learn. The demo
flips a known fraction of the labels with class-conditional noise
(:mod:`cleannb.noise_generation`), computes out-of-sample ``pred_probs`` by
5-fold cross-validated logistic regression, finds the label issues with
:func:`cleannb.filter.find_label_issues`, and scores them against the flips it
made. Run it with ``cleannb demo`` or :func:`run_demo`.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ._cli_io import progress

CV_FOLDS = 5
#: Fraction of the K (K - 1) off-diagonal noise rates that are zero: noise
#: flips each class into a few others, as real label noise tends to.
FRAC_ZERO_NOISE_RATES = 0.5
SHOW_ISSUES = 10
_STDOUT = object()  # run_demo prints to the sys.stdout of the moment


@dataclass
class DemoResult:
    """What :func:`run_demo` measured.

    Attributes
    ----------
    precision, recall : float
        Of the issues found, against the labels the demo flipped.
    issues : numpy.ndarray of int
        Row indices of the issues, most likely error first.
    true_labels, noisy_labels : numpy.ndarray of int
    pred_probs : numpy.ndarray, shape (N, K)
        Out-of-sample predicted probabilities (trained on the noisy labels).
    true_noise_matrix, estimated_noise_matrix : numpy.ndarray, shape (K, K)
        P(given label = row | true label = column).
    seconds : dict of str to float
        Wall-clock time of each step.
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

    @property
    def n_flipped(self):
        """How many labels the demo flipped."""
        return int(np.sum(self.true_labels != self.noisy_labels))


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
    from .count import estimate_py_and_noise_matrices_from_probabilities
    from .filter import find_label_issues

    if not 0.0 <= noise < 0.9:
        raise ValueError(f"noise={noise}: use a fraction in [0, 0.9).")
    with progress(6, quiet) as advance:
        watch = _Stopwatch(advance)
        X, y, noisy, true_nm = _noisy_digits(seed, noise, watch)
        pred_probs = _pred_probs(X, noisy, seed, watch)
        ranked = {"return_indices_ranked_by": "self_confidence"}
        with watch("find label issues (first call: includes Numba compilation)"):
            find_label_issues(noisy, pred_probs, **ranked)
        with watch("find label issues (compiled)"):
            issues = find_label_issues(noisy, pred_probs, **ranked)
        with watch("estimate the noise matrix"):
            estimated_nm = estimate_py_and_noise_matrices_from_probabilities(noisy, pred_probs)[1]
    flipped = noisy != y
    hits = int(np.sum(flipped[issues]))
    result = DemoResult(
        precision=hits / max(len(issues), 1),
        recall=hits / max(int(flipped.sum()), 1),
        issues=np.asarray(issues),
        true_labels=y,
        noisy_labels=noisy,
        pred_probs=pred_probs,
        true_noise_matrix=true_nm,
        estimated_noise_matrix=estimated_nm,
        seconds=watch.seconds,
    )
    if out is _STDOUT:
        out = sys.stdout
    if out is not None:
        print(report(result), file=out)
    return result


def _matrix_lines(matrix):
    k = matrix.shape[0]
    lines = ["     " + "".join(f"{f'y={j}':>5}" for j in range(k))]
    for i in range(k):
        lines.append(f"{f's={i}':<5}" + "".join(f"{100 * v:5.0f}" for v in matrix[i]))
    return lines


def report(result):
    """The demo's printed report for a :class:`DemoResult`."""
    n = result.true_labels.size
    k = result.true_noise_matrix.shape[0]
    lines = [
        f"cleannb demo: {n} handwritten digits (scikit-learn's bundled copy), {k} classes.",
        f"{result.n_flipped} labels ({100 * result.n_flipped / n:.1f} %) flipped with "
        "class-conditional noise from cleannb.noise_generation.",
        "",
        "Time per step (seconds):",
    ]
    width = max(len(name) for name in result.seconds)
    lines += [f"  {name:<{width}}  {sec:8.3f}" for name, sec in result.seconds.items()]
    hits = int(np.sum(result.noisy_labels[result.issues] != result.true_labels[result.issues]))
    lines += [
        "",
        f"Label issues found: {len(result.issues)}, of which {hits} are labels the demo flipped.",
        f"precision {result.precision:.3f}  recall {result.recall:.3f}",
        "",
        f"The {min(SHOW_ISSUES, len(result.issues))} most likely label errors "
        "(lowest self-confidence first):",
        "  index  given  true  predicted  p(given)",
    ]
    for i in result.issues[:SHOW_ISSUES]:
        given, true = result.noisy_labels[i], result.true_labels[i]
        probs = result.pred_probs[i]
        lines.append(
            f"  {i:5d}  {given:5d}  {true:4d}  {int(np.argmax(probs)):9d}  {probs[given]:8.3f}"
            + ("" if given != true else "   (label was not flipped)")
        )
    true_lines = _matrix_lines(result.true_noise_matrix)
    est_lines = _matrix_lines(result.estimated_noise_matrix)
    pad = max(len(line) for line in true_lines)
    error = np.abs(result.true_noise_matrix - result.estimated_noise_matrix).mean()
    lines += [
        "",
        "Noise matrix P(given label s | true label y), in %: true (left), estimated (right)",
    ]
    lines += [f"{a:<{pad}}    {b}" for a, b in zip(true_lines, est_lines, strict=True)]
    lines.append(f"Mean absolute difference: {100 * error:.2f} percentage points.")
    return "\n".join(lines)
