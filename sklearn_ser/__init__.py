"""sklearn_ser: speech emotion recognition as scikit-learn estimators.

Data flows one way: waveforms (:mod:`sklearn_ser.datasets`) ->
front end (:mod:`sklearn_ser.preprocessing`) -> classifiers
(:mod:`sklearn_ser.estimators`, which own a module from
:mod:`sklearn_ser.models`) -> speaker-independent evaluation
(:mod:`sklearn_ser.evaluation`). :mod:`sklearn_ser.pipelines` assembles
the papers' setups and our CPU recipes from these parts.
"""

__version__ = "0.1.0.dev0"

from ._persistence import is_safe_model_file, load_model, save_model
from ._show_versions import show_versions
from ._trained_model import load_trained_model, save_trained_model
from .datasets import (
    fetch_emodb,
    fetch_ravdess,
    load_ased,
    load_audio_folder,
    load_crema_d,
    load_emodb,
    load_ravdess,
    load_savee,
    load_tess,
    make_emotional_speech,
)
from .estimators import CNNLSTM1DClassifier, CNNLSTMClassifier, TransformerCNNClassifier
from .evaluation import RAVDESS_FOLDS, evaluate_speaker_independent, speaker_folds
from .pipelines import (
    make_baseline_pipeline,
    make_crop_cnn_lstm_pipeline,
    make_seed_ensemble,
    make_small_cnn_lstm_pipeline,
    make_zenkov_pipeline,
    make_zhao_1d_pipeline,
    make_zhao_2d_pipeline,
)
from .preprocessing import (
    FixedLengthWaveform,
    InputDomainCheck,
    LogMelTransformer,
    LoudnessNormalizer,
    OpenSmileTransformer,
    SpeakerStandardScaler,
    SpeechEncoderTransformer,
    UtteranceStandardScaler,
    UtteranceStatistics,
    VoiceEmbeddingTransformer,
)
from .segmentation import predict_files, predict_segments

__all__ = [
    "CNNLSTM1DClassifier",
    "CNNLSTMClassifier",
    "FixedLengthWaveform",
    "InputDomainCheck",
    "LogMelTransformer",
    "LoudnessNormalizer",
    "OpenSmileTransformer",
    "RAVDESS_FOLDS",
    "SpeakerStandardScaler",
    "SpeechEncoderTransformer",
    "TransformerCNNClassifier",
    "UtteranceStandardScaler",
    "UtteranceStatistics",
    "VoiceEmbeddingTransformer",
    "evaluate_speaker_independent",
    "fetch_emodb",
    "fetch_ravdess",
    "is_safe_model_file",
    "load_ased",
    "load_audio_folder",
    "load_crema_d",
    "load_emodb",
    "load_model",
    "load_ravdess",
    "load_savee",
    "load_tess",
    "load_trained_model",
    "make_baseline_pipeline",
    "make_crop_cnn_lstm_pipeline",
    "make_emotional_speech",
    "make_seed_ensemble",
    "make_small_cnn_lstm_pipeline",
    "make_zenkov_pipeline",
    "make_zhao_1d_pipeline",
    "make_zhao_2d_pipeline",
    "predict_files",
    "predict_segments",
    "save_model",
    "save_trained_model",
    "show_versions",
    "speaker_folds",
]
