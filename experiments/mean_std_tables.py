"""Mean ± std tables over seeds for the experiment modules that do not go through the runner
(regression, text instance transfer, anomaly detection)."""

from __future__ import annotations

import csv
import io
from typing import Dict, List, Sequence

import numpy as np

from tftransfer.io import write_text_atomic


def mean_std_markdown(records: Sequence[dict], value: str, tasks: Sequence[str],
                      methods: Sequence[str], *, digits: int = 1, scale: float = 1.0,
                      average: bool = True) -> str:
    """A markdown table, one row per method and one column per task (+ "avg"), each cell
    "mean ± std" of `value` over the seeds of the records with that task and method.

    The average column is the mean over tasks of each seed's values, then mean ± std over
    seeds (a row's average needs every task; a missing cell is "–" and leaves it empty).
    """
    cell: Dict[tuple, List[float]] = {}
    for r in records:
        if r.get(value) is not None and np.isfinite(r[value]):
            cell.setdefault((r["method"], r["task"]), []).append((r["seed"], float(r[value])))
    header = ["method", *tasks] + (["avg"] if average else [])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for method in methods:
        row, per_seed = [method], {}
        complete = True
        for task in tasks:
            values = cell.get((method, task))
            if not values:
                row.append("–")
                complete = False
                continue
            v = np.array([x for _, x in values]) * scale
            row.append(f"{v.mean():.{digits}f} ± {v.std():.{digits}f}")
            for seed, x in values:
                per_seed.setdefault(seed, []).append(x * scale)
        if average:
            seeds = [np.mean(v) for v in per_seed.values() if len(v) == len(tasks)]
            row.append(f"{np.mean(seeds):.{digits}f} ± {np.std(seeds):.{digits}f}"
                       if complete and seeds else "–")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def write_records(records: Sequence[dict], path) -> None:
    """All records as one CSV (columns: the union of the records' keys, first-seen order),
    written atomically."""
    columns: List[str] = []
    for r in records:
        columns += [k for k in r if k not in columns]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns)
    writer.writeheader()
    writer.writerows(records)
    write_text_atomic(path, text.getvalue())
