"""Shared helpers of :mod:`cleannb.plot`: figure creation, colours and input checks."""

from __future__ import annotations

import sys
from numbers import Integral

import numpy as np

try:
    import matplotlib
    from matplotlib import colors as mcolors
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, FigureBase
except ImportError as error:  # pragma: no cover - exercised in a subprocess
    raise ImportError('cleannb.plot needs matplotlib: pip install "cleannb[plot]"') from error


def _inline_kernel():
    """True in an IPython shell whose matplotlib backend is the inline one."""
    ipython = sys.modules.get("IPython")
    if ipython is None or getattr(ipython, "get_ipython", lambda: None)() is None:
        return False
    try:
        backend = matplotlib.get_backend(auto_select=False)
    except TypeError:  # matplotlib < 3.10: read without resolving the backend
        backend = dict.__getitem__(matplotlib.rcParams, "backend")
    return isinstance(backend, str) and "inline" in backend


def _new_figure(figsize):
    if _inline_kernel():
        from matplotlib import pyplot

        figure = pyplot.figure(figsize=figsize, layout="constrained")
        pyplot.close(figure)  # displayed as a returned value only, never leaked
        return figure
    return Figure(figsize=figsize, layout="constrained")


def _class_colors(num_classes):
    """One RGBA row per class, the same in every plot of this module."""
    if num_classes <= 10:
        return mcolors.to_rgba_array(matplotlib.colormaps["tab10"].colors[:num_classes])
    if num_classes <= 20:
        return mcolors.to_rgba_array(matplotlib.colormaps["tab20"].colors[:num_classes])
    return matplotlib.colormaps["viridis"](np.linspace(0.0, 1.0, num_classes))


def _check_ax(ax):
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")
    return ax


def _check_fig(fig):
    if fig is not None and not isinstance(fig, FigureBase):
        raise TypeError(f"fig must be a matplotlib Figure or None, got {type(fig).__name__}.")
    return fig


def _axes(ax, figsize):
    if _check_ax(ax) is not None:
        return ax
    return _new_figure(figsize).add_subplot()


def _count(value, name, low=1):
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    return int(value)


def _names(class_names, num_classes):
    if class_names is None:
        return [str(k) for k in range(num_classes)]
    if isinstance(class_names, str | bytes):
        raise TypeError("class_names must be a sequence of names, not one string.")
    names = [str(name) for name in class_names]
    if num_classes is not None and len(names) != num_classes:
        raise ValueError(
            f"class_names has {len(names)} names but there are K = {num_classes} classes; "
            "pass one name per class."
        )
    return names


def _matrix(matrix, name):
    array = np.asarray(matrix)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}.")
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise ValueError(f"{name} must be a square K x K array, got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite values (no NaN or inf).")
    return array


def _labels(labels, n_rows, name="labels"):
    array = np.asarray(labels)
    if array.ndim != 1 or array.shape[0] != n_rows:
        raise ValueError(
            f"{name} must be a 1-D array of length {n_rows} (one per example), "
            f"got shape {array.shape}."
        )
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class indices 0..K-1, got dtype {array.dtype}.")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must hold class indices >= 0, got {array.min()}.")
    return array.astype(np.int64, copy=False)


def _indices(issues, n_rows, name="issues"):
    """``(indices, from_mask)`` for an index array (order kept) or a boolean mask."""
    array = np.asarray(issues)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D index array or boolean mask, got {array.shape}.")
    if array.dtype.kind == "b":
        if array.shape[0] != n_rows:
            raise ValueError(
                f"{name} is a boolean mask of length {array.shape[0]} but there are {n_rows} "
                "examples; pass one flag per example or integer indices."
            )
        return np.flatnonzero(array), True
    if array.size == 0:
        return np.zeros(0, dtype=np.int64), False
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer indices or a boolean mask, got {array.dtype}.")
    if array.min() < 0 or array.max() >= n_rows:
        raise ValueError(
            f"{name} holds indices outside 0..{n_rows - 1}; pass indices of rows of the data."
        )
    return array.astype(np.int64, copy=False), False


def _xy(X):
    array = np.asarray(X)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(
            f"X must have 2 columns (shape (N, 2)), got shape {array.shape}; project it first, "
            "e.g. X2 = sklearn.decomposition.PCA(n_components=2).fit_transform(X)."
        )
    if array.dtype.kind not in "iuf" or not np.all(np.isfinite(array)):
        raise ValueError("X must hold finite numbers.")
    return array


def _scatter_classes(ax, X, labels, names, colors):
    for k, name in enumerate(names):
        rows = labels == k
        if rows.any():
            ax.scatter(X[rows, 0], X[rows, 1], s=14, color=colors[k], alpha=0.8, label=name)


def _circle(ax, X, indices, true_errors=None):
    """Circle the points ``indices``, cross ``true_errors``; empty layers stay out of legends."""
    ax.scatter(
        X[indices, 0],
        X[indices, 1],
        s=90,
        facecolors="none",
        edgecolors="black",
        linewidths=1.2,
        label="found issues" if len(indices) else "_nolegend_",
        gid="issues",
    )
    if true_errors is not None:
        ax.scatter(
            X[true_errors, 0],
            X[true_errors, 1],
            s=22,
            marker="x",
            color="red",
            linewidths=1.0,
            label="true errors" if len(true_errors) else "_nolegend_",
            gid="true_errors",
        )


# ------------------------------------------------------------------ heatmap


def _cell_format(array, fmt):
    if array.dtype.kind in "iu" and fmt in (None, ".2f"):
        return "d"
    if fmt is None:
        return ".0f" if np.all(array == np.round(array)) else ".2f"
    return fmt
