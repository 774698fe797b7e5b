"""svmlight / libsvm text files: `<label> <index>:<value> ...`, one sample per line.

Labels come as 0-based or 1-based class indices, or -1/+1 for binary problems (the common
libsvm convention); `labels=` says which, or "auto" detects it and notes what it chose
(`tftransfer.data.loaders.labels`). Feature indices start at 0 or 1 (`zero_based_features`;
"auto" is scikit-learn's rule: 1-based unless an index 0 occurs). Several files that must
agree (a source and a target) are read together by `read_svmlight_files`, so they share the
number of features and the index base.

Example:
    >>> domain = load_svmlight("a1a.txt")                   # -1/+1 -> classes 0/1, noted
    >>> domain = load_svmlight("a1a.txt", labels="binary")  # the same, said explicitly
    >>> domain.class_names
    ('-1', '1')
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Union

import numpy as np

from tftransfer.data.loaders.base import FileDomain, RawData, to_domain
from tftransfer.data.loaders.paths import PathLike, existing_path

__all__ = ["load_svmlight", "read_svmlight", "read_svmlight_files"]


def _check_options(n_features, zero_based_features) -> None:
    if zero_based_features not in (True, False, "auto"):
        raise ValueError(
            "`zero_based_features` must be True, False or 'auto'. Received: "
            f"zero_based_features={zero_based_features!r}"
        )
    if n_features is not None and (
        isinstance(n_features, bool) or not isinstance(n_features, (int, np.integer))
        or n_features < 1
    ):
        raise ValueError(
            f"`n_features` must be an int >= 1 or None. Received: n_features={n_features!r}")


def read_svmlight_files(
    paths: Sequence[PathLike],
    n_features: Optional[int] = None,
    zero_based_features: Union[bool, str] = "auto",
) -> List[RawData]:
    """Reads several svmlight files with one number of features and one index base.

    Args:
        paths: The files.
        n_features: Number of features; None: the largest index over all files.
        zero_based_features: Whether feature indices start at 0 (True), 1 (False), or
            "auto": 1-based unless an index 0 occurs in any of the files.

    Returns:
        One `RawData` per file: sparse float32 features `(n, n_features)`, labels as
        stored (floats).

    Raises:
        FileNotFoundError: If a file does not exist.
        ValueError: If a file cannot be parsed (the message names it) or is empty.
    """
    from sklearn.datasets import load_svmlight_file, load_svmlight_files

    _check_options(n_features, zero_based_features)
    paths = [existing_path(p, "svmlight") for p in paths]
    try:
        arrays = load_svmlight_files([str(p) for p in paths], n_features=n_features,
                                     dtype=np.float32, zero_based=zero_based_features)
    except ValueError as err:
        # Name the file that fails: the joint reader does not.
        for path in paths:
            try:
                load_svmlight_file(str(path), dtype=np.float32, zero_based=zero_based_features)
            except ValueError as single:
                raise ValueError(
                    f"Could not parse {str(path)!r} as an svmlight file "
                    f"('<label> <index>:<value> ...' per line): {single}"
                ) from single
        raise ValueError(
            f"Could not read {[str(p) for p in paths]} as svmlight files: {err}") from err
    raws = []
    for path, x, y in zip(paths, arrays[0::2], arrays[1::2]):
        if x.shape[0] == 0:
            raise ValueError(
                f"{str(path)!r} is empty: it holds no samples; check that it is the right file")
        raws.append(RawData(
            path=path, format="svmlight", x=x.tocsr(), labels=np.asarray(y),
            label_source="first field of each line",
            details=(("storage", f"sparse, {x.nnz} non-zero values"),),
        ))
    return raws


def read_svmlight(
    path: PathLike,
    n_features: Optional[int] = None,
    zero_based_features: Union[bool, str] = "auto",
) -> RawData:
    """The features (sparse) and labels (as stored) of one svmlight file.

    See `read_svmlight_files` for the arguments and errors.
    """
    return read_svmlight_files([path], n_features, zero_based_features)[0]


def load_svmlight(
    path: PathLike,
    n_features: Optional[int] = None,
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
    *,
    labels: str = "auto",
    classes: Optional[Sequence] = None,
    zero_based_features: Union[bool, str] = "auto",
) -> FileDomain:
    """Reads a domain from an svmlight / libsvm file, as dense float32 features.

    Args:
        path: The svmlight file.
        n_features: Number of features; None takes the largest index in the file, so pass
            it when reading several files that must agree (or use `read_svmlight_files`).
        num_classes: Number of classes; None: from the labels.
        name: Domain name; None uses the file name without its suffix.
        labels: "zero_based" (0..K-1), "one_based" (1..K), "binary" (-1/+1), "values"
            (the distinct values), or "auto": detected, with a note in `notes`.
        classes: The classes, given; None: from the labels.
        zero_based_features: As for `read_svmlight_files`.

    Returns:
        The `FileDomain` (x float32 `(n, n_features)`, y int32, the file's class labels as
        `class_names`).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file cannot be parsed, a label is not a whole number, the labels
            do not fit `labels`, or there is a single class.
    """
    raw = read_svmlight(path, n_features, zero_based_features)
    return to_domain(raw, labels=labels, classes=classes, num_classes=num_classes, name=name)
