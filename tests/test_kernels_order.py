"""The kernels' stable argsort against numpy's."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cleannb._kernels.order import stable_argsort


@settings(max_examples=200, deadline=None)
@given(
    values=arrays(
        np.float64, st.integers(0, 70), elements=st.sampled_from([0.0, -0.0, 0.25, 1.0, -3.0])
    ),
    descending=st.booleans(),
)
def test_stable_argsort_equals_numpy_on_ties(values, descending):
    expected = np.argsort(-values if descending else values, kind="stable")
    np.testing.assert_array_equal(stable_argsort(values, values.size, descending), expected)


@pytest.mark.parametrize("dtype", [np.float64, np.int64])
@pytest.mark.parametrize("descending", [False, True])
def test_stable_argsort_of_a_prefix(dtype, descending):
    rng = np.random.default_rng(5)
    values = rng.integers(0, 40, 1000).astype(dtype)
    count = 777
    expected = np.argsort(-values[:count] if descending else values[:count], kind="stable")
    np.testing.assert_array_equal(stable_argsort(values, count, descending), expected)
