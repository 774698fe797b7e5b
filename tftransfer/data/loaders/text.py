"""Text: one document per line with a label column, for text backbones or TF-IDF features.

A `.txt` file holds one document per line, `<label><TAB><document>` (the label first;
`label_column=-1` for `<document><TAB><label>`); a file without any tab is unlabelled. A
`.csv` / `.tsv` / `.parquet` table read with `format="text"` holds the documents in a text
column (`text_column`, default `text`) and the labels in `label_column` (default `label`).

`load_text` returns a `TextDomain`: the documents as strings, for a model that reads text.
The numeric models of tftransfer need features: `tfidf_features` turns documents into TF-IDF
vectors (scikit-learn's `TfidfVectorizer`) fitted on the documents it is given, e.g. a
source and an unlabelled target (`tftransfer.data.files` does this for text files).

Example:
    >>> docs = load_text("reviews.txt")          # "pos\\tGreat film." per line
    >>> docs.documents[0], docs.class_names
    ('Great film.', ('neg', 'pos'))
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np

from tftransfer.data.loaders.base import RawData, logger
from tftransfer.data.loaders.labels import build_vocabulary, canonical_labels
from tftransfer.data.loaders.paths import PathLike, existing_path
from tftransfer.data.loaders.tabular import parquet_engine, table_format_of

__all__ = ["TextDomain", "load_text", "read_text", "tfidf_features"]

TFIDF_MAX_FEATURES = 20000
"""Default vocabulary size of `tfidf_features` (most frequent terms)."""


@dataclass(frozen=True, eq=False)
class TextDomain:
    """Documents of one domain, with optional labels (a text `Domain`).

    Args:
        name: Domain name.
        documents: The documents, a 1-D str array of `n` items.
        y: int32 labels `(n,)` indexing `class_names`, or None.
        num_classes: Number of classes.
        class_names: The classes as the file names them, in index order.
        path: The file read.
        notes: What the reader detected or assumed.
    """

    name: str
    documents: np.ndarray
    y: Optional[np.ndarray]
    num_classes: int
    class_names: Tuple[str, ...]
    path: str = ""
    notes: Tuple[str, ...] = ()

    def __post_init__(self):
        docs = np.asarray(self.documents, dtype=str)
        if docs.ndim != 1 or docs.size == 0:
            raise ValueError(f"TextDomain {self.name!r}: documents must be a non-empty 1-D "
                             f"sequence of str, got shape {docs.shape}")
        if self.y is not None and np.shape(self.y) != docs.shape:
            raise ValueError(f"TextDomain {self.name!r}: y must have shape {docs.shape}, "
                             f"got {np.shape(self.y)}")
        if len(self.class_names) != self.num_classes:
            raise ValueError(f"TextDomain {self.name!r}: {len(self.class_names)} class names "
                             f"for {self.num_classes} classes")
        object.__setattr__(self, "documents", docs)

    @property
    def n(self) -> int:
        """Number of documents."""
        return int(self.documents.shape[0])

    @property
    def has_labels(self) -> bool:
        """Whether the documents carry labels."""
        return self.y is not None


LabelField = Union[int, str, bool, None]


def _read_lines(path: Path, label_column: LabelField, delimiter: str):
    where = repr(str(path))
    try:
        text = path.read_text(encoding="utf8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{where} is not UTF-8 text: {err}; save it as UTF-8") from err
    lines = [(i + 1, line) for i, line in enumerate(text.splitlines()) if line.strip()]
    if not lines:
        raise ValueError(f"{where} is empty: it holds no document (one document per line)")
    notes: List[str] = []
    if label_column is None:
        with_tab = [delimiter in line for _, line in lines]
        if not any(with_tab):
            label_column = False
            notes.append(f"{where}: no line has a {delimiter!r}-separated label: read as "
                         "unlabelled documents, one per line")
        elif not all(with_tab):
            number = lines[with_tab.index(False)][0]
            raise ValueError(
                f"{where}: line {number} has no {delimiter!r} between label and document while "
                "other lines do; give every line a label (<label><TAB><document>) or none"
            )
        else:
            label_column = 0
    if label_column is False:
        return np.asarray([line.strip() for _, line in lines], dtype=str), None, None, notes
    if label_column not in (0, -1):
        raise ValueError("`label_column` of a .txt file must be 0 (label first), -1 (label "
                         f"last), False or None. Received: label_column={label_column!r}")
    docs, labels = [], []
    for number, line in lines:
        if delimiter not in line:
            raise ValueError(f"{where}: line {number} has no {delimiter!r} between label and "
                             "document")
        if label_column == 0:
            label, doc = line.split(delimiter, 1)
        else:
            doc, label = line.rsplit(delimiter, 1)
        docs.append(doc.strip())
        labels.append(label.strip())
    where_label = "the first field" if label_column == 0 else "the last field"
    return np.asarray(docs, dtype=str), np.asarray(labels, dtype=object), where_label, notes


def _read_text_table(path: Path, label_column: LabelField, text_column: Optional[str],
                     delimiter: Optional[str]):
    import pandas as pd

    table_format = table_format_of(path) or "csv"
    where = repr(str(path))
    if table_format == "parquet":
        if parquet_engine() is None:
            raise ValueError(f"Reading the parquet file {where} needs pyarrow or fastparquet, "
                             "and neither is installed: pip install pyarrow (or use .csv)")
        frame = pd.read_parquet(path).astype(str)
    else:
        sep = delimiter or {"csv": ",", "tsv": "\t"}[table_format]
        try:
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError as err:
            raise ValueError(f"{where} is empty: it holds no header and no rows") from err
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if text_column is None:
        named = [c for c in columns if c.lower() in ("text", "document", "documents")]
        others = [c for c in columns if c.lower() != "label" and c != label_column]
        if named:
            text_column = named[0]
        elif len(others) == 1:
            text_column = others[0]
        else:
            raise ValueError(f"{where}: which column holds the documents? columns: {columns}; "
                             "pass text_column=<name>")
    if text_column not in columns:
        raise ValueError(f"{where} has no column {text_column!r}; columns: {columns}")
    notes = []
    if label_column is None:
        rest = [c for c in columns if c != text_column]
        label_column = next((c for c in rest if c.lower() == "label"), None)
        if label_column is None and len(rest) == 1:
            label_column = rest[0]
        if label_column is None:
            notes.append(f"{where}: no label column found: read as unlabelled documents")
    elif label_column is not False and label_column not in columns:
        raise ValueError(f"{where} has no column {label_column!r}; columns: {columns}")
    if len(frame) == 0:
        raise ValueError(f"{where} is empty: it has a header but no rows")
    docs = frame[text_column].astype(str).to_numpy(dtype=str)
    if label_column in (None, False):
        return docs, None, None, notes
    return docs, frame[label_column].to_numpy(dtype=object), f"column {label_column!r}", notes


def read_text(
    path: PathLike,
    label_column: LabelField = None,
    *,
    text_column: Optional[str] = None,
    delimiter: Optional[str] = None,
) -> RawData:
    """The documents and labels of a text file, as stored.

    Args:
        path: A `.txt` file (one document per line) or a `.csv`/`.tsv`/`.parquet` table.
        label_column: `.txt`: 0 (label first, the default when every line has a tab), -1
            (label last) or False (no labels; the default when no line has a tab). Tables:
            the label column's name, or None for `label` (or the only other column).
        text_column: Tables: the documents' column; None for `text` / `document` (or the
            only other column).
        delimiter: The separator of label and document (`.txt`, default tab) or of the
            table columns (default "," for csv, tab for tsv).

    Returns:
        The `RawData` with x a 1-D str array of documents.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it is empty, not UTF-8, or its lines / columns do not fit.
    """
    path = existing_path(path, "text")
    if table_format_of(path) is None:
        docs, labels, source, notes = _read_lines(path, label_column, delimiter or "\t")
    else:
        docs, labels, source, notes = _read_text_table(path, label_column, text_column, delimiter)
    return RawData(path=path, format="text", x=docs, labels=labels, label_source=source,
                   notes=tuple(notes))


def load_text(
    path: PathLike,
    label_column: LabelField = None,
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
    *,
    text_column: Optional[str] = None,
    delimiter: Optional[str] = None,
    labels: str = "auto",
    classes: Optional[Sequence] = None,
) -> TextDomain:
    """Reads a `TextDomain` (documents as strings) for a text backbone.

    Args:
        path, label_column, text_column, delimiter: As for `read_text`.
        num_classes, name, labels, classes: As for `to_domain`; class names are sorted.

    Returns:
        The `TextDomain`.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: As for `read_text`, or when the labels do not fit or hold one class.
    """
    raw = read_text(path, label_column, text_column=text_column, delimiter=delimiter)
    where = repr(str(raw.path))
    notes = list(raw.notes)
    y = None
    if raw.labels is not None:
        y, converted = canonical_labels(raw.labels, raw.n, where)
        vocabulary = build_vocabulary([y], labels, num_classes, classes, where)
        if len(vocabulary) < 2:
            raise ValueError(f"{where} has a single class ({vocabulary.names[0]!r}); a "
                             "classifier needs at least 2 classes")
        notes += list(converted) + list(vocabulary.notes)
        y = vocabulary.encode(y, where)
    elif classes is None and num_classes is None:
        raise ValueError(f"{where} has no labels; pass num_classes (or classes) to read it "
                         "as unlabelled documents")
    else:
        vocabulary = build_vocabulary([], "zero_based", num_classes, classes, where)
    for note in notes:
        logger.info(note)
    return TextDomain(raw.path.stem if name is None else name, raw.x, y, len(vocabulary),
                      vocabulary.names, str(raw.path), tuple(notes))


def tfidf_features(
    raws: Sequence[RawData],
    fit_on: Optional[Sequence[int]] = None,
    max_features: int = TFIDF_MAX_FEATURES,
) -> List[RawData]:
    """Text `RawData` -> numeric `RawData` of TF-IDF vectors over one shared vocabulary.

    The vectorizer (scikit-learn `TfidfVectorizer`, sublinear tf, the `max_features` most
    frequent terms) is fitted on the documents of `raws[i]` for i in `fit_on` — the source
    and the unlabelled target of a task: no label is used — and applied to every item.

    Args:
        raws: Text `RawData` (from `read_text`).
        fit_on: Indices of the items to fit on; None: all.
        max_features: Vocabulary size.

    Returns:
        One `RawData` per item, x a sparse float32 `(n, vocabulary size)`.

    Raises:
        ValueError: If an item is not text, or the documents hold no word.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    for raw in raws:
        if not raw.is_text:
            raise ValueError(f"{str(raw.path)!r} holds numeric features, not text documents")
    fit_on = range(len(raws)) if fit_on is None else fit_on
    vectorizer = TfidfVectorizer(max_features=max_features, sublinear_tf=True, dtype=np.float32)
    try:
        vectorizer.fit(np.concatenate([raws[i].x for i in fit_on]))
    except ValueError as err:  # "empty vocabulary"
        raise ValueError(f"Could not build TF-IDF features from "
                         f"{[str(raws[i].path) for i in fit_on]}: {err}") from err
    size = len(vectorizer.vocabulary_)
    note = (f"documents turned into TF-IDF vectors of {size} terms (fitted on "
            f"{', '.join(repr(str(raws[i].path)) for i in fit_on)}, no labels used)")
    return [replace(raw, x=vectorizer.transform(raw.x), notes=raw.notes + (note,),
                    feature_names=None) for raw in raws]
