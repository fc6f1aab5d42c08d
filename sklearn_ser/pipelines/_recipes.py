"""Waveform-to-label pipelines: the papers' setups and our CPU recipes.

Each function returns an unfitted :class:`~sklearn.pipeline.Pipeline`
whose steps are named after their classes, so grid keys read
``cnnlstmclassifier__lr``. The recipes are the one home of tuned settings:
each writes out every training setting of its classifier instead of
relying on the classifier's generic defaults, so that a recipe stays what
was measured. Keyword arguments beyond the documented ones go to the
classifier, over the recipe's values, which is how a caller sets
``max_epochs``, ``random_state``, ``device`` or ``callbacks`` without
rebuilding the recipe.
"""

import math

from ..estimators import CNNLSTM1DClassifier, CNNLSTMClassifier, TransformerCNNClassifier
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


# The papers' training: whole clips, no class weights, no augmentation,
# early stopping on a 10% validation split, up to 100 epochs.
_PAPERS_TRAINING = dict(
    max_epochs=100,
    batch_size=32,
    validation_fraction=0.1,
    class_weight=None,
    crop_length=None,
    crop_hop=None,
    mixup_alpha=0.0,
    ema_decay=None,
    time_stretch=0.0,
    time_masks=0,
    time_mask_width=0,
    noise_snr_db=None,
)
# The CNN-LSTMs as in Zhao et al. (2019) and their re-implementations.
_ZHAO_2019_TRAINING = dict(**_PAPERS_TRAINING, lr=6e-4, patience=10)
# The frequency-axis augmentations of the spectrogram classifiers, off.
_NO_BAND_AUGMENTATION = dict(freq_masks=0, freq_mask_width=0, freq_warp=0.0)


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
    :class:`~sklearn_ser.CNNLSTMClassifier` with the paper's network (four
    64-64-128-128 convolution blocks, pooling 2-4-4-4, a 128-unit LSTM) and
    training: Adam at 6e-4, whole clips, no class weights, no augmentation,
    early stopping (patience 10) on a 10% validation split, up to 100
    epochs.

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
    recipe = {**_ZHAO_2019_TRAINING, **_NO_BAND_AUGMENTATION}
    classifier = CNNLSTMClassifier(**{**recipe, **classifier_params})
    return _spectrogram_pipeline(front_end, classifier, speaker_norm, check_domain)


@fill_doc(check_domain=CHECK_DOMAIN)
def make_zhao_1d_pipeline(*, sr=16000, check_domain=True, **classifier_params):
    """The 1-D CNN-LSTM of Zhao et al. (2019) on raw waveforms.

    :class:`~sklearn_ser.FixedLengthWaveform` (every clip padded or cut to
    the longest training clip) and a :class:`~sklearn_ser.CNNLSTM1DClassifier`
    with the paper's network and the training of
    :func:`make_zhao_2d_pipeline`.

    Parameters
    ----------
    sr : int, default=16000
        Sampling rate of the input waveforms, for the input check (the
        network sees samples).
    %(check_domain)s
    **classifier_params
        Passed to :class:`~sklearn_ser.CNNLSTM1DClassifier`, overriding the
        recipe's values.

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
        CNNLSTM1DClassifier(**{**_ZHAO_2019_TRAINING, **classifier_params}),
        check_domain=check_domain,
        sr=sr,
    )


@fill_doc(speaker_norm=_SPEAKER_NORM, check_domain=CHECK_DOMAIN)
def make_zenkov_pipeline(*, sr=16000, speaker_norm=False, check_domain=True, **classifier_params):
    """The parallel CNN + Transformer of Zenkov (2020) on 3 s of MFCCs.

    40 MFCCs from 128 mel bands with a Hamming window of 10.7 ms and the
    same hop (Zenkov's 512 samples at 48 kHz), zero-padded to an FFT of 32
    ms, the middle 3 s of each clip (282 frames), each coefficient
    standardised on the training set, and a
    :class:`~sklearn_ser.TransformerCNNClassifier` with the paper's network
    and optimizer (SGD at 0.01, momentum 0.8, weight decay 1e-3) on whole
    clips without augmentation, early-stopped (patience 20) on a 10%
    validation split within 100 epochs instead of the paper's checkpoint
    chosen by hand.

    Parameters
    ----------
    sr : int, default=16000
        Sampling rate of the input waveforms.
    %(speaker_norm)s
    %(check_domain)s
    **classifier_params
        Passed to :class:`~sklearn_ser.TransformerCNNClassifier`, overriding
        the recipe's values.

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
    recipe = dict(
        optimizer__momentum=0.8,
        optimizer__weight_decay=1e-3,
        lr=0.01,
        patience=20,
        **_PAPERS_TRAINING,
        **_NO_BAND_AUGMENTATION,
    )
    classifier = TransformerCNNClassifier(**{**recipe, **classifier_params})
    return _spectrogram_pipeline(front_end, classifier, speaker_norm, check_domain)


def _window_of_64_ms(sr):
    """FFT size nearest 64 ms as a power of two (1024 at 16 kHz)."""
    return 2 ** round(math.log2(0.064 * sr))


def _frames_in(seconds, sr, hop_length):
    """Frames of the (centred) front end in ``seconds`` of audio, so that a
    window keeps its duration at any sampling rate (2 s: 63 at 16 kHz)."""
    return 1 + round(seconds * sr) // hop_length


@fill_doc(speaker_norm=_SPEAKER_NORM, utterance_norm=_UTTERANCE_NORM, check_domain=CHECK_DOMAIN)
def make_crop_cnn_lstm_pipeline(
    *, sr=16000, speaker_norm=False, utterance_norm=False, check_domain=True, **classifier_params
):
    """Our CPU recipe for the 2-D CNN-LSTM: small network, crops, augmentation.

    The best single neural configuration per CPU-minute of our RAVDESS
    benchmark (:ref:`recipes` in the user guide), fixed a priori for a
    2-core CPU: 64 mel bands with a 64-ms window and half hop, the silence
    around the speech cut (30 dB below the loudest frame), NaN padding; a
    network with half the paper's channels (32-32-64-64), pooling by 2 in
    both axes and a 64-unit LSTM; Adam at 6e-4 on random 2-s windows (63
    frames at 16 kHz) drawn anew every epoch, mixup (alpha 0.2), band
    warping and speaking-rate stretch of up to 10%, one time mask of up to 8
    frames and two frequency masks of up to 6 bands, balanced classes, 60
    epochs on all the training data (patience 20 if a validation split is
    asked for with ``validation_fraction``), and a moving average of the
    weights (``ema_decay=0.998``). Predictions average windows 1 s apart.

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
    hop_length = n_fft // 2
    # Crops need each clip's real length, which NaN padding carries.
    front_end = LogMelTransformer(
        sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=64, padding="nan", trim_db=30
    )
    recipe = dict(
        lr=6e-4,
        max_epochs=60,
        batch_size=32,
        patience=20,
        validation_fraction=None,
        class_weight="balanced",
        crop_length=_frames_in(2.0, sr, hop_length),
        crop_hop=None,
        mixup_alpha=0.2,
        ema_decay=0.998,
        time_stretch=0.1,
        time_masks=1,
        time_mask_width=8,
        freq_masks=2,
        freq_mask_width=6,
        freq_warp=0.1,
        noise_snr_db=None,
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
    # Whole clips without augmentation, as measured in the preset's benchmark.
    recipe = dict(
        lr=2e-3,
        max_epochs=60,
        batch_size=32,
        patience=None,
        validation_fraction=None,
        class_weight="balanced",
        crop_length=None,
        crop_hop=None,
        mixup_alpha=0.0,
        ema_decay=0.98,
        time_stretch=0.0,
        time_masks=0,
        time_mask_width=0,
        noise_snr_db=None,
        **_NO_BAND_AUGMENTATION,
        module__channels=(16, 16, 32, 32),
        module__hidden_size=32,
        module__pool_sizes=(2, 2, 2, 2),
        module__time_pool_sizes=(1, 1, 1, 1),
    )
    classifier = CNNLSTMClassifier(**{**recipe, **classifier_params})
    return _spectrogram_pipeline(front_end, classifier, speaker_norm, check_domain)
