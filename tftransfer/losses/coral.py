"""CORAL: correlation alignment loss (Sun & Saenko, 2016)."""

from __future__ import annotations

import keras
from keras import ops

from tftransfer.losses._tensors import as_feature_pair


def _covariance(x):
    """Unbiased (divide by n − 1) feature covariance of the rows of `x`, shape (d, d)."""
    n = ops.cast(ops.shape(x)[0], "float32")
    centred = x - ops.mean(x, axis=0, keepdims=True)
    return ops.matmul(ops.transpose(centred), centred) / (n - 1.0)


def coral_loss(source, target):
    """Deep CORAL loss between the feature covariances of two batches.

    Sun & Saenko, "Deep CORAL: Correlation Alignment for Deep Domain Adaptation",
    ECCV 2016 workshops, eq. (1):

        ℓ_CORAL = ||C_S − C_T||_F² / (4 d²)

    where C_S, C_T are the (d, d) feature covariances of the source and target
    batches, computed with the unbiased 1/(n − 1) normalisation (eq. 2-3). Only
    second-order statistics enter, so a pure mean shift costs nothing.

    Args:
        source: Source features, shape (n_s, d) or (n_s, ...) (flattened), n_s >= 2.
        target: Target features, shape (n_t, d) or (n_t, ...), n_t >= 2.

    Returns:
        A float32 scalar tensor.

    Raises:
        ValueError: If the feature sizes differ or a batch has fewer than two rows.

    Note:
        This is a whole-batch statistic: under a `tf.distribute` strategy scale it
        by 1 / num_replicas_in_sync yourself.
    """
    source, target = as_feature_pair(source, target, "coral_loss", ("source", "target"),
                                     min_rows=2, why=" for a covariance")
    d = ops.cast(ops.shape(source)[1], "float32")
    diff = _covariance(source) - _covariance(target)
    return ops.sum(ops.square(diff)) / (4.0 * d * d)


@keras.saving.register_keras_serializable(package="tftransfer")
class CORAL(keras.losses.Loss):
    """Deep CORAL loss between a source and a target batch, as a Keras loss.

    `loss(source, target)` returns `coral_loss(source, target)` (Sun & Saenko, 2016,
    eq. 1: ||C_S − C_T||_F² / (4 d²)). The two arguments take the places of `y_true`
    and `y_pred`. The value is a scalar over the whole batch, so `sample_weight` does
    not apply.

    Args:
        name: Name of the loss.
        **kwargs: Other `keras.losses.Loss` arguments (`reduction`, `dtype`).
    """

    def __init__(self, name: str = "coral", **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, source, target):
        return coral_loss(source, target)
