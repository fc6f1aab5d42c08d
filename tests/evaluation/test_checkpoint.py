import json
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from skorch.callbacks import Callback

from sklearn_ser import CNNLSTMClassifier
from sklearn_ser.evaluation import evaluate_speaker_independent
from sklearn_ser.exceptions import CheckpointError

# The third fit of this script kills its own process (SIGKILL: no cleanup,
# no exception handler) when KILL_IN_FOLD is set, as a stopped session would.
SCRIPT = textwrap.dedent("""
    import json, os, signal, sys
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn_ser.evaluation import evaluate_speaker_independent

    class KilledInFold(LogisticRegression):
        fits = 0

        def fit(self, X, y, sample_weight=None):
            KilledInFold.fits += 1
            if os.environ.get("KILL_IN_FOLD") and KilledInFold.fits == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return super().fit(X, y, sample_weight)

    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(5), 10)
    y = np.tile(["calm", "angry"], 25)
    X = np.c_[rng.normal(size=50) + (y == "angry"), groups / 2.0]
    report = evaluate_speaker_independent(KilledInFold(), X, y, groups, cv=5, progress=False,
                                          checkpoint_dir=sys.argv[1])
    result = report.to_dict()
    result.pop("folds")  # fit times differ from run to run
    print(json.dumps({"result": result, "proba": [p.tolist() for p in report.fold_proba]}))
""")


def _run(tmp_path, folder, env, kill=False):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    return subprocess.run(
        [sys.executable, str(script), str(folder)],
        capture_output=True,
        text=True,
        env={**env, "KILL_IN_FOLD": "1"} if kill else env,
    )


def test_resume_after_a_kill_gives_the_uninterrupted_report(tmp_path, subprocess_env):
    killed = _run(tmp_path, tmp_path / "resumed", subprocess_env, kill=True)
    assert killed.returncode != 0
    finished = sorted(p.name for p in (tmp_path / "resumed").glob("fold_*.json"))
    assert finished == ["fold_0.json", "fold_1.json"]  # on disk when it died
    resumed = _run(tmp_path, tmp_path / "resumed", subprocess_env)
    fresh = _run(tmp_path, tmp_path / "fresh", subprocess_env)
    assert resumed.returncode == fresh.returncode == 0, resumed.stderr + fresh.stderr
    assert json.loads(resumed.stdout) == json.loads(fresh.stdout)
    assert not list((tmp_path / "resumed").glob(".*tmp"))


def _evaluate_in(folder, classifier, reverse_labels=False, noise=0.0):
    """Two speaker-grouped folds of a small two-class problem, checkpointed in folder."""
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(4), 6)
    y = np.tile(["calm", "angry"], 12)
    X = rng.normal(size=(24, 2)) + (y == "angry")[:, None]
    X += noise * rng.normal(size=X.shape)
    if reverse_labels:
        y = y[::-1]
    return evaluate_speaker_independent(
        classifier, X, y, groups, cv=2, progress=False, checkpoint_dir=folder
    )


def test_finished_folds_are_skipped_and_another_run_is_refused(tmp_path, monkeypatch):
    first = _evaluate_in(tmp_path, LogisticRegression())

    def no_fit(*args, **kwargs):
        raise AssertionError("a finished fold was fitted again")

    monkeypatch.setattr(LogisticRegression, "fit", no_fit)
    assert _evaluate_in(tmp_path, LogisticRegression()).to_dict() == first.to_dict()
    with pytest.raises(ValueError, match=r"different run \(parameters \['C'\] differ\)"):
        _evaluate_in(tmp_path, LogisticRegression(C=2.0))
    with pytest.raises(ValueError, match="the labels, speakers or folds differ"):
        _evaluate_in(tmp_path, LogisticRegression(), reverse_labels=True)


def test_other_input_data_with_the_same_labels_and_speakers_is_refused(tmp_path):
    # As a noisy copy of a corpus: same files, labels and speakers, other audio.
    _evaluate_in(tmp_path, LogisticRegression())
    with pytest.raises(CheckpointError, match=r"different run \(the input data .* differ\)"):
        _evaluate_in(tmp_path, LogisticRegression(), noise=0.1)


def test_a_run_recorded_without_the_input_fingerprint_is_refused(tmp_path):
    _evaluate_in(tmp_path, LogisticRegression())
    run_file = tmp_path / "run.json"
    recorded = json.loads(run_file.read_text())
    del recorded["input_sha256"]
    run_file.write_text(json.dumps(recorded))
    with pytest.raises(CheckpointError, match="before the input data were fingerprinted"):
        _evaluate_in(tmp_path, LogisticRegression())


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("run.json", '{"estimator": "Logis', "Unterminated string"),
        ("run.json", "[1, 2]", "not a JSON object but a list"),
        ("run.json", '{"estimator": "LogisticRegression"}', "no 'params'"),
        ("fold_1.json", '{"predictions": ["calm", ', "Expecting value"),
        ("fold_1.json", "null", "not a JSON object but a NoneType"),
        ("fold_1.json", '{"predictions": []}', r"no \['proba', 'classes'"),
    ],
)
def test_a_damaged_checkpoint_file_is_refused_naming_it(tmp_path, name, content, problem):
    _evaluate_in(tmp_path, LogisticRegression())
    (tmp_path / name).write_text(content)
    with pytest.raises(CheckpointError, match=f"{tmp_path / name} is damaged .*{problem}"):
        _evaluate_in(tmp_path, LogisticRegression())


def test_a_failed_fold_write_keeps_the_old_file_and_no_temporary_one(tmp_path, fill_disk_at):
    _evaluate_in(tmp_path, LogisticRegression())
    finished = (tmp_path / "fold_1.json").read_text()
    (tmp_path / "fold_1.json").rename(tmp_path / "kept.json")
    fill_disk_at(tmp_path / "fold_1.json")
    with pytest.raises(CheckpointError, match=r"cannot write .*fold_1.json: No space left"):
        _evaluate_in(tmp_path, LogisticRegression())
    assert not (tmp_path / "fold_1.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fold_0.json", "kept.json", "run.json"]
    assert (tmp_path / "kept.json").read_text() == finished


# Fits a classifier that announces its first fit and waits to be let go, so
# that a second run can be started while the first is in its folder.
HOLDER = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn_ser.evaluation import evaluate_speaker_independent

    folder, started, release = sys.argv[1:]

    class Waits(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            open(started, "w").close()
            deadline = time.monotonic() + 60
            while not os.path.exists(release) and time.monotonic() < deadline:
                time.sleep(0.05)
            return super().fit(X, y, sample_weight)

    X = np.arange(20.0)[:, None]
    y = np.tile(["calm", "angry"], 10)
    evaluate_speaker_independent(Waits(), X, y, np.repeat(np.arange(4), 5), cv=2,
                                 progress=False, checkpoint_dir=folder)
""")


def _wait_for(path, process):
    deadline = time.monotonic() + 60
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def test_a_second_run_in_a_folder_in_use_is_refused_naming_the_first(tmp_path, subprocess_env):
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    folder, started, release = tmp_path / "run", tmp_path / "started", tmp_path / "release"
    holder = subprocess.Popen(
        [sys.executable, str(script), str(folder), str(started), str(release)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env,
    )
    try:
        _wait_for(started, holder)
        in_use = rf"{folder} is in use by another run \(process {holder.pid}, lock file run.lock\)"
        with pytest.raises(CheckpointError, match=in_use):
            _evaluate_in(folder, LogisticRegression())
    finally:
        release.touch()
        _, err = holder.communicate(timeout=60)
    assert holder.returncode == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["fold_0.json", "fold_1.json", "run.json"]


def test_a_lock_left_by_a_process_that_is_gone_is_taken_over(tmp_path):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "run.lock").write_text(gone.stdout)  # as a killed run leaves it
    _evaluate_in(tmp_path, LogisticRegression())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fold_0.json", "fold_1.json", "run.json"]


class InterruptTheSecondFit(Callback):
    """Ctrl-C (SIGINT) in the first epoch of the second fit it sees while
    ``armed`` (a class attribute: each fold trains a deep copy of the
    callback)."""

    armed = False
    fits = 0

    def on_train_begin(self, net, **kwargs):
        type(self).fits += 1

    def on_epoch_end(self, net, **kwargs):
        if type(self).armed and type(self).fits == 2:
            signal.raise_signal(signal.SIGINT)


def _evaluate_network(folder):
    rng = np.random.RandomState(0)
    y = np.tile(["calm", "angry"], 12)
    X = rng.normal(size=(24, 6, 10)).astype(np.float32) + (y == "angry")[:, None, None]
    clf = CNNLSTMClassifier(
        max_epochs=2,
        batch_size=8,
        random_state=0,
        module__channels=(4, 4, 4, 4),
        module__hidden_size=4,
        callbacks=[InterruptTheSecondFit()],
    )
    report = evaluate_speaker_independent(
        clf, X, y, np.repeat(np.arange(4), 6), cv=2, progress=False, checkpoint_dir=folder
    )
    result = report.to_dict()
    result.pop("folds")  # fit times differ from run to run, and so do epoch durations
    for history in result["histories"]:
        for epoch in history:
            epoch.pop("dur")
    return result


def test_an_interrupted_fold_is_not_kept_and_the_resumed_report_is_the_uninterrupted_one(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(InterruptTheSecondFit, "armed", True)
    with pytest.raises(KeyboardInterrupt):
        _evaluate_network(tmp_path / "resumed")
    # Fold 0 finished; fold 1 stopped in its first epoch and was not kept.
    assert sorted(p.name for p in (tmp_path / "resumed").iterdir()) == [
        "fold_0.json",
        "run.json",
    ]
    monkeypatch.setattr(InterruptTheSecondFit, "armed", False)
    assert _evaluate_network(tmp_path / "resumed") == _evaluate_network(tmp_path / "fresh")


def test_a_parameter_added_since_the_run_counts_only_away_from_its_default(tmp_path):
    first = _evaluate_in(tmp_path, LogisticRegression())
    # As if the run had started before LogisticRegression had `tol`.
    run_file = tmp_path / "run.json"
    recorded = json.loads(run_file.read_text())
    del recorded["params"]["tol"]
    recorded["at_default"].remove("tol")
    run_file.write_text(json.dumps(recorded))

    assert _evaluate_in(tmp_path, LogisticRegression()).to_dict() == first.to_dict()
    with pytest.raises(ValueError, match=r"parameters \['tol'\] differ"):
        _evaluate_in(tmp_path, LogisticRegression(tol=0.1))


def test_nested_estimators_count_by_their_parameters_not_their_repr(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    first = _evaluate_in(tmp_path, make_pipeline(StandardScaler(), LogisticRegression(C=2.0)))
    # As if the run had been recorded with the estimators' reprs of a day when
    # LogisticRegression's default C was 2.0 (so that C=2.0 did not show).
    run_file = tmp_path / "run.json"
    recorded = json.loads(run_file.read_text())
    assert recorded["params"]["logisticregression"] == "<estimator LogisticRegression>"
    recorded["params"]["logisticregression"] = "LogisticRegression()"
    recorded["params"]["steps"] = "[('standardscaler', StandardScaler()), ('lr', ...)]"
    run_file.write_text(json.dumps(recorded))

    same = make_pipeline(StandardScaler(), LogisticRegression(C=2.0))
    assert _evaluate_in(tmp_path, same).to_dict() == first.to_dict()
    with pytest.raises(ValueError, match=r"parameters \['logisticregression__C'\] differ"):
        _evaluate_in(tmp_path, make_pipeline(StandardScaler(), LogisticRegression(C=3.0)))
