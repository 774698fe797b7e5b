"""tf.data pipelines of raw strings: `TextDomain` documents for models that read text.

The same deterministic streams as `tftransfer.data.pipeline` (stateless per-pass shuffles,
endless, `drop_remainder`), with string inputs: a `hub:` text backbone or a `TextVectorization`
encoder in the engine trains on `text_dataset` batches `(documents, y)` or on
`paired_text_dataset` batches `((docs_s, y_s), (docs_t[, y_t]))`.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import tensorflow as tf

from tftransfer._checks import check_int
from tftransfer.data.pipeline import _reshuffled_batches, prefetched

__all__ = ["as_documents", "paired_text_dataset", "text_dataset"]


def as_documents(documents, name: str = "documents", owner: str = "text_dataset") -> np.ndarray:
    """`documents` as a non-empty 1-D str array (a `TextDomain`'s documents, a list)."""
    docs = getattr(documents, "documents", documents)
    arr = np.asarray(docs)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "UO":
        raise ValueError(f"{owner}: `{name}` must be a non-empty 1-D sequence of strings. "
                         f"Received: {name} of shape {arr.shape} and dtype {arr.dtype}")
    return arr.astype(str)


def _labels(y, n: int, name: str, owner: str) -> np.ndarray:
    arr = np.asarray(y)
    if arr.shape != (n,):
        raise ValueError(f"{owner}: `{name}` must hold one label per document, shape ({n},). "
                         f"Received: {name} of shape {arr.shape}")
    return arr.astype(np.float32 if arr.dtype.kind == "f" else np.int32)


def text_dataset(documents, y=None, *, batch_size: int, shuffle: bool = False,
                 seed: Optional[int] = None, repeat: bool = False,
                 drop_remainder: bool = False) -> tf.data.Dataset:
    """Batches of `(documents, y)` (or documents alone when `y` is None).

    Args:
        documents: A `TextDomain` (its documents, and its labels when `y` is None and it
            has some) or a 1-D sequence of strings.
        y: Labels (int class indices, or float regression targets), one per document.
        batch_size, shuffle, seed, repeat, drop_remainder: as `data.labelled_dataset`.
    """
    owner = "text_dataset"
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner=owner)
    seed = check_int(seed, "seed", minimum=0, allow_none=True, owner=owner)
    if y is None and getattr(documents, "y", None) is not None:
        y = documents.y
    docs = as_documents(documents, owner=owner)
    tensors = docs if y is None else (docs, _labels(y, len(docs), "y", owner))
    if shuffle and repeat:
        return prefetched(_reshuffled_batches(tensors, len(docs), batch_size, seed or 0,
                                              drop_remainder=drop_remainder))
    ds = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle:
        ds = ds.shuffle(len(docs), seed=seed, reshuffle_each_iteration=True)
    elif repeat:
        ds = ds.repeat()
    return prefetched(ds.batch(batch_size, drop_remainder=drop_remainder))


def paired_text_dataset(source, source_y, target, target_y=None, *, batch_size: int,
                        seed: int) -> tf.data.Dataset:
    """Endless paired batches `((docs_s, y_s), (docs_t[, y_t]))` for domain adaptation on text
    (source shuffled with `seed`, target with `seed + 1`; -1 marks an unlabelled target)."""
    owner = "paired_text_dataset"
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner=owner)
    seed = check_int(seed, "seed", minimum=0, owner=owner)
    docs_s = as_documents(source, "source", owner)
    docs_t = as_documents(target, "target", owner)
    source_part = (docs_s, _labels(source_y, len(docs_s), "source_y", owner))
    target_part = (docs_t,)
    if target_y is not None:
        target_part += (_labels(target_y, len(docs_t), "target_y", owner),)
    return prefetched(tf.data.Dataset.zip((
        _reshuffled_batches(source_part, len(docs_s), batch_size, seed),
        _reshuffled_batches(target_part, len(docs_t), batch_size, seed + 1),
    )))
