"""Class labels as files store them (1..K, -1/+1, names) -> one sorted class vocabulary.

Files label classes in many ways: 0-based indices, 1-based indices (MATLAB, many libsvm
files), -1/+1 for binary problems, or class names ("cat"). `build_vocabulary` turns the
labels of one or several files into ONE `ClassVocabulary` (class i = `classes[i]`), so a
source and a target file share their class indices; `ClassVocabulary.encode` maps labels to
those indices.

The `labels` scheme says how numeric labels are read:

| scheme       | labels          | classes                                                    |
|--------------|-----------------|------------------------------------------------------------|
| `zero_based` | 0..K-1          | 0..max (or 0..num_classes-1): a class may have no sample   |
| `one_based`  | 1..K            | 1..max (or 1..num_classes)                                 |
| `binary`     | -1 / +1         | (-1, +1): -1 -> class 0, +1 -> class 1                     |
| `values`     | any             | the distinct values, sorted                                |
| `auto`       | (detected)      | -1/+1 -> binary, min 0 -> zero_based, min 1 -> one_based,  |
|              |                 | else values; each detection is returned as a note          |

Class names (strings) are always read as `values`, sorted as strings.

Example:
    >>> vocab = build_vocabulary([np.array([-1, 1, 1])])
    >>> vocab.classes, vocab.scheme, vocab.encode(np.array([1, -1]), "f.svm").tolist()
    ((-1, 1), 'binary', [1, 0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import numpy as np

__all__ = [
    "LABEL_SCHEMES",
    "ClassVocabulary",
    "build_vocabulary",
    "canonical_labels",
]

LABEL_SCHEMES = ("auto", "zero_based", "one_based", "binary", "values")
"""The values of the `labels=` option of every reader."""

_FIRST = {"zero_based": 0, "one_based": 1}


def is_integer_text(text: str) -> bool:
    """Whether `text` reads as an integer ("10", "-1"; not "1.5" or "cat")."""
    try:
        int(text)
    except ValueError:
        return False
    return True


def _shown(values, limit: int = 8) -> str:
    """`[a, b, ...]` with at most `limit` items, for messages."""
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    text = ", ".join(repr(v) for v in values[:limit])
    return f"[{text}{', ...' if len(values) > limit else ''}]"


def _one_hot_index(y: np.ndarray) -> Optional[np.ndarray]:
    """Column index of the single 1 of each row, or None when `y` is not one-hot."""
    if not np.issubdtype(y.dtype, np.number) and y.dtype != np.bool_:
        return None
    y = y.astype(np.float64)
    if not (np.isin(y, (0.0, 1.0)).all() and (y.sum(axis=1) == 1).all()):
        return None
    return np.argmax(y, axis=1)


def canonical_labels(raw, n: int, where: str) -> Tuple[np.ndarray, Tuple[str, ...]]:
    """Labels as read from a file -> a 1-D array of ints (int64) or of class names (str).

    Whole-number floats and numeric strings ("1", "-1") become ints; a one-hot matrix
    `(n, K)` (or `(K, n)`) becomes the index of its 1; other strings stay names.

    Args:
        raw: The labels: an array-like of numbers or strings, shape `(n,)`, `(n, 1)`,
            `(1, n)` or one-hot `(n, K)`.
        n: The number of samples they must label.
        where: What the labels are ("'a.csv' column 'label'"), for the messages.

    Returns:
        (labels of shape `(n,)`, notes on what was converted).

    Raises:
        ValueError: If the shape does not give one label per sample, a label is missing
            (NaN, empty), or a numeric label is not a whole number.
    """
    notes = []
    y = np.asarray(raw)
    if y.ndim == 2 and 1 in y.shape:
        y = y.reshape(-1)
    elif y.ndim == 2 and n in y.shape:
        one_hot = _one_hot_index(y if y.shape[0] == n else y.T)
        if one_hot is None:
            raise ValueError(
                f"{where}: labels of shape {y.shape} are neither one label per sample nor "
                f"one-hot rows; expected shape ({n},), ({n}, 1) or one-hot ({n}, K)"
            )
        notes.append(f"{where}: one-hot labels of shape {y.shape} read as class indices 0..K-1")
        y = one_hot
    if y.shape != (n,):
        raise ValueError(
            f"{where}: expected one label per sample ({n}), got labels of shape {y.shape}"
        )
    if y.dtype.kind in "OUS":
        y = _labels_from_objects(y, where)
    if y.dtype == np.bool_:
        y = y.astype(np.int64)
    if y.dtype.kind == "f":
        missing = np.isnan(y)
        if missing.any():
            _raise_missing(np.flatnonzero(missing), where)
        whole = np.isfinite(y) & (y == np.round(y))
        if not whole.all():
            bad = y[~whole][0].item()
            raise ValueError(
                f"{where}: labels must be class labels (whole numbers or names), got "
                f"{int((~whole).sum())} other values such as {bad!r}; is this a regression "
                "target or the wrong column?"
            )
        y = y.astype(np.int64)
    elif y.dtype.kind in "iu":
        y = y.astype(np.int64)
    elif y.dtype.kind != "U":
        raise ValueError(f"{where}: labels of dtype {y.dtype} are neither numbers nor names")
    return y, tuple(notes)


def _raise_missing(rows: np.ndarray, where: str):
    raise ValueError(
        f"{where}: {len(rows)} sample(s) have no label (rows {_shown(rows.tolist(), 5)}, "
        "0-based); give them a label or drop them (a file without any label is read as "
        "unlabelled)"
    )


def _labels_from_objects(y: np.ndarray, where: str) -> np.ndarray:
    """Object / bytes / str labels -> ints when every one is a whole number, else str."""
    items = []
    for value in y.tolist():
        if isinstance(value, bytes):
            value = value.decode("utf8", errors="replace")
        if isinstance(value, str):
            value = value.strip()
        items.append(value)
    missing = [i for i, v in enumerate(items)
               if v is None or v == "" or (isinstance(v, float) and np.isnan(v))]
    if missing:
        _raise_missing(np.asarray(missing), where)
    numbers = []
    for value in items:
        try:
            numbers.append(float(value))
        except (TypeError, ValueError):
            return np.asarray([str(v) for v in items], dtype=str)  # class names
    # Every label is a number ("1", 2.0, "0.5"): the numeric checks apply (whole numbers).
    return np.asarray(numbers, dtype=np.float64)


@dataclass(frozen=True)
class ClassVocabulary:
    """The classes of a problem, in index order, and how the labels were read.

    Args:
        classes: The class labels as the files store them (ints or names); class i is
            `classes[i]`. Sorted, without duplicates.
        scheme: The scheme used ("zero_based", "one_based", "binary", "values" or
            "given" for a vocabulary passed by the caller).
        notes: What was detected or converted, for the user.
    """

    classes: Tuple
    scheme: str
    notes: Tuple[str, ...] = ()

    @property
    def names(self) -> Tuple[str, ...]:
        """The class names as strings ("-1", "1", "cat")."""
        return tuple(str(c) for c in self.classes)

    @property
    def numeric(self) -> bool:
        """Whether the classes are numbers (else names)."""
        return all(isinstance(c, int) for c in self.classes)

    def __len__(self) -> int:
        return len(self.classes)

    def encode(self, labels: np.ndarray, where: str) -> np.ndarray:
        """Class indices (int32) of canonical `labels` (from `canonical_labels`).

        Raises:
            ValueError: If a label is not one of the classes (the message lists both).
        """
        labels = np.asarray(labels)
        if labels.dtype.kind in "iu" and not self.numeric:
            labels = labels.astype(str)
        elif labels.dtype.kind == "U" and self.numeric:
            raise ValueError(
                f"{where}: labels are names (e.g. {str(labels[0])!r}) but the classes are "
                f"numbers {_shown(self.classes)}"
            )
        order = np.asarray(self.classes)  # its own string width: no truncated names
        index = np.searchsorted(order, labels)
        index = np.clip(index, 0, len(order) - 1)
        unknown = order[index] != labels
        if unknown.any():
            raise ValueError(
                f"{where}: labels {_shown(np.unique(labels[unknown]))} are not among the "
                f"classes {_shown(self.classes, 20)}"
            )
        return index.astype(np.int32)


def _check_scheme(labels: Optional[str]) -> str:
    if labels is None:
        return "auto"
    if labels not in LABEL_SCHEMES:
        raise ValueError(
            f"`labels` must be one of {', '.join(repr(s) for s in LABEL_SCHEMES)}. "
            f"Received: labels={labels!r}"
        )
    return labels


def _given_classes(classes: Sequence) -> ClassVocabulary:
    if isinstance(classes, (str, bytes)) or not isinstance(classes, Sequence) or len(classes) < 2:
        raise ValueError(
            "`classes` must be a sequence of at least 2 class labels. "
            f"Received: classes={classes!r}"
        )
    values, _ = canonical_labels(np.asarray(list(classes), dtype=object), len(classes), "classes")
    if len(np.unique(values)) != len(values):
        raise ValueError(f"`classes` must not repeat a class. Received: classes={list(classes)!r}")
    items = tuple(v.item() for v in values)
    order = tuple(sorted(items))
    return ClassVocabulary(order, "given")


def build_vocabulary(
    label_arrays: Sequence[np.ndarray],
    labels: str = "auto",
    num_classes: Optional[int] = None,
    classes: Optional[Sequence] = None,
    where: str = "labels",
) -> ClassVocabulary:
    """One sorted class vocabulary for the canonical labels of one or several files.

    Args:
        label_arrays: Canonical labels (`canonical_labels`) of each labelled file.
        labels: The scheme, one of `LABEL_SCHEMES` (see the module docstring); None is
            "auto".
        num_classes: For `zero_based` / `one_based` (given or detected): the number of
            classes, when some have no sample in any file; for the others it must equal
            the number of distinct labels. None: from the labels.
        classes: The classes, given (then `labels` and `num_classes` are not used, and
            every label must be one of them). They are sorted.
        where: The files, for the messages.

    Returns:
        The `ClassVocabulary`; its notes say what `auto` detected.

    Raises:
        ValueError: If the labels do not fit the scheme (e.g. label 0 with `one_based`,
            names with a numeric scheme), or `num_classes` contradicts them.
    """
    labels = _check_scheme(labels)
    if classes is not None:
        return _given_classes(classes)
    if num_classes is not None and (
        isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer))
        or num_classes < 2
    ):
        raise ValueError(
            f"`num_classes` must be an int >= 2 or None. Received: num_classes={num_classes!r}"
        )
    arrays = [np.asarray(a) for a in label_arrays if a is not None and np.asarray(a).size]
    notes = []
    if any(a.dtype.kind == "U" for a in arrays):
        if labels not in ("auto", "values"):
            name = next(a for a in arrays if a.dtype.kind == "U")[0]
            raise ValueError(
                f"{where}: labels={labels!r} reads numeric labels, but the labels are class "
                f"names (e.g. {str(name)!r}); use labels='auto' or 'values'"
            )
        if any(a.dtype.kind != "U" for a in arrays):
            notes.append(f"{where}: some files label classes by number and others by name; "
                         "all labels are compared as text")
        values = np.unique(np.concatenate([a.astype(str) for a in arrays]))
        return _values_vocabulary(values, num_classes, "values", notes, where)
    values = np.unique(np.concatenate(arrays)) if arrays else np.zeros(0, np.int64)
    if not values.size:
        if num_classes is None:
            raise ValueError(f"{where}: no labels to build the classes from; pass num_classes")
        return ClassVocabulary(tuple(range(int(num_classes))), "zero_based")
    low, high = int(values.min()), int(values.max())
    scheme = labels
    if labels == "auto":
        if set(values.tolist()) <= {-1, 1} and low == -1:
            scheme = "binary"
            notes.append(f"{where}: labels -1/+1 read as binary: -1 -> class 0, +1 -> class 1 "
                         "(pass labels='binary' to say so)")
        elif low in _FIRST.values():
            scheme = "zero_based" if low == 0 else "one_based"
            notes.append(
                f"{where}: labels {low}..{high} read as {scheme.replace('_', '-')} class "
                f"indices (pass labels={scheme!r} to say so, or labels='values' to use only "
                "the values that occur)"
            )
        else:
            scheme = "values"
            notes.append(f"{where}: labels {_shown(values)} are neither 0- nor 1-based: the "
                         "classes are the distinct values, sorted")
    if scheme == "binary":
        if not set(values.tolist()) <= {-1, 1}:
            raise ValueError(
                f"{where}: labels='binary' expects labels -1 and +1, got {_shown(values)}"
            )
        if num_classes not in (None, 2):
            raise ValueError(
                f"{where}: labels='binary' has 2 classes, got num_classes={num_classes}")
        return ClassVocabulary((-1, 1), "binary", tuple(notes))
    if scheme in _FIRST:
        first = _FIRST[scheme]
        if low < first:
            raise ValueError(
                f"{where}: labels={scheme!r} declares labels {first}..K, but the labels hold "
                f"{low}; pass the scheme that matches the file ('zero_based', 'one_based', "
                "'binary' or 'values')"
            )
        count = high - first + 1
        if num_classes is not None:
            if num_classes < count:
                raise ValueError(
                    f"{where}: num_classes={num_classes} is too small for "
                    f"{scheme.replace('_', '-')} labels up to {high} (needs at least {count})"
                )
            count = int(num_classes)
        return ClassVocabulary(tuple(range(first, first + count)), scheme, tuple(notes))
    return _values_vocabulary(values, num_classes, scheme, notes, where)


def _values_vocabulary(values, num_classes, scheme, notes, where) -> ClassVocabulary:
    if num_classes is not None and num_classes != len(values):
        raise ValueError(
            f"{where}: num_classes={num_classes} but the labels hold {len(values)} distinct "
            f"classes {_shown(values)}"
        )
    return ClassVocabulary(tuple(v.item() for v in values), scheme, tuple(notes))
