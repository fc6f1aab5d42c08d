"""Report the versions of sklearn_ser, Python and the dependencies (for bug reports)."""

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

_DEPENDENCIES = (
    "sklearn_ser",
    "numpy",
    "scipy",
    "scikit-learn",
    "skorch",
    "torch",
    "librosa",
    "soundfile",
    "soxr",
    "joblib",
    "tqdm",
    "matplotlib",
)


def _dependency_versions():
    versions = {}
    for name in _DEPENDENCIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def _system_info():
    import torch

    return {
        "python": sys.version.replace("\n", " "),
        "executable": sys.executable,
        "machine": platform.platform(),
        "torch threads": str(torch.get_num_threads()),
        "cuda available": str(torch.cuda.is_available()),
    }


def show_versions():
    """Print system and dependency versions, for bug reports.

    Examples
    --------
    >>> from sklearn_ser import show_versions
    >>> show_versions()  # doctest: +ELLIPSIS
    <BLANKLINE>
    System:
    ...
    """
    for title, info in (("System", _system_info()), ("Dependencies", _dependency_versions())):
        print(f"\n{title}:")
        for key, value in info.items():
            print(f"{key:>16}: {value}")
