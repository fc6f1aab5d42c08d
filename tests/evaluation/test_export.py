import json

import matplotlib
import pytest

from sklearn_ser.evaluation import save_report, speaker_independent_report

matplotlib.use("Agg")


def test_save_report_writes_json_markdown_and_figure(tmp_path):
    report = speaker_independent_report(
        ["sad", "sad", "angry", "angry"],
        ["sad", "angry", "angry", "angry"],
        groups=["a", "b", "a", "b"],
        folds=[[0, 2], [1, 3]],
    )
    written = save_report(report, tmp_path / "new", run={"model": "by hand", "wall_time_s": 1.5})
    out = tmp_path / "new"
    assert sorted(p.name for p in out.iterdir()) == sorted(written)
    results = json.loads((out / "results.json").read_text())
    assert results["run"] == {"model": "by hand", "wall_time_s": 1.5}
    assert results == {"run": results["run"], **json.loads(json.dumps(report.to_dict()))}
    markdown = (out / "report.md").read_text()
    assert "- model: by hand" in markdown
    assert (out / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("name", ["results.json", "report.md", "confusion_matrix.png"])
def test_a_failed_write_keeps_the_old_file_whole_and_no_temporary_one(tmp_path, fill_disk_at, name):
    report = speaker_independent_report(
        ["sad", "angry"], ["sad", "sad"], groups=["a", "b"], folds=[[0], [1]]
    )
    save_report(report, tmp_path, run={"model": "first"})
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    fill_disk_at(tmp_path / name)
    with pytest.raises(OSError, match="No space left on device"):
        save_report(report, tmp_path, run={"model": "second"})
    assert (tmp_path / name).read_bytes() == before[name]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before)
