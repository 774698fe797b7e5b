"""`hub:<handle-or-path>`: a TF-Hub / TF2 SavedModel as a fine-tunable Keras 3 backbone.

The only module of tftransfer that imports `tensorflow_hub`.

`hub.KerasLayer` is a tf_keras layer: in a Keras 3 model it either fails or trains nothing
(its variables are not among the Keras model's trainable weights). `HubLayer` is a Keras 3
layer instead: it loads the SavedModel itself and wraps each loaded `tf.Variable` as a
`keras.Variable` that aliases it (no copy), so Keras optimizers, freezing and `.keras`
saving see the real weights, and the loaded function keeps reading the same variables.

Distribution: build the backbone inside `strategy.scope()` (tftransfer does:
`runner.build_model` runs inside the strategy scope). The SavedModel's variables are created
when it is loaded, so a model loaded outside the scope cannot be trained by that strategy
(TensorFlow then fails with a bare AssertionError in the optimizer; `HubLayer` raises a
clear error instead).

Offline handles: a local SavedModel folder is loaded as it is. A URL handle
(`https://...`) resolves, as in `hub.load`, to the folder `$TFHUB_CACHE_DIR/<sha1(handle)>/`
(default cache: `<tmp>/tfhub_modules`); nothing is downloaded: when that folder is missing
the error names it, so the SavedModel can be copied there.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import tempfile
from typing import Dict, List, Optional, Sequence

import keras
import tensorflow as tf
import tensorflow_hub as hub

from tftransfer._checks import check_choice, check_shape_fits
from tftransfer.backbones.freezing import VariableGroup
from tftransfer.backbones.registry import register_prefix

# Variable names of a normalization layer: such a group freezes with the group below it.
_NORMALIZATION_VARIABLES = {"gamma", "beta", "moving_mean", "moving_variance"}


def hub_cache_dir() -> str:
    """The TF-Hub cache folder: `$TFHUB_CACHE_DIR`, else `<tmp>/tfhub_modules` (as hub does)."""
    return os.environ.get("TFHUB_CACHE_DIR") or os.path.join(tempfile.gettempdir(), "tfhub_modules")


def resolve_handle(handle: str) -> str:
    """The local SavedModel folder that `handle` means, without any download.

    Args:
        handle: A local SavedModel folder, or a URL handle of a model placed in the TF-Hub
            cache (`$TFHUB_CACHE_DIR/<sha1(handle)>/`).

    Returns:
        The folder.

    Raises:
        FileNotFoundError: a local path that does not exist, or a URL whose cache folder
            is missing or empty (the message names the folder).
    """
    if not isinstance(handle, str) or not handle:
        raise ValueError(f"`handle` must be a non-empty string. Received: handle={handle!r}")
    if "://" not in handle:
        path = os.path.expanduser(handle)
        if not os.path.isdir(path):
            raise FileNotFoundError(f"hub handle {handle!r} is not a SavedModel folder (no such "
                                    "folder) and not a URL handle")
        return path
    folder = os.path.join(hub_cache_dir(), hashlib.sha1(handle.encode("utf8")).hexdigest())
    if not (os.path.isdir(folder) and os.listdir(folder)):
        raise FileNotFoundError(
            f"hub handle {handle!r} is not in the TF-Hub cache and tftransfer does not download: "
            f"expected the SavedModel in {folder!r} ($TFHUB_CACHE_DIR/<sha1(handle)>, "
            f"TFHUB_CACHE_DIR={os.environ.get('TFHUB_CACHE_DIR')!r}). Copy it there or pass a "
            "local SavedModel folder.")
    return folder


def _variable_name(tf_variable: tf.Variable, index: int) -> str:
    name = tf_variable.name.split(":")[0] or f"variable_{index}"
    return name.replace("/", ".")  # Keras variable names may not contain "/"


def _accepts_training(function) -> bool:
    try:
        return "training" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _has_restored_call(obj) -> bool:
    # True when the SavedModel saved a `__call__` function (a restored tf.function).
    return hasattr(getattr(obj, "__call__", None), "concrete_functions")


@keras.saving.register_keras_serializable(package="tftransfer")
class HubLayer(keras.layers.Layer):
    """A TF2 SavedModel (TF-Hub reusable format, or a `model.export()` artefact) as a layer.

    The SavedModel is loaded when the layer is created, so create it inside the strategy
    scope. Its variables become the layer's weights (aliases of the loaded variables);
    those in the SavedModel's `trainable_variables` are trainable. Calls go to
    `obj(x, training=training)` when the SavedModel's `__call__` takes `training`, to
    `obj(x)` otherwise, or to `obj.serve(x)` for `model.export()` artefacts (always
    inference mode). A non-trainable layer (or one whose variables are all frozen) runs in
    inference mode, so the SavedModel's BatchNorm statistics do not move either.

    Freezing: `freeze_groups()` groups the variables by their name prefix (the saved
    layer's name: "conv_0/kernel" and "conv_0/bias" are one group), in the SavedModel's
    variable order (bottom to top for Keras exports); a group of normalization variables
    (gamma, beta, moving_mean, moving_variance) joins the group before it. `freeze_depth`
    integers count these groups. The SavedModel has one training flag: with a partial
    freeze its BatchNorm layers all run in training mode, frozen groups included (their
    gamma/beta stay fixed, their moving statistics move).

    Per-variable trainable flags are not part of `get_config()`: reapply the freeze depth
    after reloading a saved model.

    Args:
        handle: A SavedModel folder or a cached URL handle (see `resolve_handle`).
        signature: None (auto: `__call__`, else `serve`), "__call__" or "serve".
        output_key: For SavedModels whose call returns a dict: the output to use.
        trainable: Whether the loaded variables can train.
        **kwargs: Layer arguments (name, dtype).

    Example:
        >>> with strategy.scope():
        ...     inputs = keras.Input((32, 32, 3))
        ...     fe = keras.Model(inputs, HubLayer("/exports/encoder")(inputs))
    """

    def __init__(self, handle: str, signature: Optional[str] = None,
                 output_key: Optional[str] = None, trainable: bool = True, **kwargs):
        super().__init__(trainable=trainable, **kwargs)
        check_choice(signature, "signature", (None, "__call__", "serve"), owner="HubLayer")
        self.handle = handle
        self.signature = signature
        self.output_key = output_key
        self._loaded = hub.load(resolve_handle(handle))
        self._strategy = tf.distribute.get_strategy()
        if signature is None:
            signature = "__call__" if _has_restored_call(self._loaded) else "serve"
        self._function = getattr(self._loaded, signature, None)
        if self._function is None:
            raise ValueError(f"SavedModel {handle!r} has no {signature!r} function; a hub backbone "
                             "needs a reusable SavedModel (__call__) or a model.export() "
                             "artefact (serve)")
        self._takes_training = signature == "__call__" and _accepts_training(self._function)
        tf_variables = list(getattr(self._loaded, "variables", None) or [])
        if not tf_variables:
            raise ValueError(f"SavedModel {handle!r} lists no `variables`: not a reusable "
                             "SavedModel (export one with tftransfer.backbones.export_hub)")
        trainable_ids = {id(v) for v in getattr(self._loaded, "trainable_variables", None) or []}
        self._tf_names = [v.name.split(":")[0] for v in tf_variables]
        # keras.Variable(initializer=<tf.Variable>) aliases the variable: the loaded
        # function and the optimizer update the same storage.
        self.hub_variables = [
            keras.Variable(initializer=v, trainable=id(v) in trainable_ids,
                           name=_variable_name(v, i))
            for i, v in enumerate(tf_variables)]
        self._trainable_candidates = {id(kv) for kv, v in zip(self.hub_variables, tf_variables)
                                      if id(v) in trainable_ids}
        self._regularizers = list(getattr(self._loaded, "regularization_losses", None) or [])
        self.built = True

    # ------------------------------------------------------------------ freezing
    def freeze_groups(self) -> List[VariableGroup]:
        """The variables grouped by name prefix, bottom to top (see the class docstring)."""
        by_prefix: Dict[str, List[tuple]] = {}  # insertion order: the SavedModel's order
        for tf_name, variable in zip(self._tf_names, self.hub_variables):
            prefix, _, short = tf_name.rpartition("/")
            by_prefix.setdefault(prefix or short, []).append((short, variable))
        groups = []
        for prefix, members in by_prefix.items():
            variables = [v for _, v in members]
            candidates = [v for v in variables if id(v) in self._trainable_candidates]
            if candidates:  # groups with nothing that could train (a step counter) are skipped
                groups.append(VariableGroup(
                    f"{self.name}/{prefix}", variables, candidates,
                    normalization={short for short, _ in members} <= _NORMALIZATION_VARIABLES))
        return groups

    # ------------------------------------------------------------------ calling
    def call(self, inputs, training=None):
        context = tf.distribute.get_replica_context()  # None in a cross-replica context
        if tf.distribute.has_strategy() and context is not None and \
                context.strategy is not self._strategy:
            raise RuntimeError(
                f"HubLayer {self.name!r} was loaded outside the current tf.distribute strategy "
                "scope: build the backbone inside strategy.scope() (its variables are created "
                "when the SavedModel loads)")
        # Inference mode unless something can train: frozen BatchNorm must not update.
        training = bool(training) and self.trainable and any(v.trainable for v in self.hub_variables)
        if self._takes_training:
            outputs = self._function(inputs, training=training)
        else:
            outputs = self._function(inputs)
        if isinstance(outputs, dict):
            if self.output_key is None and len(outputs) != 1:
                raise ValueError(f"SavedModel {self.handle!r} returns outputs {sorted(outputs)}: "
                                 "pass output_key=<one of them>")
            outputs = outputs[self.output_key] if self.output_key else next(iter(outputs.values()))
        if training:
            for loss in self._regularizers:
                self.add_loss(loss())
        return outputs

    def _saved_input_spec(self) -> Optional[tf.TensorSpec]:
        for concrete in getattr(self._function, "concrete_functions", None) or []:
            args = concrete.structured_input_signature[0]
            if args and isinstance(args[0], tf.TensorSpec) and args[0].shape.rank:
                return args[0]
        return None

    def input_spec_shape(self) -> Optional[tuple]:
        """The SavedModel's input shape without the batch dimension, when it records one
        (() for a text model reading one string per example)."""
        spec = self._saved_input_spec()
        return None if spec is None else tuple(spec.shape[1:])

    def input_spec_dtype(self) -> Optional[str]:
        """The SavedModel's input dtype ("float32", "string", ...), when it records one."""
        spec = self._saved_input_spec()
        return None if spec is None else spec.dtype.name

    def get_config(self):
        config = super().get_config()
        config.update(handle=self.handle, signature=self.signature, output_key=self.output_key)
        return config


@register_prefix("hub", "<handle-or-path>")
def hub_backbone(handle: str, input_shape: Optional[Sequence[int]] = None,
                 trainable: bool = True, signature: Optional[str] = None,
                 output_key: Optional[str] = None, name: Optional[str] = None,
                 dtype: Optional[str] = None) -> keras.Model:
    """A feature extractor `keras.Model` around one `HubLayer`.

    Build it inside `strategy.scope()` when training under a tf.distribute strategy.

    Text: a SavedModel that reads raw strings (a TF-Hub text embedding, or a text encoder
    exported with `export_hub`) gives a model with `keras.Input(shape=(), dtype="string")`:
    it takes a batch of documents, and fine-tunes like any backbone (the engine trains on
    string batches from `tftransfer.text`). A real TF-Hub text handle works offline once
    its SavedModel is in `$TFHUB_CACHE_DIR/<sha1(handle)>/` (see `resolve_handle`); such
    modules often record no input signature, so pass `input_shape=()` and `dtype="string"`.

    Args:
        handle: A SavedModel folder, or a URL handle cached under `$TFHUB_CACHE_DIR`.
        input_shape: Shape of one example; default: the SavedModel's input signature
            (required when that has unknown dimensions); () for one string per example.
        trainable: Whether the SavedModel's variables can train (a method's `freeze_depth`
            sets the flags again: "all", its default, makes every group trainable).
        signature, output_key: See `HubLayer`.
        name: Model name; default "hub".
        dtype: Input dtype; default: the SavedModel's input signature's, else "float32"
            ("string" for a text model).

    Returns:
        A functional `keras.Model` from inputs to the SavedModel's outputs.

    Raises:
        FileNotFoundError: the handle resolves to no local folder (the folder is named).
        ValueError: not a reusable SavedModel, or an input_shape that the SavedModel does
            not accept.

    Example:
        >>> path = tftransfer.backbones.export_hub(fe, "/tmp/encoder")
        >>> with strategy.scope():
        ...     fe2 = tftransfer.backbones.get("hub:/tmp/encoder")
    """
    layer = HubLayer(handle, signature=signature, output_key=output_key, trainable=trainable,
                     name="hub_layer")
    saved = layer.input_spec_shape()
    if input_shape is None:
        if saved is None or any(d is None for d in saved):
            raise ValueError(f"hub:{handle}: `input_shape` must be given: the SavedModel records "
                             f"input shape {saved} (None = unknown). Received: input_shape=None")
        input_shape = saved
    elif saved is not None:
        check_shape_fits(input_shape, saved, "input_shape", owner=f"hub:{handle}")
    saved_dtype = layer.input_spec_dtype()
    if dtype is None:
        dtype = saved_dtype or "float32"
    elif saved_dtype is not None and tf.as_dtype(dtype) != tf.as_dtype(saved_dtype):
        raise ValueError(f"hub:{handle}: `dtype` must be the SavedModel's input dtype "
                         f"{saved_dtype!r}. Received: dtype={dtype!r}")
    inputs = keras.Input(shape=tuple(input_shape), dtype=dtype, name="inputs")
    return keras.Model(inputs, layer(inputs), name=name or "hub")
