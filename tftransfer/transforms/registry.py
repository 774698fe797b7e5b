"""The transform registry and `get(name, **options)`."""

from __future__ import annotations

from tftransfer.registry import Registry
from tftransfer.transforms.base import ShallowTransform
from tftransfer.transforms.coral import CORAL
from tftransfer.transforms.gfk import GFK
from tftransfer.transforms.subspace_alignment import SubspaceAlignment
from tftransfer.transforms.tca import TCA

TRANSFORMS: Registry = Registry("transform", {"coral": CORAL, "sa": SubspaceAlignment, "tca": TCA,
                                               "gfk": GFK})


def get(name: str, **options) -> ShallowTransform:
    """A new, unfitted transform: `get("tca", n_components=10, kernel="rbf")`.

    Args:
        name: A registered name ("coral", "sa", "tca", "gfk"; see `names()`).
        **options: The transform's constructor arguments.

    Raises:
        ValueError / TypeError: As `Registry.create` (an unknown name, an option the transform
            does not take), or a ValueError from the transform for a bad option value.
    """
    return TRANSFORMS.create(name, **options)


def names() -> list[str]:
    """Names of the registered transforms."""
    return TRANSFORMS.names()
