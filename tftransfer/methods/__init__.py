"""Transfer methods by name: `tftransfer.methods.get("dann")` returns the model class.

Every method is a `keras.Model` subclass running on the one engine
(`DomainAdaptationModel.train_step`); a method is its adaptation loss and its recipe.
`MultiTaskModel` (one trunk, a head per task) runs on the same engine but takes a label
matrix rather than a `TransferTask`, so it is exported, not registered.
"""

from tftransfer.methods.base import DomainAdaptationModel
from tftransfer.methods.cdan import CDAN
from tftransfer.methods.dan import DAN
from tftransfer.methods.dann import DANN
from tftransfer.methods.deep_coral import DeepCORAL
from tftransfer.methods.finetune import FineTuner
from tftransfer.methods.mcc import MCC
from tftransfer.methods.mdd import MDD
from tftransfer.methods.multitask import MultiHead, MultiTaskModel
from tftransfer.methods.source_only import SourceOnly
from tftransfer.methods.target_only import TargetOnly
from tftransfer.registry import Registry

METHODS: Registry = Registry("method")
METHODS.register("source_only", SourceOnly)
METHODS.register("target_only", TargetOnly)
METHODS.register("dann", DANN)
METHODS.register("dan", DAN)
METHODS.register("deep_coral", DeepCORAL)
METHODS.register("finetune", FineTuner)
METHODS.register("cdan", CDAN)
METHODS.register("mdd", MDD)
METHODS.register("mcc", MCC)


def get(name: str):
    """The model class registered under `name` (ValueError listing the valid names)."""
    return METHODS.get(name)


def names() -> list[str]:
    """Registered method names."""
    return METHODS.names()


__all__ = ["METHODS", "get", "names", "DomainAdaptationModel", "SourceOnly", "TargetOnly",
           "DANN", "DAN", "DeepCORAL", "FineTuner", "CDAN", "MDD", "MCC",
           "MultiTaskModel", "MultiHead"]
