"""Summaries and pictures of the label issues of a semantic segmentation dataset.

cleanlab 2.9's ``cleanlab.segmentation.summary`` under the same names and
signatures. Everything is counted with numpy over the issue pixels (no
Python loop over pixels); ``pred_probs`` is read in batches of images, and
only where the issues are. ``display_issues`` needs matplotlib (the ``plot``
extra), imported when it is called.
"""

from __future__ import annotations

import numpy as np

from .._core import pixels as _pixels

__all__ = ["display_issues", "common_label_issues", "filter_by_class"]

#: cleanlab's defaults: issues shown or listed, when ``top`` is None.
DEFAULT_TOP = 20
#: Images per read when predictions are looked up at issue pixels.
IMAGES_PER_READ = 64
#: Brightness steps of the class colours (:func:`class_colors`).
SHADES = 7


def _summary_options(class_names, exclude, top):
    return (
        class_names,
        [] if exclude is None else list(exclude),
        DEFAULT_TOP if top is None else top,
    )


def predicted_at(pred_probs, images, rows, cols):
    """The argmax class of ``pred_probs`` at the given pixels (image indices ascending)."""
    predicted = np.empty(len(images), dtype=np.int64)
    num_images = int(pred_probs.shape[0])
    starts = np.arange(0, num_images, IMAGES_PER_READ)
    bounds = np.searchsorted(images, np.append(starts, num_images))
    for start, lo, hi in zip(starts.tolist(), bounds[:-1], bounds[1:], strict=True):
        if lo == hi:
            continue
        stop = min(start + IMAGES_PER_READ, num_images)
        probs = _pixels.read_images(pred_probs, start, stop)
        at = probs[images[lo:hi] - start, :, rows[lo:hi], cols[lo:hi]]
        predicted[lo:hi] = np.argmax(at, axis=1)
    return predicted


def common_label_issues(
    issues,
    labels,
    pred_probs,
    *,
    class_names=None,
    exclude=None,
    top=None,
    verbose=True,
):
    """How often each (given label, predicted label) swap occurs among the issue pixels.

    Parameters
    ----------
    issues : numpy.ndarray of bool, shape (N, H, W)
        The issue mask (from :func:`cleannb.segmentation.filter.find_label_issues`
        or :func:`cleannb.segmentation.rank.issues_from_scores`).
    labels : array_like of int, shape (N, H, W)
        Given labels.
    pred_probs : array-like, shape (N, K, H, W)
        Predicted probabilities (read only at the images with issues).
    class_names : list of str, optional
        Names of the classes 0..K-1; default their numbers as strings.
    exclude : list of int, optional
        Predicted classes whose swaps are not counted.
    top : int, optional
        Rows returned (default 20).
    verbose : bool, default True
        Print one line per row.

    Returns
    -------
    pandas.DataFrame
        Columns ``given_label``, ``predicted_label``, ``num_pixel_issues``,
        by decreasing count (equal counts by given, then predicted class).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.segmentation.summary import common_label_issues
    >>> labels = np.array([[[0, 1, 1]]])
    >>> pred_probs = np.array([[[[0.9, 0.8, 0.7]], [[0.1, 0.2, 0.3]]]])
    >>> issues = np.array([[[False, True, True]]])
    >>> common_label_issues(issues, labels, pred_probs, verbose=False)
      given_label predicted_label  num_pixel_issues
    0           1               0                 2
    """
    import pandas as pd

    _pixels.check_shapes(labels, pred_probs)
    num_classes = int(pred_probs.shape[1])
    class_names, exclude, top = _summary_options(class_names, exclude, top)
    images, rows, cols = np.nonzero(np.asarray(issues))
    given = np.asarray(labels)[images, rows, cols].astype(np.int64)
    predicted = predicted_at(pred_probs, images, rows, cols)
    kept = ~np.isin(predicted, exclude)
    if class_names is None:
        class_names = [str(k) for k in range(num_classes)]
    num_given = max(len(class_names), int(given.max(initial=-1)) + 1)
    counts = np.zeros((num_given, num_classes), dtype=np.int64)
    np.add.at(counts, (given[kept], predicted[kept]), 1)
    pairs = np.argwhere(counts[: len(class_names)] > 0)
    order = np.argsort(-counts[pairs[:, 0], pairs[:, 1]], kind="stable")[:top]
    info = [[class_names[g], class_names[p], counts[g, p]] for g, p in pairs[order].tolist()]
    table = pd.DataFrame(info, columns=["given_label", "predicted_label", "num_pixel_issues"])
    if verbose:
        for given_name, predicted_name, number in info:
            print(
                f"Class '{given_name}' is potentially mislabeled as class for "
                f"'{predicted_name}' {number} pixels in the dataset"
            )
    return table


def filter_by_class(class_index, issues, labels, pred_probs):
    """The issues whose given label or predicted label is ``class_index``.

    Parameters
    ----------
    class_index : int
        The class of interest.
    issues : numpy.ndarray of bool, shape (N, H, W)
        The issue mask.
    labels : array_like of int, shape (N, H, W)
        Given labels.
    pred_probs : array-like, shape (N, K, H, W)
        Predicted probabilities (read in batches of images).

    Returns
    -------
    numpy.ndarray of bool, shape (N, H, W)
        ``issues`` where the label or the argmax of ``pred_probs`` is ``class_index``.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.segmentation.summary import filter_by_class
    >>> labels = np.array([[[0, 1, 2]]])
    >>> pred_probs = np.array([[[[0.1, 0.8, 0.1]], [[0.8, 0.1, 0.1]], [[0.1, 0.1, 0.8]]]])
    >>> filter_by_class(0, np.array([[[True, True, True]]]), labels, pred_probs)
    array([[[ True,  True, False]]])
    """
    issues = np.asarray(issues)
    labels = np.asarray(labels)
    subset = issues & np.isin(labels, class_index)
    images = np.flatnonzero(issues.any(axis=(1, 2)))
    for start in range(0, len(images), IMAGES_PER_READ):
        chosen = images[start : start + IMAGES_PER_READ]
        lo, hi = int(chosen[0]), int(chosen[-1]) + 1
        probs = _pixels.read_images(pred_probs, lo, hi)[chosen - lo]
        predicted = np.argmax(probs, axis=1)
        subset[chosen] |= issues[chosen] & np.isin(predicted, class_index)
    return subset


def class_colors(num_classes):
    """``num_classes`` distinct RGBA colours: hues around the wheel, in 7 brightness steps."""
    from matplotlib import colormaps

    per_shade = -(-num_classes // SHADES)
    hues = np.linspace(0, 1, per_shade * SHADES, endpoint=False).reshape(SHADES, per_shade)
    colors = colormaps["hsv"](hues.T.reshape(-1))
    brightness = np.linspace(0.45, 1.0, SHADES)
    steps = np.tile(brightness, per_shade)
    colors[:, :3] *= steps[:, None]
    return colors[:num_classes]


def display_issues(
    issues,
    *,
    labels=None,
    pred_probs=None,
    class_names=None,
    exclude=None,
    top=None,
    **kwargs,
):
    """Draw the images with the most issue pixels, the issues in red.

    For each of the ``top`` images with the most issue pixels, one row of
    panels: the given labels (if ``labels`` is given), the predicted labels
    (if ``pred_probs`` is given) and the issue pixels.

    Parameters
    ----------
    issues : numpy.ndarray of bool, shape (N, H, W)
        The issue mask.
    labels : array_like of int, shape (N, H, W), optional
        Given labels (needed for ``exclude``).
    pred_probs : array-like, shape (N, K, H, W), optional
        Predicted probabilities (read only for the images drawn).
    class_names : list of str, optional
        Class names: a legend is drawn first.
    exclude : list of int, optional
        Pixels whose given label is one of these are not drawn as issues.
    top : int, optional
        Images drawn (default 20).
    **kwargs
        Passed to ``matplotlib.pyplot.show``.

    Returns
    -------
    None
        The figures are shown (``plt.show``), one per image.

    Raises
    ------
    ValueError
        If ``exclude`` is given without ``labels``.
    ImportError
        If matplotlib is not installed (``pip install cleannb[plot]``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from cleannb.segmentation.summary import display_issues
    >>> display_issues(np.array([[[False, True], [False, False]]]), labels=np.zeros((1, 2, 2), int))
    """
    class_names, exclude, top = _summary_options(class_names, exclude, top)
    if labels is None and exclude:
        raise ValueError("exclude needs labels: pass labels=... to exclude classes.")
    try:
        import matplotlib.patches as mpatches
        import matplotlib.pyplot as plt
        from matplotlib.colors import ListedColormap
    except ImportError as error:
        raise ImportError(
            "display_issues draws with matplotlib: pip install cleannb[plot] (or matplotlib)."
        ) from error
    issues = np.asarray(issues)
    top = min(top, len(issues))
    order = np.argsort(-np.sum(issues, axis=(1, 2)))[:top]
    panels = 1 + (labels is not None) + (pred_probs is not None)
    colors = None
    if pred_probs is not None:
        colors = class_colors(int(pred_probs.shape[1]))
    elif labels is not None:
        colors = class_colors(int(np.max(labels)) + 1)
    if class_names is not None and colors is not None:
        legend = plt.figure()
        handles = [
            mpatches.Patch(color=colors[k], label=name) for k, name in enumerate(class_names)
        ]
        legend.legend(handles=handles, loc="center", ncol=len(class_names), fontsize=20)
        plt.axis("off")
        plt.show(**kwargs)
    red = ListedColormap(["none", "red"])
    for image in order:
        _, axes = plt.subplots(1, panels, figsize=(5 * panels, 5), squeeze=False)
        axes = list(axes[0])
        if labels is not None:
            axes[0].imshow(colors[np.asarray(labels[image])])
            axes.pop(0).set_title("Given Labels")
        if pred_probs is not None:
            predicted = np.argmax(_pixels.read_images(pred_probs, image, image + 1)[0], axis=0)
            axes[0].imshow(colors[predicted])
            axes.pop(0).set_title("Argmaxed Prediction Probabilities")
        shown = issues[image]
        if labels is not None and exclude:
            shown = shown & ~np.isin(labels[image], exclude)
        axes[0].imshow(shown, cmap=red, vmin=0, vmax=1)
        axes[0].set_title(f"Image {image}: Suggested Errors (in Red)")
        plt.show(**kwargs)
