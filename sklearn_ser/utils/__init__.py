"""Input validation shared by the front end and the estimators."""

from ._validation import check_waveforms

__all__ = ["check_waveforms"]
