import builtins

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_ser import OpenSmileTransformer

RNG = np.random.default_rng(0)
# Half a second of a harmonic tone with a little noise: something to measure.
T = np.arange(8000) / 16000
CLIPS = [0.3 * np.sin(2 * np.pi * f0 * T) + 0.01 * RNG.normal(size=T.size) for f0 in (120, 220)]


def test_egemaps_functionals_of_each_clip():
    pytest.importorskip("opensmile")
    smile = OpenSmileTransformer().fit(CLIPS)
    features = smile.transform(CLIPS)
    assert features.shape == (2, 88) and features.dtype == np.float32
    assert np.isfinite(features).all()
    names = smile.get_feature_names_out().tolist()
    pitch = features[:, names.index("F0semitoneFrom27.5Hz_sma3nz_amean")]
    assert pitch[1] > pitch[0]  # the higher tone has the higher mean pitch
    np.testing.assert_array_equal(clone(smile).fit_transform(CLIPS), features)


def test_too_short_clip_is_named():
    pytest.importorskip("opensmile")
    smile = OpenSmileTransformer().fit(CLIPS)
    with pytest.raises(ValueError, match="clip 1 .*too short for openSMILE's eGeMAPSv02"):
        smile.transform([CLIPS[0], CLIPS[0][:100]])


def test_bad_audio_is_refused_before_opensmile():
    pytest.importorskip("opensmile")
    with pytest.raises(ValueError, match="clip 0 contains NaN"):
        OpenSmileTransformer().fit([np.full(8000, np.nan)])


def test_without_opensmile_the_error_says_how_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_opensmile(name, *args, **kwargs):
        if name == "opensmile":
            raise ImportError("No module named 'opensmile'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_opensmile)
    with pytest.raises(ImportError, match=r"sklearn_ser\[opensmile\].*non-commercial"):
        OpenSmileTransformer().fit(CLIPS)
