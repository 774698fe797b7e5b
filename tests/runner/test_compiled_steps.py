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


@pytest.mark.parametrize("method", ["dann", "mcc"])
def test_steps_per_call_do_not_change_the_weights(method, monkeypatch):
    # 8 steps an epoch: 8 a call by default, against 1 and 2 a call; every schedule is
    # computed in the step, so the trained weights must agree bit for bit.
    from tftransfer.runner import build

    config = RunConfig(experiment="test", task="moons->moons_rotated", method=method, epochs=2,
                       batch_size=16, data_options={"n_samples": 128}, steps_per_epoch=8,
                       backbone_options={"units": [8]}, method_options={"bottleneck_units": 8})
    original = build.steps_per_call
    weights = {}
    for limit in (1, 2, build.STEPS_PER_EXECUTION):
        monkeypatch.setattr(build, "steps_per_call", lambda steps, limit=limit: original(steps, limit))
        model = train(config, reuse_compiled=False)[0]
        assert int(model.steps_per_execution) == original(8, limit)
        weights[limit] = [w.numpy() for w in model.weights]
    for limit in (2, build.STEPS_PER_EXECUTION):
        for a, b in zip(weights[1], weights[limit]):
            assert (a == b).all()
