"""Information maximisation on the target predictions (SHOT's L_IM)."""

from __future__ import annotations

import keras
from keras import ops

from tftransfer._checks import check_non_negative, check_positive
from tftransfer.adaptation.base import AdaptationLoss

#: The reference code's guard inside log(p̄ + ε) (SHOT, `digit/uda_digit.py`).
DIVERSITY_EPSILON = 1e-5


def information_maximization(logits, diversity_weight: float = 1.0,
                             epsilon: float = DIVERSITY_EPSILON):
    """L_IM = L_ent + w · L_div on a batch of logits (SHOT, eqs. 2–3):

        L_ent = −(1/n) Σ_i Σ_k p_ik log p_ik            (each prediction confident)
        L_div =  Σ_k p̄_k log p̄_k,  p̄ = (1/n) Σ_i p_i   (the batch's predictions diverse)

    so L_IM = mean_i H(p_i) − w · H(p̄), between −w log K and log K. The entropies use
    `log_softmax`; the diversity term uses log(p̄ + ε), as the reference code.

    Args:
        logits: (n, K) class scores.
        diversity_weight: w (1 in SHOT; 0 is plain entropy minimisation).
        epsilon: ε of log(p̄ + ε).

    Returns:
        A float32 scalar.
    """
    logits = ops.cast(logits, "float32")
    log_p = ops.log_softmax(logits, axis=-1)
    p = ops.exp(log_p)
    conditional_entropy = ops.mean(-ops.sum(p * log_p, axis=-1))
    mean_p = ops.mean(p, axis=0)
    marginal_entropy = -ops.sum(mean_p * ops.log(mean_p + epsilon))
    return conditional_entropy - diversity_weight * marginal_entropy


@keras.saving.register_keras_serializable(package="tftransfer")
class InformationMaximizationLoss(AdaptationLoss):
    """Information maximisation (Liang, Hu & Feng, "Do We Really Need to Access the Source
    Data? Source Hypothesis Transfer for Unsupervised Domain Adaptation", ICML 2020, sec. 3.2;
    after Krause, Perona & Gomes, "Discriminative Clustering by Regularized Information
    Maximization", NeurIPS 2010):

        L_IM = −E_{x_t} Σ_k δ_k log δ_k + Σ_k p̂_k log p̂_k,   δ = softmax(C(F(x_t))),
                                                              p̂ = E_{x_t} δ

    on the logits of the global target batch; the source arguments are not read, so it is a
    source-free loss (SHOT, SHOT-IM). Minimising it makes each target prediction confident
    (the first term) while keeping the batch's predictions spread over the classes (the
    second), which rules out the collapse of plain entropy minimisation onto one class.

    Args:
        diversity_weight: Weight of the diversity term (1 in SHOT).
        epsilon: ε of log(p̂ + ε) (the reference code's 1e-5).
    """

    uses_predictions = True

    def __init__(self, diversity_weight: float = 1.0, epsilon: float = DIVERSITY_EPSILON,
                 **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.diversity_weight = check_non_negative(diversity_weight, "diversity_weight",
                                                   owner=owner)
        self.epsilon = check_positive(epsilon, "epsilon", owner=owner)

    def call(self, features_s, features_t, logits_s, logits_t, ramp=1.0, training=None):
        return information_maximization(logits_t, self.diversity_weight, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "diversity_weight": self.diversity_weight,
                "epsilon": self.epsilon}
