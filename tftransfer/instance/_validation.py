"""Array and argument checks shared by the instance-transfer tools (private)."""

from __future__ import annotations

import math
import numbers

import numpy as np


def as_2d_float64(x, name: str, owner: str, *, allow_1d: bool = False) -> np.ndarray:
    """`x` as a finite, non-empty float64 (n, d) array (1-D is one feature if `allow_1d`)."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{owner}: `{name}` must be a numeric array, got {type(x).__name__}."
        ) from err
    if arr.ndim == 1 and allow_1d:
        arr = arr[:, None]
    if arr.ndim != 2:
        also = " or 1-D (one feature)" if allow_1d else ""
        raise ValueError(
            f"{owner}: `{name}` must be 2-D (n_samples, n_features){also}, "
            f"got shape {arr.shape}."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{owner}: `{name}` is empty (shape {arr.shape}).")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{owner}: `{name}` contains NaN or infinite values.")
    return arr


def check_same_features(xs: np.ndarray, xt: np.ndarray, owner: str, names=("xs", "xt")) -> None:
    if xs.shape[1] != xt.shape[1]:
        raise ValueError(
            f"{owner}: `{names[0]}` and `{names[1]}` must have the same number of features, "
            f"got {xs.shape[1]} and {xt.shape[1]}."
        )


def as_labels(y, n: int, name: str, owner: str) -> np.ndarray:
    """`y` as a 1-D label array of length `n` (a (n, 1) column is flattened)."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{owner}: `{name}` must be 1-D class labels, got shape {arr.shape}."
        )
    if arr.shape[0] != n:
        raise ValueError(
            f"{owner}: `{name}` has {arr.shape[0]} labels for {n} samples."
        )
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{owner}: `{name}` contains NaN or infinite labels.")
    return arr


def check_int(value, name: str, owner: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{owner} `{name}` must be an int >= {minimum}, "
            f"got {value!r} of type {type(value).__name__}."
        )
    if value < minimum:
        raise ValueError(f"{owner} `{name}` must be an int >= {minimum}, got {value!r}.")
    return int(value)


def check_float(value, name: str, owner: str, *, positive: bool = True) -> float:
    allowed = "> 0" if positive else ">= 0"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{owner} `{name}` must be a finite real {allowed}, "
            f"got {value!r} of type {type(value).__name__}."
        )
    out = float(value)
    if not math.isfinite(out) or out < 0 or (positive and out == 0):
        raise ValueError(f"{owner} `{name}` must be a finite real {allowed}, got {value!r}.")
    return out
