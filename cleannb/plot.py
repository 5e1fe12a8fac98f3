"""Figures for confident learning (optional: needs matplotlib).

Six plots, each returning a :class:`matplotlib.figure.Figure`:

- :func:`plot_noise_matrix`: an annotated heatmap of a K x K matrix (noise
  matrix P(given|true), inverse noise matrix, or a confident joint of counts);
- :func:`plot_noise_matrices`: a true and an estimated matrix side by side on
  one colour scale, with their RMSE;
- :func:`plot_label_issues`: a grid of the images most likely mislabelled;
- :func:`plot_issues_scatter`: 2-D data coloured by given label, found issues
  circled and (optionally) the true errors marked;
- :func:`plot_polyplex`: the range of trace(P(s, y)) over trace(P(s|y))
  (:mod:`cleannb.polyplex`);
- :func:`plot_decision_boundary`: the regions a fitted 2-D classifier
  predicts, with the data and the found issues.

Install with ``pip install "cleannb[plot]"``; ``import cleannb`` and every
other module work without matplotlib. Classes keep one colour across all
plots (tab10 for K <= 10, tab20 for K <= 20, viridis beyond). Every function
draws into ``ax=`` (or ``fig=``) when given one and then returns that
Axes' figure; ``class_names=None`` names the classes "0", "1", ... No
function modifies its input arrays.

Scatter layers carry a ``gid`` so that they can be found again:
``"issues"`` (hollow black circles around the found issues), ``"true_errors"``
(red crosses), ``"points"`` (the points of :func:`plot_polyplex`) and
``"polyplex"`` (its shaded polygon), e.g.
``[c for c in ax.collections if c.get_gid() == "issues"][0].get_offsets()``.

Display. Figures are made with :class:`matplotlib.figure.Figure`, without
pyplot: nothing is registered with pyplot, no figure leaks, and no backend
is selected (saving works headless: ``fig.savefig("issues.png")``). The one
exception is an IPython kernel whose backend is Jupyter's default inline
one: there a pure ``Figure`` would display as text only (``<Figure size
...>``) unless ``%matplotlib inline`` had run, so the figure is created with
``pyplot.figure`` and closed at once. A returned figure then shows once, as
an image, when it is a cell's last expression (``fig`` or the call itself);
``fig = plot_...(...)`` alone shows nothing. When you pass ``ax=`` from your
own ``pyplot.subplots`` the inline backend shows that figure at the end of
the cell anyway: end the cell with ``;`` to avoid seeing it twice.
"""

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

from .polyplex import joint_bounds

__all__ = [
    "plot_decision_boundary",
    "plot_issues_scatter",
    "plot_label_issues",
    "plot_noise_matrices",
    "plot_noise_matrix",
    "plot_polyplex",
]


# ----------------------------------------------------------------- helpers


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


def plot_noise_matrix(
    matrix,
    *,
    class_names=None,
    ax=None,
    title=None,
    row_label="given label",
    col_label="true label",
    fmt=".2f",
    cmap="Blues",
    vmin=0.0,
    vmax=None,
    colorbar=False,
):
    """Annotated heatmap of a K x K matrix.

    Parameters
    ----------
    matrix : array_like, shape (K, K)
        A noise matrix P(given | true) (rows: given label, columns: true
        label), an inverse noise matrix, or a confident joint of counts.
    class_names : sequence of str, optional
        Tick labels, one per class; default "0", "1", ...
    ax : matplotlib.axes.Axes, optional
        Draw here instead of in a new figure.
    title, row_label, col_label : str, optional
        Axes title and the y (row) and x (column) axis labels.
    fmt : str or None, default ".2f"
        Format of the cell annotations. An integer matrix with the default
        (or None) is annotated with whole numbers ("d"); None on a float
        matrix picks ".0f" when every value is whole, else ".2f".
    cmap : str or Colormap, default "Blues"
    vmin, vmax : float or None
        Colour scale limits; ``vmax=None`` is the matrix maximum, ``vmin=None``
        its minimum. Annotations turn white on dark cells.
    colorbar : bool, default False
        Add a colour bar (one more axes in the figure).

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or ``ax.figure``.

    Examples
    --------
    >>> import numpy as np
    >>> fig = plot_noise_matrix(np.array([[0.9, 0.2], [0.1, 0.8]]), class_names=["cat", "dog"])
    >>> len(fig.axes), [t.get_text() for t in fig.axes[0].texts]
    (1, ['0.90', '0.20', '0.10', '0.80'])
    >>> [t.get_text() for t in plot_noise_matrix(np.array([[5, 1], [0, 7]])).axes[0].texts]
    ['5', '1', '0', '7']
    """
    array = _matrix(matrix, "matrix")
    k = array.shape[0]
    names = _names(class_names, k)
    ax = _axes(ax, (max(3.0, 0.55 * k + 1.8), max(2.6, 0.5 * k + 1.4)))
    low = float(array.min()) if vmin is None else float(vmin)
    high = float(array.max()) if vmax is None else float(vmax)
    norm = mcolors.Normalize(low, max(high, low))
    colormap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    image = ax.imshow(array, cmap=colormap, norm=norm, interpolation="nearest", aspect="equal")
    cell_format = _cell_format(array, fmt)
    size = max(5.0, min(10.0, 80.0 / k))  # 8 pt at K = 10, on cells of 0.55 inch
    for (i, j), value in np.ndenumerate(array):
        r, g, b, _ = colormap(norm(value))
        dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
        text = format(int(value) if cell_format == "d" else value, cell_format)
        ax.text(
            j, i, text, ha="center", va="center", fontsize=size, color="white" if dark else "black"
        )
    if max(map(len, names)) > 3:
        ax.set_xticks(range(k), names, rotation=45, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel(col_label)
    ax.set_ylabel(row_label)
    if title is not None:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax)
    return ax.figure


def plot_noise_matrices(
    true_matrix,
    estimated_matrix,
    *,
    class_names=None,
    titles=("true", "estimated"),
    fig=None,
    show_rmse=True,
    **heatmap_kwargs,
):
    """Two K x K matrices side by side on one colour scale.

    Parameters
    ----------
    true_matrix, estimated_matrix : array_like, shape (K, K)
    class_names : sequence of str, optional
    titles : pair of str, default ("true", "estimated")
        The two axes titles.
    fig : matplotlib.figure.Figure, optional
        An empty figure (or SubFigure) to draw into.
    show_rmse : bool, default True
        Add the suptitle ``"RMSE 0.0123"``: the root mean squared difference.
    **heatmap_kwargs
        Passed to :func:`plot_noise_matrix` (``fmt``, ``cmap``, ``vmin``,
        ``vmax``, ``row_label``, ``col_label``, ``colorbar``); ``vmin``
        defaults to 0 and ``vmax`` to the larger maximum of the two.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes (the new figure, or ``fig``).

    Examples
    --------
    >>> import numpy as np
    >>> fig = plot_noise_matrices(np.eye(2), np.array([[0.9, 0.0], [0.1, 1.0]]))
    >>> len(fig.axes), fig.get_suptitle()
    (2, 'RMSE 0.0707')
    """
    true = _matrix(true_matrix, "true_matrix")
    estimated = _matrix(estimated_matrix, "estimated_matrix")
    if true.shape != estimated.shape:
        raise ValueError(
            f"true_matrix has shape {true.shape} but estimated_matrix has shape "
            f"{estimated.shape}; pass two matrices over the same K classes."
        )
    for key in ("ax", "title"):
        if key in heatmap_kwargs:
            raise TypeError(f"plot_noise_matrices takes no {key!r}; use fig= and titles=.")
    if isinstance(titles, str) or len(titles) != 2:
        raise ValueError(f"titles must be a pair of strings, got {titles!r}.")
    k = true.shape[0]
    heatmap_kwargs.setdefault("vmin", 0.0)
    if heatmap_kwargs.get("vmax") is None:
        heatmap_kwargs["vmax"] = max(float(true.max()), float(estimated.max()))
    fig = _check_fig(fig)
    if fig is None:
        size = max(2.6, 0.5 * k + 1.4)
        fig = _new_figure((2 * max(3.0, 0.55 * k + 1.8), size + 0.4))
    left, right = fig.subplots(1, 2)
    plot_noise_matrix(true, class_names=class_names, ax=left, title=titles[0], **heatmap_kwargs)
    plot_noise_matrix(
        estimated, class_names=class_names, ax=right, title=titles[1], **heatmap_kwargs
    )
    if show_rmse:
        diff = true.astype(np.float64) - estimated.astype(np.float64)
        fig.suptitle(f"RMSE {np.sqrt(np.mean(diff**2)):.4f}")
    return fig


# ------------------------------------------------------------- image grid


def _image_grid_shape(images, image_shape):
    array = np.asarray(images)
    if image_shape is not None:
        shape = tuple(int(s) for s in image_shape)
        if array.ndim < 2 or int(np.prod(shape)) != int(np.prod(array.shape[1:])):
            raise ValueError(
                f"image_shape {shape} does not fit images of shape {array.shape}; "
                "its product must equal the number of values per image."
            )
        return array, shape
    if array.ndim == 2:
        side = int(round(np.sqrt(array.shape[1])))
        if side * side != array.shape[1]:
            raise ValueError(
                f"images has shape {array.shape} (flat rows that are not square); "
                "pass image_shape=(H, W) with H * W == D."
            )
        return array, (side, side)
    if array.ndim == 3 or (array.ndim == 4 and array.shape[3] in (1, 3, 4)):
        return array, array.shape[1:]
    raise ValueError(
        f"images must have shape (N, H, W), (N, H, W, C) with C in 1, 3, 4, or (N, D) "
        f"with image_shape, got {array.shape}."
    )


def plot_label_issues(
    images,
    labels,
    pred_probs,
    issues,
    *,
    class_names=None,
    max_images=24,
    ncols=8,
    image_shape=None,
    cmap="gray",
    fig=None,
):
    """Grid of the examples most likely mislabelled.

    Parameters
    ----------
    images : array_like, shape (N, H, W), (N, H, W, C) or (N, D)
        Flat rows need ``image_shape`` unless D is a perfect square.
    labels : array_like of int, shape (N,)
        The given labels.
    pred_probs : array_like, shape (N, K)
        Out-of-sample predicted probabilities.
    issues : array_like
        Row indices already ranked (shown in this order), or a boolean mask
        (shown by self-confidence ``pred_probs[i, labels[i]]`` ascending,
        ties by index).
    class_names : sequence of str, optional
    max_images : int, default 24
        Show at most this many.
    ncols : int, default 8
        Images per row of the grid.
    image_shape : tuple of int, optional
        Shape of one image, e.g. ``(8, 8)``.
    cmap : str, default "gray"
        For single-channel images.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw into.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per image shown, titled ``"given: <name>\\npred: <name>\\nconf:
        0.03"`` (the argmax of ``pred_probs`` and the self-confidence); one
        axes titled "no label issues" when there are none.

    Examples
    --------
    >>> import numpy as np
    >>> images = np.zeros((3, 4, 4))
    >>> probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])
    >>> fig = plot_label_issues(images, [0, 0, 1], probs, [False, True, True])
    >>> [ax.get_title() for ax in fig.axes]
    ['given: 0\\npred: 1\\nconf: 0.20', 'given: 1\\npred: 0\\nconf: 0.30']
    """
    probs = np.asarray(pred_probs)
    if probs.ndim != 2 or probs.shape[1] < 1 or probs.dtype.kind not in "iuf":
        raise ValueError(f"pred_probs must be a numeric (N, K) array, got shape {probs.shape}.")
    n, k = probs.shape
    images, shape = _image_grid_shape(images, image_shape)
    if images.shape[0] != n:
        raise ValueError(
            f"images has {images.shape[0]} rows but pred_probs has {n}; pass one image per row."
        )
    given = _labels(labels, n)
    if given.size and given.max() >= k:
        raise ValueError(f"labels hold class {given.max()} but pred_probs has K = {k} columns.")
    names = _names(class_names, k)
    order, from_mask = _indices(issues, n)
    max_images, ncols = _count(max_images, "max_images"), _count(ncols, "ncols")
    if from_mask:  # flatnonzero is ascending, so a stable sort breaks ties by index
        order = order[np.argsort(probs[order, given[order]], kind="stable")]
    order = order[:max_images]
    cols = max(1, min(ncols, order.size))
    rows = max(1, -(-order.size // cols))
    fig = _check_fig(fig)
    if fig is None:
        fig = _new_figure((1.35 * cols + 0.3, 1.85 * rows + 0.2))
    if order.size == 0:
        ax = fig.add_subplot()
        ax.set_title("no label issues")
        ax.set_axis_off()
        return fig
    for slot, i in enumerate(order):
        ax = fig.add_subplot(rows, cols, slot + 1)
        image = images[i].reshape(shape)
        if image.ndim == 3 and image.shape[2] == 1:
            image = image[:, :, 0]
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None, interpolation="nearest")
        label, guess = int(given[i]), int(np.argmax(probs[i]))
        title = f"given: {names[label]}\npred: {names[guess]}\nconf: {probs[i, label]:.2f}"
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    if fig.get_layout_engine() is None:  # a figure of the caller's without a layout
        fig.subplots_adjust(hspace=0.9, wspace=0.15, top=0.85 if rows == 1 else 0.92)
    return fig


# ---------------------------------------------------------------- scatter


def _classes(class_names, num_seen, what):
    """K, names and colours: ``len(class_names)`` classes, else ``num_seen``."""
    num_classes = num_seen if class_names is None else len(_names(class_names, None))
    if num_seen > num_classes:
        raise ValueError(
            f"{what} class {num_seen - 1} but class_names has only {num_classes} names; "
            "pass one name per class."
        )
    num_classes = max(num_classes, 1)
    return _names(class_names, num_classes), _class_colors(num_classes)


def plot_issues_scatter(
    X, labels, issues, *, true_errors=None, ax=None, class_names=None, title=None, legend=True
):
    """Scatter of 2-D data by given label, with the found issues circled.

    Parameters
    ----------
    X : array_like, shape (N, 2)
        Two features (project higher-dimensional data first, e.g. with PCA).
    labels : array_like of int, shape (N,)
        The given labels (colours, with a legend of classes).
    issues : array_like
        Indices or a boolean mask: circled in black (one collection,
        ``gid="issues"``, legend "found issues").
    true_errors : array_like, optional
        Indices or a boolean mask of the actual errors, marked with small red
        crosses (``gid="true_errors"``, legend "true errors").
    ax : matplotlib.axes.Axes, optional
    class_names : sequence of str, optional
        One per class; K is ``len(class_names)``, else ``max(labels) + 1``.
    title : str, optional
    legend : bool, default True
        Draw a legend of the classes and layers (layers without points are left out).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    >>> fig = plot_issues_scatter(X, [0, 1, 1], [2], true_errors=[False, False, True])
    >>> [c.get_offsets().tolist() for c in fig.axes[0].collections if c.get_gid() == "issues"]
    [[[0.0, 1.0]]]
    """
    X = _xy(X)
    labels = _labels(labels, X.shape[0])
    names, colors = _classes(class_names, int(labels.max(initial=-1)) + 1, "labels hold")
    found, _ = _indices(issues, X.shape[0])
    truth = None if true_errors is None else _indices(true_errors, X.shape[0], "true_errors")[0]
    ax = _axes(ax, (5.5, 4.5))
    _scatter_classes(ax, X, labels, names, colors)
    _circle(ax, X, found, truth)
    if legend:
        ax.legend(fontsize="small", loc="best")
    if title is not None:
        ax.set_title(title)
    return ax.figure


# --------------------------------------------------------------- polyplex


def _traces(values, name):
    array = np.atleast_1d(np.asarray(values, dtype=float)).ravel()
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers.")
    return array


def plot_polyplex(py, *, ax=None, title=None, noise_matrix_trace=None, joint_trace=None):
    """The polyplex: the possible trace(P(s, y)) at each trace(P(s|y)).

    Parameters
    ----------
    py : array_like, shape (K,)
        The prior p(y); must sum to 1.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    noise_matrix_trace, joint_trace : float or array_like, optional
        Points to mark (``gid="points"``), e.g. the traces of actual noise
        matrices and of their joints; give both, of equal length, or neither.

    Returns
    -------
    matplotlib.figure.Figure
        The region between the least and greatest trace(P(s, y)) of
        :func:`cleannb.polyplex.joint_bounds` is one shaded polygon
        (``gid="polyplex"``) over x = 0..K, drawn with its two boundary lines.

    Examples
    --------
    >>> fig = plot_polyplex([0.2, 0.3, 0.5], noise_matrix_trace=2.0, joint_trace=0.6)
    >>> ax = fig.axes[0]
    >>> ax.get_xlabel(), ax.get_ylabel(), [float(x) for x in ax.get_xlim()]
    ('trace of P(s|y)', 'trace of P(s, y)', [0.0, 3.0])
    """
    x, low, high = joint_bounds(py)
    k = x.size - 1
    if (noise_matrix_trace is None) != (joint_trace is None):
        raise ValueError("give both noise_matrix_trace and joint_trace, or neither.")
    ax = _axes(ax, (5.0, 4.0))
    ax.fill(
        np.r_[x, x[::-1]],
        np.r_[low, high[::-1]],
        color="tab:blue",
        alpha=0.2,
        label="possible trace(P(s, y))",
        gid="polyplex",
    )
    ax.plot(x, low, color="tab:blue", marker=".", label="least trace(P(s, y))")
    ax.plot(x, high, color="tab:orange", marker=".", label="greatest trace(P(s, y))")
    if noise_matrix_trace is not None:
        traces = _traces(noise_matrix_trace, "noise_matrix_trace")
        joints = _traces(joint_trace, "joint_trace")
        if traces.size != joints.size:
            raise ValueError(
                f"noise_matrix_trace has {traces.size} values but joint_trace has "
                f"{joints.size}; pass one joint trace per noise-matrix trace."
            )
        ax.scatter(traces, joints, s=18, color="black", zorder=3, label="observed", gid="points")
    ax.set_xlim(0, k)
    ax.set_ylim(-0.02, 1.02)
    if k <= 20:
        ax.set_xticks(range(k + 1))
    ax.set_xlabel("trace of P(s|y)")
    ax.set_ylabel("trace of P(s, y)")
    ax.legend(fontsize="small", loc="upper left")
    if title is not None:
        ax.set_title(title)
    return ax.figure


# ------------------------------------------------------- decision boundary


def _class_codes(predicted, estimator):
    predicted = np.asarray(predicted).ravel()
    if predicted.dtype.kind in "iub":
        codes = predicted.astype(np.int64)
    else:
        classes = list(getattr(estimator, "classes_", []))
        lookup = {c: i for i, c in enumerate(classes)}
        if not classes or not set(np.unique(predicted).tolist()) <= set(lookup):
            raise ValueError(
                "estimator.predict returned non-integer classes and estimator has no "
                "classes_ listing them; fit it on integer labels 0..K-1."
            )
        codes = np.array([lookup[p] for p in predicted], dtype=np.int64)
    if codes.size and codes.min() < 0:
        raise ValueError("estimator.predict returned negative classes; use labels 0..K-1.")
    return codes


def plot_decision_boundary(
    estimator,
    X,
    *,
    labels=None,
    issues=None,
    ax=None,
    resolution=200,
    title=None,
    class_names=None,
    legend=True,
):
    """Regions a fitted 2-D classifier predicts, with the data and the issues.

    Parameters
    ----------
    estimator : fitted classifier
        Anything with ``predict`` (e.g. a scikit-learn estimator) fitted on
        two features. Integer predictions are class indices; other classes
        are numbered by their position in ``estimator.classes_``.
    X : array_like, shape (N, 2)
        The grid spans X with a 10 % margin on each side.
    labels : array_like of int, shape (N,), optional
        Colour the points by these labels (else grey).
    issues : array_like, optional
        Indices or a boolean mask, circled (``gid="issues"``).
    ax : matplotlib.axes.Axes, optional
    resolution : int, default 200
        Grid points per axis (``resolution ** 2`` predictions).
    title : str, optional
    class_names : sequence of str, optional
    legend : bool, default True
        Draw a legend of the classes and the circled issues.

    Returns
    -------
    matplotlib.figure.Figure
        The filled contour is a ``ContourSet`` with ``gid="decision_boundary"``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [2.0, 0.0], [2.0, 1.0]])
    >>> model = KNeighborsClassifier(n_neighbors=1).fit(X, [0, 0, 1, 1])
    >>> fig = plot_decision_boundary(model, X, labels=[0, 0, 1, 1], issues=[3], resolution=20)
    >>> [c.get_gid() for c in fig.axes[0].collections][0]
    'decision_boundary'
    """
    if not callable(getattr(estimator, "predict", None)):
        raise TypeError(f"estimator must be a fitted classifier with predict, got {estimator!r}.")
    X = _xy(X)
    resolution = _count(resolution, "resolution", low=2)
    labels = None if labels is None else _labels(labels, X.shape[0])
    found = None if issues is None else _indices(issues, X.shape[0])[0]
    low, high = X.min(axis=0).astype(float), X.max(axis=0).astype(float)
    margin = np.where(high > low, 0.1 * (high - low), 1.0)
    xs = np.linspace(low[0] - margin[0], high[0] + margin[0], resolution)
    ys = np.linspace(low[1] - margin[1], high[1] + margin[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    codes = _class_codes(estimator.predict(np.c_[grid_x.ravel(), grid_y.ravel()]), estimator)
    seen = max(int(codes.max()), -1 if labels is None else int(labels.max(initial=-1))) + 1
    names, colors = _classes(class_names, seen, "estimator.predict or labels give")
    ax = _axes(ax, (5.5, 4.5))
    levels = np.arange(len(names) + 1) - 0.5
    regions = codes.reshape(grid_x.shape)
    contour = ax.contourf(
        grid_x, grid_y, regions, levels=levels, cmap=mcolors.ListedColormap(colors), alpha=0.25
    )
    if hasattr(contour, "set_gid"):  # a ContourSet is an Artist from matplotlib 3.8
        contour.set_gid("decision_boundary")
    if labels is not None:
        _scatter_classes(ax, X, labels, names, colors)
    else:
        ax.scatter(X[:, 0], X[:, 1], s=14, color="0.3", alpha=0.8)
    if found is not None:
        _circle(ax, X, found)
    if legend and (labels is not None or found is not None):
        ax.legend(fontsize="small", loc="best")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    if title is not None:
        ax.set_title(title)
    return ax.figure
