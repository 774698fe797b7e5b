"""The shallow-method registry and `get(name, **options)`."""

from __future__ import annotations

import functools

from tftransfer import config
from tftransfer.registry import Registry
from tftransfer.shallow.base import ShallowClassifier
from tftransfer.shallow.bda import BDA
from tftransfer.shallow.easytl import EasyTL
from tftransfer.shallow.gfk import GFKClassifier
from tftransfer.shallow.jda import JDA
from tftransfer.shallow.meda import MEDA
from tftransfer.shallow.transform_then_head import TransformThenHead

#: Registry name of each head (head="1nn" is registered as "nn1": names start with a letter).
HEAD_NAMES = {"nn1": "1nn", "svm": "svm", "svc": "svc", "logreg": "logreg"}

SHALLOW_METHODS: Registry = Registry("shallow method")
SHALLOW_METHODS.register("jda", JDA)
SHALLOW_METHODS.register("bda", BDA)
SHALLOW_METHODS.register("meda", MEDA)
SHALLOW_METHODS.register("easytl", EasyTL)
SHALLOW_METHODS.register("gfk", GFKClassifier)
# The heads on the raw features (source only), then every other registered transform
# followed by each head ("coral_svm": CORAL then a linear SVM; "gfk_nn1" is the GFK paper's
# classifier, "gfk" the `GFKClassifier` with its source-validated head).
for _head_name, _head in HEAD_NAMES.items():
    SHALLOW_METHODS.register(
        _head_name, functools.partial(TransformThenHead, transform_name=None, head=_head))
for _transform in ("coral", "sa", "tca", "gfk"):
    for _head_name, _head in HEAD_NAMES.items():
        SHALLOW_METHODS.register(
            f"{_transform}_{_head_name}",
            functools.partial(TransformThenHead, transform_name=_transform, head=_head))
# Their runs' ids carry SHALLOW_RESULTS_VERSION.
config.set_classical_methods(SHALLOW_METHODS)


def get(name: str, **options) -> ShallowClassifier:
    """A new, unfitted shallow classifier: `get("jda", n_components=30)`.

    Args:
        name: A registered name (see `names()`): "jda", "bda", "meda", "easytl", "gfk";
            the raw-feature baselines "nn1", "svm", "svc", "logreg"; "<transform>_<head>" for
            a transform of `tftransfer.transforms` followed by a head ("coral_svm",
            "tca_nn1", "sa_logreg", ...).
        **options: The constructor arguments (for "<transform>_<head>", the transform's
            options and head_C).

    Raises:
        ValueError: An unknown name (the valid names are listed) or a bad option value.
        TypeError: An option the method does not take.
    """
    return SHALLOW_METHODS.create(name, **options)


def names() -> list[str]:
    """Names of the registered shallow methods."""
    return SHALLOW_METHODS.names()
