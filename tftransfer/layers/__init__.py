"""tftransfer layers."""

from tftransfer.layers.gradient_reversal import GradientReversal
from tftransfer.layers.philox_dropout import PhiloxDropout

__all__ = ["GradientReversal", "PhiloxDropout"]
