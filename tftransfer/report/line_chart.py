"""Line charts: a metric's mean ± std per method against an ordered x (e.g. labels per class).

Like `figures`, the function returns the PNG as bytes, for a report to embed or a caller to
save (atomically).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from tftransfer.report.figures import _png, plt


def line_chart(panels: Mapping[str, pd.DataFrame], x_order: Sequence[str], xlabel: str,
               ylabel: str, dashed: Sequence[str] = ()) -> bytes:
    """Mean with ± std error bars per label against x, one panel per entry of `panels`.

    Args:
        panels: Panel title -> stats with columns label, task (the x value), mean and std
            (`tftransfer.report.analysis.mean_std`), one line per label in order of first
            appearance; a label's missing x values are left out of its line.
        x_order: The x values (of the `task` column), in axis order, evenly spaced.
        xlabel: The x axis's name.
        ylabel: The metric's name.
        dashed: Labels drawn dashed (baselines).

    Example:
        >>> png = line_chart({"setting a": analysis.mean_std(frame, TARGET_ACCURACY)},
        ...                  ["k=1", "k=5"], "labels per class", "accuracy (%)")
    """
    figure, axes = plt.subplots(1, max(1, len(panels)), figsize=(6 * max(1, len(panels)), 4.5),
                                squeeze=False)
    for axis, (title, stats) in zip(axes[0], panels.items()):
        for label in dict.fromkeys(stats["label"]):
            line = stats[stats["label"] == label].set_index("task").reindex(list(x_order))
            shown = line["mean"].notna().to_numpy()
            axis.errorbar(np.flatnonzero(shown), line["mean"][shown], yerr=line["std"][shown],
                          marker="o", capsize=3, label=label,
                          linestyle="--" if label in dashed else "-")
        axis.set_xticks(range(len(x_order)), [str(x) for x in x_order])
        axis.set_xlabel(xlabel)
        axis.set_ylabel(ylabel)
        axis.set_title(title)
        axis.grid(alpha=0.3)
        if len(stats):
            axis.legend(fontsize=8)
    figure.tight_layout()
    return _png(figure)
