"""scikit-learn's estimator checks on tiny instances of the three classifiers."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_ser.estimators import (
    CNNLSTM1DClassifier,
    CNNLSTMClassifier,
    TransformerCNNClassifier,
)

TINY = dict(max_epochs=3, batch_size=16, random_state=0, lr=0.01)
ESTIMATORS = [
    CNNLSTMClassifier(module__channels=(4, 4, 4, 4), module__hidden_size=4, **TINY),
    CNNLSTM1DClassifier(module__channels=(4, 4, 4, 4), module__hidden_size=4, **TINY),
    TransformerCNNClassifier(
        module__cnn_channels=(2, 2, 2),
        module__n_layers=1,
        module__n_heads=1,
        module__dim_feedforward=8,
        **TINY,
    ),
]

EXPECTED_FAILURES = {}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
