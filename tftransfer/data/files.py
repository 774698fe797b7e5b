"""A transfer task from a user's own files: a labelled source, a target, an optional test file.

`load_task_from_files("a.csv", "b.csv")` reads both files with the reader of their format
(`tftransfer.data.loaders`), checks that they describe the same features, builds ONE sorted
class vocabulary over their labels (numbers or names) and returns a `FileTask` (a
`TransferTask` that keeps the class names and what was detected):

| files given                          | task                                                    |
|--------------------------------------|---------------------------------------------------------|
| source, labelled target              | transductive: the target is the unlabelled adaptation   |
|                                      | data and the test set (its labels only score)           |
| source, target, labelled target_test | inductive: adapt on the target, test on target_test     |
| source, unlabelled target            | prediction only (`prediction_only`): adapt on the       |
|                                      | target, predict it; nothing to score                    |

The source is split into `source_train` / `source_val` (seeded, stratified), as for the
benchmark tasks. Every problem a user can make is one clear error saying what to fix: a
missing or empty file, NaN features, feature counts that differ, a source without labels or
with one class, and class sets that differ — a target class the source lacks (open set), or a
source class the target lacks (partial set, accepted only with `allow_partial=True`): the
message lists both class lists.

Format specifics handled here: two svmlight files are read together (one feature count, one
index base); a MATLAB / npz / HDF5 file holding a source/target pair (`Xs`/`Xt`) gives its
source half as the source and its target half as the target, so the same file can be
passed twice; a table target without the source's label column is unlabelled; text files
become TF-IDF vectors fitted on the source and target documents (no labels used).

Scale: flat features far from the unit scale a network's initialisation and learning rate
assume — some feature's root mean square over source and target above
`AUTO_STANDARDIZE_SCALE` (incomes, counts, years or 0..255 pixels) — are rescaled with the
statistics of source and target pooled (`standardize="auto"`, with a note): each feature
z-scored when the features are in different units (`AUTO_UNITS_SHARE` of them peak
`AUTO_UNITS_GAP` times lower than the highest), else all divided by one number, their root
mean square, which keeps their relative scales. `"pooled"` always z-scores, `"scale"`
always divides, `"none"` keeps the features as given. Either map moves both domains alike:
no domain is aligned to the other (that is what adaptation methods are for), and no label
is read.

Example:
    >>> task = load_task_from_files("amazon.csv", "webcam.csv")
    >>> task.class_names, task.prediction_only
    (('backpack', 'bike', ...), False)
    >>> task = load_task_from_files("MNIST_vs_USPS.mat", "MNIST_vs_USPS.mat")  # Xs -> Xt
"""

from __future__ import annotations

import hashlib

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from tftransfer._checks import check_choice
from tftransfer.data.domains import Domain, TransferTask
from tftransfer.data.loaders.base import FileDomain, RawData, logger, to_domain
from tftransfer.data.loaders.categorical import encode_categories
from tftransfer.data.loaders.formats import FORMATS, detect_format, read_file
from tftransfer.data.loaders.labels import ClassVocabulary, build_vocabulary, canonical_labels
from tftransfer.data.loaders.paths import PathLike, existing_path
from tftransfer.data.loaders.svmlight import read_svmlight_files
from tftransfer.data.loaders.tabular import table_columns
from tftransfer.data.loaders.text import TFIDF_MAX_FEATURES, tfidf_features

__all__ = ["AUTO_STANDARDIZE_SCALE", "AUTO_UNITS_GAP", "AUTO_UNITS_SHARE", "DATASET",
           "FileTask", "MISSING", "STANDARDIZE", "auto_rescaling", "content_fingerprint", "data_options",
           "files_dataset", "files_task", "load_task_from_files"]

#: `standardize` values of `load_task_from_files`.
STANDARDIZE = ("auto", "pooled", "scale", "none")
#: `missing` values of `load_task_from_files`: what to do with NaN features.
MISSING = ("error", "mean")
#: standardize="auto" rescales flat features when some feature's root mean square over
#: source and target, √(mean² + variance), exceeds this: a first layer with Glorot-initialised
#: weights then sees pre-activations of that order, and SGD at the recipes' η0 = 0.03 trains
#: the MLP badly or not at all (docs/benchmarks.md, "Your own files"). The benchmark data
#: files, as stored, stay below it (largest: 51, the MSRC/VOC visual-word counts; pixels
#: 0.6), where raw features were measured no worse than z-scored ones.
AUTO_STANDARDIZE_SCALE = 100.0
#: Above that scale, standardize="auto" z-scores each feature when at least
#: `AUTO_UNITS_SHARE` of the varying features peak (largest |x|) under 1 / `AUTO_UNITS_GAP`
#: of the highest peak (columns in different units: an income beside an age; scikit-learn's
#: wine and breast-cancer tables: 77 % and 80 %), else divides every feature by one number,
#: keeping their relative scales (MNIST/USPS pixels in 0..255: 0 %, MNIST alone 3 % — by
#: spreads instead of peaks 9.7 %, since rarely lit pixels vary little; z-scoring each pixel
#: magnifies those and cost MCC 16 points on MNIST→USPS, docs/benchmarks.md).
AUTO_UNITS_GAP = 100.0
AUTO_UNITS_SHARE = 0.1

_KEYED = ("npz", "mat", "hdf5")
_TABLES = ("csv", "tsv", "parquet")
_SIDE = {"source": "source", "target": "target", "target_test": "target"}


@dataclass(frozen=True, eq=False, repr=False)
class FileTask(TransferTask):
    """A `TransferTask` read from files, with the class names and what was detected.

    Args:
        name, source_train, source_val, target_train, target_test, num_classes: As for
            `TransferTask`.
        class_names: The classes as the files name them; class i is `class_names[i]`.
        notes: What the readers detected or assumed (label schemes, transposed arrays,
            columns), one line each, for the user.
        files: role ("source", "target", "target_test") -> the path read.
        formats: role -> the format it was read as.
        prediction_only: True when the target has no labels and no `target_test` was given:
            then `target_test` is the unlabelled target (y is None) and there is nothing to
            score — callers predict it (`label_names`) instead of evaluating it. Every
            other check of `TransferTask` still holds.
    """

    class_names: Tuple[str, ...] = ()
    notes: Tuple[str, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)
    formats: Mapping[str, str] = field(default_factory=dict)
    prediction_only: bool = False

    def __post_init__(self):
        if not self.prediction_only:
            super().__post_init__()
        else:
            if not isinstance(self.target_test, Domain) or self.target_test.has_labels:
                raise ValueError(f"Task {self.name!r}: a prediction-only task has an unlabelled "
                                 "target_test Domain")
            # Every other TransferTask check, on a labelled stand-in for the test split.
            stand_in = Domain(self.target_test.name, self.target_test.x,
                              np.zeros(self.target_test.n, np.int32), self.target_test.num_classes)
            TransferTask(self.name, self.source_train, self.source_val, self.target_train,
                         stand_in, self.num_classes)
            object.__setattr__(self, "num_classes", int(self.num_classes))
        names = tuple(str(c) for c in self.class_names)
        if len(names) != self.num_classes:
            raise ValueError(f"Task {self.name!r}: class_names must name the {self.num_classes} "
                             f"classes, got {list(names)}")
        object.__setattr__(self, "class_names", names)
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "files", dict(self.files))
        object.__setattr__(self, "formats", dict(self.formats))

    def label_names(self, indices) -> np.ndarray:
        """The class names of predicted class `indices` (e.g. for a predictions file)."""
        indices = np.asarray(indices)
        if indices.size and (indices.min() < 0 or indices.max() >= self.num_classes):
            raise ValueError(f"class indices must lie in [0, {self.num_classes}), got "
                             f"{int(indices.min())}..{int(indices.max())}")
        return np.asarray(self.class_names, dtype=object)[indices]

    def __repr__(self) -> str:
        kind = "prediction only" if self.prediction_only else "scored"
        base = super().__repr__()  # "TransferTask(...)"
        return f"FileTask{base[len('TransferTask'):-1]}, {kind})"


# --------------------------------------------------------------------------- reading


def _resolve_formats(paths: Dict[str, Path], format: Optional[str]) -> Dict[str, str]:
    if format is not None:
        FORMATS.get(format)  # ValueError listing the valid formats
        return {role: format for role in paths}
    return {role: detect_format(path)[0] for role, path in paths.items()}


def _read_all(paths: Dict[str, Path], formats: Dict[str, str],
              options: Dict[str, dict]) -> Dict[str, RawData]:
    """Each role's RawData; svmlight files together, pair files by their side."""
    raws: Dict[str, RawData] = {}
    svm_roles = [r for r in paths if formats[r] == "svmlight"]
    if svm_roles:
        shared = {k: v for k, v in options[svm_roles[0]].items() if v is not None}
        for role in svm_roles[1:]:
            if {k: v for k, v in options[role].items() if v is not None} != shared:
                raise ValueError("svmlight files are read together: give them the same options "
                                 f"(got {[options[r] for r in svm_roles]})")
        unknown = sorted(set(shared) - {"n_features", "zero_based_features"})
        if unknown:
            raise ValueError(f"option(s) {unknown} do not apply to svmlight files; options for "
                             "svmlight: n_features, zero_based_features")
        together = read_svmlight_files([paths[r] for r in svm_roles], **shared)
        raws.update(zip(svm_roles, together))
    for role in [r for r in paths if r not in raws]:
        opts = dict(options[role])
        if formats[role] in _KEYED and opts.get("side") is None and opts.get("x_key") is None:
            opts["side"] = _SIDE[role]
        if formats[role] in _TABLES and role != "source" and opts.get("label_column") is None:
            source = raws.get("source")
            if source is not None and source.label_key and source.format in _TABLES:
                opts.update(_target_label_column(source, paths[role], formats[role], opts))
        if formats[role] == "mat" and role != "source" and opts.get("n_features") is None:
            source = raws.get("source")
            if source is not None and not source.is_text and len(source.feature_shape) == 1:
                opts["n_features"] = source.feature_shape[0]
        note = opts.pop("_note", None)
        raws[role] = read_file(paths[role], formats[role], **opts)
        if note:
            raws[role] = raws[role].with_notes(note)
        if role == "source" and raws[role].labels is not None:
            # Before the target is read by the source's label column: a wrong column
            # (e.g. the last one of a table without a `label` column) is named here.
            canonical_labels(raws[role].labels, raws[role].n, _label_where(role, raws[role]))
    return raws


def _label_where(role: str, raw: RawData) -> str:
    return f"{role} {str(raw.path)!r} ({raw.label_source or 'labels'})"


def _target_label_column(source: RawData, path: Path, table_format: str, opts: dict) -> dict:
    """Reader options for a target table: the source's label column, or none when absent.

    With column names, a target without the source's label column is unlabelled. Without
    a header, a target with one column fewer than the source is unlabelled; otherwise its
    last column holds the labels, as in the source.
    """
    if _tables_with_named_columns(source):
        return {"label_column": source.label_key, "optional_label": True}
    columns, _ = table_columns(path, table_format, opts.get("delimiter"))
    if len(columns) == source.feature_shape[0] + len(source.categorical):
        return {"label_column": False,
                "_note": f"{repr(str(path))}: no header and one column fewer than the source: "
                         "read as unlabelled (every column a feature)"}
    return {"label_column": -1}


def _tables_with_named_columns(raw: RawData) -> bool:
    names = raw.feature_names
    return bool(names) and not all(n.isdigit() for n in names)


def _align_features(raws: Dict[str, RawData], notes: List[str]) -> Dict[str, RawData]:
    """Checks that every file has the source's features (table columns reordered by name)."""
    source = raws["source"]
    for role, raw in list(raws.items()):
        if role == "source":
            continue
        where = f"{role} {str(raw.path)!r}"
        if _tables_with_named_columns(source) and _tables_with_named_columns(raw):
            wanted, have = list(source.feature_names), list(raw.feature_names)
            if set(wanted) != set(have):
                only_s = [c for c in wanted if c not in have]
                only_t = [c for c in have if c not in wanted]
                raise ValueError(
                    f"feature columns differ between source {str(source.path)!r} and {where}: "
                    f"only in the source {only_s[:10]}, only in the {role} {only_t[:10]}; the "
                    "files must have the same feature columns (the label column aside)"
                )
            if wanted != have:
                order = [have.index(c) for c in wanted]
                raws[role] = raw = replace(raw, x=raw.x[:, order], feature_names=tuple(wanted))
                notes.append(f"{where}: columns reordered by name to match the source")
        if raw.feature_shape != source.feature_shape:
            what = ("features per sample" if len(source.feature_shape) == 1
                    else "as the feature shape")
            raise ValueError(
                f"feature counts differ: source {str(source.path)!r} has "
                f"{_shape_text(source)} {what}, {where} has {_shape_text(raw)}; the files "
                "must describe the same features (same columns, keys or image size)"
            )
    return raws


def _shape_text(raw: RawData) -> str:
    shape = raw.feature_shape
    return str(shape[0]) if len(shape) == 1 else str(shape)


def _class_text(names: Sequence[str], limit: int = 30) -> str:
    names = list(names)
    return repr(names[:limit])[:-1] + (", ...]" if len(names) > limit else "]")


def _vocabulary(raws: Dict[str, RawData], labels: str, classes, allow_partial: bool,
                notes: List[str]) -> ClassVocabulary:
    """One vocabulary over every labelled file; class-set differences are errors."""
    source = raws["source"]
    if source.labels is None:
        hint = {"csv": "label_column=...", "tsv": "label_column=...", "parquet": "label_column=...",
                "npz": "y_key=...", "mat": "y_key=...", "hdf5": "y_key=...",
                "text": "a '<label><TAB>' prefix on every line"}.get(source.format, "labels")
        raise ValueError(f"source {str(source.path)!r} has no labels, and the source must be "
                         f"labelled: give it labels ({hint})")
    canonical = {}
    for role, raw in raws.items():
        if raw.labels is not None:
            canonical[role], converted = canonical_labels(raw.labels, raw.n,
                                                          _label_where(role, raw))
            notes += converted
    where = " and ".join(f"{role} {str(raws[role].path)!r}" for role in canonical)
    vocabulary = build_vocabulary(list(canonical.values()), labels, classes=classes, where=where)
    notes += vocabulary.notes
    present = {role: set(np.unique(vocabulary.encode(y, role)).tolist())
               for role, y in canonical.items()}
    names = vocabulary.names
    in_source = present["source"]
    if len(in_source) < 2:
        raise ValueError(
            f"source {str(source.path)!r} has a single class ({names[min(in_source)]!r}); a "
            "classifier needs at least 2 classes: check the label column / key"
        )
    source_names = [names[i] for i in sorted(in_source)]
    for role in [r for r in canonical if r != "source"]:
        other = [names[i] for i in sorted(present[role])]
        extra = [names[i] for i in sorted(present[role] - in_source)]
        missing = [names[i] for i in sorted(in_source - present[role])]
        path = str(raws[role].path)
        if extra:
            raise ValueError(
                f"class sets differ: {role} {path!r} has classes the source lacks: "
                f"{_class_text(extra)} (open-set adaptation is not supported); source classes "
                f"{_class_text(source_names)}, {role} classes {_class_text(other)}; drop those "
                f"{role} samples or add source samples of these classes"
            )
        if missing and not allow_partial:
            raise ValueError(
                f"class sets differ: {role} {path!r} lacks source classes {_class_text(missing)}; "
                f"source classes {_class_text(source_names)}, {role} classes "
                f"{_class_text(other)}; if the target really has fewer classes (partial-set "
                "adaptation), pass allow_partial=True, else check the files"
            )
        if missing:
            notes.append(f"{role} {path!r} has no sample of source classes {_class_text(missing)} "
                         "(partial set accepted: allow_partial=True)")
    unused = [names[i] for i in range(len(names)) if i not in in_source]
    if unused:
        raise ValueError(
            f"classes {_class_text(unused)} have no source sample: the labels were read as "
            f"{vocabulary.scheme.replace('_', '-')} class indices {names[0]}..{names[-1]}; if "
            "they are arbitrary codes, pass labels='values'"
        )
    return vocabulary


def _domain_names(paths: Dict[str, Path]) -> Dict[str, str]:
    names = {}
    for role, path in paths.items():
        stem = path.name if path.is_dir() else path.stem
        names[role] = stem
    if len(set(names.values())) < len(names):
        names = {role: f"{stem}[{role}]" for role, stem in names.items()}
    return names


# --------------------------------------------------------------------------- task


def load_task_from_files(
    source: PathLike,
    target: PathLike,
    target_test: Optional[PathLike] = None,
    *,
    format: Optional[str] = None,
    label_column=None,
    labels: str = "auto",
    classes: Optional[Sequence] = None,
    name: Optional[str] = None,
    allow_partial: bool = False,
    source_val_fraction: float = 0.1,
    seed: int = 0,
    text_max_features: int = TFIDF_MAX_FEATURES,
    standardize: str = "auto",
    missing: str = "error",
    source_options: Optional[Mapping] = None,
    target_options: Optional[Mapping] = None,
    target_test_options: Optional[Mapping] = None,
    **reader_options,
) -> FileTask:
    """Reads a source file, a target file and an optional target test file into a task.

    Args:
        source: The labelled source file (or image folder).
        target: The target file: labelled (its labels only score the result) or not.
        target_test: An optional labelled target test file; None: the target itself is
            the test set when it has labels (transductive), else the task only predicts.
        format: One format for every file (`tftransfer.data.loaders.FORMATS`); None
            detects each by its suffix.
        label_column: Tables and text: the label column of every file (None: `label`, else
            the last column; a target without the source's label column is unlabelled).
        labels: How numeric labels are read: "auto" (detected, with a note), "zero_based",
            "one_based", "binary" (-1/+1) or "values". Names are always sorted.
        classes: The classes, given; None: those of the files.
        name: Task name; None gives "<source>-><target>".
        allow_partial: Accept a target (or target test) that lacks some source classes.
        source_val_fraction: Fraction of the source held out as `source_val`, in (0, 1).
        seed: Seed of the source split.
        text_max_features: Vocabulary size of the TF-IDF features of text files.
        standardize: "auto" (default): when some feature's root mean square exceeds
            `AUTO_STANDARDIZE_SCALE`, z-score each flat feature with the mean and standard
            deviation of source and target pooled if they are in different units (see
            `AUTO_UNITS_SHARE`), else divide all by their pooled root mean square; below
            that scale keep them as given. "pooled": always z-score; "scale":
            always divide; "none": never. Images are never rescaled here (the backbone's own
            preprocessing applies). The target test file, if any, goes through the same map.
        missing: Missing (NaN) feature values: "error" (default: a one-line error saying
            where they are) or "mean": each filled with its column's mean over source and
            target pooled (no label read), with a note. Missing categories need neither:
            they are zero in every one-hot column of their category.
        source_options, target_options, target_test_options: Reader options of one file
            (e.g. `{"x_key": "fts"}`), over the shared `reader_options`.
        **reader_options: Reader options of every file (see
            `tftransfer.data.loaders.format_options`), e.g. `delimiter`, `x_key`,
            `image_size`. None values are ignored.

    Returns:
        The `FileTask`; its `notes` (also logged on the "tftransfer.data" logger) say what
        was detected.

    Raises:
        FileNotFoundError: If a file does not exist.
        ValueError: If a file is empty or unreadable, holds NaN/infinite features, the
            feature counts differ, the source is unlabelled or has one class, the class
            sets differ, the target test file has no labels, or an option is invalid. Each
            message is one line naming the file and what to fix.
    """
    check_choice(standardize, "standardize", STANDARDIZE, owner="load_task_from_files")
    check_choice(missing, "missing", MISSING, owner="load_task_from_files")
    paths: Dict[str, Path] = {}
    for role, path in (("source", source), ("target", target), ("target_test", target_test)):
        if path is None and role == "target_test":
            continue
        folder = isinstance(path, (str, os.PathLike)) and Path(path).expanduser().is_dir()
        paths[role] = existing_path(path, role, folder=folder)
    formats = _resolve_formats(paths, format)
    text_roles = [r for r in paths if formats[r] == "text"]
    if text_roles and len(text_roles) != len(paths):
        raise ValueError(f"{text_roles} are text and the other files are not: every file of a "
                         f"task must be text, or none; formats: {formats}")
    per_role = {"source": source_options, "target": target_options,
                "target_test": target_test_options}
    options = {}
    for role in paths:
        opts = dict(reader_options)
        if label_column is not None:
            opts["label_column"] = label_column
        opts.update(dict(per_role[role] or {}))
        options[role] = opts
    notes: List[str] = []
    raws = _read_all(paths, formats, options)
    if text_roles:
        fit_on = [i for i, role in enumerate(raws) if role != "target_test"]
        roles = list(raws)
        raws = dict(zip(roles, tfidf_features([raws[r] for r in roles], fit_on,
                                              text_max_features)))
    raws = dict(zip(raws, encode_categories(list(raws.values()))))
    raws = _align_features(raws, notes)
    raws = _filled(raws, missing, notes)
    if "target_test" in raws and raws["target_test"].labels is None:
        raise ValueError(f"target_test {str(paths['target_test'])!r} has no labels: a test file "
                         "needs labels; leave it out to adapt to and predict the target only")
    vocabulary = _vocabulary(raws, labels, classes, allow_partial, notes)
    names = _domain_names(paths)
    domains: Dict[str, FileDomain] = {
        role: to_domain(raw, vocabulary=vocabulary, name=names[role], log=False)
        for role, raw in raws.items()
    }
    notes = _unique([n for raw in raws.values() for n in raw.notes] + notes)
    domains = _standardized(domains, standardize, notes)
    for note in notes:
        logger.info(note)
    return _task(name, domains, vocabulary, notes, paths, formats, source_val_fraction, seed)


def _filled(raws: Dict[str, RawData], missing: str, notes: List[str]) -> Dict[str, RawData]:
    """`raws` with NaN features replaced by their column's mean over source and target
    when `missing` is "mean" (sparse or text files are left to the checks)."""
    dense = {role: raw for role, raw in raws.items()
             if isinstance(raw.x, np.ndarray) and raw.x.dtype.kind == "f" and raw.x.ndim >= 2}
    if missing == "error" or not any(np.isnan(raw.x).any() for raw in dense.values()):
        return raws
    flat = {role: raw.x.reshape(raw.n, -1) for role, raw in dense.items()}
    fit = np.concatenate([flat[r] for r in ("source", "target") if r in flat])
    holes = sum(np.isnan(x).sum(axis=0) for x in flat.values())
    names = dense["source"].feature_names if "source" in dense else None
    name = (lambda i: names[i]) if names and len(names) == fit.shape[1] else int
    empty = np.flatnonzero(np.isnan(fit).all(axis=0))
    if empty.size:
        raise ValueError(
            f"feature(s) {[name(i) for i in empty[:10]]} are missing in every sample of source "
            "and target: no mean to fill them with; drop those columns"
        )
    means = np.nanmean(fit, axis=0)  # every column has a value now
    for role, x in flat.items():
        filled = np.where(np.isnan(x), means, x).reshape(raws[role].x.shape)
        raws[role] = replace(raws[role], x=filled)
    columns = np.flatnonzero(holes)
    shown = [name(i) for i in columns[:10]] + (["..."] if len(columns) > 10 else [])
    notes.append(f"{int(holes.sum())} missing feature value(s) in {len(columns)} column(s) "
                 f"{shown} filled with each column's mean over source and target "
                 "(missing='mean')")
    return raws


def auto_rescaling(x: np.ndarray) -> Tuple[Optional[str], str]:
    """What standardize="auto" does to flat features `x` (n, d): ("pooled", why) z-scores
    them, ("scale", why) divides them by one number, (None, why) keeps them."""
    x = np.asarray(x, dtype=np.float64)
    largest = float(np.sqrt(np.mean(x ** 2, axis=0)).max()) if x.size else 0.0
    if not largest > AUTO_STANDARDIZE_SCALE:
        return None, (f"the largest root mean square of a feature is {largest:.3g} <= "
                      f"{AUTO_STANDARDIZE_SCALE:g}")
    # Peaks, not spreads: a rarely lit pixel varies little but peaks like the others.
    peaks = np.abs(x).max(axis=0)[x.std(axis=0) > 0]
    share = float(np.mean(peaks < peaks.max() / AUTO_UNITS_GAP)) if peaks.size else 0.0
    how = "pooled" if share >= AUTO_UNITS_SHARE else "scale"
    return how, (f"a feature's root mean square is {largest:.3g} > {AUTO_STANDARDIZE_SCALE:g}, "
                 f"and {share:.0%} of the features peak over {AUTO_UNITS_GAP:g} times lower "
                 f"than the highest: {'different units' if how == 'pooled' else 'one unit'}")


def _standardized(domains: Dict[str, FileDomain], standardize: str,
                  notes: List[str]) -> Dict[str, FileDomain]:
    """`domains` with flat features rescaled by pooled source + target statistics where
    `standardize` asks for it (see `load_task_from_files`); a note says how and why."""
    fitted = [domains[role].x for role in ("source", "target")]
    if standardize == "none":
        return domains
    if any(x.ndim != 2 for x in fitted):
        if standardize != "auto":
            notes.append(f"standardize={standardize!r} does not apply to images: they are "
                         "left to the backbone's own preprocessing")
        return domains
    both = np.concatenate(fitted).astype(np.float64)
    if standardize == "auto":
        standardize, why = auto_rescaling(both)
        if standardize is None:
            return domains
        why += "; --standardize none keeps them as given"
    else:
        why = f"standardize={standardize!r}"
    if standardize == "pooled":
        std = both.std(axis=0)
        shift, scale = both.mean(axis=0), np.where(std > 0, std, 1.0)  # constant: 0
        how = "z-scored with the mean and standard deviation of source and target pooled"
    else:
        rms = float(np.sqrt(np.mean(both ** 2)))
        shift, scale = 0.0, rms if rms > 0 else 1.0
        how = (f"divided by one scale, their root mean square over source and target "
               f"({scale:.3g})")
    out = {role: replace(domain, x=((domain.x - shift) / scale).astype(np.float32))
           for role, domain in domains.items()}
    notes.append(f"features {how} ({why})")
    return out


def _unique(items: List[str]) -> List[str]:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _task(name, domains, vocabulary, notes, paths, formats, source_val_fraction, seed) -> FileTask:
    src, tgt = domains["source"], domains["target"]
    name = f"{src.name}->{tgt.name}" if name is None else name
    extra = dict(class_names=vocabulary.names, notes=tuple(notes),
                 files={r: str(p) for r, p in paths.items()}, formats=dict(formats))
    if "target_test" in domains:
        base = TransferTask.transductive(name, src, domains["target_test"],
                                         source_val_fraction=source_val_fraction, seed=seed)
        target_train = Domain(f"{tgt.name}/train", tgt.x, tgt.y, tgt.num_classes)
        return FileTask(name, base.source_train, base.source_val, target_train,
                        base.target_test, base.num_classes, **extra)
    if tgt.has_labels:
        base = TransferTask.transductive(name, src, tgt,
                                         source_val_fraction=source_val_fraction, seed=seed)
        return FileTask(name, base.source_train, base.source_val, base.target_train,
                        base.target_test, base.num_classes, **extra)
    # Prediction only: the source split is the one `transductive` makes (its target part,
    # here the source again, is dropped).
    base = TransferTask.transductive(name, src, src, source_val_fraction=source_val_fraction,
                                     seed=seed)
    target_train = Domain(f"{tgt.name}/train", tgt.x, None, tgt.num_classes)
    target_test = Domain(f"{tgt.name}/test", tgt.x, None, tgt.num_classes)
    return FileTask(name, base.source_train, base.source_val, target_train, target_test,
                    base.num_classes, prediction_only=True, **extra)


def files_task(name: Optional[str] = None, *, source: PathLike, target: PathLike,
               target_test: Optional[PathLike] = None, **options) -> FileTask:
    """`load_task_from_files` in the dataset-registry form `loader(task_name, **options)`.

    For `tftransfer.data.datasets` (e.g. registered as "files"): a `RunConfig` then names the
    files in its `data_options` ({"source": ..., "target": ...}).
    """
    return load_task_from_files(source, target, target_test, name=name, **options)


# --------------------------------------------------------------------------- the "files" dataset
#: The dataset name of runs on a user's files (registered in `tftransfer.data.datasets`).
DATASET = "files"
#: Chunk size of the content hash.
_CHUNK = 1 << 20


def content_fingerprint(paths: Mapping[str, Optional[str]]) -> str:
    """A 16-hex-digit hash of the role, relative layout and bytes of every file (or folder)."""
    digest = hashlib.sha256()
    for role in sorted(paths):
        if paths[role] is None:
            continue
        path = Path(paths[role])
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        digest.update(f"{role}\0".encode())
        for file in files:
            digest.update(f"{file.relative_to(path) if path.is_dir() else ''}\0".encode())
            with open(file, "rb") as handle:
                for chunk in iter(lambda: handle.read(_CHUNK), b""):
                    digest.update(chunk)
    return digest.hexdigest()[:16]


def files_dataset(name: Optional[str] = None, *, source: str, target: str,
                  target_test: Optional[str] = None, fingerprint: Optional[str] = None,
                  **options) -> FileTask:
    """The "files" dataset loader: `load_task_from_files` on the config's files.

    Args:
        name: The task name.
        source, target, target_test: The files.
        fingerprint: The files' hash when the config was made; the files must still hash
            to it (a changed file would silently give other results under the same run id).
        **options: `load_task_from_files` options (format, label_column, labels, ...).

    Raises:
        ValueError: a file changed since the config was made.
    """
    paths = {"source": source, "target": target, "target_test": target_test}
    if fingerprint is not None:
        now = content_fingerprint(paths)
        if now != fingerprint:
            raise ValueError(f"the data files changed since this run was configured (content hash "
                             f"{now}, configured {fingerprint}); relaunch the command to make "
                             "new runs")
    return files_task(name, source=source, target=target, target_test=target_test, **options)


def data_options(source, target, target_test=None, *, format=None, label_column=None,
                 labels="auto", allow_partial=False, standardize="auto", missing="error",
                 reader_options: Optional[Mapping] = None) -> Dict[str, object]:
    """The `data_options` of a run on these files: absolute paths, the options that differ
    from the defaults, and the files' fingerprint.

    Raises:
        FileNotFoundError: a file does not exist.
    """
    paths = {"source": source, "target": target, "target_test": target_test}
    absolute = {}
    for role, path in paths.items():
        if path is None:
            continue
        resolved = Path(os.path.expanduser(str(path))).resolve()
        if not resolved.exists():
            raise FileNotFoundError(f"{role} file {str(path)!r} not found; check the path")
        absolute[role] = str(resolved)
    options: Dict[str, object] = dict(absolute)
    for key, value, default in (("format", format, None), ("label_column", label_column, None),
                                ("labels", labels, "auto"),
                                ("allow_partial", allow_partial, False),
                                ("standardize", standardize, "auto"),
                                ("missing", missing, "error")):
        if value != default:
            options[key] = value
    options.update({k: v for k, v in dict(reader_options or {}).items() if v is not None})
    options["fingerprint"] = content_fingerprint(absolute)
    return options
