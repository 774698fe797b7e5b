"""The report's figures (matplotlib, Agg): bars with error bars, learning curves, embeddings.

Each function returns a PNG as bytes, so the report can embed it (base64) and save it.
"""

from __future__ import annotations

import io
from typing import Dict, List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")  # files only: no display, works on servers and in tests
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

DOMAIN_COLOURS = {"source": "#1f77b4", "target": "#ff7f0e"}


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def bar_chart(stats: pd.DataFrame, ylabel: str, title: str) -> bytes:
    """Mean with ± std error bars per method, one group of bars per task.

    Args:
        stats: Columns label, task, mean, std, oracle (`analysis.mean_std`).
        ylabel: The metric's name.
        title: The figure's title.
    """
    labels = list(dict.fromkeys(stats["label"]))
    tasks = list(dict.fromkeys(stats["task"]))
    width = 0.8 / len(tasks)
    width_inches = max(6.0, 0.7 * len(labels) * max(1, len(tasks)) ** 0.5 + 2)
    figure, axis = plt.subplots(figsize=(width_inches, 4.2))
    x = np.arange(len(labels))
    for j, task in enumerate(tasks):
        part = stats[stats["task"] == task].set_index("label").reindex(labels)
        bars = axis.bar(x + (j - (len(tasks) - 1) / 2) * width, part["mean"], width,
                        yerr=part["std"].fillna(0.0), capsize=3, label=task,
                        color=f"C{j % 10}", edgecolor="black", linewidth=0.5)
        for bar, oracle in zip(bars, part["oracle"].fillna(False)):
            if oracle:
                bar.set_hatch("//")
    axis.set_xticks(x)
    axis.set_xticklabels([label.replace(" (", "\n(") for label in labels], rotation=45,
                         ha="right", fontsize=8)
    axis.set_ylabel(ylabel)
    hatched = "  (hatched: ORACLE)" if stats["oracle"].any() else ""
    axis.set_title(title + hatched, fontsize=10)
    if len(tasks) > 1:
        axis.legend(fontsize=8, ncol=min(len(tasks), 4))
    axis.grid(axis="y", alpha=0.3)
    return _png(figure)


#: (history column, panel title) of the learning-curve panels, in order.
CURVES = (("loss", "training loss (total)"), ("task_loss", "source classification loss"),
          ("adaptation_loss", "adaptation loss"), ("val_accuracy", "source validation accuracy"),
          ("lambda", "λ (schedule)"))


def learning_curves(histories: Dict[str, List[pd.DataFrame]], title: str) -> Optional[bytes]:
    """Per method, each history column of `CURVES` against the epoch (mean over seeds).

    Args:
        histories: method label -> the `history.csv` frames of its seeds.
        title: The figure's title.

    Returns:
        The PNG, or None when no history has any of the columns.
    """
    panels = [(c, t) for c, t in CURVES if any(c in h for hs in histories.values() for h in hs)]
    if not panels:
        return None
    columns = min(3, len(panels))
    rows = (len(panels) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 3.2 * rows), squeeze=False)
    for axis, (column, name) in zip(axes.ravel(), panels):
        for i, (method, frames) in enumerate(histories.items()):
            frames = [h for h in frames if column in h]
            if not frames:
                continue
            curve = pd.concat([h.set_index("epoch")[column] for h in frames], axis=1).mean(axis=1)
            axis.plot(curve.index, curve.values, label=method, color=f"C{i % 10}",
                      marker="." if len(curve) < 30 else None)
        axis.set_title(name, fontsize=9)
        axis.set_xlabel("epoch", fontsize=8)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.grid(alpha=0.3)
    for axis in axes.ravel()[len(panels):]:
        axis.axis("off")
    handles, names = axes.ravel()[0].get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", ncol=min(len(names), 5), fontsize=8,
                  bbox_to_anchor=(0.5, -0.02 - 0.03 * ((len(names) - 1) // 5)))
    figure.suptitle(title, fontsize=10)
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    return _png(figure)


def project_2d(features_s: np.ndarray, features_t: np.ndarray, how: str, seed: int = 0):
    """2-D coordinates of the pooled source and target rows, by "pca" or "tsne"."""
    from threadpoolctl import threadpool_limits

    pooled = np.concatenate([features_s, features_t]).astype(np.float64)
    pooled = pooled.reshape(len(pooled), -1)
    if how == "pca":
        from sklearn.decomposition import PCA

        if pooled.shape[1] < 2:
            coords = np.column_stack([pooled[:, 0], np.zeros(len(pooled))])
        else:
            coords = PCA(2, random_state=seed).fit_transform(pooled)
    elif how == "tsne":
        from sklearn.manifold import TSNE

        perplexity = float(max(2.0, min(30.0, (len(pooled) - 1) / 3.0)))
        # One OpenMP thread: Barnes-Hut's threads spin against any other busy core (10x
        # slower on a shared 2-core machine); 500 iterations settle a 1,000-point map.
        # PCA initialisation needs two input dimensions; one feature starts at random.
        init = "pca" if pooled.shape[1] >= 2 else "random"
        with threadpool_limits(1):
            coords = TSNE(2, perplexity=perplexity, init=init, max_iter=500,
                          random_state=seed).fit_transform(pooled)
    else:
        raise ValueError(f"Unknown projection {how!r}. Valid: pca, tsne")
    return coords[:len(features_s)], coords[len(features_s):]


def embedding(panels: Sequence[dict], projections: Sequence[str], colour_by: str,
              class_names: Sequence[str], title: str) -> bytes:
    """Source and target rows in 2-D: a column per model, a row per projection.

    Args:
        panels: One dict per column: "title", "coords" ({projection: (source 2-D, target
            2-D)}, from `project_2d`), "source_y", "target_y" (classes to colour by; None
            for unknown).
        projections: "pca" and/or "tsne", one row each.
        colour_by: "domain" (source blue, target orange) or "class" (a colour per class;
            source dots, target crosses).
        class_names: Names of the classes (legend).
        title: The figure's title.
    """
    rows, columns = len(projections), len(panels)
    figure, axes = plt.subplots(rows, columns, figsize=(4.4 * columns, 4.0 * rows), squeeze=False)
    cmap = plt.get_cmap("tab10" if len(class_names) <= 10 else "tab20")
    for j, panel in enumerate(panels):
        for i, how in enumerate(projections):
            axis = axes[i, j]
            source, target = panel["coords"][how]
            if colour_by == "domain":
                axis.scatter(*source.T, s=8, alpha=0.6, c=DOMAIN_COLOURS["source"], label="source")
                axis.scatter(*target.T, s=8, alpha=0.6, c=DOMAIN_COLOURS["target"], label="target")
            else:
                for side, coords, marker in (("source", source, "o"), ("target", target, "x")):
                    y = panel.get(f"{side}_y")
                    if y is None:
                        axis.scatter(*coords.T, s=8, alpha=0.5, c="grey", marker=marker)
                        continue
                    axis.scatter(*coords.T, s=10, alpha=0.7, marker=marker,
                                 c=[cmap(int(k) % cmap.N) for k in y])
            axis.set_title(f"{panel['title']} — {how.upper()}", fontsize=9)
            axis.set_xticks([])
            axis.set_yticks([])
    if colour_by == "domain":
        axes[0, 0].legend(fontsize=8, markerscale=2)
    else:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], ls="", marker="s", color=cmap(k % cmap.N), label=str(name))
                   for k, name in enumerate(class_names[:20])]
        handles += [Line2D([], [], ls="", marker="o", color="black", label="source"),
                    Line2D([], [], ls="", marker="x", color="black", label="target")]
        figure.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return _png(figure)
