"""`file:<path>`: a saved Keras model (`.keras` or legacy `.h5`) cut into a feature extractor."""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Sequence

import keras

from tftransfer._checks import check_choice, check_shape_fits
from tftransfer.backbones.registry import register_prefix

SUFFIXES = (".keras", ".h5", ".hdf5")


@keras.saving.register_keras_serializable(package="tftransfer")
class LegacyDepthwiseConv2D(keras.layers.DepthwiseConv2D):
    """DepthwiseConv2D that accepts the `groups` argument older Keras wrote into .h5 configs.

    Keras 3 rejects it ("Unrecognized keyword arguments: ['groups']"); for a depthwise
    convolution it is always 1 and carries no information, so it is dropped.
    """

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)


# Used for legacy .h5 files only: .keras files are written by Keras 3 and load as they are.
LEGACY_H5_OBJECTS = {"DepthwiseConv2D": LegacyDepthwiseConv2D}


def load_model_file(path, custom_objects: Optional[Mapping[str, Any]] = None,
                    safe_mode: bool = True) -> keras.Model:
    """Loads a `.keras` or `.h5` model without compiling it, handling legacy .h5 quirks.

    Args:
        path: The model file.
        custom_objects: Extra classes or functions the file refers to by name.
        safe_mode: Passed to `keras.models.load_model` (`.keras` files with Lambda layers
            need False; only for files you trust).

    Returns:
        The loaded `keras.Model`.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the suffix is not one of `.keras`, `.h5`, `.hdf5`.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"model file {path!r} does not exist")
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"`path` must end in one of {', '.join(SUFFIXES)}. "
                         f"Received: model file {path!r} with suffix {suffix!r}")
    objects = dict(LEGACY_H5_OBJECTS) if suffix != ".keras" else {}
    objects.update(custom_objects or {})
    return keras.models.load_model(path, custom_objects=objects, compile=False, safe_mode=safe_mode)


def model_or_file(model) -> Optional[keras.Model]:
    """`model` if it is a `keras.Model`, the model saved at that path (`.keras`, `.h5`, loaded
    without compiling) if it is a path, else None (for the caller's error)."""
    if isinstance(model, keras.Model):
        return model
    if isinstance(model, (str, os.PathLike)):
        return load_model_file(model)
    return None


def symbolic_inputs(model: keras.Model) -> Optional[list]:
    """The symbolic inputs of a functional or Sequential model; None for a subclassed one."""
    try:
        return model.inputs
    except AttributeError:  # a subclassed model that was never called symbolically
        return None


def _default_cut(model: keras.Model) -> keras.layers.Layer:
    """The layer before the classifier: the last layer with weights and what follows it
    (a softmax Activation, say) are dropped."""
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    top = max((i for i, layer in enumerate(layers) if layer.weights), default=None)
    if top is None or top == 0:
        raise ValueError(f"`layer` must be given: model {model.name!r} has no classifier layer "
                         f"to cut off (layers: {', '.join(l.name for l in layers)}). "
                         "Received: layer=None")
    return layers[top - 1]


@register_prefix("file", "<path>")
def file_backbone(path: str, input_shape: Optional[Sequence[int]] = None,
                  layer: Optional[str] = None, name: Optional[str] = None,
                  custom_objects: Optional[Mapping[str, Any]] = None,
                  safe_mode: bool = True, reinitialize: bool = False) -> keras.Model:
    """A saved model cut at a named layer (default: the layer before its classifier).

    The feature extractor shares the loaded layers and weights; freeze depth counts their
    layer groups (`tftransfer.backbones.freezing`).

    Args:
        path: A `.keras` or `.h5` file holding a functional or Sequential model with one input.
        input_shape: Checked against the file's input shape when given (None dims in the
            file accept any size).
        layer: Name of the layer whose output are the features. Default: the layer before
            the classifier (the last layer with weights, plus weightless layers after it
            such as a softmax, is the classifier).
        name: Model name; default `file_<file stem>`.
        custom_objects: Extra classes the file refers to by name.
        safe_mode: See `load_model_file`.
        reinitialize: True gives the same architecture with fresh weights from the layers'
            initializers (seeded by the global Keras seed): the from-scratch baseline of the
            pretrained network. Its BatchNorm layers get momentum
            `REINITIALIZED_BN_MOMENTUM` (0.9, as `lenet`/`mlp`): with Keras' 0.99 a short run
            leaves the moving statistics near their initial values and inference accuracy
            collapses (ResNet-8 from scratch on USPS, 228 steps: 47% against 86% with 0.9).

    Returns:
        A functional `keras.Model` from the file's input to the chosen layer's output.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: unknown layer (the layer names are listed), an input_shape that differs
            from the file's, or a model that cannot be cut (subclassed, several inputs).

    Example:
        >>> fe = tftransfer.backbones.get("file:/data/pretrained/resnet8_cifar10.h5",
        ...                               input_shape=(32, 32, 3))      # features: (None, 64)
    """
    model = load_model_file(path, custom_objects=custom_objects, safe_mode=safe_mode)
    inputs = symbolic_inputs(model)
    if not inputs or len(inputs) != 1:
        raise ValueError(f"model file {path!r} must hold a functional or Sequential model with "
                         f"one input. Received: a {type(model).__name__} with "
                         f"{len(inputs or [])} symbolic inputs")
    if input_shape is not None:
        check_shape_fits(input_shape, model.inputs[0].shape[1:], "input_shape",
                         owner=f"model file {path!r}")
    if layer is None:
        cut = _default_cut(model)
    else:
        check_choice(layer, "layer", [l.name for l in model.layers], owner=f"model file {path!r}")
        cut = model.get_layer(layer)
    stem = os.path.splitext(os.path.basename(os.fspath(path)))[0]
    features = keras.Model(inputs[0], cut.output, name=name or f"file_{stem}")
    if reinitialize:
        # clone_model rebuilds every layer from its config: new variables, initializer values.
        features = keras.models.clone_model(features, clone_function=_fresh_layer)
    return features


REINITIALIZED_BN_MOMENTUM = 0.9


def _fresh_layer(layer: keras.layers.Layer) -> keras.layers.Layer:
    """A new layer from `layer`'s config (fresh weights); BatchNorm with a fresh-run momentum."""
    config = layer.get_config()
    if isinstance(layer, keras.layers.BatchNormalization):
        config["momentum"] = REINITIALIZED_BN_MOMENTUM
    return layer.__class__.from_config(config)
