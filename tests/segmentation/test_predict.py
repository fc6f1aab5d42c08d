import warnings

import numpy as np
import pytest
from sklearn import config_context
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import make_pipeline
from sklearn.utils.metadata_routing import get_routing_for_object

from sklearn_ser import SpeakerStandardScaler
from sklearn_ser.exceptions import DomainShiftWarning
from sklearn_ser.pipelines import make_baseline_pipeline, make_small_cnn_lstm_pipeline
from sklearn_ser.preprocessing import FixedLengthWaveform, LogMelTransformer, UtteranceStatistics
from sklearn_ser.segmentation import (
    FixedWindows,
    SpeechSegmenter,
    clip_duration,
    predict_segments,
)

SEGMENTER = SpeechSegmenter("energy", max_duration=0.8, overlap=0.3)


def _fit(model, corpus):
    """Fit on the second speaker, with its groups routed to the steps that want them."""
    train = corpus.groups == "synthetic_01"
    with config_context(enable_metadata_routing=True):
        wanted = get_routing_for_object(model).consumes("fit", ["groups"])
        groups = {"groups": corpus.groups[train]} if wanted else {}
        clips = [clip for clip, keep in zip(corpus.data, train) if keep]
        return model.fit(clips, corpus.target[train], **groups)


@pytest.fixture(scope="module")
def baseline(corpus):
    return _fit(make_baseline_pipeline(), corpus)


@pytest.fixture(scope="module", params=["table", "spectrograms"])
def speaker_norm_model(request, corpus):
    if request.param == "table":
        return _fit(make_baseline_pipeline(speaker_norm=True), corpus)
    tiny = dict(module__channels=(2, 2, 2, 2), module__hidden_size=2, max_epochs=1)
    return _fit(make_small_cnn_lstm_pipeline(speaker_norm=True, random_state=0, **tiny), corpus)


def _audio(recording, segments):
    return [recording.waveform[round(s * 16000) : round(e * 16000)] for s, e in segments]


def test_one_row_per_segment_with_label_and_probabilities(baseline, recording):
    table = predict_segments(baseline, recording.waveform, segmenter=SEGMENTER, batch_size=7)
    classes = list(baseline.classes_)
    assert list(table.columns) == ["start", "end", "label", *classes]
    segments = SEGMENTER.segments(recording.waveform, 16000)
    np.testing.assert_array_equal(table[["start", "end"]].to_numpy(), segments)
    probabilities = table[classes].to_numpy()
    np.testing.assert_allclose(probabilities, baseline.predict_proba(_audio(recording, segments)))
    np.testing.assert_array_equal(table["label"], np.asarray(classes)[probabilities.argmax(1)])


def test_the_input_check_warns_once_per_recording(baseline, recording):
    quieter = recording.waveform / 30
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = predict_segments(baseline, quieter, segmenter=SEGMENTER, batch_size=3)
    (warning,) = [w.message for w in caught if isinstance(w.message, DomainShiftWarning)]
    assert len(table) > 3 and warning.n_clips == len(table)
    # What the check says of all the segments at once, not of one batch.
    check = baseline.steps[0][1]
    segments = _audio(recording, table[["start", "end"]].to_numpy())
    expected = check.diagnose([clip / 30 for clip in segments])
    assert warning.shifts == expected and warning.shifts[0]["hint"] == "quieter"
    assert caught[0].filename == __file__


def test_the_recording_is_one_speaker_for_per_speaker_models(speaker_norm_model, recording):
    # Batches of 12 segments, enough for the scaler's own statistics (10):
    # the recording's are gathered across batches and used in each.
    table = predict_segments(
        speaker_norm_model, recording.waveform, segmenter=SEGMENTER, batch_size=12
    )
    audio = _audio(recording, table[["start", "end"]].to_numpy())
    assert len(audio) >= 4 * 12
    with config_context(enable_metadata_routing=True):
        expected = speaker_norm_model.predict_proba(audio, groups=["one"] * len(audio))
        # What the classifier sees changes with the segments that make the
        # speaker's statistics (at least min_clips=10 of them).
        features = speaker_norm_model[:-1].transform(audio[:24], groups=["one"] * 24)
        fewer = speaker_norm_model[:-1].transform(audio[:12], groups=["one"] * 12)
    assert np.nanmax(np.abs(features[:12] - fewer)) > 0.1
    classes = list(speaker_norm_model.classes_)
    np.testing.assert_allclose(table[classes].to_numpy(), expected, atol=1e-5)


def test_few_segments_use_the_training_statistics(speaker_norm_model, recording):
    few = [[1.0, 2.0], [3.0, 4.5]]  # fewer than the scaler's min_clips
    table = predict_segments(speaker_norm_model, recording.waveform, segmenter=few)
    with config_context(enable_metadata_routing=True):
        expected = speaker_norm_model.predict_proba(_audio(recording, few), groups=["unseen"] * 2)
    np.testing.assert_allclose(table.iloc[:, 3:].to_numpy(), expected, atol=1e-5)


def test_given_segments_are_used_as_given(baseline, recording):
    segments = [[0.5, 1.5], [1.0, 2.0], [40.0, 60.0]]
    table = predict_segments(baseline, recording.waveform, segmenter=segments)
    duration = len(recording.waveform) / 16000
    np.testing.assert_allclose(table[["start", "end"]], [[0.5, 1.5], [1.0, 2.0], [40.0, 60.0]])
    expected = baseline.predict_proba(_audio(recording, [[0.5, 1.5], [1.0, 2.0], [40, duration]]))
    np.testing.assert_allclose(table.iloc[:, 3:].to_numpy(), expected)


@pytest.mark.parametrize(
    "segments, message",
    [
        ([[1.0, 2.0, 3.0]], r"shape \(n_segments, 2\)"),
        ([[2.0, 1.0]], "segment 0 does not end after its start"),
        ([[0.0, 1.0], [500.0, 501.0]], "segment 1 starts after the end of the recording"),
        ([[1.0, 2.0], [0.0, 1.0]], "sort them by start"),
        ([[-1.0, 2.0]], "starts before 0"),
    ],
)
def test_bad_segments_are_named(baseline, recording, segments, message):
    with pytest.raises(ValueError, match=message):
        predict_segments(baseline, recording.waveform, segmenter=segments)


def test_silence_gives_an_empty_table(baseline):
    table = predict_segments(baseline, np.zeros(16000 * 3), segmenter=SEGMENTER)
    assert table.shape == (0, 3 + len(baseline.classes_))
    assert list(table.columns[:3]) == ["start", "end", "label"]


def test_fixed_windows_label_the_whole_recording(baseline, recording):
    table = predict_segments(
        baseline, recording.waveform, segmenter=FixedWindows(window=3.0, hop=3.0)
    )
    assert table["start"].iloc[0] == 0 and table["end"].iloc[-1] == len(recording.waveform) / 16000


def test_groups_used_elsewhere_than_one_scaler_are_refused(corpus, recording):
    # Two per-speaker scalers: which statistics are the recording's is unclear.
    model = make_pipeline(
        LogMelTransformer(n_mels=8),
        UtteranceStatistics(),
        SpeakerStandardScaler(),
        SpeakerStandardScaler(),
        DummyClassifier(),
    )
    with config_context(enable_metadata_routing=True):
        model.fit(corpus.data, corpus.target, groups=corpus.groups)
    with pytest.raises(ValueError, match="one SpeakerStandardScaler step"):
        predict_segments(model, recording.waveform, segmenter=SEGMENTER)


def test_clip_duration_is_what_the_front_end_keeps(baseline):
    assert clip_duration(baseline) == pytest.approx(1.0, abs=0.04)  # one-second clips
    padded = FixedLengthWaveform().fit([np.zeros(8000)])
    assert clip_duration(make_pipeline(padded, DummyClassifier()), sr=8000) == 1.0
    assert clip_duration(DummyClassifier()) is None
    assert clip_duration(LogMelTransformer()) is None  # not fitted
