"""Results tables: one row per run -> mean ± std per method × task, with an average column."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

import pandas as pd

from tftransfer.io import write_text_atomic

RESULT_COLUMNS = ["experiment", "task", "method", "seed", "target_accuracy",
                  "source_val_accuracy", "train_seconds", "target_labels",
                  "target_labels_per_class", "run_id"]


def results_frame(records: Iterable[dict]) -> pd.DataFrame:
    """Completed runs as a DataFrame with RESULT_COLUMNS first."""
    rows = [r for r in records if r.get("status", "done") == "done"]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    ordered = [c for c in RESULT_COLUMNS if c in frame] + [
        c for c in frame if c not in RESULT_COLUMNS and c not in ("status", "cached")]
    return frame[ordered]


def method_label(method: str, target_labels: str, per_class: int) -> str:
    """A method's name in tables, saying which target labels it used."""
    if target_labels == "all":
        return f"{method} (ORACLE: all target labels)"
    if target_labels == "few" or per_class:
        return f"{method} ({per_class} target labels/class)"
    return method


def summary_table(frame: pd.DataFrame, metric: str = "target_accuracy") -> pd.DataFrame:
    """Mean ± std (in %) over seeds per method × task, plus the average over tasks.

    The average column is the mean over seeds of each seed's average over tasks, so its std
    is a spread over seeds too.
    """
    if frame.empty:
        return pd.DataFrame()
    frame = frame.assign(label=[method_label(m, t, k) for m, t, k in zip(
        frame["method"], frame["target_labels"], frame["target_labels_per_class"])])
    value = 100 * frame[metric]
    grouped = frame.assign(v=value).groupby(["label", "task"])["v"]
    means, stds = grouped.mean().unstack(), grouped.std(ddof=0).unstack()
    per_seed = frame.assign(v=value).groupby(["label", "seed"])["v"].mean().groupby("label")
    table = means.copy().astype(object)
    for label in means.index:
        for task in means.columns:
            m, s = means.loc[label, task], stds.loc[label, task]
            table.loc[label, task] = "" if pd.isna(m) else f"{m:.1f} ± {s:.1f}"
    table = table[list(dict.fromkeys(frame["task"]))]  # tasks in the order the runs came
    table["average"] = [f"{per_seed.mean()[l]:.1f} ± {per_seed.std(ddof=0)[l]:.1f}" for l in means.index]
    order = list(dict.fromkeys(frame["label"]))
    return table.loc[[l for l in order if l in table.index]].rename_axis("method")


def summary_markdown(frame: pd.DataFrame, title: str, selection: str,
                     failures: Optional[list] = None) -> str:
    """The summary as Markdown: title, the selection protocol, the table, seeds, failures."""
    lines = [f"## {title}", "", f"Selection: {selection}", ""]
    if frame.empty:
        lines.append("(no completed runs)")
    else:
        table = summary_table(frame)
        n_seeds = frame.groupby(["method", "task"])["seed"].nunique()
        lines.append(f"Target test accuracy (%), mean ± std over {n_seeds.min()}"
                     f"{'' if n_seeds.min() == n_seeds.max() else '-' + str(n_seeds.max())} "
                     f"seed{'' if n_seeds.max() == 1 else 's'}.")
        lines.append("")
        lines.append(markdown_table(table))
        seconds = frame.groupby("method")["train_seconds"].mean()
        lines += ["", "Mean training time per run (s): "
                  + ", ".join(f"{m} {s:.1f}" for m, s in seconds.items())]
    if failures:
        lines += ["", f"Failed runs ({len(failures)}):"]
        lines += [f"- {f['task']} {f['method']} seed={f['seed']}: {f['error']}" for f in failures]
    return "\n".join(lines) + "\n"


def markdown_table(table: pd.DataFrame) -> str:
    """`table` as a Markdown table, its index as the first column (no tabulate needed)."""
    header = [table.index.name or ""] + [str(c) for c in table.columns]
    rows = [[str(i)] + [str(v) for v in row] for i, row in zip(table.index, table.values)]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def write_results(records: list, out_dir, title: str, selection: str, appendix: str = "") -> str:
    """Writes OUT/results.csv and OUT/summary.md atomically; returns the summary text.

    `appendix` (Markdown, e.g. published rows) is added after the table.
    """
    out_dir = Path(out_dir)
    frame = results_frame(records)
    failures = [r for r in records if r.get("status") == "failed"]
    write_text_atomic(out_dir / "results.csv", frame.to_csv(index=False))
    text = summary_markdown(frame, title, selection, failures)
    if appendix:
        text += "\n" + appendix
    write_text_atomic(out_dir / "summary.md", text)
    return text
