"""TENT at test time: entropy minimisation of the BatchNorm affine parameters, batch by batch."""

from __future__ import annotations

from typing import Optional

import keras
import tensorflow as tf

from tftransfer._checks import check_bool, check_int
from tftransfer.losses import prediction_entropy
from tftransfer.test_time.adapter import TestTimeAdapter
from tftransfer.test_time.batch_norm import affine_variables, statistics_variables

#: The reference configuration for small images (`cfgs/tent.yaml` of the authors' code,
#: CIFAR-10/100-C): Adam, learning rate 1e-3, β1 = 0.9, no weight decay, one step per batch.
TENT_LEARNING_RATE = 1e-3


class Tent(TestTimeAdapter):
    """Tent (Wang, Shelhamer, Liu, Olshausen & Darrell, "Tent: Fully Test-Time Adaptation by
    Entropy Minimization", ICLR 2021) on a stream of test batches.

    For each batch x, with every BatchNorm layer normalising by the statistics of x (training
    mode), take `steps` gradient steps on

        H(ŷ) = −(1/n) Σ_i Σ_c p(c | x_i) log p(c | x_i)            (eq. 1, the mean entropy)

    with respect to the BatchNorm affine parameters γ, β only (sec. 3.2, "modulation
    parameters"); every other weight, and the moving statistics, stay bit-identical (the
    reference sets `track_running_stats=False`: running statistics are neither used nor
    updated). The outputs returned for x are those of the forward pass of the last step,
    before its update, as in the reference (`forward_and_adapt`).

    Optimizer: Adam, η = 1e-3, no weight decay, one step per batch — the paper's setting for
    the small-image benchmarks (CIFAR-10/100-C, batch 128/200); its SGD (momentum 0.9,
    η = 0.00025) is for ImageNet with batch 64. The digits and small datasets here are the
    former's regime. Pass `optimizer` for another.

    Dropout and noise layers are switched off in the forward pass (`active()`): the
    reference models have none, and with them the entropy would be that of a noisy forward.

    Args:
        model: A built Keras model with BatchNorm layers (or the path of a saved one).
        episodic: Restore γ, β and the optimizer's state before every batch.
        steps: Gradient steps per batch.
        optimizer: A Keras optimizer; default Adam(1e-3).
        from_logits: Whether the model outputs logits (True) or probabilities.
    """

    name = "TENT"

    def __init__(self, model, episodic: bool = False, steps: int = 1,
                 optimizer: Optional[keras.optimizers.Optimizer] = None,
                 from_logits: bool = True):
        super().__init__(model, episodic)
        owner = type(self).__name__
        self.steps = check_int(steps, "steps", minimum=1, owner=owner)
        self.from_logits = check_bool(from_logits, "from_logits", owner=owner)
        self.optimizer = optimizer or keras.optimizers.Adam(TENT_LEARNING_RATE)
        self.parameters = affine_variables(self.layers)
        if not self.parameters:
            raise ValueError(f"TENT optimises BatchNorm scale and center, and the BatchNorm "
                             f"layers of {self.model.name!r} have neither (scale=center=False)")
        self.statistics = statistics_variables(self.layers)
        # Built now, eagerly: built inside a traced step it would create variables there.
        self.optimizer.build(self.parameters)
        self.snapshot()

    def state_variables(self) -> list:
        return self.parameters + list(self.optimizer.variables)

    def entropy(self, outputs):
        return prediction_entropy(outputs, from_logits=self.from_logits)

    def adapt_step(self, x):
        outputs = None
        for _ in range(self.steps):
            # Training-mode BatchNorm moves the moving statistics: TENT does not use them.
            saved = [tf.convert_to_tensor(v) for v in self.statistics]
            with tf.GradientTape() as tape:
                outputs = self.model(x, training=True)
                loss = self.entropy(outputs)
            gradients = tape.gradient(loss, self.parameters)
            self.optimizer.apply(gradients, self.parameters)
            for variable, value in zip(self.statistics, saved):
                variable.assign(value)
        return outputs
