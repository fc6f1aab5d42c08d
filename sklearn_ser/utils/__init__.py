"""Helpers shared across the package: input validation, docstrings, versions,
files written whole, tables as text, interrupts, speakers routed to fit."""

from ._docstring import fill_doc
from ._files import check_writable_file, check_writable_folder, os_error_reason, replacing
from ._routing import fit_with_groups
from ._signals import interrupt_signal, sigterm_raises_interrupt
from ._tables import format_table
from ._validation import check_device, check_groups, check_waveforms
from ._versions import running_versions

__all__ = [
    "check_device",
    "check_groups",
    "check_waveforms",
    "check_writable_file",
    "check_writable_folder",
    "fill_doc",
    "fit_with_groups",
    "format_table",
    "interrupt_signal",
    "os_error_reason",
    "replacing",
    "running_versions",
    "sigterm_raises_interrupt",
]
