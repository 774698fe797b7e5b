"""Shallow feature maps for domain adaptation: CORAL, Subspace Alignment, TCA, GFK.

Each transform is fitted on unlabelled source and target samples, scikit-learn style
(`fit(Xs, Xt)`, `transform_source(X)`, `transform_target(X)`, `fit_transform(Xs, Xt)`),
computes in float64 and returns float32. `as_keras_layer` turns a fitted linear map into
a frozen `FixedLinearMap` layer for a Keras model. `get("tca", **options)` builds one by
name; `transform_task(transform, task)` fits it and maps every split of a TransferTask
(`InputSpace` writes a subspace map back in input coordinates, for a CNN).
"""

from tftransfer.transforms.base import ShallowTransform
from tftransfer.transforms.coral import CORAL
from tftransfer.transforms.gfk import GFK
from tftransfer.transforms.input_space import InputSpace
from tftransfer.transforms.keras_layer import FixedLinearMap, as_keras_layer
from tftransfer.transforms.registry import TRANSFORMS, get, names
from tftransfer.transforms.subspace_alignment import SubspaceAlignment
from tftransfer.transforms.tca import TCA
from tftransfer.transforms.task import transform_task

__all__ = [
    "CORAL",
    "FixedLinearMap",
    "GFK",
    "InputSpace",
    "ShallowTransform",
    "SubspaceAlignment",
    "TCA",
    "TRANSFORMS",
    "as_keras_layer",
    "get",
    "names",
    "transform_task",
]
