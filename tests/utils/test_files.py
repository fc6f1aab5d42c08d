import pytest

from sklearn_ser.utils._files import check_writable_file, check_writable_folder, replacing


def test_replacing_keeps_the_old_file_and_removes_the_temporary_one_on_failure(tmp_path):
    target = tmp_path / "results.json"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with replacing(target) as temporary:
            temporary.write_text("half of the ne")
            raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_check_writable_file_refuses_what_cannot_be_written(tmp_path, read_only_folder):
    with pytest.raises(IsADirectoryError, match="is a folder, not a file"):
        check_writable_file(tmp_path)
    with pytest.raises(PermissionError) as error:
        check_writable_file(read_only_folder / "model.pt")
    assert str(read_only_folder) in error.value.filename
    (tmp_path / "a-file").touch()
    with pytest.raises(NotADirectoryError, match="is a file, not a folder: .*a-file'$"):
        check_writable_file(tmp_path / "a-file" / "deeper" / "model.pt")
    check_writable_file(tmp_path / "new" / "model.pt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "read-only"]  # nothing created


def test_check_writable_folder_refuses_a_file_and_a_read_only_folder(tmp_path, read_only_folder):
    (tmp_path / "a-file").touch()
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        check_writable_folder(tmp_path / "a-file")
    with pytest.raises(PermissionError):
        check_writable_folder(read_only_folder)
    with pytest.raises(PermissionError):
        check_writable_folder(read_only_folder / "new" / "results")
    check_writable_folder(tmp_path / "new" / "results")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "read-only"]
