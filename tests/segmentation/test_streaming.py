"""Files are read, segmented and labelled block by block: the same result as
the file read whole, in memory that does not grow with its length."""

import tracemalloc

import numpy as np
import pytest
import soundfile
import soxr
from sklearn import config_context

from sklearn_ser.datasets import read_audio
from sklearn_ser.pipelines import make_baseline_pipeline
from sklearn_ser.segmentation import FixedWindows, SpeechSegmenter, predict_segments

from .conftest import needs_silero


@pytest.fixture(scope="module")
def model(corpus):
    with config_context(enable_metadata_routing=True):
        return make_baseline_pipeline(speaker_norm=True).fit(
            corpus.data, corpus.target, groups=corpus.groups
        )


@pytest.mark.parametrize("file_sr", [16000, 44100])
@pytest.mark.parametrize(
    "segmenter",
    [
        SpeechSegmenter("energy", max_duration=0.8, overlap=0.3),
        pytest.param(SpeechSegmenter("silero"), marks=needs_silero),
        FixedWindows(window=1.0, hop=0.5),
    ],
    ids=["energy", "silero", "windows"],
)
def test_a_file_streamed_gives_what_it_gives_read_whole(
    model, recording, segmenter, file_sr, tmp_path
):
    path = tmp_path / "recording.flac"
    soundfile.write(path, soxr.resample(recording.waveform, 16000, file_sr), file_sr)
    streamed = predict_segments(model, path, segmenter=segmenter, batch_size=16)
    whole = predict_segments(model, read_audio(path, 16000), segmenter=segmenter, batch_size=16)
    assert len(streamed) > 20
    np.testing.assert_allclose(streamed[["start", "end"]], whole[["start", "end"]])
    classes = list(model.classes_)
    np.testing.assert_allclose(streamed[classes], whole[classes], atol=1e-6)


def _peak_memory(function, *args, **kwargs):
    """Peak of the memory that Python and numpy allocate while ``function`` runs."""
    tracemalloc.start()
    try:
        function(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_length_of_the_file(model, recording, tmp_path):
    segmenter = SpeechSegmenter("energy")
    sizes = {}
    for minutes in (3, 10):
        wave = np.resize(recording.waveform, 16000 * 60 * minutes)
        path = tmp_path / f"{minutes}.wav"
        soundfile.write(path, wave, 16000, subtype="PCM_16")
        sizes[minutes] = _peak_memory(predict_segments, model, path, segmenter=segmenter)
    # Ten minutes are 38 MB as float32 (19 MB on disk): blocks of 30 s, the
    # audio of a batch of segments and its features take about 14 MB, the
    # same from a few minutes on.
    assert sizes[10] < 20e6
    assert sizes[10] < 1.05 * sizes[3]


def test_an_unreadable_file_is_named(model, tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("not audio")
    with pytest.raises(ValueError, match="cannot read audio file .*notes.wav"):
        predict_segments(model, path)
