"""Real shallow-DA benchmarks: Office-Caltech10 SURF, MNIST/USPS (JDA), USPS, DeCAF,
Reuters-21578, 20 Newsgroups and MSRC/VOC2007.

The files are read from a data folder (`data_dir`; None uses `default_data_dir()`, i.e.
`$TFTRANSFER_DATA_DIR` or `../shared/data` from the project root) laid out as:

| file (under `data_dir`)                          | content                              |
|--------------------------------------------------|--------------------------------------|
| `office_caltech10_surf/<domain>_SURF_L10.mat`     | `fts` (n, 800) SURF word counts,     |
|   (domain: Caltech10, amazon, webcam, dslr)      | `labels` (n, 1) in 1..10             |
| `mnist_usps_jda/MNIST_vs_USPS.mat` (v7.3, HDF5)  | `Xs`, `Ys` (MNIST), `Xt`, `Yt` (USPS) |
| `usps/usps.h5`                                   | `{train,test}/{data,target}`         |
| `office_caltech10_decaf/{dslr,webcam}.mat`       | `feas` (n, 4096) DeCAF6, `labels`    |
| `reuters21578_da/<pair>_1.mat`                   | `Xs`, `Xt` sparse (d, n) term        |
|   (pair: org_vs_people, org_vs_place,            | weights, `Ys`, `Yt` sparse (n, 1)    |
|   people_vs_place)                               | in -1/+1                             |
| `newsgroups20_da/{comp,rec,sci,talk}.mat`        | `X1`..`X4` sparse (25804, n): one    |
|                                                  | term matrix per subcategory          |
| `msrc_voc/MSRC_vs_VOC.mat`                       | `X_src` (MSRC), `X_tar` (VOC2007)    |
|                                                  | sparse (n, 240) dense-SIFT word      |
|                                                  | counts, `Y_src`, `Y_tar` in 1..6     |

Datasets (registered in `tftransfer.data.datasets`) and their tasks:

| dataset               | tasks                                 | reference                       |
|-----------------------|---------------------------------------|---------------------------------|
| `office_caltech_surf` | the 12 ordered pairs of A, C, D, W    | Gong et al., CVPR 2012          |
| `mnist_usps`          | M->U, U->M                            | Long et al., ICCV 2013 (JDA)    |
| `decaf`               | D->W, W->D                            | Donahue et al., ICML 2014       |
| `reuters`             | org->people, people->org, org->place, | Pan et al., IEEE TNN 2011 (TCA) |
|                       | place->org, people->place,            |                                 |
|                       | place->people                         |                                 |
| `newsgroups`          | comp_vs_rec:12->34, comp_vs_sci:12->34| subcategory splits as in Dai et |
|                       | comp_vs_talk:12->34, rec_vs_sci:12->34| al., KDD 2007                   |
|                       | rec_vs_talk:12->34, sci_vs_talk:12->34|                                 |
| `msrc_voc`            | MSRC->VOC, VOC->MSRC                  | the CMMS demo (IEEE TIP 2020)   |

Every task follows the protocol of the published shallow-DA tables (Wang et al., "Visual
Domain Adaptation with Manifold Embedded Distribution Alignment", ACM MM 2018, Tables 2-4):
unsupervised and transductive, see `TransferTask.transductive` — the whole target domain is
both `target_train` (its labels hidden from unsupervised methods) and `target_test`; the
source is split into `source_train` / `source_val`. The published rows are in `PUBLISHED`
(defined in `tftransfer.data.published`); for Reuters, 20 Newsgroups and MSRC/VOC no published
table was available, and `PUBLISHED` holds measured classical baselines instead, named as such.

The cross-domain text and MSRC/VOC sets in short (details in each loader's docstring):

- Reuters-21578: each file pairs two top categories (orgs, people, places), its `Xs` and `Xt`
  hold documents of disjoint halves of their subcategories; task "org->people" is
  `org_vs_people_1.mat` as stored (source `Xs`, target `Xt`), "people->org" the same file
  with the roles swapped (the upstream `_2` files are exactly that). Labels: the file's -1 is
  class 0, +1 is class 1.
- 20 Newsgroups: one fixed split per top-category pair A_vs_B, task "A_vs_B:12->34": source
  = subcategories X1, X2 of A and of B, target = X3, X4 of A and of B; class 1 = A, 0 = B.
- Both text sets: the vocabulary (Reuters 4,415-4,771 terms, 20 Newsgroups 25,804) is cut
  to the `n_terms` (default `TEXT_DEFAULT_TERMS` = 1,000) terms of highest document
  frequency in source and target together — no labels involved — then rows are scaled to
  unit L2 norm. Why 1,000: the shallow maps cost O(d^3) (CORAL's covariance roots took
  ~320 s a run at d = 5,000 on 2 busy cores), and the averages of source-trained 1-NN / SVM /
  logistic regression stay within 3.1 points of the full vocabulary (Reuters 63.2 / 66.5 /
  69.0 vs 63.2 / 67.8 / 68.4; 20 Newsgroups 67.0 / 76.3 / 79.6 vs 66.3 / 79.4 / 81.5), though
  single tasks move more (1-NN rec_vs_sci 51.3 vs 60.0; `benchmarks/classical_baselines.py
  --full-vocabulary`).
- MSRC/VOC2007: 6 shared classes (file 1..6 -> 0..5); each row divided by its sum, then each
  feature z-scored within its domain (`surf_preprocess`), the preprocessing of the CMMS demo.

Example:
    >>> task = office_caltech_surf_task("C->A", data_dir="../shared/data")
    >>> task.target_test.n, task.input_shape
    (958, (800,))
    >>> PUBLISHED["office_caltech_surf"]["1NN"]["C->A"]
    23.7
    >>> newsgroups_task("comp_vs_rec:12->34").input_shape
    (1000,)
    >>> source, target = task_domains("reuters", "people->org")  # whole domains, no split
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse

from tftransfer._checks import check_bool, check_int
from tftransfer.data.domains import Domain, TransferTask
from tftransfer.data.loaders import (
    _HOW_TO_POINT,
    PathLike,
    _existing_file,
    _missing_keys_error,
    resolve_data_dir,
)
from tftransfer.data.published import PUBLISHED, PUBLISHED_SOURCE

__all__ = [
    "BENCHMARK_TASKS",
    "DECAF_TASKS",
    "MNIST_USPS_TASKS",
    "MSRC_VOC_TASKS",
    "NEWSGROUPS_FOUR_WAY",
    "NEWSGROUPS_FOUR_WAY_TASKS",
    "NEWSGROUPS_PAIRS",
    "NEWSGROUPS_SPLIT",
    "NEWSGROUPS_TASKS",
    "OFFICE_CALTECH_TASKS",
    "PUBLISHED",
    "PUBLISHED_SOURCE",
    "REUTERS_TASKS",
    "TEXT_DEFAULT_TERMS",
    "benchmark_task_names",
    "decaf_task",
    "load_decaf",
    "load_mnist_usps_jda",
    "load_msrc_voc",
    "load_newsgroups",
    "load_office_caltech_surf",
    "load_reuters",
    "load_usps",
    "mnist_usps_task",
    "msrc_voc_task",
    "newsgroups_task",
    "office_caltech_surf_task",
    "reuters_task",
    "surf_preprocess",
    "task_domains",
    "top_document_frequency_terms",
]

NUM_CLASSES = 10

# letter -> (file stem, Domain name)
_OFFICE_CALTECH = {
    "A": ("amazon", "amazon"),
    "C": ("Caltech10", "caltech10"),
    "D": ("dslr", "dslr"),
    "W": ("webcam", "webcam"),
}
_MNIST_USPS = {"M": ("MNIST", "mnist"), "U": ("USPS", "usps")}
_DECAF = {"D": ("dslr", "dslr"), "W": ("webcam", "webcam")}
_MSRC_VOC = {"MSRC": ("msrc", "msrc"), "VOC": ("voc2007", "voc2007")}
MSRC_VOC_CLASSES = 6

# Reuters-21578 file stem -> number of terms. Which top category is the file's +1 is not
# stored; the class counts say it (the same documents recur across files): org_vs_people
# +1 = orgs (source 588 / target 587 docs), -1 = people (649 / 621); org_vs_place +1 = places
# (428 / 456), -1 = orgs; people_vs_place +1 = places, -1 = people.
_REUTERS_FILES = {"org_vs_people": 4771, "org_vs_place": 4415, "people_vs_place": 4562}
# task -> (file stem, whether the roles are swapped: the target is the file's `Xs`)
_REUTERS = {
    "org->people": ("org_vs_people", False), "people->org": ("org_vs_people", True),
    "org->place": ("org_vs_place", False), "place->org": ("org_vs_place", True),
    "people->place": ("people_vs_place", False), "place->people": ("people_vs_place", True),
}  # fmt: skip

_NEWSGROUPS_CATEGORIES = ("comp", "rec", "sci", "talk")
NEWSGROUPS_TERMS = 25804
"""Size of the vocabulary shared by the four 20 Newsgroups files."""
TEXT_DEFAULT_TERMS = 1000
"""Terms the text loaders keep by default (highest document frequency over source and target
together, no labels): see `top_document_frequency_terms` and the module docstring."""
NEWSGROUPS_SPLIT = (("X1", "X2"), ("X3", "X4"))
"""The fixed split of every pair: (source subcategories, target subcategories), each taken
from both top categories. The files do not name their subcategories."""

OFFICE_CALTECH_TASKS: Tuple[str, ...] = (
    "C->A", "C->W", "C->D", "A->C", "A->W", "A->D",
    "W->C", "W->A", "W->D", "D->C", "D->A", "D->W",
)  # fmt: skip
"""The 12 Office-Caltech10 tasks, in the column order of the published tables."""
MNIST_USPS_TASKS: Tuple[str, ...] = ("M->U", "U->M")
DECAF_TASKS: Tuple[str, ...] = ("D->W", "W->D")
REUTERS_TASKS: Tuple[str, ...] = tuple(_REUTERS)
"""The 6 Reuters-21578 tasks: each file as stored, then with source and target swapped."""
NEWSGROUPS_PAIRS: Tuple[str, ...] = tuple(
    f"{a}_vs_{b}"
    for i, a in enumerate(_NEWSGROUPS_CATEGORIES)
    for b in _NEWSGROUPS_CATEGORIES[i + 1 :]
)
"""The 6 top-category pairs of 20 Newsgroups ("comp_vs_rec", ...)."""
NEWSGROUPS_TASKS: Tuple[str, ...] = tuple(f"{pair}:12->34" for pair in NEWSGROUPS_PAIRS)
"""One task per pair, named by its split (`NEWSGROUPS_SPLIT`): "comp_vs_rec:12->34" trains on
subcategories X1, X2 of comp and of rec and adapts to X3, X4 of both."""
NEWSGROUPS_FOUR_WAY = "comp_vs_rec_vs_sci_vs_talk"
"""All four top categories at once: a 4-class task (`load_newsgroups`)."""
NEWSGROUPS_FOUR_WAY_TASKS: Tuple[str, ...] = (f"{NEWSGROUPS_FOUR_WAY}:1->3",
                                               f"{NEWSGROUPS_FOUR_WAY}:2->4")
"""The 4-class tasks: subcategory X1 of each top category as the source and X3 as the target,
and X2 -> X4 (one subcategory a side keeps both domains near the pairs' size, about 3,600 to
3,900 documents; two splits, since one split's result can be the split's)."""
MSRC_VOC_TASKS: Tuple[str, ...] = ("MSRC->VOC", "VOC->MSRC")
BENCHMARK_TASKS: Dict[str, Tuple[str, ...]] = {
    "office_caltech_surf": OFFICE_CALTECH_TASKS,
    "mnist_usps": MNIST_USPS_TASKS,
    "decaf": DECAF_TASKS,
    "reuters": REUTERS_TASKS,
    "newsgroups": NEWSGROUPS_TASKS + NEWSGROUPS_FOUR_WAY_TASKS,
    "msrc_voc": MSRC_VOC_TASKS,
}


def benchmark_task_names(dataset: str) -> List[str]:
    """The task names of a benchmark dataset (a key of `BENCHMARK_TASKS`)."""
    if dataset not in BENCHMARK_TASKS:
        raise ValueError(
            f"Unknown benchmark dataset {dataset!r}. Valid datasets: {', '.join(BENCHMARK_TASKS)}"
        )
    return list(BENCHMARK_TASKS[dataset])


# --------------------------------------------------------------------------- file helpers


def _benchmark_file(data_dir: Optional[PathLike], relative: str) -> Path:
    folder = resolve_data_dir(data_dir)
    return _existing_file(
        folder / relative, "Benchmark", f"expected <data_dir>/{relative}; {_HOW_TO_POINT}"
    )


def _read_mat(path: Path, keys: Sequence[str]) -> Dict[str, np.ndarray]:
    """The arrays `keys` of a MATLAB (<= v7.2) file (sparse matrices stay sparse)."""
    import scipy.io

    try:
        content = scipy.io.loadmat(str(path))
    except (scipy.io.matlab.MatReadError, ValueError, OSError, NotImplementedError) as err:
        # NotImplementedError: a v7.3 (HDF5) file; MatReadError: truncated or not a .mat.
        raise ValueError(f"Could not read {str(path)!r} as a MATLAB .mat file: {err}") from err
    found = [k for k in content if not k.startswith("__")]
    missing = [k for k in keys if k not in found]
    if missing:
        raise _missing_keys_error(path, missing, found)
    return {k: content[k] if scipy.sparse.issparse(content[k]) else np.asarray(content[k])
            for k in keys}


def _read_h5(path: Path, keys: Sequence[str]) -> Dict[str, np.ndarray]:
    """The datasets `keys` ("group/name") of an HDF5 file (MATLAB v7.3 files are HDF5)."""
    import h5py

    try:
        handle = h5py.File(path, "r")
    except OSError as err:
        raise ValueError(f"Could not read {str(path)!r} as an HDF5 file: {err}") from err
    with handle:
        found: List[str] = []
        handle.visititems(lambda n, obj: found.append(n) if isinstance(obj, h5py.Dataset) else None)
        missing = [k for k in keys if k not in found]
        if missing:
            raise _missing_keys_error(path, missing, found)
        return {k: np.asarray(handle[k][()]) for k in keys}


def _features(x: np.ndarray, n_features: int, path: Path, key: str) -> np.ndarray:
    if x.ndim != 2 or x.shape[1] != n_features:
        raise ValueError(
            f"{str(path)!r}: {key!r} must have shape (n, {n_features}), got shape {x.shape}"
        )
    return x


def _labels(
    y: np.ndarray, n: int, path: Path, key: str, first: int, num_classes: int = NUM_CLASSES
) -> np.ndarray:
    """Labels of shape (n,), (n, 1) or (1, n) in `first..first+num_classes-1`, returned as
    0..num_classes-1 (sparse label vectors are densified)."""
    if scipy.sparse.issparse(y):
        y = y.toarray()
    if y.ndim == 2 and 1 in y.shape:
        y = y.reshape(-1)
    if y.shape != (n,):
        raise ValueError(
            f"{str(path)!r}: {key!r} must hold {n} labels (shape ({n},) or ({n}, 1)) to match "
            f"the features, got shape {y.shape}"
        )
    y = y.astype(np.float64)
    last = first + num_classes - 1
    if not (np.all(y == np.round(y)) and y.min() >= first and y.max() <= last):
        raise ValueError(
            f"{str(path)!r}: {key!r} must hold integer labels in {first}..{last}, got values "
            f"from {float(y.min())} to {float(y.max())}"
        )
    return (y - first).astype(np.int32)


def _term_matrix(
    x, path: Path, key: str, n_features: int, transpose: bool
) -> scipy.sparse.csr_matrix:
    """A stored (features, documents) or (documents, features) matrix as CSR (n, n_features),
    float64, checked finite and non-negative (term weights, word counts)."""
    if not (scipy.sparse.issparse(x) or (isinstance(x, np.ndarray) and x.ndim == 2)):
        raise ValueError(
            f"{str(path)!r}: {key!r} must be a 2-D (sparse) matrix, got "
            f"{type(x).__name__} of shape {getattr(x, 'shape', None)}"
        )
    x = scipy.sparse.csr_matrix(x.T if transpose else x, dtype=np.float64)
    if x.shape[1] != n_features:
        stored = f"({n_features}, n)" if transpose else f"(n, {n_features})"
        raise ValueError(
            f"{str(path)!r}: {key!r} must be stored as {stored}, got shape "
            f"{x.T.shape if transpose else x.shape}"
        )
    if x.shape[0] == 0:
        raise ValueError(f"{str(path)!r}: {key!r} holds no documents")
    if not np.all(np.isfinite(x.data)) or (x.data < 0).any():
        raise ValueError(f"{str(path)!r}: {key!r} must hold finite, non-negative values")
    return x


def _sparse_l2_normalize(x: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
    """Rows scaled to unit L2 norm (all-zero rows stay zero)."""
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return scipy.sparse.diags(1.0 / np.where(norms == 0, 1.0, norms)) @ x


def _domain_letter(domain, aliases: Mapping[str, Tuple[str, str]], what: str) -> str:
    """The letter of `domain` (a letter, exact, or a long name, case-insensitive)."""
    if isinstance(domain, str):
        if domain in aliases:
            return domain
        for letter, (stem, _) in aliases.items():
            if domain.lower() == stem.lower():
                return letter
    allowed = ", ".join(f"{stem!r}/{letter!r}" for letter, (stem, _) in aliases.items())
    raise ValueError(f"Unknown {what} domain {domain!r}. Valid domains: {allowed}")


def _l2_normalize(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def _check_bool(value, what: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be a bool, got {value!r} of type {type(value).__name__}")
    return bool(value)


# --------------------------------------------------------------------------- domains


def surf_preprocess(counts: np.ndarray) -> np.ndarray:
    """The standard Office-Caltech SURF preprocessing, within one domain.

    Each row is divided by its sum (all-zero rows stay zero), then each feature is
    z-scored with the domain's mean and population std (ddof=0); features of zero std
    become 0.

    Args:
        counts: Visual-word counts of shape (n, d).

    Returns:
        The float64 features of shape (n, d).
    """
    x = np.asarray(counts, dtype=np.float64)
    sums = x.sum(axis=1, keepdims=True)
    x = x / np.where(sums == 0, 1.0, sums)
    mean, std = x.mean(axis=0), x.std(axis=0)
    constant = std == 0
    z = (x - mean) / np.where(constant, 1.0, std)
    z[:, constant] = 0.0
    return z


def load_office_caltech_surf(
    domain: str, data_dir: Optional[PathLike] = None, preprocess: bool = True
) -> Domain:
    """One Office-Caltech10 domain as 800-word SURF bags of visual words.

    Office-31 (Saenko et al., "Adapting Visual Category Models to New Domains", ECCV 2010)
    restricted to the 10 classes it shares with Caltech-256, with SURF bag-of-words
    features (Gong et al., "Geodesic Flow Kernel for Unsupervised Domain Adaptation", CVPR
    2012). Sizes: amazon 958, Caltech10 1123, dslr 157, webcam 295.

    Args:
        domain: "amazon"/"A", "Caltech10"/"C", "dslr"/"D" or "webcam"/"W" (long names
            case-insensitive).
        data_dir: The data folder; None uses `default_data_dir()`.
        preprocess: True applies `surf_preprocess` (row sums to 1, then per-feature
            z-score within the domain), the preprocessing of the published results;
            False returns the raw counts.

    Returns:
        A `Domain` named "amazon", "caltech10", "dslr" or "webcam": x (n, 800) float32,
        y int32 in 0..9 (the file's 1..10 minus 1), 10 classes.

    Raises:
        ValueError: If `domain` is unknown, or the file lacks `fts`/`labels` or has
            wrong shapes or labels.
        FileNotFoundError: If the data folder or the file is missing.
    """
    letter = _domain_letter(domain, _OFFICE_CALTECH, "Office-Caltech10")
    preprocess = _check_bool(preprocess, "preprocess")
    stem, name = _OFFICE_CALTECH[letter]
    path = _benchmark_file(data_dir, f"office_caltech10_surf/{stem}_SURF_L10.mat")
    arrays = _read_mat(path, ("fts", "labels"))
    x = _features(arrays["fts"], 800, path, "fts")
    y = _labels(arrays["labels"], len(x), path, "labels", first=1)
    return Domain(name, surf_preprocess(x) if preprocess else x, y, NUM_CLASSES)


def load_mnist_usps_jda(
    domain: str, data_dir: Optional[PathLike] = None, l2_normalize: bool = False
) -> Domain:
    """MNIST or USPS as sampled for the JDA benchmark (2,000 / 1,800 16x16 digits).

    The file of Long et al., "Transfer Feature Learning with Joint Distribution
    Adaptation", ICCV 2013: MNIST (LeCun et al., 1998) resized to 16x16 and USPS (Hull,
    1994), grey values in [0, 1]. Each row of x is one image in row-major order, upright
    (checked against the USPS originals).

    Args:
        domain: "MNIST"/"M" (`Xs`, `Ys`) or "USPS"/"U" (`Xt`, `Yt`); long names
            case-insensitive.
        data_dir: The data folder; None uses `default_data_dir()`.
        l2_normalize: True scales each row to unit L2 norm (the published 1-NN baseline
            does); False (default) keeps the values as stored.

    Returns:
        A `Domain` named "mnist" or "usps": x (n, 256) float32, y int32 in 0..9 (digit
        d has label d), 10 classes.

    Raises:
        ValueError: If `domain` is unknown, or the file lacks a key or has wrong shapes
            or labels.
        FileNotFoundError: If the data folder or the file is missing.
    """
    letter = _domain_letter(domain, _MNIST_USPS, "MNIST/USPS")
    l2_normalize = _check_bool(l2_normalize, "l2_normalize")
    x_key, y_key = ("Xs", "Ys") if letter == "M" else ("Xt", "Yt")
    path = _benchmark_file(data_dir, "mnist_usps_jda/MNIST_vs_USPS.mat")
    arrays = _read_h5(path, (x_key, y_key))
    x = _features(arrays[x_key], 256, path, x_key)
    y = _labels(arrays[y_key], len(x), path, y_key, first=1)
    return Domain(_MNIST_USPS[letter][1], _l2_normalize(x) if l2_normalize else x, y, NUM_CLASSES)


def load_usps(split: str = "train", data_dir: Optional[PathLike] = None) -> Domain:
    """The full USPS digits (Hull, "A Database for Handwritten Text Recognition Research",
    IEEE TPAMI 1994): 7,291 training and 2,007 test 16x16 grey images.

    Args:
        split: "train", "test" or "all" (train then test).
        data_dir: The data folder; None uses `default_data_dir()`.

    Returns:
        A `Domain` named "usps/train", "usps/test" or "usps": x (n, 256) float32 in [0, 1]
        (row-major 16x16 images), y int32 in 0..9, 10 classes.

    Raises:
        ValueError: If `split` is unknown, or the file lacks a key or has wrong shapes,
            values outside [0, 1] or labels outside 0..9.
        FileNotFoundError: If the data folder or the file is missing.
    """
    splits = {"train": ("train",), "test": ("test",), "all": ("train", "test")}
    if split not in splits:
        raise ValueError(f"split must be one of {list(splits)}, got {split!r}")
    path = _benchmark_file(data_dir, "usps/usps.h5")
    keys = [f"{s}/{k}" for s in splits[split] for k in ("data", "target")]
    arrays = _read_h5(path, keys)
    xs, ys = [], []
    for s in splits[split]:
        x = _features(arrays[f"{s}/data"], 256, path, f"{s}/data")
        if x.size and (x.min() < 0 or x.max() > 1):
            raise ValueError(
                f"{str(path)!r}: {s}/data must lie in [0, 1], got values from "
                f"{float(x.min())} to {float(x.max())}"
            )
        xs.append(x)
        ys.append(_labels(arrays[f"{s}/target"], len(x), path, f"{s}/target", first=0))
    name = "usps" if split == "all" else f"usps/{split}"
    return Domain(name, np.concatenate(xs), np.concatenate(ys), NUM_CLASSES)


def load_decaf(
    domain: str, data_dir: Optional[PathLike] = None, l2_normalize: bool = False
) -> Domain:
    """An Office-Caltech10 domain (dslr or webcam) as DeCAF6 features.

    4,096-d activations of the sixth layer of an ImageNet AlexNet (Donahue et al.,
    "DeCAF: A Deep Convolutional Activation Feature for Generic Visual Recognition", ICML
    2014) on the Office-Caltech10 images; dslr 157, webcam 295.

    Args:
        domain: "dslr"/"D" or "webcam"/"W" (long names case-insensitive).
        data_dir: The data folder; None uses `default_data_dir()`.
        l2_normalize: True scales each row to unit L2 norm; False (default) keeps the
            stored values.

    Returns:
        A `Domain` named "dslr" or "webcam": x (n, 4096) float32, y int32 in 0..9.

    Raises:
        ValueError: If `domain` is unknown, or the file lacks `feas`/`labels` or has
            wrong shapes or labels.
        FileNotFoundError: If the data folder or the file is missing.
    """
    letter = _domain_letter(domain, _DECAF, "DeCAF")
    l2_normalize = _check_bool(l2_normalize, "l2_normalize")
    stem, name = _DECAF[letter]
    path = _benchmark_file(data_dir, f"office_caltech10_decaf/{stem}.mat")
    arrays = _read_mat(path, ("feas", "labels"))
    x = _features(arrays["feas"], 4096, path, "feas")
    y = _labels(arrays["labels"], len(x), path, "labels", first=1)
    return Domain(name, _l2_normalize(x) if l2_normalize else x, y, NUM_CLASSES)


def load_reuters(
    pair: str,
    data_dir: Optional[PathLike] = None,
    n_terms: Optional[int] = TEXT_DEFAULT_TERMS,
    l2_normalize: bool = True,
) -> Tuple[Domain, Domain]:
    """The two domains of a Reuters-21578 cross-domain file, as stored (`Xs`, then `Xt`).

    Reuters-21578 documents of two top categories (orgs, people, places); the subcategories
    of each top category are split in two halves, one for each domain, and the label is
    the top category — the construction used for TCA (Pan et al., "Domain Adaptation via
    Transfer Component Analysis", IEEE TNN 2011). Term weights over the file's own
    vocabulary (d = 4771, 4415, 4562). Sizes `Xs` / `Xt`: org_vs_people 1237 / 1208,
    org_vs_place 1016 / 1043, people_vs_place 1077 / 1077.

    Labels: the file's -1 is class 0 and +1 is class 1. Which category is +1 is not stored;
    the class counts show it (the same documents recur across files): org_vs_people +1 =
    orgs, -1 = people; org_vs_place +1 = places, -1 = orgs; people_vs_place +1 = places,
    -1 = people.

    `n_terms` keeps the terms of highest document frequency over `Xs` and `Xt` together
    (`top_document_frequency_terms`; no labels read; the same terms for both directions),
    then rows are scaled to unit L2 norm over the kept terms. Source-trained 1-NN / SVM /
    logistic regression average 63.2 / 66.5 / 69.0 over the 6 tasks with the default 1,000
    terms, 63.2 / 67.8 / 68.4 with all terms (`benchmarks/classical_baselines.py`).

    Args:
        pair: "org_vs_people", "org_vs_place" or "people_vs_place" (file `<pair>_1.mat`).
        data_dir: The data folder; None uses `default_data_dir()`.
        n_terms: Terms kept, 1..d (default `TEXT_DEFAULT_TERMS` = 1000); None keeps all d.
        l2_normalize: True (default) scales each row to unit L2 norm after the cut (the
            protocol of the reference baselines); False keeps the stored weights.

    Returns:
        (`Xs` domain, `Xt` domain), named "<pair>/Xs" and "<pair>/Xt": x (n, n_terms)
        dense float32, y int32 in {0, 1}, 2 classes.

    Raises:
        ValueError: If `pair` is unknown, `n_terms` is out of range, or the file lacks a
            key or has wrong shapes, negative weights or labels other than -1/+1.
        TypeError: If `n_terms` is not an int or None.
        FileNotFoundError: If the data folder or the file is missing.
    """
    if pair not in _REUTERS_FILES:
        raise ValueError(
            f"Unknown Reuters-21578 pair {pair!r}. Valid pairs: {', '.join(_REUTERS_FILES)}"
        )
    n_terms = check_int(n_terms, "n_terms", minimum=1, maximum=_REUTERS_FILES[pair],
                        owner="load_reuters", allow_none=True)
    l2_normalize = check_bool(l2_normalize, "l2_normalize", owner="load_reuters")
    path = _benchmark_file(data_dir, f"reuters21578_da/{pair}_1.mat")
    arrays = _read_mat(path, ("Xs", "Ys", "Xt", "Yt"))
    xs, ys = {}, {}
    for x_key, y_key in (("Xs", "Ys"), ("Xt", "Yt")):
        xs[x_key] = _term_matrix(arrays[x_key], path, x_key, _REUTERS_FILES[pair], transpose=True)
        y = arrays[y_key]
        y = (y.toarray() if scipy.sparse.issparse(y) else np.asarray(y)).astype(np.float64)
        if not np.isin(y, (-1.0, 1.0)).all():
            raise ValueError(f"{str(path)!r}: {y_key!r} must hold labels -1 and +1 only")
        # -1/+1 -> 0/1, checked by the generic label reader.
        ys[x_key] = _labels((y + 1) / 2, xs[x_key].shape[0], path, y_key, first=0, num_classes=2)
    if n_terms is not None:
        kept = top_document_frequency_terms(xs.values(), n_terms)
        xs = {k: x[:, kept] for k, x in xs.items()}
    return tuple(
        Domain(f"{pair}/{k}", (_sparse_l2_normalize(x) if l2_normalize else x).toarray()
               .astype(np.float32), ys[k], 2)
        for k, x in xs.items()
    )


def top_document_frequency_terms(matrices: Sequence, n_terms: int) -> np.ndarray:
    """The `n_terms` terms that occur in the most documents of `matrices` taken together.

    Document frequency (the number of documents in which a term has a non-zero weight) is
    the usual unsupervised vocabulary cut of text classification: it reads the term
    matrices only, never a label, so it may use the unlabelled target domain. Ties are
    broken by the lower term index, so the choice is deterministic and does not depend on
    the order of the documents or on how they are split into matrices.

    Args:
        matrices: Term matrices (documents, terms), dense or scipy.sparse, one vocabulary.
        n_terms: How many terms to keep, 1 <= n_terms <= number of terms.

    Returns:
        The kept term indices, sorted ascending, int64 of shape (n_terms,).

    Raises:
        ValueError: If `matrices` is empty, their term counts differ, or `n_terms` is out
            of range.

    Example:
        >>> top_document_frequency_terms([np.array([[1, 0, 2], [0, 0, 3]])], 2)
        array([0, 2])
    """
    matrices = list(matrices)
    if not matrices:
        raise ValueError("top_document_frequency_terms needs at least one term matrix, got none")
    widths = {m.shape[1] for m in matrices}
    if len(widths) != 1:
        raise ValueError(
            "All term matrices must share one vocabulary. Received matrices with "
            f"{sorted(widths)} terms"
        )
    (width,) = widths
    n_terms = check_int(n_terms, "n_terms", minimum=1, maximum=width,
                        owner="top_document_frequency_terms")
    df = sum(np.asarray((scipy.sparse.csr_matrix(m) != 0).sum(axis=0)).ravel() for m in matrices)
    order = np.argsort(-df, kind="stable")  # stable: equal counts keep index order
    return np.sort(order[:n_terms])


def load_newsgroups(
    pair: str,
    data_dir: Optional[PathLike] = None,
    n_terms: Optional[int] = TEXT_DEFAULT_TERMS,
    l2_normalize: bool = True,
    split: Tuple[Sequence[str], Sequence[str]] = NEWSGROUPS_SPLIT,
) -> Tuple[Domain, Domain]:
    """The source and target domains of one 20 Newsgroups top-category pair (or all four).

    20 Newsgroups (Lang, ICML 1995) as cross-domain text: for top categories A and B (of
    comp, rec, sci, talk; 4 subcategories each) the source holds subcategories X1 and X2 of
    A and of B, the target X3 and X4 of A and of B (`NEWSGROUPS_SPLIT`), and the label is
    the top category: class 1 = A, class 0 = B. This is one of the C(4,2)^2 = 36 splits of
    each pair (the subcategory-split construction of Dai et al., "Co-clustering Based
    Classification for Out-of-domain Documents", KDD 2007); the files do not name their
    subcategories. Rows: A's X1, A's X2, B's X1, B's X2 (target: X3, X4 likewise).
    `NEWSGROUPS_FOUR_WAY` takes all four top categories the same way, a 4-class task; the
    classes count down from the first category of the name as in a pair (talk 0, sci 1,
    rec 2, comp 3), and its tasks (`NEWSGROUPS_FOUR_WAY_TASKS`) use `split=(("X1",),
    ("X3",))` and `(("X2",), ("X4",))`.

    The shared vocabulary has 25,804 terms, too wide to hold densely for training (about
    400 MB per domain) or for the O(d^3) shallow maps. `n_terms` keeps the terms of highest
    document frequency over the source and target documents together
    (`top_document_frequency_terms`; no labels read), then rows are scaled to unit L2 norm
    over the kept terms. Source-trained 1-NN / SVM / logistic regression average 67.0 /
    76.3 / 79.6 over the 6 pairs with the default 1,000 terms, 66.3 / 79.4 / 81.5 with all
    25,804 (`benchmarks/classical_baselines.py`).

    Args:
        pair: "comp_vs_rec", "comp_vs_sci", "comp_vs_talk", "rec_vs_sci", "rec_vs_talk"
            or "sci_vs_talk" (A_vs_B), or `NEWSGROUPS_FOUR_WAY`.
        data_dir: The data folder; None uses `default_data_dir()`.
        n_terms: Terms kept, 1..25804 (default `TEXT_DEFAULT_TERMS` = 1000); None keeps
            all 25,804 (dense: ~400 MB a domain).
        l2_normalize: True (default) scales each row to unit L2 norm after the cut; False
            keeps the stored weights of the kept terms.
        split: (source subcategories, target subcategories), disjoint non-empty groups of
            "X1".."X4" (default `NEWSGROUPS_SPLIT`); the vocabulary cut reads only these.

    Returns:
        (source, target) named "<pair>/X1+X2" and "<pair>/X3+X4" (after `split`): x (n,
        n_terms) dense float32, y int32, 2 classes (4 for `NEWSGROUPS_FOUR_WAY`). Sizes:
        comp_vs_rec 3913 / 3925, comp_vs_sci 3906 / 3909, comp_vs_talk 3782 / 3338,
        rec_vs_sci 3953 / 3960, rec_vs_talk 3829 / 3389, sci_vs_talk 3822 / 3373; the four
        categories with X1 -> X3: 3855 / 3731, with X2 -> X4: 3880 / 3567.

    Raises:
        ValueError: If `pair` is unknown, `split` is not two disjoint non-empty groups of
            X1..X4, `n_terms` is out of range, or a file lacks a key or has wrong shapes or
            negative weights.
        TypeError: If `n_terms` is not an int or None.
        FileNotFoundError: If the data folder or a file is missing.
    """
    if pair not in NEWSGROUPS_PAIRS and pair != NEWSGROUPS_FOUR_WAY:
        raise ValueError(
            f"Unknown 20 Newsgroups pair {pair!r}. Valid pairs: {', '.join(NEWSGROUPS_PAIRS)}, "
            f"or all four categories: {NEWSGROUPS_FOUR_WAY}"
        )
    n_terms = check_int(n_terms, "n_terms", minimum=1, maximum=NEWSGROUPS_TERMS,
                        owner="load_newsgroups", allow_none=True)
    l2_normalize = check_bool(l2_normalize, "l2_normalize", owner="load_newsgroups")
    split = _check_newsgroups_split(split)
    categories = pair.split("_vs_")
    keys = [k for half in split for k in half]
    parts = {}  # (category, key) -> CSR (documents, terms)
    for category in categories:
        path = _benchmark_file(data_dir, f"newsgroups20_da/{category}.mat")
        arrays = _read_mat(path, keys)
        for key in keys:
            parts[category, key] = _term_matrix(
                arrays[key], path, key, NEWSGROUPS_TERMS, transpose=True
            )
    if n_terms is not None:
        kept = top_document_frequency_terms(parts.values(), n_terms)
        parts = {k: m[:, kept] for k, m in parts.items()}
    domains = []
    labels = range(len(categories) - 1, -1, -1)  # a pair's A is class 1, its B class 0
    for half in split:
        blocks = [parts[c, k] for c in categories for k in half]
        x = scipy.sparse.vstack(blocks, format="csr")
        x = _sparse_l2_normalize(x) if l2_normalize else x
        y = np.concatenate([np.full(parts[c, k].shape[0], label, np.int32)
                            for c, label in zip(categories, labels) for k in half])
        domains.append(Domain(f"{pair}/{'+'.join(half)}", x.toarray().astype(np.float32), y,
                              len(categories)))
    return domains[0], domains[1]


def _check_newsgroups_split(split) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """`split` as two tuples of subcategory keys, or a ValueError saying what is wrong."""
    valid = ("X1", "X2", "X3", "X4")
    try:
        source, target = (tuple(half) for half in split)
    except (TypeError, ValueError):
        source = target = ()
    keys = source + target
    if (not source or not target or len(set(keys)) != len(keys)
            or not all(isinstance(k, str) and k in valid for k in keys)):
        raise ValueError(
            "load_newsgroups: `split` must be (source subcategories, target subcategories), "
            f"two disjoint non-empty groups of {', '.join(valid)}. Received: {split!r}"
        )
    return source, target


def load_msrc_voc(
    domain: str, data_dir: Optional[PathLike] = None, preprocess: bool = True
) -> Domain:
    """MSRC or VOC2007 as 240-word dense-SIFT bags of visual words, 6 shared classes.

    The MSRC-v2 and PASCAL VOC 2007 images of the 6 classes the two share, as prepared
    for the CMMS demo (IEEE TIP 2020; repository LeiTian-qj/CMMS). The file does not name
    the classes. Sizes: MSRC 1269 (classes 1..6: 58 / 272 / 72 / 495 / 182 / 190), VOC2007
    1530 (233 / 194 / 318 / 558 / 134 / 93).

    Args:
        domain: "MSRC"/"msrc" (`X_src`, `Y_src`) or "VOC"/"voc2007" (`X_tar`, `Y_tar`).
        data_dir: The data folder; None uses `default_data_dir()`.
        preprocess: True (default) applies `surf_preprocess` (row sums to 1, then
            per-feature z-score within the domain), the preprocessing of the CMMS demo;
            False returns the raw counts.

    Returns:
        A `Domain` named "msrc" or "voc2007": x (n, 240) float32, y int32 in 0..5 (the
        file's 1..6 minus 1), 6 classes.

    Raises:
        ValueError: If `domain` is unknown, or the file lacks a key or has wrong shapes,
            negative counts or labels.
        FileNotFoundError: If the data folder or the file is missing.
    """
    letter = _domain_letter(domain, _MSRC_VOC, "MSRC/VOC")
    preprocess = check_bool(preprocess, "preprocess", owner="load_msrc_voc")
    x_key, y_key = ("X_src", "Y_src") if letter == "MSRC" else ("X_tar", "Y_tar")
    path = _benchmark_file(data_dir, "msrc_voc/MSRC_vs_VOC.mat")
    arrays = _read_mat(path, (x_key, y_key))
    x = _term_matrix(arrays[x_key], path, x_key, 240, transpose=False).toarray()
    y = _labels(arrays[y_key], len(x), path, y_key, first=1, num_classes=MSRC_VOC_CLASSES)
    x = surf_preprocess(x) if preprocess else x
    return Domain(_MSRC_VOC[letter][1], x, y, MSRC_VOC_CLASSES)


# --------------------------------------------------------------------------- tasks


def _check_task(name, dataset: str) -> str:
    """`name` if it is a task of `dataset`, else a ValueError listing the valid tasks."""
    valid = BENCHMARK_TASKS[dataset]
    if not isinstance(name, str) or name not in valid:
        why = ""
        if isinstance(name, str) and "->" in name:
            source, _, target = name.partition("->")
            if source == target:
                why = " (source and target must be different domains)"
        raise ValueError(
            f"Unknown {dataset} task {name!r}{why}. Valid tasks: {', '.join(valid)}"
        )
    return name


def _parse_task(name, dataset: str) -> Tuple[str, str]:
    source, _, target = _check_task(name, dataset).partition("->")
    return source, target


def _reuters_domains(name, data_dir=None, **options) -> Tuple[Domain, Domain]:
    stem, swapped = _REUTERS[_check_task(name, "reuters")]
    first, second = load_reuters(stem, data_dir, **options)
    return (second, first) if swapped else (first, second)


def _newsgroups_domains(name, data_dir=None, **options) -> Tuple[Domain, Domain]:
    pair, _, split = _check_task(name, "newsgroups").partition(":")
    source, _, target = split.partition("->")  # "12->34": X1, X2 -> X3, X4
    return load_newsgroups(pair, data_dir, split=([f"X{i}" for i in source],
                                                   [f"X{i}" for i in target]), **options)


def _domains_of(loader, dataset: str):
    def domains(name, data_dir=None, **options) -> Tuple[Domain, Domain]:
        source, target = _parse_task(name, dataset)
        return loader(source, data_dir, **options), loader(target, data_dir, **options)

    return domains


_TASK_DOMAINS = {
    "office_caltech_surf": _domains_of(load_office_caltech_surf, "office_caltech_surf"),
    "mnist_usps": _domains_of(load_mnist_usps_jda, "mnist_usps"),
    "decaf": _domains_of(load_decaf, "decaf"),
    "reuters": _reuters_domains,
    "newsgroups": _newsgroups_domains,
    "msrc_voc": _domains_of(load_msrc_voc, "msrc_voc"),
}


def task_domains(
    dataset: str, name: str, *, data_dir: Optional[PathLike] = None, **options
) -> Tuple[Domain, Domain]:
    """The WHOLE source and target domains of a benchmark task, before any split.

    What the classical baselines of the published tables train and test on (the whole
    source, the whole target); the `*_task` builders split the same source into
    `source_train` / `source_val`.

    Args:
        dataset: A key of `BENCHMARK_TASKS`.
        name: One of its tasks.
        data_dir: The data folder; None uses `default_data_dir()`.
        **options: The loader's preprocessing options (`preprocess`, `l2_normalize`,
            `n_terms`), as for the dataset's `*_task` builder.

    Returns:
        (source, target) `Domain`s.

    Raises:
        ValueError: If `dataset` or `name` is unknown (the message lists the valid ones),
            or the loader rejects its input.
        TypeError: If an option is not one of the loader's.
        FileNotFoundError: If the data folder or a file is missing.
    """
    if dataset not in _TASK_DOMAINS:
        raise ValueError(
            f"Unknown benchmark dataset {dataset!r}. Valid datasets: {', '.join(BENCHMARK_TASKS)}"
        )
    return _TASK_DOMAINS[dataset](name, data_dir, **options)


def _transductive_task(dataset: str, name: str, data_dir: Optional[PathLike],
                       source_val_fraction: float, seed: int, **options) -> TransferTask:
    """The transductive `TransferTask` of a benchmark task: `task_domains`, then
    `TransferTask.transductive` (the `*_task` builders' common body)."""
    source, target = task_domains(dataset, name, data_dir=data_dir, **options)
    return TransferTask.transductive(name, source, target,
                                     source_val_fraction=source_val_fraction, seed=seed)


def office_caltech_surf_task(
    name: str,
    *,
    data_dir: Optional[PathLike] = None,
    preprocess: bool = True,
    source_val_fraction: float = 0.1,
    seed: int = 0,
) -> TransferTask:
    """An Office-Caltech10 SURF task ("C->A", ...; `OFFICE_CALTECH_TASKS`), transductive.

    Domains from `load_office_caltech_surf` (each preprocessed within itself); splits from
    `TransferTask.transductive` (target_train = target_test = the whole target).

    Args:
        name: "SOURCE->TARGET" over the letters A, C, D, W, source != target.
        data_dir: The data folder; None uses `default_data_dir()`.
        preprocess: See `load_office_caltech_surf`.
        source_val_fraction: Fraction of the source held out as `source_val`.
        seed: Seed of the source split.

    Returns:
        The `TransferTask` (input shape (800,), 10 classes).

    Raises:
        ValueError: If `name` is not a valid task (the message lists them), or a loader
            or the split rejects its input.
        FileNotFoundError: If the data folder or a file is missing.
    """
    return _transductive_task("office_caltech_surf", name, data_dir, source_val_fraction, seed,
                              preprocess=preprocess)


def mnist_usps_task(
    name: str,
    *,
    data_dir: Optional[PathLike] = None,
    l2_normalize: bool = False,
    source_val_fraction: float = 0.1,
    seed: int = 0,
) -> TransferTask:
    """The JDA MNIST/USPS task "M->U" or "U->M", transductive (see `office_caltech_surf_task`).

    Args:
        name: "M->U" or "U->M".
        l2_normalize: See `load_mnist_usps_jda`.
        data_dir, source_val_fraction, seed: As for `office_caltech_surf_task`.

    Returns:
        The `TransferTask` (input shape (256,), 10 classes).

    Raises:
        ValueError: If `name` is not a valid task (the message lists them), or a loader
            or the split rejects its input.
        FileNotFoundError: If the data folder or the file is missing.
    """
    return _transductive_task("mnist_usps", name, data_dir, source_val_fraction, seed,
                              l2_normalize=l2_normalize)


def decaf_task(
    name: str,
    *,
    data_dir: Optional[PathLike] = None,
    l2_normalize: bool = False,
    source_val_fraction: float = 0.1,
    seed: int = 0,
) -> TransferTask:
    """The DeCAF6 task "D->W" or "W->D", transductive (see `office_caltech_surf_task`).

    Args:
        name: "D->W" or "W->D".
        l2_normalize: See `load_decaf`.
        data_dir, source_val_fraction, seed: As for `office_caltech_surf_task`.

    Returns:
        The `TransferTask` (input shape (4096,), 10 classes).

    Raises:
        ValueError: If `name` is not a valid task (the message lists them), or a loader
            or the split rejects its input.
        FileNotFoundError: If the data folder or a file is missing.
    """
    return _transductive_task("decaf", name, data_dir, source_val_fraction, seed,
                              l2_normalize=l2_normalize)


def reuters_task(
    name: str,
    *,
    data_dir: Optional[PathLike] = None,
    n_terms: Optional[int] = TEXT_DEFAULT_TERMS,
    l2_normalize: bool = True,
    source_val_fraction: float = 0.1,
    seed: int = 0,
) -> TransferTask:
    """A Reuters-21578 task (`REUTERS_TASKS`), transductive (see `office_caltech_surf_task`).

    "org->people" is `org_vs_people_1.mat` as stored (source `Xs`, target `Xt`),
    "people->org" the same file with source and target swapped; likewise "org->place" /
    "place->org" and "people->place" / "place->people". The name gives the category pair
    and the direction through the file: both domains hold both categories (disjoint
    halves of their subcategories). Domains from `load_reuters`.

    Args:
        name: One of `REUTERS_TASKS`.
        n_terms: See `load_reuters` (default 1000; None keeps the file's d terms).
        l2_normalize: See `load_reuters` (default True, unit-norm rows).
        data_dir, source_val_fraction, seed: As for `office_caltech_surf_task`.

    Returns:
        The `TransferTask` (input shape (n_terms,); 2 classes).

    Raises:
        ValueError: If `name` is not a valid task (the message lists them), or the loader
            or the split rejects its input.
        FileNotFoundError: If the data folder or the file is missing.
    """
    return _transductive_task("reuters", name, data_dir, source_val_fraction, seed,
                              n_terms=n_terms, l2_normalize=l2_normalize)


def newsgroups_task(
    name: str,
    *,
    data_dir: Optional[PathLike] = None,
    n_terms: Optional[int] = TEXT_DEFAULT_TERMS,
    l2_normalize: bool = True,
    source_val_fraction: float = 0.1,
    seed: int = 0,
) -> TransferTask:
    """A 20 Newsgroups task: one top-category pair (`NEWSGROUPS_TASKS`) or all four
    (`NEWSGROUPS_FOUR_WAY_TASKS`), fixed split, transductive (see `office_caltech_surf_task`).

    Source: subcategories X1, X2 of both top categories; target: X3, X4 of both — the
    subcategories named after the colon ("comp_vs_rec:12->34"; the four-way task "1->3"
    takes X1 of each category as the source, X3 as the target) — through `load_newsgroups`,
    which also cuts the vocabulary to `n_terms` without labels.

    Args:
        name: One of `BENCHMARK_TASKS["newsgroups"]` ("comp_vs_rec:12->34", ...,
            "comp_vs_rec_vs_sci_vs_talk:1->3", "comp_vs_rec_vs_sci_vs_talk:2->4").
        n_terms: See `load_newsgroups` (default 1000; None keeps all 25,804 terms).
        l2_normalize: See `load_newsgroups` (default True).
        data_dir, source_val_fraction, seed: As for `office_caltech_surf_task`.

    Returns:
        The `TransferTask` (input shape (n_terms,), 2 classes; 4 for the four-way tasks).

    Raises:
        ValueError: If `name` is not a valid task (the message lists them), or the loader
            or the split rejects its input.
        FileNotFoundError: If the data folder or a file is missing.
    """
    return _transductive_task("newsgroups", name, data_dir, source_val_fraction, seed,
                              n_terms=n_terms, l2_normalize=l2_normalize)


def msrc_voc_task(
    name: str,
    *,
    data_dir: Optional[PathLike] = None,
    preprocess: bool = True,
    source_val_fraction: float = 0.1,
    seed: int = 0,
) -> TransferTask:
    """The MSRC/VOC2007 task "MSRC->VOC" or "VOC->MSRC", transductive (see
    `office_caltech_surf_task`).

    Args:
        name: "MSRC->VOC" or "VOC->MSRC".
        preprocess: See `load_msrc_voc` (default True: row sums to 1, z-score per domain).
        data_dir, source_val_fraction, seed: As for `office_caltech_surf_task`.

    Returns:
        The `TransferTask` (input shape (240,), 6 classes).

    Raises:
        ValueError: If `name` is not a valid task (the message lists them), or the loader
            or the split rejects its input.
        FileNotFoundError: If the data folder or the file is missing.
    """
    return _transductive_task("msrc_voc", name, data_dir, source_val_fraction, seed,
                              preprocess=preprocess)
