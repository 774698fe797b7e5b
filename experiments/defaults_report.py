"""Every unsupervised method with its defaults against source_only, on every benchmark.

    python -m experiments.defaults_report [--benchmarks all] [--methods all]
        [--tasks report|held_out|all]
        [--seeds 3] [--jobs 2] [--out results/defaults_report]

Each method runs with its own defaults (its `Method`: losses, model defaults, recipe; the
experiment modules set only the data-dependent parts: backbone, epochs, batch size) on each
benchmark module's tasks, for every seed. The table is the difference to source_only of the
benchmark's average target accuracy, mean ± std over seeds (the difference is taken seed by
seed), with negative cells marked; `auto` (tftransfer.auto) is a row like any method. Target
labels are read only to report accuracy: no method, default or pick sees them. The last row,
labelled ORACLE, is the best method per benchmark chosen WITH target labels — the bar auto is
compared with.

`--tasks report` (the default) runs a fixed subset of each benchmark's tasks, to keep the
report under 45 minutes on 2 cores (`REPORT_TASKS`: every task of the small benchmarks, one
direction of each domain pair of Office-Caltech, the files as stored for Reuters, three of the
six 20 Newsgroups pairs covering its four categories); `--tasks all` runs every task.
`--tasks held_out` runs only the tasks the report leaves out (the four digits tasks reversed,
a shifted source and the original digits as target; the other six Office-Caltech tasks; the
three Reuters files with source and target swapped; the other three 20 Newsgroups pairs and
its two four-category tasks; the benchmarks whose every task is in the report are skipped): tasks
no default was chosen on, where a default tuned to the report's tasks would show.
Finished runs are reused from OUT/runs/ (the experiment modules' run directories have the same
layout: pointing --out at one reuses its runs when the configurations agree).
"""

from __future__ import annotations

import argparse
import importlib
import os
import time
from pathlib import Path
from typing import List, Sequence

import numpy as np
import pandas as pd

from experiments.common import add_auto_records, parse_methods, with_auto_candidates, with_xla
from tftransfer import auto, variants
from tftransfer.config import RunConfig
from tftransfer.data.builtin import DEFAULT_DIGITS_TASKS, REVERSED_DIGITS_TASKS
from tftransfer.data.benchmarks import BENCHMARK_TASKS
from tftransfer.data.loaders import default_data_dir
from tftransfer.io import write_text_atomic
from tftransfer.results import results_frame
from tftransfer.runner import run_grid

#: Benchmark -> its experiment module (which holds BASE: backbone, epochs, batch size).
MODULES = {"digits_shift": "experiments.digits_shift",
           "office_caltech_surf": "experiments.office_caltech_surf",
           "mnist_usps": "experiments.mnist_usps", "decaf": "experiments.decaf",
           "reuters": "experiments.reuters", "newsgroups": "experiments.newsgroups",
           "msrc_voc": "experiments.msrc_voc"}

#: The tasks of `--tasks report`.
REPORT_TASKS = {
    "digits_shift": tuple(DEFAULT_DIGITS_TASKS),
    # Each of the six domain pairs once, every domain once or twice as source and as target.
    "office_caltech_surf": ("C->A", "A->W", "W->D", "D->C", "A->D", "W->C"),
    "mnist_usps": BENCHMARK_TASKS["mnist_usps"],
    "decaf": BENCHMARK_TASKS["decaf"],
    # The three files as stored.
    "reuters": ("org->people", "org->place", "people->place"),
    # Three of the six pairs, covering the four top categories.
    "newsgroups": ("comp_vs_rec:12->34", "rec_vs_sci:12->34", "sci_vs_talk:12->34"),
    "msrc_voc": BENCHMARK_TASKS["msrc_voc"],
}

#: Default methods: every unsupervised method and pipeline, the shallow classifiers with their
#: papers' heads and the raw-feature baselines (not every map × head combination), and auto.
REPORT_METHODS = [*[v for v in variants.unsupervised() if not variants.is_shallow(v)],
                  "jda", "bda", "meda", "easytl", "gfk", "nn1", "svm", "logreg", "auto"]

TASK_SETS = ("report", "held_out", "all")


def tasks_of(benchmark: str, task_set: str) -> tuple:
    """A benchmark's tasks in `task_set`: the report's subset, the tasks it leaves out
    ("held_out", possibly none), or all of them."""
    every = (DEFAULT_DIGITS_TASKS + REVERSED_DIGITS_TASKS if benchmark == "digits_shift"
             else tuple(BENCHMARK_TASKS[benchmark]))
    if task_set == "report":
        return tuple(REPORT_TASKS[benchmark])
    if task_set == "held_out":
        return tuple(t for t in every if t not in REPORT_TASKS[benchmark])
    if task_set == "all":
        return every
    raise ValueError(f"unknown task set {task_set!r}. Valid: {', '.join(TASK_SETS)}")


SELECTION = ("none — every method with its defaults, the model at the end of training; target "
             "labels only report accuracy (and pick the ORACLE row)")


def benchmark_configs(benchmark: str, tasks: Sequence[str], method_names: Sequence[str],
                      seeds: int, data_dir: Path, xla: bool = False) -> List[RunConfig]:
    """The runs of one benchmark: its module's BASE for every method, task and seed (the deep
    ones XLA-compiled with `xla`, `RunConfig.xla`)."""
    module = importlib.import_module(MODULES[benchmark])
    base = dict(module.BASE)
    base.update(experiment=benchmark, dataset=getattr(module, "DATASET", base.get("dataset")))
    if base["dataset"] != "builtin":
        base["data_options"] = {**base.get("data_options", {}), "data_dir": str(data_dir)}
    overrides = getattr(module, "VARIANT_OVERRIDES", {})
    configs = []
    for task in tasks:
        for name in with_auto_candidates(method_names):
            fields = {**base, **variants.fields(name), **overrides.get(name, {}), "task": task}
            if name in auto.CANDIDATES and "auto" in method_names:
                fields["validators"] = list(auto.VALIDATORS)
            for seed in range(seeds):
                configs.append(with_xla(RunConfig.from_dict({**fields, "seed": seed}), xla))
    return configs


def delta_table(frame: pd.DataFrame, baseline: str = "source_only") -> pd.DataFrame:
    """Per method × benchmark: the benchmark-average accuracy minus the baseline's, seed by
    seed, as (mean, std, worst task Δ) over seeds."""
    frame = frame.assign(acc=100 * frame["target_accuracy"])
    per_seed = frame.groupby(["experiment", "method", "seed"])["acc"].mean().unstack("method")
    per_task = frame.groupby(["experiment", "method", "task"])["acc"].mean().unstack("method")
    rows = []
    for method in per_seed.columns:
        for benchmark in per_seed.index.get_level_values(0).unique():
            if baseline not in per_seed.columns:
                continue
            diff = (per_seed.loc[benchmark, method] - per_seed.loc[benchmark, baseline]).dropna()
            task_diff = (per_task.loc[benchmark, method] - per_task.loc[benchmark, baseline]).dropna()
            if diff.empty:
                continue
            rows.append({"method": method, "benchmark": benchmark, "mean": diff.mean(),
                         "std": diff.std(ddof=0), "worst_task": task_diff.min(),
                         "accuracy": per_seed.loc[benchmark, method].mean()})
    return pd.DataFrame(rows)


def _cell(mean: float, std: float) -> str:
    text = f"{mean:+.1f} ± {std:.1f}"
    return f"**{text}** ✗" if mean < 0 else text


def report_markdown(frame: pd.DataFrame, benchmarks: Sequence[str], seconds: float) -> str:
    deltas = delta_table(frame)
    methods = list(dict.fromkeys(frame["method"]))
    lines = ["## Defaults report: every method with its defaults against source_only", "",
             f"Selection: {SELECTION}.", "",
             "Δ target accuracy (points) of each benchmark's average against source_only, "
             f"mean ± std over {frame['seed'].nunique()} seeds (Δ taken seed by seed); "
             "**negative** cells marked ✗. In brackets: the worst task's mean Δ.", "",
             "| method | " + " | ".join(benchmarks) + " | mean |", "|" + "---|" * (len(benchmarks) + 2)]
    for method in methods:
        if method == "source_only":
            continue
        cells, means = [], []
        for benchmark in benchmarks:
            row = deltas[(deltas["method"] == method) & (deltas["benchmark"] == benchmark)]
            if row.empty:
                cells.append("")
                continue
            r = row.iloc[0]
            cells.append(f"{_cell(r['mean'], r['std'])} ({r['worst_task']:+.1f})")
            means.append(r["mean"])
        lines.append(f"| {method} | " + " | ".join(cells) + f" | {np.mean(means):+.1f} |")
    oracle_cells = []
    for benchmark in benchmarks:
        rows = deltas[(deltas["benchmark"] == benchmark) & (deltas["method"] != "auto")]
        best = rows.sort_values("mean", ascending=False).iloc[0] if not rows.empty else None
        oracle_cells.append("" if best is None else f"{best['mean']:+.1f} ({best['method']})")
    lines.append("| best method, chosen with target labels (ORACLE) | " + " | ".join(oracle_cells)
                 + " | |")
    lines += ["", "Benchmark-average target accuracy (%), mean over seeds:", "",
              "| method | " + " | ".join(benchmarks) + " |", "|" + "---|" * (len(benchmarks) + 1)]
    accuracy = frame.assign(acc=100 * frame["target_accuracy"]).groupby(
        ["method", "experiment", "seed"])["acc"].mean().groupby(["method", "experiment"]).mean()
    for method in methods:
        cells = [f"{accuracy[(method, b)]:.1f}" if (method, b) in accuracy else "" for b in benchmarks]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    if "auto_pick" in frame:
        picks = frame[frame["method"] == "auto"].groupby(["experiment", "auto_pick"]).size()
        lines += ["", "auto's picks (task × seed counts): "
                  + "; ".join(f"{b}: " + ", ".join(f"{p} {n}" for (bb, p), n in picks.items() if bb == b)
                              for b in benchmarks if b in picks.index.get_level_values(0)),
                  "", f"auto's rule: {auto.DEFAULT_RULE.describe()}."]
    lines += ["", f"{len(frame)} runs, {seconds / 60:.1f} min wall."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", default="all",
                        help=f"comma-separated benchmarks or 'all': {', '.join(MODULES)}")
    parser.add_argument("--methods", default=None,
                        help="comma-separated methods (default: every unsupervised variant and auto)")
    parser.add_argument("--tasks", default="report", choices=TASK_SETS,
                        help="the fixed report subset of each benchmark's tasks (report), the "
                             "tasks it leaves out (held_out) or all of them")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (0..N-1)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="runs trained in parallel worker processes")
    parser.add_argument("--data-dir", default=None, help="benchmark data folder (default ../shared/data)")
    parser.add_argument("--out", default="results/defaults_report", help="output folder")
    parser.add_argument("--xla", action="store_true",
                        help="XLA-compiled deep runs (RunConfig.xla; numbers differ from the "
                             "default's in the last bits)")
    args = parser.parse_args(argv)
    benchmarks = list(MODULES) if args.benchmarks == "all" else [
        b.strip() for b in args.benchmarks.split(",") if b.strip()]
    unknown = [b for b in benchmarks if b not in MODULES]
    if unknown or not benchmarks:
        raise SystemExit(f"error: unknown benchmark {unknown or args.benchmarks!r}; valid: "
                         f"{', '.join(MODULES)}")
    method_names = parse_methods(args.methods, REPORT_METHODS)
    if "source_only" not in method_names:  # every Δ is taken against it
        method_names = ["source_only", *method_names]
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if data_dir is None or not data_dir.is_dir():
        raise SystemExit("error: no data folder; pass --data-dir or set $TFTRANSFER_DATA_DIR")
    benchmarks = [b for b in benchmarks if tasks_of(b, args.tasks)]
    if not benchmarks:
        raise SystemExit(f"error: no {args.tasks} task in the benchmarks {args.benchmarks!r}")
    configs = []
    for benchmark in benchmarks:
        tasks = tasks_of(benchmark, args.tasks)
        try:
            configs += benchmark_configs(benchmark, tasks, method_names, args.seeds,
                                         data_dir.resolve(), xla=args.xla)
        except (TypeError, ValueError) as error:
            raise SystemExit(f"error: {error}") from None
    start = time.perf_counter()
    records = add_auto_records(run_grid(configs, args.out, jobs=args.jobs), args.out)
    frame = results_frame(records)
    frame = frame[frame["method"].isin(method_names) | (frame["method"] == "source_only")]
    write_text_atomic(Path(args.out) / "results.csv", frame.to_csv(index=False))
    text = report_markdown(frame, benchmarks, time.perf_counter() - start)
    failures = [r for r in records if r.get("status") == "failed"]
    if failures:
        text += f"\nFailed runs ({len(failures)}):\n" + "".join(
            f"- {r['experiment']} {r['task']} {r['method']} seed={r['seed']}: {r['error']}\n"
            for r in failures)
    write_text_atomic(Path(args.out) / "summary.md", text)
    print()
    print(text)
    return text


if __name__ == "__main__":
    main()
