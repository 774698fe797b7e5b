"""StepScalars: an optimizer's per-step scalars made once per step, the numbers unchanged."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import weights_after_fit
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


@pytest.mark.parametrize("accumulate", [None, 2])
def test_a_scheduled_decayed_sgd_trains_keras_sgds_weights_bit_for_bit(accumulate):
    # Gradient accumulation runs the update inside a cond: the step's tensor, made before
    # it, must serve there too.
    options = {"momentum": 0.9, "nesterov": True, "weight_decay": 1e-2,
               "gradient_accumulation_steps": accumulate}
    fused = weights_after_fit(FusedSGD(annealed(), **options), epochs=3)
    plain = weights_after_fit(keras.optimizers.SGD(annealed(), **options), epochs=3)
    assert all(np.array_equal(a, b) for a, b in zip(fused, plain))
