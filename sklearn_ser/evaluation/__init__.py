"""Speaker-independent evaluation: folds, scores, reports, plots."""

from ._cv_spec import default_cv_spec, make_speaker_cv
from ._evaluate import evaluate_speaker_independent
from ._export import save_report
from ._file_scores import score_file_predictions
from ._history import epoch_history
from ._labels import merge_probabilities
from ._parallel import parallel_folds
from ._plots import plot_confusion_matrix, plot_training_curves
from ._report import (
    PredictionScores,
    SpeakerIndependentReport,
    report_from_cross_validate,
    score_predictions,
    speaker_independent_report,
)
from ._run import evaluate_to_folder, results_folder
from ._splits import (
    EMOBOX_RAVDESS_FOLDS,
    RAVDESS_FOLDS,
    CrossCorpusSplit,
    LeaveOneCorpusOut,
    SpeakerFolds,
    leave_one_speaker_out,
    speaker_folds,
)

__all__ = [
    "CrossCorpusSplit",
    "LeaveOneCorpusOut",
    "EMOBOX_RAVDESS_FOLDS",
    "PredictionScores",
    "RAVDESS_FOLDS",
    "SpeakerFolds",
    "SpeakerIndependentReport",
    "default_cv_spec",
    "epoch_history",
    "evaluate_speaker_independent",
    "evaluate_to_folder",
    "leave_one_speaker_out",
    "make_speaker_cv",
    "merge_probabilities",
    "parallel_folds",
    "plot_confusion_matrix",
    "plot_training_curves",
    "report_from_cross_validate",
    "results_folder",
    "save_report",
    "score_file_predictions",
    "score_predictions",
    "speaker_independent_report",
    "speaker_folds",
]
