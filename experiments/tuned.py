"""`--tune` for every experiment module: a KerasTuner search per task × method, then the seeds.

    python -m experiments.NAME --tune --objective dev --max-trials 20 [--tuner random|bayes|hyperband]
        [--space lambda_=0.01:10:log --space learning_rate=0.001]

For each task × method the search runs on seed 0 over the method's default space
(`tftransfer.tuning.default_space`, overridden by `--space NAME=SPEC`), maximising the
validator `--objective` (`tftransfer.selection.names()`; only `target_oracle` reads target
labels, and tables then say ORACLE). Every trial of every search goes to `OUT/trials.csv`
(hyperparameters, every validator's score, the target accuracy for reporting, the failure
reason of failed trials); the selected configuration is then trained for every seed by the
ordinary runner, so `results.csv` and `summary.md` hold the selected configuration's results.
Searches live in `OUT/tuning/` and resume: a relaunch runs no finished trial again.

Distributed (KerasTuner's chief/worker mode, `tftransfer.roles.tuning_role()`; launch
with `python -m tftransfer.tuning.cluster --workers N -- python -m experiments.NAME --tune
...`): every process runs the same command. The searches run one after the other, search k
on oracle port `KERASTUNER_ORACLE_PORT + k`; the chief serves each oracle and trains
nothing, the workers train the trials. After the searches the workers exit, writing nothing
but their tuner states; the chief alone writes `trials.csv`, trains the selected
configurations over the seeds and writes `results.csv` / `summary.md`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import List, Tuple

import pandas as pd

from tftransfer import selection, tuning
from tftransfer.tuning import roles
from tftransfer.config import RunConfig
from tftransfer.io import write_text_atomic
from tftransfer.runner import writes_files


def add_tuning_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("hyperparameter search (KerasTuner)")
    group.add_argument("--tune", action="store_true",
                       help="search each task × method's hyperparameters before the seeds")
    group.add_argument("--objective", default="source_val",
                       help=f"validator to maximise: {', '.join(selection.names())} "
                            "(target_oracle reads target labels: ORACLE)")
    group.add_argument("--max-trials", type=int, default=10, help="trials per search")
    group.add_argument("--tuner", default="random", choices=tuning.TUNERS, help="search algorithm")
    group.add_argument("--space", action="append", default=[], metavar="NAME=SPEC",
                       help="override a search dimension: LOW:HIGH[:log], A|B|C or a fixed value")


def tune_grid(args, configs: List[RunConfig], out) -> Tuple[List[RunConfig], str]:
    """Replaces each task × method's configs by the selected one; returns (configs, selection).

    On a distributed-tuning worker the searches run (the worker trains trials) and `configs`
    come back unchanged: the caller must stop there, the chief runs the seeds.

    Raises:
        SystemExit: an unknown objective, a bad `--space`, a tuner the method cannot use
            or bad KERASTUNER_* variables (the valid values are listed).
    """
    try:
        selection.get(args.objective)
        space = tuning.parse_space(args.space)
        role = roles.tuning_role()
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    tuned, frames = [], []
    groups = {}
    for config in configs:
        groups.setdefault((config.task, config.label), []).append(config)
    try:  # before any search: not an error after the first hour of trials
        for group in groups.values():
            tuning.check_tuner(group[0], args.tuner)
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    for index, ((task, label), group) in enumerate(groups.items()):
        base = group[0].replace(seed=0)
        try:
            with tuning.oracle_port(index):  # one oracle port per search (see oracle_port)
                result = tuning.tune(base, objective=args.objective, max_trials=args.max_trials,
                                     tuner=args.tuner, space=space,
                                     directory=Path(out) / "tuning", strategy=base.strategy)
        except ValueError as error:  # e.g. a --space name the method does not take
            raise SystemExit(f"error: {task} {label}: {error}") from None
        if role == "worker":
            print(f"{task} {label}: trained trials {list(result.tuner.trained_trials)}")
            continue
        frames.append(result.trials.assign(task=task, method=label))
        if result.best_config is None:  # every trial failed: the runs of the defaults go on
            print(f"{task} {label}: every trial failed; running the default configuration")
            tuned.extend(group)
            continue
        print(f"{task} {label}: selected {result.best_config.method_options} "
              f"recipe={dict(result.best_config.recipe)} ({args.objective}="
              f"{result.best_scores[args.objective]:.4f})")
        tuned.extend(result.best_config.replace(seed=c.seed) for c in group)
    if role == "worker":
        return configs, ""
    if configs and writes_files(configs[0]):
        trials = pd.concat(frames, ignore_index=True)
        first = ["task", "method", "trial_id", "status"]
        trials = trials[first + [c for c in trials.columns if c not in first]]
        write_text_atomic(Path(out) / "trials.csv", trials.to_csv(index=False))
    kind = "ORACLE (reads target labels)" if selection.is_oracle(args.objective) else "honest"
    text = (f"hyperparameters selected per task × method by `{args.objective}` ({kind}) over "
            f"{args.max_trials} {args.tuner} trials on seed 0 (trials in trials.csv), then "
            "trained for each seed; the model at the end of training is reported")
    return tuned, text
