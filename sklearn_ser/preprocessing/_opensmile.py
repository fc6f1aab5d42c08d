"""openSMILE acoustic functionals (eGeMAPS, ComParE-2016) as a transformer."""

import os
import warnings
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils import fill_doc
from ._base import FEATURE_MEMORY, WAVEFORM_INPUT_ATTRIBUTES, ClipFeaturesTransformer

FEATURE_SETS = ("eGeMAPSv02", "GeMAPSv01b", "ComParE_2016", "emobase", "IS09", "IS10", "IS13")


def _smile(feature_set):
    try:
        import opensmile
    except ImportError as error:
        raise ImportError(
            "OpenSmileTransformer needs the opensmile package: pip install "
            "'sklearn_ser[opensmile]' (audEERING research licence, "
            "non-commercial use only)"
        ) from error
    return opensmile.Smile(
        feature_set=opensmile.FeatureSet[feature_set],
        feature_level=opensmile.FeatureLevel.Functionals,
    )


@fill_doc(waveform_input_attributes=WAVEFORM_INPUT_ATTRIBUTES, feature_memory=FEATURE_MEMORY)
class OpenSmileTransformer(ClipFeaturesTransformer):
    """Utterance-level acoustic functionals from openSMILE, one row per clip.

    Wraps the `opensmile <https://audeering.github.io/opensmile-python/>`_
    package. The default, the extended Geneva Minimalistic Acoustic Parameter
    Set (eGeMAPS v02, 88 features: pitch, jitter, shimmer, loudness, formants,
    spectral balance and their statistics), was designed for affective
    computing; ComParE-2016 gives 6,373 brute-force functionals. Follow it
    with a scaler (:class:`SpeakerStandardScaler` pays on unseen speakers)
    and a classifier.

    opensmile is an optional dependency, ``pip install
    'sklearn_ser[opensmile]'``. It is distributed under audEERING's research
    licence, which allows non-commercial use only; this package is importable
    and usable without it.

    Parameters
    ----------
    feature_set : str, default="eGeMAPSv02"
        One of ``"eGeMAPSv02"``, ``"GeMAPSv01b"``, ``"ComParE_2016"``,
        ``"emobase"``, ``"IS09"``, ``"IS10"``, ``"IS13"``.
    sr : float, default=16000
        Sampling rate of the clips, in Hz.
    %(feature_memory)s

    Attributes
    ----------
    n_features_out_ : int
        Number of functionals per clip.
    feature_names_ : ndarray of str
        openSMILE's name of each functional.
    %(waveform_input_attributes)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser import OpenSmileTransformer
    >>> clips = np.random.default_rng(0).normal(scale=0.1, size=(2, 16000))
    >>> smile = OpenSmileTransformer().fit(clips)
    >>> smile.transform(clips).shape
    (2, 88)
    >>> smile.get_feature_names_out()[:2].tolist()
    ['F0semitoneFrom27.5Hz_sma3nz_amean', 'F0semitoneFrom27.5Hz_sma3nz_stddevNorm']
    """

    _parameter_constraints = {
        "feature_set": [StrOptions(set(FEATURE_SETS))],
        "sr": [Interval(Real, 0, None, closed="neither")],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
    }

    def __init__(self, *, feature_set="eGeMAPSv02", sr=16000, memory=None):
        self.feature_set = feature_set
        self.sr = sr
        self.memory = memory

    def _fit_extractor(self):
        self.feature_names_ = np.asarray(_smile(self.feature_set).feature_names, dtype=object)
        return len(self.feature_names_)

    def _extractor(self):
        smile = _smile(self.feature_set)

        def functionals(clip, index):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # too short: NaN, raised below
                values = smile.process_signal(clip, self.sr).to_numpy()
            if values.shape[0] != 1 or not np.isfinite(values).all():
                raise ValueError(
                    f"clip {index} ({len(clip)} samples at {self.sr} Hz) is too short "
                    f"for openSMILE's {self.feature_set} functionals (about 0.1 s at least)"
                )
            return values[0]

        return functionals

    def get_feature_names_out(self, input_features=None):
        """openSMILE's names of the functionals.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        feature_names_out : ndarray of str
        """
        check_is_fitted(self)
        return self.feature_names_.copy()
