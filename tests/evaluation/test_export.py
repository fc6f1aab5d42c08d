import json

import matplotlib

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
