"""What every reader returns: `RawData` (the file as stored) and `FileDomain` (validated).

Each format reader has two layers:
- `read_<format>(path, ...) -> RawData`: the features and the labels exactly as the file
  holds them (labels may be 1..K, -1/+1 or names; features may hold NaN), plus notes. The
  data inspection (`tftransfer.data.inspect`) and the two-file reader
  (`tftransfer.data.files`) work on this layer.
- `load_<format>(path, ...) -> FileDomain`: `to_domain(read_<format>(...))`, a validated
  `Domain` whose labels index a sorted class vocabulary and which keeps the class names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse

from tftransfer.data.domains import Domain
from tftransfer.data.loaders.categorical import encode_categories
from tftransfer.data.loaders.labels import ClassVocabulary, build_vocabulary, canonical_labels

__all__ = ["FileDomain", "RawData", "to_domain"]

logger = logging.getLogger("tftransfer.data")


@dataclass(frozen=True, eq=False)
class RawData:
    """One file's samples as stored, before labels are mapped to class indices.

    Args:
        path: The file (or folder) read.
        format: The format name ("csv", "mat", ...).
        x: Features: a numeric array `(n, *feature_shape)`, a `scipy.sparse` matrix
            `(n, d)`, or, for text, a 1-D array of `n` documents (str).
        labels: The labels as stored, shape `(n,)` (numbers or names), or None.
        feature_names: The feature names (table columns), or None.
        label_source: Where the labels came from ("column 'label'", "key 'Ys'").
        label_key: The label column / array name, when there is one ("label", "Ys").
        notes: What the reader detected or assumed, for the user.
        details: Extra (name, text) facts for the data report (e.g. the arrays of a .mat).
        categorical: Table columns of text categories, (name, cells) each (cells: an object
            array of str, None where missing), kept out of `x` and `feature_names` until
            `tftransfer.data.loaders.categorical.encode_categories` one-hot encodes them.
    """

    path: Path
    format: str
    x: Any
    labels: Optional[np.ndarray] = None
    feature_names: Optional[Tuple[str, ...]] = None
    label_source: Optional[str] = None
    label_key: Optional[str] = None
    notes: Tuple[str, ...] = ()
    details: Tuple[Tuple[str, str], ...] = ()
    categorical: Tuple[Tuple[str, np.ndarray], ...] = ()

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.x.shape[0])

    @property
    def is_text(self) -> bool:
        """Whether `x` holds documents (str) rather than numbers."""
        return isinstance(self.x, np.ndarray) and self.x.dtype.kind in "UO" and self.x.ndim == 1

    @property
    def feature_shape(self) -> Tuple[int, ...]:
        """Shape of one sample (`()` for a document)."""
        return tuple(int(d) for d in self.x.shape[1:])

    def with_notes(self, *notes: str) -> "RawData":
        """A copy with `notes` appended."""
        return replace(self, notes=self.notes + tuple(notes))


@dataclass(frozen=True, eq=False, repr=False)
class FileDomain(Domain):
    """A `Domain` read from a file, keeping what the file called its classes.

    Args:
        name, x, y, num_classes: As for `Domain` (y indexes `class_names`).
        class_names: The classes as the file(s) name them, in index order ("1".."10",
            "-1"/"1", "cat"/"dog"); class i is `class_names[i]`.
        path: The file read ("" when unknown).
        format: The format it was read as.
        feature_names: The feature names (table columns), when the file has them.
        notes: What the reader detected or assumed.
    """

    class_names: Tuple[str, ...] = ()
    path: str = ""
    format: str = ""
    feature_names: Optional[Tuple[str, ...]] = None
    notes: Tuple[str, ...] = field(default=())

    def __post_init__(self):
        super().__post_init__()
        names = tuple(str(c) for c in self.class_names) or tuple(
            str(i) for i in range(self.num_classes))
        if len(names) != self.num_classes:
            raise ValueError(
                f"Domain {self.name!r}: class_names must name the {self.num_classes} classes, "
                f"got {len(names)}: {list(names)}"
            )
        object.__setattr__(self, "class_names", names)
        object.__setattr__(self, "notes", tuple(self.notes))


def dense_features(raw: RawData, where: Optional[str] = None) -> np.ndarray:
    """`raw.x` as a dense float32 array; a clear error for empty, text or non-finite data.

    Raises:
        ValueError: If there is no sample or no feature, the features are not numbers, or
            some are NaN / infinite (the message says where and what to do).
    """
    where = where or repr(str(raw.path))
    if raw.is_text:
        raise ValueError(
            f"{where} holds text documents, not numeric features; turn them into features "
            "first (tftransfer.data.loaders.text_features) or read them with a text backbone"
        )
    x = raw.x
    if x.ndim < 2:
        raise ValueError(
            f"{where}: features must have shape (n, *feature_shape) with at least 2 dims, "
            f"got shape {x.shape}; a single sample needs shape (1, d)"
        )
    if raw.n == 0:
        raise ValueError(f"{where} is empty: it holds no samples; check that it is the right file")
    if int(np.prod(x.shape[1:])) == 0:
        raise ValueError(f"{where} holds {raw.n} samples but no features")
    if scipy.sparse.issparse(x):
        x = x.toarray()
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
        raise ValueError(f"{where}: features must be numbers, got dtype {x.dtype}")
    x = x.astype(np.float32, copy=False)
    bad = ~np.isfinite(x)
    if bad.any():
        n_nan = int(np.isnan(x).sum())
        rows = np.flatnonzero(bad.reshape(len(x), -1).any(axis=1))
        first = np.argwhere(bad)[0]
        column = ""
        if x.ndim == 2:
            name = raw.feature_names[first[1]] if raw.feature_names else int(first[1])
            column = f", column {name!r}"
        raise ValueError(
            f"{where}: {n_nan} NaN and {int(bad.sum()) - n_nan} infinite feature value(s) in "
            f"{len(rows)} sample(s) (first: row {int(first[0])}{column}, 0-based); fill them "
            "(e.g. with the column mean) or drop those samples, then read the file again; "
            "a task read from files (load_task_from_files, tftransfer run) fills them with "
            "each column's mean over source and target with missing='mean' (--missing mean)"
        )
    return x


def to_domain(
    raw: RawData,
    *,
    labels: str = "auto",
    classes: Optional[Sequence] = None,
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
    vocabulary: Optional[ClassVocabulary] = None,
    log: bool = True,
) -> FileDomain:
    """The validated `FileDomain` of one file's `RawData`.

    Args:
        raw: What a `read_<format>` returned.
        labels: How numeric labels are read (`tftransfer.data.loaders.labels`): "auto",
            "zero_based", "one_based", "binary" or "values".
        classes: The classes, given (every label must be one of them); None: from the file.
        num_classes: The number of classes (see `build_vocabulary`); an unlabelled file
            needs it or `classes`.
        name: Domain name; None uses the file name without its suffix.
        vocabulary: A vocabulary already built (e.g. shared by a source and a target
            file); then `labels`, `classes` and `num_classes` are not used, and its notes
            are the caller's to report.
        log: Whether to log the notes (INFO, "tftransfer.data" logger).

    Returns:
        The `FileDomain`; its notes hold the reader's and the label detection's notes.

    Raises:
        ValueError: If the file is empty, has non-finite features, its labels do not fit,
            it has a single class, or it is unlabelled without `num_classes`/`classes`.
    """
    where = repr(str(raw.path))
    if raw.categorical:
        raw = encode_categories([raw])[0]
    x = dense_features(raw)
    notes = list(raw.notes)
    y = None
    if raw.labels is not None:
        y, converted = canonical_labels(raw.labels, raw.n, where)
        notes += converted
        if vocabulary is None:
            vocabulary = build_vocabulary([y], labels, num_classes, classes, where)
            notes += vocabulary.notes
        if len(vocabulary) < 2:
            raise ValueError(
                f"{where} has a single class ({vocabulary.names[0]!r}); a classifier needs at "
                "least 2 classes: check the label column, or pass num_classes / classes when "
                "the file is a part of a larger problem"
            )
        y = vocabulary.encode(y, where)
        empty = sorted(set(range(len(vocabulary))) - set(np.unique(y).tolist()))
        if empty:
            notes.append(f"{where}: no sample of class(es) "
                         f"{[vocabulary.names[i] for i in empty]}")
    elif vocabulary is None:
        if classes is None and num_classes is None:
            raise ValueError(
                f"{where} has no labels; pass num_classes (or classes) to read it as an "
                "unlabelled domain, or name its label column / key"
            )
        vocabulary = build_vocabulary([], "zero_based", num_classes, classes, where)
    for note in notes if log else ():
        logger.info(note)
    return FileDomain(
        name=raw.path.stem if name is None else name,
        x=x,
        y=y,
        num_classes=len(vocabulary),
        class_names=vocabulary.names,
        path=str(raw.path),
        format=raw.format,
        feature_names=raw.feature_names,
        notes=tuple(notes),
    )
