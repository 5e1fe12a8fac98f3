"""Numba kernels: loops over ``pred_probs`` only, no validation, no Python objects."""
