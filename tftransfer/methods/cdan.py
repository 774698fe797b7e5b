"""CDAN and CDAN+E: conditional adversarial adaptation on features ⊗ predictions."""

from __future__ import annotations

from typing import Sequence

from tftransfer.adaptation import ConditionalAdversarialLoss
from tftransfer.methods.method import Method


def cdan_losses(entropy_conditioning: bool = False,
                discriminator_units: Sequence[int] = (256, 256),
                discriminator_batch_norm: bool = False, max_map_dim: int = 4096,
                discriminator_dropout: float = 0.5):
    """Conditional Domain Adversarial Network (Long et al., NeurIPS 2018): the discriminator
    sees features ⊗ predictions.

    Measured with these defaults (docs/benchmarks.md, defaults report): above source_only on
    the digits shifts, MNIST/USPS, DeCAF, the text benchmarks and Office-Caltech SURF's
    report tasks (+1.4); −0.3 on MSRC/VOC and on Office-Caltech's held-out tasks.

    Args:
        entropy_conditioning: Weight the samples by the certainty of their predictions
            (CDAN+E).
        discriminator_units: The discriminator's hidden widths.
        discriminator_batch_norm: BatchNorm in the discriminator (off, as in the CDAN
            authors' `AdversarialNetwork`).
        max_map_dim: Above this size of features ⊗ predictions, the randomized multilinear
            map replaces the product (`ConditionalAdversarialLoss`).
        discriminator_dropout: Dropout after each hidden layer of the discriminator (0.5,
            the CDAN authors' code; Transfer-Learning-Library's has BatchNorm and none).

    Returns:
        {"conditional_adversarial": the `ConditionalAdversarialLoss`}.
    """
    return {"conditional_adversarial": ConditionalAdversarialLoss(
        entropy_conditioning=entropy_conditioning, hidden_units=discriminator_units,
        batch_norm=discriminator_batch_norm, dropout=discriminator_dropout,
        max_map_dim=max_map_dim, name="conditional_adversarial")}


def cdan_e_losses(entropy_conditioning: bool = True,
                  discriminator_units: Sequence[int] = (256, 256),
                  discriminator_batch_norm: bool = False, max_map_dim: int = 4096,
                  discriminator_dropout: float = 0.5):
    """CDAN+E (Long et al., NeurIPS 2018): CDAN with entropy conditioning.

    Args:
        entropy_conditioning, discriminator_units, discriminator_batch_norm, max_map_dim,
            discriminator_dropout: As for `cdan_losses` (entropy conditioning on by default).

    Returns:
        {"conditional_adversarial": the `ConditionalAdversarialLoss`}.
    """
    return cdan_losses(entropy_conditioning, discriminator_units, discriminator_batch_norm,
                       max_map_dim, discriminator_dropout)


# The reference code (Transfer-Learning-Library's cdan.py): bottleneck 256, trade-off 1, the
# reversed gradient ramped, SGD annealed. Its discriminator has BatchNorm and no dropout; the
# CDAN authors' own (thuml/CDAN, `AdversarialNetwork`) has dropout 0.5 and no BatchNorm, and
# that one is the default: chosen leave one benchmark out on the defaults report's tasks, 3
# seeds, in all 7 folds (`python -m experiments.default_variants --method cdan --variants
# '[{}, {"discriminator_dropout": 0.5, "discriminator_batch_norm": false}, {"discriminator_dropout":
# 0.5}]' --seeds 3`; Δ vs source_only, BatchNorm / dropout: MSRC/VOC −1.1 / −0.3, MNIST/USPS
# +23.9 / +31.5, digits +8.5 / +9.2, Office-Caltech +0.9 / +1.4, DeCAF +0.5 / +0.7, Reuters
# +5.2 / +5.3, 20 Newsgroups +12.3 / +11.9; mean +7.2 / +8.5; docs/benchmarks.md).
# Deviations: a 256-256 discriminator, not 1024-1024, for DANN's reason (dann.py), and the
# shared η0 (methods/recipe.py).
_DEFAULTS = {"bottleneck_units": 256, "lambda_": 1.0, "lambda_schedule": "dann"}

CDAN = Method.from_losses(cdan_losses, "cdan", defaults=_DEFAULTS,
                          space={"entropy_conditioning": "False|True"})

CDAN_E = Method.from_losses(cdan_e_losses, "cdan_e", defaults=_DEFAULTS)
