"""Instance transfer: importance weights of source samples, TrAdaBoost and its regression forms.

`domain_classifier_weights` and `kmm_weights` estimate w(x) = p_target(x) / p_source(x)
for each source sample (pass them as `sample_weight`; `flatten_weights` keeps 0.8 of
the samples effective, as the runner does); `TrAdaBoost` reweights source and
a few labelled target samples by boosting; `TrAdaBoostR2` and `TwoStageTrAdaBoostR2`
(Pardoe & Stone, ICML 2010) do the same for regression; `KerasEstimator` (classification)
and `KerasRegressor` (regression) let a Keras model be the base learner.
"""

from tftransfer.instance.flattening import effective_sample_size, flatten_weights
from tftransfer.instance.keras_estimator import KerasEstimator
from tftransfer.instance.keras_regressor import KerasRegressor
from tftransfer.instance.tradaboost import TrAdaBoost
from tftransfer.instance.tradaboost_r2 import TrAdaBoostR2
from tftransfer.instance.two_stage_tradaboost_r2 import TwoStageTrAdaBoostR2
from tftransfer.instance.weights import domain_classifier_weights, kmm_weights

__all__ = ["KerasEstimator", "KerasRegressor", "TrAdaBoost", "TrAdaBoostR2",
           "TwoStageTrAdaBoostR2", "domain_classifier_weights", "effective_sample_size",
           "flatten_weights", "kmm_weights"]
