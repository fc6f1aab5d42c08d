"""
=====================================
Emotion over time in a long recording
=====================================

A call, an interview or a session lasts minutes, not the seconds of an acted
clip, and its emotion changes along the way. This example builds a
minute-long recording whose truth is known -- clips of one speaker in known
emotions, apart, under faint noise -- finds the speech in it with
:class:`~sklearn_ser.segmentation.SpeechSegmenter`, labels each segment with
:func:`~sklearn_ser.segmentation.predict_segments`, and draws emotion over
time with :func:`~sklearn_ser.segmentation.plot_emotion_timeline`.
"""

# %%
# A model, and a recording it has not heard
# -----------------------------------------
# The log-mel baseline with per-speaker standardisation, trained on eight
# synthetic speakers. The recording is a ninth: its 28 one-second clips, in
# a shuffled order of emotions, joined by :func:`~sklearn_ser.datasets.join_clips`
# with 0.5 to 2 s of silence between them and white noise 20 dB below the
# speech over everything. ``recording.segments`` says where each clip is.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import sklearn

from sklearn_ser.datasets import join_clips, make_emotional_speech
from sklearn_ser.pipelines import make_baseline_pipeline
from sklearn_ser.segmentation import SpeechSegmenter, plot_emotion_timeline, predict_segments

sklearn.set_config(enable_metadata_routing=True)  # speakers reach the scaler as groups
corpus = make_emotional_speech(n_speakers=9, n_utterances_per_emotion=7, random_state=0)
heard = corpus.groups != "synthetic_08"
model = make_baseline_pipeline(speaker_norm=True)
model.fit(
    [clip for clip, keep in zip(corpus.data, heard) if keep],
    corpus.target[heard],
    groups=corpus.groups[heard],
)

order = np.random.default_rng(0).permutation(np.flatnonzero(~heard))
recording = join_clips(
    [corpus.data[i] for i in order], gap=(0.5, 2.0), snr=20, trim_db=40, random_state=0
)
truth = corpus.target[order]
print(f"{len(recording.waveform) / 16000:.0f} s, {len(truth)} clips")

# %%
# Where the speech is
# -------------------
# :class:`~sklearn_ser.segmentation.SpeechSegmenter` asks a voice activity
# detector for the probability of speech in each short frame: silero-vad's
# network when it is installed (``pip install 'sklearn_ser[vad]'``), else the
# energy of each frame against the noise floor. Pauses shorter than 0.3 s
# stay inside a segment, and each segment gets 0.1 s of context on both
# sides. Here each clip is one segment, and its boundaries (without the
# padding) are a few tens of milliseconds from the truth: silero-vad ends
# speech a little late.
segmenter = SpeechSegmenter()
found = segmenter.segments(recording.waveform, sr=16000)
print(f"{len(found)} segments for {len(truth)} clips")
if len(found) == len(truth):
    error = np.abs(found - recording.segments - [-0.1, 0.1])  # without the padding
    print(f"boundary error: median {1000 * np.median(error):.0f} ms")

# %%
# Emotion of each segment
# -----------------------
# :func:`~sklearn_ser.segmentation.predict_segments` runs the segmenter and
# the model together and returns one row per segment: its start and end in
# seconds, the predicted label and the probability of each emotion. The
# recording is taken as one speaker: the scaler standardises every segment
# with the statistics of all of them, as it did each training speaker with
# theirs. A file path works the same and is read block by block, so a
# recording of hours takes no more memory than this one.
table = predict_segments(model, recording.waveform, segmenter=segmenter)
print(table.head().round(2).to_string(index=False))

# Each segment's true emotion is that of the clip it overlaps most.
middles = (table["start"] + table["end"]).to_numpy() / 2
clip = np.searchsorted(recording.segments[:, 1], middles)
print(f"segments labelled right: {np.mean(table['label'] == truth[clip]):.0%}")

# %%
# Emotion over time
# -----------------
# Top: the true emotion of each clip; middle: the predicted emotion of each
# segment, in the same colours; bottom: the probability of each emotion at the
# middle of each segment, the lines broken where there is no speech.
start, end = recording.segments.T
truth_table = pd.DataFrame({"start": start, "end": end, "label": truth})
truth_table[table.columns[3:]] = 0.0  # the classes, for the colours
fig, axes = plt.subplots(3, 1, figsize=(10, 6), sharex=True, layout="constrained")
plot_emotion_timeline(truth_table, ax=axes[0], title="true emotion of each clip")
plot_emotion_timeline(table, ax=axes[1], title="predicted emotion of each segment")
plot_emotion_timeline(table, kind="probabilities", ax=axes[2])
plt.show()
