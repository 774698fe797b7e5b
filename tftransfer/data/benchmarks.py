"""Real shallow-DA benchmarks: Office-Caltech10 SURF, MNIST/USPS (JDA), USPS, DeCAF.

The files are read from a data folder (`data_dir`; None uses `default_data_dir()`, i.e.
`$TFTRANSFER_DATA_DIR` or `../shared/data` from the project root) laid out as:

| file (under `data_dir`)                          | content                              |
|--------------------------------------------------|--------------------------------------|
| `office_caltech10_surf/<domain>_SURF_L10.mat`     | `fts` (n, 800) SURF word counts,     |
|   (domain: Caltech10, amazon, webcam, dslr)      | `labels` (n, 1) in 1..10             |
| `mnist_usps_jda/MNIST_vs_USPS.mat` (v7.3, HDF5)  | `Xs`, `Ys` (MNIST), `Xt`, `Yt` (USPS) |
| `usps/usps.h5`                                   | `{train,test}/{data,target}`         |
| `office_caltech10_decaf/{dslr,webcam}.mat`       | `feas` (n, 4096) DeCAF6, `labels`    |

Datasets (registered in `tftransfer.data.datasets`) and their tasks:

| dataset               | tasks                                 | reference                       |
|-----------------------|---------------------------------------|---------------------------------|
| `office_caltech_surf` | the 12 ordered pairs of A, C, D, W    | Gong et al., CVPR 2012          |
| `mnist_usps`          | M->U, U->M                            | Long et al., ICCV 2013 (JDA)    |
| `decaf`               | D->W, W->D                            | Donahue et al., ICML 2014       |

Every task follows the protocol of the published tables (Wang et al., "Visual Domain
Adaptation with Manifold Embedded Distribution Alignment", ACM MM 2018, Tables 2-4):
unsupervised and transductive, see `TransferTask.transductive` — the whole target domain is
both `target_train` (its labels hidden from unsupervised methods) and `target_test`; the
source is split into `source_train` / `source_val`. The published rows are in `PUBLISHED`
(defined in `tftransfer.data.published`).

Example:
    >>> task = office_caltech_surf_task("C->A", data_dir="../shared/data")
    >>> task.target_test.n, task.input_shape
    (958, (800,))
    >>> PUBLISHED["office_caltech_surf"]["1NN"]["C->A"]
    23.7
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

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
    "OFFICE_CALTECH_TASKS",
    "PUBLISHED",
    "PUBLISHED_SOURCE",
    "benchmark_task_names",
    "decaf_task",
    "load_decaf",
    "load_mnist_usps_jda",
    "load_office_caltech_surf",
    "load_usps",
    "mnist_usps_task",
    "office_caltech_surf_task",
    "surf_preprocess",
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

OFFICE_CALTECH_TASKS: Tuple[str, ...] = (
    "C->A", "C->W", "C->D", "A->C", "A->W", "A->D",
    "W->C", "W->A", "W->D", "D->C", "D->A", "D->W",
)  # fmt: skip
"""The 12 Office-Caltech10 tasks, in the column order of the published tables."""
MNIST_USPS_TASKS: Tuple[str, ...] = ("M->U", "U->M")
DECAF_TASKS: Tuple[str, ...] = ("D->W", "W->D")
BENCHMARK_TASKS: Dict[str, Tuple[str, ...]] = {
    "office_caltech_surf": OFFICE_CALTECH_TASKS,
    "mnist_usps": MNIST_USPS_TASKS,
    "decaf": DECAF_TASKS,
}

def benchmark_task_names(dataset: str) -> List[str]:
    """The task names of a benchmark dataset ("office_caltech_surf", "mnist_usps", "decaf")."""
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
    """The arrays `keys` of a MATLAB (<= v7.2) file."""
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
    return {k: np.asarray(content[k]) for k in keys}


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


def _labels(y: np.ndarray, n: int, path: Path, key: str, first: int) -> np.ndarray:
    """Labels of shape (n,), (n, 1) or (1, n) in `first..first+9`, returned as 0..9."""
    if y.ndim == 2 and 1 in y.shape:
        y = y.reshape(-1)
    if y.shape != (n,):
        raise ValueError(
            f"{str(path)!r}: {key!r} must hold {n} labels (shape ({n},) or ({n}, 1)) to match "
            f"the features, got shape {y.shape}"
        )
    y = y.astype(np.float64)
    last = first + NUM_CLASSES - 1
    if not (np.all(y == np.round(y)) and y.min() >= first and y.max() <= last):
        raise ValueError(
            f"{str(path)!r}: {key!r} must hold integer labels in {first}..{last}, got values "
            f"from {float(y.min())} to {float(y.max())}"
        )
    return (y - first).astype(np.int32)


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


# --------------------------------------------------------------------------- tasks


def _parse_task(name, dataset: str) -> Tuple[str, str]:
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
    source, _, target = name.partition("->")
    return source, target


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
    source, target = _parse_task(name, "office_caltech_surf")
    return TransferTask.transductive(
        name,
        load_office_caltech_surf(source, data_dir, preprocess=preprocess),
        load_office_caltech_surf(target, data_dir, preprocess=preprocess),
        source_val_fraction=source_val_fraction,
        seed=seed,
    )


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
        data_dir: The data folder; None uses `default_data_dir()`.
        l2_normalize: See `load_mnist_usps_jda`.
        source_val_fraction: Fraction of the source held out as `source_val`.
        seed: Seed of the source split.

    Returns:
        The `TransferTask` (input shape (256,), 10 classes).

    Raises:
        ValueError: If `name` is not a valid task (the message lists them), or a loader
            or the split rejects its input.
        FileNotFoundError: If the data folder or the file is missing.
    """
    source, target = _parse_task(name, "mnist_usps")
    return TransferTask.transductive(
        name,
        load_mnist_usps_jda(source, data_dir, l2_normalize=l2_normalize),
        load_mnist_usps_jda(target, data_dir, l2_normalize=l2_normalize),
        source_val_fraction=source_val_fraction,
        seed=seed,
    )


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
        data_dir: The data folder; None uses `default_data_dir()`.
        l2_normalize: See `load_decaf`.
        source_val_fraction: Fraction of the source held out as `source_val`.
        seed: Seed of the source split.

    Returns:
        The `TransferTask` (input shape (4096,), 10 classes).

    Raises:
        ValueError: If `name` is not a valid task (the message lists them), or a loader
            or the split rejects its input.
        FileNotFoundError: If the data folder or a file is missing.
    """
    source, target = _parse_task(name, "decaf")
    return TransferTask.transductive(
        name,
        load_decaf(source, data_dir, l2_normalize=l2_normalize),
        load_decaf(target, data_dir, l2_normalize=l2_normalize),
        source_val_fraction=source_val_fraction,
        seed=seed,
    )
