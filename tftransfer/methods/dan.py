"""DAN: deep adaptation by multi-kernel MMD between source and target features."""

from __future__ import annotations

from tftransfer.adaptation import MKMMDLoss
from tftransfer.methods.method import CONSTANT_TRADE_OFF, Method


def dan_losses(num_kernels: int = 5, kernel_multiplier: float = 2.0, estimator: str = "biased",
               on_logits: bool = False):
    """Deep Adaptation Network (Long et al., ICML 2015): multi-kernel MMD between the source
    and target features.

    Args:
        num_kernels, kernel_multiplier, estimator, on_logits: As for `MKMMDLoss`.

    Returns:
        {"mk_mmd": the `MKMMDLoss`}.
    """
    return {"mk_mmd": MKMMDLoss(num_kernels=num_kernels, kernel_multiplier=kernel_multiplier,
                                estimator=estimator, on_logits=on_logits, name="mk_mmd")}


DAN = Method.from_losses(
    dan_losses, "dan",
    # Transfer-Learning-Library's dan.py: bottleneck 256, 5 Gaussian kernels a factor 2 apart,
    # trade-off 1 held constant, SGD 0.01 annealed.
    defaults=CONSTANT_TRADE_OFF,
    space={"on_logits": "False|True"},
)
