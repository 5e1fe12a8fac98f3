"""Pixels with label issues in semantic segmentation datasets.

cleanlab 2.9's ``cleanlab.segmentation.filter`` under the same names and
signatures: confident learning with every pixel as an example, computed
exactly over all pixels whatever the batch size.
"""

from __future__ import annotations

from .._core import pixels as _pixels

__all__ = ["find_label_issues"]


def find_label_issues(labels, pred_probs, *, batch_size=None, n_jobs=None, verbose=True, **kwargs):
    """Boolean mask of the pixels whose given label is likely wrong.

    Confident learning with each pixel as an example: per-class thresholds
    (the mean probability of each class over the pixels labelled with it),
    the number of pixels the model confidently assigns to another class,
    that many pixels of lowest label probability, and of those the pixels
    whose label is not the model's prediction. The result equals cleanlab
    2.9's ``segmentation.filter.find_label_issues`` on the same data with
    all images in one batch (cleanlab's thresholds are running means over
    its batches and may differ from these in their last bits).

    Parameters
    ----------
    labels : array_like of int, shape (N, H, W)
        Given class of every pixel, 0..K-1.
    pred_probs : array-like, shape (N, K, H, W)
        Predicted class probabilities of every pixel, class axis second:
        a numpy array or memmap, a zarr array or h5py dataset (best chunked
        by images), or a dask array. float16, float32 or float64, read as
        they are, in batches of images.
    batch_size : int, optional
        Array elements read at a time (images per batch is
        ``max(batch_size // (K * H * W), 1)``, as in cleanlab). Changes
        memory and time, never the result. Default: about 16 million
        elements (64 MB of float32).
    n_jobs : int or None, optional
        Threads (None or -1: all cores). The result does not depend on it.
    verbose : bool, default True
        Show a progress bar over the images for each pass.
    **kwargs
        ``downsample`` (int, default 1): find the issues on the block means
        of ``downsample x downsample`` pixels (cleanlab's rounded mean labels
        and renormalised mean probabilities), then flag the pixels of each
        flagged block whose label differs from the model's prediction.

    Returns
    -------
    numpy.ndarray of bool, shape (N, H, W)
        True where a pixel's label is likely wrong.

    Raises
    ------
    ValueError
        If the shapes do not match (with a hint when ``pred_probs`` is
        (N, H, W, K)), labels are outside 0..K-1, values are not
        probabilities, or ``downsample`` does not divide H and W.
    TypeError
        If ``pred_probs`` is not float16/32/64, or an unknown keyword is given.

    Notes
    -----
    One full read of ``pred_probs`` and two or three gathers of each
    pixel's label probability (one value of K; float64 may take up to three
    more), each batch of images at a time: for numpy arrays and memmaps the
    gathers cost a fraction of the full read, for zarr, h5py and dask
    sources each is a read of the store. Memory: the output mask (1 byte a
    pixel), one batch of images, O(K) and a 2**16-bin histogram. When equal
    label probabilities straddle the cut, which of them count as issues is
    numpy's sort's choice, as in cleanlab: then the label probabilities are
    gathered into one array (the dtype's size per pixel) and sorted.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.segmentation.filter import find_label_issues
    >>> labels = np.array([[[0, 0, 1, 1]], [[0, 0, 1, 1]], [[0, 1, 0, 1]]])
    >>> row = np.array([0.9, 0.8, 0.2, 0.1])  # P(class 0) along a 1 x 4 image
    >>> pred_probs = np.stack([row, 1 - row])[None, :, None, :].repeat(3, axis=0)
    >>> find_label_issues(labels, pred_probs, verbose=False).astype(int)
    array([[[0, 0, 0, 0]],
    <BLANKLINE>
           [[0, 0, 0, 0]],
    <BLANKLINE>
           [[0, 1, 1, 0]]])
    """
    _pixels.check_kwargs(kwargs, ["downsample"], "find_label_issues")
    _pixels.check_shapes(labels, pred_probs)
    _pixels.check_dtype(pred_probs)
    num_images, num_classes, height, width = (int(x) for x in pred_probs.shape)
    labels = _pixels.check_labels(labels, num_classes)
    downsample = _pixels.check_downsample(kwargs.get("downsample", 1), height, width)
    per_batch = _pixels.images_per_batch(batch_size, num_classes * height * width // downsample**2)
    return _pixels.issue_mask(
        labels,
        pred_probs,
        per_batch=per_batch,
        downsample=downsample,
        n_jobs=n_jobs,
        verbose=verbose,
    )
