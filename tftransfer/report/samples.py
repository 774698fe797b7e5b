"""The rows of a task a report looks at: the same few source and target rows for every run.

A report compares the features of different trained models (source-only before adaptation,
the chosen method after it) and the inputs, so every run of a task samples THE SAME rows:
at most `MAX_ROWS` of `source_train` and of `target_train` (the unlabelled adaptation data),
drawn by a fixed seed from the split sizes alone. A run saves its model's features on those
rows (`feature_sample`, the run directory's `features.npz`); the inputs are sampled once per
task (`input_sample`).

Example:
    >>> rows = sample_rows(task.source_train.n)                # same for every run of task
    >>> arrays = feature_sample(model, task)                   # embed(x) + predicted classes
    >>> save_sample(run_dir / "features.npz", arrays)
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

import keras
import numpy as np

from tftransfer.io import write_npz_atomic

#: Rows sampled per domain.
MAX_ROWS = 500
#: Inputs wider than this are stored as their first `REDUCED_DIMS` principal components.
MAX_INPUT_DIMS = 4096
REDUCED_DIMS = 256
#: The file name of a run's feature sample.
FEATURES_FILE = "features.npz"


def sample_rows(n: int, max_rows: int = MAX_ROWS) -> np.ndarray:
    """Sorted indices of at most `max_rows` of `n` rows, a function of `n` only (seed 0)."""
    if n <= max_rows:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, max_rows, replace=False))


def _labels(domain, rows) -> Optional[np.ndarray]:
    return None if domain.y is None else np.asarray(domain.y)[rows].astype(np.int32)


def input_sample(task, max_rows: int = MAX_ROWS) -> Dict[str, np.ndarray]:
    """The task's inputs on the sampled rows, flattened (wide inputs reduced by PCA).

    Returns:
        {"source_x", "target_x", "source_y", "source_rows", "target_rows", "task",
        "reduced"} and "target_y" when the target carries labels (read only to colour plots).
        `reduced` is the number of principal components kept (0: raw inputs), fitted on the
        pooled sample of both domains (no labels).
    """
    s_rows = sample_rows(task.source_train.n, max_rows)
    t_rows = sample_rows(task.target_train.n, max_rows)
    xs = np.asarray(task.source_train.x[s_rows], np.float32).reshape(len(s_rows), -1)
    xt = np.asarray(task.target_train.x[t_rows], np.float32).reshape(len(t_rows), -1)
    reduced = 0
    if xs.shape[1] > MAX_INPUT_DIMS:
        from sklearn.decomposition import PCA

        reduced = min(REDUCED_DIMS, len(xs) + len(xt) - 1)
        pca = PCA(reduced, random_state=0).fit(np.concatenate([xs, xt]))
        xs, xt = pca.transform(xs).astype(np.float32), pca.transform(xt).astype(np.float32)
    arrays = {"source_x": xs, "target_x": xt, "source_y": _labels(task.source_train, s_rows),
              "source_rows": s_rows, "target_rows": t_rows, "task": np.array(task.name),
              "reduced": np.array(reduced)}
    target_y = _labels(task.target_train, t_rows)
    if target_y is not None:
        arrays["target_y"] = target_y
    return arrays


def _batched(function, x, batch_size):
    return np.concatenate([keras.ops.convert_to_numpy(function(x[i:i + batch_size]))
                           for i in range(0, len(x), batch_size)])


def feature_sample(model, task, max_rows: int = MAX_ROWS, batch_size: int = 256,
                   target_model=None) -> Dict[str, np.ndarray]:
    """`model.embed(x)` (the adaptation features) and predicted classes on the sampled rows.

    Args:
        model: A trained `DomainAdaptationModel` (anything with `embed(x, training=False)`
            and a call returning class scores).
        task: The task it was trained on (after any shallow transform: the model's inputs).
        max_rows: Rows per domain.
        batch_size: Rows per forward pass.
        target_model: The same for the target rows when a model maps the domains
            differently (a shallow classifier's source and target maps); default `model`.

    Returns:
        {"source_features", "target_features", "source_pred", "target_pred",
        "source_rows", "target_rows"}.
    """
    s_rows = sample_rows(task.source_train.n, max_rows)
    t_rows = sample_rows(task.target_train.n, max_rows)
    out = {"source_rows": s_rows, "target_rows": t_rows}
    for side, domain, rows, net in (("source", task.source_train, s_rows, model),
                                    ("target", task.target_train, t_rows, target_model or model)):
        x = np.asarray(domain.x[rows], np.float32)
        features = _batched(lambda b: net.embed(b, training=False), x, batch_size)
        logits = _batched(lambda b: net(b, training=False), x, batch_size)
        out[f"{side}_features"] = features.reshape(len(rows), -1).astype(np.float32)
        out[f"{side}_pred"] = logits.argmax(axis=1).astype(np.int32)
    return out


def save_sample(path, arrays: Dict[str, np.ndarray]) -> None:
    """Writes a sample atomically (None entries are left out)."""
    write_npz_atomic(Path(path), **{k: v for k, v in arrays.items() if v is not None})


def load_sample(path) -> Dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}
