"""What a data file holds, and what is wrong with it: the `tftransfer data PATH` report.

`describe(path)` reads a file with the reader of its format (`tftransfer.data.loaders`) and
returns a `FileDescription`: the format and how it was told, the shape and dtype, the
labels (where they came from, how numeric labels were read, every class with its count),
NaN / infinite values, constant features, and a list of `Problem`s, each with the fix. A
file that cannot be read at all is described too (its problem says why), so a user sees
what to change; only a missing path or an unknown format raises. `format_description`
renders the description as the text the command prints.

Example:
    >>> description = describe("train.csv")
    >>> description.shape, description.class_counts
    ((958, 800), (92, 82, ...))
    >>> print(format_description(description))
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import numpy as np
import scipy.sparse

from tftransfer.data.files import auto_rescaling
from tftransfer.data.loaders.base import RawData
from tftransfer.data.loaders.categorical import encode_categories
from tftransfer.data.loaders.formats import FORMATS, detect_format, read_file
from tftransfer.data.loaders.labels import build_vocabulary, canonical_labels, is_integer_text
from tftransfer.data.loaders.paths import PathLike, existing_path

__all__ = ["FileDescription", "Problem", "describe", "format_description"]

_KEYED = ("npz", "mat", "hdf5")


@dataclass(frozen=True)
class Problem:
    """Something that stops the file from being used, and how to fix it."""

    what: str
    fix: str


@dataclass(frozen=True)
class FileDescription:
    """What `describe` found in a file.

    Args:
        path: The file read.
        format: The format it was read as.
        detected_by: How the format was told ("suffix .csv", "format given", ...).
        shape: `(n, *feature_shape)`, `(n,)` for text, None when unreadable.
        dtype: The features' dtype as stored ("float64", "str").
        storage: "dense", "sparse" or "text".
        feature_names: Table columns of the features, when named.
        label_source: Where the labels were read from, None when unlabelled.
        label_scheme: How numeric labels were read ("one_based", ...; "values" for names).
        class_names: Every class, in index order.
        class_counts: Samples per class, aligned with `class_names`.
        n_nan: NaN feature values.
        n_inf: Infinite feature values.
        constant_features: Features with a single value over all samples (names or
            indices; at most 20 listed).
        n_constant: Number of constant features.
        notes: What the reader detected or assumed.
        details: Format-specific (name, text) facts (e.g. the arrays of a .mat file).
        problems: What stops the file from being used, each with its fix; empty when OK.
    """

    path: str
    format: str
    detected_by: str
    shape: Optional[Tuple[int, ...]] = None
    dtype: Optional[str] = None
    storage: Optional[str] = None
    feature_names: Optional[Tuple[str, ...]] = None
    label_source: Optional[str] = None
    label_scheme: Optional[str] = None
    class_names: Tuple[str, ...] = ()
    class_counts: Tuple[int, ...] = ()
    n_nan: int = 0
    n_inf: int = 0
    constant_features: Tuple = ()
    n_constant: int = 0
    notes: Tuple[str, ...] = ()
    details: Tuple[Tuple[str, str], ...] = ()
    problems: Tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the file can be used as it is (no problem found)."""
        return not self.problems

    @property
    def labelled(self) -> bool:
        """Whether the file carries labels."""
        return self.label_source is not None

    @property
    def n_samples(self) -> Optional[int]:
        """Number of samples (None when unreadable)."""
        return None if self.shape is None else self.shape[0]

    def to_dict(self) -> dict:
        """A JSON-ready dict (problems as {"what", "fix"} dicts)."""
        out = asdict(self)
        out.update(ok=self.ok, labelled=self.labelled, n_samples=self.n_samples)
        return out


def _read_failure_fix(message: str, format: str) -> str:
    if "is empty" in message:
        return "the file holds no samples: export the data again, or pass the right file"
    if "needs pyarrow" in message:
        return "pip install pyarrow, or save the table as .csv"
    if "pair" in message:
        return "say which half to read: side='source' or side='target'"
    if any(k in message for k in ("no features array", "has no array", "has no column", "lacks")):
        return ("name the arrays / columns to read: x_key=..., y_key=... (label_column=... "
                "for tables)")
    if "one-hot encoded" in message or "mark missing values" in message:
        return "drop or correct that column, as the problem says"
    if "Could not" in message or "not UTF-8" in message:
        return (f"check that the file is a {format} file ({FORMATS.get(format).description}), "
                "or pass format=... if the suffix misleads")
    return f"make the file a valid {format} file ({FORMATS.get(format).description})"


def _read(path: Path, format: str,
          options: dict) -> Tuple[Optional[RawData], List[str], Optional[Problem]]:
    notes: List[str] = []
    try:
        return read_file(path, format, **options), notes, None
    except ValueError as err:
        message = str(err)
        if format in _KEYED and "source/target pair" in message and options.get("side") is None:
            notes.append(f"{str(path)!r} holds a source/target pair: the source half is "
                         "described; pass side='target' for the other half")
            raw, more, problem = _read(path, format, dict(options, side="source"))
            return raw, notes + more, problem
        return None, notes, Problem(message, _read_failure_fix(message, format))


def _first_bad(raw: RawData) -> str:
    """Where the first NaN / infinite feature value is ("row 3, column 'f1'")."""
    x = raw.x.tocoo() if scipy.sparse.issparse(raw.x) else None
    if x is not None:
        bad = ~np.isfinite(x.data)
        order = np.lexsort((x.col[bad], x.row[bad]))
        row, col = int(x.row[bad][order[0]]), int(x.col[bad][order[0]])
    else:
        flat = np.asarray(raw.x, dtype=np.float64).reshape(raw.n, -1)
        row, col = (int(v) for v in np.argwhere(~np.isfinite(flat))[0])
    name = raw.feature_names[col] if raw.feature_names else col
    return f"first at row {row}, feature {name!r} (0-based)"


def _feature_stats(raw: RawData):
    """(n_nan, n_inf, indices of the constant features)."""
    x = raw.x
    if scipy.sparse.issparse(x):
        x = x.tocsc()
        data = np.asarray(x.data, dtype=np.float64)
        n_nan, n_inf = int(np.isnan(data).sum()), int(np.isinf(data).sum())
        nnz = np.diff(x.indptr)
        present = x.copy()
        present.data = np.nan_to_num(present.data.astype(np.float64))
        high = present.max(axis=0).toarray().ravel()
        low = present.min(axis=0).toarray().ravel()
        # A column is constant when every sample holds one value: all zero (no stored
        # value) or stored everywhere with one value.
        constant = np.flatnonzero(((nnz == 0) | (nnz == x.shape[0])) & (high == low))
        return n_nan, n_inf, constant
    flat = np.asarray(x, dtype=np.float64).reshape(raw.n, -1)
    n_nan, n_inf = int(np.isnan(flat).sum()), int(np.isinf(flat).sum())
    with np.errstate(invalid="ignore"):
        finite = np.where(np.isfinite(flat), flat, np.nan)
        spread = np.nanmax(finite, axis=0) - np.nanmin(finite, axis=0) if raw.n else np.zeros(0)
    constant = np.flatnonzero(np.nan_to_num(spread, nan=0.0) == 0)
    return n_nan, n_inf, constant


def describe(path: PathLike, format: Optional[str] = None, **reader_options) -> FileDescription:
    """Reads `path` and describes what it holds and what is wrong with it.

    Args:
        path: A data file or an image folder.
        format: The format (`tftransfer.data.loaders.FORMATS`); None detects it.
        **reader_options: Options of the format's reader (e.g. `label_column`, `x_key`,
            `side`, `labels` for how numeric labels are read). None values are ignored.

    Returns:
        The `FileDescription`. A file that cannot be read, or whose content cannot be used
        (NaN features, a single class, no feature), has `problems` saying why and the fix.

    Raises:
        FileNotFoundError: If nothing exists at `path`.
        ValueError: If the format is unknown or cannot be told from the suffix, or an
            option does not apply to the format.
    """
    folder = Path(path).expanduser().is_dir() if isinstance(path, (str, Path)) else False
    path = existing_path(path, "data", folder=folder)
    if format is None:
        format, detected_by = detect_format(path)
    else:
        FORMATS.get(format)
        detected_by = "format given"
    scheme = reader_options.pop("labels", None) or "auto"
    raw, notes, problem = _read(path, format, {k: v for k, v in reader_options.items()
                                                if v is not None})
    if raw is None:
        if "do not apply" in problem.what:
            raise ValueError(problem.what)
        return FileDescription(str(path), format, detected_by, notes=tuple(notes),
                               problems=(problem,))
    if raw.categorical:
        raw = encode_categories([raw])[0]
    notes += list(raw.notes)
    problems: List[Problem] = []
    facts = dict(path=str(path), format=format, detected_by=detected_by,
                 shape=tuple(int(d) for d in raw.x.shape), details=raw.details,
                 feature_names=raw.feature_names, label_source=raw.label_source)
    if raw.is_text:
        facts.update(dtype="str", storage="text")
        empty = int(sum(1 for doc in raw.x if not str(doc).strip()))
        if empty:
            problems.append(Problem(f"{empty} empty document(s)", "drop the empty lines / rows"))
    else:
        dtype = raw.x.dtype
        storage = "sparse" if scipy.sparse.issparse(raw.x) else "dense"
        facts.update(dtype=str(dtype), storage=storage)
        if not (np.issubdtype(dtype, np.number) or dtype == np.bool_):
            problems.append(Problem(f"the features are {dtype}, not numbers",
                                    "store numeric features"))
        elif raw.n and int(np.prod(raw.feature_shape)):
            n_nan, n_inf, constant = _feature_stats(raw)
            names = raw.feature_names
            listed = tuple(names[i] if names else int(i) for i in constant[:20])
            facts.update(n_nan=n_nan, n_inf=n_inf, constant_features=listed,
                         n_constant=int(len(constant)))
            if n_nan or n_inf:
                problems.append(Problem(
                    f"{n_nan} NaN and {n_inf} infinite feature value(s), {_first_bad(raw)}",
                    "fill them (e.g. with the column mean) or drop those samples; `tftransfer "
                    "run --missing mean` fills them with the column means"))
            n_features = int(np.prod(raw.feature_shape))
            if len(constant) == n_features and raw.n > 1:
                problems.append(Problem("every feature is constant: the samples are identical",
                                        "check that the right columns / arrays were read"))
            elif len(constant):
                notes.append(f"{len(constant)} of {n_features} features are constant (kept; "
                             "they carry no information)")
            if not (n_nan or n_inf) and len(raw.feature_shape) == 1 and storage == "dense":
                notes += _scale_note(raw.x)
        if raw.n == 0:
            problems.append(Problem("no samples", "export the data again, or pass the right file"))
    if raw.labels is None:
        notes.append("no labels: usable as an unlabelled target (prediction only), not as "
                     "a source")
    else:
        try:
            labels, converted = canonical_labels(raw.labels, raw.n, repr(str(path)))
            vocabulary = build_vocabulary([labels], scheme, where=repr(str(path)))
        except ValueError as err:
            problems.append(Problem(str(err), "fix the labels, or name the right label "
                                    "column / key (label_column, y_key)"))
        else:
            notes += list(converted) + list(vocabulary.notes)
            index = vocabulary.encode(labels, repr(str(path)))
            counts = np.bincount(index, minlength=len(vocabulary))
            facts.update(label_scheme=vocabulary.scheme, class_names=vocabulary.names,
                         class_counts=tuple(int(c) for c in counts))
            if len(vocabulary) < 2:
                problems.append(Problem(
                    f"a single class ({vocabulary.names[0]!r})",
                    "a source needs at least 2 classes: check the label column / key; as a "
                    "target, the file may hold any of the source's classes"))
            empty = [vocabulary.names[i] for i in np.flatnonzero(counts == 0)]
            if empty:
                notes.append(f"classes without samples: {empty}; pass labels='values' if the "
                             "labels are arbitrary codes rather than class indices")
    return FileDescription(**facts, notes=tuple(notes), problems=tuple(problems))


def _scale_note(x) -> List[str]:
    """A note when `tftransfer run` would rescale these features (`files.auto_rescaling`, on
    this file alone; the command decides on source and target pooled)."""
    how, why = auto_rescaling(x)
    if how is None:
        return []
    what = ("z-score each feature with both files' pooled mean and standard deviation"
            if how == "pooled" else "divide every feature by both files' pooled root mean square")
    return [f"features far from the unit scale ({why}): `tftransfer run` and `tune` {what} "
            "(--standardize none keeps them)"]


def _shape_text(description: FileDescription) -> str:
    n, rest = description.shape[0], description.shape[1:]
    if description.storage == "text":
        return f"{n} documents"
    if len(rest) == 1:
        return f"{n} samples x {rest[0]} features"
    return f"{n} samples of shape {rest}"


def format_description(description: FileDescription, max_classes: int = 50) -> str:
    """The human-readable report of a `FileDescription` (what `tftransfer data` prints).

    Args:
        description: From `describe`.
        max_classes: Classes listed with their counts (the rest summed in one line).

    Returns:
        The text, lines without a trailing newline.
    """
    d = description
    lines = [f"file:      {d.path}", f"format:    {d.format} ({d.detected_by})"]
    if d.shape is not None:
        lines.append(f"shape:     {_shape_text(d)} ({d.storage}, {d.dtype})")
        for name, text in d.details:
            lines.append(f"{name + ':':<10} {text}")
        if d.feature_names:
            shown = ", ".join(d.feature_names[:10]) + (", ..." if len(d.feature_names) > 10 else "")
            lines.append(f"columns:   {shown}")
        if d.storage != "text":
            constant = ""
            if d.n_constant:
                listed = ", ".join(str(c) for c in d.constant_features[:10])
                constant = f"; {d.n_constant} constant feature(s): {listed}" + (
                    ", ..." if d.n_constant > 10 else "")
            lines.append(f"values:    {d.n_nan} NaN, {d.n_inf} infinite{constant}")
        if not d.labelled:
            lines.append("labels:    none")
        elif d.class_names:
            numbered = all(is_integer_text(c) for c in d.class_names)
            scheme = {"values": "distinct values" if numbered else "class names"}.get(
                d.label_scheme, d.label_scheme.replace("_", "-"))
            lines.append(f"labels:    {d.label_source}, {len(d.class_names)} classes ({scheme})")
            width = max(len(name) for name in d.class_names[:max_classes])
            total = sum(d.class_counts)
            for name, count in list(zip(d.class_names, d.class_counts))[:max_classes]:
                lines.append(f"  {name:<{width}}  {count:>7}  {100.0 * count / total:5.1f}%")
            if len(d.class_names) > max_classes:
                rest = sum(d.class_counts[max_classes:])
                more = len(d.class_names) - max_classes
                lines.append(f"  ... {more} more classes, {rest} samples")
        else:
            lines.append(f"labels:    {d.label_source} (unreadable: see problems)")
    for note in d.notes:
        lines.append(f"note:      {note}")
    if d.ok:
        lines.append("problems:  none")
    else:
        for problem in d.problems:
            lines.append(f"problem:   {problem.what}")
            lines.append(f"  fix:     {problem.fix}")
    return "\n".join(lines)
