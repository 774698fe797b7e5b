"""Deep CORAL: align second-order statistics of source and target features."""

import keras

from tftransfer.losses import coral_loss
from tftransfer.methods.base import DomainAdaptationModel


@keras.saving.register_keras_serializable(package="tftransfer")
class DeepCORAL(DomainAdaptationModel):
    """Deep CORAL (Sun & Saenko, "Deep CORAL: Correlation Alignment for Deep Domain
    Adaptation", ECCV 2016 workshops).

    Adds λ · ℓ_CORAL with ℓ_CORAL = ||C_S − C_T||²_F / (4 d²) (eq. 1), C_S and C_T the feature
    covariances of the global source and target batches and d the feature dimension.

    Args:
        feature_extractor, num_classes, **kwargs: see `DomainAdaptationModel`.
        on_logits: Align the logits (the paper's fc8) instead of the features.
    """

    def __init__(self, feature_extractor, num_classes, on_logits: bool = False, **kwargs):
        super().__init__(feature_extractor, num_classes, **kwargs)
        self.on_logits = bool(on_logits)

    def adaptation_loss(self, features_s, features_t, logits_s, logits_t):
        if self.on_logits:
            return coral_loss(logits_s, logits_t)
        return coral_loss(features_s, features_t)

    def get_config(self):
        config = super().get_config()
        config.update(on_logits=self.on_logits)
        return config
