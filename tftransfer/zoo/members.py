"""The zoo's catalogue: which architecture is pretrained on which source, and for how long."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Tuple

from tftransfer.registry import Registry

ZOO_VERSION = 1
"""Bump when a change to the pretraining alters the members: their keys change, so `build`
retrains them instead of keeping the old exports."""

RESNET8_NAME = "resnet8_cifar10"
RESNET8_FILE = "pretrained/resnet8_cifar10.h5"
"""The one member the project does not train: ResNet-8 on CIFAR-10 (MLCommons Tiny), read
from the data folder as `file:<data_dir>/pretrained/resnet8_cifar10.h5`."""


@dataclass(frozen=True)
class ZooMember:
    """A backbone the project pretrains: `architecture` trained on `source`.

    Attributes:
        name: Folder and table name, `<architecture>_<source>`.
        architecture: One of `tftransfer.zoo.architectures.ARCHITECTURES`.
        source: One of `tftransfer.zoo.sources.source_names()`.
        epochs: Pretraining epochs (Adam 1e-3, batch 64): about 15-20 s each on one core.
        learning_rate: Adam learning rate.
        batch_size: Examples per step.
    """

    name: str
    architecture: str
    source: str
    epochs: int
    learning_rate: float = 1e-3
    batch_size: int = 64

    def key(self, seed: int) -> str:
        """A digest of everything that determines the trained weights (and ZOO_VERSION)."""
        fields = {**dataclasses.asdict(self), "seed": seed, "zoo_version": ZOO_VERSION}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


MEMBERS: Registry = Registry("zoo member")
_CATALOGUE: Tuple[ZooMember, ...] = (
    ZooMember("lenet_mnist", "lenet", "mnist", epochs=8),
    ZooMember("mlp_mnist", "mlp", "mnist", epochs=15),
    ZooMember("lenet_usps", "lenet", "usps", epochs=3),
    ZooMember("mlp_usps", "mlp", "usps", epochs=6),
    ZooMember("small_resnet_usps", "small_resnet", "usps", epochs=3),
    ZooMember("lenet_digits", "lenet", "digits", epochs=15),
    ZooMember("lenet_digits_inverted", "lenet", "digits_inverted", epochs=15),
)
for _member in _CATALOGUE:
    MEMBERS.register(_member.name, _member)


def member_names(*, include_resnet8: bool = True) -> list:
    """Names of the zoo's members: the project's, then (by default) the ResNet-8 file."""
    return MEMBERS.names() + ([RESNET8_NAME] if include_resnet8 else [])
