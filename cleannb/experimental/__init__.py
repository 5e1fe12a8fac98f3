"""Interfaces that cleanlab 2.x keeps under ``cleanlab.experimental``.

- :mod:`cleannb.experimental.label_issues_batched`: find label issues in
  ``pred_probs`` read in batches (memmaps, zarr, h5py), exactly.
"""
