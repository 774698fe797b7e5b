"""Adaptation losses: one Keras layer per discrepancy, all with one call signature.

    loss(features_s, features_t, logits_s, logits_t, ramp=1.0) -> scalar

`tftransfer.methods.DomainAdaptationModel(feature_extractor, num_classes, losses={...})`
adds any of them (weighted) to the source cross-entropy, so they combine freely: CDAN + MCC,
DANN + entropy, ... `get(name, **options)` builds one by name.

A new discrepancy is one file (a subclass of `AdaptationLoss`) and one line in
`registry.py`; see docs/architecture.md.
"""

from tftransfer.adaptation.base import AdaptationLoss
from tftransfer.adaptation.conditional_adversarial import ConditionalAdversarialLoss
from tftransfer.adaptation.discriminator import domain_discriminator
from tftransfer.adaptation.domain_adversarial import DomainAdversarialLoss
from tftransfer.adaptation.margin_disparity import MarginDisparityLoss
from tftransfer.adaptation.registry import ADAPTATION_LOSSES, get, names
from tftransfer.adaptation.statistics import ClassConfusionLoss, CORALLoss, EntropyLoss, MKMMDLoss

__all__ = ["ADAPTATION_LOSSES", "AdaptationLoss", "CORALLoss", "ClassConfusionLoss",
           "ConditionalAdversarialLoss", "DomainAdversarialLoss", "EntropyLoss", "MKMMDLoss",
           "MarginDisparityLoss", "domain_discriminator", "get", "names"]
