"""A real table no default saw, through the command line: penguins' sex across species.

    python benchmarks/files_penguins.py [--methods all,auto] [--tasks all] [--seeds 3]
        [--jobs 2] [--out results/files_penguins]

The Palmer penguins (Gorman, Williams & Fraser, PLoS ONE 2014; CC0; the `palmerpenguins`
package's raw export, `pip install palmerpenguins`, setup.cfg's `examples` extra): 344
penguins of three species. The task is each bird's sex from its measurements, learnt on one
species (the labelled source) and applied to another (the target) — a covariate shift of
the kind users bring: a Gentoo female outweighs an Adelie male, so a size rule learnt on
Adelie calls most Gentoo male. Six tasks, every ordered pair of species (Adelie 146,
Chinstrap 68, Gentoo 119 birds of known sex).

Each species' file is the raw export as a user has it, less four columns: "Individual ID" (an
identifier: the reader refuses it, naming it), "Sample Number" (a row number), "Date Egg" (a
date) and "Comments" (free-text notes), and less the 11 birds of unknown sex (nothing to
score them by). What is left needs this project's table handling: text categories
("studyName", "Island", "Clutch Completion", and "Region" / "Stage", one value each),
missing isotope values (`--missing mean`), grams beside millimetres (`--standardize auto`
z-scores them).

Every pair runs `tftransfer run --label-column Sex --missing mean` in a fresh process, every
method with its defaults. Selection: none — the model at the end of training; auto picks
with honest validators; target labels only score; target_only and finetune (which read
target labels) are marked ORACLE. Prints each method's target accuracy (%) per task, mean ±
std over seeds, the average over tasks, and Δ against source_only (seed by seed).
"""

from __future__ import annotations

import argparse
import importlib.resources
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tftransfer.results import markdown_table  # noqa: E402

SPECIES = ("Adelie", "Chinstrap", "Gentoo")
TASKS = tuple(f"{s}->{t}" for s in SPECIES for t in SPECIES if s != t)
DROPPED = ("Individual ID", "Sample Number", "Date Egg", "Comments")
#: Methods that read target labels: reported, marked, never compared as adaptation.
ORACLES = {"target_only": "target_only (ORACLE: all target labels)",
           "finetune": "finetune (ORACLE: 3 target labels/class)"}


def raw_export() -> pd.DataFrame:
    """The palmerpenguins package's raw export (penguins-raw.csv)."""
    if importlib.util.find_spec("palmerpenguins") is None:
        raise SystemExit("this benchmark reads the palmerpenguins package's data: pip install "
                         "palmerpenguins (or pip install -e '.[examples]')")
    path = importlib.resources.files("palmerpenguins") / "data" / "penguins-raw.csv"
    with importlib.resources.as_file(path) as file:
        return pd.read_csv(file)


def write_species(folder: Path) -> dict:
    """One CSV per species (label column "Sex"), as described above; name -> path."""
    frame = raw_export()
    frame = frame[frame["Sex"].isin(["MALE", "FEMALE"])].drop(columns=list(DROPPED))
    species = frame.pop("Species").str.split(" ").str[0]
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in SPECIES:
        paths[name] = folder / f"{name}.csv"
        frame[species == name].to_csv(paths[name], index=False)
    return paths


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", default="all,auto")
    parser.add_argument("--tasks", default="all", help=f"'all' or some of {', '.join(TASKS)}")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="results/files_penguins")
    args = parser.parse_args(argv)
    tasks = TASKS if args.tasks == "all" else tuple(t for t in args.tasks.split(",") if t)
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        parser.error(f"unknown task(s) {unknown}; valid: {', '.join(TASKS)}")
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    out = Path(args.out)
    paths = write_species(out / "files")
    records = []
    for task in tasks:
        source, target = task.split("->")
        folder = out / task.replace("->", "_to_")
        command = [sys.executable, "-m", "tftransfer", "run", "--source", str(paths[source]),
                   "--target", str(paths[target]), "--label-column", "Sex", "--missing",
                   "mean", "--methods", args.methods, "--seeds", str(args.seeds), "--jobs",
                   str(args.jobs), "--no-report", "--quiet", "--out", str(folder)]
        start = time.perf_counter()
        if subprocess.run(command).returncode:  # its own message is above
            parser.error(f"{task}: `tftransfer run` failed")
        print(f"{task}: {time.perf_counter() - start:.0f} s", flush=True)
        results = pd.read_csv(folder / "results.csv")
        records.append(results.assign(task=task)[["task", "method", "seed", "target_accuracy"]])
    runs = pd.concat(records, ignore_index=True)
    runs["target_accuracy"] *= 100
    methods = list(dict.fromkeys(runs["method"]))
    cell = runs.groupby(["method", "task"])["target_accuracy"]
    mean, std = cell.mean(), cell.std(ddof=0)
    # Δ against source_only seed by seed, on the average over tasks.
    per_seed = runs.groupby(["method", "seed"])["target_accuracy"].mean().unstack("seed")
    delta = per_seed.sub(per_seed.loc["source_only"], axis=1)
    rows = {}
    for method in methods:
        row = {t: f"{mean[method, t]:.1f} ± {std[method, t]:.1f}" for t in tasks}
        row["average"] = f"{per_seed.loc[method].mean():.1f} ± {per_seed.loc[method].std(ddof=0):.1f}"
        d = delta.loc[method]
        row["Δ vs source_only"] = ("" if method == "source_only"
                                   else f"{d.mean():+.1f} ± {d.std(ddof=0):.1f}")
        rows[ORACLES.get(method, method)] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "method"
    print(f"\nPenguins' sex across species: target accuracy (%), mean ± std over {args.seeds} "
          "seed(s); selection: none (auto: honest validators; ORACLE rows read target labels):\n")
    print(markdown_table(table), flush=True)
    return table


if __name__ == "__main__":
    main()
