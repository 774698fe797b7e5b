"""StepScalars: an optimizer's per-step scalars made once per step, the numbers unchanged."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer.fused_adam import FusedAdam
from tftransfer.fused_sgd import FusedSGD
from tftransfer.schedules import AnnealedLearningRate


def count_ops(optimizer, op_type, n_variables=6):
    variables = [tf.Variable(tf.ones((3, 2)) * (i + 1)) for i in range(n_variables)]
    grads = [tf.ones((3, 2)) * 0.1 for _ in variables]
    optimizer.build(variables)
    graph = tf.function(lambda: optimizer.apply(grads, variables)).get_concrete_function().graph
    return sum(op.type == op_type for op in graph.get_operations())


def annealed():
    return AnnealedLearningRate(0.03, total_steps=100)


def test_the_schedule_is_evaluated_once_a_step_not_once_per_variable():
    # The schedule η0 / (1 + α p)^β has one Pow; Keras's SGD evaluates it again for every
    # variable's weight decay.
    assert count_ops(FusedSGD(annealed(), momentum=0.9, weight_decay=1e-3), "Pow") == 1
    assert count_ops(keras.optimizers.SGD(annealed(), momentum=0.9, weight_decay=1e-3), "Pow") == 7


def test_adams_beta_powers_are_made_once_a_step():
    assert count_ops(FusedAdam(1e-3), "Pow") == 2
    assert count_ops(FusedAdam(annealed(), weight_decay=1e-3), "Pow") == 3
    assert count_ops(keras.optimizers.Adam(1e-3), "Pow") == 12


def test_the_learning_rate_reads_and_sets_as_keras_outside_a_step():
    optimizer = FusedSGD(0.05, momentum=0.9)
    optimizer.learning_rate = 0.01  # as ReduceLROnPlateau does
    assert isinstance(optimizer.learning_rate, keras.Variable)
    assert float(optimizer.learning_rate) == pytest.approx(0.01)
    variable = tf.Variable(tf.ones((2,)))
    optimizer.apply([tf.ones((2,))], [variable])
    assert isinstance(optimizer.learning_rate, keras.Variable)
    np.testing.assert_allclose(variable.numpy(), [0.99, 0.99], rtol=1e-6)


def fit(optimizer):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 5)).astype("float32"), rng.integers(0, 3, 64)
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(3)])
    model.compile(optimizer=optimizer, steps_per_execution=4,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    return [w.numpy() for w in model.weights]


@pytest.mark.parametrize("accumulate", [None, 2])
def test_a_scheduled_decayed_sgd_trains_keras_sgds_weights_bit_for_bit(accumulate):
    # Gradient accumulation runs the update inside a cond: the step's tensor, made before
    # it, must serve there too.
    options = {"momentum": 0.9, "nesterov": True, "weight_decay": 1e-2,
               "gradient_accumulation_steps": accumulate}
    fused = fit(FusedSGD(annealed(), **options))
    plain = fit(keras.optimizers.SGD(annealed(), **options))
    assert all(np.array_equal(a, b) for a, b in zip(fused, plain))
