"""Tiny randomly initialised speech encoders of Hugging Face transformers,
saved with ``save_pretrained`` as a downloaded model is, for the tests of
SpeechEncoderTransformer. Their outputs mean nothing; their shapes, masks
and normalisations are the real models'."""

import torch

# The feature encoder of wav2vec 2.0 and its kin, shrunk: 8 channels, two
# convolutions with a receptive field of 20 samples and a hop of 10.
_WAVEFORM = dict(
    hidden_size=16,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=32,
    conv_dim=(8, 8),
    conv_kernel=(10, 3),
    conv_stride=(5, 2),
    num_conv_pos_embeddings=16,
    num_conv_pos_embedding_groups=2,
    # Dropout everywhere: a network left in training mode would not repeat itself.
    hidden_dropout=0.5,
    attention_dropout=0.5,
    activation_dropout=0.5,
    feat_proj_dropout=0.5,
)

# Architecture: (config class, model class, config arguments beyond _WAVEFORM).
WAVEFORM_KINDS = {
    # wav2vec 2.0 base and HuBERT base: group normalisation in the feature encoder.
    "wav2vec2-group": ("Wav2Vec2Config", "Wav2Vec2Model", dict(feat_extract_norm="group")),
    "wav2vec2-layer": (
        "Wav2Vec2Config",
        "Wav2Vec2Model",
        dict(feat_extract_norm="layer", do_stable_layer_norm=True),
    ),
    "hubert": (
        "HubertConfig",
        "HubertModel",
        dict(feat_extract_norm="layer", do_stable_layer_norm=True),
    ),
    "wavlm": (
        "WavLMConfig",
        "WavLMModel",
        dict(feat_extract_norm="layer", do_stable_layer_norm=True, num_buckets=8),
    ),
    "data2vec-audio": (
        "Data2VecAudioConfig",
        "Data2VecAudioModel",
        dict(num_conv_pos_embeddings=3, conv_pos_kernel_size=5),
    ),
}
KINDS = (*WAVEFORM_KINDS, "whisper")

# Whisper's encoder, shrunk: 8 mel bands and a window of 1 s (100 frames).
WHISPER_WINDOW_S = 1


def save_tiny_encoder(kind, directory):
    """Save a tiny encoder of ``kind`` (one of ``KINDS``) and its feature
    extractor to ``directory``; return the directory as a str."""
    import transformers

    directory = str(directory)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        if kind == "whisper":
            config = transformers.WhisperConfig(
                d_model=16,
                encoder_layers=2,
                encoder_attention_heads=2,
                encoder_ffn_dim=32,
                decoder_layers=1,
                decoder_attention_heads=2,
                decoder_ffn_dim=32,
                num_mel_bins=8,
                max_source_positions=50 * WHISPER_WINDOW_S,
                max_target_positions=8,
                vocab_size=8,
                pad_token_id=0,
                bos_token_id=1,
                eos_token_id=2,
                decoder_start_token_id=1,
                dropout=0.5,
            )
            model = transformers.WhisperModel(config)
            extractor = transformers.WhisperFeatureExtractor(
                feature_size=8, chunk_length=WHISPER_WINDOW_S
            )
        else:
            config_class, model_class, arguments = WAVEFORM_KINDS[kind]
            config = getattr(transformers, config_class)(**{**_WAVEFORM, **arguments})
            model = getattr(transformers, model_class)(config)
            extractor = transformers.Wav2Vec2FeatureExtractor(
                do_normalize=True, return_attention_mask=kind != "wav2vec2-group"
            )
    model.save_pretrained(directory)
    extractor.save_pretrained(directory)
    return directory
