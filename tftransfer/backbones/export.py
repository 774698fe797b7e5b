"""`export_hub`: write a feature extractor as a TF-Hub reusable SavedModel."""

from __future__ import annotations

import os
from typing import Optional, Sequence

import keras
import tensorflow as tf

from tftransfer._checks import check_instance


class _ReusableSavedModel(tf.Module):
    """The TF-Hub reusable SavedModel interface around a Keras model.

    `variables`, `trainable_variables` and `regularization_losses` are stored lists here
    (the format requires them as attributes), not tf.Module's properties derived from
    the attributes.
    """

    variables = None
    trainable_variables = None
    regularization_losses = None

    def __init__(self, model: keras.Model, input_spec: tf.TensorSpec):
        super().__init__(name=None)
        # Lookup layers (TextVectorization, StringLookup, IntegerLookup) own hash tables,
        # resources that are not variables: tracked here, the SavedModel keeps them, so a
        # text encoder reads raw strings after reloading.
        self.lookup_layers = _lookup_layers(model)
        self.variables = [_tf_variable(v) for v in model.weights]
        trainable = {id(v) for v in model.trainable_weights}
        self.trainable_variables = [_tf_variable(v) for v in model.weights if id(v) in trainable]
        self.regularization_losses = [
            _penalty(v) for v in model.weights
            if id(v) in trainable and getattr(v, "regularizer", None) is not None]

        # A closure, so the Keras model itself is not tracked (only its variables are saved).
        def forward(x, training=False):
            return model(x, training=training)

        call = tf.function(forward)
        # One concrete function per training mode: `training` is a Python bool in the
        # reusable-SavedModel interface, and BatchNorm's mode is fixed at trace time.
        for training in (False, True):
            call.get_concrete_function(input_spec, training)
        self.__call__ = call


_LOOKUP_LAYERS = (keras.layers.TextVectorization, keras.layers.StringLookup,
                  keras.layers.IntegerLookup)


def _lookup_layers(model: keras.Model) -> list:
    """The model's lookup layers, nested models included, in layer order."""
    found = []
    for layer in model.layers:
        if isinstance(layer, _LOOKUP_LAYERS):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found.extend(_lookup_layers(layer))
    return found


def _penalty(variable) -> tf.types.experimental.GenericFunction:
    """A no-argument tf.function returning the variable's weight penalty (e.g. L2)."""
    regularizer = variable.regularizer
    return tf.function(lambda: regularizer(variable), input_signature=[])


def _tf_variable(variable) -> tf.Variable:
    value = variable.value
    if not isinstance(value, tf.Variable):
        raise TypeError("export_hub: every variable must be a TensorFlow variable (the TensorFlow "
                        f"backend). Received: variable {variable.path!r} backed by "
                        f"{type(value).__name__}")
    return value


def export_hub(feature_extractor: keras.Model, path, input_shape: Optional[Sequence[int]] = None,
               dtype: Optional[str] = None) -> str:
    """Writes `feature_extractor` as a TF-Hub reusable SavedModel at `path`.

    The SavedModel has `__call__(x, training=False)` (traced for both training values with
    input signature `[batch, *input_shape]`), `variables`, `trainable_variables` (the
    model's trainable weights at export time) and `regularization_losses`, so
    `tftransfer.backbones.get("hub:" + path)` (or `hub.load`) reloads it fine-tunable.
    BatchNorm layers that are frozen when exporting stay in inference mode in both modes.

    Text encoders: a model whose input is a batch of raw strings (`keras.Input(shape=(),
    dtype="string")`, e.g. `TextVectorization` → `Embedding` → pooling) exports with its
    vocabulary (the lookup tables are saved with it), so the SavedModel reads raw strings;
    the input dtype defaults to the model's own ("string" there).

    Args:
        feature_extractor: A built Keras model (a backbone).
        path: Folder to write (created; an existing SavedModel there is overwritten).
        input_shape: Shape of one example; default: the model's input shape (() for one
            string per example).
        dtype: Input dtype; default: the model's input dtype, else "float32".

    Returns:
        `path` as a string.

    Raises:
        ValueError: the input shape is unknown (model not built and no input_shape given).

    Example:
        >>> path = export_hub(fe, "/tmp/encoder")
        >>> same = tftransfer.backbones.get("hub:/tmp/encoder")
    """
    check_instance(feature_extractor, "feature_extractor", keras.Model, owner="export_hub")
    if input_shape is None:
        try:
            input_shape = tuple(feature_extractor.inputs[0].shape[1:])
        except (AttributeError, IndexError, TypeError, ValueError):
            raise ValueError("export_hub: `input_shape` must be given for "
                             f"{feature_extractor.name!r}, which is not a built functional model. "
                             "Received: input_shape=None") from None
    if dtype is None:
        try:
            dtype = feature_extractor.inputs[0].dtype
        except (AttributeError, IndexError, TypeError, ValueError):
            dtype = "float32"
    if not feature_extractor.built:
        feature_extractor.build((None,) + tuple(input_shape))
    spec = tf.TensorSpec((None,) + tuple(input_shape), dtype=dtype, name="inputs")
    path = os.fspath(path)
    tf.saved_model.save(_ReusableSavedModel(feature_extractor, spec), path)
    return path
