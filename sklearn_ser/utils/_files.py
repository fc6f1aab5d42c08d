"""Writing files so that a failure or an interrupt never leaves half of one.

Every file a run keeps (fold checkpoints, reports, figures, saved models)
is written through :func:`replacing`: to a temporary name beside it, then
renamed over it, so readers see the old file or the whole new one.
"""

import errno
import os
from contextlib import contextmanager
from pathlib import Path


def temporary_path(path):
    """The temporary name :func:`replacing` writes ``path`` under.

    Hidden, beside ``path`` (a rename within one folder is atomic), and
    named after the process, so two processes never share one.

    Examples
    --------
    >>> import os
    >>> from sklearn_ser.utils._files import temporary_path
    >>> temporary_path("runs/results.json").name == f".results.json.{os.getpid()}.tmp"
    True
    """
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


@contextmanager
def replacing(path):
    """Yield a temporary path to write; when the block ends, rename it to ``path``.

    If the block raises (a full disk, a failed serialisation, Ctrl-C), the
    temporary file is removed and ``path`` keeps its old content; an
    ``OSError`` names ``path`` (not the temporary file, or no file as a
    failed write does).

    Parameters
    ----------
    path : str or path-like
        The file to write; its folder must exist.

    Yields
    ------
    temporary : pathlib.Path
        Where the block writes the new content.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_ser.utils import replacing
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "notes.txt"
    ...     with replacing(target) as temporary:
    ...         _ = temporary.write_text("done")
    ...     sorted(p.name for p in Path(folder).iterdir()), target.read_text()
    (['notes.txt'], 'done')
    """
    path = Path(path)
    temporary = temporary_path(path)
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        # A failed write names no file, a failed open the temporary one.
        if isinstance(error, OSError) and error.filename in (None, str(temporary)):
            error.filename = str(path)
        raise


def os_error_reason(error, about=None):
    """What an OSError says, after the file it names unless that file is ``about``.

    For one-line messages about a file: ``f"cannot write {path}:
    {os_error_reason(error, path)}"`` does not name the file twice.

    Parameters
    ----------
    error : OSError
        The error.
    about : str or path-like, default=None
        The file the message is already about.

    Returns
    -------
    reason : str

    Examples
    --------
    >>> from sklearn_ser.utils import os_error_reason
    >>> error = PermissionError(13, "Permission denied", "/results")
    >>> os_error_reason(error), os_error_reason(error, about="/results")
    ('/results: Permission denied', 'Permission denied')
    """
    reason = error.strerror or str(error)
    named = error.filename is not None and str(error.filename) != str(about)
    return f"{error.filename}: {reason}" if named else reason


def check_writable_file(path):
    """Check that a file can be written at ``path``, without writing it.

    Run before a long computation whose result goes to ``path``, so that a
    wrong destination fails at once. Missing folders on the way are fine
    when the nearest existing one is writable (the writer creates them).
    A probe file is created and removed there: permissions are not enough
    (the superuser ignores them, a read-only file system does not).

    Parameters
    ----------
    path : str or path-like
        The file to be written; it may exist (it will be replaced).

    Raises
    ------
    OSError
        ``IsADirectoryError`` when ``path`` is a folder,
        ``NotADirectoryError`` when a parent is a file, and what creating
        the probe raises (``PermissionError``...), with the offending path
        as its ``filename``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_ser.utils import check_writable_file
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     check_writable_file(Path(folder) / "new" / "model.pt")
    ...     check_writable_file(folder)
    Traceback (most recent call last):
    ...
    IsADirectoryError: [Errno 21] is a folder, not a file: ...
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    check_writable_folder(path.parent)


def check_writable_folder(path):
    """Check that files can be written in the folder ``path``, without creating it.

    Parameters
    ----------
    path : str or path-like
        The folder to write into. When it is missing, the nearest existing
        folder above it must be writable.

    Raises
    ------
    OSError
        ``NotADirectoryError`` when ``path`` or a parent is a file, and what
        creating a probe file raises (``PermissionError``...), with the
        offending path as its ``filename``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_ser.utils import check_writable_folder
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     check_writable_folder(Path(folder) / "results")
    ...     (Path(folder) / "a-file").touch()
    ...     check_writable_folder(Path(folder) / "a-file" / "results")
    Traceback (most recent call last):
    ...
    NotADirectoryError: [Errno 20] is a file, not a folder: ...
    """
    path = Path(path)
    existing = next(folder for folder in [path, *path.parents] if folder.exists())
    if not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", str(existing))
    probe = temporary_path(existing / "probe")
    try:
        probe.touch()
    except OSError as error:  # named after the folder, not the probe
        raise type(error)(error.errno, error.strerror, str(existing)) from None
    probe.unlink()
