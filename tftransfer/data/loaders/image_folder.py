"""Image folders: `path/<class name>/<image>` (jpeg, png, bmp, gif), one sub-folder per class.

Example:
    >>> domain = load_image_folder("photos/", image_size=(32, 32))  # photos/<class>/*.png
    >>> image_folder_class_names("photos/")                           # label i = name i
    ['cat', 'dog']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np

from tftransfer.data.loaders.base import FileDomain, RawData, to_domain
from tftransfer.data.loaders.labels import is_integer_text
from tftransfer.data.loaders.paths import PathLike, existing_path

__all__ = ["image_folder_class_names", "load_image_folder", "read_image_folder"]

_COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}


def image_folder_class_names(path: PathLike) -> List[str]:
    """The class names of an image folder: its sub-folders, sorted (label i = name i).

    Names that are all integers ("0", "2", "10") sort as numbers, others as text.

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
    names = [p.name for p in folder.iterdir() if p.is_dir()]
    if names and all(is_integer_text(n) for n in names):
        return sorted(names, key=int)  # "2" before "10", as the class vocabulary orders them
    return sorted(names)




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


def read_image_folder(
    path: PathLike,
    image_size: Tuple[int, int] = (32, 32),
    color_mode: str = "rgb",
    *,
    batch_size: int = 256,
) -> RawData:
    """The images of `path/<class name>/<image>` files and their class names.

    The images are decoded and resized by `keras.utils.image_dataset_from_directory`
    (bilinear, aspect ratio not kept), read in a fixed order (sub-folders sorted, no
    shuffling) and scaled to [0, 1].

    Args:
        path: The folder of class sub-folders.
        image_size: `(height, width)` of the returned images.
        color_mode: "grayscale" (1 channel), "rgb" (3) or "rgba" (4).
        batch_size: Images decoded per step (memory only; the result does not depend on it).

    Returns:
        The `RawData`: x float32 `(n, height, width, channels)` in [0, 1], labels the class
        (sub-folder) name of each image.

    Raises:
        FileNotFoundError: If `path` is not an existing folder.
        ValueError: If an option is invalid, there is no class sub-folder or no image.
    """
    import keras

    folder = existing_path(path, "Image", folder=True)
    class_names = image_folder_class_names(folder)
    height, width = _check_image_size(image_size)
    if color_mode not in _COLOR_MODES:
        raise ValueError(f"color_mode must be one of {list(_COLOR_MODES)}, got {color_mode!r}")
    if not class_names:
        raise ValueError(
            f"Image folder {str(folder)!r} has no class sub-folders; expected "
            "<folder>/<class name>/<image files>"
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
    names = np.asarray(class_names, dtype=str)[np.concatenate(ys)]
    return RawData(
        path=folder, format="image_folder", x=x, labels=names,
        label_source="sub-folder names",
        details=(("classes (sub-folders)", ", ".join(class_names)),),
    )


def load_image_folder(
    path: PathLike,
    image_size: Tuple[int, int] = (32, 32),
    color_mode: str = "rgb",
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
    *,
    classes: Optional[Sequence[str]] = None,
    batch_size: int = 256,
) -> FileDomain:
    """Reads a labelled image domain from `path/<class name>/<image>` files.

    Labels index the sorted sub-folder names, `image_folder_class_names(path)` (an empty
    sub-folder is still a class), or the sorted `classes` when given.

    Args:
        path, image_size, color_mode, batch_size: As for `read_image_folder`.
        num_classes: Number of classes, a check: it must equal the number of sub-folders
            (use `classes` for classes that have no sub-folder). None: not checked.
        name: Domain name; None uses the folder name.
        classes: The class names, given (a superset of the sub-folder names).

    Returns:
        The `FileDomain`, x float32 of shape `(n, height, width, channels)` in [0, 1], y
        int32, `class_names` the sub-folder names.

    Raises:
        FileNotFoundError: If `path` is not an existing folder.
        ValueError: If an option is invalid, `num_classes` differs from the number of
            sub-folders, there is a single class or no image.
    """
    folder = existing_path(path, "Image", folder=True)
    found = image_folder_class_names(folder)
    if num_classes is not None and found and num_classes != len(found):
        raise ValueError(
            f"num_classes={num_classes} differs from the {len(found)} class sub-folders of "
            f"{str(folder)!r}: {found}; pass classes=[...] to add classes without a sub-folder"
        )
    raw = read_image_folder(folder, image_size, color_mode, batch_size=batch_size)
    if classes is None and len(found) >= 2:
        classes = found
    return to_domain(raw, classes=classes,
                     name=folder.name if name is None else name)
