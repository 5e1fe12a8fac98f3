"""Matrix pictures: noise matrices and joints as heatmaps, and the polyplex."""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib import colors as mcolors

from ..polyplex import joint_bounds
from ._base import (
    _axes,
    _cell_format,
    _check_fig,
    _matrix,
    _names,
    _new_figure,
)


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
