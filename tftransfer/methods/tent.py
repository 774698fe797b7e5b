"""TENT as a source-free method: a source-trained model adapted on the target by entropy
minimisation of its BatchNorm affine parameters."""

from __future__ import annotations

import keras

from tftransfer.adaptation import EntropyLoss
from tftransfer.methods.recipe import Recipe
from tftransfer.methods.source_free import SourceFreeMethod, SourceFreeModel
from tftransfer.test_time.batch_norm import (affine_variables, batch_statistics_mode,
                                             require_batch_norm)

#: Adam, η = 1e-3, constant, no weight decay: the reference configuration for small images
#: (`cfgs/tent.yaml`, CIFAR-10/100-C); see `tftransfer.test_time.Tent` for the argument.
TENT_RECIPE = {"optimizer": "adam", "learning_rate": 1e-3, "lr_schedule": "constant",
               "weight_decay": 0.0}


@keras.saving.register_keras_serializable(package="tftransfer")
class TentModel(SourceFreeModel):
    """Tent (Wang, Shelhamer, Liu, Olshausen & Darrell, "Tent: Fully Test-Time Adaptation by
    Entropy Minimization", ICLR 2021) as source-free domain adaptation (its sec. 4.3: the
    source model adapted on the unlabelled target set, no source data).

    Adaptation phase: every BatchNorm layer normalises by the target batch's statistics
    (training mode for BatchNorm only, `batch_statistics_mode`), and the mean prediction
    entropy (eq. 1, `EntropyLoss`)

        H(ŷ) = −(1/n) Σ_i Σ_c p(c | x_t,i) log p(c | x_t,i)

    is minimised over the BatchNorm scale and shift γ, β only; every other weight stays
    bit-identical. The paper's predictions normalise by test-batch statistics; a Keras model
    in inference mode uses its moving statistics, so the adaptation ends by setting them to
    the target statistics of the adapted network (an AdaBN pass over the target set), which
    is what the batch statistics estimate: inference-mode predictions are then the paper's
    without depending on how the test set is batched.

    Defaults: the source_only network and recipe for the source phase (bottleneck 256, SGD);
    one adaptation epoch (the paper's results come "in one epoch of test-time optimization"),
    Adam 1e-3 (the small-image setting, see `tftransfer.test_time.Tent`).
    """

    reestimates_statistics = True

    def adaptation_variables(self) -> list:
        return affine_variables(require_batch_norm(self, "TENT"))

    def adaptation_context(self):
        return batch_statistics_mode(self)


def tent_losses():
    """{entropy: mean prediction entropy of the target batch}."""
    return {"entropy": EntropyLoss(name="entropy")}


TENT = SourceFreeMethod(
    name="tent",
    summary=("TENT (Wang et al., ICLR 2021), source-free: entropy minimisation of the "
             "BatchNorm affine parameters on target batches, target statistics"),
    build_losses=tent_losses,
    defaults={"bottleneck_units": 256, "lambda_": 1.0, "lambda_schedule": "constant",
              "adaptation_epochs": 1, "adaptation_recipe": TENT_RECIPE},
    recipe=Recipe(),
    model_class=TentModel,
)
