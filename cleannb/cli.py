"""The ``cleannb`` command line: find label issues in files, or run the demo.

::

    cleannb find-issues --labels labels.npy --pred-probs pred_probs.npy --output issues.csv
    cleannb demo
    cleannb demo --data cifar10
    cleannb warmup --dtypes float32 float64
    python -m cleannb --help

``find-issues`` reads the given labels (``.npy``, ``.csv`` or ``.txt``) and
out-of-sample predicted probabilities (``.npy``, memory-mapped copy-on-write,
and ``.zarr``, both read in ranges of rows with a progress bar per pass;
``.npz``; ``.csv``), runs :func:`cleannb.filter.find_label_issues`, scores the
issues with :func:`cleannb.rank.get_label_quality_scores`, writes them (CSV or
JSON by the output's extension, an aligned table on stdout without
``--output``) and prints a summary: the number of issues, the noise rate
estimated by confident learning, and the classes with the most issues.

``demo`` runs the whole job on data that needs no download and scores the
issues against the truth (:mod:`cleannb.demo`): ``--data digits`` (the
default) flips labels of scikit-learn's digits and cross-validates a model;
``--data cifar10`` uses the confident-learning paper's CIFAR-10 experiment
bundled with cleannb (40 % noisy labels, the authors' ``pred_probs``) and
compares with the published figures.

``warmup`` compiles the kernels a typical run needs and caches them on disk
(:func:`cleannb.warmup`), e.g. while a container image is built, and prints
where the cache lives and how long it took.

Bad input (a missing file, a wrong shape, labels out of range, NaN in
``pred_probs``) ends with a one-line message on stderr and exit status 2.
Progress bars go to stderr for steps that take more than half a second;
``--quiet`` silences them.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from . import __version__
from ._cli.find_issues import find_issues
from ._cli.io import (
    InputError,
    check_output,
    format_table,
    progress,
    read_labels,
    read_pred_probs,
    write_issues,
)
from ._core.method_names import FILTERS, RANKINGS
from ._core.rows import RowSource

#: Exit status for bad input (the same as argparse's usage errors).
EXIT_BAD_INPUT = 2
TOP_CLASSES = 3


def summary_lines(table, noise_rate, n_examples, *, filter_by, rank_by, top=TOP_CLASSES):
    """The short summary printed after ``find-issues``, as a list of lines."""
    n_issues = len(table["index"])
    share = 100.0 * n_issues / n_examples if n_examples else 0.0
    lines = [
        f"{n_issues} label issues in {n_examples} examples ({share:.1f} %); "
        f"filter_by={filter_by}, ranked by {rank_by} (most likely error first).",
        f"Estimated noise rate: {100.0 * noise_rate:.1f} % "
        "(1 - trace of the confident-learning estimate of P(given label, true label)).",
    ]
    if n_issues:
        counts = np.bincount(table["given_label"])
        order = np.argsort(-counts, kind="stable")[:top]
        busiest = ", ".join(f"{k} ({counts[k]})" for k in order if counts[k] > 0)
        lines.append(f"Given labels with the most issues: {busiest}.")
    return lines


def _run_find_issues(args):
    if args.output is not None:
        check_output(args.output)  # before the work, not after it
    with progress(3 + 2, args.quiet) as advance:
        advance("read inputs")
        labels = read_labels(args.labels)
        pred_probs = read_pred_probs(args.pred_probs, batch_size=args.batch_size, quiet=args.quiet)
        if pred_probs.ndim == 2 and labels.shape[0] != pred_probs.shape[0]:
            raise InputError(
                f"--labels has {labels.shape[0]} entries but --pred-probs has "
                f"{pred_probs.shape[0]} rows; they must describe the same examples in order."
            )
        table, noise_rate = find_issues(
            labels,
            pred_probs,
            filter_by=args.filter_by,
            rank_by=args.rank_by,
            n_jobs=args.n_jobs,
            advance=advance,
        )
        advance("write output")
        if args.output is not None:
            write_issues(table, args.output)
    if args.output is None:
        print(format_table(table))
        print()
    lines = summary_lines(
        table, noise_rate, labels.shape[0], filter_by=args.filter_by, rank_by=args.rank_by
    )
    if isinstance(pred_probs, RowSource):
        lines.append(f"Read {args.pred_probs} in {pred_probs.passes} passes over its rows.")
    if args.output is not None:
        lines.append(f"Issues written to {args.output}.")
    print("\n".join(lines))
    return 0


#: ``cleannb demo --data`` choices; the first is the default.
DEMO_DATA = ("digits", "cifar10")
DEMO_SEED, DEMO_NOISE = 0, 0.2


def _run_demo(args):
    from .demo import run_cifar10_demo, run_demo

    if args.data == "cifar10":
        if args.seed is not None or args.noise is not None:
            raise InputError(
                "--seed and --noise apply to --data digits only: "
                "the CIFAR-10 labels and pred_probs are fixed (as published)."
            )
        run_cifar10_demo(quiet=args.quiet)
        return 0
    seed = DEMO_SEED if args.seed is None else args.seed
    noise = DEMO_NOISE if args.noise is None else args.noise
    run_demo(seed=seed, noise=noise, quiet=args.quiet)
    return 0


def _run_warmup(args):
    from ._cli.warmup import warmup

    if not args.quiet:
        print(
            f"cleannb warmup: compiling the kernels for {', '.join(args.dtypes)} "
            "(slow only the first time)...",
            file=sys.stderr,
            flush=True,
        )
    summary = warmup(
        dtypes=args.dtypes,
        parallel=not args.serial_only,
        readonly=args.readonly,
        noise_generation=args.noise_generation,
    )
    print("\n".join(summary.lines()))
    return 0


def _n_jobs(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _positive(text):
    value = _n_jobs(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def build_parser():
    """The argument parser of the ``cleannb`` command."""
    parser = argparse.ArgumentParser(
        prog="cleannb",
        description="Find label errors with confident learning (Numba kernels).",
    )
    parser.add_argument("--version", action="version", version=f"cleannb {__version__}")
    quiet_help = "no progress bars on stderr"
    parser.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
    # Also accepted after the subcommand; SUPPRESS keeps the global value.
    local = argparse.ArgumentParser(add_help=False)
    local.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=quiet_help
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    find = commands.add_parser(
        "find-issues",
        parents=[local],
        help="find label issues in your files",
        description="Find label issues given labels and out-of-sample predicted probabilities.",
    )
    find.add_argument(
        "--labels",
        required=True,
        metavar="FILE",
        help="given labels 0..K-1: .npy, .csv (one column) or .txt",
    )
    find.add_argument(
        "--pred-probs",
        required=True,
        metavar="FILE",
        help="out-of-sample predicted probabilities (N, K): .npy (memory-mapped) or .zarr "
        "(both read in ranges of rows), .npz or .csv",
    )
    find.add_argument(
        "--filter-by",
        choices=FILTERS,
        default="prune_by_noise_rate",
        metavar="METHOD",
        help="how issues are selected: %(choices)s (default: %(default)s)",
    )
    find.add_argument(
        "--rank-by",
        choices=RANKINGS,
        default="self_confidence",
        metavar="SCORE",
        help="order and quality score of the issues: %(choices)s (default: %(default)s)",
    )
    find.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=None,
        metavar="N",
        help="threads: N, or -1 for all cores (default: all)",
    )
    find.add_argument(
        "--batch-size",
        type=_positive,
        default=None,
        metavar="ROWS",
        help="rows of a .npy or .zarr read at a time (default: about 512 MB of a .npy, 64 MB "
        "of a .zarr); "
        "the result does not depend on it",
    )
    find.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the issues to FILE (.csv or .json); default: a table on stdout",
    )
    find.set_defaults(run=_run_find_issues)

    demo = commands.add_parser(
        "demo",
        parents=[local],
        help="the whole job on built-in data (no download)",
        description="Find label errors in built-in data and score them against the true "
        "labels: synthetic errors in scikit-learn's bundled digits images (default), or the "
        "real 40 % noisy CIFAR-10 labels and ResNet-50 pred_probs of the confident-learning "
        "paper (--data cifar10, bundled with cleannb).",
    )
    demo.add_argument(
        "--data",
        choices=DEMO_DATA,
        default=DEMO_DATA[0],
        help="which data: %(choices)s (default: %(default)s)",
    )
    demo.add_argument("--seed", type=int, help=f"random seed, digits only (default: {DEMO_SEED})")
    demo.add_argument(
        "--noise",
        type=float,
        help=f"fraction of labels to flip, digits only (default: {DEMO_NOISE})",
    )
    demo.set_defaults(run=_run_demo)

    from ._cli.warmup import DEFAULT_DTYPES, DTYPES

    warm = commands.add_parser(
        "warmup",
        parents=[local],
        help="compile and cache the kernels ahead of time (container images, CI)",
        description="Compile the Numba kernels that a typical run needs and cache them on "
        "disk, so that later processes load them instead of compiling them.",
    )
    warm.add_argument(
        "--dtypes",
        nargs="+",
        choices=DTYPES,
        default=list(DEFAULT_DTYPES),
        metavar="DTYPE",
        help="dtypes of pred_probs to warm: %(choices)s (default: float32 float64)",
    )
    warm.add_argument(
        "--readonly",
        action="store_true",
        help="also warm the kernels for read-only arrays (e.g. np.load(..., mmap_mode='r'))",
    )
    warm.add_argument(
        "--noise-generation",
        action="store_true",
        help="also warm cleannb.noise_generation",
    )
    warm.add_argument(
        "--serial-only",
        action="store_true",
        help="skip the parallel twins (used for inputs of 1 MiB or more on several threads)",
    )
    warm.set_defaults(run=_run_warmup)
    return parser


def _one_line(error):
    text = " ".join(str(error).split())
    return text or type(error).__name__


def main(argv=None):
    """Run the ``cleannb`` command; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on bad input (with a one-line message on stderr).
    """
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (InputError, ValueError, TypeError, OSError) as error:
        print(f"cleannb {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("cleannb: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
