"""AdaBN as a source-free method: the source model's BatchNorm statistics re-estimated on the
target, nothing else changed."""

from __future__ import annotations

import keras

from tftransfer.methods.recipe import Recipe
from tftransfer.methods.source_free import SourceFreeMethod, SourceFreeModel


@keras.saving.register_keras_serializable(package="tftransfer")
class AdaBNModel(SourceFreeModel):
    """AdaBN (Li, Wang, Shi, Liu & Hou, "Revisiting Batch Normalization For Practical Domain
    Adaptation", ICLR workshops 2017, Algorithm 1): after source training, for every
    BatchNorm channel j

        μ_j ← E_{x∈T}[x_j],   σ²_j ← Var_{x∈T}[x_j]

    over the target set T, with no gradient: γ, β and every other weight keep their source
    values bit for bit (`tftransfer.test_time.reestimate_batch_norm`; with the default
    `statistics_batch_size` the digits and MNIST/USPS target sets fit in one or two passes).

    Defaults: the source_only network and recipe (bottleneck 256, whose BatchNorm is the one
    an MLP backbone without BatchNorm has).
    """

    takes_gradient_steps = False
    reestimates_statistics = True


ADABN = SourceFreeMethod(
    name="adabn",
    summary=("AdaBN (Li et al., 2016), source-free: the BatchNorm statistics re-estimated on "
             "the target, no gradient"),
    defaults={"bottleneck_units": 256},
    recipe=Recipe(),
    model_class=AdaBNModel,
)
