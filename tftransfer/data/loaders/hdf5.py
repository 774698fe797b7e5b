"""HDF5 files (`.h5`, `.hdf5`) of named arrays, and the HDF5 layer of MATLAB v7.3 files.

A plain HDF5 file stores numpy-ordered arrays: samples are rows. MATLAB v7.3 `.mat` files
are HDF5 too, but MATLAB writes its column-major arrays as they lie in memory, so h5py sees
every matrix transposed (a MATLAB `X` of size 256 x 2000 reads as (2000, 256)); sparse
matrices are groups (`data`, `ir`, `jc`), and cell arrays of strings hold references to
`uint16` character arrays. `h5_arrays(..., matlab=True)` undoes all three, returning the
arrays as MATLAB shows them; `tftransfer.data.loaders.matlab` then decides which axis holds
the samples.

Example:
    >>> domain = load_hdf5("digits.h5", x_key="train/data", y_key="train/target")
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

import numpy as np
import scipy.sparse

from tftransfer.data.loaders.base import RawData
from tftransfer.data.loaders.keys import KeyOption, keyed_loader, read_keyed
from tftransfer.data.loaders.paths import PathLike, existing_path

__all__ = ["h5_arrays", "h5_shapes", "load_hdf5", "read_hdf5"]


def _open(path: Path):
    import h5py

    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise ValueError(f"Could not read {str(path)!r} as an HDF5 file: {err}") from err


def _matlab_class(obj) -> str:
    value = obj.attrs.get("MATLAB_class", b"")
    return value.decode() if isinstance(value, bytes) else str(value)


def _is_matlab_sparse(obj) -> bool:
    return "MATLAB_sparse" in obj.attrs


def h5_shapes(handle, matlab: bool) -> Dict[str, Tuple[int, ...]]:
    """key -> shape of every array of an open HDF5 file (MATLAB view when `matlab`).

    Nested datasets are keyed by their path ("train/data"); with `matlab`, the `#refs#`
    group (cell contents) is skipped and a sparse matrix group counts as one array.
    """
    import h5py

    shapes: Dict[str, Tuple[int, ...]] = {}

    def visit(name, obj):
        if matlab and name.startswith("#"):
            return
        if matlab and isinstance(obj, h5py.Group) and _is_matlab_sparse(obj):
            rows = int(obj.attrs["MATLAB_sparse"])
            shapes[name] = (rows, int(obj["jc"].shape[0]) - 1)
        elif isinstance(obj, h5py.Dataset) and not any(name.startswith(k + "/") for k in shapes):
            shape = tuple(int(d) for d in obj.shape)
            shapes[name] = shape[::-1] if matlab else shape

    handle.visititems(visit)
    return shapes


def _matlab_strings(handle, dataset) -> np.ndarray:
    """A MATLAB cell array of strings (references to uint16 char arrays) -> str array."""
    refs = dataset[()].T.reshape(-1)
    out = []
    for ref in refs:
        chars = np.asarray(handle[ref][()]).reshape(-1)
        out.append("".join(chr(int(c)) for c in chars))
    return np.asarray(out, dtype=str)


def _h5_array(handle, key: str, matlab: bool):
    obj = handle[key]
    if not matlab:
        return np.asarray(obj[()])
    if _is_matlab_sparse(obj):
        rows = int(obj.attrs["MATLAB_sparse"])
        jc = np.asarray(obj["jc"][()], dtype=np.int64)
        ir = np.asarray(obj["ir"][()], dtype=np.int64) if "ir" in obj else np.zeros(0, np.int64)
        data = np.asarray(obj["data"][()]) if "data" in obj else np.zeros(0)
        return scipy.sparse.csc_matrix((data, ir, jc), shape=(rows, len(jc) - 1))
    kind = _matlab_class(obj)
    if kind == "cell":
        return _matlab_strings(handle, obj)
    value = np.asarray(obj[()])
    if kind == "char":
        # A char matrix: one string per row (MATLAB view), padded with spaces.
        rows = np.atleast_2d(value.T)
        return np.asarray(["".join(chr(int(c)) for c in row).rstrip() for row in rows], dtype=str)
    return value.T  # column-major storage: h5py shows the MATLAB matrix transposed


def h5_arrays(path: Path, keys: Iterable[str], matlab: bool) -> Dict[str, object]:
    """The arrays `keys` of an HDF5 file (MATLAB view when `matlab`: see the module doc)."""
    with _open(path) as handle:
        return {k: _h5_array(handle, k, matlab) for k in keys}


def read_hdf5(
    path: PathLike,
    x_key: Optional[str] = None,
    y_key: KeyOption = None,
    side: Optional[str] = None,
) -> RawData:
    """The features and labels of a plain HDF5 file (samples are rows), as stored.

    Args:
        path: The `.h5` / `.hdf5` file.
        x_key: Path of the features dataset ("train/data"); None finds it by name.
        y_key: Path of the labels; None finds it by name (none found: unlabelled, noted);
            False reads no labels.
        side: "source" / "target" for a file holding a pair (`Xs`/`Xt`).

    Returns:
        The `RawData`.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it is not HDF5 or the arrays are not found (the message lists them).
    """
    path = existing_path(path, "HDF5")
    with _open(path) as handle:
        shapes = h5_shapes(handle, matlab=False)
        return read_keyed(path, "hdf5", "dataset", shapes,
                          lambda key: _h5_array(handle, key, matlab=False), x_key, y_key, side)


load_hdf5 = keyed_loader(
    read_hdf5, "load_hdf5",
    "Reads a domain from a plain HDF5 file (see `read_hdf5`; options as for `load_npz`).")
