"""Evidence that a shift moved the classes' proportions, and auto's guard that reads it.

Matching the domains' feature distributions presumes each class is about as common in the
target as in the source. When it is not (label shift), an aligned representation must misplace
target samples: Zhao, des Combes, Zhang & Gordon, "On Learning Invariant Representations for
Domain Adaptation", ICML 2019, bound the joint error of any classifier on an aligned
representation from below,

    ε_S + ε_T ≥ ½ (d_JS(p_S(y), p_T(y)) − d_JS(p_S(z), p_T(z)))²,

so the better the alignment, the more a difference of the class proportions costs. On tables
split at a measurement the label depends on (docs/benchmarks.md, "Sample-selection bias that
moves the labels") DANN fell 38.5 points below source_only and auto, which let MCC through,
1.3.

Two numbers of the unadapted model (source_only) carry the evidence, with no target label:

- `class_shift`: the total-variation distance ½ Σ_c |p_S(c) − p̂_T(c)| between the source's
  class shares p_S (its labels) and the shares p̂_T of the model's predicted classes on the
  unlabelled target.
- `confidence_drop`: the mean top-class probability on the source validation split minus that
  on the target. Under label shift p(x | y) is unchanged, so the model is about as confident on
  target samples as on source ones; samples off the source's support usually lower it
  (Hendrycks & Gimpel, "A Baseline for Detecting Misclassified and Out-of-Distribution
  Examples", ICLR 2017).

A large `class_shift` alone has two readings — the target's classes are differently common, or
source_only is wrong on the target (the digits rotated by 30°: a class shift of 0.53, a
covariate shift adaptation fixes, with the confidence 0.15 lower). The guard therefore asks
for both: a large class shift *and* no loss of confidence. It cannot see a label shift through
a weak source classifier, whose predicted shares understate it (docs/benchmarks.md, "auto's
label-shift guard": Office-Caltech SURF subsampled by class, a true 0.47 read as 0.35).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Mapping

import numpy as np

from tftransfer._checks import check_float
from tftransfer.selection._metrics import softmax

#: The record fields holding the evidence (`label_shift_evidence`), as the runner stores them.
FIELDS = ("class_shift", "confidence_drop")


def class_shares(labels, num_classes: int) -> np.ndarray:
    """The share of each class index 0..num_classes-1 among `labels` (sums to 1)."""
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    if labels.size == 0:
        raise ValueError("class_shares: `labels` must hold at least one label. Received: none")
    outside = np.unique(labels[(labels < 0) | (labels >= num_classes)])
    if outside.size:
        raise ValueError(f"class_shares: labels must lie in 0..{num_classes - 1}. "
                         f"Received: {outside[:5].tolist()}")
    return np.bincount(labels, minlength=num_classes)[:num_classes] / labels.size


def total_variation(p, q) -> float:
    """½ Σ |p − q| of two distributions over the same classes."""
    return 0.5 * float(np.abs(np.asarray(p, float) - np.asarray(q, float)).sum())


def label_shift_evidence(outputs, task) -> Dict[str, float]:
    """`class_shift` and `confidence_drop` (module docstring) of one trained model.

    Args:
        outputs: The model's `ModelOutputs` on `task` (its source validation and target train
            splits are read; a forward pass each, shared with the validators).
        task: The classification `TransferTask`; its source labels (train and validation)
            give the source's class shares. No target label is read.

    Returns:
        {"class_shift": total variation in [0, 1], "confidence_drop": in [-1, 1]}.
    """
    source_val, target = outputs["source_val"], outputs["target_train"]
    num_classes = target.logits.shape[1]
    source_labels = np.concatenate([task.source_train.y, task.source_val.y])
    predicted = class_shares(target.logits.argmax(axis=1), num_classes)
    confidence = {name: float(softmax(split.logits).max(axis=1).mean())
                  for name, split in (("source", source_val), ("target", target))}
    return {"class_shift": total_variation(class_shares(source_labels, num_classes), predicted),
            "confidence_drop": confidence["source"] - confidence["target"]}


@dataclass(frozen=True)
class LabelShiftGuard:
    """Keep source_only when its evidence (module docstring) reads as a label shift.

    The guard fires when source_only's `class_shift` is at least `min_class_shift` and its
    `confidence_drop` at most `max_confidence_drop`.

    Args:
        min_class_shift: Total variation between the source's class shares and source_only's
            predicted target shares from which the shift counts as a label shift. 0.5: half
            the target would sit in other classes than the source's proportions put it.
        max_confidence_drop: Largest fall of source_only's mean top-class probability from
            the source validation split to the target that still reads as the same p(x | y).

    How the defaults were set and judged: docs/benchmarks.md, "auto's label-shift guard".
    """

    min_class_shift: float = 0.5
    max_confidence_drop: float = 0.05

    def __post_init__(self):
        check_float(self.min_class_shift, "min_class_shift", minimum=0.0, maximum=1.0,
                    owner="LabelShiftGuard")
        check_float(self.max_confidence_drop, "max_confidence_drop", minimum=-1.0, maximum=1.0,
                    owner="LabelShiftGuard")

    def fires(self, evidence: Mapping[str, float]) -> bool:
        """Whether `evidence` (a record with `FIELDS`) reads as a label shift."""
        try:
            shift, drop = (float(evidence[f]) for f in FIELDS)
        except (KeyError, TypeError, ValueError):
            shift = drop = math.nan
        if not (math.isfinite(shift) and math.isfinite(drop)):
            received = ({f: evidence.get(f) for f in FIELDS}
                        if isinstance(evidence, Mapping) else evidence)
            raise ValueError(f"LabelShiftGuard: the evidence must hold finite {', '.join(FIELDS)} "
                             f"(`label_shift_evidence`). Received: {received!r}")
        return shift >= self.min_class_shift and drop <= self.max_confidence_drop

    def describe(self) -> str:
        return (f"source_only's predicted target class shares differ from the source's by a "
                f"total variation of at least {self.min_class_shift:g} while its mean confidence "
                f"falls by at most {self.max_confidence_drop:g}")
