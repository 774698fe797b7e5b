"""MCC: minimum class confusion on the target predictions."""

from __future__ import annotations

from tftransfer.adaptation import ClassConfusionLoss
from tftransfer.methods.method import CONSTANT_TRADE_OFF, Method


def mcc_losses(temperature: float = 3.0):
    """Minimum Class Confusion (Jin et al., ECCV 2020): penalise the confusion between classes
    in the target predictions.

    MCC aligns no features: it sharpens the source classifier's own target predictions. Where
    that classifier is wrong on the target for a reason alignment would fix, MCC makes it
    confidently wrong — on the Palmer penguins' sex learnt on one species and applied to
    another (larger birds read as males) MCC is 3.3 points below source_only and CORAL+MCC
    3.2, while CDAN+MCC, which aligns too, is 12.7 above (docs/benchmarks.md, "Your own
    files"). On the seven benchmarks of the defaults report and their held-out tasks it is
    above source_only everywhere. Ramping the trade-off with Ganin's λ_p
    (`lambda_schedule="dann"`, as inside CDAN+MCC) fixes the penguins (74.5 % against 60.2,
    source_only 63.4; seeds 0 and 1) and is level on the benchmarks, but fails the rotated
    two moons, the cluster-structured shift MCC is built for (77.3 % against 85.0,
    source_only 75.8): the reference's constant trade-off stays the default
    (docs/benchmarks.md, "How each default was chosen").

    Args:
        temperature: As for `ClassConfusionLoss` (T > 0 of the probability rescaling).

    Returns:
        {"class_confusion": the `ClassConfusionLoss`}.
    """
    return {"class_confusion": ClassConfusionLoss(temperature=temperature, name="class_confusion")}


# Transfer-Learning-Library's mcc.py: bottleneck 256, T = 2.5, trade-off 1 held constant, SGD
# annealed (its η0 = 0.005 is for a pretrained backbone: we take the shared Recipe's, see
# methods/recipe.py). T = 3 rather than 2.5: chosen leaving each of our 7 benchmarks out in
# turn (in all 7 folds) and ahead on all 4 held-out tasks (docs/benchmarks.md, "How each
# default was chosen").
MCC = Method.from_losses(mcc_losses, "mcc", defaults=CONSTANT_TRADE_OFF,
                         space={"temperature": "1.0:5.0"})
