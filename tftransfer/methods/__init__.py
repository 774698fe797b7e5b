"""Transfer methods by name: `tftransfer.methods.get("dann")` returns the `Method`.

A method is data: its adaptation losses (`tftransfer.adaptation`), the defaults of its model
(`DomainAdaptationModel`: bottleneck, λ and its schedule), its optimizer `Recipe` and its
default search space. Calling it builds the model:

    >>> model = methods.get("dann")(feature_extractor, num_classes=10)

Every method runs on the one engine, `DomainAdaptationModel.train_step`; training on a
`TransferTask` (which data the method sees) is `tftransfer.training.fit_task`. Composed
methods combine the losses of several: "cdan_mcc" is registered, and any "a+b" of paired
methods resolves to one (`methods.get("dann+mcc")`).

Adding a method: one file defining its `Method` and its entry in `METHODS` below.
The source-free methods (SHOT, SHOT-IM, TENT, AdaBN: a trained source model, then the target
alone; `tftransfer.training.source_free`) have their own registry, `SOURCE_FREE_METHODS`:
they do not train on a `TransferTask`'s paired batches, so the runner's grid does not take
them (`python -m experiments.source_free` does). `MultiTaskModel` (one trunk, a head per task) runs on the same engine but takes a label
matrix rather than a `TransferTask`, so it is exported, not registered.
"""

from tftransfer.methods.base import DomainAdaptationModel
from tftransfer.methods.cdan import CDAN, CDAN_E
from tftransfer.methods.dan import DAN
from tftransfer.methods.dann import DANN
from tftransfer.methods.deep_coral import DEEP_CORAL
from tftransfer.methods.finetune import FINETUNE, FineTuner
from tftransfer.methods.mcc import MCC
from tftransfer.methods.mdd import MDD
from tftransfer.methods.method import Method, compose
from tftransfer.methods.adabn import ADABN
from tftransfer.methods.multitask import MultiHead, MultiTaskModel
from tftransfer.methods.recipe import Recipe
from tftransfer.methods.shot import SHOT, SHOT_IM
from tftransfer.methods.tent import TENT
from tftransfer.methods.source_only import SOURCE_ONLY
from tftransfer.methods.target_only import TARGET_ONLY
from tftransfer.registry import Registry

METHODS: Registry = Registry("method", {
    "source_only": SOURCE_ONLY, "target_only": TARGET_ONLY, "dann": DANN, "dan": DAN,
    "deep_coral": DEEP_CORAL, "finetune": FINETUNE, "cdan": CDAN, "cdan_e": CDAN_E, "mdd": MDD,
    "mcc": MCC, "cdan_mcc": compose("cdan_mcc", [CDAN, MCC])})

#: Source-free methods by name (`training.source_free.adapt_source_model(model, x, "shot")`).
SOURCE_FREE_METHODS: Registry = Registry("source-free method", {
    "shot": SHOT, "shot_im": SHOT_IM, "tent": TENT, "adabn": ADABN})


def get(name: str) -> Method:
    """The method registered under `name`, or the composition "a+b" of registered methods.

    Raises:
        ValueError: an unknown name (the valid names are listed).
    """
    if isinstance(name, str) and "+" in name and name not in METHODS:
        return compose(name, [METHODS.get(part.strip()) for part in name.split("+")])
    return METHODS.get(name)


def names() -> list[str]:
    """Registered method names."""
    return METHODS.names()


__all__ = ["METHODS", "SOURCE_FREE_METHODS", "get", "names", "compose", "DomainAdaptationModel", "FineTuner", "Method",
           "Recipe", "MultiTaskModel", "MultiHead", "SOURCE_ONLY", "TARGET_ONLY", "DANN", "DAN",
           "DEEP_CORAL", "FINETUNE", "CDAN", "CDAN_E", "MDD", "MCC", "SHOT", "SHOT_IM", "TENT",
           "ADABN"]
