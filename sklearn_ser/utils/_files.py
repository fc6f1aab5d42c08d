"""Writing files so that a failure or an interrupt never leaves half of one.

Every file a run keeps (fold checkpoints, reports, figures, saved models)
is written through :func:`replacing`: to a temporary name beside it, then
renamed over it, so readers see the old file or the whole new one.
"""

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
    >>> from sklearn_ser.utils._files import replacing
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

    Examples
    --------
    >>> from sklearn_ser.utils._files import os_error_reason
    >>> error = PermissionError(13, "Permission denied", "/results")
    >>> os_error_reason(error), os_error_reason(error, about="/results")
    ('/results: Permission denied', 'Permission denied')
    """
    reason = error.strerror or str(error)
    named = error.filename is not None and str(error.filename) != str(about)
    return f"{error.filename}: {reason}" if named else reason
