"""Corpus loaders, download helpers and the embedded synthetic corpus.

Every loader returns a :class:`~sklearn.utils.Bunch` with ``data`` (a list of
mono float32 waveforms), ``target`` (emotion labels from one shared
vocabulary), ``groups`` (speaker ids for speaker-independent splits),
``filenames``, ``metadata``, ``frame``, ``target_names``, ``sr`` and
``DESCR``.
"""

from ._audio_folder import load_audio_folder, speakers_from_paths
from ._base import AUDIO_EXTENSIONS, EMOTIONS, find_audio_files, read_audio
from ._by_name import CORPUS_NAMES, load_corpus
from ._combine import CORPUS_SEPARATOR, concat_corpora
from ._corpora import (
    load_ased,
    load_crema_d,
    load_emodb,
    load_ravdess,
    load_savee,
    load_tess,
    parse_filenames,
)
from ._fetch import clear_data_home, fetch_emodb, fetch_ravdess, get_data_home
from ._labels import labels_of_files, read_labels_csv, relabel
from ._recording import join_clips
from ._synthetic import make_emotional_speech

__all__ = [
    "AUDIO_EXTENSIONS",
    "CORPUS_NAMES",
    "CORPUS_SEPARATOR",
    "EMOTIONS",
    "clear_data_home",
    "concat_corpora",
    "fetch_emodb",
    "fetch_ravdess",
    "find_audio_files",
    "get_data_home",
    "join_clips",
    "labels_of_files",
    "load_ased",
    "load_audio_folder",
    "load_corpus",
    "load_crema_d",
    "load_emodb",
    "load_ravdess",
    "load_savee",
    "load_tess",
    "make_emotional_speech",
    "parse_filenames",
    "read_audio",
    "read_labels_csv",
    "relabel",
    "speakers_from_paths",
]
