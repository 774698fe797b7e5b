"""MDD: margin disparity discrepancy with an adversarial auxiliary classifier."""

from __future__ import annotations

from tftransfer.adaptation import MarginDisparityLoss
from tftransfer.methods.method import Method
from tftransfer.methods.recipe import Recipe


def mdd_losses(margin: float = 4.0, feature_gradient_scale: float = 0.1):
    return {"margin_disparity": MarginDisparityLoss(
        margin=margin, gradient_scale=feature_gradient_scale, name="margin_disparity")}


MDD = Method(
    name="mdd",
    summary=("Margin Disparity Discrepancy (Zhang et al., ICML 2019): an adversarial "
             "auxiliary classifier measures the disparity of the predictions"),
    build_losses=mdd_losses,
    # Transfer-Learning-Library's mdd.py: bottleneck 1024 (Dense-BN-ReLU-Dropout 0.5), margin
    # 4, trade-off 1, reversed gradient 0.1 × a warm-start ramp, SGD η0 = 0.004, wd 5e-4.
    defaults={"bottleneck_units": 1024, "bottleneck_dropout": 0.5, "lambda_": 1.0,
              "lambda_schedule": "dann"},
    recipe=Recipe(learning_rate=0.004, weight_decay=5e-4),
    space={"margin": "1.0:6.0"},
)
