"""Execute the tutorial notebooks in a fresh Jupyter kernel and save their outputs in place.

Usage::

    python notebooks/run_notebooks.py                      # every notebooks/*.ipynb
    python notebooks/run_notebooks.py polyplex digits_label_errors.ipynb

Each notebook runs top to bottom in a new ``python3`` kernel whose working
directory is ``notebooks/`` (figures land in ``notebooks/figures/``), with a
timeout per cell. The executed notebook is written back with its outputs and
execution counts but without the volatile metadata (execution timestamps),
so that running it again gives a small diff. A notebook whose cell fails is
not written; the script prints the error, goes on with the others and exits
with status 1. Each notebook's wall time is printed.

``tests/test_notebooks.py`` imports :func:`execute` from here.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

NOTEBOOK_DIR = Path(__file__).resolve().parent
KERNEL_NAME = "python3"
#: Seconds a single cell may run (the first run compiles the Numba kernels).
CELL_TIMEOUT = 600
#: Cell metadata that changes on every run.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled")


def execute(path, cwd=None, timeout=CELL_TIMEOUT, *, total_timeout=None, notebook=None):
    """Run a notebook top to bottom in a fresh kernel and return it with its outputs.

    Parameters
    ----------
    path : str or Path
        The ``.ipynb`` file (read unless ``notebook`` is given).
    cwd : str or Path, optional
        Working directory of the kernel; default the notebook's directory.
    timeout : float
        Seconds any one cell may run.
    total_timeout : float, optional
        Seconds the whole notebook may run: each cell gets what is left of
        this budget (or ``timeout``, if less).
    notebook : nbformat.NotebookNode, optional
        Run this (e.g. a modified copy) instead of the file's contents.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, volatile metadata stripped (not written).

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        When a cell raises; the message holds the cell's traceback.
    nbclient.exceptions.CellTimeoutError, nbclient.exceptions.DeadKernelError
        When a cell runs out of time or the kernel dies.
    """
    path = Path(path)
    if notebook is None:
        notebook = nbformat.read(path, as_version=4)
    cwd = Path(cwd) if cwd is not None else path.resolve().parent
    deadline = None if total_timeout is None else time.monotonic() + total_timeout

    def cell_timeout(cell):
        if deadline is None:
            return timeout
        return max(1, int(min(timeout, deadline - time.monotonic())))

    client = NotebookClient(
        notebook,
        timeout=timeout,
        timeout_func=cell_timeout,
        kernel_name=KERNEL_NAME,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return strip_volatile(notebook)


def strip_volatile(notebook):
    """Remove timestamps and other per-run metadata, in place; return the notebook."""
    for cell in notebook.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    notebook.metadata.pop("widgets", None)
    notebook.metadata.setdefault("kernelspec", {})
    notebook.metadata["kernelspec"].update(
        {"name": KERNEL_NAME, "display_name": "Python 3", "language": "python"}
    )
    return notebook


def notebook_paths(names):
    """The notebooks named (with or without ``.ipynb``), or all of ``notebooks/``."""
    if not names:
        return sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    paths = []
    for name in names:
        candidate = Path(name)
        if candidate.suffix != ".ipynb":
            candidate = candidate.with_suffix(".ipynb")
        if not candidate.exists():
            candidate = NOTEBOOK_DIR / candidate.name
        if not candidate.exists():
            raise SystemExit(f"no notebook {name!r} in {NOTEBOOK_DIR}")
        paths.append(candidate)
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks to run (default: all)")
    parser.add_argument(
        "--timeout", type=float, default=CELL_TIMEOUT, help="seconds per cell (default %(default)s)"
    )
    args = parser.parse_args(argv)
    failed = []
    for path in notebook_paths(args.names):
        start = time.perf_counter()
        try:
            notebook = execute(path, cwd=path.parent, timeout=args.timeout)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
            failed.append(path.name)
            print(f"FAILED {path.name} after {time.perf_counter() - start:.1f} s\n{error}")
            continue
        nbformat.validate(notebook)
        nbformat.write(notebook, path)
        print(f"{path.name}: {time.perf_counter() - start:.1f} s")
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
