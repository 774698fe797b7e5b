"""Honest vs oracle model selection: how well each validator picks hyperparameters.

    python -m experiments.selection_report [--data-dir ../shared/data] [--out DIR]
        [--datasets office_caltech_surf,mnist_usps] [--methods dann,finetune]
        [--tasks A->W,...] [--max-trials 8] [--tuner random] [--seed 0]

One KerasTuner search per dataset × task × method over the method's default space (learning
rate, freeze depth, λ, its own knobs), every trial scored by every validator of
`tftransfer.selection` and by the target test accuracy (reported only). Then, for each
validator (a selection protocol, as in DomainBed): the target accuracy of the trial it ranks
first (`selected_target_accuracy`), the best target accuracy of any trial
(`oracle_target_accuracy`), and the Spearman rank correlation between the validator and the
target accuracy over the task's completed trials. Random search draws its trials whatever
the objective, so one search serves every protocol.

Writes `DIR/selection.csv` (one row per task × method × validator) and `DIR/selection.md`
(one table per protocol, honest ones first, ORACLE last). Searches resume: a relaunch runs no
finished trial again.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Dict, List

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from experiments import mnist_usps, office_caltech_surf
from experiments.common import parse_list
from tftransfer import selection, tuning, variants
from tftransfer.config import RunConfig
from tftransfer.data.loaders import default_data_dir
from tftransfer.io import write_text_atomic

DATASETS = {
    "office_caltech_surf": (office_caltech_surf.BASE, office_caltech_surf.OFFICE_CALTECH_TASKS),
    "mnist_usps": (mnist_usps.BASE, mnist_usps.MNIST_USPS_TASKS),
}
METHODS = ("dann", "finetune", "dan", "deep_coral", "cdan", "mdd")


def selection_rows(trials: pd.DataFrame, validators: List[str]) -> List[Dict]:
    """Per validator: the selected trial's target accuracy, the best one, the rank correlation."""
    done = trials[trials["status"] == "COMPLETED"].sort_values("trial_id")
    rows = []
    for name in validators:
        if done.empty:
            continue
        picked = done.loc[done[name].idxmax()]  # ties: the first trial
        rho = spearmanr(done[name], done["target_accuracy"]).statistic if len(done) > 2 else np.nan
        rows.append({"validator": name, "oracle": selection.is_oracle(name),
                     "selected_target_accuracy": float(picked["target_accuracy"]),
                     "oracle_target_accuracy": float(done["target_accuracy"].max()),
                     "spearman": float(rho) if np.isfinite(rho) else np.nan,
                     "trials": int(len(done)), "failed_trials": int(len(trials) - len(done))})
    return rows


def report_markdown(frame: pd.DataFrame, command: str) -> str:
    """One table per protocol (honest first, ORACLE last) and a summary of the gaps."""
    order = [v for v in selection.names() if v in set(frame["validator"])]
    order = [v for v in order if not selection.is_oracle(v)] + [v for v in order if selection.is_oracle(v)]
    lines = ["# Model selection: honest validators vs oracle", "",
             f"Command: `{command}`", "",
             "Cells: target accuracy (%) of the trial each validator selects, over one random "
             "search per task and method; the validator never reads target labels, except "
             "`target_oracle`.", "",
             "## Summary (means over tasks)", "",
             "| validator | method | selected | oracle | gap | Spearman |", "|---|---|---|---|---|---|"]
    for name in order:
        for method, part in frame[frame["validator"] == name].groupby("method", sort=False):
            selected = 100 * part["selected_target_accuracy"].mean()
            best = 100 * part["oracle_target_accuracy"].mean()
            label = f"{name} (ORACLE)" if selection.is_oracle(name) else name
            lines.append(f"| {label} | {method} | {selected:.1f} | {best:.1f} | {selected - best:+.1f} "
                         f"| {part['spearman'].mean():.2f} |")
    for name in order:
        part = frame[frame["validator"] == name]
        title = (f"## ORACLE selection: {name} (reads target labels)" if selection.is_oracle(name)
                 else f"## Honest selection: {name}")
        table = part.pivot_table(index="method", columns="task", values="selected_target_accuracy",
                                 aggfunc="first", sort=False) * 100
        table["average"] = table.mean(axis=1)
        lines += ["", title, "", "| method | " + " | ".join(table.columns) + " |",
                  "|" + "---|" * (len(table.columns) + 1)]
        for method, row in table.iterrows():
            lines.append(f"| {method} | " + " | ".join(f"{v:.1f}" for v in row) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help="benchmark files (default ../shared/data)")
    parser.add_argument("--out", default="results/selection_report", help="output folder")
    parser.add_argument("--datasets", default=None, help=f"comma-separated: {', '.join(DATASETS)}")
    parser.add_argument("--methods", default=None, help="comma-separated (default dann,finetune)")
    parser.add_argument("--tasks", default=None, help="restrict to these tasks (any dataset)")
    parser.add_argument("--max-trials", type=int, default=8, help="trials per search")
    parser.add_argument("--tuner", default="random", choices=tuning.TUNERS)
    parser.add_argument("--seed", type=int, default=0, help="seed of the runs and of the sampler")
    args = parser.parse_args(argv)
    if args.max_trials < 1 or args.seed < 0:
        parser.error(f"--max-trials must be >= 1 and --seed >= 0. Received: {args.max_trials}, "
                     f"{args.seed}")
    datasets = parse_list(args.datasets, list(DATASETS), "dataset", list(DATASETS))
    method_names = parse_list(args.methods, list(METHODS), "method", ["dann", "finetune"])
    all_tasks = [t for d in datasets for t in DATASETS[d][1]]
    wanted = parse_list(args.tasks, all_tasks, "task", all_tasks)
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if data_dir is None or not data_dir.is_dir():
        raise SystemExit(f"error: no data folder (got {args.data_dir!r}); pass --data-dir")
    validators = selection.names()
    out = Path(args.out)
    start = time.perf_counter()
    rows = []
    for dataset in datasets:
        base_fields, tasks = DATASETS[dataset]
        base = {**base_fields, "experiment": "selection_report", "dataset": dataset,
                "data_options": {"data_dir": str(data_dir.resolve())}}
        for task in [t for t in tasks if t in wanted]:
            for method in method_names:
                fields = {**base, **variants.fields(method), "task": task, "seed": args.seed}
                config = RunConfig.from_dict(fields).validate()
                result = tuning.tune(config, objective="source_val", max_trials=args.max_trials,
                                     tuner=args.tuner, validators=validators, seed=args.seed,
                                     directory=out / "tuning" / dataset)
                for row in selection_rows(result.trials, validators):
                    rows.append({"dataset": dataset, "task": task, "method": method, **row})
                print(f"{dataset} {task} {method}: {len(result.trials)} trials, best target "
                      f"{100 * result.trials['target_accuracy'].max():.1f}% "
                      f"({time.perf_counter() - start:.0f}s)", flush=True)
    frame = pd.DataFrame(rows)
    write_text_atomic(out / "selection.csv", frame.to_csv(index=False))
    command = "python -m experiments.selection_report " + " ".join(sys.argv[1:] if argv is None else argv)
    text = report_markdown(frame, command.strip())
    write_text_atomic(out / "selection.md", text)
    print(text)
    print(f"{len(frame)} rows in {time.perf_counter() - start:.0f}s; {out}/selection.csv, {out}/selection.md")
    return text


if __name__ == "__main__":
    main()
