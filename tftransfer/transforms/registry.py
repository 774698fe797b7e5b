"""The transform registry and `get(name, **options)`."""

from __future__ import annotations

from tftransfer.registry import Registry
from tftransfer.transforms.base import ShallowTransform
from tftransfer.transforms.coral import CORAL
from tftransfer.transforms.gfk import GFK
from tftransfer.transforms.subspace_alignment import SubspaceAlignment
from tftransfer.transforms.tca import TCA

TRANSFORMS: Registry = Registry("transform")
TRANSFORMS.register("coral", CORAL)
TRANSFORMS.register("sa", SubspaceAlignment)
TRANSFORMS.register("tca", TCA)
TRANSFORMS.register("gfk", GFK)


def get(name: str, **options) -> ShallowTransform:
    """A new, unfitted transform: `get("tca", n_components=10, kernel="rbf")`.

    Args:
        name: A registered name ("coral", "sa", "tca", "gfk"; see `names()`).
        **options: The transform's constructor arguments.

    Raises:
        ValueError: An unknown name (the valid names are listed) or a bad option value.
        TypeError: An option the transform does not take.
    """
    factory = TRANSFORMS.get(name)
    try:
        return factory(**options)
    except TypeError as err:
        if "unexpected keyword" not in str(err):
            raise
        raise TypeError(f"transform {name!r} ({factory.__name__}): {err}") from None


def names() -> list[str]:
    """Names of the registered transforms."""
    return TRANSFORMS.names()
