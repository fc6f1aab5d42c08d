"""Ready-made pipelines from waveforms to labels.

The papers' setups (Zhao et al. 2019, Zenkov 2020), our measured CPU
recipes and the non-neural baseline, shared by the command line, the
benchmarks and the documentation.
"""

from ._baseline import make_baseline_pipeline
from ._by_name import RECIPE_NAMES, describe_recipe, make_recipe
from ._recipes import (
    make_crop_cnn_lstm_pipeline,
    make_small_cnn_lstm_pipeline,
    make_zenkov_pipeline,
    make_zhao_1d_pipeline,
    make_zhao_2d_pipeline,
)
from ._recommended import make_recommended_pipeline
from ._seed_ensemble import make_seed_ensemble
from ._voting import RoutedVotingClassifier

__all__ = [
    "RECIPE_NAMES",
    "RoutedVotingClassifier",
    "describe_recipe",
    "make_baseline_pipeline",
    "make_crop_cnn_lstm_pipeline",
    "make_recipe",
    "make_recommended_pipeline",
    "make_seed_ensemble",
    "make_small_cnn_lstm_pipeline",
    "make_zenkov_pipeline",
    "make_zhao_1d_pipeline",
    "make_zhao_2d_pipeline",
]
