"""CDAN: conditional adversarial adaptation on the multilinear map of features and predictions."""

from __future__ import annotations

from typing import Sequence

import keras
import tensorflow as tf

from tftransfer.layers import GradientReversal
from tftransfer.methods.base import DomainAdaptationModel


@keras.saving.register_keras_serializable(package="tftransfer")
class CDAN(DomainAdaptationModel):
    """Conditional Domain Adversarial Network (Long et al., "Conditional Adversarial Domain
    Adaptation", NeurIPS 2018).

    The discriminator sees T(h) = f ⊗ g, the outer product of the features f and the
    classifier's softmax predictions g (flattened, d·C values), so that it aligns the joint
    distribution of features and classes rather than the features alone (eq. 4–7):

        min_{F,C} max_D  L_y − λ · E[ w(h) · ℓ_BCE(D(T(h)), domain) ]

    with T(h) replaced by the randomized multilinear map (R_f f) ⊙ (R_g g) / √m when d·C
    exceeds `max_map_dim` (R_f, R_g fixed Gaussian matrices, m = `max_map_dim`). With
    `entropy_conditioning=True` (CDAN+E) each example is weighted by w = 1 + e^{−H(g)},
    normalised to mean 1, so confident predictions count more. g enters the map without
    gradient, as in the authors' code. Gradient reversal and λ work as in `DANN`.

    Args:
        feature_extractor, num_classes, **kwargs: see `DomainAdaptationModel`.
        entropy_conditioning: CDAN+E.
        discriminator_units: Hidden widths of the discriminator.
        max_map_dim: Above this size of f ⊗ g, use the randomized multilinear map.
    """

    def __init__(self, feature_extractor, num_classes, entropy_conditioning: bool = False,
                 discriminator_units: Sequence[int] = (64, 64), max_map_dim: int = 4096, **kwargs):
        super().__init__(feature_extractor, num_classes, **kwargs)
        if isinstance(max_map_dim, bool) or not isinstance(max_map_dim, int) or max_map_dim < 1:
            raise ValueError(f"max_map_dim must be an int >= 1, got {max_map_dim!r}")
        self.entropy_conditioning = bool(entropy_conditioning)
        self.discriminator_units = tuple(int(u) for u in discriminator_units)
        self.max_map_dim = max_map_dim
        self.discriminator = keras.Sequential(
            [keras.layers.Dense(u, activation="relu", name=f"disc_dense_{i}")
             for i, u in enumerate(self.discriminator_units)]
            + [keras.layers.Dense(1, name="domain_logit")], name="discriminator")
        self.gradient_reversal = GradientReversal(1.0, name="gradient_reversal")
        self.random_features = self.random_predictions = None

    def build_adaptation(self, feature_shape, logits_shape):
        dim = int(feature_shape[-1]) * self.num_classes
        if dim > self.max_map_dim:
            # Fixed random projections, saved with the model so reloads map identically.
            init = keras.initializers.RandomNormal(seed=0)
            self.random_features = self.add_weight(
                shape=(int(feature_shape[-1]), self.max_map_dim), initializer=init,
                trainable=False, name="random_features")
            self.random_predictions = self.add_weight(
                shape=(self.num_classes, self.max_map_dim), initializer=keras.initializers.RandomNormal(seed=1),
                trainable=False, name="random_predictions")
            dim = self.max_map_dim
        if not self.discriminator.built:
            self.discriminator.build((None, dim))

    def multilinear_map(self, features, predictions):
        """T(f, g): the flattened outer product, or its randomized version."""
        if self.random_features is not None:
            return (tf.matmul(features, self.random_features)
                    * tf.matmul(predictions, self.random_predictions)) / (self.max_map_dim ** 0.5)
        outer = tf.expand_dims(predictions, 2) * tf.expand_dims(features, 1)
        return tf.reshape(outer, [-1, self.num_classes * features.shape[-1]])

    def adaptation_loss(self, features_s, features_t, logits_s, logits_t):
        features = tf.concat([features_s, features_t], 0)
        predictions = tf.stop_gradient(tf.nn.softmax(tf.concat([logits_s, logits_t], 0)))
        mapped = self.multilinear_map(features, predictions)
        domain_logits = tf.squeeze(self.discriminator(self.gradient_reversal(mapped), training=True), -1)
        domain = tf.concat([tf.ones(tf.shape(features_s)[:1]), tf.zeros(tf.shape(features_t)[:1])], 0)
        per_example = tf.nn.sigmoid_cross_entropy_with_logits(labels=domain, logits=domain_logits)
        if not self.entropy_conditioning:
            return tf.reduce_mean(per_example)
        entropy = -tf.reduce_sum(predictions * tf.math.log(predictions + 1e-8), axis=1)
        weight = 1.0 + tf.exp(-entropy)
        weight = weight / tf.reduce_mean(weight)
        return tf.reduce_mean(tf.stop_gradient(weight) * per_example)

    def get_config(self):
        config = super().get_config()
        config.update(entropy_conditioning=self.entropy_conditioning,
                      discriminator_units=list(self.discriminator_units), max_map_dim=self.max_map_dim)
        return config
