"""What the report says about the runs: the metric, negative transfer, the honest best method.

The metric is the target accuracy when the target has labels (reporting only, as in every
table of the project); without target labels (a prediction-only task) it is an honest
validator's score: DEV (You et al. 2019) when the runs stored it (auto's candidates do),
else the source validation accuracy.

Negative transfer (Pan & Yang 2010; Wang et al., "Characterizing and Avoiding Negative
Transfer", CVPR 2019): a method whose mean metric over seeds falls below source_only's on
the same task is flagged, with the difference. Methods trained on all target labels (ORACLE)
are not compared.

The "after adaptation" model of the report's embedding is chosen WITHOUT target labels:
auto's pick when auto ran and picked an adaptation method, else the adaptation method with
the best mean rank on auto's ranking validators (`auto.DEFAULT_RULE.rank_by`) when the runs
stored them, else the best mean source validation accuracy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np
import pandas as pd

from tftransfer.auto import BASELINE, DEFAULT_RULE


@dataclass(frozen=True)
class Metric:
    """The column a table compares, its name, and whether it reads target labels."""

    column: str
    name: str
    reads_target_labels: bool
    percent: bool


TARGET_ACCURACY = Metric("target_accuracy", "target accuracy (%)", True, True)


def _finite(series) -> bool:
    values = pd.to_numeric(series, errors="coerce")
    return bool(np.isfinite(values).any())


def metric_of(frame: pd.DataFrame) -> Metric:
    """Target accuracy when the target has labels, else the best honest score stored."""
    if "target_accuracy" in frame and _finite(frame["target_accuracy"]):
        return TARGET_ACCURACY
    if "score_dev" in frame and _finite(frame["score_dev"]):
        return Metric("score_dev", "DEV score (honest validator, higher is better; no target "
                      "labels)", False, False)
    return Metric("source_val_accuracy", "source validation accuracy (%) (honest; no target "
                  "labels)", False, True)


def row_label(method: str, target_labels: str, per_class) -> str:
    """A method's name in tables, saying which target labels it used (`results` labels)."""
    from tftransfer.results import method_label

    missing = per_class is None or (isinstance(per_class, float) and math.isnan(per_class))
    per_class = 0 if missing else int(per_class)
    return method_label(method, str(target_labels), per_class)


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a `label` column (the method's table name)."""
    return frame.assign(label=[row_label(m, t, k) for m, t, k in zip(
        frame["method"], frame["target_labels"], frame["target_labels_per_class"])])


def mean_std(frame: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    """Mean and std over seeds of `metric` per (label, task), with the number of seeds."""
    frame = labelled(frame)
    values = pd.to_numeric(frame[metric.column], errors="coerce") * (100 if metric.percent else 1)
    grouped = frame.assign(v=values).groupby(["label", "task"], sort=False)["v"]
    out = pd.DataFrame({"mean": grouped.mean(), "std": grouped.std(ddof=0),
                        "seeds": grouped.count()})
    oracle = frame.groupby(["label", "task"], sort=False)["target_labels"].first() == "all"
    return out.assign(oracle=oracle).reset_index()


def negative_transfer(frame: pd.DataFrame, metric: Optional[Metric] = None) -> pd.DataFrame:
    """One row per (task, method) compared with source_only: means, difference, flag.

    Returns:
        Columns method, task, metric, value, baseline, difference (method − baseline, in
        the metric's unit), seeds (of the method), negative (difference < 0). Empty when
        no task has a source_only run.
    """
    metric = metric or metric_of(frame)
    table = mean_std(frame, metric)
    rows = []
    for task, group in table.groupby("task", sort=False):
        base = group[group["label"] == BASELINE]
        if base.empty or not math.isfinite(base["mean"].iloc[0]):
            continue
        base_value = float(base["mean"].iloc[0])
        for _, row in group.iterrows():
            if row["label"] == BASELINE or row["oracle"] or not math.isfinite(row["mean"]):
                continue
            difference = float(row["mean"]) - base_value
            rows.append({"method": row["label"], "task": task, "metric": metric.name,
                         "value": float(row["mean"]), "baseline": base_value,
                         "difference": difference, "seeds": int(row["seeds"]),
                         "negative": difference < 0})
    return pd.DataFrame(rows, columns=["method", "task", "metric", "value", "baseline",
                                       "difference", "seeds", "negative"])


def _adaptation_rows(frame: pd.DataFrame, task: str) -> pd.DataFrame:
    rows = frame[(frame["task"] == task) & ~frame["method"].isin([BASELINE, "auto"])]
    return rows[rows["target_labels"].astype(str) == "none"]


def best_method(frame: pd.DataFrame, task: str) -> Tuple[Optional[str], str]:
    """The adaptation method shown "after adaptation" for `task`, chosen without target
    labels, and how it was chosen (None when the task has no adaptation method)."""
    auto_rows = frame[(frame["task"] == task) & (frame["method"] == "auto")]
    note = ""
    if len(auto_rows) and "auto_pick" in auto_rows:
        pick = str(auto_rows.sort_values("seed")["auto_pick"].iloc[0])
        if pick != BASELINE:
            return pick, "auto's pick (honest validators; seed " \
                         f"{int(auto_rows['seed'].min())})"
        note = f" (auto kept {BASELINE})"
    rows = _adaptation_rows(frame, task)
    if rows.empty:
        return None, "no adaptation method ran"
    ranked = [f"score_{v}" for v in DEFAULT_RULE.rank_by]
    if all(c in rows and _finite(rows[c]) for c in ranked):
        means = rows.groupby("method", sort=False)[ranked].mean()
        order = means.rank(ascending=False).mean(axis=1).sort_values(kind="stable")
        return str(order.index[0]), (f"best mean rank on {', '.join(DEFAULT_RULE.rank_by)} "
                                     f"(honest validators){note}")
    means = rows.groupby("method", sort=False)["source_val_accuracy"].mean().sort_values(
        ascending=False, kind="stable")
    return str(means.index[0]), f"best source validation accuracy (honest){note}"


def honest_scores_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean ± std per method of the source validation accuracy and every stored validator
    score (for tables of tasks without target labels)."""
    # score_source_val is the source validation accuracy again: shown once, in %.
    columns = ["source_val_accuracy"] + sorted(c for c in frame if c.startswith("score_")
                                               and c != "score_source_val")
    frame = labelled(frame)
    out = {}
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        if column == "source_val_accuracy":
            values = 100 * values
        grouped = frame.assign(v=values).groupby(["label", "task"], sort=False)["v"]
        means, stds = grouped.mean(), grouped.std(ddof=0)
        digits = 1 if column == "source_val_accuracy" else 3
        name = "source val acc (%)" if column == "source_val_accuracy" else column[len("score_"):]
        out[name] = [("" if not math.isfinite(m) else f"{m:.{digits}f} ± {s:.{digits}f}")
                     for m, s in zip(means, stds)]
        index = means.index
    table = pd.DataFrame(out, index=index)
    return table.rename_axis(["method", "task"])


def results_table(frame: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    """Mean ± std over seeds per method × task (+ the average over tasks when > 1 task)."""
    stats = mean_std(frame, metric)
    digits = 1 if metric.percent else 3
    stats["cell"] = [f"{m:.{digits}f} ± {s:.{digits}f}" if math.isfinite(m) else ""
                     for m, s in zip(stats["mean"], stats["std"].fillna(0.0))]
    table = stats.pivot(index="label", columns="task", values="cell")
    table = table.loc[list(dict.fromkeys(stats["label"])), list(dict.fromkeys(stats["task"]))]
    if table.shape[1] > 1:
        table["average"] = [f"{v:.{digits}f}" for v in
                            stats.groupby("label", sort=False)["mean"].mean().loc[table.index]]
    return table.rename_axis("method").fillna("")


def oracle_labels(frame: pd.DataFrame) -> List[str]:
    stats = labelled(frame)
    return sorted(set(stats.loc[stats["target_labels"].astype(str) == "all", "label"]))
