"""Soft Neighbourhood Density (SND)."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer._checks import check_positive
from tftransfer.selection._metrics import (
    as_logits, check_max_samples, log_softmax, refuse_regression, softmax, subsample)
from tftransfer.selection.base import Validator


def soft_neighborhood_density(logits, temperature: float = 0.05) -> float:
    """SND of the predictions `logits` (n >= 2 rows): the mean entropy of each row's softmax
    over its cosine similarities with the other rows' probability vectors (higher better)."""
    owner = "soft_neighborhood_density"
    temperature = check_positive(temperature, "temperature", owner=owner)
    logits = as_logits(logits, "logits", owner)
    if logits.shape[0] < 2:
        raise ValueError(f"{owner}: `logits` must have at least 2 target rows. "
                         f"Received: logits of shape {logits.shape}")
    p = softmax(logits)
    p /= np.linalg.norm(p, axis=1, keepdims=True)  # never 0: softmax rows are positive
    sim = (p @ p.T) / temperature
    # A row is not its own neighbour: the diagonal gets the lowest cosine, −1 (as the
    # authors' code does), which leaves it a negligible share of the softmax.
    np.fill_diagonal(sim, -1.0 / temperature)
    log_q = log_softmax(sim)
    return float(np.mean(-(np.exp(log_q) * log_q).sum(axis=1)))


class SoftNeighborhoodDensity(Validator):
    """Soft Neighbourhood Density of the target predictions.

    Saito, Kim, Teterwak, Sclaroff, Darrell & Saenko, "Tune it the Right Way: Unsupervised
    Validation of Domain Adaptation via Soft Neighborhood Density", ICCV 2021, eqs. (1)–(3).
    With p_j the L2-normalised softmax prediction of target sample j,

        S_ij = p_iᵀ p_j,   P_ij = exp(S_ij / τ) / Σ_{k≠i} exp(S_ik / τ),
        SND = −(1/n) Σ_i Σ_j P_ij log P_ij,

    with temperature τ = 0.05. A high SND means each target point has many soft neighbours:
    predictions that form dense clusters (well-adapted features), rather than points
    scattered over the simplex. Higher is better. Caveat from the paper: a model that
    predicts (almost) the same vector everywhere also has a high SND, so use it to compare
    trained models, not to detect a collapsed one.

    Args:
        temperature: τ > 0 (default 0.05, the paper's).
        max_samples: Cap on the target rows (seeded subsample; the similarity matrix is
            n × n). None keeps all.
    """

    name = "snd"
    splits = ("target_train",)

    def __init__(self, temperature: float = 0.05, max_samples: Optional[int] = 2000):
        self.temperature = check_positive(temperature, "temperature", owner=self.name)
        self.max_samples = check_max_samples(max_samples, self.name)

    def _score(self, outputs, seed):
        refuse_regression(outputs["target_train"], self.name)
        logits = outputs["target_train"].logits
        rows = subsample(len(logits), self.max_samples, seed)
        return soft_neighborhood_density(logits[rows], self.temperature)
