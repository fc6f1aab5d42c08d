"""Helpers shared across the package: input validation, docstrings, versions."""

from ._docstring import fill_doc
from ._validation import check_device, check_groups, check_waveforms
from ._versions import running_versions

__all__ = ["check_device", "check_groups", "check_waveforms", "fill_doc", "running_versions"]
