"""Loaders of the public emotional-speech corpora.

Each corpus is its file-name parser plus a description; the shared
machinery lives in ``_base``.
"""

import re
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import StrOptions, validate_params

from ..utils import fill_doc
from ._base import LOADER_CONSTRAINTS, LOADER_DOC, CorpusSpec, loader_options, read_corpus


def _decode(field, code, table):
    """Look ``code`` up in ``table`` or raise naming the field."""
    try:
        return table[code]
    except KeyError:
        raise ValueError(f"{field} code {code!r} is not one of {sorted(table)}") from None


def _match(pattern, name, convention):
    match = pattern.fullmatch(name)
    if match is None:
        raise ValueError(f"expected {convention}, got {name!r}")
    return match


# ---------------------------------------------------------------- RAVDESS

_RAVDESS_CODES = {
    "modality": {"01": "full-AV", "02": "video-only", "03": "audio-only"},
    "vocal_channel": {"01": "speech", "02": "song"},
    "emotion": {
        "01": "neutral",
        "02": "calm",
        "03": "happy",
        "04": "sad",
        "05": "angry",
        "06": "fearful",
        "07": "disgust",
        "08": "surprised",
    },
    "intensity": {"01": "normal", "02": "strong"},
    "statement": {
        "01": "Kids are talking by the door",
        "02": "Dogs are sitting by the door",
    },
    "repetition": {"01": 1, "02": 2},
}
_RAVDESS_NAME = re.compile(r"(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)")


def _parse_ravdess(file, root):
    codes = _match(_RAVDESS_NAME, file.stem, "MM-VV-EE-II-SS-RR-AA").groups()
    fields = {
        field: _decode(field, code, table)
        for (field, table), code in zip(_RAVDESS_CODES.items(), codes)
    }
    actor = int(codes[-1])
    if not 1 <= actor <= 24:
        raise ValueError(f"actor {codes[-1]!r} is not in 01..24")
    return {
        "label": fields.pop("emotion"),
        "speaker": codes[-1],
        "emotion_code": codes[2],
        **fields,
        "actor": codes[-1],
        "gender": "male" if actor % 2 else "female",
    }


_RAVDESS = CorpusSpec(
    name="RAVDESS",
    key="ravdess",
    group_prefix="ravdess_",
    parse=_parse_ravdess,
    fields=(
        "modality",
        "vocal_channel",
        "emotion_code",
        "intensity",
        "statement",
        "repetition",
        "actor",
        "gender",
    ),
    labels=tuple(_RAVDESS_CODES["emotion"].values()),
)


@validate_params(
    {**LOADER_CONSTRAINTS, "vocal_channel": [StrOptions({"speech", "song", "all"})]},
    prefer_skip_nested_validation=True,
)
@fill_doc(**LOADER_DOC)
def load_ravdess(
    path,
    *,
    sr=16000,
    vocal_channel="speech",
    emotions=None,
    speakers=None,
    max_files=None,
    on_error="raise",
    n_jobs=None,
    verbose=False,
    as_frame=False,
    return_X_y=False,
    return_X_y_groups=False,
):
    """Load the audio-only RAVDESS recordings found under a folder.

    Files are found recursively (``.wav`` or ``.flac``, any sampling rate)
    and must be named ``MM-VV-EE-II-SS-RR-AA``: modality, vocal channel,
    emotion, intensity, statement, repetition, actor (see ``DESCR``). Works
    on the original 48 kHz WAV release (``Audio_Speech_Actors_01-24``) and
    on resampled copies.

    Read more in :func:`fetch_ravdess`, which downloads the corpus.

    Parameters
    ----------
    path : str or path-like
        Folder holding the files (e.g. the ``Actor_NN`` folders).
    sr : int, default=16000
        Sampling rate of the returned waveforms (see below).
    vocal_channel : {"speech", "song", "all"}, default="speech"
        Which vocal channel to keep. The speech release holds only speech;
        the song release (``Audio_Song_Actors_01-24``) only song, with
        6 emotions and no actor 18.
    %(loader_parameters)s

    Returns
    -------
    %(loader_returns)s

    Notes
    -----
    Groups are ``"ravdess_01"`` ... ``"ravdess_24"``; ``metadata`` holds
    modality, vocal_channel, emotion_code, intensity, statement (the
    sentence), repetition (1 or 2), actor ("01".."24") and gender (odd
    actors are male).

    Examples
    --------
    >>> import tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import load_ravdess
    >>> folder = tempfile.mkdtemp()
    >>> for name in ["03-01-05-01-01-01-01", "03-01-04-02-02-01-02"]:
    ...     soundfile.write(f"{folder}/{name}.wav", np.zeros(4800), 48000)
    >>> corpus = load_ravdess(folder)
    >>> corpus.target, corpus.groups, corpus.data[0].shape
    (array(['sad', 'angry'], dtype='<U5'),
     array(['ravdess_02', 'ravdess_01'], dtype='<U10'), (1600,))
    """
    where = None if vocal_channel == "all" else {"vocal_channel": {vocal_channel}}
    return read_corpus(_RAVDESS, path, where=where, **loader_options(locals()))


# ------------------------------------------------------------------ EmoDB

# speaker code -> (gender, age in years), from the corpus documentation
_EMODB_SPEAKERS = {
    "03": ("male", 31),
    "08": ("female", 34),
    "09": ("female", 21),
    "10": ("male", 32),
    "11": ("male", 26),
    "12": ("male", 30),
    "13": ("female", 32),
    "14": ("female", 35),
    "15": ("male", 25),
    "16": ("female", 31),
}
_EMODB_EMOTIONS = {
    "W": "angry",  # Wut
    "L": "boredom",  # Langeweile
    "E": "disgust",  # Ekel
    "A": "fearful",  # Angst
    "F": "happy",  # Freude
    "T": "sad",  # Trauer
    "N": "neutral",
}
_EMODB_TEXTS = {"a01", "a02", "a04", "a05", "a07", "b01", "b02", "b03", "b09", "b10"}
_EMODB_NAME = re.compile(r"(\d\d)([ab]\d\d)([A-Z])([a-z])")


def _parse_emodb(file, root):
    speaker, text, emotion, version = _match(
        _EMODB_NAME, file.stem, "speaker, text, emotion, version as in 03a01Fa"
    ).groups()
    gender, age = _decode("speaker", speaker, _EMODB_SPEAKERS)
    if text not in _EMODB_TEXTS:
        raise ValueError(f"text code {text!r} is not one of {sorted(_EMODB_TEXTS)}")
    return {
        "label": _decode("emotion", emotion, _EMODB_EMOTIONS),
        "speaker": speaker,
        "gender": gender,
        "age": age,
        "text": text,
        "emotion_code": emotion,
        "version": version,
    }


_EMODB = CorpusSpec(
    name="EmoDB",
    key="emodb",
    group_prefix="emodb_",
    parse=_parse_emodb,
    fields=("speaker", "gender", "age", "text", "emotion_code", "version"),
    labels=tuple(_EMODB_EMOTIONS.values()),
)


@validate_params(LOADER_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc(**LOADER_DOC)
def load_emodb(
    path,
    *,
    sr=16000,
    emotions=None,
    speakers=None,
    max_files=None,
    on_error="raise",
    n_jobs=None,
    verbose=False,
    as_frame=False,
    return_X_y=False,
    return_X_y_groups=False,
):
    """Load the Berlin Database of Emotional Speech (EmoDB) from a folder.

    Files are found recursively and named like ``03a01Fa.wav``: speaker
    (03, 08-16), text (a01 ... b10), emotion letter (German initial), and
    version letter. The letters map to W angry, L boredom, E disgust,
    A fearful, F happy, T sad, N neutral.

    Parameters
    ----------
    path : str or path-like
        Folder holding the files (the archive's ``wav`` folder or above).
    %(loader_parameters)s

    Returns
    -------
    %(loader_returns)s

    Notes
    -----
    Groups are ``"emodb_03"`` ... ``"emodb_16"``; ``metadata`` holds
    speaker, gender, age, text, emotion_code and version.

    Examples
    --------
    >>> import tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import load_emodb
    >>> folder = tempfile.mkdtemp()
    >>> soundfile.write(f"{folder}/03a01Fa.wav", np.zeros(160), 16000)
    >>> soundfile.write(f"{folder}/16b10Lb.wav", np.zeros(160), 16000)
    >>> corpus = load_emodb(folder)
    >>> corpus.target, corpus.metadata["gender"]
    (array(['happy', 'boredom'], dtype='<U7'), array(['male', 'female'], dtype='<U6'))
    """
    return read_corpus(_EMODB, path, **loader_options(locals()))


# ---------------------------------------------------------------- CREMA-D

_CREMA_D_SENTENCES = {
    "IEO": "It's eleven o'clock",
    "TIE": "That is exactly what happened",
    "IOM": "I'm on my way to the meeting",
    "IWW": "I wonder what this is about",
    "TAI": "The airplane is almost full",
    "MTI": "Maybe tomorrow it will be cold",
    "IWL": "I would like a new alarm clock",
    "ITH": "I think I have a doctor's appointment",
    "DFA": "Don't forget a jacket",
    "ITS": "I think I've seen this before",
    "TSI": "The surface is slick",
    "WSI": "We'll stop in a couple of minutes",
}
_CREMA_D_EMOTIONS = {
    "ANG": "angry",
    "DIS": "disgust",
    "FEA": "fearful",
    "HAP": "happy",
    "NEU": "neutral",
    "SAD": "sad",
}
_CREMA_D_LEVELS = {"LO": "low", "MD": "medium", "HI": "high", "XX": "unspecified"}
_CREMA_D_NAME = re.compile(r"(\d{4})_([A-Z]{3})_([A-Z]{3})_([A-Z]{2})")


def _parse_crema_d(file, root):
    actor, sentence, emotion, level = _match(
        _CREMA_D_NAME, file.stem, "actor_sentence_emotion_level as in 1001_DFA_ANG_XX"
    ).groups()
    if not 1001 <= int(actor) <= 1091:
        raise ValueError(f"actor {actor!r} is not in 1001..1091")
    return {
        "label": _decode("emotion", emotion, _CREMA_D_EMOTIONS),
        "speaker": actor,
        "actor": actor,
        "sentence": _decode("sentence", sentence, _CREMA_D_SENTENCES),
        "emotion_code": emotion,
        "intensity": _decode("level", level, _CREMA_D_LEVELS),
    }


_CREMA_D = CorpusSpec(
    name="CREMA-D",
    key="crema_d",
    group_prefix="crema_d_",
    parse=_parse_crema_d,
    fields=("actor", "sentence", "emotion_code", "intensity"),
    labels=tuple(_CREMA_D_EMOTIONS.values()),
)


@validate_params(LOADER_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc(**LOADER_DOC)
def load_crema_d(
    path,
    *,
    sr=16000,
    emotions=None,
    speakers=None,
    max_files=None,
    on_error="raise",
    n_jobs=None,
    verbose=False,
    as_frame=False,
    return_X_y=False,
    return_X_y_groups=False,
):
    """Load the CREMA-D audio clips from a folder.

    Files are found recursively and named like ``1001_DFA_ANG_XX.wav``:
    actor (1001-1091), sentence code, emotion (ANG, DIS, FEA, HAP, NEU,
    SAD) and intensity level (LO, MD, HI, or XX for unspecified).

    Parameters
    ----------
    path : str or path-like
        Folder holding the files (the repository's ``AudioWAV`` folder).
    %(loader_parameters)s

    Returns
    -------
    %(loader_returns)s

    Notes
    -----
    Groups are ``"crema_d_1001"`` ... ``"crema_d_1091"``; ``metadata``
    holds actor, sentence (the text), emotion_code and intensity (low,
    medium, high, unspecified). Gender and age are not in the file names
    (the corpus lists them in ``VideoDemographics.csv``).

    Examples
    --------
    >>> import tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import load_crema_d
    >>> folder = tempfile.mkdtemp()
    >>> soundfile.write(f"{folder}/1001_DFA_ANG_XX.wav", np.zeros(160), 16000)
    >>> corpus = load_crema_d(folder)
    >>> corpus.target, corpus.metadata["sentence"]
    (array(['angry'], dtype='<U5'), array(["Don't forget a jacket"], dtype='<U21'))
    """
    return read_corpus(_CREMA_D, path, **loader_options(locals()))


# ------------------------------------------------------------------- TESS

_TESS_SPEAKERS = {"OAF": "older", "YAF": "younger"}
_TESS_EMOTIONS = {
    "angry": "angry",
    "disgust": "disgust",
    "fear": "fearful",
    "happy": "happy",
    "neutral": "neutral",
    "ps": "surprised",  # "pleasant surprise"
    "sad": "sad",
}
_TESS_NAME = re.compile(r"([A-Za-z]+)_([A-Za-z]+)_([A-Za-z]+)")


def _parse_tess(file, root):
    speaker, word, emotion = _match(
        _TESS_NAME, file.stem, "speaker_word_emotion as in OAF_back_angry"
    ).groups()
    speaker, emotion = speaker.upper(), emotion.lower()
    return {
        "label": _decode("emotion", emotion, _TESS_EMOTIONS),
        "speaker": speaker,
        "age_group": _decode("speaker", speaker, _TESS_SPEAKERS),
        "word": word.lower(),
        "emotion_code": emotion,
    }


_TESS = CorpusSpec(
    name="TESS",
    key="tess",
    group_prefix="tess_",
    parse=_parse_tess,
    fields=("age_group", "word", "emotion_code"),
    labels=tuple(_TESS_EMOTIONS.values()),
)


@validate_params(LOADER_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc(**LOADER_DOC)
def load_tess(
    path,
    *,
    sr=16000,
    emotions=None,
    speakers=None,
    max_files=None,
    on_error="raise",
    n_jobs=None,
    verbose=False,
    as_frame=False,
    return_X_y=False,
    return_X_y_groups=False,
):
    """Load the Toronto Emotional Speech Set (TESS) from a folder.

    Files are found recursively (folders such as ``OAF_angry/`` are only
    organisation) and named like ``OAF_back_angry.wav``: speaker (OAF, the
    older talker, or YAF, the younger), the target word, and the emotion
    (angry, disgust, fear, happy, neutral, ps = pleasant surprise, sad;
    case-insensitive). "fear" becomes ``fearful`` and "ps" ``surprised``.

    Parameters
    ----------
    path : str or path-like
        Folder holding the files.
    %(loader_parameters)s

    Returns
    -------
    %(loader_returns)s

    Notes
    -----
    Groups are ``"tess_OAF"`` and ``"tess_YAF"``: with two speakers only
    a leave-one-speaker-out split is possible. ``metadata`` holds
    age_group, word and emotion_code. Both talkers are female.

    Examples
    --------
    >>> import tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import load_tess
    >>> folder = tempfile.mkdtemp()
    >>> soundfile.write(f"{folder}/YAF_word_ps.wav", np.zeros(160), 24414)
    >>> load_tess(folder, return_X_y_groups=True)[1:]
    (array(['surprised'], dtype='<U9'), array(['tess_YAF'], dtype='<U8'))
    """
    return read_corpus(_TESS, path, **loader_options(locals()))


# ------------------------------------------------------------------ SAVEE

_SAVEE_SPEAKERS = ("DC", "JE", "JK", "KL")
_SAVEE_EMOTIONS = {
    "a": "angry",
    "d": "disgust",
    "f": "fearful",
    "h": "happy",
    "n": "neutral",
    "sa": "sad",
    "su": "surprised",
}
_SAVEE_FLAT = re.compile(r"([A-Z]{2})_([a-z]{1,2})(\d\d)")
_SAVEE_NESTED = re.compile(r"([a-z]{1,2})(\d\d)")


def _parse_savee(file, root):
    flat = _SAVEE_FLAT.fullmatch(file.stem)
    if flat is not None:
        speaker, emotion, sentence = flat.groups()
    else:
        emotion, sentence = _match(
            _SAVEE_NESTED, file.stem, "DC_a01 or DC/a01 (speaker, emotion, sentence)"
        ).groups()
        speaker = file.parent.name
    if speaker not in _SAVEE_SPEAKERS:
        raise ValueError(f"speaker {speaker!r} is not one of {list(_SAVEE_SPEAKERS)}")
    return {
        "label": _decode("emotion", emotion, _SAVEE_EMOTIONS),
        "speaker": speaker,
        "emotion_code": emotion,
        "sentence": int(sentence),
    }


_SAVEE = CorpusSpec(
    name="SAVEE",
    key="savee",
    group_prefix="savee_",
    parse=_parse_savee,
    fields=("emotion_code", "sentence"),
    labels=tuple(_SAVEE_EMOTIONS.values()),
)


@validate_params(LOADER_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc(**LOADER_DOC)
def load_savee(
    path,
    *,
    sr=16000,
    emotions=None,
    speakers=None,
    max_files=None,
    on_error="raise",
    n_jobs=None,
    verbose=False,
    as_frame=False,
    return_X_y=False,
    return_X_y_groups=False,
):
    """Load the Surrey Audio-Visual Expressed Emotion (SAVEE) audio.

    Two layouts are read, mixed freely: flat names such as ``DC_a01.wav``,
    and the original ``DC/a01.wav`` (speaker folder, then emotion and
    sentence number). Speakers are DC, JE, JK and KL; emotions a angry,
    d disgust, f fearful, h happy, n neutral, sa sad, su surprised.

    Parameters
    ----------
    path : str or path-like
        Folder holding the files or the speaker folders.
    %(loader_parameters)s

    Returns
    -------
    %(loader_returns)s

    Notes
    -----
    Groups are ``"savee_DC"``, ``"savee_JE"``, ``"savee_JK"`` and
    ``"savee_KL"``; ``metadata`` holds emotion_code and sentence (the number
    within the emotion). All four speakers are male.

    Examples
    --------
    >>> import os, tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import load_savee
    >>> folder = tempfile.mkdtemp()
    >>> os.mkdir(f"{folder}/KL")
    >>> soundfile.write(f"{folder}/DC_sa01.wav", np.zeros(160), 44100)
    >>> soundfile.write(f"{folder}/KL/su15.wav", np.zeros(160), 44100)
    >>> corpus = load_savee(folder)
    >>> corpus.target, corpus.groups
    (array(['sad', 'surprised'], dtype='<U9'), array(['savee_DC', 'savee_KL'], dtype='<U8'))
    """
    return read_corpus(_SAVEE, path, **loader_options(locals()))


# ------------------------------------------------------------------- ASED

# The emotion letter and the folder number name the same emotion twice
# (n1 ... a5); both are checked so that a misfiled clip is caught.
_ASED_EMOTIONS = {
    "n": ("1", "neutral"),
    "f": ("2", "fearful"),
    "h": ("3", "happy"),
    "s": ("4", "sad"),
    "a": ("5", "angry"),
}
_ASED_GENDERS = {"01": "female", "02": "male"}
_ASED_NAME = re.compile(r"([A-Za-z])(\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)")


def _parse_ased(file, root):
    letter, number, sentence, repetition, gender, speaker = _match(
        _ASED_NAME, file.stem, "xn-yy-aa-gg-bb as in n1-01-01-01-01"
    ).groups()
    # one file of the release has an upper-case letter ("S4-...")
    expected_number, label = _decode("emotion", letter.lower(), _ASED_EMOTIONS)
    if number != expected_number:
        raise ValueError(f"emotion {letter!r} goes with number {expected_number}, not {number}")
    if not 1 <= int(sentence) <= 7:
        raise ValueError(f"sentence {sentence!r} is not in 01..07")
    if repetition not in ("01", "02"):
        raise ValueError(f"repetition {repetition!r} is not 01 or 02")
    if not 1 <= int(speaker) <= 65:
        raise ValueError(f"speaker {speaker!r} is not in 01..65")
    return {
        "label": label,
        # The speaker is the last field alone: five numbers appear with both
        # gender codes, and gender + number would split one person in two.
        "speaker": speaker,
        "emotion_code": letter,
        "sentence": int(sentence),
        "repetition": int(repetition),
        "gender": _decode("gender", gender, _ASED_GENDERS),
    }


_ASED = CorpusSpec(
    name="ASED",
    key="ased",
    group_prefix="ased_",
    parse=_parse_ased,
    fields=("speaker", "gender", "sentence", "repetition", "emotion_code"),
    labels=tuple(label for _, label in _ASED_EMOTIONS.values()),
)


@validate_params(LOADER_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc(**LOADER_DOC)
def load_ased(
    path,
    *,
    sr=16000,
    emotions=None,
    speakers=None,
    max_files=None,
    on_error="raise",
    n_jobs=None,
    verbose=False,
    as_frame=False,
    return_X_y=False,
    return_X_y_groups=False,
):
    """Load the Amharic Speech Emotional Dataset (ASED v1) from a folder.

    Files are found recursively (the ``01Neutral`` ... ``05Angry`` folders
    are only organisation) and named ``xn-yy-aa-gg-bb``: emotion letter and
    its number (n1 neutral, f2 fearful, h3 happy, s4 sad, a5 angry; the
    letter's case is ignored), sentence (01-07), repetition (01, 02), gender
    (01 female, 02 male) and speaker (01-65).

    Parameters
    ----------
    path : str or path-like
        Folder holding the files or the emotion folders.
    %(loader_parameters)s

    Returns
    -------
    %(loader_returns)s

    Notes
    -----
    Groups are ``"ased_01"`` ... ``"ased_65"``, from the speaker field
    alone: five speaker numbers appear with both gender codes, so grouping
    by gender and number would put one person on both sides of a split.
    ``metadata`` holds speaker, gender (as coded in each file name),
    sentence (1-7), repetition (1 or 2) and emotion_code (the letter as
    written). The release stores four takes twice under both repetition
    numbers; they are kept, and share a speaker, so speaker-grouped splits
    keep each pair together.

    Examples
    --------
    >>> import tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import load_ased
    >>> folder = tempfile.mkdtemp()
    >>> for name in ["n1-01-01-01-09", "S4-03-02-02-09", "a5-07-01-02-63"]:
    ...     soundfile.write(f"{folder}/{name}.flac", np.zeros(160), 16000)
    >>> corpus = load_ased(folder)
    >>> corpus.target, corpus.groups
    (array(['sad', 'angry', 'neutral'], dtype='<U7'),
     array(['ased_09', 'ased_63', 'ased_09'], dtype='<U7'))
    """
    return read_corpus(_ASED, path, **loader_options(locals()))


# ------------------------------------------------------- names without audio

#: The named corpora whose file names give labels and speakers, by their
#: names in ``CORPUS_NAMES``.
_NAMED_CORPORA = {
    "ravdess": _RAVDESS,
    "ased": _ASED,
    "emodb": _EMODB,
    "crema-d": _CREMA_D,
    "tess": _TESS,
    "savee": _SAVEE,
}


@validate_params(
    {"files": ["array-like"], "corpus": [StrOptions(set(_NAMED_CORPORA))]},
    prefer_skip_nested_validation=True,
)
def parse_filenames(files, corpus):
    """Labels and speakers that a corpus's naming gives files, without audio.

    The loaders' own parsing, for files met elsewhere: e.g. to score a
    saved model's predictions on a corpus (``sklearn-ser predict --corpus``).

    Parameters
    ----------
    files : array-like of str or path-like
        Audio files named as in the corpus.
    corpus : {"ravdess", "ased", "emodb", "crema-d", "tess", "savee"}
        The naming convention, by the corpus's name in
        :data:`CORPUS_NAMES`.

    Returns
    -------
    parsed : :class:`~sklearn.utils.Bunch`
        ``target`` (labels from :data:`EMOTIONS`), ``groups`` (speaker ids
        as the loader gives them, e.g. ``"ravdess_01"``), ``filenames`` and
        ``metadata``, one entry per file in the order given.

    Raises
    ------
    ValueError
        Naming the first file whose name does not follow the convention.

    Examples
    --------
    >>> from sklearn_ser.datasets import parse_filenames
    >>> parsed = parse_filenames(["a/03-01-05-01-01-01-07.wav", "b/03-01-02-02-01-01-08.wav"],
    ...                          "ravdess")
    >>> parsed.target, parsed.groups
    (array(['angry', 'calm'], dtype='<U5'), array(['ravdess_07', 'ravdess_08'], dtype='<U10'))
    """
    spec = _NAMED_CORPORA[corpus]
    records = []
    for file in map(Path, files):
        try:
            records.append(spec.parse(file, file.parent))
        except ValueError as exc:
            raise ValueError(
                f"{spec.name} file name {file} does not follow the convention: {exc}"
            ) from None
    return Bunch(
        target=np.asarray([r["label"] for r in records], dtype=str),
        groups=np.asarray([f"{spec.group_prefix}{r['speaker']}" for r in records], dtype=str),
        filenames=np.asarray([str(file) for file in files], dtype=str),
        metadata={field: np.asarray([r[field] for r in records]) for field in spec.fields},
    )
