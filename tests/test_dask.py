"""Scale-out on a Dask cluster: the same numbers as a local run.

One two-worker ``LocalCluster`` (separate processes, one thread each) serves
the whole module. Every comparison is exact: a worker computes what the
calling process computes, given the same data, seeds and thread counts.
"""

import contextlib
import json
import subprocess
import sys

import joblib
import numpy as np
import pytest
import torch
from sklearn import config_context
from sklearn.model_selection import GridSearchCV, GroupKFold
from threadpoolctl import threadpool_limits

from sklearn_ser import cli, make_emotional_speech
from sklearn_ser.evaluation import evaluate_speaker_independent
from sklearn_ser.pipelines import make_baseline_pipeline, make_small_cnn_lstm_pipeline
from tests.evaluation import test_evaluate as toy

SR = 8000
SCORING = {"uar": "balanced_accuracy", "log_loss": "neg_log_loss"}  # log loss: every bit


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster


@contextlib.contextmanager
def on_cluster(cluster):
    """joblib's work inside the block runs on the cluster's workers."""
    from distributed import Client

    with Client(cluster) as client, joblib.parallel_config(backend="dask"):
        yield client


@contextlib.contextmanager
def like_a_worker():
    """One torch and BLAS thread here, as on a Dask worker.

    Workers start with OMP_NUM_THREADS=1 (distributed's ``pre-spawn-environ``),
    and torch's sums, hence its weights after a few Adam steps, depend on the
    number of threads it splits them over.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def corpus():
    return make_emotional_speech(
        n_speakers=4, n_utterances_per_emotion=3, sr=SR, random_state=0, return_X_y_groups=True
    )


def assert_same_cv_results(local, remote):
    assert remote["params"] == local["params"]
    keys = [k for k in local if k.startswith(("split", "mean_test", "std_test", "rank_test"))]
    assert len(keys) == 2 * (2 + 3)  # two metrics: two splits, mean, std and rank each
    for key in keys:
        np.testing.assert_array_equal(remote[key], local[key], err_msg=key)


@pytest.mark.slow
@pytest.mark.parametrize("model", ["baseline", "cnn-lstm"])
def test_grid_search_on_the_cluster_scores_as_a_local_one(model, cluster, corpus):
    from distributed import get_task_stream

    X, y, speakers = corpus
    if model == "baseline":
        pipe = make_baseline_pipeline("logreg", sr=SR, n_mels=16, random_state=0)
        grid = {"logisticregression__C": [0.01, 0.1, 1.0]}
    else:
        pipe = make_small_cnn_lstm_pipeline(
            sr=SR,
            max_epochs=2,
            random_state=0,
            module__channels=(4, 4, 4, 4),
            module__hidden_size=4,
        )
        grid = {"cnnlstmclassifier__lr": [1e-3, 1e-2]}

    def search(n_jobs):
        # Routing on: the speakers reach GroupKFold, and the network's fit, as metadata.
        with config_context(enable_metadata_routing=True):
            return (
                GridSearchCV(
                    pipe, grid, scoring=SCORING, refit="uar", cv=GroupKFold(2), n_jobs=n_jobs
                )
                .fit(X, y, groups=speakers)
                .cv_results_
            )

    with like_a_worker():
        local = search(n_jobs=1)
    with on_cluster(cluster) as client, get_task_stream(client) as tasks:
        remote = search(n_jobs=-1)
    assert len({task["worker"] for task in tasks.data}) == 2  # both worker processes
    assert_same_cv_results(local, remote)
    assert len(set(local["mean_test_log_loss"])) == len(local["params"])  # not a tie


@pytest.mark.slow
def test_speaker_independent_evaluation_on_the_cluster(cluster, corpus):
    X, y, speakers = corpus
    # Nested: every outer fold tunes C by speaker with a search of its own, whose
    # candidates go to the cluster too (n_jobs=None: sequential in the local run).
    search = GridSearchCV(
        make_baseline_pipeline("logreg", sr=SR, n_mels=16, random_state=0),
        {"logisticregression__C": [0.01, 1.0]},
        scoring="neg_log_loss",
        cv=GroupKFold(2),
    )
    with like_a_worker():
        local = evaluate_speaker_independent(search, X, y, speakers, GroupKFold(2), progress=False)
    with on_cluster(cluster):
        remote = evaluate_speaker_independent(
            search, X, y, speakers, GroupKFold(2), n_jobs=-1, progress=False
        )
        # The folds see the caller's scikit-learn configuration, as with n_jobs=1.
        with config_context(assume_finite=True):
            configured = evaluate_speaker_independent(
                toy.ConfigRecordingClassifier(),
                toy.X,
                toy.Y,
                toy.GROUPS,
                cv=2,
                n_jobs=-1,
                progress=False,
            )
    assert [f["uar"] for f in remote.folds] == [f["uar"] for f in local.folds]
    for local_proba, remote_proba in zip(local.fold_proba, remote.fold_proba):
        np.testing.assert_array_equal(remote_proba, local_proba)
    assert [history[0]["assume_finite"] for history in configured.histories] == [True, True]


@pytest.mark.slow
def test_cli_evaluate_on_a_scheduler(cluster, tmp_path, capsys):
    command = [
        "evaluate",
        "--model",
        "baseline",
        "--max-clips",
        "48",
        "--cv",
        "group-kfold:2",
        "--epochs",
        "1",
    ]
    assert cli.main([*command, "--out", str(tmp_path / "local")]) == 0
    local_out = capsys.readouterr().out
    assert (
        cli.main(
            [*command, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "dask")]
        )
        == 0
    )
    dask_out = capsys.readouterr().out

    local, remote = (
        json.loads((tmp_path / run / "results.json").read_text()) for run in ("local", "dask")
    )
    for key in ("uar", "accuracy", "per_speaker", "confusion_matrix"):
        assert remote[key] == local[key], key
    assert [f["uar"] for f in remote["folds"]] == [f["uar"] for f in local["folds"]]
    printed = _without_times(local_out)
    assert any(line.startswith("mean ± sample std") for line in printed)
    assert _without_times(dask_out) == printed
    # The finished folds were saved by this process.
    assert sorted(p.name for p in (tmp_path / "dask" / "folds").iterdir()) == sorted(
        p.name for p in (tmp_path / "local" / "folds").iterdir()
    )


def _without_times(printed):
    """The printed report without its fit-time column and wall-time line."""
    lines = []
    for line in printed.splitlines():
        if line.startswith(("wrote ", "---")):
            continue
        if line.split(" ", 1)[0].isdigit() or line.startswith("mean ± sample std"):
            line = line.rsplit(maxsplit=1)[0]
        lines.append(line.rstrip())
    return lines


def _error_line(capsys):
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("sklearn-ser: error:") == 1
    return err.strip().splitlines()[-1]


def test_cli_unreachable_scheduler(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(cli, "SCHEDULER_TIMEOUT", 1)
    status = cli.main(
        [
            "evaluate",
            "--model",
            "baseline",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert status == 2
    error = _error_line(capsys)
    assert error.startswith(
        "sklearn-ser: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1"
    )
    assert not (tmp_path / "out").exists()  # failed before reading the corpus


def test_cli_scheduler_without_dask(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    status = cli.main(
        [
            "evaluate",
            "--model",
            "baseline",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert status == 2
    assert "pip install 'sklearn_ser[dask]'" in _error_line(capsys)


def test_cli_scheduler_and_n_jobs_exclude_each_other(capsys):
    status = cli.main(["evaluate", "--n-jobs", "2", "--scheduler", "tcp://127.0.0.1:1"])
    assert status == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.slow  # a fresh interpreter imports torch
def test_dask_is_not_imported_with_the_package():
    code = (
        "import sys, sklearn_ser, sklearn_ser.cli, sklearn_ser.evaluation; "
        "print(sorted({'dask', 'distributed'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
