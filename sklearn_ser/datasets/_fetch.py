"""The data home, and fetchers that download a public corpus once."""

import hashlib
import os
import shutil
import tempfile
import urllib.request
import warnings
import zipfile
from collections import namedtuple
from pathlib import Path

from sklearn.utils._param_validation import validate_params
from tqdm.auto import tqdm

from ._corpora import load_emodb, load_ravdess

RemoteArchive = namedtuple("RemoteArchive", ["filename", "url", "checksum", "algorithm"])
RemoteArchive.__doc__ = """A downloadable archive; ``checksum`` is None when none is published."""

# md5 as published by Zenodo for this file of record 1188976.
RAVDESS_ARCHIVE = RemoteArchive(
    filename="Audio_Speech_Actors_01-24.zip",
    url="https://zenodo.org/records/1188976/files/Audio_Speech_Actors_01-24.zip?download=1",
    checksum="bc696df654c87fed845eb13823edef8a",
    algorithm="md5",
)
# The EmoDB site publishes no checksum for its archive.
EMODB_ARCHIVE = RemoteArchive(
    filename="download.zip",
    url="http://emodb.bilderbar.info/download/download.zip",
    checksum=None,
    algorithm=None,
)

_CHUNK = 1 << 20


@validate_params({"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True)
def get_data_home(data_home=None):
    """Return the folder where downloaded corpora are kept, creating it.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder. ``None`` uses the environment variable
        ``SKLEARN_SER_DATA`` if set, else ``~/sklearn_ser_data``.

    Returns
    -------
    data_home : str
        Absolute path of the folder.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_ser.datasets import get_data_home
    >>> home = get_data_home(tempfile.mkdtemp())
    """
    if data_home is None:
        data_home = os.environ.get("SKLEARN_SER_DATA", "~/sklearn_ser_data")
    data_home = Path(data_home).expanduser().resolve()
    data_home.mkdir(parents=True, exist_ok=True)
    return str(data_home)


@validate_params({"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True)
def clear_data_home(data_home=None):
    """Delete the data home and everything downloaded into it.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder, as in :func:`get_data_home`.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_ser.datasets import clear_data_home, get_data_home
    >>> home = get_data_home(tempfile.mkdtemp())
    >>> clear_data_home(home)
    >>> os.path.exists(home)
    False
    """
    shutil.rmtree(get_data_home(data_home))


def _download(archive, folder, verbose):
    """Download ``archive`` into ``folder``, verify it, return its path.

    The file is written under a temporary name and renamed only once
    verified, so an interrupted or corrupt download leaves nothing behind.
    """
    target = folder / archive.filename
    digest = hashlib.new(archive.algorithm) if archive.checksum else None
    handle, partial = tempfile.mkstemp(dir=folder, prefix=f".{archive.filename}.", suffix=".part")
    try:
        with (
            os.fdopen(handle, "wb") as out,
            urllib.request.urlopen(archive.url, timeout=60) as response,
            tqdm(
                total=int(response.headers.get("Content-Length") or 0) or None,
                unit="B",
                unit_scale=True,
                disable=None if verbose else True,
                desc=f"downloading {archive.filename}",
            ) as progress,
        ):
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                if digest is not None:
                    digest.update(chunk)
                progress.update(len(chunk))
        if digest is None:
            warnings.warn(
                f"no checksum is published for {archive.url}; the download was not verified",
                UserWarning,
                stacklevel=3,
            )
        elif digest.hexdigest() != archive.checksum:
            raise OSError(
                f"{archive.algorithm} checksum of {archive.url} is {digest.hexdigest()}, "
                f"expected {archive.checksum}: the download is corrupt and was deleted"
            )
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target


def _fetch(archive, name, loader, data_home, download_if_missing, verbose, load_kwargs):
    folder = Path(get_data_home(data_home))
    corpus_dir = folder / name
    if not corpus_dir.is_dir():
        if not download_if_missing:
            raise OSError(f"{name} not found in {folder} and download_if_missing=False")
        zip_path = _download(archive, folder, verbose)
        # extract beside the final folder, then rename: a half-extracted
        # corpus never looks complete
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=f".{name}."))
        try:
            with zipfile.ZipFile(zip_path) as zipped:
                zipped.extractall(staging)
            os.replace(staging, corpus_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            zip_path.unlink()
    return loader(corpus_dir, verbose=verbose, **load_kwargs)


_FETCH_CONSTRAINTS = {
    "data_home": [str, os.PathLike, None],
    "download_if_missing": ["boolean"],
    "verbose": ["boolean"],
}


@validate_params(_FETCH_CONSTRAINTS, prefer_skip_nested_validation=True)
def fetch_ravdess(data_home=None, *, download_if_missing=True, verbose=False, **load_kwargs):
    """Load RAVDESS speech, downloading it from Zenodo the first time.

    The archive ``Audio_Speech_Actors_01-24.zip`` (208 MB, 48 kHz WAV) is
    downloaded once from Zenodo record 1188976, checked against its
    published md5, and extracted to ``<data_home>/ravdess``; the archive is
    then deleted. Later calls read the extracted files.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Download folder; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        If False, raise an ``OSError`` when the corpus is not there yet
        instead of downloading it.
    verbose : bool, default=False
        Show progress bars while downloading and reading, on stderr when it
        is a terminal (and in notebooks).
    **load_kwargs
        Keyword arguments of :func:`load_ravdess` (``sr``, ``emotions``,
        ``speakers``, ``n_jobs``, ``return_X_y_groups`` ...).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple
        As returned by :func:`load_ravdess`.

    Raises
    ------
    OSError
        The download failed or its checksum does not match (nothing is
        kept), or the corpus is missing and ``download_if_missing=False``.

    Examples
    --------
    >>> from sklearn_ser.datasets import fetch_ravdess
    >>> corpus = fetch_ravdess(n_jobs=2)  # doctest: +SKIP
    >>> len(corpus.data), len(set(corpus.groups))  # doctest: +SKIP
    (1440, 24)
    """
    return _fetch(
        RAVDESS_ARCHIVE,
        "ravdess",
        load_ravdess,
        data_home,
        download_if_missing,
        verbose,
        load_kwargs,
    )


@validate_params(_FETCH_CONSTRAINTS, prefer_skip_nested_validation=True)
def fetch_emodb(data_home=None, *, download_if_missing=True, verbose=False, **load_kwargs):
    """Load EmoDB, downloading it from its website the first time.

    The archive ``download.zip`` is downloaded once from
    http://emodb.bilderbar.info/ and extracted to ``<data_home>/emodb``; the
    archive is then deleted. No checksum is published for it, so the
    download is not verified (a ``UserWarning`` says so).

    Parameters
    ----------
    data_home : str or path-like, default=None
        Download folder; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        If False, raise an ``OSError`` when the corpus is not there yet
        instead of downloading it.
    verbose : bool, default=False
        Show progress bars while downloading and reading, on stderr when it
        is a terminal (and in notebooks).
    **load_kwargs
        Keyword arguments of :func:`load_emodb`.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple
        As returned by :func:`load_emodb`.

    Raises
    ------
    OSError
        The download failed, or the corpus is missing and
        ``download_if_missing=False``.

    Examples
    --------
    >>> from sklearn_ser.datasets import fetch_emodb
    >>> X, y, groups = fetch_emodb(return_X_y_groups=True)  # doctest: +SKIP
    >>> len(X), len(set(groups))  # doctest: +SKIP
    (535, 10)
    """
    return _fetch(
        EMODB_ARCHIVE, "emodb", load_emodb, data_home, download_if_missing, verbose, load_kwargs
    )
