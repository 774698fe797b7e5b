"""`LambdaScheduler`: a callback that assigns λ (of a model or of a gradient reversal layer)."""

import math

import numpy as np
import pytest

from helpers import tiny_task
from tftransfer import backbones, methods
from tftransfer.callbacks import LambdaScheduler, dann_schedule
from tftransfer.layers import GradientReversal
from tftransfer.training import fit_task


def test_dann_schedule_values():
    assert dann_schedule(0.0) == 0.0
    assert dann_schedule(1.0) == pytest.approx(2 / (1 + math.exp(-10)) - 1)
    values = [dann_schedule(p) for p in np.linspace(0, 1, 11)]
    assert values == sorted(values)


def test_scheduler_assigns_lambda_during_fit():
    task = tiny_task()
    model = methods.get("dann")(backbones.get("mlp", input_shape=task.input_shape), num_classes=3,
                                lambda_schedule="constant")
    model.compile(optimizer="adam")
    history = fit_task(model, task, epochs=4, batch_size=16, seed=0,
                             callbacks=[LambdaScheduler("dann", lambda_max=2.0)])
    lambdas = history.history["lambda"]
    assert lambdas == sorted(lambdas) and 0 < lambdas[0] < lambdas[-1] <= 2.0
    steps = math.ceil(max(task.source_train.n, task.target_train.n) / 16)
    last_progress = (4 * steps - 1) / (4 * steps)
    assert lambdas[-1] == pytest.approx(2.0 * dann_schedule(last_progress), rel=1e-6)


def test_scheduler_can_drive_a_gradient_reversal_layer():
    layer = GradientReversal(0.0)
    scheduler = LambdaScheduler("constant", lambda_max=3.0, variable=layer.lambda_)
    scheduler.set_params({"epochs": 1, "steps": 1})
    scheduler.on_train_begin()
    scheduler.on_train_batch_begin(0)
    assert float(layer.lambda_.numpy()) == 3.0


def test_unknown_schedule_lists_valid_ones():
    with pytest.raises(ValueError, match="Valid schedules: constant, dann"):
        LambdaScheduler("cosine")
