"""Argument and array checks with one message form, used across tftransfer.

Every message follows Keras' style: what was expected, then what was received, e.g.

    MDD: `margin` must be a number > 0. Received: margin=-1

Type errors (a string where a number belongs, a bool where an int belongs) raise
`TypeError`; values out of range raise `ValueError`.
"""

from __future__ import annotations

import math
import numbers
from typing import Iterable, Optional, Sequence

import numpy as np


def _prefix(owner: Optional[str]) -> str:
    return f"{owner}: " if owner else ""


def _fail(kind, owner, name, expected, value):
    raise kind(f"{_prefix(owner)}`{name}` must be {expected}. Received: {name}={value!r}")


def _number(value) -> str:
    return str(value) if isinstance(value, numbers.Integral) else f"{value:g}"


def _range_text(minimum, maximum, low_open=False, high_open=False) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if low_open else '>='} {_number(minimum)}")
    if maximum is not None:
        parts.append(f"{'<' if high_open else '<='} {_number(maximum)}")
    return " and ".join(parts)


def check_int(value, name: str, *, minimum: Optional[int] = None, maximum: Optional[int] = None,
              owner: Optional[str] = None, allow_none: bool = False) -> Optional[int]:
    """`value` as an int within [minimum, maximum] (bools rejected)."""
    if value is None and allow_none:
        return None
    expected = " ".join(filter(None, ["an int", _range_text(minimum, maximum)]))
    if allow_none:
        expected += " or None"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        _fail(TypeError, owner, name, expected, value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        _fail(ValueError, owner, name, expected, value)
    return int(value)


def check_float(value, name: str, *, minimum: Optional[float] = None,
                maximum: Optional[float] = None, low_open: bool = False, high_open: bool = False,
                owner: Optional[str] = None, allow_none: bool = False) -> Optional[float]:
    """`value` as a finite float within the range (open ends with `low_open`/`high_open`)."""
    if value is None and allow_none:
        return None
    expected = " ".join(filter(None, ["a finite number",
                                      _range_text(minimum, maximum, low_open, high_open)]))
    if allow_none:
        expected += " or None"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(TypeError, owner, name, expected, value)
    out = float(value)
    if not math.isfinite(out):
        _fail(ValueError, owner, name, expected, value)
    if minimum is not None and (out < minimum or (low_open and out == minimum)):
        _fail(ValueError, owner, name, expected, value)
    if maximum is not None and (out > maximum or (high_open and out == maximum)):
        _fail(ValueError, owner, name, expected, value)
    return out


def check_positive(value, name: str, *, owner: Optional[str] = None) -> float:
    """A finite number > 0."""
    return check_float(value, name, minimum=0.0, low_open=True, owner=owner)


def check_non_negative(value, name: str, *, owner: Optional[str] = None) -> float:
    """A finite number >= 0."""
    return check_float(value, name, minimum=0.0, owner=owner)


def check_fraction(value, name: str, *, owner: Optional[str] = None,
                   open_ends: bool = True) -> float:
    """A number in (0, 1) (or [0, 1] when `open_ends` is False)."""
    return check_float(value, name, minimum=0.0, maximum=1.0, low_open=open_ends,
                       high_open=open_ends, owner=owner)


def check_dropout(value, name: str = "dropout", *, owner: Optional[str] = None) -> float:
    """A dropout rate, in [0, 1)."""
    return check_float(value, name, minimum=0.0, maximum=1.0, high_open=True, owner=owner)


def check_bool(value, name: str, *, owner: Optional[str] = None) -> bool:
    """A real bool (numpy bools accepted)."""
    if not isinstance(value, (bool, np.bool_)):
        _fail(TypeError, owner, name, "True or False", value)
    return bool(value)


def check_choice(value, name: str, choices: Iterable, *, owner: Optional[str] = None):
    """`value` if it is one of `choices`, else a ValueError listing them."""
    choices = tuple(choices)
    try:
        ok = value in choices
    except TypeError:  # unhashable
        ok = False
    if not ok:
        _fail(ValueError, owner, name, "one of " + ", ".join(repr(c) for c in choices), value)
    return value


def check_instance(value, name: str, types, *, owner: Optional[str] = None,
                   expected: Optional[str] = None):
    """`value` if it is an instance of `types` (a class or tuple), else a TypeError.

    `expected` replaces the default text, "a <Class>" ("a A or a B" for a tuple).
    """
    if not isinstance(value, types):
        if expected is None:
            classes = types if isinstance(types, tuple) else (types,)
            expected = " or ".join(f"a {cls.__name__}" for cls in classes)
        raise TypeError(f"{_prefix(owner)}`{name}` must be {expected}. "
                        f"Received: {name} of type {type(value).__name__}")
    return value


def check_units(value, name: str, *, owner: Optional[str] = None,
                allow_empty: bool = True, length: Optional[int] = None) -> tuple:
    """A sequence of ints >= 1 (layer widths, a shape, an image size) as a tuple.

    With `length`, exactly that many, e.g. `length=2` for (height, width).
    """
    expected = f"a sequence of {length or ''} ints >= 1".replace("  ", " ")
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        _fail(TypeError, owner, name, expected, value)
    if not value and not allow_empty:
        _fail(ValueError, owner, name, "a non-empty sequence of ints >= 1", value)
    if length is not None and len(value) != length:
        _fail(ValueError, owner, name, expected, value)
    for unit in value:
        if isinstance(unit, bool) or not isinstance(unit, numbers.Integral) or unit < 1:
            _fail(ValueError, owner, name, expected, value)
    return tuple(int(u) for u in value)


def _as_numeric(x, name: str, owner: Optional[str], dtype) -> np.ndarray:
    try:
        return np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{_prefix(owner)}`{name}` must be a numeric array. "
                        f"Received: {name} of type {type(x).__name__}") from err


def as_float_array(x, name: str, *, ndim: Optional[int] = None, owner: Optional[str] = None,
                   dtype=np.float64, allow_empty: bool = False) -> np.ndarray:
    """`x` as a finite float array (with `ndim` axes if given; non-empty unless allowed)."""
    arr = _as_numeric(x, name, owner, dtype)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{_prefix(owner)}`{name}` must be {ndim}-D. "
                         f"Received: {name} of shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{_prefix(owner)}`{name}` must be non-empty. "
                         f"Received: {name} of shape {arr.shape}")
    return check_all_finite(arr, name, owner=owner)


def as_samples(x, name: str, *, owner: Optional[str] = None, dtype=None) -> np.ndarray:
    """`x` as a numeric array of shape (n, *features) with n >= 1 (bools count as numeric).

    Unlike `as_float_array`, strings and objects are rejected, not parsed. With `dtype`
    the array is cast (no copy when it already has that dtype). Values are not checked.
    """
    arr = np.asarray(x)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{_prefix(owner)}`{name}` must be a numeric array. "
                        f"Received: {name} of dtype {arr.dtype}")
    if arr.ndim < 2 or arr.shape[0] == 0:
        raise ValueError(f"{_prefix(owner)}`{name}` must have shape (n, *features) with n >= 1. "
                         f"Received: {name} of shape {arr.shape}")
    return arr if dtype is None else arr.astype(dtype, copy=False)


def as_2d_float(x, name: str, *, owner: Optional[str] = None, min_rows: int = 1,
                dtype=np.float64, allow_1d: bool = False) -> np.ndarray:
    """`x` as a finite (n, d) array with n >= `min_rows`, d >= 1 (1-D is one feature if allowed)."""
    arr = _as_numeric(x, name, owner, dtype)
    if arr.ndim == 1 and allow_1d:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{_prefix(owner)}`{name}` must be 2-D (n_samples, n_features). "
                         f"Received: {name} of shape {arr.shape}")
    if arr.shape[0] < min_rows or arr.shape[1] < 1:
        raise ValueError(f"{_prefix(owner)}`{name}` needs at least {min_rows} sample(s) and 1 "
                         f"feature. Received: {name} of shape {arr.shape}")
    check_all_finite(arr, name, owner=owner)
    return arr


def check_all_finite(arr: np.ndarray, name: str, *, owner: Optional[str] = None,
                     note: Optional[str] = None) -> np.ndarray:
    """`arr` unchanged if every value is finite, else a ValueError counting the bad ones.

    `note`, if given, says why in parentheses after what was expected.
    """
    finite = np.isfinite(arr)
    if not finite.all():
        bad = int(arr.size - finite.sum())
        nan = int(np.isnan(arr).sum())
        why = f" ({note})" if note else ""
        raise ValueError(f"{_prefix(owner)}`{name}` must hold finite values{why}. Received: "
                         f"{bad} non-finite values ({nan} NaN, {bad - nan} inf) in {name} of "
                         f"shape {arr.shape}")
    return arr


def check_same_features(a: np.ndarray, b: np.ndarray, names: Sequence[str] = ("Xs", "Xt"), *,
                        owner: Optional[str] = None) -> None:
    """Both arrays have the same number of columns."""
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(f"{_prefix(owner)}`{names[0]}` and `{names[1]}` must have the same "
                         f"feature shape. Received: {names[0]} of shape {a.shape}, {names[1]} of "
                         f"shape {b.shape}")


def check_fitted_features(x: np.ndarray, n_features: int, name: str = "X", *,
                          owner: Optional[str] = None) -> np.ndarray:
    """`x` (n, d) unchanged if d is the `n_features` its estimator was fitted on."""
    if x.shape[1] != n_features:
        raise ValueError(f"{_prefix(owner)}`{name}` must have the {n_features} features the "
                         f"estimator was fitted on. Received: {name} of shape {x.shape}")
    return x


def check_shape_fits(shape, expected, name: str, *, owner: Optional[str] = None,
                     received: Optional[str] = None) -> tuple:
    """`shape` as a tuple if it fits a model's input shape `expected` (None there: any size).

    `received` replaces the default "name=shape" after "Received:".
    """
    shape, expected = tuple(shape), tuple(expected)
    if len(shape) != len(expected) or any(e is not None and e != s
                                          for e, s in zip(expected, shape)):
        raise ValueError(f"{_prefix(owner)}`{name}` must fit the input shape {expected} "
                         f"(None = any). Received: {received or f'{name}={shape}'}")
    return shape


def as_labels(y, n: int, name: str = "y", *, owner: Optional[str] = None,
              num_classes: Optional[int] = None, indices: bool = True) -> np.ndarray:
    """`y` as a 1-D int array of `n` class indices (a (n, 1) column is flattened).

    With `num_classes`, every label must lie in [0, num_classes). With `indices=False`
    the labels may be any values (strings, floats; a classifier encodes them itself):
    only their shape and, for floats, finiteness are checked, and they come back as given.
    """
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{_prefix(owner)}`{name}` must be 1-D class labels. "
                         f"Received: {name} of shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"{_prefix(owner)}`{name}` must hold one label per sample ({n}). "
                         f"Received: {arr.shape[0]} labels")
    if not indices:
        return check_all_finite(arr, name, owner=owner) if arr.dtype.kind in "fc" else arr
    if arr.dtype.kind == "f":
        check_all_finite(arr, name, owner=owner)
        fractional = arr[arr != np.round(arr)]
        if fractional.size:
            raise ValueError(f"{_prefix(owner)}`{name}` must hold integer class indices. "
                             f"Received: non-integer values such as {fractional[0].item()!r}")
    elif arr.dtype.kind not in "iub":
        raise TypeError(f"{_prefix(owner)}`{name}` must hold integer class indices. "
                        f"Received: {name} of dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if num_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(f"{_prefix(owner)}`{name}` must lie in [0, {num_classes}). "
                         f"Received: labels from {arr.min()} to {arr.max()}")
    return arr
