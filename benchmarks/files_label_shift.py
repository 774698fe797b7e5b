"""Label shift through the command line: auto and its guard where the classes' proportions move.

    python benchmarks/files_label_shift.py [--data-dir ../shared/data]
        [--tasks all|set|judged|T,...] [--methods auto] [--seeds 3] [--jobs 2]
        [--out results/files_label_shift]

Aligning the domains when the classes are not equally common in both must cost accuracy (Zhao
et al., ICML 2019); auto's `selection.LabelShiftGuard` keeps source_only when source_only's
predictions read as such a shift. Two sets of tasks, each written as a pair of CSV files and
run by `tftransfer run --methods auto` in a fresh process (every candidate with its defaults):

- "set" — the four tasks the guard's thresholds were read off: scikit-learn's wine split at the
  median alcohol and breast cancer at the median mean radius, both directions (a sample
  selection that moves the classes' proportions by a total variation of 0.63–0.65).
- "judged" — label shifts the thresholds never saw: Office-Caltech10 DeCAF (W → D, D → W) and
  SURF (C → A, A → W) with the *target* subsampled by class, "skew" (classes 0–4 whole, 30 %
  of each other class) and "strong" (classes 0–2 whole, 10 % of each other), at least 2 samples
  a class, seeded; and scikit-learn's 8 × 8 digits split at the median ink (a covariate shift
  that moves the labels a little).

Selection: none — the model at the end of training; auto picks with honest validators; target
labels only score. Prints, per task, the true total variation of the class proportions (from
the labels: a description of the task, read by nothing), target accuracy (%) of source_only,
DANN, CDAN, MCC, MEDA and auto (mean ± std over seeds), auto's Δ against source_only, the
evidence auto's guard read (source_only's `class_shift` / `confidence_drop`, seed means) and
how often it fired; then auto's Δ on each set's average, mean ± std over seeds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, Tuple

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tftransfer.data.benchmarks import load_decaf, load_office_caltech_surf  # noqa: E402
from tftransfer.results import markdown_table  # noqa: E402
from tftransfer.selection.label_shift import class_shares, total_variation  # noqa: E402

#: Target subsamplings: (classes kept whole, share kept of each other class).
SUBSAMPLING = {"skew": (range(5), 0.3), "strong": (range(3), 0.1)}
SHOWN = ("source_only", "dann", "cdan", "mcc", "meda", "auto")


def subsample(y: np.ndarray, kind: str, seed: int = 0) -> np.ndarray:
    """Row indices of a target subsampled by class (`SUBSAMPLING[kind]`), seeded."""
    whole, share = SUBSAMPLING[kind]
    rng = np.random.default_rng(seed)
    keep = []
    for c in np.unique(y):
        rows = np.flatnonzero(y == c)
        keep.append(rows if c in whole else rng.choice(rows, max(2, round(share * len(rows))),
                                                      replace=False))
    return np.sort(np.concatenate(keep))


def _frame(x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(x.shape[1])])
    frame["label"] = y
    return frame


def _median_split(load: Callable, column: str) -> Tuple[pd.DataFrame, pd.DataFrame]:
    frame = load(as_frame=True).frame.rename(columns={"target": "label"})
    low = frame[column] <= frame[column].median()
    return frame[low], frame[~low]


def _ink_split() -> Tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.datasets import load_digits

    frame = load_digits(as_frame=True).frame.rename(columns={"target": "label"})
    ink = frame.drop(columns="label").sum(axis=1)
    light = ink <= ink.median()
    return frame[light], frame[~light]


def task_files(data_dir: Path) -> Dict[str, Tuple[str, Callable]]:
    """Task name -> (set, a function returning its (source, target) frames)."""
    from sklearn.datasets import load_breast_cancer, load_wine

    def median(load, column, reverse):
        def make():
            low, high = _median_split(load, column)
            return (high, low) if reverse else (low, high)
        return make

    def office(loader, source, target, kind):
        def make():
            s, t = loader(source, data_dir), loader(target, data_dir)
            rows = subsample(t.y, kind)
            return _frame(s.x, s.y), _frame(t.x[rows], t.y[rows])
        return make

    def ink(reverse):
        def make():
            light, heavy = _ink_split()
            return (heavy, light) if reverse else (light, heavy)
        return make

    tasks = {"wine low->high": ("set", median(load_wine, "alcohol", False)),
             "wine high->low": ("set", median(load_wine, "alcohol", True)),
             "cancer low->high": ("set", median(load_breast_cancer, "mean radius", False)),
             "cancer high->low": ("set", median(load_breast_cancer, "mean radius", True))}
    for name, loader, pairs in (("DeCAF", load_decaf, (("W", "D"), ("D", "W"))),
                                ("SURF", load_office_caltech_surf, (("C", "A"), ("A", "W")))):
        for kind in SUBSAMPLING:
            for source, target in pairs:
                tasks[f"{name} {source}->{target} {kind}"] = ("judged",
                                                              office(loader, source, target, kind))
    tasks["digits light->heavy ink"] = ("judged", ink(False))
    tasks["digits heavy->light ink"] = ("judged", ink(True))
    return tasks


def _slug(task: str) -> str:
    return task.replace("->", "_to_").replace(" ", "_")


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data",
                        help="the folder with office_caltech10_decaf/ and office_caltech10_surf/")
    parser.add_argument("--tasks", default="all",
                        help="all, set, judged, or task names separated by commas")
    parser.add_argument("--methods", default="auto")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="results/files_label_shift")
    args = parser.parse_args(argv)
    every = task_files(Path(args.data_dir))
    if args.tasks in ("all", "set", "judged"):
        names = [t for t, (group, _) in every.items() if args.tasks in ("all", group)]
    else:
        names = [t.strip() for t in args.tasks.split(",") if t.strip()]
        unknown = [t for t in names if t not in every]
        if unknown:
            parser.error(f"unknown task(s) {unknown}; valid: {', '.join(every)}")
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    out = Path(args.out)
    (out / "files").mkdir(parents=True, exist_ok=True)
    rows, deltas = {}, {}
    for task in names:
        group, make = every[task]
        try:
            source, target = make()
        except (FileNotFoundError, ValueError) as error:  # e.g. a wrong --data-dir
            parser.error(f"{task}: {error}")
        folder = out / _slug(task)
        paths = [out / "files" / f"{_slug(task)}_{side}.csv" for side in ("source", "target")]
        source.to_csv(paths[0], index=False)
        target.to_csv(paths[1], index=False)
        command = [sys.executable, "-m", "tftransfer", "run", "--source", str(paths[0]),
                   "--target", str(paths[1]), "--methods", args.methods, "--seeds",
                   str(args.seeds), "--jobs", str(args.jobs), "--no-report", "--quiet",
                   "--out", str(folder)]
        start = time.perf_counter()
        if subprocess.run(command).returncode:  # its own message is above
            parser.error(f"{task}: `tftransfer run` failed")
        print(f"{task}: {time.perf_counter() - start:.0f} s", flush=True)
        runs = pd.read_csv(folder / "results.csv")
        k = int(max(source["label"].max(), target["label"].max())) + 1
        true_shift = total_variation(class_shares(source["label"], k),
                                     class_shares(target["label"], k))
        row = {"set": group, "classes' TV": f"{true_shift:.2f}"}
        accuracy = {m: 100 * g.sort_values("seed")["target_accuracy"].to_numpy()
                    for m, g in runs.groupby("method")}
        for method in SHOWN:
            if method in accuracy:
                row[method] = f"{accuracy[method].mean():.1f} ± {accuracy[method].std():.1f}"
        if {"auto", "source_only"} <= set(accuracy):
            deltas[task] = accuracy["auto"] - accuracy["source_only"]
            row["auto Δ"] = f"{deltas[task].mean():+.1f}"
            baseline = runs[runs["method"] == "source_only"]
            row["class_shift / confidence_drop"] = (f"{baseline['class_shift'].mean():.2f} / "
                                                    f"{baseline['confidence_drop'].mean():+.2f}")
            reasons = runs.loc[runs["method"] == "auto", "auto_reason"]
            fired = reasons.str.startswith("label-shift guard")
            row["guard fired"] = f"{int(fired.sum())} of {len(fired)}"
        rows[task] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "task"
    print(f"\nLabel shift: target accuracy (%), mean ± std over {args.seeds} seed(s); selection: "
          "none (auto: honest validators); the classes' TV is read from the labels, by nothing:\n")
    print(markdown_table(table), flush=True)
    for group in ("set", "judged"):
        members = [t for t in deltas if every[t][0] == group]
        if members:
            d = np.mean([deltas[t] for t in members], axis=0)
            print(f"auto Δ vs source_only, the {len(members)} '{group}' tasks' average: "
                  f"{d.mean():+.1f} ± {d.std():.1f} (over seeds)")
    return table


if __name__ == "__main__":
    main()
