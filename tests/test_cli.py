import csv
import importlib.util
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pytest
import soundfile
import torch
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_ser import load_model, save_model
from sklearn_ser.cli import main
from sklearn_ser.datasets import CORPUS_NAMES, join_clips, make_emotional_speech
from sklearn_ser.evaluation import default_cv_spec


def test_evaluate_neural_model_on_synthetic_corpus(tmp_path, capsys):
    status = main(
        [
            "evaluate",
            "--max-clips",
            "48",
            "--epochs",
            "2",
            "--cv",
            "group-kfold:2",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["n_folds"] == 2 and results["n_samples"] == 48
    assert results["run"]["model"] == "cnn-lstm"
    assert [len(h) for h in results["histories"]] == [2, 2]
    for name in [
        "report.md",
        "confusion_matrix.png",
        "training_curves_fold0.png",
        "training_curves_fold1.png",
    ]:
        assert (tmp_path / name).stat().st_size > 0
    out, err = capsys.readouterr()
    assert "mean ± sample std" in out
    # Progress bars stay off when stderr is not a terminal (here, captured).
    assert "\r" not in err and "\x1b" not in err and "folds:" not in err


def test_evaluate_baseline_on_ravdess(ravdess_path, tmp_path, capsys):
    status = main(
        [
            "evaluate",
            "--corpus",
            "ravdess",
            "--data",
            str(ravdess_path),
            "--model",
            "baseline",
            "--max-clips",
            "48",
            "--cv",
            "group-kfold:2",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["n_samples"] == 48 and len(results["per_speaker"]) == 24
    assert results["histories"] is None
    assert not list(tmp_path.glob("training_curves_*.png"))


def test_evaluate_on_the_emobox_ravdess_folds(ravdess_path, tmp_path):
    from sklearn_ser.evaluation import EMOBOX_RAVDESS_FOLDS

    argv = ["evaluate", "--corpus", "ravdess", "--data", str(ravdess_path), "--model", "baseline"]
    assert main([*argv, "--max-clips", "48", "--cv", "emobox-ravdess", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["run"]["cv"] == "emobox-ravdess"
    assert [sorted(fold["speakers"]) for fold in results["folds"]] == [
        sorted(fold) for fold in EMOBOX_RAVDESS_FOLDS.folds
    ]


def test_evaluate_baseline_on_ased(ased_path, tmp_path):
    argv = ["evaluate", "--corpus", "ased", "--data", str(ased_path), "--model", "baseline"]
    assert main([*argv, "--max-clips", "20", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["n_samples"] == 20 and results["n_folds"] == 5
    assert results["run"]["cv"] == "group-kfold:5"
    assert set(results["per_speaker"]) <= {f"ased_{s:02d}" for s in range(1, 66)}


@pytest.fixture(scope="module")
def wav_folder(tmp_path_factory):
    corpus = make_emotional_speech(n_speakers=4, n_utterances_per_emotion=3, random_state=0)
    folder = tmp_path_factory.mktemp("wavs")
    for i, (clip, label) in enumerate(zip(corpus.data, corpus.target)):
        (folder / label).mkdir(exist_ok=True)
        soundfile.write(folder / label / f"clip{i:03d}.wav", clip, corpus.sr)
    return folder


@pytest.mark.parametrize("model", ["baseline", "cnn-lstm"])
@pytest.mark.parametrize("as_pickle", [False, True])
def test_train_then_predict_a_folder(model, as_pickle, wav_folder, tmp_path, capsys):
    model_file = tmp_path / "model.skops"
    assert (
        main(
            [
                "train",
                "--model",
                model,
                "--epochs",
                "1",
                "--max-clips",
                "40",
                "--out",
                str(model_file),
            ]
        )
        == 0
    )
    saved = load_model(model_file, return_metadata=True)[1]
    assert saved["format"] == "sklearn_ser-model" and saved["model"] == model
    capsys.readouterr()
    if as_pickle:  # a pickle of the model, as a user brings one
        model_file = tmp_path / "model.joblib"
        joblib.dump(load_model(tmp_path / "model.skops"), model_file)

    allow = ["--allow-pickle"] if as_pickle else []
    assert main(["predict", str(model_file), str(wav_folder), "--format", "json", *allow]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(list(wav_folder.rglob("*.wav")))
    for row in rows:
        probabilities = [row[c] for c in saved["classes"]]
        assert sum(probabilities) == pytest.approx(1.0, abs=1e-5)
        assert row["label"] == saved["classes"][int(np.argmax(probabilities))]

    first = sorted(wav_folder.rglob("*.wav"))[0]
    assert main(["predict", str(model_file), str(first), "--format", "csv", *allow]) == 0
    header, line = capsys.readouterr().out.splitlines()
    assert header.split(",")[:2] == ["file", "label"] and line.startswith(str(first))
    assert main(["predict", str(model_file), str(first), *allow]) == 0
    assert str(first) in capsys.readouterr().out


def test_predict_warns_on_one_line_when_the_input_is_unlike_the_training(
    wav_folder, tmp_path, capsys
):
    model_file = tmp_path / "model.pt"
    assert main(["train", "--model", "baseline", "--out", str(model_file)]) == 0
    quieter = tmp_path / "quieter"
    quieter.mkdir()
    for file in sorted(wav_folder.rglob("*.wav"))[:12]:
        samples, sr = soundfile.read(file)
        soundfile.write(quieter / file.name, samples / 10, sr)
    capsys.readouterr()

    assert main(["predict", str(model_file), str(wav_folder)]) == 0
    assert capsys.readouterr().err == ""
    assert main(["predict", str(model_file), str(quieter), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 12
    (line,) = captured.err.splitlines()
    assert line.startswith("sklearn-ser: warning: 12 clips unlike the training recordings: quieter")


def _error_line(capsys):
    """The one error line (after any progress bars), with no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("sklearn-ser: error:")]
    assert len(errors) == 1 and err.rstrip().endswith(errors[0])
    return errors[0]


def test_missing_data_path_is_a_user_error(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["evaluate", "--corpus", "emodb", "--data", str(missing)]) == 2
    assert f"data path not found: {missing}" in _error_line(capsys)


def test_corpus_without_data_option_is_a_user_error(capsys):
    assert main(["evaluate", "--corpus", "ravdess"]) == 2
    assert "--corpus ravdess takes 1 --data PATH" in _error_line(capsys)


def test_unknown_corpus_layout_is_a_user_error(wav_folder, capsys):
    assert (
        main(["evaluate", "--corpus", "ravdess", "--data", str(wav_folder), "--model", "baseline"])
        == 2
    )
    line = _error_line(capsys)
    assert "cannot load ravdess" in line and "does not follow the convention" in line


def test_folder_without_speakers_is_a_user_error(wav_folder, capsys):
    assert (
        main(["evaluate", "--corpus", "folder", "--data", str(wav_folder), "--model", "baseline"])
        == 2
    )
    assert "--speaker-pattern" in _error_line(capsys)


def test_a_file_that_is_not_our_model_is_a_user_error(tmp_path, wav_folder, capsys):
    foreign = tmp_path / "foreign.joblib"
    joblib.dump({"weights": [1, 2]}, foreign)
    text = tmp_path / "notes.txt"
    text.write_text("not a model")
    # A safe-format file of a model not written by `sklearn-ser train`.
    scaler = tmp_path / "scaler.pt"
    save_model(StandardScaler(), scaler)
    for path in (foreign, text):
        assert main(["predict", str(path), str(wav_folder)]) == 2
        assert f"{path} is not a model file in sklearn_ser's safe format" in _error_line(capsys)
    for path in (foreign, scaler):
        assert main(["predict", str(path), str(wav_folder), "--allow-pickle"]) == 2
        assert f"{path} is not a sklearn-ser model file" in _error_line(capsys)
    assert main(["predict", str(tmp_path / "absent.joblib"), str(wav_folder)]) == 2
    assert "model file not found" in _error_line(capsys)


def test_a_fifo_model_file_is_not_a_regular_file(make_fifo, wav_folder, capsys):
    fifo = make_fifo("model.pt")
    assert main(["predict", str(fifo), str(wav_folder), "--allow-pickle"]) == 2
    assert "model.pt is a FIFO, not a regular file" in _error_line(capsys)


class _CreatesAFile:
    """A pickle that creates a file when loaded: any code could run instead."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_predict_never_unpickles_without_allow_pickle(tmp_path, wav_folder, capsys):
    marker = tmp_path / "PWNED"
    for name in ("model.pt", "model.joblib"):
        (tmp_path / name).write_bytes(pickle.dumps(_CreatesAFile(marker)))
        assert main(["predict", str(tmp_path / name), str(wav_folder)]) == 2
        assert "--allow-pickle" in _error_line(capsys)
        assert not marker.exists()
    # Only when the user says so for this file: then it runs, with a warning.
    assert main(["predict", str(tmp_path / "model.pt"), str(wav_folder), "--allow-pickle"]) == 2
    assert "runs code stored in it" in capsys.readouterr().err
    assert marker.exists()


@pytest.fixture(scope="module")
def trained_baseline(tmp_path_factory):
    """A safe model file written by `train` (the logistic-regression baseline)."""
    path = tmp_path_factory.mktemp("trained") / "baseline.pt"
    assert main(["train", "--model", "baseline", "--max-clips", "40", "--out", str(path)]) == 0
    return path


def _tampered_copy(source, folder, edit):
    """A copy of the model file ``source`` whose header ``edit`` changed."""
    path = folder / "tampered.pt"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for name in original.namelist():
            content = original.read(name)
            if name == "sklearn_ser.json":
                header = json.loads(content)
                edit(header)
                content = json.dumps(header)
            copy.writestr(name, content)
    return path


def test_a_damaged_model_file_is_reported_as_damaged(
    trained_baseline, tmp_path, wav_folder, capsys
):
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(trained_baseline.read_bytes()[:1000])
    for options in ([], ["--allow-pickle"]):
        assert main(["predict", str(truncated), str(wav_folder), *options]) == 2
        assert "is a damaged or altered safe model file" in _error_line(capsys)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda metadata: metadata.update(classes=metadata["classes"][::-1]), "classes"),
        (lambda metadata: metadata.update(classes=metadata["classes"][:2]), "classes"),
        (lambda metadata: metadata.update(sr=8000), "sampling rate"),
        (lambda metadata: metadata.update(sr="16000"), "sampling rate"),
        (lambda metadata: metadata.pop("sr"), "sampling rate"),
        (lambda metadata: metadata.update(format_version="2"), "format_version"),
    ],
)
def test_metadata_that_disagrees_with_the_model_is_refused(
    edit, message, trained_baseline, tmp_path, wav_folder, capsys
):
    path = _tampered_copy(trained_baseline, tmp_path, lambda header: edit(header["metadata"]))
    assert main(["predict", str(path), str(wav_folder)]) == 2
    assert message in _error_line(capsys)


def test_metadata_that_is_not_an_object_is_refused(trained_baseline, tmp_path, wav_folder, capsys):
    path = _tampered_copy(trained_baseline, tmp_path, lambda header: header.update(metadata=[1, 2]))
    assert main(["predict", str(path), str(wav_folder)]) == 2
    assert "metadata is not a JSON object" in _error_line(capsys)


def test_non_finite_probabilities_are_an_error(trained_baseline, tmp_path, wav_folder, capsys):
    model, metadata = load_model(trained_baseline, return_metadata=True)
    model[-1].coef_[:] = np.nan
    path = tmp_path / "nan.pt"
    save_model(model, path, metadata={k: v for k, v in metadata.items() if k != "versions"})
    assert main(["predict", str(path), str(wav_folder)]) == 2
    assert "NaN or infinite probabilities" in _error_line(capsys)


def test_a_trained_model_loads_where_the_cli_cannot_be_imported(tmp_path, capsys):
    model_file = tmp_path / "model.skops"
    assert (
        main(
            [
                "train",
                "--model",
                "cnn-lstm",
                "--epochs",
                "1",
                "--max-clips",
                "40",
                "--out",
                str(model_file),
            ]
        )
        == 0
    )
    code = f"""
import sys
from pathlib import Path
sys.modules["sklearn_ser.cli"] = None  # any import of it now fails
import numpy as np
from sklearn_ser import load_model
model = load_model({str(model_file)!r})
proba = model.predict_proba([np.zeros(16000, dtype=np.float32)])
print(proba.shape, "sklearn_ser.cli" in sys.modules and sys.modules["sklearn_ser.cli"] is not None)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "(1, 4) False"


def test_missing_audio_input_is_a_user_error(tmp_path, capsys):
    model_file = tmp_path / "model.joblib"
    assert (
        main(["train", "--model", "baseline", "--max-clips", "40", "--out", str(model_file)]) == 0
    )
    capsys.readouterr()
    assert main(["predict", str(model_file), str(tmp_path / "absent.wav")]) == 2
    assert "audio file or folder not found" in _error_line(capsys)


def test_bad_cv_is_a_user_error(capsys):
    assert main(["evaluate", "--model", "baseline", "--cv", "group-kfold:99"]) == 2
    assert "need between 2 and 10 folds" in _error_line(capsys)


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "sklearn_ser", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("sklearn-ser ")


def test_evaluate_compares_models_side_by_side_and_resumes(tmp_path, capsys):
    argv = [
        "evaluate",
        "--model",
        "cnn-lstm",
        "baseline",
        "--speaker-norm",
        "--max-clips",
        "48",
        "--epochs",
        "1",
        "--cv",
        "group-kfold:2",
        "--out",
        str(tmp_path),
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "cnn-lstm + speaker norm" in out and "baseline + speaker norm" in out
    for name in ("cnn-lstm", "baseline"):
        results = json.loads((tmp_path / name / "results.json").read_text())
        assert results["run"]["speaker_norm"] is True
        assert sorted(p.name for p in (tmp_path / name / "folds").glob("fold_*.json")) == [
            "fold_0.json",
            "fold_1.json",
        ]
    first = json.loads((tmp_path / "baseline" / "results.json").read_text())
    (tmp_path / "baseline" / "folds" / "fold_1.json").unlink()  # as if stopped in fold 1
    (tmp_path / "baseline" / "results.json").unlink()
    assert main(argv) == 0  # the same command: finished folds are skipped
    again = json.loads((tmp_path / "baseline" / "results.json").read_text())
    assert (tmp_path / "baseline" / "folds" / "fold_1.json").exists()
    assert again["uar"] == first["uar"] and again["confusion_matrix"] == first["confusion_matrix"]


def test_speaker_norm_model_predicts_with_speakers_from_file_names(wav_folder, tmp_path, capsys):
    model_file = tmp_path / "model.joblib"
    assert (
        main(
            [
                "train",
                "--model",
                "baseline",
                "--speaker-norm",
                "--max-clips",
                "40",
                "--out",
                str(model_file),
            ]
        )
        == 0
    )
    capsys.readouterr()
    # Two "speakers" by file-name pattern: clip0xx and clip1xx.
    assert (
        main(
            [
                "predict",
                str(model_file),
                str(wav_folder),
                "--format",
                "json",
                "--speaker-pattern",
                r"clip(\d)",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(list(wav_folder.rglob("*.wav")))
    assert (
        main(["predict", str(model_file), str(wav_folder), "--speaker-pattern", r"speaker(\d)"])
        == 2
    )
    assert "does not match" in capsys.readouterr().err


def test_evaluate_gives_each_model_the_options_that_apply_to_it(tmp_path, capsys):
    argv = ["evaluate", "--model", "cnn-lstm", "baseline", "--speaker-norm", "--n-seeds", "2"]
    argv += ["--classifier", "svm"]
    argv += ["--max-clips", "48", "--epochs", "1", "--cv", "group-kfold:2", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "cnn-lstm (2 seeds) + speaker norm" in out
    assert "baseline (logmel, svm) + speaker norm" in out
    runs = {
        name: json.loads((tmp_path / name / "results.json").read_text())["run"]
        for name in ("cnn-lstm", "baseline")
    }
    assert (runs["cnn-lstm"]["n_seeds"], runs["baseline"]["n_seeds"]) == (2, 1)
    assert (runs["cnn-lstm"]["epochs"], runs["baseline"]["epochs"]) == (1, None)
    assert (runs["cnn-lstm"]["classifier"], runs["baseline"]["classifier"]) == (None, "svm")
    # The training curves of each fold are those of its first seed.
    assert (tmp_path / "cnn-lstm" / "training_curves_fold1.png").stat().st_size > 0


def test_train_saves_a_seed_ensemble_that_predicts(wav_folder, tmp_path, capsys):
    model_file = tmp_path / "seeds.pt"
    argv = ["train", "--n-seeds", "2", "--max-clips", "24", "--epochs", "1"]
    assert main([*argv, "--out", str(model_file)]) == 0
    model, facts = load_model(model_file, return_metadata=True)
    assert facts["n_seeds"] == 2 and len(model[-1].estimators_) == 2
    capsys.readouterr()
    assert main(["predict", str(model_file), str(wav_folder), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(list(wav_folder.rglob("*.wav")))
    assert {row["label"] for row in rows} <= set(facts["classes"])


@pytest.mark.slow
def test_train_and_predict_the_recommended_model_with_speaker_norm(wav_folder, tmp_path, capsys):
    model_file = tmp_path / "recommended.pt"
    argv = ["train", "--model", "recommended", "--speaker-norm", "--epochs", "1"]
    assert main([*argv, "--max-clips", "24", "--out", str(model_file)]) == 0
    model, facts = load_model(model_file, return_metadata=True)
    assert (facts["model"], facts["speaker_norm"], facts["epochs"]) == ("recommended", True, 1)
    assert [name for name, _ in model[-1].estimators] == [
        "cnn_lstm",
        "compare_svm",
        "egemaps_voice_svm",
    ]
    capsys.readouterr()
    predict = ["predict", str(model_file), str(wav_folder), "--format", "json"]
    assert main([*predict, "--speaker-pattern", r"clip(\d)"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(list(wav_folder.rglob("*.wav")))
    assert all(sum(row[c] for c in facts["classes"]) == pytest.approx(1.0) for row in rows)


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_n_seeds_must_be_a_positive_integer(value, capsys):
    assert main(["evaluate", "--n-seeds", value]) == 2
    assert f"--n-seeds: expected a positive integer, got '{value}'" in capsys.readouterr().err


def test_epochs_must_be_a_positive_integer(capsys):
    assert main(["evaluate", "--epochs", "0"]) == 2
    assert "--epochs: expected a positive integer, got '0'" in capsys.readouterr().err


def test_evaluate_baseline_on_chosen_features_records_them(tmp_path, capsys):
    argv = ["evaluate", "--model", "baseline", "--features", "logmel", "--classifier", "svm"]
    argv += ["--max-clips", "48", "--cv", "group-kfold:2", "--out", str(tmp_path)]
    assert main(argv) == 0
    run = json.loads((tmp_path / "results.json").read_text())["run"]
    assert (run["features"], run["classifier"]) == (["logmel"], "svm")
    assert "baseline (logmel, svm)" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--features", "egemaps"], ["--classifier", "svm"]])
def test_baseline_options_without_the_baseline_are_a_user_error(option, capsys):
    assert main(["train", "--model", "cnn-lstm", *option]) == 2
    err = capsys.readouterr().err
    assert "--features and --classifier apply to --model baseline only" in err


def test_feature_set_without_its_package_is_a_user_error(monkeypatch, capsys):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "resemblyzer" else real_find_spec(name, *a),
    )
    assert main(["evaluate", "--model", "baseline", "--features", "egemaps", "voice"]) == 2
    err = capsys.readouterr().err
    assert "--features: feature set voice needs the resemblyzer package" in err
    assert "[voice]" in err


@pytest.fixture(scope="module")
def long_recording(tmp_path_factory):
    """A 34-s WAV of 16 synthetic clips of one speaker apart, and where they are."""
    corpus = make_emotional_speech(n_speakers=1, n_utterances_per_emotion=4, random_state=1)
    recording = join_clips(corpus.data, gap=(0.8, 1.5), trim_db=40, random_state=0)
    path = tmp_path_factory.mktemp("long") / "call.wav"
    soundfile.write(path, recording.waveform, corpus.sr)
    return path, recording.segments


# ------------------------------------------------- interrupts and run files

# Runs the command line with an epoch callback that, once the file WAIT_FOR
# exists, announces the end of an epoch (the file READY) and waits there to
# be signalled, as a user pressing Ctrl-C in the middle of training.
# (The progress bar's class stays the same, so the run's parameters do too.)
SIGNALLED_RUN = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sklearn_ser.cli import main
    from sklearn_ser.estimators import EpochProgressBar

    ready, wait_for, argv = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    show_epoch = EpochProgressBar.on_epoch_end

    def on_epoch_end(self, net, **kwargs):
        show_epoch(self, net, **kwargs)
        if wait_for.exists():
            ready.touch()
            time.sleep(120)

    EpochProgressBar.on_epoch_end = on_epoch_end
    sys.exit(main(argv))
""")


def _signal_in_training(tmp_path, env, wait_for, argv, stop):
    """Run ``argv`` in a process, send it ``stop`` in the middle of an epoch
    once ``wait_for`` exists; its exit status and the last line of stderr."""
    script, ready = tmp_path / "signalled.py", tmp_path / "ready"
    script.write_text(SIGNALLED_RUN)
    process = subprocess.Popen(
        [sys.executable, str(script), str(ready), str(wait_for), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(stop)
    _, err = process.communicate(timeout=120)
    script.unlink()
    ready.unlink(missing_ok=True)
    assert "Traceback" not in err, err
    return process.returncode, err.splitlines()[-1]


def _comparable(results_file):
    """A results.json without what changes from run to run (times, versions),
    its training losses to 5 significant digits: a fold trained in another
    process may use another number of threads, which changes float sums in
    the last bits."""
    results = json.loads(results_file.read_text())
    for key in ("run", "folds"):
        results.pop(key)
    for history in results["histories"]:
        for epoch in history:
            epoch.pop("dur")
            for key, value in epoch.items():
                if isinstance(value, float):
                    epoch[key] = float(f"{value:.5g}")
    return results


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_evaluate_keeps_finished_folds_only_and_resumes(
    stop, tmp_path, subprocess_env, capsys
):
    out = tmp_path / "out"
    argv = ["evaluate", "--max-clips", "24", "--epochs", "2", "--cv", "group-kfold:2"]
    # Stopped in the first of two epochs of fold 1, fold 0 finished.
    status, last_line = _signal_in_training(
        tmp_path, subprocess_env, out / "folds" / "fold_0.json", [*argv, "--out", str(out)], stop
    )
    assert status == 128 + stop
    assert last_line == (
        f"sklearn-ser: interrupted by {stop.name}; finished folds are kept in {out}, "
        "the same command resumes"
    )
    assert sorted(p.name for p in out.rglob("*")) == ["fold_0.json", "folds", "run.json"]
    assert main([*argv, "--out", str(out)]) == 0
    assert main([*argv, "--out", str(tmp_path / "fresh")]) == 0
    assert _comparable(out / "results.json") == _comparable(tmp_path / "fresh" / "results.json")


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_train_leaves_the_existing_model_file_untouched(
    stop, tmp_path, subprocess_env
):
    out = tmp_path / "model.pt"
    out.write_bytes(b"a good model")
    argv = ["train", "--max-clips", "24", "--epochs", "2", "--out", str(out)]
    status, last_line = _signal_in_training(tmp_path, subprocess_env, out, argv, stop)
    assert status == 128 + stop
    assert last_line == f"sklearn-ser: interrupted by {stop.name}; nothing was written to {out}"
    assert out.read_bytes() == b"a good model"
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if any pipeline is fit."""

    def fit(*args, **kwargs):
        raise AssertionError("a model was trained before --out was checked")

    monkeypatch.setattr(Pipeline, "fit", fit)


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_an_out_that_cannot_be_written_fails_before_training(
    command, tmp_path, read_only_folder, no_training, capsys
):
    (tmp_path / "a-file").touch()
    outs = {
        "train": [
            (tmp_path, "is a folder, not a file"),
            (read_only_folder / "model.pt", f"{read_only_folder}: Permission denied"),
            (tmp_path / "a-file" / "model.pt", f"{tmp_path / 'a-file'}: is a file, not a folder"),
        ],
        "evaluate": [
            (tmp_path / "a-file", "is a file, not a folder"),
            (read_only_folder / "results", f"{read_only_folder}: Permission denied"),
        ],
    }[command]
    for out, problem in outs:
        assert main([command, "--model", "baseline", "--out", str(out)]) == 2
        assert (
            _error_line(capsys) == f"sklearn-ser: error: --out {out} cannot be written: {problem}"
        )


def test_evaluate_checks_the_folders_it_will_write_before_training(
    tmp_path, monkeypatch, no_training, capsys
):
    # Without --out: the default folder of the configuration.
    monkeypatch.chdir(tmp_path)
    Path("sklearn_ser_results").touch()
    assert main(["evaluate", "--model", "baseline"]) == 2
    line = _error_line(capsys)
    assert re.fullmatch(
        r"sklearn-ser: error: the default results folder sklearn_ser_results/"
        r"synthetic-[a-z0-9-]+-[0-9a-f]{8} cannot be written: "
        r"sklearn_ser_results: is a file, not a folder",
        line,
    ), line
    # Several models: the sub-folder of each under --out.
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "cnn-lstm").touch()
    argv = ["evaluate", "--model", "baseline", "cnn-lstm", "--out", str(tmp_path / "out")]
    assert main(argv) == 2
    assert _error_line(capsys) == (
        f"sklearn-ser: error: --out {tmp_path / 'out' / 'cnn-lstm'} cannot be written: "
        "is a file, not a folder"
    )


def _evaluate_baseline(out, *options):
    return main(
        ["evaluate", "--model", "baseline", "--max-clips", "24", "--cv", "group-kfold:2"]
        + ["--out", str(out), *options]
    )


def test_an_out_folder_of_another_model_is_a_user_error(tmp_path, capsys):
    assert _evaluate_baseline(tmp_path) == 0
    capsys.readouterr()
    assert _evaluate_baseline(tmp_path, "--classifier", "svm") == 2
    line = _error_line(capsys)
    assert f"checkpoint folder {tmp_path / 'folds'} holds the folds of a different run" in line


@pytest.mark.parametrize("name", ["run.json", "fold_1.json"])
def test_a_damaged_run_file_is_a_user_error_naming_it(name, tmp_path, capsys):
    assert _evaluate_baseline(tmp_path) == 0
    capsys.readouterr()
    damaged = tmp_path / "folds" / name
    damaged.write_text(damaged.read_text()[:20])  # cut short, as by a full disk
    assert _evaluate_baseline(tmp_path) == 2
    assert f"error: {damaged} is damaged (" in _error_line(capsys)


def test_an_out_folder_in_use_by_another_run_is_a_user_error(tmp_path, capsys):
    from sklearn_ser.evaluation._checkpoint import _FolderLock

    (tmp_path / "folds").mkdir()
    lock = _FolderLock(tmp_path / "folds" / "run.lock")
    lock.acquire()  # as another evaluate writing in the same folder would
    try:
        assert _evaluate_baseline(tmp_path) == 2
    finally:
        lock.release()
    assert f"is in use by another run (process {os.getpid()}" in _error_line(capsys)
    assert _evaluate_baseline(tmp_path) == 0  # free again


@pytest.mark.parametrize(
    "full", ["folds/fold_0.json", "folds/run.json", "results.json", "confusion_matrix.png"]
)
def test_a_full_disk_in_evaluate_is_a_user_error_naming_the_file(
    full, tmp_path, fill_disk_at, capsys
):
    (tmp_path / "folds").mkdir()
    fill_disk_at(tmp_path / full)
    assert _evaluate_baseline(tmp_path) == 2
    line = _error_line(capsys)
    assert "No space left on device" in line and full.split("/")[-1] in line
    assert not list(tmp_path.rglob(".*.tmp"))


def test_a_full_disk_in_train_is_a_user_error_and_keeps_the_old_model(
    tmp_path, fill_disk_at, capsys
):
    out = tmp_path / "model.pt"
    out.write_bytes(b"a good model")
    fill_disk_at(out)
    argv = ["train", "--model", "baseline", "--max-clips", "24"]
    assert main([*argv, "--out", str(out)]) == 2
    assert f"error: cannot write --out {out}: No space left on device" in _error_line(capsys)
    assert out.read_bytes() == b"a good model"
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]


@pytest.mark.parametrize(
    "option, message",
    [
        (["--max-clips", "0"], "--max-clips: expected a positive integer, got '0'"),
        (["--max-clips", "-5"], "--max-clips: expected a positive integer, got '-5'"),
        (["--n-jobs", "0"], "--n-jobs: expected a non-zero integer (-1: all CPUs), got '0'"),
        (["--seed", "-1"], "--seed: expected an integer from 0 to 4294967295, got '-1'"),
        (["--seed", str(2**32)], "--seed: expected an integer from 0 to 4294967295"),
        (["--device", "gpu"], "--device: device='gpu' is not a torch device"),
        (["--speaker-pattern", "(?P<speaker>x"], "--speaker-pattern: '(?P<speaker>x' is not a"),
    ],
)
def test_out_of_range_options_are_one_line_usage_errors(option, message, wav_folder, capsys):
    argv = ["evaluate", "--model", "baseline", "--corpus", "folder", "--data", str(wav_folder)]
    assert main([*argv, *option]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
@pytest.mark.parametrize("command", ["evaluate", "train"])
def test_cuda_without_cuda_is_a_usage_error(command, tmp_path, capsys):
    argv = [command, "--device", "cuda", "--epochs", "1", "--max-clips", "24"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--device: device='cuda' was requested but CUDA is not available" in err


def test_seed_ensemble_past_the_last_seed_is_a_user_error(tmp_path, capsys):
    argv = ["train", "--seed", str(2**32 - 1), "--n-seeds", "2", "--out", str(tmp_path / "m.pt")]
    assert main(argv) == 2
    assert "needs seeds up to 4294967296" in _error_line(capsys)


@pytest.fixture(scope="module")
def baseline_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "baseline.pt"
    assert main(["train", "--model", "baseline", "--max-clips", "40", "--out", str(path)]) == 0
    return path


def test_predict_segments_writes_one_row_per_segment_and_the_plot(
    baseline_model, long_recording, tmp_path, capsys
):
    path, truth = long_recording
    capsys.readouterr()
    plot = tmp_path / "timeline.png"
    command = ["predict", str(baseline_model), str(path), "--segments", "--plot", str(plot)]
    assert main([*command, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header, rows = lines[0].split(","), [line.split(",") for line in lines[1:]]
    assert header[:4] == ["file", "start", "end", "label"] and len(header) == 8
    starts = np.array([float(row[1]) for row in rows])
    assert len(rows) == len(truth)
    np.testing.assert_allclose(starts, truth[:, 0] - 0.1, atol=0.1)  # padded by 0.1 s
    assert all(row[3] in header[4:] for row in rows)
    assert plot.read_bytes().startswith(b"\x89PNG")
    # The table format holds the same rows.
    assert main(command[:4]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(truth) + 1


def test_predict_fixed_windows_as_json(baseline_model, long_recording, capsys):
    path, _ = long_recording
    capsys.readouterr()
    command = ["predict", str(baseline_model), str(path), "--window", "2", "--hop", "1.5"]
    assert main([*command, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    starts = [row["start"] for row in rows]
    assert starts[:3] == [0.0, 1.5, 3.0] and all(row["end"] - row["start"] <= 2 for row in rows)
    assert rows[-1]["end"] == pytest.approx(soundfile.info(path).duration)


def test_a_long_file_without_segments_gets_a_hint(
    baseline_model, long_recording, wav_folder, capsys
):
    path, _ = long_recording
    capsys.readouterr()
    assert main(["predict", str(baseline_model), str(path)]) == 0
    # One line (the clip may also be unlike the training ones: another line).
    (hint,) = [line for line in capsys.readouterr().err.splitlines() if "--segments" in line]
    assert "call.wav lasts 34 s" in hint
    clip = sorted(wav_folder.rglob("*.wav"))[0]
    assert main(["predict", str(baseline_model), str(clip)]) == 0
    assert "--segments" not in capsys.readouterr().err


def test_predict_reads_folders_and_named_files_by_one_rule_and_says_what_it_skipped(
    baseline_model, tmp_path, make_fifo, capsys
):
    clip = make_emotional_speech(n_speakers=2, n_utterances_per_emotion=1, random_state=0)
    soundfile.write(tmp_path / "a.wav", clip.data[0], clip.sr)
    soundfile.write(tmp_path / "b.mp3", clip.data[1], clip.sr)
    soundfile.write(tmp_path / "c.opus", clip.data[2], clip.sr, format="OGG", subtype="OPUS")
    (tmp_path / "notes.txt").write_text("not audio")
    fifo = make_fifo("pipe.wav")
    capsys.readouterr()
    assert main(["predict", str(baseline_model), str(tmp_path), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert [row["file"].rsplit("/", 1)[1] for row in json.loads(out)] == [
        "a.wav",
        "b.mp3",
        "c.opus",
    ]
    assert "skipped 2 file(s)" in err and "notes.txt (not an audio file" in err
    assert "pipe.wav (a FIFO, not a regular file)" in err
    assert main(["predict", str(baseline_model), str(tmp_path / "b.mp3")]) == 0
    assert main(["predict", str(baseline_model), str(fifo)]) == 2
    assert "pipe.wav is a FIFO, not a regular file" in _error_line(capsys)


def test_help_gives_each_corpus_its_default_cv(capsys):
    assert main(["evaluate", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "default depends on the corpus" not in help_text
    for corpus in CORPUS_NAMES:
        spec = default_cv_spec(corpus)
        named = re.search(rf"{re.escape(spec)} for ([\w\-, ]+)", help_text)
        assert named and corpus in named.group(1).split(", "), (corpus, spec)


def test_a_wrong_data_folder_is_reported_in_the_words_of_the_command_line(wav_folder, capsys):
    argv = ["evaluate", "--corpus", "emodb", "--data", str(wav_folder), "--model", "baseline"]
    assert main(argv) == 2
    line = _error_line(capsys)
    assert "does not follow the convention" in line and "on_error" not in line
    assert line.endswith("check that --data is the emodb folder, or fix or remove the bad files")


def test_evaluate_by_default_gives_each_configuration_its_own_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ["evaluate", "--model", "baseline", "--max-clips", "48", "--cv", "group-kfold:2"]
    assert main(argv) == 0
    (first,) = (tmp_path / "sklearn_ser_results").iterdir()
    finished = {p.name: p.stat().st_mtime_ns for p in (first / "folds").glob("fold_*.json")}
    for options in (["--speaker-norm"], ["--classifier", "svm"], []):
        assert main([*argv, *options]) == 0
    folders = sorted(p.name for p in (tmp_path / "sklearn_ser_results").iterdir())
    assert len(folders) == 3 and all(name.startswith("synthetic-baseline-") for name in folders)
    assert any("-speaker-norm-" in name for name in folders)
    # The same command found its folder again and reused the finished folds.
    assert {p.name: p.stat().st_mtime_ns for p in (first / "folds").glob("fold_*.json")} == (
        finished
    )


def test_merge_and_emotions_reach_training_and_prediction(wav_folder, tmp_path, capsys):
    model_file = tmp_path / "model.pt"
    edit = ["--merge", "happy=neutral", "--emotions", "neutral", "angry", "sad"]
    train = ["train", "--model", "baseline", "--max-clips", "40"]
    assert main([*train, *edit, "--out", str(model_file)]) == 0
    model, saved = load_model(model_file, return_metadata=True)
    assert list(model.classes_) == ["angry", "neutral", "sad"]
    assert saved["merge"] == {"happy": "neutral"}
    assert saved["emotions"] == ["neutral", "angry", "sad"]
    capsys.readouterr()

    predict = ["predict", str(model_file), str(wav_folder), "--format", "json"]
    assert main([*predict, "--merge", "sad=angry", "--emotions", "angry", "neutral"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(list(wav_folder.rglob("*.wav")))
    for row in rows:
        assert set(row) == {"file", "label", "angry", "neutral"}
        assert row["angry"] + row["neutral"] == pytest.approx(1.0)
        assert row["label"] == max(["angry", "neutral"], key=row.get)

    assert main([*predict, "--emotions", "happy"]) == 2
    assert "--merge/--emotions: cannot keep unknown labels ['happy']" in _error_line(capsys)


def test_emotions_reach_evaluation(tmp_path, capsys):
    argv = ["evaluate", "--model", "baseline", "--cv", "group-kfold:2", "--out", str(tmp_path)]
    assert main([*argv, "--max-clips", "40", "--emotions", "sad", "angry"]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["labels"] == ["angry", "sad"] and results["run"]["emotions"] == ["sad", "angry"]
    assert results["n_samples"] == 20


def test_label_edit_errors_are_one_line(tmp_path, capsys):
    argv = ["train", "--model", "baseline", "--emotions", "angy", "--out", str(tmp_path / "m")]
    assert main(argv) == 2
    assert "--merge/--emotions: cannot keep unknown labels ['angy']" in _error_line(capsys)


def test_merge_needs_label_pairs(capsys):
    assert main(["train", "--merge", "calm"]) == 2
    assert "--merge: expected LABEL=NEW_LABEL, got 'calm'" in capsys.readouterr().err
    assert main(["train", "--merge", "happy=neutral", "calm=sad", "--merge", "happy=sad"]) == 2
    assert "--merge: happy= is given twice: neutral and sad" in capsys.readouterr().err


def test_several_corpora_are_combined(ravdess_path, ased_path, tmp_path, capsys):
    model_file = tmp_path / "model.skops"
    argv = ["train", "--model", "baseline", "--out", str(model_file)]
    argv += ["--corpus", "ravdess", "ased", "--data", str(ravdess_path), str(ased_path)]
    assert main([*argv, "--max-clips", "12"]) == 0
    assert "trained on 24 ravdess+ased clips" in capsys.readouterr().out
    assert load_model(model_file, return_metadata=True)[1]["corpus"] == ["ravdess", "ased"]


@pytest.mark.parametrize(
    "options, message",
    [
        (
            ["--corpus", "ravdess", "ased", "--data", "x"],
            "--corpus ravdess ased takes 2 --data PATH",
        ),
        (["--corpus", "ravdess", "--data", "x", "y"], "--corpus ravdess takes 1 --data PATH"),
        (
            ["--corpus", "ased", "ased", "--data", "x", "y"],
            "--corpus names a corpus twice: ased ased",
        ),
        (["--corpus", "synthetic", "--data", "x"], "--corpus synthetic takes 0 --data PATH"),
        (["--speaker-pattern", "(x)"], "a speaker pattern applies to the 'folder' corpus only"),
    ],
)
def test_corpus_and_data_must_pair_up(options, message, capsys):
    assert main(["train", *options]) == 2
    assert message in _error_line(capsys)


@pytest.fixture(scope="module")
def two_corpora(tmp_path_factory):
    """Synthetic speech named as RAVDESS (4 emotions) and as ASED (3: no happy)."""
    corpus = make_emotional_speech(n_speakers=4, n_utterances_per_emotion=2, random_state=0)
    root = tmp_path_factory.mktemp("corpora")
    (root / "ravdess").mkdir()
    (root / "ased").mkdir()
    codes = {
        "neutral": ("01", "n1"),
        "happy": ("03", "h3"),
        "sad": ("04", "s4"),
        "angry": ("05", "a5"),
    }
    takes = {}
    for clip, label, speaker in zip(corpus.data, corpus.target, corpus.groups):
        number = int(speaker.rsplit("_", 1)[1]) + 1
        take = takes[speaker, label] = takes.get((speaker, label), 0) + 1
        ravdess, ased = codes[label]
        soundfile.write(
            root / "ravdess" / f"03-01-{ravdess}-01-01-0{take}-{number:02d}.wav", clip, corpus.sr
        )
        if label != "happy":
            soundfile.write(
                root / "ased" / f"{ased}-01-0{take}-01-{number:02d}.wav", clip, corpus.sr
            )
    return root


def _cross_corpus(two_corpora, *options):
    return [
        "evaluate", "--model", "baseline", "--corpus", "ravdess", "ased",
        "--data", str(two_corpora / "ravdess"), str(two_corpora / "ased"), *options,
    ]  # fmt: skip


def test_evaluate_leave_one_corpus_out(two_corpora, tmp_path, capsys):
    assert main([*_cross_corpus(two_corpora), "--out", str(tmp_path)]) == 0  # the default cv
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["run"]["cv"] == "leave-one-corpus-out"
    assert [fold["speakers"][0].split("/")[0] for fold in results["folds"]] == ["ased", "ravdess"]
    per_corpus = results["per_corpus"]
    # ASED has no happy: RAVDESS is tested on its other 3 emotions only (8 clips each)
    assert per_corpus["ravdess"]["n"] == 24 and per_corpus["ased"]["n"] == 24
    assert results["labels"] == ["angry", "neutral", "sad"]
    assert set(per_corpus["ased"]["per_class_recall"]) == {"angry", "neutral", "sad"}
    out = capsys.readouterr().out
    assert "test corpus" in out and "most predicted" in out
    # resumable like the other protocols: the finished folds are read back
    folds = {p: p.stat().st_mtime_ns for p in (tmp_path / "folds").glob("fold_*")}
    assert len(folds) == 2
    assert main([*_cross_corpus(two_corpora), "--out", str(tmp_path)]) == 0
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "folds").glob("fold_*")} == folds
    assert json.loads((tmp_path / "results.json").read_text())["per_corpus"] == per_corpus


def test_evaluate_train_on_one_corpus_test_on_another(two_corpora, tmp_path, capsys):
    argv = _cross_corpus(two_corpora, "--cv", "ravdess:ased", "--merge", "sad=angry")
    assert main([*argv, "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert list(results["per_corpus"]) == ["ased"] and results["n_folds"] == 1
    assert results["labels"] == ["angry", "neutral"]
    assert results["per_corpus"]["ased"]["n"] == 24


@pytest.mark.parametrize(
    "options, message",
    [
        (
            ["--cv", "ravdess:emodb"],
            "--cv ravdess:emodb: corpora ['emodb'] are not in the data",
        ),
        (["--cv", "ravdess:ravdess"], "both trained and tested on"),
        (["--cv", "ased:ravdess", "--emotions", "happy"], "corpora ['ased'] are not in the data"),
    ],
)
def test_cross_corpus_cv_errors(two_corpora, options, message, tmp_path, capsys):
    assert main([*_cross_corpus(two_corpora, *options), "--out", str(tmp_path)]) == 2
    assert message in _error_line(capsys)


def test_leave_one_corpus_out_needs_several_corpora(tmp_path, capsys):
    assert main(["evaluate", "--cv", "leave-one-corpus-out", "--out", str(tmp_path)]) == 2
    assert "needs several corpora" in _error_line(capsys)


@pytest.fixture(scope="module")
def synthetic_model(tmp_path_factory):
    """A baseline trained on the embedded corpus (neutral, happy, sad, angry)."""
    model_file = tmp_path_factory.mktemp("model") / "model.pt"
    argv = ["train", "--model", "baseline", "--max-clips", "40"]
    assert main([*argv, "--out", str(model_file)]) == 0
    return model_file


def _printed_uar(text):
    return float(text.split("UAR ")[1].split(" %")[0])


def test_predict_scores_against_a_corpus_naming(synthetic_model, two_corpora, tmp_path, capsys):
    from sklearn.metrics import balanced_accuracy_score

    from sklearn_ser.datasets import parse_filenames

    out = tmp_path / "predictions.csv"
    folder = two_corpora / "ravdess"
    argv = ["predict", str(synthetic_model), str(folder), "--corpus", "ravdess"]
    assert main([*argv, "--format", "csv", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    with out.open() as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 32
    y_true = parse_filenames([row["file"] for row in rows], "ravdess").target
    y_pred = [row["label"] for row in rows]
    expected = 100 * balanced_accuracy_score(y_true, y_pred)
    assert _printed_uar(printed) == pytest.approx(expected, abs=0.05)
    assert "true \\ predicted" in printed and "recall %" in printed


def test_predict_scores_against_a_labels_csv(synthetic_model, two_corpora, tmp_path, capsys):
    files = sorted((two_corpora / "ased").glob("*.wav"))  # 8 angry, 8 neutral, 8 sad
    labels_csv = tmp_path / "labels.csv"
    names = {"n": "calm", "s": "sad", "a": "angry"}  # calm: a class the model lacks
    lines = [f"{file},{names[file.name[0]]}" for file in files[:-2]]  # 2 sad unlabelled
    labels_csv.write_text("file,label\n" + "\n".join(lines) + "\n")
    argv = ["predict", str(synthetic_model), str(two_corpora / "ased"), "--labels", str(labels_csv)]
    assert main([*argv, "--format", "json"]) == 0
    captured = capsys.readouterr()
    rows = json.loads(captured.out)  # stdout stays JSON: the scores go to stderr
    assert len(rows) == 24
    assert "2 files have no label" in captured.err
    assert "emotions the model does not predict are not scored: calm 8" in captured.err
    assert "14 predictions: UAR" in captured.err

    assert main([*argv, "--format", "json", "--emotions", "sad", "angry"]) == 0
    captured = capsys.readouterr()
    assert {key for row in json.loads(captured.out) for key in row} == {
        "file",
        "label",
        "angry",
        "sad",
    }
    assert "8 labelled files are outside the emotions kept: not scored" in captured.err
    assert "14 predictions: UAR" in captured.err


@pytest.mark.parametrize(
    "options, message",
    [
        (["--corpus", "emodb"], "--corpus emodb: EmoDB file name"),
        (["--labels", "missing.csv"], "--labels: cannot read missing.csv"),
    ],
)
def test_predict_label_sources_errors(synthetic_model, two_corpora, options, message, capsys):
    assert main(["predict", str(synthetic_model), str(two_corpora / "ased"), *options]) == 2
    assert message in _error_line(capsys)


@pytest.fixture(scope="module")
def speaker_norm_model(tmp_path_factory):
    model_file = tmp_path_factory.mktemp("model") / "model.pt"
    argv = ["train", "--model", "baseline", "--speaker-norm", "--max-clips", "40"]
    assert main([*argv, "--out", str(model_file)]) == 0
    return model_file


def _api_probabilities(model_file, files, groups):
    from sklearn import config_context

    from sklearn_ser.datasets import read_audio

    model = load_model(model_file)
    with config_context(enable_metadata_routing=True):
        return model.predict_proba([read_audio(f) for f in files], groups=np.asarray(groups))


def test_predict_normalises_each_folder_as_one_speaker(speaker_norm_model, two_corpora, capsys):
    assert main(["predict", str(speaker_norm_model), str(two_corpora), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "the files of each folder are normalised together, as one speaker (2 folders)" in (
        captured.err
    )
    rows = json.loads(captured.out)
    files = [row["file"] for row in rows]
    printed = np.array([[row[c] for c in ("angry", "happy", "neutral", "sad")] for row in rows])
    by_folder = _api_probabilities(speaker_norm_model, files, [Path(f).parent.name for f in files])
    np.testing.assert_allclose(printed, by_folder, atol=1e-6)
    # ... which is not what one speaker for all the files gives
    as_one = _api_probabilities(speaker_norm_model, files, ["all"] * len(files))
    assert np.abs(printed - as_one).max() > 1e-3


def test_predict_takes_the_speakers_of_a_corpus_naming(speaker_norm_model, two_corpora, capsys):
    folder = two_corpora / "ravdess"
    argv = ["predict", str(speaker_norm_model), str(folder), "--corpus", "ravdess"]
    assert main([*argv, "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "normalised together" not in captured.err
    rows = json.loads(captured.out)
    files = [row["file"] for row in rows]
    actors = [Path(f).stem[-2:] for f in files]
    printed = np.array([[row[c] for c in ("angry", "happy", "neutral", "sad")] for row in rows])
    np.testing.assert_allclose(
        printed, _api_probabilities(speaker_norm_model, files, actors), atol=1e-6
    )


@pytest.mark.parametrize(
    "options, message",
    [
        (["--hop", "1"], "--hop needs --window"),
        (["--plot", "x.png"], "--plot needs --segments or --window"),
        (["--segments", "--speaker-pattern", "(x)"], "--speaker-pattern does not apply"),
        (["--segments", "--corpus", "ravdess"], "--labels and --corpus score whole files"),
        (["--window", "2", "--labels", "x.csv"], "they do not apply to --segments or --window"),
        (["--segments", "--plot", "a-file/x.png"], "--plot a-file/x.png cannot be written"),
    ],
)
def test_segment_options_out_of_place_are_user_errors(
    baseline_model, long_recording, options, message, capsys, monkeypatch, tmp_path
):
    path, _ = long_recording
    monkeypatch.chdir(tmp_path)
    Path("a-file").touch()
    assert main(["predict", str(baseline_model), str(path), *options]) == 2
    assert message in _error_line(capsys)


def test_segments_take_merge_and_emotions_and_go_to_out(
    baseline_model, long_recording, tmp_path, capsys
):
    path, truth = long_recording
    out = tmp_path / "segments.csv"
    command = ["predict", str(baseline_model), str(path), "--segments", "--format", "csv"]
    edit = ["--merge", "happy=neutral", "--emotions", "neutral", "angry"]
    assert main([*command, *edit, "--out", str(out)]) == 0
    assert capsys.readouterr().err.strip().endswith(f"wrote {len(truth)} predictions to {out}")
    with out.open() as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == ["file", "start", "end", "label", "angry", "neutral"]
    assert len(rows) == len(truth)
    for row in rows:
        assert float(row["angry"]) + float(row["neutral"]) == pytest.approx(1.0)
        assert row["label"] == max(["angry", "neutral"], key=lambda c: float(row[c]))


@pytest.mark.parametrize("options", [["--window", "0"], ["--segments", "--window", "2"]])
def test_bad_window_options_are_usage_errors(baseline_model, long_recording, options, capsys):
    path, _ = long_recording
    assert main(["predict", str(baseline_model), str(path), *options]) == 2
