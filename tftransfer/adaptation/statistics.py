"""Non-adversarial discrepancies on features and predictions: MK-MMD, CORAL, MCC, entropy."""

from __future__ import annotations

import keras

from tftransfer._checks import check_bool, check_choice, check_float, check_int, check_positive
from tftransfer.adaptation.base import AdaptationLoss
from tftransfer.losses import class_confusion, coral_loss, mk_mmd, prediction_entropy


@keras.saving.register_keras_serializable(package="tftransfer")
class MKMMDLoss(AdaptationLoss):
    """Multi-kernel MMD² between source and target features (Long et al., "Learning
    Transferable Features with Deep Adaptation Networks", ICML 2015).

    MK-MMD²(F(x_s), F(x_t)) under a mixture of Gaussian kernels k = (1/K) Σ_u
    exp(−||a − b||² / σ_u²) (eqs. 2–3, equal kernel weights), with bandwidths from the median
    heuristic on the joint batch spread by powers of `kernel_multiplier` (5 kernels a factor 2
    apart, as Transfer-Learning-Library's DAN).

    Args:
        num_kernels: Number of Gaussian kernels.
        kernel_multiplier: Ratio between consecutive bandwidths.
        estimator: "biased" (V-statistic) or "unbiased" (U-statistic).
        on_logits: Also match the logits (DAN adapts several task-specific layers).
    """

    def __init__(self, num_kernels: int = 5, kernel_multiplier: float = 2.0,
                 estimator: str = "biased", on_logits: bool = False, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.num_kernels = check_int(num_kernels, "num_kernels", minimum=1, owner=owner)
        self.kernel_multiplier = check_float(kernel_multiplier, "kernel_multiplier", minimum=1.0,
                                             owner=owner)
        self.estimator = check_choice(estimator, "estimator", ("biased", "unbiased"), owner=owner)
        self.on_logits = check_bool(on_logits, "on_logits", owner=owner)

    def _mmd(self, a, b):
        return mk_mmd(a, b, num_kernels=self.num_kernels, kernel_multiplier=self.kernel_multiplier,
                      estimator=self.estimator)

    def call(self, features_s, features_t, logits_s=None, logits_t=None, ramp=1.0, training=None):
        loss = self._mmd(features_s, features_t)
        if self.on_logits:
            loss = loss + self._mmd(logits_s, logits_t)
        return loss

    def get_config(self):
        return {**super().get_config(), "num_kernels": self.num_kernels,
                "kernel_multiplier": self.kernel_multiplier, "estimator": self.estimator,
                "on_logits": self.on_logits}


@keras.saving.register_keras_serializable(package="tftransfer")
class CORALLoss(AdaptationLoss):
    """Deep CORAL (Sun & Saenko, "Deep CORAL: Correlation Alignment for Deep Domain
    Adaptation", ECCV 2016 workshops): ℓ_CORAL = ||C_S − C_T||²_F / (4 d²) (eq. 1), C_S and C_T
    the covariances of the global source and target batches, d their dimension.

    Args:
        on_logits: Align the logits (the paper's fc8) instead of the features.
    """

    def __init__(self, on_logits: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.on_logits = check_bool(on_logits, "on_logits", owner=type(self).__name__)

    def call(self, features_s, features_t, logits_s=None, logits_t=None, ramp=1.0, training=None):
        if self.on_logits:
            return coral_loss(logits_s, logits_t)
        return coral_loss(features_s, features_t)

    def get_config(self):
        return {**super().get_config(), "on_logits": self.on_logits}


@keras.saving.register_keras_serializable(package="tftransfer")
class ClassConfusionLoss(AdaptationLoss):
    """Minimum Class Confusion (Jin, Wang, Long & Wang, "Minimum Class Confusion for Versatile
    Domain Adaptation", ECCV 2020): L_MCC(C(F(x_t))), the confusion between classes in the
    temperature-rescaled target predictions (`tftransfer.losses.class_confusion`, eqs. 4–8),
    on the logits of the global target batch. No extra network.

    Args:
        temperature: T > 0 of the probability rescaling (2.5 in the paper).
    """

    uses_predictions = True

    def __init__(self, temperature: float = 2.5, **kwargs):
        super().__init__(**kwargs)
        self.temperature = check_positive(temperature, "temperature", owner=type(self).__name__)

    def call(self, features_s, features_t, logits_s, logits_t, ramp=1.0, training=None):
        return class_confusion(logits_t, self.temperature)

    def get_config(self):
        return {**super().get_config(), "temperature": self.temperature}


@keras.saving.register_keras_serializable(package="tftransfer")
class EntropyLoss(AdaptationLoss):
    """Entropy minimisation on the target predictions (Grandvalet & Bengio, "Semi-supervised
    Learning by Entropy Minimization", NeurIPS 2004; the "+E" of CDAN+E's objective and of
    many DA recipes): mean_t H(softmax(C(F(x_t)))), which pushes the decision boundary away
    from dense target regions. Usually combined with an alignment loss at a small weight.
    """

    uses_predictions = True

    def call(self, features_s, features_t, logits_s, logits_t, ramp=1.0, training=None):
        return prediction_entropy(logits_t)
