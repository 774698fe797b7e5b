"""DANN: domain-adversarial training through a gradient reversal layer."""

from __future__ import annotations

from typing import Sequence

import keras
import tensorflow as tf

from tftransfer.layers import GradientReversal
from tftransfer.methods.base import DomainAdaptationModel


@keras.saving.register_keras_serializable(package="tftransfer")
class DANN(DomainAdaptationModel):
    """Domain-Adversarial Neural Network (Ganin et al., "Domain-Adversarial Training of Neural
    Networks", JMLR 2016).

    A domain discriminator G_d predicts the domain of each feature vector; the feature
    extractor receives its gradient reversed, so it learns features the discriminator cannot
    separate. The saddle-point objective (eq. 9 of the paper) is

        E(θ_f, θ_y, θ_d) = L_y(θ_f, θ_y) − λ · L_d(θ_f, θ_d),

    optimised by SGD on L_y + λ · L_d(G_d(R(F(x)))) with R the gradient reversal layer: θ_d
    descends λ·L_d and θ_f ascends it, exactly the updates of eqs. 13–15. λ is the engine's
    `lambda_`; the runner ramps it with λ_p = 2 / (1 + exp(−10 p)) − 1 over training progress
    p ∈ [0, 1] (`tftransfer.callbacks.LambdaScheduler("dann")`), or keeps it fixed.

    Args:
        feature_extractor, num_classes, **kwargs: see `DomainAdaptationModel`.
        discriminator_units: Hidden widths of the default discriminator (ReLU MLP -> 1 logit).
        discriminator: A custom discriminator mapping features to one logit per example.
    """

    default_lambda_schedule = "dann"

    def __init__(self, feature_extractor, num_classes, discriminator_units: Sequence[int] = (64, 64),
                 discriminator=None, **kwargs):
        super().__init__(feature_extractor, num_classes, **kwargs)
        self.discriminator_units = tuple(int(u) for u in discriminator_units)
        if discriminator is None:
            discriminator = keras.Sequential(
                [keras.layers.Dense(u, activation="relu", name=f"disc_dense_{i}")
                 for i, u in enumerate(self.discriminator_units)]
                + [keras.layers.Dense(1, name="domain_logit")], name="discriminator")
        self.discriminator = discriminator
        self.gradient_reversal = GradientReversal(1.0, name="gradient_reversal")

    def build_adaptation(self, feature_shape, logits_shape):
        if not self.discriminator.built:
            self.discriminator.build(feature_shape)

    def adaptation_loss(self, features_s, features_t, logits_s, logits_t):
        features = tf.concat([features_s, features_t], 0)
        domain_logits = tf.squeeze(self.discriminator(self.gradient_reversal(features), training=True), -1)
        domain = tf.concat([tf.ones(tf.shape(features_s)[:1]), tf.zeros(tf.shape(features_t)[:1])], 0)
        return tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(labels=domain, logits=domain_logits))

    def get_config(self):
        config = super().get_config()
        config.update(discriminator_units=list(self.discriminator_units),
                      discriminator=keras.saving.serialize_keras_object(self.discriminator))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("discriminator"), dict):
            config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return super().from_config(config)
