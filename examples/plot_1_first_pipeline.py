"""
==================================
A first pipeline, from waveforms
==================================

This example trains a small 2-D CNN-LSTM on raw waveforms and looks at what
it sees and what it gets wrong. The whole model is one scikit-learn
:class:`~sklearn.pipeline.Pipeline`: a :class:`~sklearn_ser.LogMelTransformer`
turns each clip into a log-mel spectrogram, a
:class:`~sklearn_ser.SpeakerStandardScaler` standardises it per speaker, and
a :class:`~sklearn_ser.CNNLSTMClassifier` labels it.
"""

# %%
# A small corpus
# --------------
# :func:`~sklearn_ser.make_emotional_speech` synthesises speech-like clips:
# each speaker has its own pitch, vocal tract and voice quality, and each
# emotion shifts pitch, loudness, rate and timbre relative to that voice. It
# returns the waveforms, the emotion labels and the speaker ids, the same
# three things every corpus loader of this package returns.
import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GroupShuffleSplit

from sklearn_ser import LogMelTransformer, make_emotional_speech
from sklearn_ser.evaluation import plot_confusion_matrix, plot_training_curves
from sklearn_ser.pipelines import make_small_cnn_lstm_pipeline

X, y, speakers = make_emotional_speech(
    n_speakers=10, n_utterances_per_emotion=5, random_state=0, return_X_y_groups=True
)
X = np.asarray(X)  # clips of equal length: one 2-D array, easy to index
emotions = sorted(set(y))
print(f"{len(X)} clips of {X.shape[1] / 16000:.1f} s from {len(set(speakers))} speakers")
print("emotions:", ", ".join(emotions))

# %%
# What the network sees
# ---------------------
# One clip of each emotion, all from the same speaker, as waveforms (top) and
# as the 40-band log-mel spectrograms the network is trained on (bottom).
# The waveforms show loudness and rhythm: the ``angry`` clip is the loudest,
# with strong accents, the ``sad`` one quiet and even. Each spectrogram is in
# decibels below the clip's own loudest bin (``ref="max"``), so loudness is
# gone there and the spectral shape remains: the spacing of the harmonics
# (pitch), how far up the bands the energy reaches, and how much breath
# noise fills the gaps. These are the cues the classifier must find, and it
# must find them relative to each speaker's own voice.
front_end = LogMelTransformer(sr=16000, n_fft=1000, hop_length=500, n_mels=40)
picks = [np.flatnonzero((speakers == speakers[0]) & (y == emotion))[0] for emotion in emotions]
mels = front_end.fit_transform(X[picks])

fig, axes = plt.subplots(
    2, len(picks), figsize=(10, 4.5), sharex="row", sharey="row", layout="constrained"
)
time = np.arange(X.shape[1]) / 16000
for column, (index, mel) in enumerate(zip(picks, mels)):
    axes[0, column].plot(time, X[index], linewidth=0.3)
    axes[0, column].set_title(y[index])
    image = axes[1, column].imshow(
        mel, origin="lower", aspect="auto", cmap="magma", extent=(0, time[-1], 0, len(mel))
    )
    axes[1, column].set_xlabel("time (s)")
axes[0, 0].set_ylabel("amplitude")
axes[1, 0].set_ylabel("mel band")
fig.colorbar(image, ax=axes[1, :], label="dB below the clip's peak")
plt.show()

# %%
# Train on some speakers, test on others
# --------------------------------------
# The test speakers are never heard in training (a
# :class:`~sklearn.model_selection.GroupShuffleSplit` over speaker ids), which
# is how the model would meet a new user.
#
# The recipe :func:`~sklearn_ser.pipelines.make_small_cnn_lstm_pipeline` is a
# quarter of the published network's width, sized for one-second clips;
# keyword arguments go to the classifier, here a short training of 30
# epochs, and a validation split to watch it with (the preset trains on
# every clip otherwise). With ``speaker_norm=True`` it standardises every clip with the
# statistics of its own speaker's clips
# (:class:`~sklearn_ser.SpeakerStandardScaler`), which removes much of what
# makes voices differ; a test speaker is standardised with its own
# unlabelled clips.
#
# The speaker ids therefore go to ``fit`` and ``predict``. scikit-learn's
# metadata routing, switched on here for the block, hands them to every step
# that asks for them: the scaler, and the classifier, whose internal
# validation split (for monitoring training) then holds out whole speakers.
train, test = next(
    GroupShuffleSplit(n_splits=1, test_size=0.3, random_state=0).split(X, y, speakers)
)

pipe = make_small_cnn_lstm_pipeline(
    speaker_norm=True, max_epochs=30, validation_fraction=0.1, random_state=0
)
with sklearn.config_context(enable_metadata_routing=True):
    pipe.fit(X[train], y[train], groups=speakers[train])
    y_pred = pipe.predict(X[test], groups=speakers[test])
print(pipe)
print(
    f"UAR on {len(set(speakers[test]))} unseen speakers: "
    f"{balanced_accuracy_score(y[test], y_pred):.2f} (chance 0.25)"
)

# %%
# How training went
# -----------------
# :func:`~sklearn_ser.evaluation.plot_training_curves` reads the classifier's
# training history: the training and validation losses per epoch (left axis)
# and the validation UAR (right axis). The validation speaker is a single
# voice here, so its curves are noisy; on a corpus this small the training
# loss falls much faster than the validation loss, the usual sign that the
# network also learns things about its training speakers that do not carry
# over.
plot_training_curves(pipe, title="Small CNN-LSTM on synthetic speech")
plt.show()

# %%
# What it confuses
# ----------------
# :func:`~sklearn_ser.evaluation.plot_confusion_matrix` normalises each row
# by the number of clips of that true emotion, so the diagonal is the recall
# of each emotion and its mean is the UAR. Confusions between neighbouring
# emotions (``angry`` and ``happy`` are both loud, fast and high; ``neutral``
# and ``sad`` both calm) are the usual ones, on real speech as here.
fig, ax = plt.subplots(figsize=(5, 4.5), layout="constrained")
plot_confusion_matrix(y[test], y_pred, labels=emotions, ax=ax)
plt.show()
