"""The backbone registry and `get(spec, input_shape, **options)`.

A spec is either a registered name (`"mlp"`, `"lenet"`) or `"<prefix>:<argument>"`, where the
prefix names a factory that receives the argument (`"file:/models/resnet.h5"`,
`"keras_application:MobileNetV2"`, `"hub:/exports/encoder"`).
"""

from __future__ import annotations

from typing import Callable, Dict, Sequence, Tuple

import keras

from tftransfer._checks import check_instance, check_units
from tftransfer.registry import Registry

BACKBONES: Registry = Registry("backbone")

# prefix -> (factory(argument, input_shape, **options), argument placeholder for messages)
_PREFIXES: Dict[str, Tuple[Callable[..., keras.Model], str]] = {}


def register_prefix(prefix: str, placeholder: str):
    """Registers a factory for specs `"<prefix>:<argument>"` (a decorator).

    The factory is called as `factory(argument, input_shape, **options)`, where
    `input_shape` may be None (the factory then takes the shape from its source or raises).

    Args:
        prefix: The spec prefix, without the colon (e.g. `"file"`).
        placeholder: What the argument is, for error messages (e.g. `"<path>"`).

    Example:
        >>> @register_prefix("file", "<path>")
        ... def file_backbone(path, input_shape=None, **options): ...
    """
    if not isinstance(prefix, str) or not prefix or ":" in prefix:
        raise ValueError("register_prefix: `prefix` must be a non-empty string without ':'. "
                         f"Received: prefix={prefix!r}")

    def _add(factory):
        if prefix in _PREFIXES or prefix in BACKBONES:
            raise ValueError("register_prefix: `prefix` must not be registered yet. "
                             f"Received: prefix={prefix!r}, already registered")
        _PREFIXES[prefix] = (factory, placeholder)
        return factory

    return _add


def prefixes() -> list[str]:
    """The registered spec forms, e.g. `["file:<path>", "hub:<handle-or-path>"]`."""
    return [f"{prefix}:{placeholder}" for prefix, (_, placeholder) in _PREFIXES.items()]


def _split(spec) -> Tuple[str, str | None]:
    check_instance(spec, "spec", str,
                   expected="a string (a backbone name or '<prefix>:<argument>')")
    prefix, sep, argument = spec.partition(":")
    if sep and prefix in _PREFIXES:
        if not argument:
            raise ValueError(f"`spec` must give the argument after '{prefix}:' "
                             f"({prefix}:{_PREFIXES[prefix][1]}). Received: spec={spec!r}, which "
                             "lacks its argument")
        return prefix, argument
    if spec in BACKBONES:
        return spec, None
    raise ValueError(
        f"Unknown backbone {spec!r}. Valid backbones: {', '.join(BACKBONES.names())}; "
        f"or a spec {', '.join(repr(p) for p in prefixes())}"
    )


def check_spec(spec: str) -> None:
    """Raises the error `get` would raise for an unknown spec, without building anything."""
    _split(spec)


def get(spec: str, input_shape: Sequence[int] | None = None, **options) -> keras.Model:
    """Builds the feature extractor named by `spec`.

    Args:
        spec: A registered backbone name (see `names()`) or a prefixed spec (see
            `prefixes()`): `"keras_application:<Name>"`, `"file:<path>"`,
            `"hub:<handle-or-path>"`.
        input_shape: Shape of one example, without the batch dimension. Required for named
            backbones; prefixed backbones may take it from their source when None.
        **options: Passed to the backbone's factory (e.g. `units=(128, 64)` for "mlp",
            `layer="flatten"` for "file:...").

    Returns:
        A built `keras.Model` from inputs to feature vectors.

    Raises:
        ValueError: unknown spec (the valid names and prefixes are listed) or a bad input
            shape.

    Example:
        >>> fe = get("mlp", input_shape=(64,), units=(128, 64))
        >>> fe = get("file:/models/resnet8_cifar10.h5")          # cut before the classifier
    """
    name, argument = _split(spec)
    shape = None
    if input_shape is not None:
        shape = check_units(tuple(input_shape), "input_shape", allow_empty=False,
                            owner="backbones.get")
    if argument is not None:
        return _PREFIXES[name][0](argument, shape, **options)
    if shape is None:
        raise ValueError(f"backbones.get: `input_shape` must be given for backbone {spec!r}, "
                         "e.g. input_shape=(64,). Received: input_shape=None")
    return BACKBONES.get(name)(shape, **options)


def names() -> list[str]:
    """Names of the registered backbones (prefixed spec forms: `prefixes()`)."""
    return BACKBONES.names()


def is_pretrained(spec: str, options=None) -> bool:
    """Whether the backbone `spec` builds comes with trained weights.

    `file:` and `hub:` backbones do (unless `reinitialize=True`), `keras_application:` ones
    when `weights=` names a file; registered names (`mlp`, `lenet`) are trained from scratch.
    Recipes use it to pick the backbone learning-rate multiplier.
    """
    prefix, _ = _split(spec)
    options = dict(options or {})
    if prefix == "keras_application":
        return options.get("weights") is not None
    if prefix in ("file", "hub"):
        return not options.get("reinitialize", False)
    return False


#: Backbones that take a flat vector of any width: a shallow map's k coordinates fit them.
_ANY_WIDTH = ("mlp",)


def reads_input_layout(spec: str) -> bool:
    """Whether the backbone `spec` needs the data's own input layout (a LeNet's square
    images, a file or hub model's input shape) rather than any flat vector (`mlp`).

    The runner writes a subspace map's output back in input coordinates for these
    (`tftransfer.transforms.transform_task(..., input_space=True)`).
    """
    name, argument = _split(spec)
    return argument is not None or name not in _ANY_WIDTH
