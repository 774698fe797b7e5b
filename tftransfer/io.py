"""Atomic file writes: a reader never sees half a file, an interrupted run leaves no torn file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_atomic(path, mode: str, write) -> None:
    """Calls `write(handle)` on a temporary file in `path`'s folder, then renames it to `path`.

    The file gets the permissions of an ordinary new file (0666 less the umask), not the
    temporary file's private 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, mode) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path, text: str) -> None:
    """Writes `text` to `path` through a temporary file in the same folder and a rename."""
    _write_atomic(path, "w", lambda handle: handle.write(text))


def write_bytes_atomic(path, data: bytes) -> None:
    """Writes `data` to `path` through a temporary file in the same folder and a rename."""
    _write_atomic(path, "wb", lambda handle: handle.write(data))


def write_json_atomic(path, data) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def write_npz_atomic(path, **arrays) -> None:
    """Writes `arrays` to the `.npz` file `path` (uncompressed) through a temporary file and a rename.

    Example:
        >>> write_npz_atomic("cache/features.npz", features=f, fingerprint=np.array("ab12"))
    """
    # To the open handle: numpy appends no suffix.
    _write_atomic(path, "wb", lambda handle: np.savez(handle, **arrays))
