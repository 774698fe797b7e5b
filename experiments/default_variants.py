"""How a method's default was chosen: its option variants on every benchmark, leave one out.

    python -m experiments.default_variants --method dann \\
        --variants '[{"lambda_": 1.0}, {"lambda_": 0.3}, {"lambda_": 0.1}]' [--seeds 1]
        [--benchmarks all] [--task-set report|held_out|all] [--tasks TASK,...] [--jobs 2]
        [--out results/default_variants]

Each variant is the method's defaults with some options replaced (a `"recipe"` key inside a
variant replaces recipe fields, e.g. `{"recipe": {"learning_rate": 0.004}}`, and a
`"transform_options"` key a pipeline's transform options, e.g. `--method coral --variants
'[{}, {"transform_options": {"standardize": "domain"}}]'`); every variant
and source_only run on the defaults report's tasks (`experiments.defaults_report.REPORT_TASKS`,
the same data-dependent settings; `--task-set held_out` runs the tasks the report leaves out
instead, to judge a choice made on the report's tasks on tasks it never saw). The table is
each benchmark's average Δ against source_only (points, mean ± std over seeds, the Δ taken
seed by seed). Then, leave one benchmark out: for each benchmark the variant with
the best mean Δ on the OTHER benchmarks is chosen and its Δ on the held-out one reported; the
default is the variant chosen on all benchmarks. Target labels only score the runs.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Dict, Sequence

import pandas as pd

from experiments.defaults_report import REPORT_TASKS, TASK_SETS, benchmark_configs, tasks_of
from tftransfer.data.loaders import default_data_dir
from tftransfer.io import write_text_atomic
from tftransfer.results import markdown_table
from tftransfer.runner import resolve, run_grid


def variant_configs(method: str, variants: Sequence[Dict], benchmarks: Sequence[str],
                    tasks: Dict[str, Sequence[str]], seeds: int, data_dir: Path):
    """(config, variant label) pairs: source_only ("source_only") and each variant ("v0", ...)."""
    pairs = []
    for benchmark in benchmarks:
        for config in benchmark_configs(benchmark, tasks[benchmark], ["source_only"], seeds, data_dir):
            pairs.append((config.replace(validators=()), "source_only"))
        for config in benchmark_configs(benchmark, tasks[benchmark], [method], seeds, data_dir):
            for i, variant in enumerate(variants):
                options = {k: v for k, v in variant.items()
                           if k not in ("recipe", "transform_options")}
                changed = config.replace(
                    method_options={**dict(config.method_options), **options},
                    recipe={**dict(config.recipe), **variant.get("recipe", {})},
                    transform_options={**dict(config.transform_options or {}),
                                       **variant.get("transform_options", {})},
                    validators=())
                resolve(changed)  # an unknown option fails here, before any run
                pairs.append((changed, f"v{i}"))
    return pairs


def delta_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Benchmark × variant: the benchmark-average accuracy minus source_only's (points)."""
    means = 100 * frame.groupby(["experiment", "variant"])["target_accuracy"].mean().unstack("variant")
    return means.drop(columns="source_only").sub(means["source_only"], axis=0)


def delta_spread(frame: pd.DataFrame) -> pd.DataFrame:
    """Benchmark × variant: the std over seeds (ddof 0, as the defaults report) of the
    benchmark-average Δ, the Δ taken seed by seed."""
    per_seed = 100 * frame.groupby(["experiment", "seed", "variant"])["target_accuracy"].mean().unstack("variant")
    deltas = per_seed.drop(columns="source_only").sub(per_seed["source_only"], axis=0)
    return deltas.groupby(level="experiment").std(ddof=0)


def with_spread(deltas: pd.DataFrame, spread: pd.DataFrame) -> pd.DataFrame:
    """The cells "mean ± std" (points, one decimal)."""
    spread = spread.reindex(index=deltas.index, columns=deltas.columns)
    return deltas.round(1).astype(str).combine(
        spread.round(1).astype(str), lambda mean, std: mean + " ± " + std)


def leave_one_out(deltas: pd.DataFrame) -> pd.DataFrame:
    """Per held-out benchmark: the variant best on the others, and its Δ there."""
    rows = []
    for held_out in deltas.index:
        chosen = deltas.drop(index=held_out).mean().idxmax()
        rows.append({"held out": held_out, "chosen on the others": chosen,
                     "Δ held out": deltas.loc[held_out, chosen]})
    return pd.DataFrame(rows)


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", required=True, help="a registered method, e.g. dann")
    parser.add_argument("--variants", required=True,
                        help="a JSON list of option dicts (a 'recipe' key for recipe fields)")
    parser.add_argument("--benchmarks", default="all", help=f"all or some of {', '.join(REPORT_TASKS)}")
    parser.add_argument("--task-set", default="report", choices=TASK_SETS,
                        help="the defaults report's tasks, the tasks it leaves out, or all")
    parser.add_argument("--tasks", default=None, help="restrict to these tasks (comma-separated)")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--out", default="results/default_variants")
    args = parser.parse_args(argv)
    try:
        variants = json.loads(args.variants)
    except json.JSONDecodeError as error:
        parser.error(f"--variants must be a JSON list of objects: {error}")
    if not isinstance(variants, list) or not variants or not all(isinstance(v, dict) for v in variants):
        parser.error("--variants must be a non-empty JSON list of objects, e.g. '[{\"lambda_\": 0.3}]'")
    for variant in variants:
        for key in ("recipe", "transform_options"):
            if not isinstance(variant.get(key, {}), dict):
                parser.error(f"--variants: {key!r} must be a JSON object. "
                             f"Received: {variant[key]!r}")
    benchmarks = list(REPORT_TASKS) if args.benchmarks == "all" else args.benchmarks.split(",")
    unknown = sorted(set(benchmarks) - set(REPORT_TASKS))
    if unknown:
        parser.error(f"unknown benchmarks {unknown}. Valid: {', '.join(REPORT_TASKS)}")
    if args.seeds < 1:
        parser.error(f"--seeds must be >= 1. Received: {args.seeds}")
    tasks = {b: list(tasks_of(b, args.task_set)) for b in benchmarks}
    if args.tasks:
        wanted = args.tasks.split(",")
        tasks = {b: [t for t in tasks[b] if t in wanted] for b in benchmarks}
    benchmarks = [b for b in benchmarks if tasks[b]]
    tasks = {b: tasks[b] for b in benchmarks}
    if not benchmarks:
        parser.error(f"no task of {args.tasks or args.task_set!r} in the chosen benchmarks")
    try:
        pairs = variant_configs(args.method, variants, benchmarks, tasks, args.seeds,
                                default_data_dir())
    except (TypeError, ValueError) as error:  # unknown method or option, bad value
        parser.error(str(error))
    records = run_grid([c for c, _ in pairs], args.out, jobs=args.jobs)
    frame = pd.DataFrame(records).assign(variant=[label for _, label in pairs])
    failed = frame[frame["status"] != "done"]
    if len(failed):
        print(f"{len(failed)} runs failed; the table leaves them out")
    done = frame[frame["status"] == "done"]
    deltas = delta_table(done)
    shown = with_spread(deltas, delta_spread(done)) if args.seeds > 1 else deltas.round(1)
    labels = {f"v{i}": json.dumps(v, sort_keys=True) for i, v in enumerate(variants)}
    lines = [f"## {args.method}: option variants against source_only", "",
             f"Δ target accuracy (points) of each benchmark's average, mean"
             f"{' ± std (Δ taken seed by seed)' if args.seeds > 1 else ''} over {args.seeds} "
             "seed(s). Variants: " + "; ".join(f"{k} = `{v}`" for k, v in labels.items()), "",
             markdown_table(shown), ""]
    if len(deltas) > 1:
        held_out = leave_one_out(deltas).round(1).set_index("held out")
        lines += ["Leave one benchmark out:", "", markdown_table(held_out),
                  "", f"Chosen on all benchmarks: **{deltas.mean().idxmax()}** "
                  f"= `{labels[deltas.mean().idxmax()]}`", ""]
    text = "\n".join(lines)
    write_text_atomic(Path(args.out) / "summary.md", text)
    print(text)
    return text


if __name__ == "__main__":
    main()
