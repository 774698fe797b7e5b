"""Training schedules: Ganin's ramp of the adaptation weight and the annealed learning rate.

Both are functions of the training progress p = step / total steps ∈ [0, 1], computed inside
the compiled train step from the optimizer's step counter (no batch callback), so they are
exact with `steps_per_execution > 1` and identical on every replica and worker.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf

from tftransfer._checks import check_choice, check_float, check_int

#: Schedules of the adaptation coefficient: "constant" (1) or "dann" (Ganin's ramp 0 -> 1).
LAMBDA_SCHEDULES = ("constant", "dann")
#: Learning-rate schedules: "constant" or "annealed" (η0 / (1 + α p)^β).
LR_SCHEDULES = ("constant", "annealed")


def dann_ramp(progress: float, gamma: float = 10.0) -> float:
    """λ_p = 2 / (1 + exp(−γ p)) − 1 (Ganin et al., JMLR 2016, sec. 5.2.2): 0 -> 1 as p: 0 -> 1."""
    return 2.0 / (1.0 + math.exp(-gamma * progress)) - 1.0


def ramp(progress, schedule: str, gamma: float = 10.0):
    """The schedule factor at `progress` (a float32 tensor) as a tensor."""
    if schedule == "dann":
        return 2.0 / (1.0 + tf.exp(-gamma * progress)) - 1.0
    return tf.ones_like(progress)


@keras.saving.register_keras_serializable(package="tftransfer")
class AnnealedLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """η_p = η0 / (1 + α p)^β with p = min(1, step / total_steps).

    The learning-rate annealing of Ganin et al. (JMLR 2016, sec. 5.2.2: α = 10, β = 0.75),
    used by DANN, CDAN, MDD and MCC in their papers and in Transfer-Learning-Library (which
    writes it per iteration, η0 (1 + γ i)^−β).

    The step count is a variable (`set_total_steps`), so a compiled train step serves
    trainings of any length: the runner reuses one compiled model for every run of a grid
    that has the same architecture.

    Args:
        initial_learning_rate: η0 > 0.
        total_steps: Steps of the whole training (p reaches 1 there and stays).
        alpha: α >= 0.
        beta: β >= 0.
    """

    def __init__(self, initial_learning_rate: float, total_steps: int, alpha: float = 10.0,
                 beta: float = 0.75):
        owner = type(self).__name__
        self.initial_learning_rate = check_float(initial_learning_rate, "initial_learning_rate",
                                                 minimum=0.0, low_open=True, owner=owner)
        check_int(total_steps, "total_steps", minimum=1, owner=owner)
        self.alpha = check_float(alpha, "alpha", minimum=0.0, owner=owner)
        self.beta = check_float(beta, "beta", minimum=0.0, owner=owner)
        self.total_steps_variable = keras.Variable(float(total_steps), trainable=False,
                                                   dtype="float32", name="lr_total_steps")

    @property
    def total_steps(self) -> int:
        return int(keras.ops.convert_to_numpy(self.total_steps_variable))

    def set_total_steps(self, total_steps: int) -> None:
        self.total_steps_variable.assign(float(check_int(total_steps, "total_steps", minimum=1,
                                                         owner=type(self).__name__)))

    def __call__(self, step):
        progress = tf.minimum(1.0, tf.cast(step, tf.float32) / self.total_steps_variable)
        return self.initial_learning_rate / tf.pow(1.0 + self.alpha * progress, self.beta)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "total_steps": self.total_steps, "alpha": self.alpha, "beta": self.beta}


def set_total_steps(optimizer, total_steps: int) -> None:
    """Sets the step count of `optimizer`'s annealed learning rate (through any scaling
    wrapper, e.g. the backbone optimizer's); a no-op for other schedules."""
    schedule = getattr(optimizer, "_learning_rate", None)
    while schedule is not None and not isinstance(schedule, AnnealedLearningRate):
        schedule = getattr(schedule, "schedule", None)
    if schedule is not None:
        schedule.set_total_steps(total_steps)


def check_lambda_schedule(schedule, owner=None) -> str:
    return check_choice(schedule, "lambda_schedule", LAMBDA_SCHEDULES, owner=owner)
