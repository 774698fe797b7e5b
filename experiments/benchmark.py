"""The shared body of the real-benchmark experiment modules (Office-Caltech, MNIST/USPS, DeCAF, ...).

Each module names its dataset, tasks and training defaults (`benchmark_main`); this runs the
grid of tasks × methods × seeds and writes `results.csv` / `summary.md` with the published
rows beside ours. Protocol: unsupervised and transductive as in the published tables — the
whole target domain is the unlabelled training target and the test set; target labels are
read only to report accuracy (and by the labelled baselines `target_only`, ORACLE, and
`finetune`, few labels, when asked for). The reported model is the one at the end of
training; nothing is selected on target labels.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence

from experiments.common import (common_parser, expand_grid, parse_list, parse_methods,
                                published_markdown, run_experiment)
from tftransfer import variants
from tftransfer.data.benchmarks import PUBLISHED, PUBLISHED_SOURCE
from tftransfer.data.loaders import default_data_dir

#: The default rows of a benchmark module: source_only, the deep adaptation methods (and
#: CDAN+MCC), the classical methods with their papers' heads and the raw-feature 1-NN / linear
#: SVM baselines, and the target_only ORACLE. Not every transform × head pipeline (`--methods
#: all` runs every variant), so that a benchmark's default run aims at 15 minutes on 2 cores
#: (measured ones: docs/benchmarks.md, "Benchmark modules: default rows and default run times").
DEFAULT_METHODS = ("source_only", "dann", "dan", "deep_coral", "cdan", "cdan_e", "mdd", "mcc",
                   "cdan_mcc", "jda", "bda", "meda", "easytl", "gfk", "nn1", "svm", "target_only")

SELECTION = ("none — the model at the end of training (fixed epochs, the same hyperparameters "
             "for every task); target labels are used only to report accuracy")

# Only the data-dependent parts (backbone, budget); every method keeps its own defaults.
# The budget: 10 epochs of 50 steps of batch 32 on every benchmark (the reference code's
# fixed iterations per epoch: a small task gets the steps a large one gets).
#: The `BASE` of the feature-vector benchmarks: that budget and a 256-unit MLP backbone.
MLP_BASE = {"epochs": 10, "steps_per_epoch": 50, "batch_size": 32, "backbone": "mlp",
            "backbone_options": {"units": [256]}}


def run_benchmark(argv, *, doc: str, experiment: str, dataset: str, tasks: Sequence[str],
                  base: Dict, published: Dict, published_source: str,
                  default_methods: Sequence[str] | None = None,
                  default_tasks: Sequence[str] | None = None,
                  variant_overrides: Dict[str, Dict] | None = None) -> str:
    parser = common_parser(doc.splitlines()[0], f"results/{experiment}",
                           default_jobs=min(2, os.cpu_count() or 1))
    parser.add_argument("--data-dir", default=None,
                        help="folder holding the benchmark files (default: $TFTRANSFER_DATA_DIR "
                             "or ../shared/data when it exists)")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if data_dir is None or not data_dir.is_dir():
        raise SystemExit(f"error: no data folder (got {args.data_dir!r}); pass --data-dir or set "
                         "$TFTRANSFER_DATA_DIR")
    task_list = parse_list(args.tasks, list(tasks), "task", default_tasks or tasks)
    if default_methods is None:
        default_methods = DEFAULT_METHODS
    names = parse_methods(args.methods, default_methods)
    overrides = variant_overrides or {}
    base = {**base, "experiment": experiment, "dataset": dataset,
            "data_options": {**base.get("data_options", {}), "data_dir": str(data_dir.resolve())}}

    def per_method(name):
        fields = variants.fields(name)
        for key, value in overrides.get(name, {}).items():
            fields[key] = {**fields.get(key, {}), **value} if isinstance(value, dict) else value
        return fields

    configs = expand_grid(args, base, task_list, names, per_method)
    appendix = published_markdown(published, task_list, tasks, published_source)
    return run_experiment(configs, args, appendix=appendix,
                          title=f"{experiment}: {doc.splitlines()[0]}", selection=SELECTION)


def benchmark_main(doc: str, dataset: str, tasks: Sequence[str], base: Dict,
                   **options) -> Callable[[Optional[Sequence[str]]], str]:
    """The `main(argv=None)` of the experiment module of a benchmark of `tftransfer.data.benchmarks`.

    It runs `run_benchmark` on `dataset` (also the experiment's name) with the module's
    docstring `doc` as its usage, the dataset's published rows printed beside ours, and
    `options` (`default_methods`, `default_tasks` — a subset of `tasks` run without
    `--tasks` —, `variant_overrides`) passed on.
    """

    def main(argv: Optional[Sequence[str]] = None) -> str:
        return run_benchmark(argv, doc=doc, experiment=dataset, dataset=dataset, tasks=tasks,
                             base=base, published=PUBLISHED[dataset],
                             published_source=PUBLISHED_SOURCE[dataset], **options)

    return main
