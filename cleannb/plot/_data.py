"""Pictures of the data: mislabelled images, 2-D scatters with the issues, decision boundaries."""

from __future__ import annotations

import numpy as np
from matplotlib import colors as mcolors

from ._base import (
    _axes,
    _check_fig,
    _circle,
    _class_colors,
    _count,
    _indices,
    _labels,
    _names,
    _new_figure,
    _scatter_classes,
    _xy,
)


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
