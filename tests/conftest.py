"""Fixtures shared by the whole test suite."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property-based ("fuzz") tests: a short, reproducible run by default and a
# long one on demand (benchmarks/fuzz.md). Each fuzz test scales its own
# example count from `max_examples`: classifier fits are ~100x dearer than
# a front-end call. No deadline: this machine is shared and noisy.
_FUZZ_SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", max_examples=40, **_FUZZ_SETTINGS)
settings.register_profile("thorough", max_examples=2000, **_FUZZ_SETTINGS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Tests on real speech read RAVDESS from $SKLEARN_SER_RAVDESS, else from the
# copy beside the repository, and are skipped when neither exists.
RAVDESS_PATH = Path(
    os.environ.get("SKLEARN_SER_RAVDESS")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ravdess16k"
)


@pytest.fixture(scope="session")
def ravdess_path():
    """The RAVDESS 16 kHz corpus; skip when it is absent."""
    if not (RAVDESS_PATH / "Actor_01").is_dir():
        pytest.skip(f"RAVDESS not found at {RAVDESS_PATH} (set SKLEARN_SER_RAVDESS)")
    return RAVDESS_PATH


@pytest.fixture(scope="session")
def subprocess_env():
    """Environment for a Python subprocess that imports the sklearn_ser under
    test (a script's own folder, not the working directory, starts its path)."""
    import sklearn_ser

    package_root = str(Path(sklearn_ser.__file__).resolve().parents[1])
    paths = [package_root, *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


@pytest.fixture
def fill_disk_at():
    """A function that makes the next write of a file fail as on a full disk.

    Files are written to a temporary name beside them and renamed
    (``sklearn_ser.utils._files.replacing``); the temporary name is made a
    link to /dev/full, where every write fails with ENOSPC.
    """
    from sklearn_ser.utils._files import temporary_path

    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")

    def fill(path):
        os.symlink("/dev/full", temporary_path(path))

    return fill


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder in which no file can be created: a chmod 555 one, or /sys for
    the superuser, whom permissions do not stop (sysfs refuses new files to
    everyone). Skips where neither refuses."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if getattr(os, "geteuid", lambda: None)() == 0:
        folder = Path("/sys")
    probe = folder / "probe"
    try:
        probe.touch()
    except OSError:
        yield folder
    else:
        probe.unlink()
        pytest.skip(f"{folder} is writable here")
    finally:
        (tmp_path / "read-only").chmod(0o755)


# ASED likewise, from $SKLEARN_SER_ASED or the copy beside the repository.
ASED_PATH = Path(
    os.environ.get("SKLEARN_SER_ASED")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ased16k"
)


@pytest.fixture(scope="session")
def ased_path():
    """The ASED 16 kHz corpus; skip when it is absent."""
    if not (ASED_PATH / "01Neutral").is_dir():
        pytest.skip(f"ASED not found at {ASED_PATH} (set SKLEARN_SER_ASED)")
    return ASED_PATH


@pytest.fixture
def make_fifo(tmp_path):
    """Make a FIFO (named pipe) under tmp_path; returns its path.

    Code that opens a FIFO for reading blocks until a writer comes. So that
    a regression fails instead of hanging the suite, a helper thread opens
    each FIFO for writing after a few seconds and closes it at once, which
    ends the read with no data.
    """
    import threading

    done = threading.Event()
    fifos = []

    def release():
        while not done.wait(3):
            for path in fifos:
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:  # no reader is blocked on it
                    pass

    threading.Thread(target=release, daemon=True).start()

    def make(relative):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
        fifos.append(path)
        return path

    yield make
    done.set()


@pytest.fixture
def stderr_to(monkeypatch):
    """``stderr_to(terminal=...)`` points sys.stderr at a fresh buffer that
    says whether it is a terminal, and returns the buffer.

    Call it in the test body: pytest's own capture sets sys.stderr again
    between a fixture's setup and the test.
    """
    import io

    class Stream(io.StringIO):
        def __init__(self, terminal):
            super().__init__()
            self.terminal = terminal

        def isatty(self):
            return self.terminal

    def redirect(*, terminal):
        stream = Stream(terminal)
        monkeypatch.setattr("sys.stderr", stream)
        return stream

    return redirect
