"""Tests of parallel_folds: the folds run here, or on a Dask cluster."""

import sys

import joblib
import pytest

from sklearn_ser.evaluation import parallel_folds


def test_without_a_scheduler_the_folds_run_here_with_n_jobs():
    backend = joblib.parallel.get_active_backend()[0]
    with parallel_folds(n_jobs=3) as n_jobs:
        assert n_jobs == 3
        assert type(joblib.parallel.get_active_backend()[0]) is type(backend)


def test_a_scheduler_without_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(ImportError, match=r"pip install 'sklearn_ser\[dask\]'"):
        with parallel_folds("tcp://127.0.0.1:1"):
            pass


def test_an_unreachable_scheduler_is_named_before_the_block_runs():
    pytest.importorskip("distributed")
    ran = []
    with pytest.raises(OSError, match=r"^cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
        with parallel_folds("tcp://127.0.0.1:1", timeout=0.5):
            ran.append(True)
    assert ran == []
