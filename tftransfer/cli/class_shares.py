"""How common each class is in the source, and in source_only's predictions of the target.

Alignment methods (DANN, CDAN, DAN, JDA, MEDA, ...) match the domains' feature distributions,
which presumes each class is about as common in the target as in the source. When it is not
(label shift: a table split by a measurement the label depends on), they can fall far below
source_only (docs/benchmarks.md, "Sample-selection bias that moves the labels"). The command
line therefore prints the source's class shares beside those of source_only's target
predictions, the unadapted model's view of the target, with their total-variation distance
(`selection.label_shift`, the number auto's label-shift guard reads, there with source_only's
confidence). A difference has two readings — the target's classes are differently common, or
source_only is wrong on the target (the penguins: a size rule learnt on Adelie calls 89 % of
Gentoo male, and alignment is the fix) — which the shares alone cannot separate; the note
names both and decides nothing.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import pandas as pd

from tftransfer.selection.label_shift import LabelShiftGuard, class_shares, total_variation

#: Classes listed one by one up to this many; beyond, the largest differences only.
MAX_LISTED = 10
BASELINE = "source_only"
#: auto's default guard, whose threshold the note quotes.
GUARD = LabelShiftGuard()


def class_shares_note(class_names: Sequence[str], source_labels: np.ndarray,
                      predictions: pd.DataFrame) -> Optional[str]:
    """One paragraph comparing the classes' shares, or None without source_only's predictions.

    Args:
        class_names: The task's class names, in class-index order.
        source_labels: The labelled source's class indices (training and validation split).
        predictions: predictions.csv as read (a column of predicted class names per method).
    """
    if BASELINE not in predictions or len(predictions) == 0 or len(source_labels) == 0:
        return None
    names = [str(name) for name in class_names]
    source = class_shares(source_labels, len(names))
    counts = predictions[BASELINE].astype(str).value_counts()
    predicted = np.array([counts.get(name, 0) for name in names], float) / len(predictions)
    distance = total_variation(source, predicted)
    many = len(names) > MAX_LISTED
    shown = (sorted(np.argsort(-np.abs(source - predicted), kind="stable")[:3]) if many
             else range(len(names)))
    pairs = ", ".join(f"{names[i]} {100 * source[i]:.0f} / {100 * predicted[i]:.0f}" for i in shown)
    which = "the 3 classes that differ most: " if many else ""
    return (f"Class shares (%), source / source_only's target predictions: {which}{pairs} "
            f"(total variation {distance:.2f}). A large difference means that the target's "
            "classes are not as common as the source's — then alignment methods can fall far "
            "below source_only (docs/benchmarks.md, \"Sample-selection bias that moves the "
            f"labels\"; auto keeps source_only when the difference is {GUARD.min_class_shift:g} or more "
            "and source_only is as confident on the target as on the source) — or that "
            "source_only is wrong on the target, which adaptation is for (\"A real table no "
            "default saw\"); target labels alone tell which.")
