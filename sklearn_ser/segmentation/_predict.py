"""Emotion over time: a fitted model applied to the segments of a long recording."""

import copy
import os
import sys
import warnings
from numbers import Integral

import numpy as np
import soundfile
from sklearn import config_context
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.metadata_routing import get_routing_for_object
from tqdm.auto import tqdm

from ..datasets._base import read_audio_blocks
from ..exceptions import DomainShiftWarning
from ..preprocessing import (
    FixedLengthWaveform,
    InputDomainCheck,
    LogMelTransformer,
    SpeakerStandardScaler,
)
from ..utils import check_waveforms
from ._segmenter import FixedWindows, SpeechSegmenter

# The one speaker of a recording, for the steps that normalise per speaker.
_RECORDING = "recording"
# Seconds of audio read and handed to the segmenter at a time.
_BLOCK_SECONDS = 10


class _AudioBuffer:
    """The samples of a stream from some position on: blocks come in at the
    end, segments are copied out, and what no segment needs any more goes."""

    def __init__(self):
        self._blocks = []
        self.start = 0  # index of the first sample held
        self.end = 0  # index after the last sample held

    def append(self, block):
        self._blocks.append(block)
        self.end += len(block)

    def cut(self, start, end):
        """A copy of samples ``[start, end)``, which must be held."""
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        return self._blocks[0][start - self.start : end - self.start].copy()

    def release(self, before):
        """Let go of the samples before index ``before``."""
        while self._blocks and self.start + len(self._blocks[0]) <= before:
            self.start += len(self._blocks.pop(0))
        if self._blocks and before > self.start:
            self._blocks[0] = self._blocks[0][before - self.start :]
            self.start = before


class _KnownSegments:
    """Segments known in advance, as a segmenter's stream gives them out:
    each once the stream reaches its end."""

    def __init__(self, segments, sr):
        self._segments = segments
        self._sr = sr
        self._next = 0
        self._n_samples = 0

    @property
    def needed_from(self):
        if self._next < len(self._segments):
            return self._segments[self._next][0]
        return self._n_samples / self._sr

    def push(self, samples):
        self._n_samples += len(samples)
        return self._complete(self._n_samples / self._sr)

    def finish(self):
        return self._complete(np.inf)

    def _complete(self, reached):
        found = []
        while self._next < len(self._segments) and self._segments[self._next][1] <= reached:
            found.append(self._segments[self._next])
            self._next += 1
        return found


def _segment_audio(blocks, sr, segments):
    """``(start, end, samples)`` of each segment, in order, as the blocks come.

    ``segments`` is a segmenter's stream or a :class:`_KnownSegments`; only
    the audio that segments still to come may need is kept.
    """
    buffer = _AudioBuffer()
    for block in blocks:
        buffer.append(block)
        for start, end in segments.push(block):
            yield start, end, _cut(buffer, start, end, sr)
        buffer.release(int(segments.needed_from * sr))
    for start, end in segments.finish():
        yield start, end, _cut(buffer, start, end, sr)


def _cut(buffer, start, end, sr):
    return buffer.cut(round(start * sr), min(round(end * sr), buffer.end))


def _batches(items, batch_size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _speaker_scaler_index(model):
    """Where the model standardises per speaker at prediction, or None.

    predict_segments takes the recording as one speaker: it needs the step
    that uses ``groups`` to be one :class:`SpeakerStandardScaler` of a
    pipeline, whose statistics it can compute over the whole recording.
    """
    with config_context(enable_metadata_routing=True):
        if not get_routing_for_object(model).consumes("predict_proba", ["groups"]):
            return None
    scalers = [
        index
        for index, (_, step) in enumerate(getattr(model, "steps", []))
        if isinstance(step, SpeakerStandardScaler)
    ]
    if not isinstance(model, Pipeline) or len(scalers) != 1:
        raise ValueError(
            "the model uses speakers (groups) at prediction, but not through one "
            "SpeakerStandardScaler step of a Pipeline, so predict_segments cannot "
            "normalise the recording as one speaker"
        )
    return scalers[0]


def _without_input_check(model):
    """The model without the :class:`InputDomainCheck` that starts it (where
    the recipes put it), and that check; the model and None without one.

    The check warns once per call of the model: predict_segments checks the
    recording's segments itself, all at once, so as to warn once per
    recording rather than once per batch.
    """
    steps = getattr(model, "steps", None)
    if not isinstance(model, Pipeline) or not isinstance(steps[0][1], InputDomainCheck):
        return model, None
    model = copy.copy(model)
    model.steps = [(steps[0][0], "passthrough"), *steps[1:]]
    return model, steps[0][1]


class _Moments:
    """Count, mean and sum of squared deviations per feature (axis 1), NaN
    left out, merged batch by batch (Chan et al.'s parallel formula), in
    float64: the statistics :class:`SpeakerStandardScaler` computes over all
    clips at once, without holding them."""

    def __init__(self):
        self.count = self.mean = self.squares = 0.0

    def add(self, X):
        axes = (0,) + tuple(range(2, X.ndim))
        count = (~np.isnan(X)).sum(axis=axes)
        mean = np.nansum(X, axis=axes, dtype=np.float64) / np.maximum(count, 1)
        centred = X.astype(np.float64) - mean.reshape((-1,) + (1,) * (X.ndim - 2))
        squares = np.nansum(centred**2, axis=axes)
        total = self.count + count
        weight = np.divide(count, total, out=np.zeros(len(count)), where=total > 0)
        delta = mean - self.mean
        self.squares = self.squares + squares + delta**2 * self.count * weight
        self.mean = self.mean + delta * weight
        self.count = total

    def mean_and_scale(self):
        scale = np.sqrt(self.squares / np.maximum(self.count, 1))
        return np.where(self.count > 0, self.mean, 0.0), np.where(scale > 0, scale, 1.0)


def _recording_as_speaker(model, index, moments, n_segments):
    """The model with its speaker scaler standardising the recording's speaker
    by the statistics of all its segments, as one ``predict_proba`` call with
    every segment would (the training statistics below ``min_clips``)."""
    name, scaler = model.steps[index]
    frozen = copy.copy(scaler)
    if n_segments >= scaler.min_clips:
        mean, scale = moments.mean_and_scale()
    else:
        mean, scale = scaler.mean_, scaler.scale_
    frozen.speakers_ = np.array([_RECORDING])
    frozen.speaker_mean_, frozen.speaker_scale_ = mean[None], scale[None]
    frozen.min_clips = sys.maxsize  # the statistics above, whatever the batch
    model = copy.copy(model)
    model.steps = [*model.steps[:index], (name, frozen), *model.steps[index + 1 :]]
    return model


def _recording(recording, sr):
    """A function giving the recording's blocks at ``sr``, and its duration."""
    if isinstance(recording, (str, os.PathLike)):
        try:
            duration = soundfile.info(recording).duration
        except (RuntimeError, OSError) as exc:  # LibsndfileError is a RuntimeError
            raise ValueError(f"cannot read audio file {recording}: {exc}") from exc
        return (lambda: read_audio_blocks(recording, sr, _BLOCK_SECONDS)), duration
    waveform = check_waveforms([recording])[0]
    step = round(_BLOCK_SECONDS * sr)
    return (
        lambda: (waveform[start : start + step] for start in range(0, len(waveform), step))
    ), len(waveform) / sr


def _check_segments(segments, duration):
    """Given segments as a list of ``(start, end)`` seconds, or a clear error."""
    segments = np.asarray(segments, dtype=np.float64)
    if segments.ndim != 2 or segments.shape[1] != 2:
        raise ValueError(
            f"segments must be (start, end) pairs, shape (n_segments, 2); got {segments.shape}"
        )
    problems = {
        "is not finite": ~np.isfinite(segments).all(axis=1),
        "does not end after its start": segments[:, 1] <= segments[:, 0],
        "starts before 0": segments[:, 0] < 0,
        "starts after the end of the recording": segments[:, 0] >= duration,
        "starts before the one above it (sort them by start)": np.r_[
            False, np.diff(segments[:, 0]) < 0
        ],
    }
    for problem, bad in problems.items():
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(f"segment {row} {problem}: {segments[row].tolist()} s")
    return [tuple(row) for row in segments.tolist()]


def _each_segment(blocks, sr, segments, bar):
    """``(start, end, samples)`` of each segment of the recording."""
    if isinstance(segments, list):
        stream = _KnownSegments(segments, sr)
    else:
        stream = segments.stream(sr)

    def counted():
        for block in blocks():
            yield block
            bar.update(len(block) / sr)

    return _segment_audio(counted(), sr, stream)


def _bar(progress, duration, what):
    return tqdm(
        total=round(duration, 1),
        unit="s",
        desc=what,
        disable=not progress,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s of audio "
        "[{elapsed}<{remaining}]",
    )


@validate_params(
    {
        "model": [HasMethods(["predict_proba"])],
        "recording": ["array-like", str, os.PathLike],
        "sr": [Interval(Integral, 1, None, closed="left")],
        "segmenter": [SpeechSegmenter, FixedWindows, "array-like", None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "progress": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def predict_segments(model, recording, *, sr=16000, segmenter=None, batch_size=8, progress=False):
    """Emotion over time: the class probabilities of each segment of a recording.

    The recording is cut into segments by ``segmenter`` (by default where
    the speech is, see :class:`SpeechSegmenter`), and a fitted model that
    classifies waveforms (a pipeline from :mod:`sklearn_ser.pipelines`, for
    instance) labels every segment as a clip.

    A file is read block by block and resampled to ``sr`` on the way, the
    segmenter sees each block as it comes, and segments go through the
    model ``batch_size`` at a time: memory does not grow with the length of
    the recording (a few hundred MB for hours of audio, see the user guide),
    and the result is the same as for the file read whole with
    :func:`~sklearn_ser.datasets.read_audio`.

    **Speaker normalisation.** A recording is taken as one speaker: a model
    that standardises per speaker at prediction (a
    :class:`~sklearn_ser.SpeakerStandardScaler` step, e.g. a recipe built
    with ``speaker_norm=True``) standardises every segment with the
    statistics of all the recording's segments, as
    ``model.predict_proba(segments, groups=["recording"] * n_segments)``
    would, and with the training statistics when there are fewer segments
    than the scaler's ``min_clips``. Those statistics are gathered in a
    first pass over the recording, before the segments are classified in a
    second. A recording of several speakers is normalised as one.

    **Input check.** When the model starts with an
    :class:`~sklearn_ser.preprocessing.InputDomainCheck` (the recipes of
    :mod:`sklearn_ser.pipelines` do), the segments of the recording are
    checked together: one
    :class:`~sklearn_ser.exceptions.DomainShiftWarning` per recording, its
    clips being the segments, as ``model.predict_proba(segments)`` would
    warn, not one per batch.

    Parameters
    ----------
    model : fitted classifier
        Takes a list of mono waveforms at ``sr`` and has ``predict_proba``
        and ``classes_``.
    recording : str, path-like or array-like of shape (n_samples,)
        An audio file (any format libsndfile reads, any rate, channels
        averaged), or mono audio at ``sr`` Hz (integer PCM is scaled to
        [-1, 1]).
    sr : int, default=16000
        Sampling rate of the model's input, and of ``recording`` when it is
        an array.
    segmenter : SpeechSegmenter, FixedWindows or array-like of shape (n_segments, 2), \
            default=None
        How to cut the recording, or the ``(start, end)`` seconds of the
        segments, sorted by start. None is ``SpeechSegmenter()``.
    batch_size : int, default=8
        Segments per call of the model. More may be a little faster and
        take more memory (a CNN-LSTM's activations grow with it).
    progress : bool, default=False
        Show a progress bar over the seconds of audio, on stderr.

    Returns
    -------
    segments : pandas.DataFrame
        One row per segment, in order of start: ``start`` and ``end`` in
        seconds, the predicted ``label``, then the probability of each class
        of ``model.classes_`` in a column named after it. A table because it
        mixes times, labels and probabilities in named columns and goes
        straight to CSV, JSON or a plot; pandas is a dependency of
        sklearn_ser for it.

    Warns
    -----
    sklearn_ser.exceptions.DomainShiftWarning
        Once, when the segments are unlike the model's training recordings;
        naming ``recording`` when it is a file.

    See Also
    --------
    SpeechSegmenter : Segments where the speech is.
    FixedWindows : Segments of fixed length.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_ser.segmentation import FixedWindows, predict_segments
    >>> model = DummyClassifier().fit(np.zeros((4, 1)), ["angry", "sad", "sad", "sad"])
    >>> recording = np.zeros(16000 * 5)
    >>> predict_segments(model, recording, segmenter=FixedWindows(window=2, hop=2))
       start  end label  angry   sad
    0    0.0  2.0   sad   0.25  0.75
    1    2.0  4.0   sad   0.25  0.75
    2    3.0  5.0   sad   0.25  0.75
    """
    import pandas as pd  # here, so that importing sklearn_ser does not import pandas

    blocks, duration = _recording(recording, sr)
    if segmenter is None:
        segmenter = SpeechSegmenter()
    elif not isinstance(segmenter, (SpeechSegmenter, FixedWindows)):
        segmenter = _check_segments(segmenter, duration)
    model, input_check = _without_input_check(model)
    index = _speaker_scaler_index(model)
    if index is not None:
        # First pass: the segments and the statistics of the recording's speaker.
        moments, found = _Moments(), []
        with _bar(progress, duration, "speaker statistics") as bar:
            for batch in _batches(_each_segment(blocks, sr, segmenter, bar), batch_size):
                moments.add(model[:index].transform([audio for *_, audio in batch]))
                found += [(start, end) for start, end, _ in batch]
        model = _recording_as_speaker(model, index, moments, len(found))
        segmenter = found
    times, probabilities, descriptors = [], [], []
    with _bar(progress, duration, "emotion") as bar:
        for batch in _batches(_each_segment(blocks, sr, segmenter, bar), batch_size):
            clips = [audio for *_, audio in batch]
            if input_check is not None:
                descriptors.append(input_check.clip_descriptors(clips))
            params = {} if index is None else {"groups": [_RECORDING] * len(batch)}
            with config_context(enable_metadata_routing=index is not None):
                probabilities.append(model.predict_proba(clips, **params))
            times += [(start, end) for start, end, _ in batch]
    if descriptors:
        shifts = input_check._shifts(np.concatenate(descriptors))
        if shifts:
            # stacklevel 3: past validate_params, at the caller
            named = str(recording) if isinstance(recording, (str, os.PathLike)) else None
            warning = DomainShiftWarning(shifts=shifts, n_clips=len(times), recording=named)
            warnings.warn(warning, stacklevel=3)
    classes = np.asarray([str(c) for c in model.classes_], dtype=object)
    probabilities = np.concatenate(probabilities or [np.zeros((0, len(classes)))])
    table = pd.DataFrame(np.reshape(times, (-1, 2)), columns=["start", "end"], dtype=float)
    table["label"] = pd.Series(classes[probabilities.argmax(axis=1)], dtype=object)
    for name, column in zip(classes, probabilities.T):
        table[name] = column
    return table


def _steps(model):
    """The model and every step nested in it (pipelines, unions, ensembles)."""
    yield model
    for _, step in [*getattr(model, "steps", []), *getattr(model, "transformer_list", [])]:
        yield from _steps(step)


@validate_params(
    {"model": "no_validation", "sr": [Interval(Integral, 1, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def clip_duration(model, sr=16000):
    """Seconds of a clip that a fitted model reads: it crops longer clips.

    The front ends that give every clip one size fix it in ``fit``, from the
    longest training clip: :class:`~sklearn_ser.LogMelTransformer` keeps
    ``n_frames_`` frames (of the clip without its silence with
    ``trim_db``), :class:`~sklearn_ser.FixedLengthWaveform` ``n_samples_``
    samples. A recording much longer than this is labelled by its first
    seconds only; :func:`predict_segments` labels it segment by segment.

    Parameters
    ----------
    model : estimator
        A fitted front end, or a pipeline (or union) holding one.
    sr : int, default=16000
        Sampling rate of the clips, for ``FixedLengthWaveform``.

    Returns
    -------
    seconds : float or None
        The shortest such length among the model's front ends; None when
        none of them fixes one (e.g. openSMILE functionals read clips whole)
        or they are not fitted.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.preprocessing import LogMelTransformer
    >>> from sklearn_ser.segmentation import clip_duration
    >>> front_end = LogMelTransformer(n_fft=512, hop_length=160).fit([np.zeros(48000)])
    >>> clip_duration(front_end)
    3.0
    """
    seconds = []
    for step in _steps(model):
        if isinstance(step, LogMelTransformer) and hasattr(step, "n_frames_"):
            seconds.append((step.n_frames_ - 1) * step.hop_length / step.sr)
        elif isinstance(step, FixedLengthWaveform) and hasattr(step, "n_samples_"):
            seconds.append(step.n_samples_ / sr)
    return min(seconds, default=None)
