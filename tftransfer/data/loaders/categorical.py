"""Category columns of tables ("Biscoe", "yes", "PhD"): one-hot, one vocabulary over every file.

A table column whose values are not numbers is a category. `read_table` keeps such columns
apart (`RawData.categorical`); `encode_categories` turns them into one 0/1 column per value,
named "<column>=<value>", after the numeric columns, with ONE sorted vocabulary over every
file given together — the values met in any of them (source, target, target test: their
features, never their labels), so that the files describe the same features. A missing
value (an empty cell) is zero in every column of its category (it is none of the values).
A column that is a category in one file and numbers in another (e.g. left empty there) is
a category in all, its numbers read as values ("3.0" as "3").

Refused with an error that names the column and the fix:
- more than `MAX_CATEGORIES` distinct values, or more than half as many as rows (and over
  20): an identifier or free text, not a category;
- numbers with a few other cells ("?", "n/a"): missing values marked by a token, which a
  one-hot encoding would silently turn into one column per number.

Example:
    >>> raws = encode_categories([read_table("female.csv"), read_table("male.csv")])
    >>> raws[0].feature_names[-3:]
    ('island=Biscoe', 'island=Dream', 'island=Torgersen')
"""

from __future__ import annotations

from dataclasses import replace
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

__all__ = ["MAX_CATEGORIES", "category_values", "encode_categories", "is_number_text"]

#: A column with more distinct values than this is an identifier or free text (the largest
#: category of UCI Adult, native-country, has 42 values).
MAX_CATEGORIES = 100
#: Up to this many values a column is a category even when most rows differ (a small file).
_FEW = 20
#: A text column whose non-missing cells are at least this share of numbers is numbers with
#: a few marker tokens, refused rather than one-hot encoded.
_NUMBER_SHARE = 0.8


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _text(value) -> Optional[str]:
    """A cell as a category value; None for a missing one (whole floats as integers)."""
    if _is_missing(value):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def is_number_text(text) -> bool:
    """Whether `text` reads as a number ("3", "-1.5e3", "nan"; not "cat")."""
    try:
        float(str(text))
    except ValueError:
        return False
    return True


def category_values(values, column: str, where: str) -> np.ndarray:
    """The cells of one category column as an object array of str (None when missing).

    Raises:
        ValueError: If the column has more than `MAX_CATEGORIES` distinct values, or is
            numbers with a few other cells.
    """
    cells = np.array([_text(v) for v in values], dtype=object)
    present = [c for c in cells if c is not None]
    distinct = sorted(set(present))
    numbers = sum(is_number_text(c) for c in present)
    if present and numbers < len(present) and numbers >= _NUMBER_SHARE * len(present):
        others = sorted({c for c in present if not is_number_text(c)})
        raise ValueError(
            f"{where}: column {column!r} holds numbers and {len(present) - numbers} cell(s) "
            f"that are not ({', '.join(repr(o) for o in others[:5])}); if those mark missing "
            "values, leave the cells empty (missing='mean' / --missing mean then fills them), "
            "else correct them"
        )
    if len(distinct) > MAX_CATEGORIES or len(distinct) > max(_FEW, len(present) / 2):
        raise ValueError(
            f"{where}: column {column!r} is text with {len(distinct)} distinct values in "
            f"{len(cells)} rows (e.g. {distinct[0]!r}, {distinct[1]!r}): an identifier or free "
            f"text rather than a category (one-hot encoded: at most {MAX_CATEGORIES} values, "
            f"and at most half the rows' or {_FEW}); drop the column or encode it as numbers "
            "yourself (documents: read a file of one text column and the labels with "
            "format='text')"
        )
    return cells


def _count(k: int) -> str:
    return f"{k} value" + ("" if k == 1 else "s")


def encode_categories(raws: Sequence) -> List:
    """`raws` (RawData of tables read together) with their category columns one-hot encoded
    over one vocabulary; files without categories are returned unchanged.

    Raises:
        ValueError: If a category column of one file is missing from another, or the pooled
            column has more than `MAX_CATEGORIES` values.
    """
    raws = list(raws)
    names: List[str] = []
    for raw in raws:
        names += [name for name, _ in raw.categorical if name not in names]
    if not names:
        return raws
    # A category in one file is a category in all (e.g. an empty, hence numeric, column).
    moved = []
    for raw in raws:
        columns = dict(raw.categorical)
        keep = list(range(raw.x.shape[1]))
        for name in names:
            if name in columns:
                continue
            where = repr(str(raw.path))
            if not raw.feature_names or name not in raw.feature_names:
                raise ValueError(
                    f"{where} has no column {name!r}, a category column of the other file(s): "
                    "the files must have the same feature columns (the label column aside)"
                )
            index = raw.feature_names.index(name)
            columns[name] = category_values(raw.x[:, index], name, where)
            keep.remove(index)
        x = raw.x[:, keep]
        feature_names = tuple(raw.feature_names[i] for i in keep) if raw.feature_names else None
        moved.append((raw, x, feature_names, columns))
    vocabulary: Dict[str, Tuple[str, ...]] = {}
    for name in names:
        values = sorted({v for _, _, _, columns in moved for v in columns[name] if v is not None})
        if len(values) > MAX_CATEGORIES:
            raise ValueError(
                f"column {name!r} has {len(values)} distinct values over the files together "
                f"(e.g. {values[0]!r}, {values[1]!r}): an identifier or free text rather than "
                f"a category (at most {MAX_CATEGORIES} values are one-hot encoded); drop the "
                "column or encode it as numbers yourself"
            )
        vocabulary[name] = tuple(values)
    first = moved[0][3]
    out = []
    for raw, x, feature_names, columns in moved:
        blocks, encoded_names, missing = [x], list(feature_names or ()), []
        for name in names:
            cells = columns[name]
            values = vocabulary[name]
            index = {v: i for i, v in enumerate(values)}
            block = np.zeros((raw.n, len(values)), dtype=x.dtype if x.size else np.float64)
            rows = [i for i, c in enumerate(cells) if c is not None]
            block[rows, [index[cells[i]] for i in rows]] = 1.0
            blocks.append(block)
            encoded_names += [f"{name}={v}" for v in values]
            if len(rows) < raw.n:
                missing.append(f"{name!r} ({raw.n - len(rows)})")
        shown = ", ".join(f"{name!r} ({_count(len(vocabulary[name]))})" for name in names)
        notes = []
        if raw is raws[0]:  # one note for the files read together
            notes.append(f"{str(raw.path)!r}: category column(s) {shown} one-hot encoded, one "
                         "0/1 column per value" + (" (the values of every file together)"
                                                   if len(raws) > 1 else ""))
        if missing:
            notes.append(f"{str(raw.path)!r}: missing categories, zero in every column of "
                         f"their category: {', '.join(missing)}")
        unseen = [f"{name}={v}" for name in names
                  for v in sorted(set(columns[name]) - set(first[name]) - {None})]
        if unseen and raw is not raws[0]:
            notes.append(f"{str(raw.path)!r}: value(s) {unseen[:10]} never occur in "
                         f"{str(raws[0].path)!r}: a model trained there has seen no sample of "
                         "them")
        out.append(replace(raw, x=np.concatenate(blocks, axis=1),
                           feature_names=tuple(encoded_names), categorical=(),
                           notes=raw.notes + tuple(notes)))
    return out
