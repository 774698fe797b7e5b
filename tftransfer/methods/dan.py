"""DAN: deep adaptation by multi-kernel MMD between source and target features."""

import keras

from tftransfer.losses import mk_mmd
from tftransfer.methods.base import DomainAdaptationModel


@keras.saving.register_keras_serializable(package="tftransfer")
class DAN(DomainAdaptationModel):
    """Deep Adaptation Network (Long et al., "Learning Transferable Features with Deep
    Adaptation Networks", ICML 2015).

    Adds λ · MK-MMD²(F(x_s), F(x_t)), the squared maximum mean discrepancy under a mixture of
    Gaussian kernels k = (1/K) Σ_u exp(−||a − b||² / σ_u²) (eq. 2–3 of the paper, with equal
    kernel weights), on the features of the global batch. Bandwidths σ_u come from the median
    heuristic on the joint batch, spread by powers of `kernel_multiplier`.

    Args:
        feature_extractor, num_classes, **kwargs: see `DomainAdaptationModel`.
        num_kernels: Number of Gaussian kernels.
        kernel_multiplier: Ratio between consecutive bandwidths.
        estimator: "biased" (V-statistic) or "unbiased" (U-statistic) MMD² estimate.
        on_logits: Also match the logits (DAN adapts several task-specific layers).
    """

    def __init__(self, feature_extractor, num_classes, num_kernels: int = 5,
                 kernel_multiplier: float = 2.0, estimator: str = "biased", on_logits: bool = False,
                 **kwargs):
        super().__init__(feature_extractor, num_classes, **kwargs)
        if estimator not in ("biased", "unbiased"):
            raise ValueError(f"estimator must be 'biased' or 'unbiased', got {estimator!r}")
        self.num_kernels = int(num_kernels)
        self.kernel_multiplier = float(kernel_multiplier)
        self.estimator = estimator
        self.on_logits = bool(on_logits)

    def _mmd(self, a, b):
        return mk_mmd(a, b, num_kernels=self.num_kernels, kernel_multiplier=self.kernel_multiplier,
                      estimator=self.estimator)

    def adaptation_loss(self, features_s, features_t, logits_s, logits_t):
        loss = self._mmd(features_s, features_t)
        if self.on_logits:
            loss = loss + self._mmd(logits_s, logits_t)
        return loss

    def get_config(self):
        config = super().get_config()
        config.update(num_kernels=self.num_kernels, kernel_multiplier=self.kernel_multiplier,
                      estimator=self.estimator, on_logits=self.on_logits)
        return config
