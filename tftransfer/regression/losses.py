"""Per-example regression losses of the engine's regression mode (pure functions)."""

from __future__ import annotations

import tensorflow as tf

#: The task losses of `DomainAdaptationModel(task="regression", regression_loss=...)`.
REGRESSION_LOSSES = ("mse", "huber")


def squared_error(y_true, y_pred):
    """Per-example squared error, averaged over the outputs: (1/k) Σ_j (y_j − ŷ_j)², shape (n,).

    Args:
        y_true: (n, k) targets.
        y_pred: (n, k) predictions.
    """
    return tf.reduce_mean(tf.square(tf.cast(y_true, tf.float32) - tf.cast(y_pred, tf.float32)),
                          axis=-1)


def huber_error(y_true, y_pred, delta: float = 1.0):
    """Per-example Huber loss (Huber, "Robust Estimation of a Location Parameter", 1964),
    averaged over the outputs, shape (n,):

        ℓ_δ(r) = r²/2 if |r| ≤ δ, else δ (|r| − δ/2),   r = y − ŷ.

    Quadratic near 0 and linear in the tails, so a few outlying targets do not dominate
    the gradient. (ℓ_δ is half the squared error near 0, as in `keras.losses.Huber`.)

    Args:
        y_true: (n, k) targets.
        y_pred: (n, k) predictions.
        delta: δ > 0, where the loss turns linear.
    """
    residual = tf.abs(tf.cast(y_true, tf.float32) - tf.cast(y_pred, tf.float32))
    quadratic = tf.minimum(residual, delta)
    return tf.reduce_mean(0.5 * tf.square(quadratic) + delta * (residual - quadratic), axis=-1)


def regression_loss(name: str, delta: float = 1.0):
    """The per-example loss function `name` ("mse" or "huber" with `delta`)."""
    if name == "mse":
        return squared_error
    if name == "huber":
        return lambda y_true, y_pred: huber_error(y_true, y_pred, delta)
    raise ValueError(f"`regression_loss` must be one of {', '.join(map(repr, REGRESSION_LOSSES))}. "
                     f"Received: regression_loss={name!r}")
