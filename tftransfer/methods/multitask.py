"""Multi-task parameter sharing: one trunk, one classification head per task, trained jointly."""

from __future__ import annotations

from typing import Dict, Mapping

import keras
import tensorflow as tf

from tftransfer.methods.base import DomainAdaptationModel


@keras.saving.register_keras_serializable(package="tftransfer")
class MultiHead(keras.layers.Layer):
    """One Dense head per task on shared features; outputs the heads' logits concatenated."""

    def __init__(self, task_classes: Mapping[str, int], **kwargs):
        super().__init__(**kwargs)
        if not task_classes:
            raise ValueError("task_classes must name at least one task, got an empty mapping")
        for task, classes in task_classes.items():
            if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
                raise ValueError(f"task {task!r} needs an int >= 2 classes, got {classes!r}")
        self.task_classes = dict(task_classes)
        self.heads = [keras.layers.Dense(c, name=f"head_{t}") for t, c in self.task_classes.items()]

    def build(self, input_shape):
        for head in self.heads:
            head.build(input_shape)

    def call(self, features):
        return tf.concat([head(features) for head in self.heads], axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (sum(self.task_classes.values()),)

    def get_config(self):
        return {**super().get_config(), "task_classes": self.task_classes}


@keras.saving.register_keras_serializable(package="tftransfer")
class MultiTaskModel(DomainAdaptationModel):
    """Hard parameter sharing (Caruana, "Multitask Learning", Machine Learning 1997).

    A shared feature extractor F and one head h_k per task k minimise

        L = Σ_k  mean over the examples labelled for task k of CE(h_k(F(x)), y_k)

    Labels are a matrix `y` of shape (n, number of tasks), column k for task k in the order of
    `task_classes`, with −1 where an example has no label for that task, so datasets of
    different tasks can be mixed in one batch. Runs on the engine: `fit(x, y)`, freeze depth,
    layer-wise learning rates, distribution. `accuracy` is over all labelled (example, task)
    pairs; `split_logits` turns the model's output into one logits array per task.

    Args:
        feature_extractor: The shared trunk (a backbone).
        task_classes: Ordered mapping task name -> number of classes.
        **kwargs: see `DomainAdaptationModel` (not `num_classes` / `classifier`).
    """

    def __init__(self, feature_extractor, task_classes: Mapping[str, int], **kwargs):
        kwargs.pop("num_classes", None)
        kwargs.pop("classifier", None)
        heads = MultiHead(task_classes, name="heads")
        super().__init__(feature_extractor, num_classes=sum(heads.task_classes.values()),
                         classifier=heads, **kwargs)
        self.task_classes = heads.task_classes

    def _slices(self):
        start = 0
        for task, classes in self.task_classes.items():
            yield task, start, start + classes
            start += classes

    def split_logits(self, logits) -> Dict[str, object]:
        """{task: logits of that task} from the concatenated output."""
        return {task: logits[..., a:b] for task, a, b in self._slices()}

    def _cross_entropy(self, y, logits):
        y = tf.reshape(tf.cast(y, tf.int32), [-1, len(self.task_classes)])
        total = 0.0
        for k, (_, a, b) in enumerate(self._slices()):
            labelled = y[:, k] >= 0
            ce = keras.losses.sparse_categorical_crossentropy(
                tf.maximum(y[:, k], 0), logits[:, a:b], from_logits=True)
            total += tf.where(labelled, ce, 0.0)
        return total

    def update_accuracy(self, y, logits, sample_weight=None):
        y = tf.reshape(tf.cast(y, tf.int32), [-1, len(self.task_classes)])
        for k, (_, a, b) in enumerate(self._slices()):
            weight = tf.cast(y[:, k] >= 0, tf.float32)
            if sample_weight is not None:
                weight = weight * tf.cast(sample_weight, tf.float32)
            self.accuracy_tracker.update_state(tf.maximum(y[:, k], 0), logits[:, a:b],
                                               sample_weight=weight)

    def get_config(self):
        config = super().get_config()
        for key in ("num_classes", "classifier", "losses"):
            config.pop(key)
        config["task_classes"] = self.task_classes
        return config
