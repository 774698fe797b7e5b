"""`adapt(model, data, method)`: a deployed model adapted on a stream of unlabelled batches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

import keras
import numpy as np
import tensorflow as tf

from tftransfer._checks import check_int
from tftransfer.registry import Registry
from tftransfer.test_time.adabn import AdaBN
from tftransfer.test_time.adapter import TestTimeAdapter
from tftransfer.test_time.tent import Tent

ADAPTERS: Registry = Registry("test-time adaptation method")
ADAPTERS.register("tent", Tent)
ADAPTERS.register("adabn", AdaBN)


def make_adapter(model, method: str = "tent", episodic: bool = False, **options) -> TestTimeAdapter:
    """The adapter of `method` ("tent", "adabn") on `model` (a built keras.Model or a saved one)."""
    return ADAPTERS.get(method)(model, episodic=episodic, **options)


@dataclass
class TestTimeResult:
    """What `adapt` returns: the adapted model and the outputs that scored each example."""

    __test__ = False

    model: keras.Model
    outputs: np.ndarray

    @property
    def predictions(self) -> np.ndarray:
        """Predicted classes, argmax of the outputs."""
        return np.argmax(self.outputs, axis=-1)


def _inputs(element):
    """The inputs of a stream element: `x`, or the first item of `(x, y[, w])`."""
    if isinstance(element, dict):
        raise TypeError("`data` yields dicts; adapt takes batches x or tuples (x, y[, w])")
    return element[0] if isinstance(element, (tuple, list)) else element


def iterate_batches(data, batch_size: Optional[int] = None) -> Iterator:
    """Batches of inputs from an array (with `batch_size`), a `tf.data.Dataset` or any iterable
    of batches (`x` or `(x, y[, w])`: labels are ignored)."""
    if isinstance(data, np.ndarray):
        if batch_size is None:
            raise ValueError("`batch_size` must be given when `data` is an array. Received: "
                             "batch_size=None")
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        if data.ndim < 2 or data.shape[0] == 0:
            raise ValueError(f"`data` must be a non-empty array of inputs (n, ...). Received: "
                             f"data of shape {data.shape}")
        for start in range(0, data.shape[0], batch_size):
            yield data[start:start + batch_size].astype(np.float32, copy=False)
        return
    if batch_size is not None:
        raise ValueError("`batch_size` applies to array data only; a dataset or iterable is "
                         f"already batched. Received: batch_size={batch_size}")
    if not hasattr(data, "__iter__"):
        raise TypeError(f"`data` must be an array, a tf.data.Dataset or an iterable of batches. "
                        f"Received: data of type {type(data).__name__}")
    for element in data:
        yield _inputs(element)


def adapt(model, data, method: str = "tent", *, episodic: bool = False,
          batch_size: Optional[int] = None, **options) -> TestTimeResult:
    """Adapts a deployed model on a stream of unlabelled batches, in place, scoring each batch
    as it adapts (fully test-time adaptation: no source data, no labels).

    For each batch in order: adapt on it, then record the outputs that score it (TENT: the
    training-mode forward of its last step, as the reference; AdaBN: the inference-mode
    forward with the statistics of the stream so far). With `episodic=True` the model is
    restored to its state before every batch (each batch adapted on as if it came first) and,
    at the end, left as it was; otherwise it keeps what it learnt from the whole stream.

    Args:
        model: A built `keras.Model` with BatchNorm layers, or the path of a saved model.
        data: An array of inputs (with `batch_size`), a `tf.data.Dataset` or an iterable of
            batches; elements `x` or `(x, y[, w])` (labels are ignored).
        method: "tent" or "adabn" (`ADAPTERS`).
        episodic: Reset before every batch.
        batch_size: Batch size when `data` is an array.
        **options: The method's options (`Tent`: steps, optimizer, from_logits).

    Returns:
        `TestTimeResult(model, outputs)`: the adapted model and the outputs for every example
        in stream order (`.predictions` for the classes).

    Raises:
        ValueError: an unknown method (the valid ones are listed), a model without BatchNorm
            layers, or bad data.

    Example:
        >>> result = tftransfer.test_time.adapt(model, x_test, "tent", batch_size=128)
        >>> accuracy = (result.predictions == y_test).mean()
    """
    adapter = make_adapter(model, method, episodic=episodic, **options)
    outputs = []
    with adapter.active():
        step = tf.function(adapter.step, reduce_retracing=True)
        for x in iterate_batches(data, batch_size):
            outputs.append(keras.ops.convert_to_numpy(step(tf.cast(x, tf.float32))))
    if not outputs:
        raise ValueError("`data` yielded no batch")
    if episodic:
        adapter.reset()
    return TestTimeResult(adapter.model, np.concatenate(outputs, axis=0))
