"""Minimum class confusion (Jin et al., "Minimum Class Confusion for Versatile Domain
Adaptation", ECCV 2020)."""

from __future__ import annotations

import tensorflow as tf

from tftransfer._checks import check_positive


def class_confusion(logits, temperature: float = 2.5):
    """The MCC loss: how much the target predictions confuse each pair of classes.

    With temperature-rescaled probabilities Ŷ = softmax(Z / T) on a batch of B examples, and
    entropy-based example weights W = diag(B · (1 + e^{−H(Ŷ_i)}) / Σ_j (1 + e^{−H(Ŷ_j)}))
    that favour confident examples (eq. 4–5 of the paper), the class correlation matrix is
    C = Ŷᵀ W Ŷ (K × K, eq. 6). Each column is normalised to sum to one (category
    normalisation, eq. 7) and the loss is the mean off-diagonal mass (eq. 8):

        L_MCC = (1/K) Σ_j Σ_{j' ≠ j} C̃_{jj'}.

    Args:
        logits: Target logits, shape (B, K).
        temperature: T > 0 of the probability rescaling (the paper uses 2.5).

    Returns:
        A scalar float32 tensor in [0, 1].

    Raises:
        ValueError: a temperature that is not a finite number > 0.
    """
    temperature = check_positive(temperature, "temperature", owner="class_confusion")
    logits = tf.cast(logits, tf.float32)
    probabilities = tf.nn.softmax(logits / temperature, axis=-1)
    entropy = -tf.reduce_sum(probabilities * tf.math.log(probabilities + 1e-8), axis=-1)
    # Weights are a function of the predictions, not a path for gradients (as in the paper's code).
    weights = tf.stop_gradient(1.0 + tf.exp(-entropy))
    batch = tf.cast(tf.shape(logits)[0], tf.float32)
    weights = batch * weights / tf.reduce_sum(weights)
    confusion = tf.matmul(probabilities * weights[:, None], probabilities, transpose_a=True)
    confusion = confusion / tf.reduce_sum(confusion, axis=0, keepdims=True)
    classes = tf.cast(tf.shape(logits)[1], tf.float32)
    return (tf.reduce_sum(confusion) - tf.linalg.trace(confusion)) / classes
