"""Schedules inside the compiled step: the annealed learning rate and Ganin's ramp, exactly."""

import math

import keras
import numpy as np
import pytest

from helpers import tiny_task
from tftransfer import backbones, methods
from tftransfer.data import steps_per_epoch
from tftransfer.schedules import AnnealedLearningRate, dann_ramp
from tftransfer.training import fit_task


def test_annealed_learning_rate_values():
    schedule = AnnealedLearningRate(0.01, total_steps=100)  # α = 10, β = 0.75 (Ganin et al.)
    assert float(schedule(0)) == pytest.approx(0.01)
    assert float(schedule(50)) == pytest.approx(0.01 / (1 + 10 * 0.5) ** 0.75, rel=1e-6)
    assert float(schedule(100)) == pytest.approx(0.01 / 11 ** 0.75, rel=1e-6)
    assert float(schedule(250)) == pytest.approx(0.01 / 11 ** 0.75, rel=1e-6)  # p capped at 1
    clone = AnnealedLearningRate(**schedule.get_config())
    assert float(clone(37)) == float(schedule(37))


def test_dann_ramp_values():
    assert dann_ramp(0.0) == 0.0
    assert dann_ramp(0.5) == pytest.approx(2 / (1 + math.exp(-5)) - 1)
    assert dann_ramp(1.0) == pytest.approx(2 / (1 + math.exp(-10)) - 1)


def test_the_model_ramps_lambda_from_its_step_counter():
    """The reported λ at the end of each epoch is λ · ρ(p) of that epoch's last step."""
    task = tiny_task()
    model = methods.get("dann")(backbones.get("mlp", input_shape=task.input_shape), num_classes=3,
                                lambda_=2.0)
    epochs, batch = 4, 16
    steps = steps_per_epoch(task.source_train.n, task.target_train.n, batch)
    model.compile(optimizer=methods.get("dann").recipe.build_optimizer(epochs * steps))
    history = fit_task(model, task, epochs=epochs, batch_size=batch, seed=0)
    for epoch, value in enumerate(history.history["lambda"], 1):
        last_step = epoch * steps - 1
        assert value == pytest.approx(2.0 * dann_ramp(last_step / (epochs * steps)), rel=1e-5)
    # The learning rate followed the annealing over the same steps.
    eta0 = methods.get("dann").recipe.learning_rate
    assert float(model.optimizer.learning_rate) == pytest.approx(eta0 / 11 ** 0.75, rel=1e-5)


def test_the_schedule_restarts_with_each_fit_and_is_exact_with_steps_per_execution():
    task = tiny_task()
    model = methods.get("dann")(backbones.get("mlp", input_shape=task.input_shape), num_classes=3)
    model.compile(optimizer="sgd", steps_per_execution=3)
    data = np.zeros((48, 8), "float32"), np.zeros(48, "int32")
    for _ in range(2):
        history = model.fit(*data, batch_size=16, epochs=2, verbose=0)  # 3 steps an epoch
        lambda_ = methods.get("dann").defaults["lambda_"]
        assert history.history["lambda"][-1] == pytest.approx(lambda_ * dann_ramp(5 / 6), rel=1e-5)
