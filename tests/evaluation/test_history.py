"""epoch_history reads skorch histories through estimators that wrap them."""

import json

import numpy as np
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_ser import CNNLSTMClassifier
from sklearn_ser.evaluation import epoch_history

RECORDS = [
    {
        "epoch": 1,
        "train_loss": np.float32(0.5),
        "valid_loss_best": np.bool_(True),
        "batches": [{"train_loss": 0.5}],
        "event_lr": "x",
    },
    {"epoch": np.int64(2), "train_loss": 0.25, "valid_loss_best": False},
]


def test_scalars_are_plain_python_and_per_batch_records_are_dropped():
    epochs = epoch_history(RECORDS)
    assert epochs == [
        {"epoch": 1, "train_loss": 0.5, "valid_loss_best": True},
        {"epoch": 2, "train_loss": 0.25, "valid_loss_best": False},
    ]
    assert [type(v) for v in epochs[1].values()] == [int, float, bool]
    json.dumps(epochs)  # JSON-serialisable as it is


def test_estimators_without_a_history_give_none():
    assert epoch_history(LogisticRegression()) is None


def test_history_is_found_through_pipelines_and_searches():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(24, 4, 8)).astype(np.float32)
    y = np.tile(["a", "b"], 12)
    classifier = CNNLSTMClassifier(
        max_epochs=2, module__channels=(2, 2, 2, 2), module__hidden_size=2, random_state=0
    )
    pipe = make_pipeline(FunctionTransformer(), classifier)
    search = GridSearchCV(pipe, {"cnnlstmclassifier__lr": [1e-3]}, cv=2).fit(X, y)
    epochs = epoch_history(search)
    assert [epoch["epoch"] for epoch in epochs] == [1, 2]
    assert epochs == epoch_history(search.best_estimator_.steps[-1][1].net_.history)


def test_a_vote_gives_its_first_members_history():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(24, 4, 8)).astype(np.float32)
    y = np.tile(["a", "b"], 12)
    net = {"module__channels": (2, 2, 2, 2), "module__hidden_size": 2, "random_state": 0}
    vote = VotingClassifier(
        [
            ("short", CNNLSTMClassifier(max_epochs=1, **net)),
            ("long", CNNLSTMClassifier(max_epochs=3, **net)),
        ],
        voting="soft",
    ).fit(X, y)
    assert [epoch["epoch"] for epoch in epoch_history(make_pipeline(vote))] == [1]
    assert epoch_history(VotingClassifier([("lr", LogisticRegression())])) is None
