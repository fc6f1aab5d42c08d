"""The model we recommend: one estimator, waveforms in, labels out."""

from ..utils import fill_doc
from ._base import CHECK_DOMAIN, make_checked_pipeline
from ._baseline import make_baseline_pipeline
from ._recipes import make_crop_cnn_lstm_pipeline
from ._voting import RoutedVotingClassifier


@fill_doc(check_domain=CHECK_DOMAIN)
def make_recommended_pipeline(
    *, sr=16000, speaker_norm=False, check_domain=True, memory=None, random_state=None
):
    """The recommended model: a soft vote of three families that fail differently.

    The class probabilities of three members are averaged:

    - ``"cnn_lstm"``: the CNN-LSTM on log-mel spectrograms of
      :func:`make_crop_cnn_lstm_pipeline`;
    - ``"compare_svm"``: an RBF SVM on openSMILE's ComParE-2016 functionals;
    - ``"egemaps_voice_svm"``: an RBF SVM on openSMILE's eGeMAPS functionals
      beside the embeddings of a pretrained speaker encoder
      (:class:`~sklearn_ser.VoiceEmbeddingTransformer`).

    The SVMs are :func:`make_baseline_pipeline`'s, at scikit-learn's
    default ``C``. See the user guide's benchmark page for what it scores
    within and across corpora and what it costs to fit.

    Needs the ``[opensmile]`` extra (audEERING's research licence:
    non-commercial use only) and the ``[voice]`` extra.

    Parameters
    ----------
    sr : int, default=16000
        Sampling rate of the input waveforms.
    speaker_norm : bool, default=False
        Standardise every member's features per speaker
        (:class:`~sklearn_ser.SpeakerStandardScaler`). Speakers are routed as
        ``groups`` with metadata routing on, to ``fit`` and to ``predict``:
        a test speaker's clips are normalised by that speaker's own
        statistics, which uses those clips without their labels; report
        results that use it as such.
    %(check_domain)s
    memory : str, path or joblib.Memory, default=None
        Cache of each clip's openSMILE and speaker-encoder features (see
        :func:`make_baseline_pipeline`): folds and grid-search candidates
        that share clips compute them once.
    random_state : int or None, default=None
        Seed of every member; the network's training is only reproducible
        with an int.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted: an optional ``inputdomaincheck`` step, then
        ``routedvotingclassifier``, a
        :class:`~sklearn_ser.pipelines.RoutedVotingClassifier` of the three
        members named above.

    See Also
    --------
    make_crop_cnn_lstm_pipeline : The best single network.
    make_baseline_pipeline : The feature-set SVMs alone.

    Examples
    --------
    >>> from sklearn_ser.pipelines import make_recommended_pipeline
    >>> pipe = make_recommended_pipeline(speaker_norm=True, random_state=0)
    >>> [name for name, _ in pipe.steps]
    ['inputdomaincheck', 'routedvotingclassifier']
    >>> [name for name, _ in pipe[-1].estimators]
    ['cnn_lstm', 'compare_svm', 'egemaps_voice_svm']

    With speaker normalisation, fit and predict take the speakers::

        import sklearn
        sklearn.set_config(enable_metadata_routing=True)
        pipe.fit(clips, labels, groups=speakers)
        pipe.predict(new_clips, groups=new_speakers)
    """
    members = [
        (
            "cnn_lstm",
            make_crop_cnn_lstm_pipeline(
                sr=sr, speaker_norm=speaker_norm, check_domain=False, random_state=random_state
            ),
        ),
        *(
            (
                name,
                make_baseline_pipeline(
                    "svm",
                    features=features,
                    speaker_norm=speaker_norm,
                    check_domain=False,
                    sr=sr,
                    memory=memory,
                    random_state=random_state,
                ),
            )
            for name, features in (
                ("compare_svm", "compare"),
                ("egemaps_voice_svm", ("egemaps", "voice")),
            )
        ),
    ]
    vote = RoutedVotingClassifier(members, voting="soft")
    return make_checked_pipeline(vote, check_domain=check_domain, sr=sr)
