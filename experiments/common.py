"""Flags shared by every experiment module and the grid they expand to."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence

from tftransfer import auto, variants
from tftransfer.config import RunConfig
from tftransfer.io import write_json_atomic
from tftransfer.distribute import STRATEGIES
from tftransfer.runner import resolve
from tftransfer.tuning.roles import TUNING_VARS, tuning_role
from tftransfer.results import write_results
from experiments.tuned import add_tuning_flags, tune_grid
from tftransfer.runner import run_grid, writes_files


def common_parser(description: str, default_out: str, default_jobs: int = 1) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--methods", default=None,
                        help="comma-separated methods or 'all' (default: the experiment's list)")
    parser.add_argument("--tasks", default=None, help="comma-separated SOURCE->TARGET tasks")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (0..N-1)")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs per run")
    parser.add_argument("--batch-size", type=int, default=None, help="global batch size")
    parser.add_argument("--out", default=default_out, help="output folder")
    parser.add_argument("--strategy", default="default", choices=STRATEGIES,
                        help="tf.distribute strategy")
    parser.add_argument("--target-labels", type=int, default=None, metavar="K",
                        help="semi-supervised DA: reveal K target labels per class to every "
                             "method (tables then say so); default: the experiment's protocol")
    parser.add_argument("--jobs", type=int, default=default_jobs,
                        help=f"runs trained in parallel worker processes (default {default_jobs}); "
                             "results can differ in the last digits with it, through the "
                             "thread count (measured on a CNN; see runner.run_grid)")
    parser.add_argument("--verbose", type=int, default=0, help="Keras fit verbosity")
    parser.add_argument("--xla", action="store_true",
                        help="compile the deep runs' steps with XLA (RunConfig.xla): still "
                             "bit-reproducible on CPU, faster steps once compiled (long runs); "
                             "numbers differ from the default's in the last bits")
    add_tuning_flags(parser)
    return parser


def parse_list(value: str | None, valid: Sequence[str], kind: str, default: Sequence[str]) -> List[str]:
    """Splits a comma-separated flag; 'all' means every valid name; unknown names are errors."""
    if value is None:
        return list(default)
    if value == "all":
        return list(valid)
    items = list(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))  # once each
    unknown = [v for v in items if v not in valid]
    if unknown or not items:
        raise SystemExit(f"error: unknown {kind} {unknown or value!r}; valid {kind}s: {', '.join(valid)}")
    return items


def parse_methods(value: str | None, default: Sequence[str]) -> List[str]:
    """`--methods`: variant names (`tftransfer.variants.names()`), compositions "a+b" of paired
    methods, "auto" (`tftransfer.auto`), or 'all' (every variant and auto); unknown names are
    an error listing the valid ones."""
    if value is None:
        return list(default)
    if value == "all":
        return [*variants.names(), "auto"]
    items = list(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    if not items:
        raise SystemExit(f"error: no method in {value!r}; valid methods: "
                         f"{', '.join(variants.names())}, auto")
    for item in items:
        if item == "auto":
            continue
        try:
            variants.fields(item)
        except ValueError as error:
            raise SystemExit(f"error: {error}, auto") from None
    return items


def with_auto_candidates(method_names: Sequence[str]) -> List[str]:
    """The variants to run: `method_names` without "auto", plus auto's candidates if asked."""
    return auto.with_candidates(method_names)


def with_xla(config: RunConfig, xla: bool) -> RunConfig:
    """`config`, resolved (names checked), XLA-compiled (`RunConfig.xla`) when `xla` and it
    trains a Keras model: the classical methods have no step to compile, so their run ids
    stay those of the default mode."""
    if xla and not resolve(config).shallow:
        config = config.replace(xla=True)
    resolve(config)
    return config


def expand_grid(args, base: Dict, tasks: Sequence[str], method_names: Sequence[str],
                per_method: Callable[[str], Dict]) -> List[RunConfig]:
    """One validated RunConfig per task × method × seed (`per_method` adds/overrides fields).

    With "auto" among the methods, its candidates run too (`tftransfer.auto.CANDIDATES`),
    each storing the honest validators' scores that auto decides on.
    """
    configs = []
    wants_auto = "auto" in method_names
    for task in tasks:
        for method in with_auto_candidates(method_names):
            for seed in range(args.seeds):
                fields = {**base, "method": method, **per_method(method), "task": task, "seed": seed,
                          "strategy": args.strategy}
                if args.epochs is not None:
                    fields["epochs"] = args.epochs
                if args.batch_size is not None:
                    fields["batch_size"] = args.batch_size
                if getattr(args, "target_labels", None) is not None and fields["method"] != "target_only":
                    fields["target_labels_per_class"] = args.target_labels
                if wants_auto and method in auto.CANDIDATES:
                    fields["validators"] = list(auto.VALIDATORS)
                try:
                    config = with_xla(RunConfig.from_dict(fields), getattr(args, "xla", False))
                except (TypeError, ValueError) as error:
                    raise SystemExit(f"error: {error}") from None
                configs.append(config)
    return configs


def add_auto_records(records: List[dict], out, write: bool = True) -> List[dict]:
    """`records` plus one `auto` record per task × seed whose candidates all ran; each
    decision (pick, reason, every candidate's scores) goes to OUT/auto.json."""
    records, decisions = auto.add_auto_records(records)
    if decisions and write:
        write_json_atomic(Path(out) / "auto.json", auto.decisions_json(decisions))
    return records


def run_experiment(configs: List[RunConfig], args, title: str, selection: str,
                   appendix: str = "") -> str:
    """Runs the grid (after a hyperparameter search per task × method with `--tune`), writes
    and prints the tables; `selection` says how the reported models were chosen."""
    start = time.perf_counter()
    out = args.out
    try:
        role = tuning_role()
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    if role is not None and not args.tune:
        # Every process would run the whole grid and write the same results.
        raise SystemExit(f"error: {', '.join(TUNING_VARS)} are set (distributed tuning, this "
                         f"process is the {role}) but --tune is not: add --tune, or unset them")
    if args.tune:
        configs, selection = tune_grid(args, configs, out)
        if role == "worker":
            print(f"tuning worker done in {time.perf_counter() - start:.0f}s; the chief trains "
                  "the selected configurations and writes the results")
            return ""
    records = run_grid(configs, out, verbose=args.verbose, jobs=args.jobs)
    records = add_auto_records(records, out, write=not configs or writes_files(configs[0]))
    if configs and not writes_files(configs[0]):
        print(f"{len(records)} runs in {time.perf_counter() - start:.0f}s; this is a non-chief "
              "worker: the chief writes the results")
        return ""
    text = write_results(records, out, title=title, selection=selection, appendix=appendix)
    print()
    print(text)
    print(f"{len(records)} runs in {time.perf_counter() - start:.0f}s; results in {out}/results.csv, "
          f"{out}/summary.md")
    return text


def published_markdown(published: Dict[str, Dict[str, float]], tasks: Sequence[str],
                       all_tasks: Sequence[str], source: str) -> str:
    """Published rows for the tasks run, beside ours.

    The average is the published one when every task of the benchmark ran, else the mean of
    the published values of the tasks shown (blank when some are missing).
    """
    heading = "Published" if "et al." in source else "Reference rows"
    lines = [f"### {heading} ({source})", "",
             "| method | " + " | ".join(tasks) + " | average |", "|" + "---|" * (len(tasks) + 2)]
    for method, row in published.items():
        shown = [row[t] for t in tasks if t in row]
        if set(tasks) == set(all_tasks) and "average" in row:
            average = f"{row['average']:.1f}"
        elif len(shown) == len(tasks):
            average = f"{sum(shown) / len(shown):.1f}"
        else:
            average = ""
        cells = [f"{row[t]:.1f}" if t in row else "" for t in tasks]
        lines.append(f"| {method} | " + " | ".join(cells) + f" | {average} |")
    return "\n".join(lines) + "\n"
