"""A soft vote whose members receive the speakers at predict time too."""

import numpy as np
from sklearn.ensemble import VotingClassifier
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _raise_for_params,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted


def _soft(vote):
    if vote.voting != "soft":
        raise AttributeError(f"predict_proba is not available when voting={vote.voting!r}")
    return True


class RoutedVotingClassifier(VotingClassifier):
    """:class:`~sklearn.ensemble.VotingClassifier` that routes metadata at predict.

    scikit-learn's vote routes metadata such as ``groups`` to its members'
    ``fit`` only. Members that normalise per speaker
    (:class:`~sklearn_ser.SpeakerStandardScaler`) need the test clips'
    speakers too: with ``sklearn.set_config(enable_metadata_routing=True)``,
    ``predict(X, groups=speakers)`` and ``predict_proba(X, groups=speakers)``
    hand them to every member's ``predict_proba`` (``predict`` with
    ``voting="hard"``). Everything else is scikit-learn's vote.

    Parameters
    ----------
    estimators : list of (str, estimator) tuples
        As for :class:`~sklearn.ensemble.VotingClassifier`.
    voting : {"hard", "soft"}, default="hard"
        As for :class:`~sklearn.ensemble.VotingClassifier`.
    weights : array-like of shape (n_classifiers,), default=None
        As for :class:`~sklearn.ensemble.VotingClassifier`.
    n_jobs : int, default=None
        As for :class:`~sklearn.ensemble.VotingClassifier`.
    flatten_transform : bool, default=True
        As for :class:`~sklearn.ensemble.VotingClassifier`.
    verbose : bool, default=False
        As for :class:`~sklearn.ensemble.VotingClassifier`.

    Attributes
    ----------
    estimators_ : list of classifiers
        The fitted members (not ``"drop"``).
    named_estimators_ : Bunch
        The fitted members by name.
    le_ : LabelEncoder
        Encodes the labels for the members.
    classes_ : ndarray of shape (n_classes,)
        The class labels.

    See Also
    --------
    sklearn.ensemble.VotingClassifier : The vote without routing at predict.
    make_recommended_pipeline : A soft vote of per-speaker normalised members.

    Examples
    --------
    >>> import numpy as np, sklearn
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_ser import SpeakerStandardScaler
    >>> from sklearn_ser.pipelines import RoutedVotingClassifier
    >>> X = np.array([[1.0], [3.0], [11.0], [13.0]])
    >>> y, speakers = np.array([0, 1, 0, 1]), np.array(["a", "a", "b", "b"])
    >>> member = make_pipeline(SpeakerStandardScaler(min_clips=2), LogisticRegression())
    >>> vote = RoutedVotingClassifier([("one", member)], voting="soft")
    >>> with sklearn.config_context(enable_metadata_routing=True):
    ...     vote.fit(X, y, groups=speakers).predict([[20.0], [22.0]], groups=["c", "c"])
    array([0, 1])
    """

    def get_metadata_routing(self):
        """Get metadata routing of this object: ``fit`` to the members'
        ``fit``, ``predict`` and ``predict_proba`` to the method each member
        votes with.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` encapsulating
            routing information.
        """
        router = MetadataRouter(owner=self)
        voted_with = "predict_proba" if self.voting == "soft" else "predict"
        for name, estimator in self.estimators:
            router.add(
                **{name: estimator},
                method_mapping=MethodMapping()
                .add(caller="fit", callee="fit")
                .add(caller="predict", callee=voted_with)
                .add(caller="predict_proba", callee=voted_with),
            )
        return router

    def _member_names(self):
        return [name for name, estimator in self.estimators if estimator != "drop"]

    def predict(self, X, **params):
        """Predict class labels for X.

        Parameters
        ----------
        X : array-like or list of length n_samples
            The input samples, as the members take them.
        **params : dict
            Metadata such as ``groups``, routed to the members (metadata
            routing must be enabled).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        check_is_fitted(self)
        _raise_for_params(params, self, "predict")
        routed = process_routing(self, "predict", **params)
        if self.voting == "soft":
            votes = np.argmax(self._average_proba(X, routed), axis=1)
        else:
            predictions = np.asarray(
                [
                    member.predict(X, **routed[name].predict)
                    for name, member in zip(self._member_names(), self.estimators_)
                ]
            ).T
            votes = np.apply_along_axis(
                lambda row: np.argmax(np.bincount(row, weights=self._weights_not_none)),
                axis=1,
                arr=predictions,
            )
        return self.le_.inverse_transform(votes)

    @available_if(_soft)
    def predict_proba(self, X, **params):
        """Weighted average of the members' class probabilities.

        Parameters
        ----------
        X : array-like or list of length n_samples
            The input samples, as the members take them.
        **params : dict
            Metadata such as ``groups``, routed to the members (metadata
            routing must be enabled).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        _raise_for_params(params, self, "predict_proba")
        return self._average_proba(X, process_routing(self, "predict_proba", **params))

    def _average_proba(self, X, routed):
        # The members were fitted on encoded labels, so their columns follow
        # ``classes_``; whichever method was called, each member is asked
        # with what is routed to its predict_proba.
        probas = [
            member.predict_proba(X, **routed[name].predict_proba)
            for name, member in zip(self._member_names(), self.estimators_)
        ]
        return np.average(probas, axis=0, weights=self._weights_not_none)
