"""annexa's engine: load facts and rules, evaluate, report.

The command line is a thin layer over these functions; anything the CLI can
do, a Python caller can do with the same names.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
