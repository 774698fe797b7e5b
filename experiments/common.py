"""Flags shared by every experiment module and the grid they expand to."""

from __future__ import annotations

import argparse
import time
from typing import Callable, Dict, List, Sequence

from tftransfer import methods
from tftransfer.config import RunConfig
from tftransfer.distribute import STRATEGIES
from tftransfer.results import write_results
from tftransfer.runner import run_grid


def common_parser(description: str, default_out: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--methods", default="all",
                        help=f"comma-separated methods or 'all' (valid: {', '.join(methods.names())})")
    parser.add_argument("--tasks", default=None, help="comma-separated SOURCE->TARGET tasks")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (0..N-1)")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs per run")
    parser.add_argument("--batch-size", type=int, default=None, help="global batch size")
    parser.add_argument("--out", default=default_out, help="output folder")
    parser.add_argument("--strategy", default="default", choices=STRATEGIES,
                        help="tf.distribute strategy")
    parser.add_argument("--verbose", type=int, default=0, help="Keras fit verbosity")
    return parser


def parse_list(value: str | None, valid: Sequence[str], kind: str, default: Sequence[str]) -> List[str]:
    """Splits a comma-separated flag; 'all' means every valid name; unknown names are errors."""
    if value is None:
        return list(default)
    if value == "all":
        return list(valid)
    items = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in items if v not in valid]
    if unknown or not items:
        raise SystemExit(f"error: unknown {kind} {unknown or value!r}; valid {kind}s: {', '.join(valid)}")
    return items


def expand_grid(args, base: Dict, tasks: Sequence[str], method_names: Sequence[str],
                per_method: Callable[[str], Dict]) -> List[RunConfig]:
    """One validated RunConfig per task × method × seed."""
    configs = []
    for task in tasks:
        for method in method_names:
            for seed in range(args.seeds):
                fields = {**base, **per_method(method), "task": task, "method": method, "seed": seed,
                          "strategy": args.strategy}
                if args.epochs is not None:
                    fields["epochs"] = args.epochs
                if args.batch_size is not None:
                    fields["batch_size"] = args.batch_size
                configs.append(RunConfig.from_dict(fields).validate())
    return configs


def run_experiment(configs: List[RunConfig], out: str, title: str, selection: str, verbose=0) -> str:
    start = time.perf_counter()
    records = run_grid(configs, out, verbose=verbose)
    text = write_results(records, out, title=title, selection=selection)
    print()
    print(text)
    print(f"{len(records)} runs in {time.perf_counter() - start:.0f}s; results in {out}/results.csv, "
          f"{out}/summary.md")
    return text
