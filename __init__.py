"""annexa: ISO/IEC 42001 Annex A as code."""

from annexa.engine import __version__

__all__ = ["__version__"]
