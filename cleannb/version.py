"""The package version, as the module ``cleanlab.version`` of cleanlab 0.1.0 held it.

Examples
--------
>>> from cleannb.version import __version__
>>> import cleannb
>>> __version__ == cleannb.__version__
True
"""

from . import __version__

__all__ = ["__version__"]
