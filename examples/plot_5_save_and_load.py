"""
=========================================
Saving a model, and loading it safely
=========================================

A fitted pipeline, from waveforms to labels, can be written to one file in
two ways: with :func:`joblib.dump` (a pickle), or with
:func:`~sklearn_ser.save_model`, which stores data only. This example saves
the same model both ways, checks that both copies predict exactly what the
original does, and shows why the second way is the one to use for files
that travel.
"""

# %%
# A model to save
# ---------------
# A small CNN-LSTM pipeline trained briefly on the synthetic corpus; any
# pipeline of this package and scikit-learn would do.
import os
import pickle
import tempfile

import joblib
import matplotlib.pyplot as plt
import numpy as np

from sklearn_ser import is_safe_model_file, load_model, make_emotional_speech, save_model
from sklearn_ser.pipelines import make_small_cnn_lstm_pipeline

X, y, speakers = make_emotional_speech(
    n_speakers=6, n_utterances_per_emotion=4, random_state=0, return_X_y_groups=True
)
model = make_small_cnn_lstm_pipeline(max_epochs=10, random_state=0)
model.fit(X, y, cnnlstmclassifier__groups=speakers)

# %%
# Two files
# ---------
# :func:`joblib.dump` pickles the fitted objects. :func:`~sklearn_ser.save_model`
# writes a skops archive of plain data: for each step its type, its
# parameters and its fitted arrays, and for the network its weights.
folder = tempfile.mkdtemp()
pickle_path = os.path.join(folder, "model.joblib")
safe_path = os.path.join(folder, "model.skops")
joblib.dump(model, pickle_path)
save_model(model, safe_path)

for path in (pickle_path, safe_path):
    print(
        f"{os.path.basename(path):13s} {os.path.getsize(path) / 1024:6.0f} KiB, "
        f"safe format: {is_safe_model_file(path)}"
    )

# %%
# Both load to the same model
# ---------------------------
# :func:`~sklearn_ser.load_model` rebuilds every estimator from its type and
# state; the network is rebuilt the way ``fit`` builds it and gets the saved
# weights. The probabilities of both
# copies are identical to the original's, bit for bit.
from_pickle = joblib.load(pickle_path)
from_safe = load_model(safe_path)

reference = model.predict_proba(X)
for name, loaded in [("joblib.load", from_pickle), ("load_model", from_safe)]:
    proba = loaded.predict_proba(X)
    print(
        f"{name:12s} identical probabilities: {np.array_equal(proba, reference)}, "
        f"largest difference: {np.abs(proba - reference).max():.1e}"
    )
print(from_safe)

# %%
# The figure shows the predicted probability of each emotion for the first
# clips, for the original model and the two loaded copies: the three
# panels are the same picture.
clips = slice(0, 16)
fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), sharey=True, layout="constrained")
copies = [("original", model), ("joblib.load", from_pickle), ("load_model", from_safe)]
for ax, (title, estimator) in zip(axes, copies):
    image = ax.imshow(
        estimator.predict_proba(X[clips]).T, aspect="auto", vmin=0, vmax=1, cmap="viridis"
    )
    ax.set_title(title)
    ax.set_xlabel("clip")
axes[0].set_yticks(range(len(model.classes_)), model.classes_)
fig.colorbar(image, ax=axes, label="predicted probability")
plt.show()

# %%
# Why the format matters: a pickle is a program
# ---------------------------------------------
# A pickle does not only hold data; it holds instructions for rebuilding
# objects, and an object can say that rebuilding it means calling any
# function with any arguments. :func:`joblib.load` and :func:`pickle.load`
# follow those instructions. Here is a harmless demonstration: an object
# whose pickle, when loaded, calls :func:`print` (it could as well call
# ``os.system``).


class NotAModel:
    def __reduce__(self):
        return (print, ("This line was printed by loading a file.",))


payload = os.path.join(folder, "not_a_model.joblib")
with open(payload, "wb") as file:
    pickle.dump(NotAModel(), file)
joblib.load(payload)

# %%
# So loading a pickle from someone else is running their code with your
# permissions. :func:`~sklearn_ser.load_model` reads its file with
# :func:`skops.io.load`, which builds arrays, plain containers and the types
# of a trusted list only (the estimators of sklearn_ser and scikit-learn, the
# networks of sklearn_ser, torch's optimizers...), checking every type the
# file names before importing or building anything. A pickle is refused
# unread:
try:
    load_model(payload)
except ValueError as error:
    print("load_model refused it:", error)

# %%
# When to use which
# -----------------
# * :func:`~sklearn_ser.save_model` / :func:`~sklearn_ser.load_model` for any
#   file that is shared, downloaded or kept for long; it also records the
#   versions of sklearn_ser, scikit-learn, skorch and torch, and warns when
#   they differ at load time.
# * :func:`joblib.dump` for pipelines the safe format cannot hold, such as a
#   step of another package or a ``FunctionTransformer`` with a lambda
#   (:func:`~sklearn_ser.save_model` says which step and which type);
#   load such a file only if you trust where it came from.
