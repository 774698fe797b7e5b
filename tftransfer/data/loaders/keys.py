"""Which arrays of a keyed file (.npz, .mat, HDF5) hold the features and the labels.

Files of named arrays use a handful of names: `X`/`x`/`fts`/`feas`/`features` for the
features and `y`/`Y`/`labels`/`gnd` for the labels, and the domain-adaptation files that hold
a source/target pair use `Xs`/`Ys` + `Xt`/`Yt` or `X_src`/`Y_src` + `X_tar`/`Y_tar`.
`choose_keys` picks the arrays by those names (exact first, then ignoring case), or takes the
keys given; a pair file needs `side="source"` or `"target"` to say which half to read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from tftransfer.data.loaders.base import FileDomain, RawData, to_domain
from tftransfer.data.loaders.paths import PathLike

__all__ = ["SIDES", "choose_keys", "key_listing", "keyed_loader", "keyed_raw_data",
           "read_keyed"]

SIDES = ("source", "target")
"""The `side=` values: which half of a source/target pair file to read."""

_NAMES = {
    None: (
        ("x", "X", "features", "feature", "feats", "feas", "fts", "fea", "data", "inputs"),
        ("y", "Y", "labels", "label", "gnd", "targets", "target", "classes", "class"),
    ),
    "source": (
        ("Xs", "X_src", "X_s", "Xsrc", "X_source", "source_x", "source_features"),
        ("Ys", "Y_src", "Y_s", "Ysrc", "Y_source", "source_y", "source_labels"),
    ),
    "target": (
        ("Xt", "X_tar", "X_t", "Xtar", "X_tgt", "X_target", "target_x", "target_features"),
        ("Yt", "Y_tar", "Y_t", "Ytar", "Y_tgt", "Y_target", "target_y", "target_labels"),
    ),
}

KeyOption = Union[str, bool, None]


def _find(names, available: List[str]) -> Optional[str]:
    """The first of `names` among `available`: exact match first, then ignoring case."""
    for name in names:
        if name in available:
            return name
    lowered = {}
    for key in available:
        lowered.setdefault(key.lower(), []).append(key)
    for name in names:
        found = lowered.get(name.lower(), [])
        if len(found) == 1:
            return found[0]
    return None


def key_listing(shapes: Mapping[str, tuple], limit: int = 12) -> str:
    """`key (shape), ...` for messages, at most `limit` arrays."""
    items = [f"{k} {tuple(s)}" for k, s in shapes.items()]
    more = f", ... ({len(items) - limit} more)" if len(items) > limit else ""
    return (", ".join(items[:limit]) + more) or "none"


def choose_keys(
    shapes: Mapping[str, tuple],
    where: str,
    x_key: Optional[str] = None,
    y_key: KeyOption = None,
    side: Optional[str] = None,
) -> Tuple[str, Optional[str], Tuple[str, ...]]:
    """The keys of the features and labels among a file's arrays.

    Args:
        shapes: Every array of the file: key -> shape (as stored).
        where: The file, for messages.
        x_key: The features' key; None finds it by name.
        y_key: The labels' key; None finds it by name (none found: unlabelled, with a
            note); False: unlabelled.
        side: "source" or "target" for a file holding a source/target pair (`Xs`/`Xt`);
            None for a single-domain file.

    Returns:
        (x key, y key or None, notes).

    Raises:
        ValueError: If a key given is missing, no features array is found, or a pair file
            is read without `side` (each message lists the arrays and the option to pass).
    """
    available = list(shapes)
    if side is not None and side not in SIDES:
        raise ValueError(f"`side` must be 'source', 'target' or None. Received: side={side!r}")
    for what, key in (("x_key", x_key), ("y_key", y_key)):
        if key not in (None, False) and key not in available:
            raise ValueError(
                f"{where} has no array {key!r} ({what}); arrays found: {key_listing(shapes)}"
            )
    notes: List[str] = []
    found_side = side
    if x_key is None:
        plain = _find(_NAMES[None][0], available)
        pair = {s: _find(_NAMES[s][0], available) for s in SIDES}
        if side is not None and pair[side] is not None:
            x_key = pair[side]
        elif side is None and plain is None and all(pair.values()):
            raise ValueError(
                f"{where} holds a source/target pair ({pair['source']!r}, {pair['target']!r}); "
                "say which half to read with side='source' or side='target' (or x_key=...)"
            )
        elif plain is not None:
            x_key, found_side = plain, None
        elif side is not None and any(pair.values()):
            raise ValueError(
                f"{where} has no {side} half (side={side!r}): its features arrays are "
                f"{[k for k in pair.values() if k]}; pass the other side or x_key=..."
            )
        elif any(pair.values()):
            found_side = "source" if pair["source"] else "target"
            x_key = pair[found_side]
        else:
            matrices = [k for k, s in shapes.items() if len(s) >= 2 and min(s) > 1]
            if len(matrices) != 1:
                raise ValueError(
                    f"{where}: found no features array by its usual names (X, x, fts, feas, "
                    f"features, Xs/Xt, X_src/X_tar); arrays found: {key_listing(shapes)}; pass "
                    "x_key=<name> (and y_key=<name> for the labels)"
                )
            x_key = matrices[0]
            notes.append(f"{where}: features read from {x_key!r}, the only matrix in the file")
    if y_key is False:
        return x_key, None, tuple(notes)
    if y_key is None:
        # Labels named like the features: Xs -> Ys, X_tar -> Y_tar; else the usual names.
        guesses = []
        if x_key[:1] in "xX":
            guesses += [x_key[0].replace("x", "y").replace("X", "Y") + x_key[1:]]
        guesses += list(_NAMES[found_side][1])
        y_key = _find([g for g in guesses if g != x_key], available)
        if y_key is None:
            notes.append(
                f"{where}: no labels array found (arrays: {key_listing(shapes)}); read as "
                "unlabelled; pass y_key=<name> if the labels are under another name"
            )
    return x_key, y_key, tuple(notes)


def keyed_raw_data(
    path: Path, format: str, x: Any, y: Any, y_key: Optional[str], label_kind: str,
    notes: Iterable[str], details: Iterable[Tuple[str, str]],
) -> RawData:
    """The `RawData` of a keyed file whose labels, when any, are the array `y_key`.

    Args:
        path: The file read.
        format: The format name ("npz", "hdf5", "mat").
        x: The features, as stored.
        y: The labels, as stored, or None.
        y_key: The labels' key, or None (unlabelled).
        label_kind: What the format calls an array ("key", "dataset", "variable"), for
            `RawData.label_source`.
        notes: The reader's notes.
        details: The (name, text) facts for the data report.

    Returns:
        The `RawData`.
    """
    return RawData(
        path=path, format=format, x=x, labels=y,
        label_source=None if y_key is None else f"{label_kind} {y_key!r}", label_key=y_key,
        notes=tuple(notes), details=tuple(details),
    )


def read_keyed(
    path: Path, format: str, label_kind: str, shapes: Mapping[str, Tuple[int, ...]],
    fetch: Callable[[str], Any], x_key: Optional[str], y_key: KeyOption, side: Optional[str],
) -> RawData:
    """The `RawData` of a file of named arrays, keys chosen by `choose_keys`.

    Args:
        path: The file read.
        format: The format name ("npz", "hdf5").
        label_kind: What the format calls an array (see `keyed_raw_data`).
        shapes: The shape of every array, by key.
        fetch: Reads one array by its key (the file is open).
        x_key, y_key, side: As for `choose_keys`.

    Returns:
        The `RawData`, its details listing the arrays and the keys read.
    """
    x_key, y_key, notes = choose_keys(shapes, repr(str(path)), x_key, y_key, side)
    x = fetch(x_key)
    y = None if y_key is None else fetch(y_key)
    return keyed_raw_data(path, format, x, y, y_key, label_kind, notes,
                          (("arrays", key_listing(shapes)), ("read", f"x={x_key!r}, y={y_key!r}")))


def keyed_loader(read: Callable[..., RawData], function_name: str,
                 doc: str) -> Callable[..., FileDomain]:
    """The `load_<format>` of a format of named arrays, over its reader.

    Args:
        read: The format's `read_<format>(path, x_key, y_key, side) -> RawData`.
        function_name: The loader's name ("load_npz"), for its `__name__`.
        doc: The loader's docstring.

    Returns:
        `load(path, x_key=None, y_key=None, num_classes=None, name=None, *, side=None,
        labels="auto", classes=None) -> FileDomain`: `to_domain` of what `read` returns.
    """

    def load(
        path: PathLike,
        x_key: Optional[str] = None,
        y_key: KeyOption = None,
        num_classes: Optional[int] = None,
        name: Optional[str] = None,
        *,
        side: Optional[str] = None,
        labels: str = "auto",
        classes: Optional[Sequence] = None,
    ) -> FileDomain:
        raw = read(path, x_key, y_key, side)
        return to_domain(raw, labels=labels, classes=classes, num_classes=num_classes, name=name)

    load.__name__ = load.__qualname__ = function_name
    load.__module__ = read.__module__
    load.__doc__ = doc
    return load
