"""Argument and array checks shared by the shallow transforms (private)."""

from __future__ import annotations

import math
import numbers
from typing import Iterable

import numpy as np


def check_int(value, name: str, owner: str, *, minimum: int = 1) -> int:
    """`value` as an int >= `minimum` (bools rejected), else a TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{owner} `{name}` must be an int >= {minimum}, "
            f"got {value!r} of type {type(value).__name__}."
        )
    if value < minimum:
        raise ValueError(f"{owner} `{name}` must be an int >= {minimum}, got {value!r}.")
    return int(value)


def check_float(value, name: str, owner: str, *, positive: bool = False) -> float:
    """`value` as a finite float >= 0 (> 0 when `positive`), else a TypeError/ValueError."""
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


def check_choice(value, name: str, owner: str, choices: Iterable[str]) -> str:
    """`value` if it is one of `choices`, else a ValueError listing them."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"{owner} `{name}` must be one of {', '.join(repr(c) for c in choices)}, "
            f"got {value!r}."
        )
    return value


def as_2d_float64(x, name: str, owner: str, *, min_rows: int = 1) -> np.ndarray:
    """`x` as a finite float64 (n, d) array with n >= `min_rows` and d >= 1."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{owner}: `{name}` must be a numeric array, got {type(x).__name__}.") \
            from err
    if arr.ndim != 2:
        raise ValueError(
            f"{owner}: `{name}` must be 2-D (n_samples, n_features), got shape {arr.shape}."
        )
    if arr.shape[0] < min_rows or arr.shape[1] < 1:
        raise ValueError(
            f"{owner}: `{name}` needs at least {min_rows} sample(s) and 1 feature, "
            f"got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{owner}: `{name}` contains NaN or infinite values.")
    return arr


def check_pair(xs, xt, owner: str, *, min_rows: int = 2):
    """Source and target as float64 2-D arrays with the same number of features."""
    xs = as_2d_float64(xs, "Xs", owner, min_rows=min_rows)
    xt = as_2d_float64(xt, "Xt", owner, min_rows=min_rows)
    if xs.shape[1] != xt.shape[1]:
        raise ValueError(
            f"{owner}: `Xs` and `Xt` must have the same number of features, "
            f"got {xs.shape[1]} and {xt.shape[1]}."
        )
    return xs, xt
