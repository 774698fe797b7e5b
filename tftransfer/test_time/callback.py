"""Test-time adaptation as a Keras callback, for `evaluate`/`predict` on arrays."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from tftransfer._checks import check_int
from tftransfer.test_time.adapt import make_adapter
from tftransfer.test_time.adabn import AdaBN
from tftransfer.test_time.batch_norm import statistics_variables


class TestTimeAdaptationCallback(keras.callbacks.Callback):
    """Adapts the model on each batch of `x` before Keras scores that batch in
    `model.evaluate(x, ...)` / `model.predict(x, ...)`.

    Keras 3 gives `on_test_batch_begin(batch)` / `on_predict_batch_begin(batch)` the index of
    the batch only, not its inputs. This callback is therefore handed the same array `x` and
    `batch_size` as the `evaluate`/`predict` call and slices batch i as Keras does (arrays are
    never shuffled there, and each batch is scored after its `begin` hook when
    `steps_per_execution` is 1, which it checks). It checks at the end that Keras scored as
    many batches as it adapted on. For datasets, or any input where that correspondence cannot
    be guaranteed, use `TestTimeAdaptation`, which adapts inside the scoring step itself.

    What is scored: the model's own inference-mode forward after the adaptation step. For
    AdaBN that is the adapter's prediction exactly. For TENT the batch's statistics are put in
    the BatchNorm moving statistics for the scoring (TENT normalises by them) and restored
    after it, so the scored forward is TENT's forward after its update of γ, β (the reference
    scores the forward before it; `adapt` and the wrapper do the same as the reference).

    Args:
        x: The array passed to `evaluate`/`predict`.
        batch_size: Their `batch_size`.
        method: "tent" or "adabn".
        episodic: Reset before every batch (and at the end of the loop).
        **options: The method's options.
    """

    __test__ = False

    def __init__(self, x, batch_size: int, method: str = "tent", episodic: bool = False,
                 **options):
        super().__init__()
        self.x = np.asarray(x, dtype=np.float32)
        if self.x.ndim < 2 or self.x.shape[0] == 0:
            raise ValueError(f"`x` must be a non-empty array of inputs (n, ...). Received: x of "
                             f"shape {self.x.shape}")
        self.batch_size = check_int(batch_size, "batch_size", minimum=1,
                                    owner=type(self).__name__)
        self.method, self.episodic, self.options = method, episodic, options
        self.adapter = None
        self._step = self._batch_statistics = None
        self._adapted = 0

    def _start(self):
        if self.model is None:
            raise ValueError("TestTimeAdaptationCallback must be passed to a model's evaluate or "
                             "predict")
        steps_per_execution = getattr(self.model, "steps_per_execution", 1) or 1
        if int(steps_per_execution) != 1:
            raise ValueError("TestTimeAdaptationCallback needs steps_per_execution=1 (Keras then "
                             "scores each batch right after its begin hook). Received: "
                             f"steps_per_execution={steps_per_execution}")
        if self.adapter is None:
            self.adapter = make_adapter(self.model, self.method, episodic=self.episodic,
                                        **self.options)
            if not isinstance(self.adapter, AdaBN):
                # Scoring with the batch's statistics: an episodic AdaBN on the same model.
                self._batch_statistics = AdaBN(self.model, episodic=True)
                self._saved_statistics = statistics_variables(self.adapter.layers)
        self._adapted = 0

    def _adapt(self, batch: int):
        start = batch * self.batch_size
        x = self.x[start:start + self.batch_size]
        if x.shape[0] == 0:
            raise ValueError(f"Keras asked for batch {batch}, beyond the {self.x.shape[0]} "
                             f"examples of the callback's `x` in batches of {self.batch_size}: "
                             "pass the same array and batch_size to the callback and to "
                             "evaluate/predict")
        x = tf.constant(x)
        with self.adapter.active():
            if self._step is None:
                self._step = tf.function(self.adapter.step, reduce_retracing=True)
            self._step(x)
        if self._batch_statistics is not None:
            self._restore = [tf.convert_to_tensor(v) for v in self._saved_statistics]
            with self._batch_statistics.active():
                if getattr(self, "_statistics_step", None) is None:
                    self._statistics_step = tf.function(self._batch_statistics.step,
                                                        reduce_retracing=True)
                self._statistics_step(x)
        self._adapted += 1

    def _after_scoring(self):
        if self._batch_statistics is not None:
            for variable, value in zip(self._saved_statistics, self._restore):
                variable.assign(value)

    def _end(self):
        expected = math.ceil(self.x.shape[0] / self.batch_size)
        if self.episodic:
            self.adapter.reset()
        if self._adapted != expected:
            raise ValueError(f"the callback adapted on {self._adapted} batches but its `x` has "
                             f"{expected} batches of {self.batch_size}: pass the same array and "
                             "batch_size to the callback and to evaluate/predict")

    def on_test_begin(self, logs=None):
        self._start()

    def on_predict_begin(self, logs=None):
        self._start()

    def on_test_batch_begin(self, batch, logs=None):
        self._adapt(batch)

    def on_predict_batch_begin(self, batch, logs=None):
        self._adapt(batch)

    def on_test_batch_end(self, batch, logs=None):
        self._after_scoring()

    def on_predict_batch_end(self, batch, logs=None):
        self._after_scoring()

    def on_test_end(self, logs=None):
        self._end()

    def on_predict_end(self, logs=None):
        self._end()
