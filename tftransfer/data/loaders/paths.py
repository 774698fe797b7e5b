"""Where data lives: the benchmark data folder, and path checks shared by every reader.

The benchmark files are never part of the project: they are read from a data folder,
`data_dir`, given explicitly (`--data-dir` on the experiment command lines) or found by
`default_data_dir()`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional, Union

__all__ = [
    "DATA_DIR_ENV",
    "PathLike",
    "default_data_dir",
    "existing_path",
    "resolve_data_dir",
]

PathLike = Union[str, "os.PathLike[str]"]

DATA_DIR_ENV = "TFTRANSFER_DATA_DIR"
"""Environment variable naming the data folder when no `data_dir` is given."""

_HOW_TO_POINT = f"pass --data-dir (data_dir=...) or set ${DATA_DIR_ENV} to the data folder"


def _project_root() -> Path:
    """The folder that holds the `tftransfer` package folder."""
    return Path(__file__).resolve().parents[3]


def default_data_dir() -> Optional[Path]:
    """The data folder used when a reader gets `data_dir=None`.

    Returns:
        `$TFTRANSFER_DATA_DIR` when it is set and non-empty (even if it does not exist: the
        readers then say so), else `<project root>/../shared/data` when that folder exists
        (the project root is the parent of the `tftransfer` package folder), else None.
    """
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    shared = _project_root().parent / "shared" / "data"
    return shared if shared.is_dir() else None


def resolve_data_dir(data_dir: Optional[PathLike] = None) -> Path:
    """The data folder to read from: `data_dir`, or `default_data_dir()` when it is None.

    Args:
        data_dir: A folder path (str or path-like), or None for the default.

    Returns:
        The folder as a `Path`.

    Raises:
        TypeError: If `data_dir` is neither None nor a path.
        FileNotFoundError: If `data_dir` is None and there is no default folder, or the
            folder does not exist.
    """
    if data_dir is None:
        resolved = default_data_dir()
        if resolved is None:
            raise FileNotFoundError(
                f"No data folder: data_dir=None, ${DATA_DIR_ENV} is unset and the default "
                f"{_project_root().parent / 'shared' / 'data'} does not exist; {_HOW_TO_POINT}"
            )
    elif isinstance(data_dir, (str, os.PathLike)):
        resolved = Path(data_dir).expanduser()
    else:
        raise TypeError(
            f"data_dir must be a path (str or os.PathLike) or None, got {data_dir!r} "
            f"of type {type(data_dir).__name__}"
        )
    if not resolved.is_dir():
        raise FileNotFoundError(f"Data folder {str(resolved)!r} does not exist; {_HOW_TO_POINT}")
    return resolved


def _check_path_type(path, what: str) -> Path:
    if not isinstance(path, (str, os.PathLike)) or (isinstance(path, str) and not path):
        raise TypeError(
            f"{what} path must be a non-empty str or os.PathLike, got {path!r} of type "
            f"{type(path).__name__}"
        )
    return Path(path).expanduser()


def _existing_file(path: PathLike, what: str, hint: str = "check the path") -> Path:
    """`path` as a Path, or FileNotFoundError naming it and `hint` (what to do)."""
    path = _check_path_type(path, what)
    if not path.is_file():
        raise FileNotFoundError(f"{what} file {str(path)!r} not found; {hint}")
    return path


def existing_path(path: PathLike, what: str, *, folder: bool = False) -> Path:
    """`path` as a Path when it exists as a file (or, with `folder`, as a folder).

    Args:
        path: The path to check.
        what: What the path is, for the message ("source", "csv").
        folder: True expects a folder (image folders), False a file.

    Raises:
        TypeError: If `path` is not a str or path-like.
        FileNotFoundError: If nothing is there, or a file is there where a folder is
            expected (or the reverse); the message names the path and what to do.
    """
    path = _check_path_type(path, what)
    if folder and path.is_dir():
        return path
    if not folder and path.is_file():
        return path
    if path.exists():
        expected, found = ("folder", "file") if folder else ("file", "folder")
        raise FileNotFoundError(
            f"{what} {str(path)!r} is a {found}, not a {expected}; check the path"
        )
    parent = path.parent
    hint = "check the path" if parent.is_dir() else f"the folder {str(parent)!r} does not exist"
    kind = "folder" if folder else "file"
    raise FileNotFoundError(f"{what} {kind} {str(path)!r} not found; {hint}")


def _missing_keys_error(path: Path, wanted: Iterable[str], found: Iterable[str]) -> ValueError:
    found = sorted(found)
    return ValueError(
        f"{str(path)!r} lacks the key(s) {sorted(wanted)}; keys found: {found or 'none'}"
    )
