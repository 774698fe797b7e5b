"""Feature extractors by spec: `tftransfer.backbones.get("mlp", input_shape=(64,))`.

Every backbone is a `keras.Model` mapping a batch of inputs to a batch of feature vectors
(no classifier). Specs: the registered names (`names()`: "mlp", "lenet") and the prefixed
forms (`prefixes()`): "keras_application:<Name>", "file:<path>", "hub:<handle-or-path>".
`export_hub` writes a backbone as a TF-Hub reusable SavedModel that "hub:" loads back.
"""

from tftransfer.backbones.registry import (BACKBONES, check_spec, get, is_pretrained, names, prefixes,
                                           reads_input_layout, register_prefix)
from tftransfer.backbones.freezing import (
    VariableGroup,
    apply_freeze_depth,
    trainable_summary,
    weighted_layers,
)

# Importing the modules registers their backbones and spec prefixes.
from tftransfer.backbones import mlp as _mlp  # noqa: F401
from tftransfer.backbones import lenet as _lenet  # noqa: F401
from tftransfer.backbones import applications as _applications  # noqa: F401
from tftransfer.backbones import files as _files  # noqa: F401
from tftransfer.backbones import hub as _hub  # noqa: F401
from tftransfer.backbones.export import export_hub

__all__ = ["BACKBONES", "get", "names", "prefixes", "register_prefix", "check_spec", "is_pretrained",
           "reads_input_layout", "apply_freeze_depth", "trainable_summary", "weighted_layers", "VariableGroup",
           "export_hub"]
