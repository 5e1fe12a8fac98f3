"""Label issues in semantic segmentation: every pixel an example.

cleanlab 2.9's ``cleanlab.segmentation`` under the same names:
:mod:`~cleannb.segmentation.filter` (``find_label_issues``),
:mod:`~cleannb.segmentation.rank` (``get_label_quality_scores``,
``issues_from_scores``) and :mod:`~cleannb.segmentation.summary`
(``display_issues``, ``common_label_issues``, ``filter_by_class``).
Labels are (N, H, W) and ``pred_probs`` (N, K, H, W); the probabilities are
read in batches of images, in place, from numpy arrays, memmaps, zarr, h5py
or dask arrays, and the results do not depend on the batch size.
"""

from . import filter, rank, summary

__all__ = ["filter", "rank", "summary"]
