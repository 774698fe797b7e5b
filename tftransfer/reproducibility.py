"""One call to make a run repeatable."""

import random

import keras
import numpy as np
import tensorflow as tf


def set_seed(seed: int, deterministic: bool = True, tensorflow: bool = True) -> None:
    """Seeds Python, NumPy, TensorFlow and Keras, and turns on TF op determinism.

    `keras.utils.set_random_seed` alone leaves runs differing by ~1e-2; with op determinism
    weights are bit-identical across processes. Keras then disables XLA (`jit_compile`),
    since not every XLA op is deterministic; `RunConfig.xla` keeps it where that was measured
    to hold (CPU).

    Args:
        seed: An int >= 0.
        deterministic: Turn on TF op determinism (it stays on for the process).
        tensorflow: Also set TensorFlow's global seed and reset Keras's global seed
            generator (`keras.utils.set_random_seed`). False seeds Python and NumPy only,
            for a process that keeps traced functions between runs (the runner's
            `CompiledModels`): setting TF's global seed empties TF's kernel cache, so each
            kept function is instantiated again on its next call, 0.6–0.9 s a run of a
            small grid (measured). The engine's numbers do not depend on TF's global seed:
            its data pipelines shuffle statelessly, Keras's TF random ops are stateless,
            and the default seeds of Keras layers and initializers come from Python's
            `random` (tests/runner/test_reuse.py compares such runs bit for bit with fresh
            ones). Code that draws from stateful TF random ops without a seed, or from
            Keras's global seed generator, should keep the default True.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    if tensorflow:
        keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
