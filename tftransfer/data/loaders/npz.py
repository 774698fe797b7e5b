"""NumPy `.npz` archives (`np.savez`): features and labels as named arrays.

Example:
    >>> np.savez("features.npz", x=x, y=y)
    >>> domain = load_npz("features.npz")            # keys found by name: x / y
    >>> domain = load_npz("pair.npz", side="target")   # Xs/Ys + Xt/Yt in one archive
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer.data.loaders.base import RawData
from tftransfer.data.loaders.keys import KeyOption, keyed_loader, read_keyed
from tftransfer.data.loaders.paths import PathLike, existing_path

__all__ = ["load_npz", "read_npz"]


def read_npz(
    path: PathLike,
    x_key: Optional[str] = None,
    y_key: KeyOption = None,
    side: Optional[str] = None,
) -> RawData:
    """The features and labels of an `.npz` archive, as stored.

    Args:
        path: The `.npz` file.
        x_key: Key of the features `(n, *feature_shape)`; None finds it by name (`x`, `X`,
            `features`, ...; see `tftransfer.data.loaders.keys`).
        y_key: Key of the labels `(n,)`; None finds it by name (none found: unlabelled,
            with a note); False reads no labels.
        side: "source" / "target" for an archive holding a pair (`Xs`/`Xt`).

    Returns:
        The `RawData` (features as stored, labels as stored).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is not an npz archive or a key is missing (the message
            lists the arrays found).
    """
    path = existing_path(path, "npz")
    where = repr(str(path))
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise ValueError(f"Could not read {where} as an .npz archive: {err}") from err
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"{where} holds a single .npy array, not an .npz archive of named arrays")
    with archive:
        shapes = {key: archive[key].shape for key in archive.files}
        return read_keyed(path, "npz", "key", shapes, archive.__getitem__, x_key, y_key, side)


load_npz = keyed_loader(read_npz, "load_npz", """Reads a domain from a NumPy `.npz` archive.

    Args:
        path, x_key, y_key, side: As for `read_npz`.
        num_classes, name, labels, classes: As for `to_domain` (an unlabelled archive
            needs `num_classes` or `classes`).

    Returns:
        The `FileDomain` (x float32, y int32 indexing `class_names`).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the archive cannot be read, a key is missing, or the data fail the
            checks (shape, labels, non-finite values, a single class).
    """)
