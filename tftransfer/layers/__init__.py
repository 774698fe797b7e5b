"""tftransfer layers."""

from tftransfer.layers.gradient_reversal import GradientReversal

__all__ = ["GradientReversal"]
