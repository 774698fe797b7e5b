"""Text domain adaptation: instance and feature transfer on Reuters-21578 and 20 Newsgroups.

    python -m experiments.text_transfer [--benchmarks reuters,newsgroups] [--tasks ...]
        [--methods ...] [--seeds 3] [--labels-per-class 10] [--data-dir ../shared/data]
        [--out results/text_transfer]

Data: the whole source and the whole target domain of each task
(`tftransfer.data.benchmarks.task_domains`, the protocol of the classical baselines): the 6
Reuters-21578 tasks (orgs / people / places) and the 6 20 Newsgroups top-category pairs
(split "12->34"), term weights cut to the 1,000 terms of highest document frequency over
source and target (no labels read), rows scaled to unit L2 norm — the loaders' defaults,
as in `experiments.reuters` / `experiments.newsgroups` (which hold the deep rows: DANN, DAN,
CDAN, MCC, ... on the same features; they are not repeated here).

Rows, each labelled with the target labels it reads:
  * no target label (fitted on the labelled source and the unlabelled target, scored on the
    whole target — transductive, as the published shallow-DA tables):
      - source-only 1-NN, linear SVM (`LinearSVC(C=1)`), logistic regression (C = 1):
        `tftransfer.shallow.get("nn1" | "svm" | "logreg")`;
      - importance weighting: logistic regression (C = 1) on the source with the weights
        of `tftransfer.instance.domain_classifier_weights` (out-of-fold, calibrated, clipped
        to [0.01, 100]) or `kmm_weights` (RBF, median-heuristic γ);
      - feature methods (`tftransfer.shallow`): CORAL + LR, TCA + LR, JDA (its default
        source-validated head — logistic regression on these sets — and the paper's 1-NN),
        MEDA, EasyTL.
  * k labels per class (`--labels-per-class`, drawn with the seed from the target by
    `TransferTask.target_partial_labels`; the same draw for every row of a seed). These rows
    are scored on the REST of the target (its documents minus the 2k labelled ones):
      - TrAdaBoost (Dai et al., ICML 2007; `tftransfer.instance.TrAdaBoost` with its
        defaults: logistic-regression base learner, 10 rounds — the paper used an SVM, the
        class's docstring says why the default is LR);
      - logistic regression on the k labels per class only (target-only);
      - logistic regression on the source and the k labels per class pooled.

Selection: none — every method runs with its defaults; no hyperparameter, epoch or row is
chosen on target labels. One fixed exception, for speed, decided before any run: TCA is
solved in the primal (`kernel="primal"`, the linear TCA of the reference code; the default
dual kernel forms n × n matrices and took ~170 s a fit on 20 Newsgroups' ~7,800 documents).
MEDA (RBF kernel over the n documents, 40-140 s a fit on 20 Newsgroups) runs on Reuters only
by default; `--methods meda,...` runs it on every chosen benchmark.

Seeds: the rows that read a seed (importance weighting by a domain classifier: its folds;
the k-label rows: the draw) run once per seed. Every other row is deterministic given the
data: it runs once and its "± 0.0" is exact (marked † in the tables).

Accuracy (%) on the target, mean ± std over seeds, per task and averaged over each
benchmark's tasks. Each finished (task, method, seed) cell is written at once (atomically)
under `--out/cells/<settings>/`; a rerun with the same settings skips the finished cells.
"""

from __future__ import annotations

import argparse
import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from experiments.cells import CellStore
from experiments.common import parse_list
from experiments.mean_std_tables import mean_std_markdown, write_records
from tftransfer.blas import one_blas_thread
from tftransfer.data.benchmarks import NEWSGROUPS_TASKS, REUTERS_TASKS, task_domains
from tftransfer.data.domains import Domain, TransferTask
from tftransfer.io import write_text_atomic

BENCHMARKS: Dict[str, Tuple[str, ...]] = {"reuters": REUTERS_TASKS,
                                          "newsgroups": NEWSGROUPS_TASKS}
TITLES = {"reuters": "Reuters-21578", "newsgroups": "20 Newsgroups"}


@dataclass(frozen=True)
class Few:
    """k labelled target documents per class and the rest of the target (the test set)."""

    x: np.ndarray
    y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


def _logreg(x, y, sample_weight=None):
    from sklearn.linear_model import LogisticRegression

    with one_blas_thread():  # scikit-learn's L-BFGS: see tftransfer.blas
        return LogisticRegression(C=1.0, max_iter=1000).fit(x, y, sample_weight=sample_weight)


def _shallow(name: str, **options) -> Callable:
    def predict(source: Domain, target: Domain, seed: int) -> np.ndarray:
        from tftransfer import shallow

        with one_blas_thread():
            return shallow.get(name, **options).fit(source.x, source.y, target.x).predict(target.x)
    return predict


def _weighted(weights: str) -> Callable:
    def predict(source: Domain, target: Domain, seed: int) -> np.ndarray:
        from tftransfer.instance import domain_classifier_weights, kmm_weights

        w = (domain_classifier_weights(source.x, target.x, seed=seed) if weights == "dc"
             else kmm_weights(source.x, target.x))
        return _logreg(source.x, source.y, w).predict(target.x)
    return predict


def _tradaboost(source: Domain, few: Few, seed: int) -> np.ndarray:
    from tftransfer.instance import TrAdaBoost

    return TrAdaBoost(seed=seed).fit(source.x, source.y, few.x, few.y).predict(few.test_x)


def _target_only(source: Domain, few: Few, seed: int) -> np.ndarray:
    return _logreg(few.x, few.y).predict(few.test_x)


def _pooled(source: Domain, few: Few, seed: int) -> np.ndarray:
    return _logreg(np.vstack([source.x, few.x]), np.r_[source.y, few.y]).predict(few.test_x)


@dataclass(frozen=True)
class Row:
    """One table row: its label, whether it reads k target labels per class, whether its
    result depends on the seed, and `predict` (no-label rows: (source, target, seed) ->
    predictions on the whole target; k-label rows: (source, few, seed) -> on `few.test_x`)."""

    label: str
    few_labels: bool
    seeded: bool
    predict: Callable


METHODS: Dict[str, Row] = {
    "nn1": Row("1-NN", False, False, _shallow("nn1")),
    "svm": Row("linear SVM", False, False, _shallow("svm")),
    "logreg": Row("logistic regression (LR)", False, False, _shallow("logreg")),
    "iw_dc": Row("LR + IW (domain classifier)", False, True, _weighted("dc")),
    "iw_kmm": Row("LR + IW (KMM)", False, False, _weighted("kmm")),
    "coral": Row("CORAL + LR", False, False, _shallow("coral_logreg")),
    "tca": Row("TCA (linear, primal) + LR", False, False, _shallow("tca_logreg", kernel="primal")),
    "jda": Row("JDA (its default head: LR, or 1-NN if source-validated)", False, False, _shallow("jda")),
    "jda_1nn": Row("JDA (1-NN, the paper's head)", False, False, _shallow("jda", head="1nn")),
    "meda": Row("MEDA", False, False, _shallow("meda")),
    "easytl": Row("EasyTL", False, False, _shallow("easytl")),
    "tradaboost": Row("TrAdaBoost (LR base, 10 rounds)", True, True, _tradaboost),
    "target_only": Row("LR target-only", True, True, _target_only),
    "pooled": Row("LR source + target labels pooled", True, True, _pooled),
}
# Too slow on 20 Newsgroups' ~7,800 documents for the default run (see the docstring).
SLOW = {"newsgroups": ("meda",)}


def run_methods(benchmark: str, methods: Sequence[str], named: bool) -> List[str]:
    """The rows run on `benchmark`: all of `methods` when named on the command line, else
    the defaults without the ones too slow there (`SLOW`)."""
    return [m for m in methods if named or m not in SLOW.get(benchmark, ())]


def row_label(method: str, k: int) -> str:
    """The table label: the row, the target labels it reads, † when it reads no seed."""
    row = METHODS[method]
    reads = f"{k}/class target labels" if row.few_labels else "no target label"
    return f"{row.label} [{reads}]" + ("" if row.seeded else " †")


def load_domains(benchmark: str, task: str, data_dir=None) -> Tuple[Domain, Domain]:
    """The whole source and target domains of `task` with the loaders' default features."""
    try:
        return task_domains(benchmark, task, data_dir=data_dir)
    except FileNotFoundError as error:
        raise SystemExit(f"error: {error}") from None


def draw_few(task: str, source: Domain, target: Domain, k: int, seed: int) -> Few:
    """k labelled target documents per class (drawn with `seed`) and the rest of the target."""
    partial = TransferTask.transductive(task, source, target, seed=seed).target_partial_labels(
        k, seed)
    chosen = partial >= 0
    return Few(target.x[chosen], target.y[chosen], target.x[~chosen], target.y[~chosen])


def run_cell(method: str, task: str, source: Domain, target: Domain, k: int,
             seed: int) -> Tuple[float, int]:
    """Target accuracy (%) of `method` and the number of documents it was scored on."""
    row = METHODS[method]
    if row.few_labels:
        few = draw_few(task, source, target, k, seed)
        predicted, truth = row.predict(source, few, seed), few.test_y
    else:
        predicted, truth = row.predict(source, target, seed), target.y
    return 100.0 * float(np.mean(np.asarray(predicted).reshape(-1) == truth)), len(truth)


def settings(k: int) -> dict:
    """Everything besides (task, method, seed) that a cell's value depends on."""
    # version 2: "jda" is JDA with its default logistic-regression head (was 1-NN, now "jda_1nn");
    # 3: its default head is the source-validated one (logistic regression, or 1-NN).
    return {"labels_per_class": k, "features": "1000 terms, L2", "version": 3}


def parse_tasks(value: Optional[str], benchmarks: Sequence[str]) -> Dict[str, List[str]]:
    """`--tasks` among the chosen benchmarks' tasks -> {benchmark: its tasks to run}."""
    valid = [t for b in benchmarks for t in BENCHMARKS[b]]
    chosen = parse_list(value, valid, "task", valid)
    return {b: [t for t in BENCHMARKS[b] if t in chosen] for b in benchmarks}


def benchmark_averages(records: Sequence[dict], tasks: Dict[str, List[str]]) -> List[dict]:
    """One record per (benchmark, method, seed) with every task: the mean over its tasks."""
    grouped: Dict[tuple, Dict[str, float]] = {}
    for r in records:
        grouped.setdefault((r["benchmark"], r["method"], r["seed"]), {})[r["task"]] = r["accuracy"]
    return [{"task": b, "method": m, "seed": s, "accuracy": float(np.mean(list(v.values())))}
            for (b, m, s), v in grouped.items() if set(v) == set(tasks[b])]


def command_line(args, benchmarks, tasks, methods) -> str:
    parts = ["python -m experiments.text_transfer"]
    if benchmarks != list(BENCHMARKS):
        parts.append(f"--benchmarks {','.join(benchmarks)}")
    if args.tasks is not None:
        parts.append(f"--tasks {','.join(t for b in benchmarks for t in tasks[b])}")
    if args.methods is not None:
        parts.append(f"--methods {','.join(methods)}")
    parts.append(f"--seeds {args.seeds} --labels-per-class {args.labels_per_class}")
    return " ".join(parts)


def main(argv=None) -> str:
    """Runs the grid (skipping finished cells), writes `results.csv` and `summary.md` under
    `--out`, and returns the summary (markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", default=None,
                        help=f"comma-separated among {', '.join(BENCHMARKS)} (default: both)")
    parser.add_argument("--tasks", default=None,
                        help="comma-separated tasks of the chosen benchmarks (default: all)")
    parser.add_argument("--methods", default=None,
                        help=f"comma-separated rows among {', '.join(METHODS)} or 'all' "
                             "(default: all, MEDA on Reuters only)")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (0..N-1)")
    parser.add_argument("--labels-per-class", type=int, default=10,
                        help="k labelled target documents per class for the k-label rows")
    parser.add_argument("--data-dir", default=None, help="data folder (default ../shared/data)")
    parser.add_argument("--out", default="results/text_transfer")
    args = parser.parse_args(argv)
    for option in ("seeds", "labels_per_class"):
        if getattr(args, option) < 1:
            parser.error(f"--{option.replace('_', '-')} must be >= 1. "
                         f"Received: {getattr(args, option)}")
    benchmarks = parse_list(args.benchmarks, list(BENCHMARKS), "benchmark", list(BENCHMARKS))
    tasks = parse_tasks(args.tasks, benchmarks)
    methods = parse_list(args.methods, list(METHODS), "method", list(METHODS))
    k = args.labels_per_class
    out = Path(args.out)
    store = CellStore(out, settings(k))
    start = time.time()
    loaded: Dict[str, Tuple[Domain, Domain]] = {}  # the current task's domains

    def compute(benchmark: str, task: str, method: str, seed: int) -> dict:
        if task not in loaded:
            loaded.clear()
            loaded[task] = load_domains(benchmark, task, args.data_dir)
        t0 = time.time()
        accuracy, n_test = run_cell(method, task, *loaded[task], k, seed)
        record = {"benchmark": benchmark, "task": task, "method": method, "seed": seed,
                  "accuracy": accuracy, "n_test": n_test, "seconds": round(time.time() - t0, 2)}
        print(f"{task} {method} seed {seed}: {accuracy:.1f} ({record['seconds']:.1f} s)",
              flush=True)
        return record

    records: List[dict] = []
    computed = 0
    for benchmark in benchmarks:
        for task in tasks[benchmark]:
            for method in run_methods(benchmark, methods, args.methods is not None):
                for seed in range(args.seeds if METHODS[method].seeded else 1):
                    record, fresh = store.get_or_compute(
                        task, method, seed, functools.partial(compute, benchmark, task, method,
                                                              seed))
                    records.append(record)
                    computed += fresh
    write_records(records, out / "results.csv")
    text = summary(records, args, benchmarks, tasks, methods, k)
    text += (f"\n{computed} cells computed in this run, {len(records) - computed} read back "
             f"from {store.folder}; wall time {time.time() - start:.0f} s.\n")
    write_text_atomic(out / "summary.md", text)
    print(text)
    return text


def summary(records, args, benchmarks, tasks, methods, k) -> str:
    """The markdown report: the protocol, one table per benchmark, then their averages."""
    def labelled(rows: Sequence[dict]) -> List[dict]:
        return [{**r, "method": row_label(r["method"], k)} for r in rows]

    labels = [row_label(m, k) for m in methods]
    text = (f"# Text transfer: target accuracy (%), mean ± std over {args.seeds} seeds\n\n"
            f"Command: `{command_line(args, benchmarks, tasks, methods)}`\n\n"
            "Selection: none — defaults (TCA solved in the primal, fixed beforehand for "
            "speed). Rows [no target label] are fitted on the labelled source and the "
            "unlabelled target and scored on the whole target; rows [k/class target labels] "
            f"read k = {k} labelled target documents per class (drawn with the seed, the same "
            "draw for every row) and are scored on the rest of the target. † = reads no seed "
            "(deterministic given the data): run once, its ± 0.0 is exact.\n")
    for benchmark in benchmarks:
        rows = labelled([r for r in records if r["benchmark"] == benchmark])
        run = run_methods(benchmark, methods, args.methods is not None)
        text += (f"\n## {TITLES[benchmark]}\n\n"
                 + mean_std_markdown(rows, "accuracy", tasks[benchmark],
                                     [row_label(m, k) for m in run]) + "\n")
        skipped = [METHODS[m].label for m in methods if m not in run]
        if skipped:
            text += (f"\nNot run on {TITLES[benchmark]} by default (too slow for the default "
                     f"run): {', '.join(skipped)}; name it in `--methods` to run it.\n")
    if len(benchmarks) > 1:
        text += ("\n## Benchmark averages (mean over each benchmark's tasks per seed)\n\n"
                 + mean_std_markdown(labelled(benchmark_averages(records, tasks)), "accuracy",
                                     benchmarks, labels, average=False) + "\n")
    return text


if __name__ == "__main__":
    main()
