"""The optimizer side of a method's training recipe."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping

import keras

from tftransfer._checks import check_bool, check_choice, check_float, check_non_negative, check_positive
from tftransfer.fused_adam import FusedAdam
from tftransfer.fused_sgd import FusedSGD
from tftransfer.schedules import LR_SCHEDULES, AnnealedLearningRate

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")


@dataclass(frozen=True)
class Recipe:
    """How a method's model is optimised: optimizer, learning rate and its schedule.

    The default is the recipe of DANN (Ganin et al., JMLR 2016, sec. 5.2.2) as its reference
    code runs it (Transfer-Learning-Library, examples/domain_adaptation): SGD with Nesterov
    momentum 0.9, weight decay 1e-3, the learning rate annealed as η_p = η0 / (1 + 10 p)^0.75,
    and a backbone learning rate of 0.1 × η when the backbone comes pretrained (1 × when it is
    trained from scratch, as the reference does with `--scratch`).

    Deviation: η0 = 0.03, not the reference's 0.01 (DANN, CDAN; 0.005 MCC, 0.004 MDD). Those
    are the rates of a fresh head on a pretrained ResNet-50 whose backbone moves at 0.1 ×;
    every backbone of our benchmarks learns from scratch. Chosen on source validation
    accuracy of source_only (no target label): on Office-Caltech SURF, 500 steps, 0.03 gives
    68.5 % against 65.7 % for 0.01 even with 1,000 steps (docs/benchmarks.md).

    Args:
        optimizer: One of OPTIMIZERS.
        learning_rate: η0 > 0.
        momentum: Momentum of SGD / RMSprop.
        nesterov: Nesterov momentum (SGD).
        weight_decay: Decoupled weight decay (Keras' `weight_decay`; 0 disables).
        lr_schedule: "annealed" (η0 / (1 + α p)^β) or "constant".
        lr_alpha, lr_beta: α and β of the annealing.
        pretrained_backbone_lr_multiplier: Backbone learning-rate multiplier used when the
            backbone is pretrained (`file:`, `hub:`, `keras_application:` with weights).
    """

    optimizer: str = "sgd"
    learning_rate: float = 0.03
    momentum: float = 0.9
    nesterov: bool = True
    weight_decay: float = 1e-3
    lr_schedule: str = "annealed"
    lr_alpha: float = 10.0
    lr_beta: float = 0.75
    pretrained_backbone_lr_multiplier: float = 0.1

    def __post_init__(self):
        owner = "Recipe"
        check_choice(self.optimizer, "optimizer", OPTIMIZERS, owner=owner)
        check_positive(self.learning_rate, "learning_rate", owner=owner)
        check_float(self.momentum, "momentum", minimum=0.0, maximum=1.0, high_open=True, owner=owner)
        check_bool(self.nesterov, "nesterov", owner=owner)
        check_non_negative(self.weight_decay, "weight_decay", owner=owner)
        check_choice(self.lr_schedule, "lr_schedule", LR_SCHEDULES, owner=owner)
        check_non_negative(self.lr_alpha, "lr_alpha", owner=owner)
        check_non_negative(self.lr_beta, "lr_beta", owner=owner)
        check_non_negative(self.pretrained_backbone_lr_multiplier,
                           "pretrained_backbone_lr_multiplier", owner=owner)

    @classmethod
    def fields(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    def replace(self, **changes: Any) -> "Recipe":
        """This recipe with some fields changed (unknown fields listed in the error)."""
        unknown = sorted(set(changes) - set(self.fields()))
        if unknown:
            raise ValueError(f"Unknown recipe fields {unknown}. Valid: {', '.join(self.fields())}")
        return dataclasses.replace(self, **changes)

    def updated(self, overrides: Mapping[str, Any]) -> "Recipe":
        return self.replace(**dict(overrides)) if overrides else self

    def build_optimizer(self, total_steps: int, fused: bool = True) -> keras.optimizers.Optimizer:
        """A new Keras optimizer for a training of `total_steps` steps.

        SGD is `FusedSGD` (Keras's SGD, one fused kernel per variable: the same numbers) and
        Adam `FusedAdam` (TensorFlow's fused kernel: Adam's update, rounded as tf.keras 2's
        Adam, not bit for bit Keras 3's) unless `fused=False`, which gives
        `keras.optimizers.SGD` / `Adam` themselves: under XLA the two round differently (XLA
        fuses Keras's separate ops its own way), so a step compiled with XLA keeps Keras's
        update and the numbers of the runs made so.
        """
        lr = (AnnealedLearningRate(self.learning_rate, max(1, int(total_steps)), self.lr_alpha,
                                   self.lr_beta)
              if self.lr_schedule == "annealed" else self.learning_rate)
        decay = self.weight_decay or None
        if self.optimizer == "sgd":
            sgd = FusedSGD if fused else keras.optimizers.SGD
            return sgd(lr, momentum=self.momentum, nesterov=self.nesterov, weight_decay=decay)
        if self.optimizer == "adam":
            adam = FusedAdam if fused else keras.optimizers.Adam
            return adam(lr, weight_decay=decay)
        if self.optimizer == "adamw":
            return keras.optimizers.AdamW(lr, weight_decay=self.weight_decay)
        return keras.optimizers.RMSprop(lr, momentum=self.momentum, weight_decay=decay)
