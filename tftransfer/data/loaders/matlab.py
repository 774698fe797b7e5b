"""MATLAB `.mat` files: v4-v7.2 (scipy.io) and v7.3 (HDF5, h5py), dense or sparse.

Which arrays: `x_key` / `y_key`, or found by their usual names (`X`, `fts`, `feas`, ...;
`Xs`/`Xt`, `X_src`/`X_tar` in files holding a source/target pair, read with `side=`; see
`tftransfer.data.loaders.keys`).

Which axis holds the samples: MATLAB code stores features either as n x d (one sample per
row: the Office-Caltech SURF files) or d x n (one sample per column: the JDA MNIST/USPS and
Reuters files). Both versions are first brought to the shape MATLAB shows (v7.3 files come
out of h5py transposed: `tftransfer.data.loaders.hdf5`); then `samples_axis="auto"` takes
the axis whose length is the number of labels, or, without labels, the one that does not
match `n_features` (the source's feature count when a target is read for a task), else rows,
and notes what it did. Sparse matrices (scipy sparse in v5, `data/ir/jc` groups in v7.3) are
kept sparse until `to_domain` makes them dense; labels may be a column, a row, sparse, one-hot
or a cell array of class names.

Example:
    >>> domain = load_mat("amazon_SURF_L10.mat")                  # fts (958, 800), labels 1..10
    >>> domain = load_mat("MNIST_vs_USPS.mat", side="target")     # Xt (256 x 1800) -> (1800, 256)
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
import scipy.sparse

from tftransfer.data.loaders.base import FileDomain, RawData, to_domain
from tftransfer.data.loaders.hdf5 import h5_arrays, h5_shapes
from tftransfer.data.loaders.keys import KeyOption, choose_keys, key_listing, keyed_raw_data
from tftransfer.data.loaders.paths import PathLike, existing_path

__all__ = ["SAMPLES_AXES", "is_mat_v73", "load_mat", "read_mat"]

SAMPLES_AXES = ("auto", 0, 1)
"""`samples_axis=` values: 0 = one sample per row, 1 = one sample per column."""

SamplesAxis = Union[str, int]


def is_mat_v73(path: Path) -> bool:
    """Whether `path` is a MATLAB v7.3 file (an HDF5 file)."""
    import h5py

    return bool(h5py.is_hdf5(str(path)))


def _v5_contents(path: Path) -> Dict[str, object]:
    import scipy.io

    try:
        content = scipy.io.loadmat(str(path))
    except (scipy.io.matlab.MatReadError, ValueError, OSError, TypeError, IndexError) as err:
        # IndexError: scipy on a file shorter than the 128-byte header.
        raise ValueError(f"Could not read {str(path)!r} as a MATLAB .mat file: {err}") from err
    return {k: v for k, v in content.items() if not k.startswith("__")}


def _cell_strings(value: np.ndarray):
    """A scipy.io cell array (object array of 1-element arrays) -> str array, else None."""
    items = []
    for item in value.reshape(-1, order="F"):
        item = np.asarray(item).reshape(-1)
        if item.size != 1 or item.dtype.kind not in "US":
            return None
        items.append(str(item[0]))
    return np.asarray(items, dtype=str)


def _labels_vector(y, where: str, key: str):
    """MATLAB labels -> a 1-D array (or a 2-D one-hot matrix, left to the label reader)."""
    if scipy.sparse.issparse(y):
        y = y.toarray()
    y = np.asarray(y)
    if y.dtype == object:
        strings = _cell_strings(y)
        if strings is None:
            raise ValueError(f"{where}: labels {key!r} are a cell array that does not hold one "
                             "string per sample; store numbers or a cell array of strings")
        return strings
    if y.ndim == 2 and 1 in y.shape:
        return y.reshape(-1)
    return y


def _orient(x, key: str, n: Optional[int], samples_axis: SamplesAxis,
            n_features: Optional[int], where: str) -> Tuple[object, Tuple[str, ...]]:
    """`x` with the samples on the first axis, and a note when it was transposed."""
    if x.ndim != 2:
        if n is not None and x.shape[-1] == n and x.shape[0] != n:
            return np.moveaxis(np.asarray(x), -1, 0), (
                f"{where}: {key!r} {x.shape} holds one sample per last index: samples moved "
                "to the first axis",)
        return x, ()
    rows, cols = x.shape
    transposed = (f"{where}: {key!r} is stored one sample per column ({rows} x {cols}): "
                  f"read as {cols} samples of {rows} features",)
    if samples_axis == 0:
        return x, ()
    if samples_axis == 1:
        return x.T, transposed
    if n is not None:
        if rows == n and cols != n:
            return x, ()
        if cols == n and rows != n:
            return x.T, transposed
        if rows == cols == n:
            return x, (f"{where}: {key!r} is square ({rows} x {cols}): rows read as samples; "
                       "pass samples_axis=1 if the columns are the samples",)
        raise ValueError(
            f"{where}: features {key!r} of shape ({rows}, {cols}) do not match the {n} labels "
            "on either axis; check x_key / y_key"
        )
    if n_features is not None:
        if cols == n_features and rows != n_features:
            return x, ()
        if rows == n_features and cols != n_features:
            return x.T, transposed
    return x, (f"{where}: no labels to tell which axis holds the samples: rows read as "
               f"{rows} samples of {cols} features; pass samples_axis=1 if the columns are "
               "the samples",)


def read_mat(
    path: PathLike,
    x_key: Optional[str] = None,
    y_key: KeyOption = None,
    side: Optional[str] = None,
    samples_axis: SamplesAxis = "auto",
    n_features: Optional[int] = None,
) -> RawData:
    """The features and labels of a MATLAB file (v5 or v7.3), samples first.

    Args:
        path: The `.mat` file.
        x_key: Name of the features variable; None finds it by name.
        y_key: Name of the labels variable; None finds it by name (none found:
            unlabelled, with a note); False reads no labels.
        side: "source" / "target" for a file holding a pair (`Xs`/`Xt`, `X_src`/`X_tar`).
        samples_axis: "auto", 0 (a sample per row, as MATLAB shows the matrix) or 1 (a
            sample per column).
        n_features: Expected number of features, used by "auto" only when there are no
            labels (e.g. the source's, for an unlabelled target).

    Returns:
        The `RawData`: x an array or scipy sparse matrix `(n, d)`, labels as stored.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is not a MATLAB file, a variable is missing or the shapes
            do not fit (each message lists the variables and what to pass).
    """
    path = existing_path(path, "MATLAB")
    where = repr(str(path))
    if samples_axis not in SAMPLES_AXES or isinstance(samples_axis, bool):
        raise ValueError("`samples_axis` must be 'auto', 0 or 1. "
                         f"Received: samples_axis={samples_axis!r}")
    if is_mat_v73(path):
        version = "7.3 (HDF5)"
        import h5py

        with h5py.File(path, "r") as handle:
            shapes = h5_shapes(handle, matlab=True)
        x_key, y_key, notes = choose_keys(shapes, where, x_key, y_key, side)
        arrays = h5_arrays(path, [k for k in (x_key, y_key) if k is not None], matlab=True)
    else:
        version = "5 (scipy.io)"
        arrays = _v5_contents(path)
        shapes = {k: tuple(np.shape(v)) for k, v in arrays.items()}
        x_key, y_key, notes = choose_keys(shapes, where, x_key, y_key, side)
    x = arrays[x_key]
    if not scipy.sparse.issparse(x):
        x = np.asarray(x)
        if x.dtype == object or x.dtype.kind in "US":
            raise ValueError(f"{where}: {x_key!r} holds {x.dtype} data, not numeric features")
    y = None
    n = None
    if y_key is not None:
        y = _labels_vector(arrays[y_key], where, y_key)
        n = len(y) if y.ndim == 1 else next((d for d in y.shape if d in x.shape), None)
    x, oriented = _orient(x, x_key, n, samples_axis, n_features, where)
    if scipy.sparse.issparse(x):
        x = x.tocsr()
    storage = "sparse" if scipy.sparse.issparse(x) else "dense"
    return keyed_raw_data(path, "mat", x, y, y_key, "variable", tuple(notes) + oriented,
                          (("version", version), ("variables", key_listing(shapes)),
                           ("read", f"x={x_key!r} ({storage}), y={y_key!r}")))


def load_mat(
    path: PathLike,
    x_key: Optional[str] = None,
    y_key: KeyOption = None,
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
    *,
    side: Optional[str] = None,
    samples_axis: SamplesAxis = "auto",
    n_features: Optional[int] = None,
    labels: str = "auto",
    classes: Optional[Sequence] = None,
) -> FileDomain:
    """Reads a domain from a MATLAB `.mat` file (v5 or v7.3, dense or sparse).

    Args:
        path, x_key, y_key, side, samples_axis, n_features: As for `read_mat`.
        num_classes, name, labels, classes: As for `to_domain`; MATLAB labels are usually
            1-based.

    Returns:
        The `FileDomain` (x float32 `(n, d)`, y int32, `class_names`).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: As for `read_mat`, or when the data fail the checks.
    """
    raw = read_mat(path, x_key, y_key, side, samples_axis, n_features)
    return to_domain(raw, labels=labels, classes=classes, num_classes=num_classes, name=name)
