"""The conditional domain-adversarial loss of CDAN."""

from __future__ import annotations

from typing import Sequence

import keras
import tensorflow as tf

from tftransfer._checks import check_bool, check_int
from tftransfer.adaptation.base import AdaptationLoss
from tftransfer.adaptation.domain_adversarial import (domain_labels, entropy_weights,
                                                      init_discriminator)


@keras.saving.register_keras_serializable(package="tftransfer")
class ConditionalAdversarialLoss(AdaptationLoss):
    """The conditional domain-adversarial loss (Long et al., "Conditional Adversarial Domain
    Adaptation", NeurIPS 2018).

    The discriminator sees T(h) = f ⊗ g, the outer product of the features f and the
    classifier's softmax predictions g (flattened, d·C values), so it aligns the joint
    distribution of features and classes rather than the features alone (eqs. 4–7):

        min_{F,C} max_D  L_y − λ · E[ w(h) · BCE(D(T(h)), 1[x ∈ S]) ]

    T(h) is replaced by the randomized multilinear map (R_f f) ⊙ (R_g g) / √m when d·C exceeds
    `max_map_dim` (R_f, R_g fixed Gaussian matrices, m = `max_map_dim`). With
    `entropy_conditioning` (CDAN+E) each example is weighted by w = 1 + e^{−H(g)}, normalised
    to mean 1, so confident predictions count more. g enters without gradient, and the
    features get the discriminator's gradient reversed and scaled by the engine's ramp, as in
    the authors' code and Transfer-Learning-Library.

    Args:
        entropy_conditioning: CDAN+E.
        hidden_units, batch_norm, dropout: The discriminator (`domain_discriminator`); the
            reference uses 1024, 1024 with BatchNorm.
        max_map_dim: Above this size of f ⊗ g, use the randomized multilinear map.
        gradient_scale: Multiplier of the reversed gradient on top of the ramp.
    """

    reverses_gradient = True
    uses_predictions = True

    def __init__(self, entropy_conditioning: bool = False,
                 hidden_units: Sequence[int] = (1024, 1024), batch_norm: bool = True,
                 dropout: float = 0.0, max_map_dim: int = 4096, gradient_scale: float = 1.0,
                 **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.entropy_conditioning = check_bool(entropy_conditioning, "entropy_conditioning",
                                               owner=owner)
        self.max_map_dim = check_int(max_map_dim, "max_map_dim", minimum=1, owner=owner)
        init_discriminator(self, hidden_units, batch_norm, dropout, gradient_scale)
        self.random_features = self.random_predictions = None
        self.num_classes = None

    def build(self, features_s_shape, features_t_shape=None, logits_s_shape=None,
              logits_t_shape=None):
        dim_f, self.num_classes = int(features_s_shape[-1]), int(logits_s_shape[-1])
        dim = dim_f * self.num_classes
        if dim > self.max_map_dim:
            # Fixed random projections, saved with the model so reloads map identically.
            self.random_features = self.add_weight(
                shape=(dim_f, self.max_map_dim), trainable=False, name="random_features",
                initializer=keras.initializers.RandomNormal(seed=0))
            self.random_predictions = self.add_weight(
                shape=(self.num_classes, self.max_map_dim), trainable=False,
                name="random_predictions", initializer=keras.initializers.RandomNormal(seed=1))
            dim = self.max_map_dim
        if not self.discriminator.built:
            self.discriminator.build((None, dim))
        self.built = True

    def multilinear_map(self, features, predictions):
        """T(f, g): the flattened outer product, or its randomized version."""
        if self.random_features is not None:
            return (tf.matmul(features, self.random_features)
                    * tf.matmul(predictions, self.random_predictions)) / (self.max_map_dim ** 0.5)
        outer = tf.expand_dims(predictions, 2) * tf.expand_dims(features, 1)
        return tf.reshape(outer, [-1, self.num_classes * features.shape[-1]])

    def call(self, features_s, features_t, logits_s, logits_t, ramp=1.0, training=None):
        features = tf.concat([features_s, features_t], 0)
        predictions = tf.stop_gradient(tf.nn.softmax(tf.concat([logits_s, logits_t], 0)))
        mapped = self.multilinear_map(self.gradient_reversal(features, coefficient=ramp), predictions)
        domain_logits = tf.squeeze(self.discriminator(mapped, training=training), -1)
        labels = domain_labels(tf.shape(features_s)[0], tf.shape(features_t)[0])
        per_example = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=domain_logits)
        if not self.entropy_conditioning:
            return tf.reduce_mean(per_example)
        return tf.reduce_mean(entropy_weights(predictions) * per_example)

    def get_config(self):
        return {**super().get_config(), "entropy_conditioning": self.entropy_conditioning,
                "hidden_units": list(self.hidden_units), "batch_norm": self.batch_norm,
                "dropout": self.dropout, "max_map_dim": self.max_map_dim,
                "gradient_scale": self.gradient_scale}
