"""Tests of the data home and the fetchers, offline (file:// URLs)."""

import hashlib
import zipfile

import numpy as np
import pytest
import soundfile

from sklearn_ser.datasets import (
    _fetch,
    clear_data_home,
    fetch_emodb,
    fetch_ravdess,
    get_data_home,
)


def test_get_data_home_argument_environment_and_default(tmp_path, monkeypatch):
    assert get_data_home(tmp_path / "a") == str(tmp_path / "a")
    assert (tmp_path / "a").is_dir()
    monkeypatch.setenv("SKLEARN_SER_DATA", str(tmp_path / "b"))
    assert get_data_home() == str(tmp_path / "b")
    monkeypatch.delenv("SKLEARN_SER_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert get_data_home() == str(tmp_path / "home" / "sklearn_ser_data")
    clear_data_home(tmp_path / "a")
    assert not (tmp_path / "a").exists()


def _fake_archive(tmp_path, members, algorithm="md5"):
    """Zip tiny clips under the given names; return (url, checksum, path)."""
    archive = tmp_path / "remote" / "archive.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zipped:
        for i, name in enumerate(members):
            wav = tmp_path / f"clip{i}.wav"
            soundfile.write(wav, np.full(480, 0.1 * (i + 1)), 48000)
            zipped.write(wav, name)
    checksum = hashlib.new(algorithm, archive.read_bytes()).hexdigest()
    return archive.as_uri(), checksum, archive


@pytest.fixture
def fake_ravdess(tmp_path, monkeypatch):
    url, checksum, archive = _fake_archive(
        tmp_path,
        ["Actor_01/03-01-05-01-01-01-01.wav", "Actor_02/03-01-04-01-01-01-02.wav"],
    )
    monkeypatch.setattr(
        _fetch, "RAVDESS_ARCHIVE", _fetch.RAVDESS_ARCHIVE._replace(url=url, checksum=checksum)
    )
    return archive


def test_fetch_ravdess_downloads_once(fake_ravdess, tmp_path):
    home = tmp_path / "home"
    corpus = fetch_ravdess(home, sr=16000)
    assert list(corpus.target) == ["angry", "sad"]
    assert corpus.data[0].shape == (160,)
    assert sorted(p.name for p in home.iterdir()) == ["ravdess"]  # archive removed
    fake_ravdess.unlink()  # a second download would now fail
    X, y, groups = fetch_ravdess(home, return_X_y_groups=True)
    assert list(groups) == ["ravdess_01", "ravdess_02"]


def test_wrong_checksum_raises_and_keeps_nothing(fake_ravdess, tmp_path, monkeypatch):
    monkeypatch.setattr(
        _fetch, "RAVDESS_ARCHIVE", _fetch.RAVDESS_ARCHIVE._replace(checksum="0" * 32)
    )
    home = tmp_path / "home"
    with pytest.raises(OSError, match="checksum .* expected 0{32}"):
        fetch_ravdess(home)
    assert list(home.iterdir()) == []


def test_download_if_missing_false(tmp_path):
    with pytest.raises(OSError, match="download_if_missing=False"):
        fetch_ravdess(tmp_path, download_if_missing=False)


def test_fetch_emodb_without_checksum_warns(tmp_path, monkeypatch):
    url, _, _ = _fake_archive(tmp_path, ["wav/03a01Fa.wav", "wav/08a02Wb.wav", "lablaut/x.lab"])
    monkeypatch.setattr(_fetch, "EMODB_ARCHIVE", _fetch.EMODB_ARCHIVE._replace(url=url))
    with pytest.warns(UserWarning, match="not verified"):
        corpus = fetch_emodb(tmp_path / "home")
    assert list(corpus.target) == ["happy", "angry"]
