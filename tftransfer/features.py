"""Feature reuse: run a frozen backbone once, cache its features on disk, train heads on them.

With a frozen backbone every training epoch recomputes the same forward pass. Extracting the
features once and training the head (a Dense layer, an MLP, a shallow transform) on them
gives the same model for a fraction of the cost (`benchmarks/feature_cache.py`: ResNet-8 on
USPS).

The cache is a folder of `.npz` files keyed by two fingerprints:

* the backbone's: its architecture (the Keras config, with layer names replaced by their
  position so that auto-generated names such as `dense_7` do not matter, and `trainable`
  flags dropped, since extraction always runs in inference mode) and the bytes of every
  weight;
* the data's: the array's dtype, shape and bytes.

Changing any weight or any input value gives a different file, so a stale cache is never
read. Files are written atomically (`tftransfer.io.write_npz_atomic`): an interrupted run or
two runs writing the same entry never leave a torn file. Features are always extracted with
`training=False` (BatchNorm uses its moving statistics, dropout is off).

Example:
    >>> fe = tftransfer.backbones.get("file:/data/pretrained/resnet8_cifar10.h5")
    >>> features, hit = cached_features(fe, x_train, cache_dir="cache/")   # hit False
    >>> features, hit = cached_features(fe, x_train, cache_dir="cache/")   # hit True: no forward
    >>> feature_task = extract_task(fe, task, cache_dir="cache/")          # every split mapped
    >>> head = tftransfer.backbones.get("mlp", input_shape=feature_task.input_shape, units=(64,))
    >>> model = tftransfer.methods.get("source_only")(head, num_classes=task.num_classes)
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import warnings
import zipfile
from pathlib import Path
from typing import Dict, Optional, Tuple

import keras
import numpy as np

from tftransfer._checks import as_samples, check_instance, check_int, check_shape_fits
from tftransfer.data.domains import TransferTask
from tftransfer.io import write_npz_atomic

__all__ = ["FORMAT_VERSION", "backbone_fingerprint", "cache_path", "cached_features",
           "data_fingerprint", "extract_features", "extract_task"]

FORMAT_VERSION = 1
"""Version of the cache entries; bump it when what a fingerprint covers changes."""

_SPLITS = ("source_train", "source_val", "target_train", "target_test")


# ----------------------------------------------------------------------- validation
def _check_backbone(backbone, owner: str) -> None:
    check_instance(backbone, "backbone", keras.Model, owner=owner,
                   expected="a keras.Model (e.g. tftransfer.backbones.get(...))")


def _check_input_shape(backbone: keras.Model, x: np.ndarray) -> None:
    try:
        inputs = backbone.inputs
    except (AttributeError, ValueError):  # a subclassed model: its call will say
        return
    if not inputs:
        return
    if len(inputs) != 1:
        raise ValueError(f"`backbone` must have one input for feature extraction. "
                         f"Received: backbone {backbone.name!r} with {len(inputs)} inputs")
    check_shape_fits(x.shape[1:], inputs[0].shape[1:], "x", owner=f"backbone {backbone.name!r}",
                     received=f"x of shape {x.shape} (examples of shape {x.shape[1:]})")


# ----------------------------------------------------------------------- fingerprints
def _add_name(name, names: Dict[str, str]) -> None:
    if isinstance(name, str) and name not in names:
        names[name] = f"<layer {len(names)}>"


def _layer_names(layer, names: Dict[str, str]) -> None:
    """Maps every (nested) layer name to its position in a depth-first walk."""
    _add_name(layer.name, names)
    for sub in getattr(layer, "layers", None) or []:
        _layer_names(sub, names)


def _config_layer_names(config, names: Dict[str, str]) -> None:
    """Adds the names of the layers listed in a config (a Sequential's InputLayer is not in
    `model.layers` but is in its config)."""
    if isinstance(config, dict):
        for item in config.get("layers") if isinstance(config.get("layers"), list) else []:
            if isinstance(item, dict) and isinstance(item.get("config"), dict):
                _add_name(item["config"].get("name"), names)
        for value in config.values():
            _config_layer_names(value, names)
    elif isinstance(config, (list, tuple)):
        for value in config:
            _config_layer_names(value, names)


def _canonical(config, names: Dict[str, str]):
    if isinstance(config, dict):
        return {k: _canonical(v, names) for k, v in config.items() if k != "trainable"}
    if isinstance(config, (list, tuple)):
        return [_canonical(v, names) for v in config]
    if isinstance(config, str):
        return names.get(config, config)
    return config


def _architecture(backbone: keras.Model):
    """The backbone's config with layer names replaced by their position, so that
    auto-generated names (`dense_7`) do not matter; `trainable` flags dropped."""
    names: Dict[str, str] = {}
    _layer_names(backbone, names)
    try:
        config = backbone.get_config()
    except Exception:  # a subclassed model without get_config: its layer types and shapes
        return [[type(layer).__name__, [list(w.shape) for w in layer.weights]]
                for layer in getattr(backbone, "layers", [])]
    _config_layer_names(config, names)
    return _canonical(config, names)


def backbone_fingerprint(backbone: keras.Model) -> str:
    """A SHA-256 hex digest of the backbone's architecture and weights.

    Equal for two backbones that compute the same features (same config up to layer names
    and trainable flags, same weight values); different as soon as one weight changes.

    Raises:
        TypeError: `backbone` is not a `keras.Model`.

    Example:
        >>> fe = tftransfer.backbones.get("mlp", input_shape=(8,))
        >>> backbone_fingerprint(fe) == backbone_fingerprint(fe)
        True
    """
    _check_backbone(backbone, "backbone_fingerprint")
    digest = hashlib.sha256()
    header = {"format": FORMAT_VERSION, "class": type(backbone).__qualname__,
              "architecture": _architecture(backbone)}
    digest.update(json.dumps(header, sort_keys=True, default=str).encode("utf8"))
    for weight in backbone.weights:  # the order is fixed by the architecture
        value = np.ascontiguousarray(keras.ops.convert_to_numpy(weight))
        digest.update(f"|{value.dtype.str}{value.shape}|".encode("utf8"))
        digest.update(value.data)
    return digest.hexdigest()


def data_fingerprint(x) -> str:
    """A SHA-256 hex digest of an array's dtype, shape and bytes.

    Example:
        >>> data_fingerprint(np.zeros((2, 3))) == data_fingerprint(np.zeros((2, 3), "float32"))
        False
    """
    x = np.ascontiguousarray(x)
    digest = hashlib.sha256(f"{x.dtype.str}{x.shape}|".encode("utf8"))
    digest.update(x.data)
    return digest.hexdigest()


def cache_path(cache_dir, backbone_fp: str, data_fp: str) -> Path:
    """The cache entry of one (backbone, data) pair: `<cache_dir>/<backbone>/<data>.npz`.

    One folder per backbone, so the features of a backbone are removed with its folder.
    """
    check_instance(cache_dir, "cache_dir", (str, os.PathLike), owner="cache_path",
                   expected="a path (str or os.PathLike)")
    return Path(cache_dir) / backbone_fp[:20] / f"{data_fp[:20]}.npz"


# ----------------------------------------------------------------------- extraction
def _forward(backbone: keras.Model, x: np.ndarray, batch_size: int) -> np.ndarray:
    """The one forward pass over `x` in inference mode (counted by the tests)."""
    return np.asarray(backbone.predict(x, batch_size=batch_size, verbose=0))


def _read_entry(path: Path, backbone_fp: str, data_fp: str, n: int) -> Optional[np.ndarray]:
    """The features stored at `path`, or None when absent, unreadable or not this pair's."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as entry:
            if (int(entry["format"]) != FORMAT_VERSION or str(entry["backbone"]) != backbone_fp
                    or str(entry["data"]) != data_fp):
                return None  # a prefix collision or an older format: recompute
            features = entry["features"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        warnings.warn(f"feature cache entry {str(path)!r} is unreadable ({error}); recomputing it",
                      RuntimeWarning, stacklevel=3)
        return None
    return features if features.shape[:1] == (n,) else None


def _cached(backbone, x, cache_dir, batch_size, backbone_fp=None) -> Tuple[np.ndarray, bool]:
    _check_input_shape(backbone, x)
    if cache_dir is None:
        return _forward(backbone, x, batch_size), False
    backbone_fp = backbone_fp or backbone_fingerprint(backbone)
    data_fp = data_fingerprint(x)
    path = cache_path(cache_dir, backbone_fp, data_fp)
    features = _read_entry(path, backbone_fp, data_fp, len(x))
    if features is not None:
        return features, True
    features = _forward(backbone, x, batch_size)
    write_npz_atomic(path, features=features, backbone=np.array(backbone_fp),
                     data=np.array(data_fp), format=np.array(FORMAT_VERSION))
    return features, False


def cached_features(backbone: keras.Model, x, cache_dir, *,
                    batch_size: int = 256) -> Tuple[np.ndarray, bool]:
    """The backbone's features of `x`, read from the cache or extracted and stored there.

    Args:
        backbone: A `keras.Model` from inputs to features (its weights are not changed;
            extraction runs with `training=False`).
        x: Inputs of shape `(n, *input_shape)`, n >= 1.
        cache_dir: Cache folder (created when missing); None extracts without caching.
        batch_size: Examples per forward batch.

    Returns:
        `(features, hit)`: the features, `(n, *feature_shape)`, and whether they came from
        the cache (no forward pass).

    Raises:
        TypeError: `backbone` is not a `keras.Model`, or `x` is not numeric.
        ValueError: `x` is empty or its example shape is not the backbone's input shape,
            or a bad `batch_size`.

    Example:
        >>> f, hit = cached_features(fe, x, cache_dir="cache/")
    """
    owner = "cached_features"
    _check_backbone(backbone, owner)
    x = as_samples(x, "x", owner=owner)
    return _cached(backbone, x, cache_dir, check_int(batch_size, "batch_size", minimum=1,
                                                    owner=owner))


def extract_features(backbone: keras.Model, x, *, cache_dir=None, batch_size: int = 256) -> np.ndarray:
    """The backbone's features of `x` (inference mode), cached in `cache_dir` when given.

    See `cached_features` for the arguments and errors.

    Example:
        >>> features = extract_features(fe, x, cache_dir="cache/")   # (n, 64) for ResNet-8
    """
    return cached_features(backbone, x, cache_dir, batch_size=batch_size)[0]


def extract_task(backbone: keras.Model, task: TransferTask, *, cache_dir=None,
                 batch_size: int = 256) -> TransferTask:
    """The task with every split's inputs replaced by the backbone's features.

    Labels, split names and the task name are kept, so any method (`source_only` with a
    Dense or MLP head, DANN on features, `tftransfer.transforms.transform_task`) trains on
    the result. Splits that share one array (the transductive protocol's target) are
    extracted once.

    Args:
        backbone: The frozen feature extractor.
        task: A `TransferTask` whose input shape is the backbone's.
        cache_dir: Cache folder; None extracts without caching.
        batch_size: Examples per forward batch.

    Returns:
        A `TransferTask` with feature arrays, input shape = the backbone's feature shape.

    Raises:
        TypeError: `backbone` is not a `keras.Model` or `task` not a `TransferTask`.
        ValueError: the task's input shape is not the backbone's.

    Example:
        >>> feature_task = extract_task(fe, usps_task, cache_dir="cache/")
        >>> feature_task.input_shape
        (64,)
    """
    _check_backbone(backbone, "extract_task")
    check_instance(task, "task", TransferTask, owner="extract_task")
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner="extract_task")
    backbone_fp = backbone_fingerprint(backbone) if cache_dir is not None else None
    done: Dict[int, np.ndarray] = {}  # id(input array) -> features
    splits = {}
    for split in _SPLITS:
        domain = getattr(task, split)
        if id(domain.x) not in done:
            done[id(domain.x)] = _cached(backbone, domain.x, cache_dir, batch_size, backbone_fp)[0]
        splits[split] = dataclasses.replace(domain, x=done[id(domain.x)])
    return dataclasses.replace(task, **splits)
