"""FusedAdam: Adam as TensorFlow's fused kernel (Kingma & Ba's update, tf.keras 2's arithmetic)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import weights_after_fit
from tftransfer import config as config_module
from tftransfer.config import RunConfig
from tftransfer.fused_adam import FusedAdam
from tftransfer.methods.recipe import Recipe


# The kernel's β's are float32: 1 − β₂ is then 0.0010000467 (Keras's Adam: 0.001).
BETA_1, BETA_2 = float(np.float32(0.9)), float(np.float32(0.999))


def adam_reference(theta, gradients, lr=0.01, beta_1=BETA_1, beta_2=BETA_2, epsilon=1e-7):
    """Adam's update (the efficient form of Kingma & Ba, sec. 2) in float64."""
    theta, m, v = np.array(theta, np.float64), 0.0, 0.0
    for t, g in enumerate(gradients, start=1):
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        theta = theta - alpha * m / (np.sqrt(v) + epsilon)
    return theta, m, v


def test_the_update_is_adams_formula():
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 4)).astype("float32")
    gradients = [rng.normal(size=(3, 4)).astype("float32") for _ in range(5)]
    variable = keras.Variable(start)
    optimizer = FusedAdam(0.01)
    for g in gradients:
        optimizer.apply([tf.constant(g)], [variable])
    theta, m, v = adam_reference(start, gradients)
    np.testing.assert_allclose(variable.numpy(), theta, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(optimizer._momentums[0].numpy(), m, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(optimizer._velocities[0].numpy(), v, rtol=1e-5, atol=1e-10)
    assert int(optimizer.iterations.numpy()) == 5


@pytest.mark.parametrize("options", [{}, {"weight_decay": 0.01}])
def test_a_keras_model_trains_as_with_keras_adam_up_to_rounding(options):
    fused = weights_after_fit(FusedAdam(0.01, **options))
    plain = weights_after_fit(keras.optimizers.Adam(0.01, **options))
    for a, b in zip(fused, plain):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_amsgrad_takes_keras_adams_update_bit_for_bit():
    fused = weights_after_fit(FusedAdam(0.01, amsgrad=True))
    plain = weights_after_fit(keras.optimizers.Adam(0.01, amsgrad=True))
    assert all(np.array_equal(a, b) for a, b in zip(fused, plain))


def test_the_recipe_builds_it_except_for_xla_and_it_round_trips_through_serialization():
    optimizer = Recipe(optimizer="adam").build_optimizer(100)
    assert type(optimizer) is FusedAdam
    assert type(Recipe(optimizer="adam").build_optimizer(100, fused=False)) is keras.optimizers.Adam
    copy = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(copy) is FusedAdam and copy.get_config() == optimizer.get_config()


def test_the_run_ids_of_adam_runs_and_only_theirs_carry_the_adam_version(monkeypatch):
    def config(**changes):
        return RunConfig(**{"experiment": "e", "task": "a->b", "method": "source_only", **changes})

    adam = config(recipe={"optimizer": "adam"})
    adapted = config(method="shot", method_options={"adaptation_recipe": {"optimizer": "adam"}})
    unchanged = [config(), config(recipe={"optimizer": "adam"}, xla=True),
                 config(method_options={"adaptation_recipe": {"optimizer": "sgd"}})]
    assert adam.trains_with_adam() and adapted.trains_with_adam()
    assert not any(c.trains_with_adam() for c in unchanged)
    before = [c.run_id() for c in (adam, adapted, *unchanged)]
    monkeypatch.setattr(config_module, "ADAM_RESULTS_VERSION", config_module.ADAM_RESULTS_VERSION + 1)
    after = [c.run_id() for c in (adam, adapted, *unchanged)]
    assert [b != a for b, a in zip(before, after)] == [True, True, False, False, False]
