"""What every recipe shares: the input check in front of its steps."""

from sklearn.pipeline import make_pipeline

from ..preprocessing import InputDomainCheck

#: Docstring block (for :func:`~sklearn_ser.utils.fill_doc`) of the
#: ``check_domain`` parameter of the pipeline factories.
CHECK_DOMAIN = """
    check_domain : bool, default=True
        Put an :class:`~sklearn_ser.preprocessing.InputDomainCheck` first. It
        passes the clips on unchanged, learns the level, noise, frequency band
        and clipping of the training recordings, and warns
        (:class:`~sklearn_ser.exceptions.DomainShiftWarning`, once per call)
        when the clips given to ``predict`` differ from them."""


def make_checked_pipeline(*steps, check_domain, sr):
    """``make_pipeline(*steps)``, after an input check at ``sr`` Hz if ``check_domain``."""
    check = [InputDomainCheck(sr=sr)] if check_domain else []
    return make_pipeline(*check, *steps)
