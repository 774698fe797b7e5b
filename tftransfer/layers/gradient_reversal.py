"""Gradient reversal layer (Ganin & Lempitsky, 2015)."""

from __future__ import annotations

import keras
import tensorflow as tf

from tftransfer._checks import check_non_negative


@keras.saving.register_keras_serializable(package="tftransfer")
class GradientReversal(keras.layers.Layer):
    """Identity in the forward pass; multiplies the gradient by −λ in the backward pass.

    The gradient reversal layer of Ganin & Lempitsky, "Unsupervised Domain Adaptation
    by Backpropagation" (ICML 2015): the pseudo-function R(x) = x with dR/dx = −λI.
    Placed between a feature extractor and a domain classifier, it makes the
    extractor maximise the domain loss that the classifier minimises.

    λ is held in a non-trainable scalar weight, `layer.lambda_`, so a schedule can
    change it during training with `layer.lambda_.assign(value)`; a compiled train
    step sees the new value without retracing.

    Args:
        lambda_: Initial scale λ of the reversed gradient, a finite real >= 0.
        **kwargs: Standard `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: Any tensor; returned unchanged.
        coefficient: An optional per-call factor (a scalar tensor, e.g. a schedule's value
            for this training step): the gradient becomes −λ · coefficient × the plain one.

    Raises:
        TypeError: If `lambda_` is not a real number (bools are rejected).
        ValueError: If `lambda_` is negative, infinite or NaN.

    Example:
        >>> grl = GradientReversal(lambda_=0.1)
        >>> domain_logits = domain_head(grl(features))
        >>> grl.lambda_.assign(0.5)  # e.g. from a callback
    """

    def __init__(self, lambda_: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        value = check_non_negative(lambda_, "lambda_", owner="GradientReversal")
        self.supports_masking = True
        # Created here rather than in build() so a callback can assign λ before the
        # layer has seen any data.
        self.lambda_ = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(value),
            trainable=False,
            name="lambda",
        )

    def build(self, input_shape=None):
        # The only weight already exists; nothing depends on the input shape.
        pass

    def call(self, inputs, coefficient=None):
        @tf.custom_gradient
        def _reverse(x):
            def grad(upstream):
                # λ is read when the gradient is computed, not captured as a constant
                # at trace time, so one traced graph serves every value of λ.
                lam = keras.ops.cast(self.lambda_.value, upstream.dtype)
                if coefficient is not None:
                    lam = lam * tf.stop_gradient(tf.cast(coefficient, upstream.dtype))
                return keras.ops.negative(lam * upstream)

            # A copy, not keras.ops.identity (which builds an identity matrix).
            return tf.identity(x), grad

        return _reverse(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["lambda_"] = float(keras.ops.convert_to_numpy(self.lambda_))
        return config
