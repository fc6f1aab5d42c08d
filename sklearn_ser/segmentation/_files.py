"""Emotion of audio files: a fitted model applied to each file whole, or segment by segment."""

import warnings
from numbers import Integral

import numpy as np
from sklearn import config_context
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.metadata_routing import get_routing_for_object

from ..datasets import read_audio, speakers_from_paths
from ..evaluation import merge_probabilities
from ..utils import check_groups
from ._predict import clip_duration, predict_segments
from ._segmenter import FixedWindows, SpeechSegmenter

# A file this many times longer than the clips a model reads gets the hint
# to label it segment by segment.
_LONG_FILE_RATIO = 2


def _normalises_per_speaker(model):
    with config_context(enable_metadata_routing=True):
        return bool(get_routing_for_object(model).consumes("predict_proba", ["groups"]))


def _file_speakers(files, speakers):
    """The speaker of each file: given, from a pattern, or its folder (with a warning)."""
    if isinstance(speakers, str):
        return speakers_from_paths(files, speakers)
    if speakers is not None:
        speakers = check_groups(speakers)
        if len(speakers) != len(files):
            raise ValueError(f"got {len(speakers)} speakers for {len(files)} files")
        return speakers
    speakers = speakers_from_paths(files)
    warnings.warn(
        "the model normalises per speaker and no speakers were given: the files of each "
        f"folder are normalised together, as one speaker ({len(np.unique(speakers))} "
        "folders); give them as speakers (--speaker-pattern on the command line)",
        UserWarning,
        stacklevel=5,  # past _whole_files, predict_files and validate_params: the caller
    )
    return speakers


def _whole_files(model, files, sr, speakers):
    """Class probabilities of each file read whole, and the speakers used (or None)."""
    waveforms = [read_audio(file, sr) for file in files]
    longest = max(range(len(files)), key=lambda i: len(waveforms[i]))
    seconds, reads = len(waveforms[longest]) / sr, clip_duration(model, sr)
    if reads and seconds > _LONG_FILE_RATIO * reads:
        warnings.warn(
            f"{files[longest]} lasts {seconds:.0f} s and the model reads {reads:.1f} s of a "
            "clip: a segmenter (--segments on the command line) labels it segment by segment",
            UserWarning,
            stacklevel=4,  # past predict_files and validate_params: the caller
        )
    if not _normalises_per_speaker(model):
        return model.predict_proba(waveforms), None
    speakers = _file_speakers(files, speakers)
    with config_context(enable_metadata_routing=True):
        return model.predict_proba(waveforms, groups=speakers), speakers


@validate_params(
    {
        "model": [HasMethods(["predict_proba"])],
        "files": ["array-like"],
        "sr": [Interval(Integral, 1, None, closed="left")],
        "speakers": ["array-like", str, None],
        "segmenter": [SpeechSegmenter, FixedWindows, None],
        "merge": [dict, None],
        "keep": ["array-like", None],
        "progress": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def predict_files(
    model, files, *, sr=16000, speakers=None, segmenter=None, merge=None, keep=None, progress=False
):
    r"""Label audio files with a fitted model: one row per file, or per segment of each.

    What ``sklearn-ser predict`` prints. Each file is read whole
    (:func:`~sklearn_ser.datasets.read_audio`) and the files go through the
    model in one call, so that a model standardising per speaker sees every
    clip of a speaker at once; or, with a ``segmenter``, each file is
    labelled segment by segment by :func:`predict_segments`, as one speaker.

    A file much longer than the clips the model reads (more than twice
    :func:`clip_duration`) is labelled by its first seconds only: a warning
    names the longest such file.

    Parameters
    ----------
    model : fitted classifier
        Takes a list of mono waveforms at ``sr`` and has ``predict_proba``
        and ``classes_``, e.g. a pipeline of :mod:`sklearn_ser.pipelines`.
    files : array-like of str or path-like
        Audio files, e.g. those found by
        :func:`~sklearn_ser.datasets.find_audio_files`.
    sr : int, default=16000
        Sampling rate of the model's input; the files are resampled to it.
    speakers : array-like of shape (n_files,), str or None, default=None
        Only for a model that standardises per speaker at prediction (one
        that routes ``groups`` to ``predict_proba``, e.g. a recipe built
        with ``speaker_norm=True``); other models ignore it. The speaker of
        each file, or a regular expression that finds it in each path (the
        rule of :func:`~sklearn_ser.datasets.speakers_from_paths`). None
        takes the files of each folder as one speaker, with a warning. Not
        with ``segmenter``: a file labelled by segments is one speaker.
    segmenter : SpeechSegmenter, FixedWindows or None, default=None
        Label each file segment by segment, cut by this segmenter; None
        labels each file whole.
    merge : dict of str to str, default=None
        Classes merged into others, their probabilities summed, as
        :func:`~sklearn_ser.evaluation.merge_probabilities` does.
    keep : array-like of str, default=None
        Classes kept (after ``merge``), their probabilities renormalised;
        None keeps all.
    progress : bool, default=False
        With ``segmenter``: show a progress bar over the seconds of audio of
        each file, on stderr.

    Returns
    -------
    predictions : pandas.DataFrame
        One row per file, in the order of ``files``, or per segment of each
        file, in order: ``file`` (the path as given); ``start`` and ``end``
        in seconds with ``segmenter``; ``speaker`` for a model that
        standardises per speaker, the speaker it was given; the predicted
        ``label``; then the probability of each class (after ``merge`` and
        ``keep``) in a column named after it, every column after ``label``.

    Warns
    -----
    UserWarning
        When a file is more than twice as long as the clips the model reads,
        and when a model standardising per speaker is given no ``speakers``.
    sklearn_ser.exceptions.DomainShiftWarning
        When the files, or the segments of a file (that file named), are
        unlike the model's training recordings.

    Raises
    ------
    ValueError
        When ``files`` is empty; when ``merge`` or ``keep`` names a class the
        model lacks (before any audio is read); naming the file, when a file
        cannot be read or a speaker pattern does not match it; when
        ``speakers`` is given with ``segmenter``; when the model gives NaN
        or infinite probabilities.

    See Also
    --------
    predict_segments : The segments of one recording, which may be an array.
    sklearn_ser.evaluation.score_file_predictions : Score the predictions
        against the files' known labels.

    Examples
    --------
    >>> import tempfile, numpy as np, soundfile
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_ser.segmentation import FixedWindows, predict_files
    >>> model = DummyClassifier().fit(np.zeros((4, 1)), ["angry", "calm", "sad", "sad"])
    >>> path = tempfile.mkdtemp() + "/call.wav"
    >>> soundfile.write(path, np.zeros(16000 * 3), 16000)
    >>> predict_files(model, [path], merge={"calm": "neutral"})[["label", "angry", "neutral"]]
      label  angry  neutral
    0   sad   0.25     0.25
    >>> predict_files(model, [path], segmenter=FixedWindows(2), keep=["angry", "sad"]).iloc[:, 1:]
       start  end label    angry       sad
    0    0.0  2.0   sad  0.33...  0.66...
    1    1.0  3.0   sad  0.33...  0.66...
    """
    import pandas as pd  # here, so that importing sklearn_ser does not import pandas

    files = list(files)
    if not files:
        raise ValueError("no files to label")
    classes = [str(c) for c in model.classes_]
    edited = merge is not None or keep is not None
    if edited:  # the classes are checked before any audio is read
        merge_probabilities(np.zeros((0, len(classes))), classes, merge=merge, keep=keep)
    if segmenter is None:
        probabilities, file_speakers = _whole_files(model, files, sr, speakers)
        table = pd.DataFrame({"file": [str(file) for file in files]})
        if file_speakers is not None:
            table["speaker"] = file_speakers
    elif speakers is not None:
        raise ValueError("speakers do not apply to segments: each file is one speaker")
    else:
        segments = [
            predict_segments(model, file, sr=sr, segmenter=segmenter, progress=progress)
            for file in files
        ]
        table = pd.concat(
            [s[["start", "end"]].assign(file=str(f)) for f, s in zip(files, segments)],
            ignore_index=True,
        )[["file", "start", "end"]]
        probabilities = np.concatenate([s[classes].to_numpy() for s in segments])
    if not np.isfinite(probabilities).all():
        raise ValueError(
            "the model gives NaN or infinite probabilities: its fitted values are damaged"
        )
    if edited:
        probabilities, classes = merge_probabilities(probabilities, classes, merge=merge, keep=keep)
    table["label"] = pd.Series(np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)])
    for name, column in zip(classes, probabilities.T):
        table[str(name)] = column
    return table
