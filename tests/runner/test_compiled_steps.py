"""The runner's compiled step: whole calls that divide the epoch, so the step count is exact."""

import pytest

from tftransfer.config import RunConfig
from tftransfer.runner import train
from tftransfer.runner.build import steps_per_call


@pytest.mark.parametrize("steps, expected", [(50, 50), (55, 55), (300, 100), (250, 50),
                                             (3, 3), (101, 1), (1, 1)])
def test_steps_per_call_divide_the_epoch(steps, expected):
    assert steps_per_call(steps) == expected


@pytest.mark.parametrize("steps_per_epoch", [None, 7])
def test_a_run_takes_exactly_epochs_times_steps_optimizer_steps(steps_per_epoch):
    # 96 moons, batch 32: 3 steps an epoch when the data set the count (Keras 3.15 at 10
    # steps a call trained 10 an epoch).
    config = RunConfig(experiment="test", task="moons->moons_rotated", method="dann", epochs=2,
                       batch_size=32, data_options={"n_samples": 96},
                       backbone_options={"units": [8]}, steps_per_epoch=steps_per_epoch)
    model = train(config, reuse_compiled=False)[0]
    assert int(model.optimizer.iterations) == 2 * (steps_per_epoch or 3)
