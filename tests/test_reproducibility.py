"""`set_seed`: what it seeds, and what it leaves alone with `tensorflow=False`."""

import random

import numpy as np
import pytest
import tensorflow as tf

from tftransfer.reproducibility import set_seed


def draws():
    return random.random(), float(np.random.rand())


def test_the_same_seed_gives_the_same_python_and_numpy_draws():
    set_seed(3)
    first = draws()
    set_seed(3, tensorflow=False)
    assert draws() == first
    set_seed(4, tensorflow=False)
    assert draws() != first


def stateful_draw():
    # A stateful TF random op: its kernel (kept in TF's kernel cache) moves on at each call.
    return float(tf.random.uniform([], seed=1))


def test_tensorflow_true_restarts_tensorflow_random_ops():
    set_seed(7)
    first = stateful_draw()
    set_seed(7)
    assert stateful_draw() == first


def test_tensorflow_false_leaves_tensorflow_and_its_kernel_cache_alone():
    set_seed(7)
    first = stateful_draw()
    set_seed(7, tensorflow=False)
    assert stateful_draw() != first  # the same kernel, drawing on


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_bad_seeds_are_refused(seed):
    with pytest.raises(ValueError, match="seed must be an int >= 0"):
        set_seed(seed)
