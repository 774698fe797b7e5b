"""Prediction entropy on the target."""

from __future__ import annotations

import numpy as np

from tftransfer.selection._metrics import as_logits, entropy, refuse_regression
from tftransfer.selection.base import Validator


def mean_prediction_entropy(logits) -> float:
    """H = −(1/n) Σ_j Σ_c p_jc log p_jc of softmax(logits), in nats (lower: more confident)."""
    return float(np.mean(entropy(as_logits(logits, "logits", "mean_prediction_entropy"))))


class PredictionEntropy(Validator):
    """Negative mean entropy of the predictions on the unlabelled target.

    Morerio, Cavazza & Murino, "Minimal-Entropy Correlation Alignment for Unsupervised Deep
    Domain Adaptation", ICLR 2018, sec. 3.2: a well-adapted model is confident on the
    target, so the target prediction entropy (Grandvalet & Bengio, NIPS 2005)

        H = −(1/n_t) Σ_j Σ_c p(c | x_j) log p(c | x_j),   x_j ~ target train,

    selects hyperparameters without target labels. Returns −H (nats), so higher is better.
    Beware: a confidently wrong model also scores well, so use it to compare adapted models
    of one method rather than arbitrary ones.
    """

    name = "entropy"
    splits = ("target_train",)

    def _score(self, outputs, seed):
        target = outputs["target_train"]
        refuse_regression(target, self.name)
        return -mean_prediction_entropy(target.logits)
