"""MDD: margin disparity discrepancy with an adversarial auxiliary classifier."""

from __future__ import annotations

from tftransfer.adaptation import MarginDisparityLoss
from tftransfer.methods.method import Method
from tftransfer.methods.recipe import Recipe


def mdd_losses(margin: float = 2.0, feature_gradient_scale: float = 0.1):
    """Margin Disparity Discrepancy (Zhang et al., ICML 2019): an adversarial auxiliary
    classifier measures the disparity of the predictions.

    Measured with these defaults (docs/benchmarks.md, defaults report): above source_only on
    the digits shifts, MNIST/USPS, DeCAF, the text benchmarks and MSRC/VOC (+0.1), level with
    it on Office-Caltech SURF (−0.0 on the report's tasks, −0.1 on the held-out ones; −1.6 and
    −1.8 with the reference's 1,024-unit bottleneck).

    Args:
        margin: The margin γ of `MarginDisparityLoss`.
        feature_gradient_scale: The coefficient of the reversed gradient reaching the
            features (its `gradient_scale`).

    Returns:
        {"margin_disparity": the `MarginDisparityLoss`}.
    """
    return {"margin_disparity": MarginDisparityLoss(
        margin=margin, gradient_scale=feature_gradient_scale, name="margin_disparity")}


MDD = Method.from_losses(
    mdd_losses, "mdd",
    # Transfer-Learning-Library's mdd.py: bottleneck 1024 (Dense-BN-ReLU-Dropout 0.5), margin
    # 4, trade-off 1, reversed gradient 0.1 × a warm-start ramp, SGD annealed with wd 5e-4 and
    # η0 = 0.004, 0.4 × the reference's DANN rate. We keep that ratio to the shared η0
    # (methods/recipe.py): 0.4 × 0.03 = 0.012. At 0.03 MDD's source classifier collapsed
    # (DeCAF W->D: 22.9 % target, 47 % source validation); at 0.012 it reached 98.7 %.
    # Deviation: margin γ = 2, not 4. With γ = 4, MNIST<->USPS collapsed (source validation
    # 45 %, target 14 %, the adversary's loss at 51-60); γ = 2 was chosen leave-one-
    # benchmark-out among {γ 4, γ 2, η0 0.012, 0.006, 0.004} on the defaults report's tasks
    # (seed 0: Δ vs source_only +10.3 digits, -2.0 Office-Caltech, +20.3 MNIST/USPS, +0.2
    # DeCAF, +2.5 Reuters, +8.1 20 Newsgroups, +2.1 MSRC/VOC; `python -m
    # experiments.default_variants`, docs/benchmarks.md). γ is
    # a hyperparameter the paper studies, not a constant of the method; 4 is the reference
    # code's default.
    # Deviation: a 256-unit bottleneck (the other methods' and the reference DANN's), not
    # 1024. Chosen leave-one-benchmark-out on the defaults report's tasks, 3 seeds: 256 in all
    # 7 folds (Δ vs source_only 1024 / 256: Office-Caltech −1.6 / −0.0, MSRC/VOC +0.6 / +0.1,
    # digits +7.0 / +7.3, MNIST/USPS +26.7 / +27.0, DeCAF +0.4 / +0.5, Reuters +3.2 / +3.2,
    # 20 Newsgroups +9.1 / +9.6); on the held-out tasks Office-Caltech −1.8 / −0.1, Reuters
    # +1.4 / +2.6, 20 Newsgroups +7.4 / +8.3, reversed digits +7.6 / +6.5
    # (docs/benchmarks.md). A 4 × smaller layer, too.
    defaults={"bottleneck_units": 256, "bottleneck_dropout": 0.5, "lambda_": 1.0,
              "lambda_schedule": "dann"},
    recipe=Recipe(learning_rate=0.012, weight_decay=5e-4),
    space={"margin": "1.0:6.0"},
)
