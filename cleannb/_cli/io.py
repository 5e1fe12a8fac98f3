"""File input and output, and progress bars, for the ``cleannb`` command line.

Readers turn a path into an array and raise :class:`InputError` (a one-line
message, exit status 2) for anything the user must fix: a missing file, an
unknown extension, an unreadable or ragged table. Value checks (labels out of
range, NaN in ``pred_probs``, mismatched lengths) are left to the library
functions, which run them during their first pass over the data.

``.npy`` files are memory-mapped copy-on-write, a range of rows at a time
(:class:`MappedRows`), so a 5 GB ``pred_probs`` is read from the page cache
by the kernels and never copied into process memory (nothing writes to it,
and a write would change memory, not the file), and a file larger than the
memory the kernel lets a process commit can still be mapped. Each map is
writable as far as numpy knows, so the kernels compiled (and cached) for
ordinary arrays serve it: a read-only array would need a second set.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .._core.rows import RowSource

LABEL_SUFFIXES = (".npy", ".csv", ".txt")
PRED_PROBS_SUFFIXES = (".npy", ".zarr", ".npz", ".csv")
#: ``.zarr`` inputs are read in ranges of about this many bytes (each range is
#: decoded into memory).
RANGE_BYTES = 64 << 20
#: ``.npy`` inputs are read in ranges of about this many bytes: a range of a
#: memory map is a view of the file's pages (file-backed, not anonymous
#: memory), so larger ranges cost no memory, and fewer ranges cut the per-range
#: work of the selection (which is proportional to the number of cells).
MAPPED_RANGE_BYTES = 512 << 20
OUTPUT_SUFFIXES = (".csv", ".json")
#: Column names tried, in order, when a labels CSV has several columns.
LABEL_COLUMNS = ("label", "labels", "given_label", "noisy_label", "y", "s")
#: Array names tried, in order, in a pred_probs ``.npz`` with several arrays.
PRED_PROBS_KEYS = ("pred_probs", "psx", "probs", "probabilities")
#: Columns of the issues table, in order.
ISSUE_COLUMNS = ("index", "label_quality", "given_label", "predicted_label")


class InputError(Exception):
    """Bad command-line input; the message is shown as it is, on one line."""


def _existing_file(path, flag, suffixes):
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise InputError(
            f"{flag} {path}: unsupported extension {suffix or '(none)'!r}; "
            f"use one of {', '.join(suffixes)}."
        )
    if not path.exists():
        raise InputError(f"{flag} {path}: no such file.")
    if suffix == ".zarr":
        if not path.is_dir():
            raise InputError(f"{flag} {path}: a .zarr array is a folder; this is not one.")
    elif not path.is_file():
        raise InputError(f"{flag} {path}: not a regular file.")
    return path, suffix


def _load_npy(path, flag):
    try:
        array = np.load(path, mmap_mode="c", allow_pickle=False)
    except (ValueError, OSError) as error:
        raise InputError(f"{flag} {path}: not a readable numeric .npy file ({error}).") from None
    # A plain ndarray view of the copy-on-write map (no copy), so that every
    # library function sees an ordinary array.
    return np.asarray(array)


class MappedRows:
    """The rows of a C-ordered 2-D ``.npy`` file, each range mapped copy-on-write on its own.

    A copy-on-write map is private writable memory, which the kernel may
    refuse to commit for a whole file larger than the machine's memory; a
    range at a time it commits only the range. Each range is an ordinary
    writable array (so the ordinary kernels serve it) whose writes never
    reach the file.
    """

    def __init__(self, path, shape, dtype, offset):
        self.path, self.shape, self.dtype, self.offset = path, shape, dtype, offset
        self.ndim = 2

    def read(self, start, stop):
        """Rows ``start:stop`` as an array mapped from the file (no copy)."""
        if stop <= start:
            return np.zeros((0, self.shape[1]), dtype=self.dtype)
        row_bytes = self.shape[1] * self.dtype.itemsize
        mapped = np.memmap(
            self.path,
            dtype=self.dtype,
            mode="c",
            offset=self.offset + start * row_bytes,
            shape=(stop - start, self.shape[1]),
        )
        return np.asarray(mapped)


def _mapped_npy(path):
    """A :class:`MappedRows` of a C-ordered 2-D numeric ``.npy``, or None for any other file."""
    try:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(handle)
            elif version == (2, 0):
                shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(handle)
            else:
                return None
            offset = handle.tell()
    except (ValueError, OSError):
        return None
    numeric = np.issubdtype(dtype, np.number) and not dtype.hasobject
    if fortran_order or len(shape) != 2 or shape[0] == 0 or not numeric:
        return None
    if os.path.getsize(path) < offset + shape[0] * shape[1] * dtype.itemsize:
        return None  # truncated: the whole-file map reports it
    return MappedRows(str(path), tuple(shape), dtype, offset)


def _open_zarr(path):
    try:
        import zarr
    except ImportError:
        raise InputError(
            f"--pred-probs {path}: reading .zarr needs the zarr package (pip install zarr)."
        ) from None
    try:
        return zarr.open_array(str(path), mode="r")
    except Exception as error:  # zarr raises several kinds for a store that is not an array
        raise InputError(f"--pred-probs {path}: not a readable zarr array ({error}).") from None


def _pass_bars(quiet):
    """A tqdm bar per pass over the rows (rows per second, ETA), or None if ``quiet``."""
    if quiet:
        return None
    from tqdm import tqdm

    def bar(number, total):
        return tqdm(
            total=total,
            file=sys.stderr,
            unit="rows",
            unit_scale=True,
            desc=f"pass {number} over pred_probs",
            leave=False,
            delay=0.5,
        )

    return bar


def _header(path):
    """The header fields of a CSV, or None when its first line is all numbers."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        fields = [f.strip().strip('"') for f in handle.readline().strip().split(",")]
    for field in fields:
        try:
            float(field)
        except ValueError:
            return fields
    return None


def _read_numbers(path, flag, what, *, ndmin, delimiter=",", skiprows=0, usecols=None):
    """Parse numbers with numpy (Python's float(): exact for repr-written values)."""
    try:
        return np.loadtxt(
            path,
            dtype=np.float64,
            delimiter=delimiter,
            skiprows=skiprows,
            usecols=usecols,
            ndmin=ndmin,
            encoding="utf-8",
        )
    except (ValueError, UnicodeDecodeError) as error:
        reason = " ".join(str(error).split())
        raise InputError(f"{flag} {path}: {what} ({reason}).") from None


def read_labels(path):
    """Read one class label per example from ``.npy``, ``.csv`` or ``.txt``.

    A CSV may have a header row; with several columns, the one named as in
    :data:`LABEL_COLUMNS` is used. A ``.txt`` file holds whitespace-separated
    integers (one per line, or several on a line).
    """
    path, suffix = _existing_file(path, "--labels", LABEL_SUFFIXES)
    what = "labels must be integers 0..K-1 (class indices: the columns of pred_probs)"
    if suffix == ".npy":
        labels = _load_npy(path, "--labels")
    elif suffix == ".csv":
        header = _header(path)
        column = None
        if header is not None and len(header) > 1:
            names = [name.lower() for name in header]
            column = next((names.index(n) for n in LABEL_COLUMNS if n in names), None)
            if column is None:
                raise InputError(
                    f"--labels {path}: {len(header)} columns; give a single column, or name the "
                    f"label column one of {', '.join(LABEL_COLUMNS)}."
                )
        labels = _read_numbers(
            path, "--labels", what, ndmin=1, skiprows=int(header is not None), usecols=column
        )
    else:
        labels = _read_numbers(path, "--labels", what, ndmin=1, delimiter=None)
    if labels.ndim == 2 and 1 in labels.shape:
        labels = labels.reshape(-1)
    if labels.ndim != 1:
        raise InputError(
            f"--labels {path}: array of shape {labels.shape}; expected one label per example "
            "(a single column)."
        )
    return labels


def read_pred_probs(path, *, batch_size=None, quiet=True):
    """Read an (N, K) array of predicted probabilities.

    ``.npy`` (memory-mapped copy-on-write by ranges, never copied) and ``.zarr`` are
    returned as a :class:`cleannb._core.rows.RowSource` that the library reads
    in ranges of ``batch_size`` rows (default: about :data:`MAPPED_RANGE_BYTES`
    for ``.npy``, :data:`RANGE_BYTES` for ``.zarr``),
    with a progress bar per pass unless ``quiet``; ``.npz`` uses the array
    named as in :data:`PRED_PROBS_KEYS`, or its only array; ``.csv`` has one
    row per example and one column per class, with an optional header row.
    """
    path, suffix = _existing_file(path, "--pred-probs", PRED_PROBS_SUFFIXES)
    if suffix in (".npy", ".zarr"):
        array = _mapped_npy(path) if suffix == ".npy" else _open_zarr(path)
        if array is None:  # not a C-ordered 2-D numeric array: map it whole (or fail clearly)
            array = _load_npy(path, "--pred-probs")
        if array.ndim != 2:
            raise InputError(
                f"--pred-probs {path}: expected shape (N, K), one row per example, got "
                f"{array.shape}."
            )
        if batch_size is None:
            budget = MAPPED_RANGE_BYTES if suffix == ".npy" else RANGE_BYTES
            batch_size = max(1, budget // max(1, array.shape[1] * array.dtype.itemsize))
        try:
            if isinstance(array, MappedRows):
                return RowSource(
                    array.read,
                    n_rows=array.shape[0],
                    num_classes=array.shape[1],
                    batch_size=batch_size,
                    progress=_pass_bars(quiet),
                )
            return RowSource(array, batch_size=batch_size, progress=_pass_bars(quiet))
        except (TypeError, ValueError) as error:
            raise InputError(f"--pred-probs {path}: {error}") from None
    if suffix == ".npz":
        try:
            with np.load(path, allow_pickle=False) as archive:
                names = archive.files
                key = next((k for k in PRED_PROBS_KEYS if k in names), None)
                if key is None and len(names) == 1:
                    key = names[0]
                if key is None:
                    raise InputError(
                        f"--pred-probs {path}: arrays {names}; name the probabilities one of "
                        f"{', '.join(PRED_PROBS_KEYS)} or store only one array."
                    )
                return archive[key]
        except (ValueError, OSError) as error:
            raise InputError(f"--pred-probs {path}: not a readable .npz file ({error}).") from None
    skip = int(_header(path) is not None)
    what = "every cell must be a number, one column per class, the same count on every row"
    return _read_numbers(path, "--pred-probs", what, ndmin=2, skiprows=skip)


def issue_records(table):
    """The issues table (a dict of equal-length arrays) as a list of row dicts."""
    columns = [table[name].tolist() for name in ISSUE_COLUMNS]
    return [dict(zip(ISSUE_COLUMNS, row, strict=True)) for row in zip(*columns, strict=True)]


def check_output(path):
    """Return ``path`` as a Path if the issues can be written there, else raise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise InputError(
            f"--output {path}: unsupported extension {suffix or '(none)'!r}; "
            f"use one of {', '.join(OUTPUT_SUFFIXES)}."
        )
    if not path.parent.is_dir():
        raise InputError(f"--output {path}: directory {path.parent} does not exist.")
    return path


def write_issues(table, path):
    """Write the issues table to ``path`` as CSV or JSON, chosen by its extension.

    Floats are written with Python's shortest round-trip repr, so reading the
    file back gives exactly the scores that were computed.
    """
    path = check_output(path)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        if path.suffix.lower() == ".json":
            json.dump(issue_records(table), handle, indent=1)
            handle.write("\n")
            return
        # repr of a Python float (from tolist) is its shortest round-trip form.
        columns = [map(repr, table[name].tolist()) for name in ISSUE_COLUMNS]
        handle.write(",".join(ISSUE_COLUMNS) + "\n")
        handle.writelines(",".join(row) + "\n" for row in zip(*columns, strict=True))


def format_table(table):
    """The issues table as aligned text, one row per issue, with a header."""
    records = issue_records(table)
    cells = [list(ISSUE_COLUMNS)]
    cells += [
        [
            str(r["index"]),
            f"{r['label_quality']:.6g}",
            str(r["given_label"]),
            str(r["predicted_label"]),
        ]
        for r in records
    ]
    widths = [max(len(row[j]) for row in cells) for j in range(len(ISSUE_COLUMNS))]
    return "\n".join(
        "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells
    )


@contextmanager
def progress(steps, quiet):
    """A step-by-step tqdm bar on stderr; shown only if the steps take > 0.5 s.

    Yields a function ``advance(description)`` that marks the previous step
    done and names the next one.
    """
    from tqdm import tqdm

    bar = tqdm(total=steps, file=sys.stderr, disable=quiet, delay=0.5, leave=False, unit="step")
    started = []

    def advance(description):
        if started:
            bar.update(1)
        started.append(description)
        bar.set_description(description, refresh=False)

    try:
        yield advance
        if started:
            bar.update(1)
    finally:
        bar.close()
