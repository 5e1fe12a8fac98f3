"""Interfaces that cleanlab 2.x keeps under ``cleanlab.experimental``, and data larger than memory.

- :mod:`cleannb.experimental.label_issues_batched`: find label issues in
  ``pred_probs`` read in batches (memmaps, zarr, h5py), exactly.
- :mod:`cleannb.experimental.span_classification`: cleanlab 2.x's span
  classification (one span class; each token in or out), reduced to
  :mod:`cleannb.token_classification`.
- :class:`RowSource`: ``pred_probs`` read in row ranges of a chosen size,
  from an array or from a function; ``count``, ``filter``, ``rank`` and
  ``dataset`` functions accept it wherever they take ``pred_probs``.
- :class:`DaskRows`: a dask array as ``pred_probs``, each pass run on the
  dask workers. The same functions wrap dask arrays in it themselves; wrap
  one yourself to pass ``progress=``.
"""

from .._core.dask_rows import DaskRows
from .._core.rows import RowSource

__all__ = ["DaskRows", "RowSource"]
