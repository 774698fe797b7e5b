"""FusedSGD: Keras's SGD with a fused kernel per variable, the same numbers bit for bit."""

import keras
import numpy as np
import pytest

from helpers import tiny_task, weights_after_fit
from tftransfer.config import RunConfig
from tftransfer.fused_adam import FusedAdam
from tftransfer.fused_sgd import FusedSGD
from tftransfer.methods import recipe as recipe_module
from tftransfer.methods.recipe import Recipe
from tftransfer.runner.build import build_model
from tftransfer.runner.run import train


def trained_weights(method, steps=40):
    config = RunConfig(experiment="fused", task="src->tgt", method=method, epochs=2,
                       steps_per_epoch=steps // 2, batch_size=16)
    model = train(config, task=tiny_task(n=96, features=12, num_classes=4),
                  reuse_compiled=False)[0]
    return type(model.optimizer), {v.path: v.numpy() for v in model.weights}


@pytest.mark.parametrize("method", ["dann", "source_only"])
def test_the_runner_trains_the_same_weights_with_keras_sgd_bit_for_bit(method, monkeypatch):
    # The runner's step is a tf.function, so Grappler rewrites it: the BatchNorm scales'
    # gradient times the learning rate is the product it reorders (docs: FusedSGD).
    fused_class, fused = trained_weights(method)
    monkeypatch.setattr(recipe_module, "FusedSGD", keras.optimizers.SGD)
    keras_class, plain = trained_weights(method)
    assert (fused_class, keras_class) == (FusedSGD, keras.optimizers.SGD)
    assert fused.keys() == plain.keys()
    assert all(np.array_equal(fused[name], plain[name]) for name in fused)


def test_plain_momentum_and_no_momentum_match_keras_sgd():
    for options in ({"momentum": 0.9}, {"momentum": 0.0}, {"momentum": 0.5, "weight_decay": 0.01}):
        fused = weights_after_fit(FusedSGD(0.05, **options), epochs=3)
        plain = weights_after_fit(keras.optimizers.SGD(0.05, **options), epochs=3)
        assert all(np.array_equal(a, b) for a, b in zip(fused, plain)), options


def test_the_recipe_builds_it_except_for_xla_and_it_round_trips_through_serialization():
    optimizer = Recipe().build_optimizer(100)
    assert type(optimizer) is FusedSGD
    assert type(Recipe().build_optimizer(100, fused=False)) is keras.optimizers.SGD
    assert type(Recipe(optimizer="adam").build_optimizer(100)) is FusedAdam
    copy = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(copy) is FusedSGD and copy.get_config() == optimizer.get_config()


@pytest.mark.parametrize("xla,expected", [(False, FusedSGD), (True, keras.optimizers.SGD)])
def test_the_runner_keeps_keras_sgd_for_steps_compiled_with_xla(xla, expected):
    config = RunConfig(experiment="fused", task="src->tgt", method="dann", epochs=1,
                       steps_per_epoch=2, batch_size=16, xla=xla)
    model = build_model(config, tiny_task(n=32, features=12, num_classes=4))
    assert type(model.optimizer) is expected
