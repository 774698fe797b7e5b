"""Tables: `.csv`, `.tsv` and `.parquet` files, one sample per row (pandas).

Every column but the label column is a feature: numbers, or text categories ("Biscoe",
"yes"), kept apart in `RawData.categorical` and one-hot encoded by `to_domain` (or, for the
files of a task, over one vocabulary by `load_task_from_files`;
`tftransfer.data.loaders.categorical`). The label column is `label_column`
(a name or a position), by default the column named `label` (any case), else the last
column. Labels may be numbers or class names ("cat"): names are mapped to indices in sorted
order (`tftransfer.data.loaders.labels`). A csv file whose first row is data — numbers, and
text cells that are values of their columns (categories) — has no header: its columns are
numbered 0..d.

Parquet needs `pyarrow` or `fastparquet` (not dependencies of tftransfer): without either,
reading a `.parquet` file says which package to install.

Example:
    >>> domain = load_table("train.csv")                          # column "label"
    >>> domain = load_table("train.tsv", label_column="species")
    >>> domain.class_names
    ('setosa', 'versicolor', 'virginica')
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Optional, Sequence, Tuple, Union

import numpy as np

from tftransfer.data.loaders.base import FileDomain, RawData, to_domain
from tftransfer.data.loaders.categorical import category_values, is_number_text
from tftransfer.data.loaders.paths import PathLike, existing_path

__all__ = ["TABLE_FORMATS", "load_table", "parquet_engine", "read_table", "table_columns",
           "table_format_of"]

TABLE_FORMATS = {"csv": ",", "tsv": "\t", "parquet": None}
"""The table formats and their default delimiters."""

_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet"}

LabelColumn = Union[str, int, bool, None]
#: Rows `table_columns` reads to tell a header from a first row of data.
_HEADER_ROWS = 1000


def parquet_engine() -> Optional[str]:
    """The installed parquet engine ("pyarrow", "fastparquet") or None."""
    for engine in ("pyarrow", "fastparquet"):
        if importlib.util.find_spec(engine) is not None:
            return engine
    return None


def _read_frame(path: Path, table_format: str, delimiter: Optional[str]):
    import pandas as pd

    where = repr(str(path))
    if table_format == "parquet":
        if parquet_engine() is None:
            raise ValueError(
                f"Reading the parquet file {where} needs pyarrow or fastparquet, and neither "
                "is installed: pip install pyarrow (or save the table as .csv)"
            )
        try:
            return pd.read_parquet(path), ()
        except Exception as err:  # the engines raise their own error types
            raise ValueError(f"Could not read {where} as a parquet file: {err}") from err
    sep = TABLE_FORMATS[table_format] if delimiter is None else delimiter
    try:
        frame = pd.read_csv(path, sep=sep)
    except pd.errors.EmptyDataError as err:
        raise ValueError(f"{where} is empty: it holds no header and no rows") from err
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
        raise ValueError(
            f"Could not parse {where} as a {table_format} file (delimiter {sep!r}): {err}; "
            "pass delimiter=... if the columns are separated differently"
        ) from err
    if _first_row_is_data(frame):
        frame = pd.read_csv(path, sep=sep, header=None)
        frame.columns = [str(i) for i in range(len(frame.columns))]
        return frame, (f"{where}: the first row holds numbers and values of its columns, not "
                       f"names, so there is no header: columns are numbered "
                       f"0..{len(frame.columns) - 1}",)
    return frame, ()


def _first_row_is_data(frame) -> bool:
    """Whether the header pandas read is a row of data: each of its cells a number, or a
    value that its column holds again below (a category, "Dream" in a column of "Dream" and
    "Biscoe"; a column's name is not among its values)."""
    if len(frame.columns) == 0:
        return False
    for name in frame.columns:
        if is_number_text(name):
            continue
        values = frame[name]
        if values.dtype.kind in "biuf" or str(name) not in set(values.dropna().astype(str)):
            return False
    return True


def _label_column(columns, label_column: LabelColumn, where: str, optional: bool):
    """(name of the label column or None, notes)."""
    if label_column is False:
        return None, ()
    if label_column is None:
        exact = [c for c in columns if c == "label"]
        anycase = [c for c in columns if c.lower() == "label"]
        if exact or len(anycase) == 1:
            return (exact or anycase)[0], ()
        if len(columns) < 2:
            return None, (f"{where}: a single column, read as one feature without labels",)
        return columns[-1], (f"{where}: no column named 'label': labels read from the last "
                             f"column {columns[-1]!r} (pass label_column=... to choose another)",)
    if isinstance(label_column, (int, np.integer)) and not isinstance(label_column, bool):
        if not -len(columns) <= label_column < len(columns):
            raise ValueError(
                f"{where}: label_column={label_column} is out of range for {len(columns)} "
                f"columns {columns}"
            )
        return columns[label_column], ()
    if isinstance(label_column, str):
        if label_column in columns:
            return label_column, ()
        if optional:
            return None, (f"{where}: no label column {label_column!r}: read as unlabelled",)
        raise ValueError(
            f"{where} has no column {label_column!r}; columns: {columns}; pass "
            "label_column=<name or position>"
        )
    raise TypeError(
        "`label_column` must be a column name, a position, False (no labels) or None "
        f"(auto). Received: label_column={label_column!r}"
    )


def table_columns(path: PathLike, table_format: Optional[str] = None,
                  delimiter: Optional[str] = None) -> Tuple[Tuple[str, ...], bool]:
    """(column names, whether the table has a header row), reading only its first rows.

    Columns of a table without a header are named "0".."d" as `read_table` names them.

    Raises:
        FileNotFoundError, ValueError: As for `read_table`.
    """
    import pandas as pd

    path = existing_path(path, "table")
    table_format = table_format or table_format_of(path) or "csv"
    if table_format == "parquet":
        frame, notes = _read_frame(path, table_format, delimiter)
    else:
        sep = TABLE_FORMATS[table_format] if delimiter is None else delimiter
        try:
            frame = pd.read_csv(path, sep=sep, nrows=_HEADER_ROWS)
        except pd.errors.EmptyDataError as err:
            raise ValueError(f"{str(path)!r} is empty: it holds no header and no rows") from err
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
            raise ValueError(
                f"Could not parse {str(path)!r} as a {table_format} file: {err}") from err
        notes = ()
        if _first_row_is_data(frame):
            notes = ("no header",)
            frame.columns = [str(i) for i in range(len(frame.columns))]
    return tuple(str(c) for c in frame.columns), not notes


def table_format_of(path: Path) -> Optional[str]:
    """The table format of `path` by its suffix, or None."""
    return _SUFFIXES.get(path.suffix.lower())


def read_table(
    path: PathLike,
    label_column: LabelColumn = None,
    *,
    table_format: Optional[str] = None,
    delimiter: Optional[str] = None,
    optional_label: bool = False,
) -> RawData:
    """The features and labels of a table, as stored.

    Args:
        path: The `.csv`, `.tsv` or `.parquet` file.
        label_column: The label column: a name, a position (0, -1), False for no labels,
            or None: the column `label` (any case) else the last column.
        table_format: "csv", "tsv" or "parquet"; None: from the suffix (else csv).
        delimiter: Column separator of a text table; None: "," for csv, tab for tsv.
        optional_label: True reads a table without the named `label_column` as
            unlabelled (a target file without labels) instead of failing.

    Returns:
        The `RawData`: x float64 `(n, d)` of the numeric columns (NaN kept for the checks),
        labels as stored, `feature_names` the numeric columns, `categorical` the text
        columns (not yet encoded).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is empty or cannot be parsed, the label column is missing,
            a text column is not a category (`category_values`), or parquet support is not
            installed.
    """
    path = existing_path(path, "table")
    where = repr(str(path))
    table_format = table_format or table_format_of(path) or "csv"
    if table_format not in TABLE_FORMATS:
        raise ValueError(
            f"`table_format` must be one of {list(TABLE_FORMATS)}. Received: "
            f"table_format={table_format!r}"
        )
    frame, notes = _read_frame(path, table_format, delimiter)
    frame.columns = [str(c) for c in frame.columns]
    columns = list(frame.columns)
    if not columns:
        raise ValueError(f"{where} is empty: it has no columns")
    if len(frame) == 0:
        raise ValueError(f"{where} is empty: it has a header ({len(columns)} columns) but no rows")
    label, label_notes = _label_column(columns, label_column, where, optional_label)
    notes += label_notes
    labels = None
    if label is not None:
        labels = frame[label].to_numpy(dtype=object)
        missing = frame[label].isna().to_numpy()
        if len(labels) and missing.all():
            labels = None
            notes += (f"{where}: the label column {label!r} is empty: read as unlabelled",)
    features = frame.drop(columns=[label]) if label is not None else frame
    if features.shape[1] == 0:
        raise ValueError(f"{where} has only the label column {label!r}: no feature columns")
    categorical = []
    for column in features.columns:
        if features[column].dtype.kind not in "biuf":
            cells = category_values(features[column].to_numpy(dtype=object), column, where)
            categorical.append((column, cells))
    numeric = features.drop(columns=[c for c, _ in categorical])
    return RawData(
        path=path, format=table_format, x=numeric.to_numpy(dtype=np.float64),
        labels=labels, feature_names=tuple(numeric.columns), categorical=tuple(categorical),
        label_source=None if label is None else f"column {label!r}", label_key=label,
        notes=tuple(notes),
    )


def load_table(
    path: PathLike,
    label_column: LabelColumn = None,
    num_classes: Optional[int] = None,
    name: Optional[str] = None,
    *,
    table_format: Optional[str] = None,
    delimiter: Optional[str] = None,
    labels: str = "auto",
    classes: Optional[Sequence] = None,
) -> FileDomain:
    """Reads a domain from a `.csv`, `.tsv` or `.parquet` table.

    Args:
        path, label_column, table_format, delimiter: As for `read_table`.
        num_classes, name, labels, classes: As for `to_domain`; class names are always
            sorted.

    Returns:
        The `FileDomain` (x float32 `(n, d)`, y int32, `class_names`, `feature_names`).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: As for `read_table`, or when the data fail the checks (NaN or
            infinite features, unfit labels, a single class).
    """
    raw = read_table(path, label_column, table_format=table_format, delimiter=delimiter)
    return to_domain(raw, labels=labels, classes=classes, num_classes=num_classes, name=name)
