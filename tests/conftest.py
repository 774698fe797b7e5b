"""Test-wide setup: two logical CPU devices (for the replica tests) and seeded state."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

# Must run before TensorFlow initialises its devices: the distribution tests compare
# MirroredStrategy over these two logical CPUs with the default single device.
_cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(
    _cpus[0], [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

import keras  # noqa: E402
import gc  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

# OpenBLAS threads spin while TensorFlow holds the other core: small scikit-learn fits ran
# ~10x slower on this 2-core machine. One BLAS thread for the whole suite.
threadpool_limits(1)

# Everything imported so far lives for the whole session: freezing it keeps the full
# collection inside keras.backend.clear_session() at well under a millisecond per test.
gc.freeze()


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts from a cleared Keras session and a fixed seed."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(1234)
    yield


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def two_cpu_strategy():
    """MirroredStrategy over the two logical CPUs configured above (one per process)."""
    from tftransfer.distribute import resolve_strategy

    strategy = resolve_strategy("mirrored")
    assert strategy.num_replicas_in_sync == 2
    return strategy
