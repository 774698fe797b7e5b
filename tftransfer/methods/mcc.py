"""MCC: minimum class confusion on the target predictions."""

from __future__ import annotations

import keras

from tftransfer.losses.class_confusion import class_confusion
from tftransfer.methods.base import DomainAdaptationModel, _check_non_negative


@keras.saving.register_keras_serializable(package="tftransfer")
class MCC(DomainAdaptationModel):
    """Minimum Class Confusion (Jin, Wang, Long & Wang, "Minimum Class Confusion for
    Versatile Domain Adaptation", ECCV 2020).

    Adds λ · L_MCC(C(F(x_t))), the confusion between classes in the target predictions
    (`tftransfer.losses.class_confusion`): a non-adversarial loss that needs no extra
    network, computed on the logits of the global target batch. The paper's total objective
    is L_s + λ · L_MCC (eq. 9), λ = 1 by default.

    Args:
        feature_extractor, num_classes, **kwargs: see `DomainAdaptationModel`.
        temperature: T of the probability rescaling (2.5 in the paper).
    """

    def __init__(self, feature_extractor, num_classes, temperature: float = 2.5, **kwargs):
        super().__init__(feature_extractor, num_classes, **kwargs)
        self.temperature = _check_non_negative("temperature", temperature)
        if self.temperature == 0:
            raise ValueError("temperature must be > 0, got 0")

    def adaptation_loss(self, features_s, features_t, logits_s, logits_t):
        return class_confusion(logits_t, self.temperature)

    def get_config(self):
        config = super().get_config()
        config.update(temperature=self.temperature)
        return config
