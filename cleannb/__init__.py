"""cleannb: confident learning for finding label errors, with Numba kernels."""
__version__ = "0.1.0"
