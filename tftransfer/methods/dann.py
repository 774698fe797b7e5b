"""DANN: domain-adversarial training through gradient reversal."""

from __future__ import annotations

from typing import Sequence

from tftransfer.adaptation import DomainAdversarialLoss
from tftransfer.methods.method import Method


def dann_losses(discriminator_units: Sequence[int] = (256, 256),
                discriminator_batch_norm: bool = True, discriminator_dropout: float = 0.0):
    return {"domain_adversarial": DomainAdversarialLoss(
        hidden_units=discriminator_units, batch_norm=discriminator_batch_norm,
        dropout=discriminator_dropout, name="domain_adversarial")}


DANN = Method(
    name="dann",
    summary=("Domain-Adversarial Neural Network (Ganin et al., JMLR 2016): a domain "
             "discriminator through gradient reversal"),
    build_losses=dann_losses,
    # The reference code (Transfer-Learning-Library's dann.py): a 256-d bottleneck
    # (Dense-BN-ReLU) before the head, a discriminator with BatchNorm, trade-off 1; the
    # reversed gradient ramps with Ganin's λ_p while the discriminator's does not.
    # Deviation: the discriminator is 256-256, not 1024-1024. On our CPUs the 1024-wide one
    # made each DANN step 4 × slower for no accuracy (Office-Caltech SURF, 12 tasks:
    # 41.2 % with 1024, 41.1 % with 256; docs/benchmarks.md).
    defaults={"bottleneck_units": 256, "lambda_": 1.0, "lambda_schedule": "dann"},
    # Recipe(): SGD, Nesterov momentum 0.9, wd 1e-3, η0 = 0.01 annealed (α = 10, β = 0.75).
)
