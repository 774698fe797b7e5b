"""Feature extractors by name: `tftransfer.backbones.get("mlp", input_shape=(64,))`.

Every backbone is a `keras.Model` mapping a batch of inputs to a batch of feature vectors
(no classifier). Registered names: see `names()`.
"""

from tftransfer.backbones.registry import BACKBONES, get, names
from tftransfer.backbones.freezing import apply_freeze_depth, trainable_summary, weighted_layers

# Importing the modules registers their backbones.
from tftransfer.backbones import mlp as _mlp  # noqa: F401
from tftransfer.backbones import lenet as _lenet  # noqa: F401

__all__ = ["BACKBONES", "get", "names", "apply_freeze_depth", "trainable_summary", "weighted_layers"]
