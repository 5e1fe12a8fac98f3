"""Label quality scores of images and pixels in semantic segmentation datasets.

cleanlab 2.9's ``cleanlab.segmentation.rank`` under the same names and
signatures, with the same values.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._core import pixels as _pixels
from .filter import find_label_issues

__all__ = ["get_label_quality_scores", "issues_from_scores"]

METHODS = ("softmin", "num_pixel_issues")
#: cleanlab's floor on the softmin temperature.
TEMPERATURE_FLOOR = 1e-6


def get_label_quality_scores(
    labels,
    pred_probs,
    *,
    method="softmin",
    batch_size=None,
    n_jobs=None,
    verbose=True,
    **kwargs,
):
    """Label quality score of every image (and of every pixel), lower for worse labels.

    Each pixel's score is the probability the model gives its label. An
    image's score is, with ``method="softmin"``, the softmin of its pixel
    scores (``sum(s * softmax((1 - s) / temperature))``, near the worst
    pixel's score for small temperatures), or with
    ``method="num_pixel_issues"`` one minus the fraction of its pixels that
    :func:`cleannb.segmentation.filter.find_label_issues` flags.

    Parameters
    ----------
    labels : array_like of int, shape (N, H, W)
        Given class of every pixel, 0..K-1.
    pred_probs : array-like, shape (N, K, H, W)
        Predicted class probabilities, class axis second (numpy, memmap,
        zarr, h5py or dask arrays, read in batches of images).
    method : {"softmin", "num_pixel_issues"}, default "softmin"
        How pixel scores become an image score.
    batch_size : int, optional
        Array elements read at a time (see
        :func:`~cleannb.segmentation.filter.find_label_issues`); never
        changes the result.
    n_jobs : int or None, optional
        Threads for ``"num_pixel_issues"``; never changes the result.
    verbose : bool, default True
        Show a progress bar over the images.
    **kwargs
        ``temperature`` (float, default 0.1) for ``"softmin"``;
        ``downsample`` (int, default 1) for ``"num_pixel_issues"`` (ignored
        with a warning for ``"softmin"``, as in cleanlab).

    Returns
    -------
    image_scores : numpy.ndarray of float64, shape (N,)
    pixel_scores : numpy.ndarray, shape (N, H, W)
        The label probability of every pixel: float64 for ``"softmin"``, the
        dtype of ``pred_probs`` for ``"num_pixel_issues"`` (as cleanlab).

    Raises
    ------
    ValueError
        For an unknown ``method``, a zero or missing temperature, or the
        input errors of :func:`~cleannb.segmentation.filter.find_label_issues`.

    Notes
    -----
    ``"softmin"``: one gather of each pixel's label probability (one value
    of K). ``"num_pixel_issues"``: that gather and the passes of
    :func:`~cleannb.segmentation.filter.find_label_issues`. Memory: the
    outputs and one batch of images.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.segmentation.rank import get_label_quality_scores
    >>> labels = np.array([[[0, 1]], [[1, 1]]])
    >>> pred_probs = np.array([[[[0.9, 0.3]], [[0.1, 0.7]]], [[[0.6, 0.2]], [[0.4, 0.8]]]])
    >>> image_scores, pixel_scores = get_label_quality_scores(labels, pred_probs, verbose=False)
    >>> image_scores.round(4)
    array([0.7238, 0.4072])
    >>> pixel_scores
    array([[[0.9, 0.7]],
    <BLANKLINE>
           [[0.4, 0.8]]])
    """
    _pixels.check_kwargs(kwargs, ["temperature", "downsample"], "get_label_quality_scores")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}.")
    _pixels.check_shapes(labels, pred_probs)
    _pixels.check_dtype(pred_probs)
    num_images, num_classes, height, width = (int(x) for x in pred_probs.shape)
    labels = _pixels.check_labels(labels, num_classes)
    temperature = kwargs.get("temperature", 0.1)
    downsample = kwargs.get("downsample", 1)
    per_batch = _pixels.images_per_batch(batch_size, num_classes * height * width)
    if method == "num_pixel_issues":
        pixel_scores = np.empty((num_images, height, width), dtype=pred_probs.dtype)
        for start, stop, values in _pixels.label_probabilities(
            labels, pred_probs, per_batch=per_batch
        ):
            pixel_scores[start:stop] = values
        issues = find_label_issues(
            labels,
            pred_probs,
            downsample=downsample,
            n_jobs=n_jobs,
            verbose=verbose,
            batch_size=batch_size,
        )
        return 1 - np.mean(issues, axis=(1, 2)), pixel_scores
    if temperature is None or temperature == 0:
        raise ValueError(f"temperature must be a positive number, got {temperature!r}.")
    if downsample != 1:
        warnings.warn(
            f"downsample={downsample} is ignored with method={method!r}; it applies to "
            "method='num_pixel_issues' only.",
            UserWarning,
            stacklevel=2,
        )
    image_scores = np.empty(num_images)
    pixel_scores = np.empty((num_images, height, width))
    for start, stop, values in _pixels.label_probabilities(
        labels, pred_probs, per_batch=per_batch, verbose=verbose, description="images scored"
    ):
        pixel_scores[start:stop] = values
        for image in range(start, stop):
            image_scores[image] = softmin(pixel_scores[image].reshape(-1), temperature)
    return image_scores, pixel_scores


def softmin(scores, temperature):
    """``sum(s * softmax((1 - s) / T))`` of one image's float64 pixel scores, as cleanlab."""
    row = scores.reshape(1, -1)
    shifted = (1 - row) / max(temperature, TEMPERATURE_FLOOR)
    shifted = shifted - np.max(shifted, axis=1, keepdims=True)
    weights = np.exp(shifted)
    weights = weights / np.sum(weights, axis=1, keepdims=True)
    return np.einsum("ij,ij->i", row, weights)[0]


def issues_from_scores(image_scores, pixel_scores=None, threshold=0.1):
    """Pixels (or images) whose label quality score is below ``threshold``.

    Parameters
    ----------
    image_scores : numpy.ndarray, shape (N,)
        Image scores from :func:`get_label_quality_scores`.
    pixel_scores : numpy.ndarray, shape (N, H, W), optional
        Pixel scores from :func:`get_label_quality_scores`.
    threshold : float, default 0.1
        Scores below it are issues; between 0 and 1.

    Returns
    -------
    numpy.ndarray
        With ``pixel_scores``: the (N, H, W) mask ``pixel_scores < threshold``.
        Without: image indices by increasing score, those below
        ``threshold`` and, as cleanlab 2.9 returns them, the next image
        after them (when there is one).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.segmentation.rank import issues_from_scores
    >>> issues_from_scores(np.array([0.9, 0.05, 0.5, 0.01]), threshold=0.1)
    array([3, 1, 2])
    """
    if image_scores is None:
        raise ValueError("image_scores is required: pass the scores of get_label_quality_scores.")
    if threshold is None or not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}.")
    if pixel_scores is not None:
        return pixel_scores < threshold
    image_scores = np.asarray(image_scores)
    worst_first = np.argsort(image_scores)
    below = np.searchsorted(image_scores[worst_first], threshold)
    return worst_first[: below + 1]  # one image more than those below, as cleanlab
