"""Readers for data on disk: the data folder, and the generic formats npz, svmlight, images.

Every reader returns a validated `Domain` (features float32, labels int32 in
`[0, num_classes)`); the benchmark files (Office-Caltech10, MNIST/USPS, DeCAF) are read by
`tftransfer.data.benchmarks`, which also builds their transfer tasks.

The benchmark files are never part of the project: they are read from a data folder,
`data_dir`, given explicitly (`--data-dir` on the experiment command lines) or found by
`default_data_dir()`.

Example:
    >>> domain = load_npz("features.npz", x_key="x", y_key="y")
    >>> domain = load_image_folder("photos/", image_size=(32, 32))  # photos/<class>/*.png
    >>> image_folder_class_names("photos/")                           # label i = name i
    ['cat', 'dog']
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from tftransfer.data.domains import Domain

__all__ = [
    "DATA_DIR_ENV",
    "default_data_dir",
    "image_folder_class_names",
    "load_image_folder",
    "load_npz",
    "load_svmlight",
    "resolve_data_dir",
]

PathLike = Union[str, "os.PathLike[str]"]

DATA_DIR_ENV = "TFTRANSFER_DATA_DIR"
"""Environment variable naming the data folder when no `data_dir` is given."""

_HOW_TO_POINT = f"pass --data-dir (data_dir=...) or set ${DATA_DIR_ENV} to the data folder"
_COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}


def _project_root() -> Path:
    """The folder that holds the `tftransfer` package folder."""
    return Path(__file__).resolve().parents[2]


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


def _existing_file(path: PathLike, what: str, hint: str = "check the path") -> Path:
    """`path` as a Path, or FileNotFoundError naming it and `hint` (what to do)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{what} path must be a str or os.PathLike, got {path!r} of type {type(path).__name__}"
        )
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{what} file {str(path)!r} not found; {hint}")
    return path


def _missing_keys_error(path: Path, wanted: Iterable[str], found: Iterable[str]) -> ValueError:
    found = sorted(found)
    return ValueError(
        f"{str(path)!r} lacks the key(s) {sorted(wanted)}; keys found: {found or 'none'}"
    )


def _infer_num_classes(y: Optional[np.ndarray], num_classes: Optional[int], where: str) -> int:
    """`num_classes`, or max(y) + 1 when it is None (the Domain checks the range)."""
    if num_classes is not None:
        return num_classes
    if y is None:
        raise ValueError(f"{where}: num_classes is required for unlabelled data, got None")
    y = np.asarray(y)
    if y.size == 0 or not np.issubdtype(y.dtype, np.number):
        raise ValueError(
            f"{where}: cannot infer num_classes from labels of shape {y.shape} and dtype "
            f"{y.dtype}; pass num_classes"
        )
    return max(int(np.max(y)) + 1, 2)


def _default_name(path: Path, name: Optional[str]) -> str:
    return path.stem if name is None else name


# --------------------------------------------------------------------------- npz


def load_npz(
    path: PathLike,
    x_key: str = "x",
    y_key: Optional[str] = "y",
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
) -> Domain:
    """Reads a domain from a NumPy `.npz` archive (`np.savez`).

    Args:
        path: The `.npz` file.
        x_key: Key of the features, shape `(n, *feature_shape)`.
        y_key: Key of the integer labels, shape `(n,)` in `[0, num_classes)`; None for an
            unlabelled domain (then `num_classes` is required).
        num_classes: Number of classes; None infers `max(y) + 1` (at least 2).
        name: Domain name; None uses the file name without its suffix.

    Returns:
        The `Domain` (x float32, y int32).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is not an npz archive, a key is missing (the message lists
            the keys found), or the arrays fail the `Domain` checks (shape, label range,
            non-finite values).
    """
    path = _existing_file(path, "npz")
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as err:
        raise ValueError(f"Could not read {str(path)!r} as an .npz archive: {err}") from err
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(
            f"{str(path)!r} holds a single .npy array, not an .npz archive of named arrays"
        )
    with archive:
        wanted = [x_key] + ([] if y_key is None else [y_key])
        missing = [k for k in wanted if k not in archive.files]
        if missing:
            raise _missing_keys_error(path, missing, archive.files)
        x = archive[x_key]
        y = None if y_key is None else archive[y_key]
    num_classes = _infer_num_classes(y, num_classes, str(path))
    return Domain(_default_name(path, name), x, y, num_classes=num_classes)


# --------------------------------------------------------------------------- svmlight


def load_svmlight(
    path: PathLike,
    n_features: Optional[int] = None,
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
    *,
    zero_based_labels: bool = True,
    zero_based_features: Union[bool, str] = "auto",
) -> Domain:
    """Reads a domain from an svmlight / libsvm text file, as dense float32 features.

    Uses `sklearn.datasets.load_svmlight_file`. Labels must be whole numbers (one label per
    line; multilabel files are not supported).

    Args:
        path: The svmlight file.
        n_features: Number of features; None takes the largest index in the file, so pass
            it when reading several files that must agree.
        num_classes: Number of classes; None infers `max(y) + 1` (after any shift).
        name: Domain name; None uses the file name without its suffix.
        zero_based_labels: True (default) reads labels as classes `0..K-1`. False declares
            them 1-based (`1..K`, as many libsvm files are) and subtracts 1. Nothing is
            guessed: with True, labels that start at 1 keep an empty class 0 and a warning
            suggests `zero_based_labels=False`.
        zero_based_features: Whether feature indices start at 0 (True), at 1 (False), or
            "auto" (sklearn's detection; it assumes 1-based when no index 0 occurs).

    Returns:
        The `Domain` (x float32 of shape `(n, n_features)`, y int32).

    Raises:
        FileNotFoundError: If the file does not exist.
        TypeError: If `zero_based_labels` is not a bool.
        ValueError: If the file cannot be parsed, a label is not a whole number, a 1-based
            file holds label 0, or the labels fail the `Domain` range check.
    """
    from sklearn.datasets import load_svmlight_file

    path = _existing_file(path, "svmlight")
    if not isinstance(zero_based_labels, (bool, np.bool_)):
        raise TypeError(f"zero_based_labels must be a bool, got {zero_based_labels!r}")
    if zero_based_features not in (True, False, "auto"):
        raise ValueError(
            f"zero_based_features must be True, False or 'auto', got {zero_based_features!r}"
        )
    try:
        x, y = load_svmlight_file(
            str(path), n_features=n_features, dtype=np.float32, zero_based=zero_based_features
        )
    except ValueError as err:
        raise ValueError(f"Could not parse {str(path)!r} as an svmlight file: {err}") from err
    y = np.asarray(y)
    if not np.all(y == np.round(y)):
        bad = y[y != np.round(y)][0]
        raise ValueError(
            f"{str(path)!r}: labels must be whole numbers (class indices), got e.g. {float(bad)}"
        )
    if not zero_based_labels:
        if y.size and y.min() < 1:
            raise ValueError(
                f"{str(path)!r}: zero_based_labels=False declares labels 1..K, but the file "
                f"holds label {int(y.min())}; use zero_based_labels=True for 0-based labels"
            )
        y = y - 1
    elif y.size and y.min() >= 1 and num_classes is None:
        warnings.warn(
            f"{str(path)!r}: the labels start at {int(y.min())}, so class 0 is empty; if they "
            "are 1-based, pass zero_based_labels=False",
            stacklevel=2,
        )
    num_classes = _infer_num_classes(y, num_classes, str(path))
    return Domain(_default_name(path, name), x.toarray(), y, num_classes=num_classes)


# --------------------------------------------------------------------------- image folders


def image_folder_class_names(path: PathLike) -> List[str]:
    """The class names of an image folder: its sub-folders, sorted (label i = name i).

    Args:
        path: A folder holding one sub-folder of images per class.

    Returns:
        The sorted sub-folder names.

    Raises:
        FileNotFoundError: If `path` is not an existing folder.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"Image folder {str(folder)!r} not found; check the path")
    return sorted(p.name for p in folder.iterdir() if p.is_dir())


def _check_image_size(image_size) -> Tuple[int, int]:
    if (
        not isinstance(image_size, Sequence)
        or len(image_size) != 2
        or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in image_size)
        or min(image_size) < 1
    ):
        raise ValueError(
            f"image_size must be (height, width) with two positive ints, got {image_size!r}"
        )
    return int(image_size[0]), int(image_size[1])


def load_image_folder(
    path: PathLike,
    image_size: Tuple[int, int] = (32, 32),
    color_mode: str = "rgb",
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
    *,
    batch_size: int = 256,
) -> Domain:
    """Reads a labelled image domain from `path/<class name>/<image>` files.

    The images (jpeg, png, bmp, gif) are decoded and resized by
    `keras.utils.image_dataset_from_directory` (bilinear, aspect ratio not kept), read in
    a fixed order (no shuffling) and scaled to [0, 1]. Labels index the sorted sub-folder
    names, `image_folder_class_names(path)`.

    Args:
        path: The folder of class sub-folders.
        image_size: `(height, width)` of the returned images.
        color_mode: "grayscale" (1 channel), "rgb" (3) or "rgba" (4).
        num_classes: Number of classes, at least the number of sub-folders; None uses the
            number of sub-folders (at least 2 are then required).
        name: Domain name; None uses the folder name.
        batch_size: Images decoded per step (memory only; the result does not depend on it).

    Returns:
        The `Domain`, x float32 of shape `(n, height, width, channels)` in [0, 1], y int32.

    Raises:
        FileNotFoundError: If `path` is not an existing folder.
        ValueError: If an option is invalid, there are fewer than 2 classes with
            `num_classes=None`, `num_classes` is smaller than the number of sub-folders,
            or no image is found.
    """
    import keras

    class_names = image_folder_class_names(path)
    folder = Path(path).expanduser()
    height, width = _check_image_size(image_size)
    if color_mode not in _COLOR_MODES:
        raise ValueError(f"color_mode must be one of {list(_COLOR_MODES)}, got {color_mode!r}")
    if not class_names:
        raise ValueError(
            f"Image folder {str(folder)!r} has no class sub-folders; expected "
            "<folder>/<class name>/<image files>"
        )
    if num_classes is None:
        num_classes = len(class_names)
    elif isinstance(num_classes, (int, np.integer)) and num_classes < len(class_names):
        raise ValueError(
            f"num_classes={num_classes} is smaller than the {len(class_names)} class "
            f"sub-folders of {str(folder)!r}: {class_names}"
        )
    try:
        dataset = keras.utils.image_dataset_from_directory(
            str(folder),
            labels="inferred",
            label_mode="int",
            class_names=class_names,
            color_mode=color_mode,
            batch_size=batch_size,
            image_size=(height, width),
            shuffle=False,
            verbose=False,
        )
    except ValueError as err:
        raise ValueError(f"Could not read images from {str(folder)!r}: {err}") from err
    xs, ys = [], []
    for images, labels in dataset.as_numpy_iterator():
        xs.append(images)
        ys.append(labels)
    if not xs:
        raise ValueError(f"No images found under {str(folder)!r} (class folders {class_names})")
    x = np.concatenate(xs).astype(np.float32) / np.float32(255.0)
    return Domain(folder.name if name is None else name, x, np.concatenate(ys), num_classes)
