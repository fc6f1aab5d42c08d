"""The three classifiers: a default module, hyper-parameters and docs each."""

from numbers import Real

import torch
from sklearn.utils._param_validation import Interval

from ..models import CNNLSTM, CNNLSTM1D, TransformerCNN
from ..utils import fill_doc
from ._base import SERNeuralNetClassifier, SpectrogramClassifier

# The training parameters every classifier shares, with the same generic
# defaults: whole examples, no class weights, no augmentation, up to 100
# epochs with early stopping on a 10% validation split. Tuned settings live in
# the recipes of ``sklearn_ser.pipelines``, not here.
_TRAINING_PARAMETERS = """
    lr : float, default={lr}
        Learning rate.
    max_epochs : int, default=100
        Upper bound on training epochs.
    batch_size : int, default=32
        Mini-batch size for training and prediction.
    patience : int or None, default=10
        Stop when the validation loss has not improved for this many epochs
        and restore the weights of the best epoch; None trains for
        ``max_epochs`` epochs (still reporting the validation loss). Ignored
        when ``validation_fraction`` is None.
    validation_fraction : float in (0, 1) or None, default=0.1
        Fraction held out for early stopping: whole speakers when ``groups``
        reach ``fit``, else stratified by class. None trains on everything
        for ``max_epochs`` epochs (no early stopping).
    class_weight : dict, "balanced" or None, default=None
        Weights of the cross-entropy: ``{{label: weight}}`` (missing labels
        weigh 1), or "balanced" for the inverse class frequency of the
        training y (every class must then occur in it).
    time_masks : int, default=0
        Time stripes masked per training example (SpecAugment-style; masked
        values become the example's mean).
    time_mask_width : int, default=0
        Maximum width of each time stripe, in {steps}.
    time_stretch : float in [0, 1), default=0.0
        Maximum relative stretch of the time axis per training example (a
        factor drawn from [1 - time_stretch, 1 + time_stretch]): another
        speaking rate. 0 is off.
    noise_snr_db : tuple of (float, float) or None, default=None
        Range of the SNR (dB), drawn per training example, of additive white
        Gaussian noise; Zenkov (2020) used (15, 29).
    crop_length : int or None, default=None
        Train on random windows of this many {steps}, drawn anew every
        epoch inside each clip's real part, and predict the mean class
        probabilities of the windows ``crop_hop`` apart that cover a clip. A
        clip shorter than a window gives one, zero-padded. The real part is
        what is not NaN: {real_part} Validation for early stopping reads
        every window, as prediction does. None trains and predicts on whole
        examples.
    crop_hop : int or None, default=None
        Steps between the windows read at validation and prediction; None is
        half of ``crop_length``.
    mixup_alpha : float, default=0.0
        Mixup (Zhang et al., 2018) of training examples and of their one-hot
        targets within a batch, with weights drawn from Beta(alpha, alpha).
        0 is off.
    ema_decay : float in (0, 1) or None, default=None
        Keep an exponential moving average of the weights, updated after
        every training step with this decay (e.g. 0.995: a memory of about
        200 steps), and use it for validation, early stopping and
        prediction: one model that averages the nearby points of its own
        training path; later ``partial_fit`` calls go on with both the raw
        weights and their average. None is off.
    callbacks : list of skorch callbacks or (name, callback) pairs, default=None
        Extra callbacks for the skorch net.
    device : str or torch.device, default="auto"
        "auto" uses CUDA when available, else the CPU. A device this machine
        lacks (e.g. "cuda" without CUDA) is a ValueError at ``fit``. A model
        fit on CUDA loads on a CPU-only machine (with a ``skorch``
        DeviceWarning).
    verbose : int, default=0
        1 prints skorch's table of losses per epoch; 2 adds a progress bar
        over the batches of each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout, augmentation and the
        validation split; the same integer gives identical predictions on CPU.
        torch's global RNG is restored after fitting."""

_NET_PARAMETERS = """
    **net_params : dict
        skorch-style parameters starting with ``module__``, ``optimizer__``,
        ``iterator_train__``, ``iterator_valid__`` or ``callbacks__``, e.g.
        ``module__hidden_size=64``. The input size and the number of classes
        are read from the data and override any ``module__`` value for them."""

_FREQUENCY_PARAMETERS = """
    freq_masks : int, default=0
        Frequency stripes masked per training example.
    freq_mask_width : int, default=0
        Maximum width of each frequency stripe, in bands.
    freq_warp : float in [0, 1), default=0.0
        Maximum relative stretch of the band axis per training example,
        about the lowest band (VTLP-like: another vocal tract length).
        0 is off."""

_DEFAULTS_NOTE = """
    The defaults are the same for every classifier of the package and
    generic, not tuned on any corpus: the paper's network and optimizer,
    whole examples, no class weights and no augmentation, up to 100 epochs
    with early stopping (patience 10) on a 10% validation split. The tuned
    training recipes (crops, augmentation, a moving average of the weights,
    ...) are the pipelines of :mod:`sklearn_ser.pipelines`, which set every
    value explicitly; see :ref:`recipes` in the user guide."""


def _documented_parameters(*, lr, spectrogram):
    """Documentation blocks of the shared parameters, for a classifier of
    spectrograms or of waveforms, with its learning rate."""
    steps = "frames" if spectrogram else "samples"
    real_part = (
        'use ``padding="nan"`` in the front end.'
        if spectrogram
        else 'use ``FixedLengthWaveform(padding="nan")``.'
    )
    blocks = {
        "training_parameters": _TRAINING_PARAMETERS.format(lr=lr, steps=steps, real_part=real_part),
        "net_parameters": _NET_PARAMETERS,
        "defaults_note": _DEFAULTS_NOTE,
    }
    if spectrogram:
        blocks["frequency_parameters"] = _FREQUENCY_PARAMETERS
    return blocks


_SPECTROGRAM_INPUT_DOC = """
    Input: spectrograms of shape (n_examples, n_bands, n_frames), e.g. the
    output of ``LogMelTransformer``. A 2-D array (n_examples, n_features) is
    read as one band by n_features frames. NaN frames (every band NaN) before
    or after a clip are padding: they are zero for the network and mark the
    clip's real length for ``crop_length``. Noise augmentation assumes power in
    dB (``10 * log10``) and adds the expected mel power of white noise at the
    drawn SNR (see ``BatchAugmenter``); it is not meaningful for MFCCs."""

_FITTED_DOC = """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in fit, sorted.
    input_shape_ : tuple of int
        Shape of one example seen in fit.
    n_features_in_ : int
        Number of values per example.
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module and
        ``net_.history`` the per-epoch losses."""


@fill_doc(
    spectrogram_input=_SPECTROGRAM_INPUT_DOC,
    attributes=_FITTED_DOC,
    **_documented_parameters(lr="6e-4", spectrogram=True),
)
class CNNLSTMClassifier(SpectrogramClassifier):
    """2-D CNN-LSTM classifier of Zhao et al. (2019) on log-mel spectrograms.

    %(spectrogram_input)s

    Parameters
    ----------
    module : type of torch.nn.Module, default=CNNLSTM
        Built with ``n_bands``, ``n_frames``, ``n_classes`` and ``module__*``.
    optimizer : type of torch.optim.Optimizer, default=torch.optim.Adam
        Adam, as in the re-implementations of the paper.
    %(training_parameters)s
    %(frequency_parameters)s
    %(net_parameters)s

    %(attributes)s

    Notes
    -----
    %(defaults_note)s

    With these defaults it trains as Zhao et al. (2019) and their
    re-implementations did; :func:`sklearn_ser.pipelines.make_zhao_2d_pipeline`
    adds the paper's front end, and
    :func:`sklearn_ser.pipelines.make_crop_cnn_lstm_pipeline` is our CPU
    recipe (random windows, augmentation, a moving average of the weights).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.estimators import CNNLSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(20, 8, 12)).astype(np.float32)
    >>> y = np.repeat(["calm", "angry"], 10)
    >>> X[y == "angry"] += 1.0
    >>> clf = CNNLSTMClassifier(max_epochs=3, module__channels=(4, 4, 8, 8),
    ...                         module__hidden_size=8, random_state=0).fit(X, y)
    >>> clf.predict(X[:2]).shape, clf.classes_.tolist()
    ((2,), ['angry', 'calm'])
    """

    def __init__(
        self,
        *,
        module=CNNLSTM,
        optimizer=torch.optim.Adam,
        lr=6e-4,
        max_epochs=100,
        batch_size=32,
        patience=10,
        validation_fraction=0.1,
        class_weight=None,
        time_masks=0,
        time_mask_width=0,
        freq_masks=0,
        freq_mask_width=0,
        freq_warp=0.0,
        time_stretch=0.0,
        noise_snr_db=None,
        crop_length=None,
        crop_hop=None,
        mixup_alpha=0.0,
        ema_decay=None,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
        **net_params,
    ):
        super().__init__(
            module=module,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            patience=patience,
            validation_fraction=validation_fraction,
            class_weight=class_weight,
            time_masks=time_masks,
            time_mask_width=time_mask_width,
            freq_masks=freq_masks,
            freq_mask_width=freq_mask_width,
            freq_warp=freq_warp,
            time_stretch=time_stretch,
            noise_snr_db=noise_snr_db,
            crop_length=crop_length,
            crop_hop=crop_hop,
            mixup_alpha=mixup_alpha,
            ema_decay=ema_decay,
            callbacks=callbacks,
            device=device,
            verbose=verbose,
            random_state=random_state,
            **net_params,
        )


@fill_doc(attributes=_FITTED_DOC, **_documented_parameters(lr="6e-4", spectrogram=False))
class CNNLSTM1DClassifier(SERNeuralNetClassifier):
    """1-D CNN-LSTM classifier of Zhao et al. (2019) on raw waveforms.

    Input: equal-length float waveforms of shape (n_examples, n_samples),
    e.g. the output of ``FixedLengthWaveform``; integer PCM is not rescaled.

    Parameters
    ----------
    module : type of torch.nn.Module, default=CNNLSTM1D
        Built with ``n_samples``, ``n_classes`` and ``module__*``.
    optimizer : type of torch.optim.Optimizer, default=torch.optim.Adam
        Adam, as in the re-implementations of the paper.
    %(training_parameters)s
    %(net_parameters)s

    %(attributes)s

    Notes
    -----
    %(defaults_note)s

    :func:`sklearn_ser.pipelines.make_zhao_1d_pipeline` is the paper's
    setup.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.estimators import CNNLSTM1DClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(20, 256)).astype(np.float32)
    >>> y = np.repeat([0, 1], 10)
    >>> clf = CNNLSTM1DClassifier(max_epochs=2, module__channels=(4, 4, 8, 8),
    ...                           module__hidden_size=8, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    _spectrogram_input = False

    def __init__(
        self,
        *,
        module=CNNLSTM1D,
        optimizer=torch.optim.Adam,
        lr=6e-4,
        max_epochs=100,
        batch_size=32,
        patience=10,
        validation_fraction=0.1,
        class_weight=None,
        time_masks=0,
        time_mask_width=0,
        time_stretch=0.0,
        noise_snr_db=None,
        crop_length=None,
        crop_hop=None,
        mixup_alpha=0.0,
        ema_decay=None,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
        **net_params,
    ):
        super().__init__(
            module=module,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            patience=patience,
            validation_fraction=validation_fraction,
            class_weight=class_weight,
            time_masks=time_masks,
            time_mask_width=time_mask_width,
            time_stretch=time_stretch,
            noise_snr_db=noise_snr_db,
            crop_length=crop_length,
            crop_hop=crop_hop,
            mixup_alpha=mixup_alpha,
            ema_decay=ema_decay,
            callbacks=callbacks,
            device=device,
            verbose=verbose,
            random_state=random_state,
            **net_params,
        )


@fill_doc(
    spectrogram_input=_SPECTROGRAM_INPUT_DOC,
    attributes=_FITTED_DOC,
    **_documented_parameters(lr="0.01", spectrogram=True),
)
class TransformerCNNClassifier(SpectrogramClassifier):
    """Parallel CNNs + Transformer-encoder classifier of Zenkov (2020).

    %(spectrogram_input)s
    The encoder reads the bands directly when ``module__n_heads`` (default
    4) divides their number, as in the paper, else through a linear map to
    the next multiple (``module__d_model``).

    Parameters
    ----------
    module : type of torch.nn.Module, default=TransformerCNN
        Built with ``n_bands``, ``n_frames``, ``n_classes`` and ``module__*``.
    optimizer : type of torch.optim.Optimizer, default=torch.optim.SGD
        SGD, as in the paper.
    optimizer__momentum : float or None, default=0.8
        SGD momentum (the paper's); set it to None when choosing an optimizer
        without momentum (e.g. ``optimizer=torch.optim.Adam``).
    optimizer__weight_decay : float or None, default=1e-3
        L2 weight decay (the paper's); None leaves the optimizer's default.
    %(training_parameters)s
    %(frequency_parameters)s
    %(net_parameters)s

    %(attributes)s

    Notes
    -----
    %(defaults_note)s

    The paper trained for about 430 epochs and chose the checkpoint by hand;
    here early stopping on a held-out split chooses it.
    :func:`sklearn_ser.pipelines.make_zenkov_pipeline` is the paper's setup.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.estimators import TransformerCNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(20, 8, 16)).astype(np.float32)
    >>> y = np.repeat(["sad", "happy"], 10)
    >>> clf = TransformerCNNClassifier(max_epochs=2, module__n_layers=1,
    ...                                random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    _parameter_constraints = {
        **SpectrogramClassifier._parameter_constraints,
        "optimizer__momentum": [Interval(Real, 0, None, closed="left"), None],
        "optimizer__weight_decay": [Interval(Real, 0, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        module=TransformerCNN,
        optimizer=torch.optim.SGD,
        optimizer__momentum=0.8,
        optimizer__weight_decay=1e-3,
        lr=0.01,
        max_epochs=100,
        batch_size=32,
        patience=10,
        validation_fraction=0.1,
        class_weight=None,
        time_masks=0,
        time_mask_width=0,
        freq_masks=0,
        freq_mask_width=0,
        freq_warp=0.0,
        time_stretch=0.0,
        noise_snr_db=None,
        crop_length=None,
        crop_hop=None,
        mixup_alpha=0.0,
        ema_decay=None,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
        **net_params,
    ):
        super().__init__(
            module=module,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            patience=patience,
            validation_fraction=validation_fraction,
            class_weight=class_weight,
            time_masks=time_masks,
            time_mask_width=time_mask_width,
            freq_masks=freq_masks,
            freq_mask_width=freq_mask_width,
            freq_warp=freq_warp,
            time_stretch=time_stretch,
            noise_snr_db=noise_snr_db,
            crop_length=crop_length,
            crop_hop=crop_hop,
            mixup_alpha=mixup_alpha,
            ema_decay=ema_decay,
            callbacks=callbacks,
            device=device,
            verbose=verbose,
            random_state=random_state,
            **net_params,
        )
        self.optimizer__momentum = optimizer__momentum
        self.optimizer__weight_decay = optimizer__weight_decay
