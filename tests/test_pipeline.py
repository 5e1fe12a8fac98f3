"""``_pipeline.find``: what one run of a rule hands back to its callers (the CLI, filter)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import parity_dataset

from cleannb import count, filter, rank
from cleannb._core import calibration as _calibration
from cleannb._core import method_names as _method_names
from cleannb._core import pipeline as _pipeline
from cleannb._core.rows import RowSource


@pytest.mark.parametrize("index", range(6))
@pytest.mark.parametrize("filter_by", _method_names.FILTERS)
@pytest.mark.parametrize("in_ranges", [False, True])
def test_found_holds_what_the_public_functions_compute(index, filter_by, in_ranges):
    labels, pred_probs = parity_dataset(index)
    source = RowSource(pred_probs, batch_size=97) if in_ranges else pred_probs
    found = _pipeline.find(labels, source, filter_by)
    np.testing.assert_array_equal(
        found.mask, filter.find_label_issues(labels, pred_probs, filter_by=filter_by)
    )
    np.testing.assert_array_equal(found.rows.argmax, pred_probs.argmax(axis=1))
    if filter_by == "predicted_neq_given":
        assert found.raw_joint is None and found.joint is None
        return
    raw = count.compute_confident_joint(labels, pred_probs, calibrate=False)
    np.testing.assert_array_equal(found.raw_joint.dense(), raw)
    if filter_by in _method_names.PRUNE_FILTERS:
        calibrated = count.compute_confident_joint(labels, pred_probs)
        np.testing.assert_array_equal(found.joint.dense(), calibrated)
        label_counts = np.bincount(labels, minlength=pred_probs.shape[1])
        again = _calibration.calibrate_sparse(found.raw_joint, label_counts).dense()
        np.testing.assert_array_equal(again, calibrated)
    else:
        assert found.joint is None
    if filter_by.startswith("low_"):
        method = filter_by[4:]
        expected = rank.get_label_quality_scores(labels, pred_probs, method=method)
        np.testing.assert_array_equal(found.scores.astype(np.float64), expected)
    else:
        assert found.scores is None
