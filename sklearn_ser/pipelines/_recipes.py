"""Waveform-to-label pipelines: the papers' setups and our CPU recipes.

Each function returns an unfitted :class:`~sklearn.pipeline.Pipeline`
whose steps are named after their classes, so grid keys read
``cnnlstmclassifier__lr``. Keyword arguments beyond the documented ones go
to the classifier, which is how a caller sets ``max_epochs``,
``random_state``, ``device`` or ``callbacks`` without rebuilding the
recipe.
"""

import math

from ..estimators import (
    ZHAO_2019_TRAINING,
    CNNLSTM1DClassifier,
    CNNLSTMClassifier,
    TransformerCNNClassifier,
)
from ..preprocessing import (
    FixedLengthWaveform,
    LogMelTransformer,
    SpeakerStandardScaler,
    UtteranceStandardScaler,
)
from ..utils import fill_doc
from ._base import CHECK_DOMAIN, make_checked_pipeline

_SPEAKER_NORM = """
    speaker_norm : bool, default=False
        Standardise each mel band per speaker with
        :class:`~sklearn_ser.SpeakerStandardScaler` (speakers routed as
        ``groups``, at ``predict`` too) instead of over the training set.
        Clips are then padded with NaN so that padding stays out of the
        speaker statistics."""


_UTTERANCE_NORM = """
    utterance_norm : bool, default=False
        First standardise each mel band of each clip with the clip's own
        statistics (:class:`~sklearn_ser.UtteranceStandardScaler`), which
        removes a recording's gain and channel; the global standardisation
        over the training set is then left out (per-speaker standardisation
        stays, when asked for)."""


def _spectrogram_pipeline(front_end, classifier, speaker_norm, check_domain, utterance_norm=False):
    """Input check, front end, per-clip, per-speaker or global standardisation,
    classifier."""
    if speaker_norm or utterance_norm:
        # The front end's output is the scalers' own: standardise it in place;
        # NaN padding stays out of their statistics.
        steps = [front_end.set_params(normalize=False, padding="nan")]
        if utterance_norm:
            steps.append(UtteranceStandardScaler(copy=False))
        if speaker_norm:
            steps.append(SpeakerStandardScaler(copy=False))
    else:
        steps = [front_end.set_params(normalize=True)]
    return make_checked_pipeline(*steps, classifier, check_domain=check_domain, sr=front_end.sr)


@fill_doc(speaker_norm=_SPEAKER_NORM, check_domain=CHECK_DOMAIN)
def make_zhao_2d_pipeline(*, sr=16000, speaker_norm=False, check_domain=True, **classifier_params):
    """The 2-D CNN-LSTM of Zhao et al. (2019) on their log-mel spectrogram.

    ``LogMelTransformer(n_fft=2048, hop_length=512, n_mels=128)`` at 16 kHz
    (window and hop scaled with ``sr`` otherwise), each band standardised
    on the training set (our addition), and a
    :class:`~sklearn_ser.CNNLSTMClassifier` with its paper defaults: four
    64-64-128-128 convolution blocks, pooling 2-4-4-4, a 128-unit LSTM,
    Adam at 6e-4.

    Parameters
    ----------
    sr : int, default=16000
        Sampling rate of the input waveforms.
    %(speaker_norm)s
    %(check_domain)s
    **classifier_params
        Passed to :class:`~sklearn_ser.CNNLSTMClassifier`.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> from sklearn_ser.pipelines import make_zhao_2d_pipeline
    >>> pipe = make_zhao_2d_pipeline(max_epochs=50)
    >>> [name for name, _ in pipe.steps]
    ['inputdomaincheck', 'logmeltransformer', 'cnnlstmclassifier']
    >>> pipe.get_params()["logmeltransformer__n_mels"]
    128
    """
    scale = sr / 16000
    front_end = LogMelTransformer(
        sr=sr, n_fft=round(2048 * scale), hop_length=round(512 * scale), n_mels=128
    )
    classifier = CNNLSTMClassifier(**{**ZHAO_2019_TRAINING, **classifier_params})
    return _spectrogram_pipeline(front_end, classifier, speaker_norm, check_domain)


@fill_doc(check_domain=CHECK_DOMAIN)
def make_zhao_1d_pipeline(*, sr=16000, check_domain=True, **classifier_params):
    """The 1-D CNN-LSTM of Zhao et al. (2019) on raw waveforms.

    :class:`~sklearn_ser.FixedLengthWaveform` (every clip padded or cut to
    the longest training clip) and a :class:`~sklearn_ser.CNNLSTM1DClassifier`
    with its paper defaults.

    Parameters
    ----------
    sr : int, default=16000
        Sampling rate of the input waveforms, for the input check (the
        network sees samples).
    %(check_domain)s
    **classifier_params
        Passed to :class:`~sklearn_ser.CNNLSTM1DClassifier`.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> from sklearn_ser.pipelines import make_zhao_1d_pipeline
    >>> [name for name, _ in make_zhao_1d_pipeline().steps]
    ['inputdomaincheck', 'fixedlengthwaveform', 'cnnlstm1dclassifier']
    """
    return make_checked_pipeline(
        FixedLengthWaveform(),
        CNNLSTM1DClassifier(**classifier_params),
        check_domain=check_domain,
        sr=sr,
    )


@fill_doc(speaker_norm=_SPEAKER_NORM, check_domain=CHECK_DOMAIN)
def make_zenkov_pipeline(*, sr=16000, speaker_norm=False, check_domain=True, **classifier_params):
    """The parallel CNN + Transformer of Zenkov (2020) on 3 s of MFCCs.

    40 MFCCs from 128 mel bands with a Hamming window of 10.7 ms and the
    same hop (Zenkov's 512 samples at 48 kHz), zero-padded to an FFT of 32
    ms, the middle 3 s of each clip (282 frames), each coefficient
    standardised on the training set, and a :class:`~sklearn_ser.TransformerCNNClassifier` with
    its paper defaults.

    Parameters
    ----------
    sr : int, default=16000
        Sampling rate of the input waveforms.
    %(speaker_norm)s
    %(check_domain)s
    **classifier_params
        Passed to :class:`~sklearn_ser.TransformerCNNClassifier`.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> from sklearn_ser.pipelines import make_zenkov_pipeline
    >>> pipe = make_zenkov_pipeline()
    >>> pipe.get_params()["logmeltransformer__n_frames"]
    282
    """
    hop = round(512 * sr / 48000)
    front_end = LogMelTransformer(
        sr=sr,
        n_fft=round(512 * sr / 16000),
        win_length=hop,
        hop_length=hop,
        window="hamming",
        n_mels=128,
        n_mfcc=40,
        n_frames=282,
        align="center",
    )
    return _spectrogram_pipeline(
        front_end, TransformerCNNClassifier(**classifier_params), speaker_norm, check_domain
    )


def _window_of_64_ms(sr):
    """FFT size nearest 64 ms as a power of two (1024 at 16 kHz)."""
    return 2 ** round(math.log2(0.064 * sr))


@fill_doc(speaker_norm=_SPEAKER_NORM, utterance_norm=_UTTERANCE_NORM, check_domain=CHECK_DOMAIN)
def make_crop_cnn_lstm_pipeline(
    *, sr=16000, speaker_norm=False, utterance_norm=False, check_domain=True, **classifier_params
):
    """Our CPU recipe for the 2-D CNN-LSTM: small network, crops, augmentation.

    The best single neural configuration per CPU-minute of
    ``benchmarks/ravdess.py`` (rows ``cnn-lstm-crop*-long-trim-full``), fixed
    a priori for a 2-core CPU: 64 mel bands with a 64-ms window and half hop,
    the silence around the speech cut (30 dB below the loudest frame), NaN
    padding; a network with half the paper's channels (32-32-64-64), pooling
    by 2 in both axes and a 64-unit LSTM, trained with
    :class:`~sklearn_ser.CNNLSTMClassifier`'s default recipe: random 2-s
    windows (63 frames) drawn anew every epoch, mixup (alpha 0.2), band
    warping and speaking-rate stretch of up to 10%, one time and two
    frequency masks, balanced classes, 60 epochs on all the training data,
    and a moving average of the weights. Predictions average windows 1 s
    apart.

    Parameters
    ----------
    sr : int, default=16000
        Sampling rate of the input waveforms.
    %(speaker_norm)s
    %(utterance_norm)s
    %(check_domain)s
    **classifier_params
        Passed to :class:`~sklearn_ser.CNNLSTMClassifier`, overriding the
        recipe's values.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> from sklearn_ser.pipelines import make_crop_cnn_lstm_pipeline
    >>> pipe = make_crop_cnn_lstm_pipeline(speaker_norm=True, random_state=0)
    >>> [name for name, _ in pipe.steps]
    ['inputdomaincheck', 'logmeltransformer', 'speakerstandardscaler', 'cnnlstmclassifier']
    >>> pipe.get_params()["cnnlstmclassifier__crop_length"]
    63
    """
    n_fft = _window_of_64_ms(sr)
    # Crops need each clip's real length, which NaN padding carries.
    front_end = LogMelTransformer(
        sr=sr, n_fft=n_fft, hop_length=n_fft // 2, n_mels=64, padding="nan", trim_db=30
    )
    recipe = dict(
        module__channels=(32, 32, 64, 64),
        module__pool_sizes=(2, 2, 2, 2),
        module__time_pool_sizes=(2, 2, 2, 2),
        module__hidden_size=64,
    )
    classifier = CNNLSTMClassifier(**{**recipe, **classifier_params})
    return _spectrogram_pipeline(front_end, classifier, speaker_norm, check_domain, utterance_norm)


@fill_doc(speaker_norm=_SPEAKER_NORM, check_domain=CHECK_DOMAIN)
def make_small_cnn_lstm_pipeline(
    *, sr=16000, speaker_norm=False, check_domain=True, **classifier_params
):
    """A quick 2-D CNN-LSTM for short clips and small corpora (the demo's).

    40 mel bands with a 62.5-ms window and half hop, a quarter of the
    paper's channels (16-16-32-32), no pooling along time (1-s clips give
    about 32 frames), a 32-unit LSTM, Adam at 2e-3, balanced classes, trained
    on every clip for 60 epochs (no validation split, no early stopping)
    and predicting with a moving average of the weights
    (``ema_decay=0.98``). Chosen in
    ``benchmarks/demo_preset.py`` on the synthetic corpora drawn with
    ``random_state`` 1 to 3, never on the demo's.

    Parameters
    ----------
    sr : int, default=16000
        Sampling rate of the input waveforms.
    %(speaker_norm)s
    %(check_domain)s
    **classifier_params
        Passed to :class:`~sklearn_ser.CNNLSTMClassifier`, overriding the
        recipe's values.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> from sklearn_ser.pipelines import make_small_cnn_lstm_pipeline
    >>> make_small_cnn_lstm_pipeline().get_params()["cnnlstmclassifier__module__hidden_size"]
    32
    """
    front_end = LogMelTransformer(sr=sr, n_fft=sr // 16, hop_length=sr // 32, n_mels=40)
    # Whole clips without augmentation, as measured (not the crop recipe
    # of CNNLSTMClassifier's defaults, made for clips of several seconds).
    recipe = dict(
        **ZHAO_2019_TRAINING,
        module__channels=(16, 16, 32, 32),
        module__hidden_size=32,
        module__pool_sizes=(2, 2, 2, 2),
        module__time_pool_sizes=(1, 1, 1, 1),
    )
    recipe.update(
        lr=2e-3,
        max_epochs=60,
        validation_fraction=None,
        patience=None,
        class_weight="balanced",
        ema_decay=0.98,
    )
    classifier = CNNLSTMClassifier(**{**recipe, **classifier_params})
    return _spectrogram_pipeline(front_end, classifier, speaker_norm, check_domain)
