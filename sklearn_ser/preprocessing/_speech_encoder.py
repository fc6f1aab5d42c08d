"""Clip embeddings from pretrained speech encoders of Hugging Face transformers."""

import hashlib
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from ..utils import check_device, fill_doc
from ._base import (
    FEATURE_MEMORY,
    WAVEFORM_INPUT_ATTRIBUTES,
    ClipFeaturesTransformer,
    resample_clip,
)

# Waveform encoders whose convolutional feature encoder normalises each frame
# on its own (feat_extract_norm="layer") and whose transformer zeroes padded
# frames before its convolutional position embedding: with the attention mask,
# a clip padded in a batch gets the frames it gets alone. The others (group
# norm over the whole clip, as in wav2vec 2.0 base and HuBERT base; stacked
# position convolutions that carry padding into the last frames, as in
# data2vec-audio) only share a batch with clips of their own length.
PADDING_SAFE_MODEL_TYPES = frozenset({"wav2vec2", "hubert", "wavlm"})


def _transformers():
    try:
        import transformers
    except ImportError as error:
        raise ImportError(
            "SpeechEncoderTransformer needs the transformers package: pip install "
            "'sklearn_ser[transformers]'"
        ) from error
    return transformers


@dataclass(frozen=True)
class _Encoder:
    """A loaded encoder network with its feature extractor."""

    network: torch.nn.Module
    feature_extractor: object
    weights_digest: str

    @property
    def model_type(self):
        return self.network.config.model_type

    @property
    def takes_waveforms(self):
        """Whether it is a wav2vec 2.0-like encoder of waveforms."""
        return self.feature_extractor.model_input_names[0] == "input_values" and hasattr(
            self.network, "_get_feat_extract_output_lengths"
        )


def _weights_digest(network):
    """SHA-256 of the network's parameter and buffer names and bytes."""
    digest = hashlib.sha256()
    for name, tensor in sorted(network.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().view(torch.uint8).numpy())
    return digest.hexdigest()


def _load_error(model, error):
    if Path(model).expanduser().is_dir():
        return OSError(
            f"model={model!r} is a directory but holds no Hugging Face audio model "
            "(save_pretrained of the model and of its feature extractor): "
            + str(error).splitlines()[0]
        )
    return OSError(
        f"cannot load the speech encoder model={model!r}: it is no local directory, and "
        "it is neither in the Hugging Face cache nor reachable on the hub. Download it "
        f"where there is network (e.g. `hf download {model} --local-dir DIR`) and pass "
        "model=DIR, a local directory"
    )


# One encoder stays loaded per process, outside the estimators, so that a
# fitted transformer holds (and save_model stores) no network.
@lru_cache(maxsize=1)
def _load_encoder(model, device):
    transformers = _transformers()
    location = os.path.expanduser(model)  # a directory, or a name on the hub
    try:
        feature_extractor = transformers.AutoFeatureExtractor.from_pretrained(location)
        network = transformers.AutoModel.from_pretrained(location, dtype=torch.float32)
    except (OSError, ValueError) as error:
        raise _load_error(model, error) from error
    if network.config.is_encoder_decoder:  # Whisper: its encoder only
        network = network.get_encoder()
    weights_digest = _weights_digest(network)
    network.to(device).eval().requires_grad_(False)
    return _Encoder(network, feature_extractor, weights_digest)


def _chunks(indices, size):
    return (indices[start : start + size] for start in range(0, len(indices), size))


@fill_doc(waveform_input_attributes=WAVEFORM_INPUT_ATTRIBUTES, feature_memory=FEATURE_MEMORY)
class SpeechEncoderTransformer(ClassNamePrefixFeaturesOutMixin, ClipFeaturesTransformer):
    """Embeddings of a pretrained speech encoder of Hugging Face transformers.

    Runs a self-supervised or speech-recognition encoder -- wav2vec 2.0,
    HuBERT, WavLM, data2vec-audio or Whisper's encoder -- over each clip and
    averages the hidden states of the chosen layer (or the mean of several
    layers) over the clip's frames: one vector of the encoder's width per
    clip, for a small classifier to take. The encoder stays frozen: it runs
    in evaluation mode (no dropout) without gradients, and ``fit`` learns
    nothing from the clips.

    The average covers each clip's own frames only: clips that share a batch
    are padded, and the padding is masked and left out. Encoders that cannot
    mask padding exactly (a feature encoder with group normalisation, as in
    wav2vec 2.0 base and HuBERT base, or data2vec-audio's stacked position
    convolutions) only get batches of clips of equal length, so a clip's
    vector never depends on the other clips of the call. Whisper's encoder
    always hears a fixed window (30 s in the released models; longer clips
    are cut to it, with a warning) padded with silence; only the frames of the real audio
    are averaged.

    Needs the optional ``transformers`` package: ``pip install
    'sklearn_ser[transformers]'``. No weights ship with it. Of the encoders
    above, only Whisper base was measured in this project (frozen, the mean of
    its layers, before an SVM): see the user guide's benchmark page.

    Parameters
    ----------
    model : str, default=None
        A directory written by ``save_pretrained`` (the model and its feature
        extractor, as a download of the hub holds them), or a model name on
        the Hugging Face hub, such as ``"facebook/wav2vec2-base"``, which
        ``transformers`` downloads or finds in its cache. It is loaded in
        ``fit`` and, after :func:`~sklearn_ser.load_model` or unpickling, at
        the first ``transform``. Required: there is no default encoder.
    layer : int, list of int or "mean", default="mean"
        Which hidden states to average over time: 0 is the input of the
        first transformer layer, ``n`` the output of layer ``n``, and
        negative numbers count from the last (-1); a list averages those
        layers, and ``"mean"`` all of them, 0 included.
    sr : float, default=16000
        Sampling rate of the clips, in Hz; other rates are resampled to the
        encoder's (16 kHz for the models above).
    batch_size : int, default=8
        How many clips the encoder runs at once. It only changes the speed
        and the memory used, not the result (beyond float rounding).
    device : str or torch.device, default="cpu"
        Where the encoder runs, e.g. ``"cuda"``.
    %(feature_memory)s

    Attributes
    ----------
    n_features_out_ : int
        Width of the encoder's hidden states.
    n_layers_ : int
        Number of transformer layers of the encoder.
    layers_ : ndarray of int
        The hidden states averaged, from 0 to `n_layers_`.
    sampling_rate_ : int
        The encoder's sampling rate, in Hz.
    model_type_ : str
        The encoder's architecture, as ``transformers`` names it (e.g.
        ``"wav2vec2"``, ``"whisper"``).
    weights_digest_ : str
        SHA-256 of the encoder's weights. ``transform`` refuses to run when
        ``model`` holds other weights than the ones seen in ``fit``.
    %(waveform_input_attributes)s

    See Also
    --------
    VoiceEmbeddingTransformer : Embeddings of a speaker encoder that ships
        with its weights.

    Notes
    -----
    :func:`~sklearn_ser.save_model` stores ``model`` (the directory or hub
    name, not the weights) and `weights_digest_`; the loaded transformer
    reloads the encoder from ``model`` at its first ``transform`` and checks
    that the weights are the same. Pass an absolute directory if the saved
    model will be loaded from elsewhere, or redirect it after loading with
    ``set_params(model=...)``. One encoder is kept loaded per process, shared
    by the transformers that name the same ``model`` and device.

    Without network, a hub name that is not in the cache fails after
    ``huggingface_hub``'s retries; set ``HF_HUB_OFFLINE=1`` to fail at once.

    Examples
    --------
    A tiny untrained network stands in here for a pretrained one, such as a
    local copy of ``facebook/wav2vec2-base``:

    >>> import tempfile
    >>> import numpy as np
    >>> from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2Model
    >>> from sklearn_ser import SpeechEncoderTransformer
    >>> model_dir = tempfile.mkdtemp()
    >>> config = Wav2Vec2Config(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
    ...                         intermediate_size=64, conv_dim=(16, 16),
    ...                         conv_kernel=(10, 3), conv_stride=(5, 2))
    >>> Wav2Vec2Model(config).save_pretrained(model_dir)
    >>> _ = Wav2Vec2FeatureExtractor().save_pretrained(model_dir)
    >>> rng = np.random.default_rng(0)
    >>> clips = [rng.normal(scale=0.1, size=n) for n in (16000, 24000, 8000)]
    >>> encoder = SpeechEncoderTransformer(model_dir, layer=[1, 2]).fit(clips)
    >>> encoder.transform(clips).shape, encoder.n_layers_, encoder.sampling_rate_
    ((3, 32), 2, 16000)
    >>> import shutil
    >>> shutil.rmtree(model_dir)
    """

    _parameter_constraints = {
        "model": [str, None],
        "layer": [Integral, list, StrOptions({"mean"})],
        "sr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
    }

    # The rows do not depend on how the clips are batched (tested).
    _not_in_cache_key = ("memory", "batch_size")

    def _cache_key(self):
        # ``model`` names a directory or hub entry whose weights may change.
        return (super()._cache_key(), self.weights_digest_)

    def __init__(
        self, model=None, *, layer="mean", sr=16000, batch_size=8, device="cpu", memory=None
    ):
        self.model = model
        self.layer = layer
        self.sr = sr
        self.batch_size = batch_size
        self.device = device
        self.memory = memory

    def _encoder(self):
        return _load_encoder(self.model, str(check_device(self.device)))

    def _fit_extractor(self):
        if self.model is None:
            raise ValueError(
                "SpeechEncoderTransformer needs model=, a directory written by "
                "save_pretrained or a name on the Hugging Face hub"
            )
        encoder = self._encoder()
        if not (encoder.takes_waveforms or encoder.model_type == "whisper"):
            raise ValueError(
                f"model={self.model!r} is a {encoder.model_type!r} model; "
                "SpeechEncoderTransformer runs encoders of waveforms (wav2vec 2.0, HuBERT, "
                "WavLM, data2vec-audio and their kin) and Whisper's encoder"
            )
        config = encoder.network.config
        self.model_type_ = encoder.model_type
        self.n_layers_ = config.num_hidden_layers
        self.layers_ = self._layer_indices()
        self.sampling_rate_ = encoder.feature_extractor.sampling_rate
        self.weights_digest_ = encoder.weights_digest
        return config.hidden_size

    def _layer_indices(self):
        n_states = self.n_layers_ + 1
        if isinstance(self.layer, str):  # "mean"
            return np.arange(n_states)
        layers = self.layer if isinstance(self.layer, list) else [self.layer]
        if not layers or not all(
            isinstance(layer, Integral) and not isinstance(layer, bool) for layer in layers
        ):
            raise ValueError(
                f"layer must be an int, a non-empty list of int or 'mean', got {self.layer!r}"
            )
        if not all(-n_states <= layer < n_states for layer in layers):
            raise ValueError(
                f"layer={self.layer!r} is out of range for model={self.model!r}, which has "
                f"{self.n_layers_} transformer layers: use 0 (the input of the first layer) "
                f"to {self.n_layers_}, or negative numbers from -1 (the last layer) to "
                f"-{n_states}"
            )
        return np.array(layers) % n_states

    def _transform_clips(self, clips):
        encoder = self._encoder()
        if encoder.weights_digest != self.weights_digest_:
            raise ValueError(
                f"model={self.model!r} holds other weights than the ones this "
                "SpeechEncoderTransformer was fitted with: point model to those weights "
                "(set_params(model=...)) or fit it again"
            )
        clips = [resample_clip(clip, self.sr, self.sampling_rate_) for clip in clips]
        if encoder.takes_waveforms:
            batches = self._waveform_batches(encoder, clips)
        else:
            batches = self._whisper_batches(encoder, clips)
        features = np.empty((len(clips), self.n_features_out_), dtype=np.float32)
        device = next(encoder.network.parameters()).device
        with torch.inference_mode():
            for indices, inputs, n_frames in batches:
                inputs = {name: tensor.to(device) for name, tensor in inputs.items()}
                hidden = encoder.network(**inputs, output_hidden_states=True).hidden_states
                states = torch.stack([hidden[layer] for layer in self.layers_]).mean(dim=0)
                for row, (index, frames) in enumerate(zip(indices, n_frames)):
                    features[index] = states[row, :frames].mean(dim=0).float().cpu().numpy()
        return features

    def _waveform_batches(self, encoder, clips):
        """Batches of (clip indices, model inputs, frames per clip) for an
        encoder of waveforms, shortest clips first."""
        network, extractor = encoder.network, encoder.feature_extractor
        # A clip shorter than the feature encoder's receptive field (400
        # samples in wav2vec 2.0) is padded with silence to it.
        frames_by_length = network._get_feat_extract_output_lengths(
            torch.arange(1, self.sampling_rate_ + 1)
        )
        min_length = int(torch.argmax((frames_by_length > 0).int())) + 1
        clips = [np.pad(clip, (0, max(0, min_length - len(clip)))) for clip in clips]
        lengths = [len(clip) for clip in clips]
        order = sorted(range(len(clips)), key=lengths.__getitem__)
        pads = encoder.model_type in PADDING_SAFE_MODEL_TYPES and (
            network.config.feat_extract_norm == "layer"
        )
        groups = [order] if pads else [list(g) for _, g in groupby(order, lengths.__getitem__)]
        for group in groups:
            for indices in _chunks(group, self.batch_size):
                batch = torch.full(
                    (len(indices), lengths[indices[-1]]), float(extractor.padding_value)
                )
                mask = torch.zeros(batch.shape, dtype=torch.long)
                for row, index in enumerate(indices):
                    # Clip by clip: the extractor's normalisation must not see padding.
                    values = extractor(
                        clips[index], sampling_rate=self.sampling_rate_, return_tensors="pt"
                    )["input_values"][0]
                    batch[row, : lengths[index]] = values
                    mask[row, : lengths[index]] = 1
                inputs = {"input_values": batch}
                if pads:
                    inputs["attention_mask"] = mask
                n_frames = network._get_feat_extract_output_lengths(
                    torch.tensor([lengths[index] for index in indices])
                ).tolist()
                yield indices, inputs, n_frames

    def _whisper_batches(self, encoder, clips):
        """Batches of (clip indices, model inputs, frames per clip) for
        Whisper's encoder: every clip is one window of log-mel frames."""
        extractor = encoder.feature_extractor
        n_cut = sum(len(clip) > extractor.n_samples for clip in clips)
        if n_cut:
            warnings.warn(
                f"{n_cut} clip(s) longer than the {extractor.n_samples / self.sampling_rate_:g}-s "
                f"window of model={self.model!r} were cut to it",
                UserWarning,
                stacklevel=5,  # the caller of transform, beyond scikit-learn's output wrapper
            )
        for indices in _chunks(list(range(len(clips))), self.batch_size):
            windows = [
                extractor(
                    clips[index],
                    sampling_rate=self.sampling_rate_,
                    return_attention_mask=True,
                    return_tensors="pt",
                )
                for index in indices
            ]
            inputs = {"input_features": torch.cat([window["input_features"] for window in windows])}
            # The encoder's second convolution has stride 2.
            n_frames = [(int(window["attention_mask"].sum()) + 1) // 2 for window in windows]
            yield indices, inputs, n_frames
