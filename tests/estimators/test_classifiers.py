import numpy as np
import pytest
import torch

from sklearn_ser.estimators import CNNLSTM1DClassifier, CNNLSTMClassifier, TransformerCNNClassifier

TINY_TRANSFORMER = dict(
    max_epochs=1,
    module__cnn_channels=(2, 2, 2),
    module__n_layers=1,
    module__dim_feedforward=8,
    random_state=0,
)


def _spectrograms(n_bands=8, n=12):
    rng = np.random.RandomState(0)
    return rng.normal(size=(n, n_bands, 9)).astype(np.float32), np.resize([0, 1, 2], n)


def test_zenkov_optimizer_defaults_reach_sgd():
    X, y = _spectrograms()
    clf = TransformerCNNClassifier(**TINY_TRANSFORMER).fit(X, y)
    optimizer = clf.net_.optimizer_
    assert isinstance(optimizer, torch.optim.SGD)
    assert optimizer.defaults["momentum"] == 0.8
    assert optimizer.defaults["weight_decay"] == 1e-3
    assert optimizer.defaults["lr"] == 0.01


def test_zenkov_with_adam_drops_momentum():
    X, y = _spectrograms()
    clf = TransformerCNNClassifier(
        optimizer=torch.optim.Adam, optimizer__momentum=None, **TINY_TRANSFORMER
    ).fit(X, y)
    assert isinstance(clf.net_.optimizer_, torch.optim.Adam)
    assert clf.net_.optimizer_.defaults["weight_decay"] == 1e-3


def test_zenkov_default_heads_take_any_number_of_bands():
    X, y = _spectrograms(n_bands=6)
    clf = TransformerCNNClassifier(**TINY_TRANSFORMER).fit(X, y)
    assert clf.net_.module_.projection.out_features == 8


def test_zhao_defaults_use_adam_and_size_the_module_from_data():
    X, y = _spectrograms()
    clf = CNNLSTMClassifier(max_epochs=1, module__channels=(2, 2, 2, 2), module__hidden_size=2).fit(
        X, y
    )
    assert isinstance(clf.net_.optimizer_, torch.optim.Adam)
    assert clf.net_.module_.head.linear.out_features == 3
    assert str(clf.net_.device) == ("cuda" if torch.cuda.is_available() else "cpu")


def test_defaults_early_stop_on_held_out_speakers_and_no_split_trains_on_everything():
    X, y = _spectrograms(n=18)
    speakers = np.repeat(np.arange(6), 3)
    tiny = dict(max_epochs=4, batch_size=6, module__channels=(2, 2, 2, 2), module__hidden_size=2)
    clf = CNNLSTMClassifier(**tiny, random_state=0).fit(X, y, groups=speakers)
    assert "valid_loss" in clf.net_.history[-1]
    full = CNNLSTMClassifier(**tiny, validation_fraction=None, random_state=0)
    history = full.fit(X, y, groups=speakers).net_.history
    assert len(history) == 4 and history[-1, "kept_epoch"] == 4
    assert "valid_loss" not in history[-1]
    assert history[-1, "train_batch_count"] == 3  # all 18 examples in batches of 6


def test_zhao_delta_channels_train_on_crops_and_predict_repeatably():
    X, y = _spectrograms(n=24)
    clf = CNNLSTMClassifier(
        max_epochs=2,
        crop_length=5,
        module__channels=(2, 2, 2, 2),
        module__hidden_size=2,
        module__delta_order=2,
        random_state=0,
    ).fit(X, y)
    assert clf.net_.module_.blocks[0][0].in_channels == 3
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))


def test_waveform_classifier_sizes_from_n_samples():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(10, 300)).astype(np.float32), np.resize(["a", "b"], 10)
    clf = CNNLSTM1DClassifier(
        max_epochs=1,
        module__channels=(2, 2, 2, 2),
        module__hidden_size=2,
        noise_snr_db=(15.0, 29.0),
        time_masks=1,
        time_mask_width=10,
    ).fit(X, y)
    assert clf.input_shape_ == (300,) and clf.n_features_in_ == 300
    assert clf.predict(X).shape == (10,)
    with pytest.raises(ValueError, match=r"shape \(300,\) \(n_samples,\), got .*\(299,\)"):
        clf.predict(X[:, :-1])


def test_bad_noise_range():
    X, y = _spectrograms()
    with pytest.raises(ValueError, match="noise_snr_db must be a \\(low, high\\) pair"):
        CNNLSTMClassifier(noise_snr_db=(20.0, 10.0), max_epochs=1).fit(X, y)


def test_verbose_prints_the_epoch_table(capsys):
    X, y = _spectrograms()
    CNNLSTMClassifier(
        max_epochs=2,
        verbose=1,
        validation_fraction=0.25,
        module__channels=(2, 2, 2, 2),
        module__hidden_size=2,
    ).fit(X, y)
    table = capsys.readouterr().out
    assert "train_loss" in table and "valid_loss" in table
    CNNLSTMClassifier(max_epochs=2, module__channels=(2, 2, 2, 2), module__hidden_size=2).fit(X, y)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "clf, X",
    [
        (CNNLSTMClassifier(max_epochs=1, random_state=0), _spectrograms(n=12)[0]),
        (
            CNNLSTMClassifier(
                module__channels=(4, 4, 4, 4),
                module__hidden_size=4,
                crop_length=3,
                max_epochs=1,
                random_state=0,
            ),
            _spectrograms(n=12)[0],
        ),
        (
            CNNLSTM1DClassifier(max_epochs=1, random_state=0),
            np.random.RandomState(0).normal(size=(12, 2048)).astype(np.float32),
        ),
    ],
)
def test_probabilities_do_not_depend_on_the_batch(clf, X):
    # test_common waives scikit-learn's 1e-7 checks for these; float32 rounding
    # is all that may differ between a clip alone, in a batch, or in another order.
    clf.fit(X, np.resize([0, 1, 2], len(X)))
    alone = np.concatenate([clf.predict_proba(X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_allclose(clf.predict_proba(X), alone, rtol=1e-5, atol=1e-6)
    order = np.random.RandomState(0).permutation(len(X))
    np.testing.assert_allclose(clf.predict_proba(X[order]), alone[order], rtol=1e-5, atol=1e-6)
