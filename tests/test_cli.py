import importlib.util
import json
import subprocess
import sys

import joblib
import numpy as np
import pytest
import soundfile
from sklearn.preprocessing import StandardScaler

from sklearn_ser import load_model, save_model
from sklearn_ser.cli import _make_model, _max_epochs, _parser, main
from sklearn_ser.datasets import make_emotional_speech


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
    assert "mean ± std" in capsys.readouterr().out


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


@pytest.fixture(scope="module")
def wav_folder(tmp_path_factory):
    corpus = make_emotional_speech(n_speakers=4, n_utterances_per_emotion=3, random_state=0)
    folder = tmp_path_factory.mktemp("wavs")
    for i, (clip, label) in enumerate(zip(corpus.data, corpus.target)):
        (folder / label).mkdir(exist_ok=True)
        soundfile.write(folder / label / f"clip{i:03d}.wav", clip, corpus.sr)
    return folder


@pytest.mark.parametrize(
    "model, file_format",
    [
        ("baseline", "joblib"),
        ("cnn-lstm", "joblib"),
        ("baseline", "safe"),
        ("cnn-lstm", "safe"),
    ],
)
def test_train_then_predict_a_folder(model, file_format, wav_folder, tmp_path, capsys):
    model_file = tmp_path / f"model.{file_format}"
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
                "--format",
                file_format,
                "--out",
                str(model_file),
            ]
        )
        == 0
    )
    if file_format == "joblib":
        saved = joblib.load(model_file)
    else:
        saved = load_model(model_file, return_metadata=True)[1]
    assert saved["format"] == "sklearn_ser-model" and saved["model_name"] == model
    capsys.readouterr()

    assert main(["predict", str(model_file), str(wav_folder), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(list(wav_folder.rglob("*.wav")))
    for row in rows:
        probabilities = [row[c] for c in saved["classes"]]
        assert sum(probabilities) == pytest.approx(1.0, abs=1e-5)
        assert row["label"] == saved["classes"][int(np.argmax(probabilities))]

    first = sorted(wav_folder.rglob("*.wav"))[0]
    assert main(["predict", str(model_file), str(first), "--format", "csv"]) == 0
    header, line = capsys.readouterr().out.splitlines()
    assert header.split(",")[:2] == ["file", "label"] and line.startswith(str(first))
    assert main(["predict", str(model_file), str(first)]) == 0
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
    assert "--corpus ravdess needs --data PATH" in _error_line(capsys)


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
    for path in (foreign, text, scaler):
        assert main(["predict", str(path), str(wav_folder)]) == 2
        assert f"{path} is not a sklearn-ser model file" in _error_line(capsys)
    assert main(["predict", str(tmp_path / "absent.joblib"), str(wav_folder)]) == 2
    assert "model file not found" in _error_line(capsys)


def test_a_trained_pickle_loads_where_the_cli_cannot_be_imported(tmp_path, capsys):
    model_file = tmp_path / "model.joblib"
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
                "--format",
                "joblib",
                "--out",
                str(model_file),
            ]
        )
        == 0
    )
    code = f"""
import sys
sys.modules["sklearn_ser.cli"] = None  # any import of it now fails
import joblib, numpy as np
saved = joblib.load({str(model_file)!r})
proba = saved["model"].predict_proba([np.zeros(16000, dtype=np.float32)])
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


def test_evaluate_averages_seeds_of_the_neural_model_only(tmp_path, capsys):
    argv = ["evaluate", "--model", "cnn-lstm", "baseline", "--speaker-norm", "--n-seeds", "2"]
    argv += ["--max-clips", "48", "--epochs", "1", "--cv", "group-kfold:2", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "cnn-lstm (2 seeds) + speaker norm" in out and "baseline + speaker norm" in out
    runs = {
        name: json.loads((tmp_path / name / "results.json").read_text())["run"]
        for name in ("cnn-lstm", "baseline")
    }
    assert (runs["cnn-lstm"]["n_seeds"], runs["baseline"]["n_seeds"]) == (2, 1)
    assert (runs["cnn-lstm"]["epochs"], runs["baseline"]["epochs"]) == (1, None)
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


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_n_seeds_must_be_a_positive_integer(value, capsys):
    assert main(["evaluate", "--n-seeds", value]) == 2
    assert f"--n-seeds: expected a positive integer, got '{value}'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "corpus, model, epochs",
    [
        ("synthetic", "cnn-lstm", 60),
        ("ravdess", "cnn-lstm", 60),
        ("ravdess", "transformer-cnn", 100),
    ],
)
def test_epochs_default_to_each_models_recipe(corpus, model, epochs):
    args = _parser().parse_args(["train", "--corpus", corpus, "--model", model])
    assert _max_epochs(_make_model(model, args, sr=16000)) == epochs
    args = _parser().parse_args(["train", "--corpus", corpus, "--model", model, "--epochs", "3"])
    assert _max_epochs(_make_model(model, args, sr=16000)) == 3


def test_epochs_must_be_a_positive_integer(capsys):
    assert main(["evaluate", "--epochs", "0"]) == 2
    assert "--epochs: expected a positive integer, got '0'" in capsys.readouterr().err


def test_baseline_features_and_classifier_reach_the_pipeline():
    args = _parser().parse_args(
        ["train", "--model", "baseline", "--features", "logmel", "egemaps", "--classifier", "svm"]
    )
    pipe = _make_model("baseline", args, sr=16000)
    logmel, egemaps = (part for _, part in pipe.named_steps["featureunion"].transformer_list)
    assert type(logmel[0]).__name__ == "LogMelTransformer"
    assert type(egemaps).__name__ == "OpenSmileTransformer"
    assert pipe[-1].estimator.kernel == "rbf"
    args = _parser().parse_args(["train", "--model", "baseline"])
    pipe = _make_model("baseline", args, sr=16000)
    assert type(pipe[-1]).__name__ == "LogisticRegression"


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
    assert f"{option[0]} applies to --model baseline only" in capsys.readouterr().err


def test_feature_set_without_its_package_is_a_user_error(monkeypatch, capsys):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "resemblyzer" else real_find_spec(name, *a),
    )
    assert main(["evaluate", "--model", "baseline", "--features", "egemaps", "voice"]) == 2
    err = capsys.readouterr().err
    assert "--features voice needs the resemblyzer package" in err and "[voice]" in err
