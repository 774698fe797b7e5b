"""The domain-adversarial loss of DANN."""

from __future__ import annotations

from typing import Sequence

import keras
import tensorflow as tf

from tftransfer._checks import check_bool, check_dropout, check_float, check_units
from tftransfer.adaptation.base import AdaptationLoss
from tftransfer.adaptation.discriminator import domain_discriminator
from tftransfer.layers import GradientReversal


def init_discriminator(loss: AdaptationLoss, hidden_units: Sequence[int], batch_norm: bool,
                       dropout: float, gradient_scale: float) -> None:
    """Gives an adversarial loss its checked discriminator options and its layers.

    Sets `hidden_units`, `batch_norm`, `dropout` and `gradient_scale` (>= 0) on `loss`, then
    its `discriminator` (`domain_discriminator`) and its `gradient_reversal` layer.

    Raises:
        ValueError, TypeError: If an option is invalid (the message names `loss`'s class).
    """
    owner = type(loss).__name__
    loss.hidden_units = check_units(hidden_units, "hidden_units", owner=owner)
    loss.batch_norm = check_bool(batch_norm, "batch_norm", owner=owner)
    loss.dropout = check_dropout(dropout, owner=owner)
    loss.gradient_scale = check_float(gradient_scale, "gradient_scale", minimum=0.0, owner=owner)
    loss.discriminator = domain_discriminator(loss.hidden_units, batch_norm=loss.batch_norm,
                                              dropout=loss.dropout)
    loss.gradient_reversal = GradientReversal(loss.gradient_scale, name="gradient_reversal")


def domain_labels(n_source, n_target):
    """1 for each source example, 0 for each target example."""
    return tf.concat([tf.ones([n_source]), tf.zeros([n_target])], 0)


def entropy_weights(predictions):
    """CDAN+E's example weights w = 1 + e^{−H(g)} of softmax predictions g (n, C), normalised to
    mean 1 over the batch and without gradient: confident predictions count more."""
    entropy = -tf.reduce_sum(predictions * tf.math.log(predictions + 1e-8), axis=1)
    weight = 1.0 + tf.exp(-entropy)
    return tf.stop_gradient(weight / tf.reduce_mean(weight))


@keras.saving.register_keras_serializable(package="tftransfer")
class DomainAdversarialLoss(AdaptationLoss):
    """The domain-adversarial loss (Ganin et al., "Domain-Adversarial Training of Neural
    Networks", JMLR 2016).

    A domain discriminator D predicts from a feature vector whether it comes from the source;
    the features reach it through a gradient reversal layer R:

        L_d = E_{x∈S∪T} BCE(D(R(F(x))), 1[x ∈ S])

    D descends L_d; F receives −c · ∂L_d/∂F, so it ascends L_d: the saddle point of eq. 9 of
    the paper, with the updates of eqs. 13–15. c = `ramp` · `gradient_scale`, where `ramp` is
    Ganin's λ_p = 2/(1 + exp(−10 p)) − 1 under the engine's "dann" schedule: as in the
    reference code (Transfer-Learning-Library's DomainAdversarialLoss), the discriminator's
    own gradient stays at full strength while the reversed gradient reaching the features
    ramps up. Source and target features go through D as one joint batch (its BatchNorm
    normalises them together, as in the reference code).

    `entropy_weighting` weights each example's cross-entropy by CDAN+E's w = 1 + e^{−H(g)}
    (`entropy_weights`: g the classifier's softmax, normalised to mean 1, no gradient; Long et
    al., "Conditional Adversarial Domain Adaptation", NeurIPS 2018), so the alignment leans on
    the examples the classifier is sure of. Off by default (DANN's reference loss): on the
    defaults report's tasks and the held-out ones it was not lower on any benchmark, but by
    less than the seeds' spread (docs/benchmarks.md, "How each default was chosen").

    Args:
        hidden_units: Hidden widths of the discriminator (1024, 1024 in the reference).
        batch_norm: BatchNorm in the discriminator (the reference default).
        dropout: Dropout in the discriminator (0.5 in the paper's variant without BN).
        gradient_scale: Multiplier of the reversed gradient on top of the ramp.
        entropy_weighting: Weight the examples by their predictions' entropy (CDAN+E's w);
            it then reads class probabilities (`uses_predictions`).

    Call arguments:
        features_s, features_t: Features of the global source / target batch.
        logits_s, logits_t: The classifier's logits; read only with `entropy_weighting`.
        ramp: The schedule factor of this step.

    Returns:
        The mean binary cross-entropy of the discriminator (a scalar).
    """

    reverses_gradient = True

    def __init__(self, hidden_units: Sequence[int] = (1024, 1024), batch_norm: bool = True,
                 dropout: float = 0.0, gradient_scale: float = 1.0,
                 entropy_weighting: bool = False, **kwargs):
        super().__init__(**kwargs)
        init_discriminator(self, hidden_units, batch_norm, dropout, gradient_scale)
        self.entropy_weighting = check_bool(entropy_weighting, "entropy_weighting",
                                            owner=type(self).__name__)
        self.uses_predictions = self.entropy_weighting  # the class's False otherwise

    def build(self, features_s_shape, features_t_shape=None, logits_s_shape=None,
              logits_t_shape=None):
        if not self.discriminator.built:
            self.discriminator.build(tuple(features_s_shape))
        self.built = True

    def call(self, features_s, features_t, logits_s=None, logits_t=None, ramp=1.0, training=None):
        features = tf.concat([features_s, features_t], 0)
        domain_logits = tf.squeeze(self.discriminator(
            self.gradient_reversal(features, coefficient=ramp), training=training), -1)
        labels = domain_labels(tf.shape(features_s)[0], tf.shape(features_t)[0])
        per_example = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=domain_logits)
        if not self.entropy_weighting:
            return tf.reduce_mean(per_example)
        predictions = tf.nn.softmax(tf.concat([logits_s, logits_t], 0))
        return tf.reduce_mean(entropy_weights(predictions) * per_example)

    def get_config(self):
        return {**super().get_config(), "hidden_units": list(self.hidden_units),
                "batch_norm": self.batch_norm, "dropout": self.dropout,
                "gradient_scale": self.gradient_scale, "entropy_weighting": self.entropy_weighting}
