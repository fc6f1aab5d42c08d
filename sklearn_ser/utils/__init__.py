"""Helpers shared across the package: input validation, docstrings."""

from ._docstring import fill_doc
from ._validation import check_waveforms

__all__ = ["check_waveforms", "fill_doc"]
