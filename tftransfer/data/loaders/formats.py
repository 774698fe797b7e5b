"""The file formats, detected by suffix (or `format=`), and one entry point to read any file.

| format         | suffixes                       | reader                                  |
|----------------|--------------------------------|-----------------------------------------|
| `npz`          | .npz                           | `read_npz` (x / y keys by name)         |
| `csv`          | .csv                           | `read_table` (pandas)                   |
| `tsv`          | .tsv, .tab                     | `read_table`                            |
| `parquet`      | .parquet, .pq                  | `read_table` (needs pyarrow)            |
| `svmlight`     | .svm, .svmlight, .libsvm       | `read_svmlight` (-1/+1, 0/1-based)      |
| `mat`          | .mat                           | `read_mat` (v5 and v7.3, sparse)        |
| `hdf5`         | .h5, .hdf5, .he5               | `read_hdf5`                             |
| `image_folder` | a folder                       | `read_image_folder`                     |
| `text`         | .txt (not svmlight lines)      | `read_text` (one document per line)     |

A `.txt` file, or a file with another suffix, is read as svmlight when its first data line
looks like `<label> <index>:<value> ...`; a `.txt` file otherwise holds text.

Example:
    >>> detect_format("train.csv")
    ('csv', 'suffix .csv')
    >>> domain = load_file("a1a.txt", labels="binary")          # an svmlight file
    >>> raw = read_file("scores.tsv", label_column="grade")     # RawData, as stored
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence, Tuple, Union

from tftransfer.data.loaders.base import FileDomain, RawData, to_domain
from tftransfer.data.loaders.hdf5 import read_hdf5
from tftransfer.data.loaders.image_folder import read_image_folder
from tftransfer.data.loaders.matlab import read_mat
from tftransfer.data.loaders.npz import read_npz
from tftransfer.data.loaders.paths import PathLike, _check_path_type
from tftransfer.data.loaders.svmlight import read_svmlight
from tftransfer.data.loaders.tabular import read_table
from tftransfer.data.loaders.text import TextDomain, load_text, read_text
from tftransfer.registry import Registry

__all__ = ["FORMATS", "FileFormat", "detect_format", "format_options", "load_file", "read_file"]


@dataclass(frozen=True)
class FileFormat:
    """One readable format.

    Args:
        name: The format name (`format=` value).
        suffixes: The file suffixes that select it.
        read: `read(path, **options) -> RawData`.
        description: One line for listings and help texts.
    """

    name: str
    suffixes: Tuple[str, ...]
    read: Callable[..., RawData]
    description: str


FORMATS: Registry = Registry("file format")
for _format in (
    FileFormat("npz", (".npz",), read_npz, "NumPy archive of named arrays (x/y keys by name)"),
    FileFormat("csv", (".csv",), functools.partial(read_table, table_format="csv"),
               "comma-separated table, a sample per row, label column 'label' or the last; "
               "text columns are categories (one-hot)"),
    FileFormat("tsv", (".tsv", ".tab"), functools.partial(read_table, table_format="tsv"),
               "tab-separated table, as csv"),
    FileFormat("parquet", (".parquet", ".pq"),
               functools.partial(read_table, table_format="parquet"),
               "parquet table, as csv (needs pyarrow or fastparquet)"),
    FileFormat("svmlight", (".svm", ".svmlight", ".libsvm"), read_svmlight,
               "svmlight/libsvm lines '<label> <index>:<value> ...'"),
    FileFormat("mat", (".mat",), read_mat, "MATLAB v5 or v7.3, dense or sparse"),
    FileFormat("hdf5", (".h5", ".hdf5", ".he5"), read_hdf5, "HDF5 file of named datasets"),
    FileFormat("image_folder", (), read_image_folder,
               "folder of class sub-folders of images (jpeg, png, bmp, gif)"),
    FileFormat("text", (".txt",), read_text,
               "one document per line, '<label><TAB><document>' (or a table with format='text')"),
):
    FORMATS.register(_format.name, _format)

_SVMLIGHT_LINE = re.compile(r"^\s*[+-]?[0-9.eE+-]+(\s+(qid:\S+|[0-9]+:\S+))+\s*(#.*)?$")


def _looks_like_svmlight(path: Path) -> bool:
    """Whether the first data line of `path` is `<label> <index>:<value> ...`."""
    try:
        with open(path, "r", encoding="utf8", errors="replace") as handle:
            for _, line in zip(range(1000), handle):
                if line.strip() and not line.lstrip().startswith("#"):
                    return bool(_SVMLIGHT_LINE.match(line))
    except OSError:
        return False
    return False


def detect_format(path: PathLike) -> Tuple[str, str]:
    """The format of `path`, and how it was told ("suffix .csv", "a folder", "content").

    Raises:
        FileNotFoundError: If nothing exists at `path`.
        ValueError: If the suffix is unknown and the content is not svmlight (the message
            lists the formats and says to pass `format=`).
    """
    path = _check_path_type(path, "data")
    if path.is_dir():
        return "image_folder", "a folder"
    if not path.exists():
        raise FileNotFoundError(f"data file {str(path)!r} not found; check the path")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return ("svmlight", "content of a .txt file") if _looks_like_svmlight(path) else (
            "text", "suffix .txt")
    for name in FORMATS.names():
        if suffix in FORMATS.get(name).suffixes:
            return name, f"suffix {suffix}"
    if _looks_like_svmlight(path):
        return "svmlight", "content"
    raise ValueError(
        f"Cannot tell the format of {str(path)!r} from its suffix {suffix or '(none)'!r}; pass "
        f"format=... (one of {', '.join(FORMATS.names())})"
    )


def format_options(format: str) -> Tuple[str, ...]:
    """The reader options a format accepts (besides the path)."""
    signature = inspect.signature(FORMATS.get(format).read)
    return tuple(p for p in signature.parameters if p != "path"
                 and signature.parameters[p].kind is not inspect.Parameter.VAR_KEYWORD
                 and p != "table_format")


def read_file(path: PathLike, format: Optional[str] = None, **options) -> RawData:
    """The `RawData` of any supported file (features and labels as stored).

    Args:
        path: The file or image folder.
        format: The format name (`FORMATS`); None detects it (`detect_format`).
        **options: Reader options of that format (`format_options(format)`), e.g.
            `label_column` for tables, `x_key`/`y_key`/`side` for npz/mat/hdf5. Options
            that are None are ignored, so a command line can pass all its flags.

    Returns:
        The `RawData`.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the format is unknown or undetectable, an option does not apply to
            the format (the message lists those that do), or the reader fails.
    """
    format = _resolve_format(path, format)
    options = _check_options(format, options)
    return FORMATS.get(format).read(path, **options)


def _resolve_format(path: PathLike, format: Optional[str]) -> str:
    if format is None:
        return detect_format(path)[0]
    FORMATS.get(format)  # ValueError listing the formats
    return format


def _check_options(format: str, options: dict) -> dict:
    options = {k: v for k, v in options.items() if v is not None}
    allowed = format_options(format)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValueError(
            f"option(s) {unknown} do not apply to {format} files; options for {format}: "
            f"{', '.join(allowed) or 'none'}"
        )
    return options


def load_file(
    path: PathLike,
    format: Optional[str] = None,
    *,
    labels: str = "auto",
    classes: Optional[Sequence] = None,
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
    **options,
) -> Union[FileDomain, TextDomain]:
    """Reads any supported file as a domain: a `FileDomain`, or a `TextDomain` for text.

    Args:
        path, format, **options: As for `read_file`.
        labels: How numeric labels are read ("auto", "zero_based", "one_based",
            "binary", "values").
        classes: The classes, given; None: from the labels.
        num_classes: Number of classes (an unlabelled file needs it or `classes`).
        name: Domain name; None uses the file name without its suffix.

    Returns:
        The validated domain, keeping the class names.

    Raises:
        FileNotFoundError, ValueError: As for `read_file` and `to_domain`.
    """
    format = _resolve_format(path, format)
    options = _check_options(format, options)
    if format == "text":
        return load_text(path, num_classes=num_classes, name=name, labels=labels,
                         classes=classes, **options)
    raw = read_file(path, format, **options)
    return to_domain(raw, labels=labels, classes=classes, num_classes=num_classes, name=name)
