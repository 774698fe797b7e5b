"""A copy of an optimizer with its learning rate multiplied: layer-wise learning rates."""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="tftransfer")
class ScaledSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """`factor` times another learning-rate schedule."""

    def __init__(self, schedule, factor: float):
        if isinstance(schedule, dict):
            schedule = keras.optimizers.schedules.deserialize(schedule)
        self.schedule = schedule
        self.factor = float(factor)

    def __call__(self, step):
        return self.schedule(step) * self.factor

    def get_config(self):
        return {"schedule": keras.optimizers.schedules.serialize(self.schedule), "factor": self.factor}


def scaled_optimizer(optimizer: keras.optimizers.Optimizer, factor: float) -> keras.optimizers.Optimizer:
    """A new optimizer of the same class and settings whose learning rate is `factor` times."""
    config = optimizer.get_config()
    lr = config["learning_rate"]
    if isinstance(lr, (dict, keras.optimizers.schedules.LearningRateSchedule)):
        config["learning_rate"] = ScaledSchedule(lr, factor)
    else:
        config["learning_rate"] = float(config["learning_rate"]) * factor
    config["name"] = f"{config.get('name', 'optimizer')}_backbone"
    return optimizer.__class__.from_config(config)
