"""MCC: minimum class confusion on the target predictions."""

from __future__ import annotations

from tftransfer.adaptation import ClassConfusionLoss
from tftransfer.methods.method import Method
from tftransfer.methods.recipe import Recipe


def mcc_losses(temperature: float = 2.5):
    return {"class_confusion": ClassConfusionLoss(temperature=temperature, name="class_confusion")}


MCC = Method(
    name="mcc",
    summary=("Minimum Class Confusion (Jin et al., ECCV 2020): penalise the confusion between "
             "classes in the target predictions"),
    build_losses=mcc_losses,
    # Transfer-Learning-Library's mcc.py: bottleneck 256, T = 2.5, trade-off 1 held constant,
    # SGD η0 = 0.005 annealed, wd 1e-3.
    defaults={"bottleneck_units": 256, "lambda_": 1.0, "lambda_schedule": "constant"},
    recipe=Recipe(learning_rate=0.005),
    space={"temperature": "1.0:5.0"},
)
