"""cleanlab 2.x's ``benchmarking`` package: synthetic label noise for experiments."""

from . import noise_generation

__all__ = ["noise_generation"]
