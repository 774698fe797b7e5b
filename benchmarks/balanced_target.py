"""ORACLE diagnostic: is a method's loss against source_only the label shift's doing?

    python benchmarks/balanced_target.py [--benchmark msrc_voc] [--tasks T,...]
        [--methods source_only,dann,mcc] [--seeds 3] [--data-dir ../shared/data]

Marginal alignment (DANN, CORAL, MMD) is known to hurt when the class proportions differ
between the domains (Zhao et al., "On Learning Invariant Representations for Domain
Adaptation", ICML 2019). To test whether that explains a method's rows below source_only,
each task is run twice with every method's defaults: as it is, and with its target
subsampled (once, seed 0) to the source's class proportions. The subsample reads the
**target labels** — this is a diagnosis of the data, never a selection or a method; its
numbers are labelled ORACLE. If a method's Δ against source_only turns positive on the
balanced target, the label shift is the likely cause; if it stays negative, it is not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments.common import parse_methods  # noqa: E402
from experiments.defaults_report import MODULES, benchmark_configs, tasks_of  # noqa: E402
from tftransfer.data import datasets  # noqa: E402
from tftransfer.data.domains import Domain, TransferTask  # noqa: E402
from tftransfer.data.loaders import default_data_dir  # noqa: E402
from tftransfer.results import markdown_table  # noqa: E402
from tftransfer.runner.run import train_and_evaluate  # noqa: E402


def source_proportions(task: TransferTask) -> np.ndarray:
    """Class proportions of the labelled source (train and validation splits)."""
    y = np.concatenate([task.source_train.y, task.source_val.y])
    return np.bincount(y, minlength=task.num_classes) / len(y)


def balanced_target(task: TransferTask, seed: int = 0) -> TransferTask:
    """`task` with its (transductive) target subsampled to the source's class proportions:
    the largest subsample whose class counts are those proportions, rounded. ORACLE: reads
    the target labels."""
    if not np.array_equal(task.target_train.x, task.target_test.x):
        raise ValueError(f"{task.name}: balanced_target needs the transductive protocol "
                         "(target_train and target_test the same samples)")
    proportions = source_proportions(task)
    y = task.target_test.y
    counts = np.bincount(y, minlength=task.num_classes)
    present = proportions > 0
    missing = np.flatnonzero(present & (counts == 0))
    if missing.size:
        raise ValueError(f"{task.name}: the target has no sample of source classes "
                         f"{missing.tolist()}: no subsample can have the source's proportions")
    size = int(np.floor(np.min(counts[present] / proportions[present])))
    rng = np.random.default_rng(seed)
    keep = np.sort(np.concatenate([
        rng.choice(np.flatnonzero(y == c), int(round(size * proportions[c])), replace=False)
        for c in range(task.num_classes)]))
    k = task.num_classes
    return TransferTask(
        task.name, task.source_train, task.source_val,
        Domain(task.target_train.name, task.target_train.x[keep], None, num_classes=k),
        Domain(task.target_test.name, task.target_test.x[keep], y[keep], num_classes=k), k)


def run(benchmark: str, tasks, methods, seeds: int, data_dir: Path) -> pd.DataFrame:
    rows = []
    for name in tasks:
        configs = [c.replace(validators=()) for c in
                   benchmark_configs(benchmark, [name], methods, seeds, data_dir)]
        first = configs[0]  # every config of a task reads the same data
        task = datasets.get(first.dataset)(first.task, **dict(first.data_options))
        balanced = balanced_target(task)
        for config in configs:
            for target, variant in ((task, "as is"), (balanced, "balanced (ORACLE)")):
                record, _ = train_and_evaluate(config, task=target)
                rows.append({"task": name, "method": config.method, "seed": config.seed,
                             "target": variant, "accuracy": 100 * record["target_accuracy"]})
                print(f"{name} {config.method} seed={config.seed} {variant}: "
                      f"{rows[-1]['accuracy']:.1f}", flush=True)
    return pd.DataFrame(rows)


def delta_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Task × target × method: Δ vs source_only (points), mean over seeds."""
    means = frame.groupby(["task", "target", "method"])["accuracy"].mean().unstack("method")
    return means.drop(columns="source_only").sub(means["source_only"], axis=0).round(1)


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", default="msrc_voc", choices=sorted(MODULES))
    parser.add_argument("--tasks", default=None, help="comma-separated (default: the report's)")
    parser.add_argument("--methods", default="source_only,dann,mcc")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    methods = [m for m in parse_methods(args.methods, []) if m != "source_only"]
    if not methods or "auto" in methods:
        parser.error("--methods: one or more methods to compare with source_only (not auto)")
    valid = tasks_of(args.benchmark, "all")
    tasks = args.tasks.split(",") if args.tasks else tasks_of(args.benchmark, "report")
    unknown = [t for t in tasks if t not in valid]
    if unknown:
        parser.error(f"unknown tasks {unknown} of {args.benchmark}. Valid: {', '.join(valid)}")
    if args.seeds < 1:
        parser.error(f"--seeds must be >= 1. Received: {args.seeds}")
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if data_dir is None:
        parser.error("no data folder; pass --data-dir or set $TFTRANSFER_DATA_DIR")
    try:
        frame = run(args.benchmark, tasks, ["source_only", *methods], args.seeds, data_dir.resolve())
    except ValueError as error:  # an inductive benchmark, a class the target lacks
        parser.error(str(error))
    table = delta_table(frame)
    table.index = [f"{task}, {target}" for task, target in table.index]
    table.index.name = "task, target"
    text = ("Δ target accuracy vs source_only (points, mean over seeds); 'balanced (ORACLE)': "
            "the target subsampled to the source's class proportions with its labels.\n\n"
            + markdown_table(table) + "\n")
    print(text)
    return text


if __name__ == "__main__":
    main()
