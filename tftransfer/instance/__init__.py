"""Instance transfer: importance weights of source samples, and TrAdaBoost.

`domain_classifier_weights` and `kmm_weights` estimate w(x) = p_target(x) / p_source(x)
for each source sample (pass them as `sample_weight`); `TrAdaBoost` reweights source and
a few labelled target samples by boosting; `KerasEstimator` lets a Keras model be the base
learner of either.
"""

from tftransfer.instance.keras_estimator import KerasEstimator
from tftransfer.instance.tradaboost import TrAdaBoost
from tftransfer.instance.weights import domain_classifier_weights, kmm_weights

__all__ = ["KerasEstimator", "TrAdaBoost", "domain_classifier_weights", "kmm_weights"]
