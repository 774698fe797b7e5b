"""The margin disparity discrepancy of MDD."""

from __future__ import annotations

from typing import Sequence

import keras
import tensorflow as tf

from tftransfer._checks import check_dropout, check_positive, check_units
from tftransfer.adaptation.base import AdaptationLoss
from tftransfer.layers import GradientReversal, PhiloxDropout


@keras.saving.register_keras_serializable(package="tftransfer")
class MarginDisparityLoss(AdaptationLoss):
    """Margin Disparity Discrepancy (Zhang, Liu, Long & Jordan, "Bridging Theory and
    Algorithm for Domain Adaptation", ICML 2019).

    An auxiliary classifier f' on gradient-reversed features estimates the disparity between
    domains of the main classifier f's predictions (eq. 29 of the paper):

        D_γ = γ · E_s[ −log σ(f'(ψ(x)))_{h_f(x)} ] + E_t[ −log(1 − σ(f'(ψ(x)))_{h_f(x)}) ]

    where h_f(x) = argmax f(ψ(x)) (no gradient) and σ the softmax. f' minimises D_γ — agrees
    with f on the source, disagrees on the target — while the features ψ receive the reversed
    gradient, scaled by `gradient_scale` (0.1, the `hi` of the warm-start reversal layer in the
    authors' code and Transfer-Learning-Library) times the engine's ramp. With a scale of 1
    the features' push wrecked the source classifier (source validation at chance on the
    digits tasks).

    Deviation: the reference heads (main and adversarial) have a hidden layer of 1024 units;
    our main head is linear by default, so the adversary is linear too (`hidden_units=()`):
    the theory asks for f' in the hypothesis class of f.

    Args:
        margin: γ > 0 (4 in the reference code).
        hidden_units: Hidden widths of the adversarial classifier.
        dropout: Dropout after each hidden layer of the adversary.
        gradient_scale: Coefficient of the reversed gradient reaching the features (> 0).
    """

    reverses_gradient = True
    uses_predictions = True

    def __init__(self, margin: float = 4.0, hidden_units: Sequence[int] = (),
                 dropout: float = 0.5, gradient_scale: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.margin = check_positive(margin, "margin", owner=owner)
        self.hidden_units = check_units(hidden_units, "hidden_units", owner=owner)
        self.dropout = check_dropout(dropout, owner=owner)
        self.gradient_scale = check_positive(gradient_scale, "gradient_scale", owner=owner)
        self.gradient_reversal = GradientReversal(self.gradient_scale, name="gradient_reversal")
        self.adversary = None

    def build(self, features_s_shape, features_t_shape=None, logits_s_shape=None,
              logits_t_shape=None):
        if self.adversary is None:
            layers = []
            for i, units in enumerate(self.hidden_units):
                layers += [keras.layers.Dense(units, activation="relu", name=f"adversary_dense_{i}")]
                if self.dropout:
                    layers.append(PhiloxDropout(self.dropout, name=f"adversary_dropout_{i}"))
            layers.append(keras.layers.Dense(int(logits_s_shape[-1]), name="adversary_logits"))
            self.adversary = keras.Sequential(layers, name="adversary")
            self.adversary.build(tuple(features_s_shape))
        self.built = True

    def call(self, features_s, features_t, logits_s, logits_t, ramp=1.0, training=None):
        reversed_s = self.gradient_reversal(features_s, coefficient=ramp)
        reversed_t = self.gradient_reversal(features_t, coefficient=ramp)
        adv_s = self.adversary(reversed_s, training=training)
        adv_t = self.adversary(reversed_t, training=training)
        pred_s = tf.stop_gradient(tf.argmax(logits_s, axis=1))
        pred_t = tf.stop_gradient(tf.argmax(logits_t, axis=1))
        source = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=pred_s,
                                                                               logits=adv_s))
        p_t = tf.gather(tf.nn.softmax(adv_t), pred_t, batch_dims=1)
        target = tf.reduce_mean(-tf.math.log(tf.maximum(1.0 - p_t, 1e-6)))
        return self.margin * source + target

    def get_config(self):
        return {**super().get_config(), "margin": self.margin,
                "hidden_units": list(self.hidden_units), "dropout": self.dropout,
                "gradient_scale": self.gradient_scale}
