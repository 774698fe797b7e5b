"""Model selection for unsupervised domain adaptation: validators by name.

Every validator maps a trained model and a `TransferTask` to one float, HIGHER IS BETTER
(losses and risks are negated), computed without target labels, except `target_oracle`,
which reads the target test labels and is flagged as an oracle (`uses_target_labels`).

| name                 | criterion                                                     |
|----------------------|---------------------------------------------------------------|
| `source_val`         | accuracy on the source validation split                       |
| `iwcv`               | importance-weighted source validation (Sugiyama et al. 2007)  |
| `dev`                | deep embedded validation, −risk (You et al. 2019)             |
| `entropy`            | −mean target prediction entropy (Morerio et al. 2018)         |
| `snd`                | soft neighbourhood density (Saito et al. 2021)                |
| `reverse_validation` | reverse classifier's source accuracy (Zhong et al. 2010)      |
| `target_oracle`      | ORACLE: target test accuracy (reads target labels)            |

With the validators, the runner stores two numbers of each run that are not scores
(`label_shift_evidence`): how far the model's predicted target class shares are from the
source's, and how much less confident it is on the target; auto's `LabelShiftGuard` reads
source_only's.

Regression tasks (`Domain(task="regression")`): `source_val`, `iwcv`, `dev`,
`reverse_validation` and `target_oracle` score the negated squared error (importance-weighted
for IWCV and DEV, a ridge reverse regressor for reverse validation); `entropy` and `snd` read
class probabilities and refuse regression outputs with an error listing these.

Example:
    >>> from tftransfer import selection
    >>> selection.get("dev").score(model, task, seed=0)      # one criterion
    >>> selection.score_all(model, task)                     # all honest ones, one forward pass
    >>> cb = selection.SelectionCallback(task, ["dev"], restore_best_weights=True)  # epochs
"""

from tftransfer.selection._outputs import DomainOutputs, ModelOutputs, domain_outputs
from tftransfer.selection.base import Validator
from tftransfer.selection.callback import SelectionCallback
from tftransfer.selection.dev import DeepEmbeddedValidation, dev_risk
from tftransfer.selection.entropy import PredictionEntropy, mean_prediction_entropy
from tftransfer.selection.iwcv import IWCV, iwcv_regression_score, iwcv_score
from tftransfer.selection.label_shift import LabelShiftGuard, label_shift_evidence
from tftransfer.selection.oracle import TargetOracle
from tftransfer.selection.registry import VALIDATORS, get, is_oracle, names, score, score_all
from tftransfer.selection.reverse import (ReverseValidation, reverse_validation_regression_score,
                                          reverse_validation_score)
from tftransfer.selection.snd import SoftNeighborhoodDensity, soft_neighborhood_density
from tftransfer.selection.source_val import SourceValidation, source_validation_score

__all__ = [
    "VALIDATORS", "get", "names", "is_oracle", "score", "score_all",
    "Validator", "SelectionCallback", "ModelOutputs", "DomainOutputs", "domain_outputs",
    "SourceValidation", "IWCV", "DeepEmbeddedValidation", "PredictionEntropy",
    "SoftNeighborhoodDensity", "ReverseValidation", "TargetOracle",
    "source_validation_score", "iwcv_score", "dev_risk", "mean_prediction_entropy",
    "soft_neighborhood_density", "reverse_validation_score", "iwcv_regression_score",
    "reverse_validation_regression_score", "LabelShiftGuard", "label_shift_evidence",
]
