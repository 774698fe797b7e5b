"""Adaptation losses by name: `tftransfer.adaptation.get("mk_mmd", num_kernels=3)`."""

from __future__ import annotations

from tftransfer.adaptation.base import AdaptationLoss
from tftransfer.adaptation.conditional_adversarial import ConditionalAdversarialLoss
from tftransfer.adaptation.domain_adversarial import DomainAdversarialLoss
from tftransfer.adaptation.margin_disparity import MarginDisparityLoss
from tftransfer.adaptation.statistics import ClassConfusionLoss, CORALLoss, EntropyLoss, MKMMDLoss
from tftransfer.registry import Registry

ADAPTATION_LOSSES: Registry = Registry("adaptation loss", {
    "domain_adversarial": DomainAdversarialLoss,
    "conditional_adversarial": ConditionalAdversarialLoss, "mk_mmd": MKMMDLoss,
    "coral": CORALLoss, "margin_disparity": MarginDisparityLoss,
    "class_confusion": ClassConfusionLoss, "entropy": EntropyLoss})


def get(name: str, **options) -> AdaptationLoss:
    """A new adaptation loss `name` built with `options` (ValueError listing the valid names)."""
    return ADAPTATION_LOSSES.get(name)(name=name, **options)


def names() -> list[str]:
    """Registered adaptation-loss names."""
    return ADAPTATION_LOSSES.names()
