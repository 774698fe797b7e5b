"""Callbacks: a λ schedule driven from Python, for gradient reversal layers used on their own.

The methods' models schedule their adaptation coefficient themselves, inside the compiled
step (`DomainAdaptationModel(lambda_schedule=...)`, `tftransfer.schedules`). This callback is
for a `GradientReversal` layer in a model of your own, or for a custom schedule of a model's
λ on top of its own (`lambda_schedule="constant"` then leaves λ to the callback alone).
"""

from __future__ import annotations

from typing import Callable, Union

import keras

from tftransfer._checks import check_float, check_non_negative
from tftransfer.schedules import LAMBDA_SCHEDULES as SCHEDULES
from tftransfer.schedules import dann_ramp as dann_schedule


class LambdaScheduler(keras.callbacks.Callback):
    """Assigns λ = lambda_max · schedule(p) before each training batch, p = step / total steps.

    Args:
        schedule: "dann" (Ganin's ramp), "constant", or a callable progress -> factor.
        lambda_max: λ at the end of the ramp (and the constant value).
        gamma: γ of the "dann" ramp.
        variable: The variable to assign; default the model's `lambda_`. Pass a
            `GradientReversal` layer's `lambda_` to schedule that layer instead.

    With `steps_per_execution=k`, Keras runs batch callbacks every k steps, so λ is updated
    at the first step of each group of k.
    """

    def __init__(self, schedule: Union[str, Callable[[float], float]] = "dann",
                 lambda_max: float = 1.0, gamma: float = 10.0, variable=None):
        super().__init__()
        if not callable(schedule) and schedule not in SCHEDULES:
            raise ValueError(f"Unknown lambda schedule {schedule!r}. Valid schedules: "
                             f"{', '.join(SCHEDULES)} or a callable")
        self.schedule = schedule
        self.lambda_max = check_non_negative(lambda_max, "lambda_max", owner="LambdaScheduler")
        self.gamma = check_float(gamma, "gamma", owner="LambdaScheduler")
        self.variable = variable
        self._epoch = 0
        self._total_steps = 1

    def factor(self, progress: float) -> float:
        if callable(self.schedule):
            return float(self.schedule(progress))
        if self.schedule == "dann":
            return dann_schedule(progress, self.gamma)
        return 1.0

    def on_train_begin(self, logs=None):
        epochs = self.params.get("epochs") or 1
        steps = self.params.get("steps") or 1
        self._total_steps = max(1, epochs * steps)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        steps = self.params.get("steps") or 1
        progress = min(1.0, (self._epoch * steps + batch) / self._total_steps)
        target = self.variable if self.variable is not None else self.model.lambda_
        target.assign(self.lambda_max * self.factor(progress))
