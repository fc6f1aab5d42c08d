"""Collection rules for the whole suite, doctests included."""

import importlib.util
import signal

import pytest

# Doctests whose example needs an optional extra, by the doctest's name: they
# are skipped where the extra's package is not installed.
DOCTEST_EXTRAS = {
    "sklearn_ser.preprocessing._speech_encoder.SpeechEncoderTransformer": "transformers",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        package = DOCTEST_EXTRAS.get(item.name)
        if package is not None and importlib.util.find_spec(package) is None:
            item.add_marker(pytest.mark.skip(reason=f"the example needs {package}"))


def pytest_configure(config):
    # A shell starts a background job with SIGINT ignored, and Python then
    # leaves it ignored: give it Python's usual handler, which the tests of
    # interrupted runs (and the processes they start) rely on.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
