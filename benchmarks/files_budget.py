"""The command line on a user's raw files: its default budget against 20 passes of 64.

    python benchmarks/files_budget.py [--budgets default,passes] [--inputs raw]
        [--methods source_only,dann,cdan,mdd,mcc] [--seeds 2] [--jobs 2]
        [--data-dir ../shared/data] [--out results/files_budget]

What a user who brings two files gets from `tftransfer run`, measured on eight tasks of six
benchmarks written as such files: the features *as the data files store them* (Office-Caltech
SURF and MSRC/VOC visual-word counts, DeCAF6 activations, MNIST/USPS pixels in [0, 1],
Reuters term weights over the 1,000 most frequent terms), not the benchmark modules'
preprocessing. Tasks: Office-Caltech A→W, D→W, C→A; MSRC→VOC, VOC→MSRC; DeCAF D→W;
MNIST→USPS; Reuters orgs vs people.

Budgets (`tftransfer run` flags): "default" — the command's defaults, 10 epochs of
max(50, one pass over the larger file) steps of 32, the benchmark modules' budget that
every method's defaults were chosen with; "passes" — `--epochs 20 --batch-size 64
--steps-per-epoch 1`, 20 passes over the larger file (the command's default before
2026-12-05, still `RunConfig`'s). Inputs: "raw" (as stored), or each feature z-scored
"domain_z" within its own file, "pooled_z" over both files, "source_z" with the source's
statistics (features of zero spread become 0).

Every run is `python -m tftransfer run --source S --target T --methods M --seeds N` in a
fresh process, with every method's defaults. Selection: none — the model at the end of
training; auto picks with honest validators. Target labels only score. Prints, per budget
and input, each method's target accuracy (%) averaged over the tasks, mean ± std over seeds,
and the tasks' table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tftransfer.data import benchmarks  # noqa: E402
from tftransfer.data.loaders import default_data_dir  # noqa: E402
from tftransfer.results import markdown_table  # noqa: E402

BUDGETS = {"default": [], "passes": ["--epochs", "20", "--batch-size", "64",
                                     "--steps-per-epoch", "1"]}
INPUTS = ("raw", "domain_z", "pooled_z", "source_z")
TASKS = (("A", "W"), ("D", "W"), ("C", "A"), ("MSRC", "VOC"), ("VOC", "MSRC"),
         ("decaf_D", "decaf_W"), ("MNIST", "USPS"), ("reuters_orgs", "reuters_people"))


def raw_domains(data_dir) -> dict:
    """name -> (x float32 (n, d), y int) of every domain, as the data files store it."""
    out = {}
    for letter in "AWDC":
        d = benchmarks.load_office_caltech_surf(letter, data_dir, preprocess=False)
        out[letter] = (d.x, d.y)
    for name in ("MSRC", "VOC"):
        d = benchmarks.load_msrc_voc(name, data_dir, preprocess=False)
        out[name] = (d.x, d.y)
    for letter, name in (("D", "dslr"), ("W", "webcam")):
        d = benchmarks.load_decaf(name, data_dir)
        out[f"decaf_{letter}"] = (d.x, d.y)
    for name in ("MNIST", "USPS"):
        d = benchmarks.load_mnist_usps_jda(name, data_dir)
        out[name] = (d.x.reshape(len(d.x), -1), d.y)
    orgs, people = benchmarks.load_reuters("org_vs_people", data_dir, l2_normalize=False)
    out["reuters_orgs"], out["reuters_people"] = (orgs.x, orgs.y), (people.x, people.y)
    return out


def _z(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    z = (x - mean) / np.where(std == 0, 1.0, std)
    z[:, std == 0] = 0.0
    return z


def transformed(xs: np.ndarray, xt: np.ndarray, inputs: str):
    xs, xt = xs.astype(np.float64), xt.astype(np.float64)
    if inputs == "domain_z":
        xs, xt = _z(xs, xs.mean(0), xs.std(0)), _z(xt, xt.mean(0), xt.std(0))
    elif inputs == "pooled_z":
        both = np.vstack([xs, xt])
        xs, xt = _z(xs, both.mean(0), both.std(0)), _z(xt, both.mean(0), both.std(0))
    elif inputs == "source_z":
        xs, xt = _z(xs, xs.mean(0), xs.std(0)), _z(xt, xs.mean(0), xs.std(0))
    return xs.astype(np.float32), xt.astype(np.float32)


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budgets", default="default,passes")
    parser.add_argument("--inputs", default="raw")
    parser.add_argument("--methods", default="source_only,dann,cdan,mdd,mcc")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", default="results/files_budget")
    args = parser.parse_args(argv)
    budgets = [b for b in args.budgets.split(",") if b]
    inputs = [i for i in args.inputs.split(",") if i]
    for name, valid in ((budgets, BUDGETS), (inputs, INPUTS)):
        unknown = [n for n in name if n not in valid]
        if unknown:
            parser.error(f"unknown {unknown}; valid: {', '.join(valid)}")
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    try:
        domains = raw_domains(args.data_dir or default_data_dir())
    except (FileNotFoundError, ValueError) as error:  # a missing folder or file: one line
        parser.error(str(error))
    out = Path(args.out)
    rows = []
    for source, target in TASKS:
        task = f"{source}-{target}"
        for kind in inputs:
            folder = out / "files" / kind / task
            folder.mkdir(parents=True, exist_ok=True)
            xs, xt = transformed(domains[source][0], domains[target][0], kind)
            np.savez(folder / "source.npz", x=xs, y=domains[source][1])
            np.savez(folder / "target.npz", x=xt, y=domains[target][1])
            for budget in budgets:
                results = out / "runs" / kind / budget / task
                command = [sys.executable, "-m", "tftransfer", "run", "--source",
                           str(folder / "source.npz"), "--target", str(folder / "target.npz"),
                           "--labels", "zero_based", "--methods", args.methods, "--seeds",
                           str(args.seeds), "--jobs", str(args.jobs), "--no-report", "--quiet",
                           "--out", str(results), *BUDGETS[budget]]
                start = time.perf_counter()
                done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
                if done.returncode:
                    raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
                print(f"{kind} {budget} {task}: {time.perf_counter() - start:.0f} s", flush=True)
                frame = pd.read_csv(results / "results.csv")
                rows += [{"inputs": kind, "budget": budget, "task": task, "method": r.method,
                          "seed": r.seed, "accuracy": 100 * r.target_accuracy,
                          "train_seconds": r.train_seconds} for r in frame.itertuples()]
    table = pd.DataFrame(rows)
    summarise(table)
    return table


def summarise(table: pd.DataFrame) -> None:
    """Prints the task-averaged table (mean ± std over seeds, ddof 0), seconds, per task."""
    by_seed = table.groupby(["inputs", "budget", "method", "seed"]).accuracy.mean()
    summary = by_seed.groupby(["inputs", "budget", "method"]).agg(["mean", lambda v: v.std(ddof=0)])
    summary.columns = ["mean", "std"]
    cells = summary.apply(lambda r: f"{r['mean']:.1f} ± {r['std']:.1f}", axis=1).unstack(
        ["inputs", "budget"])
    cells.columns = [f"{kind}, {budget}" for kind, budget in cells.columns]
    print("\nTarget accuracy (%) averaged over the 8 tasks, mean ± std over seeds:\n")
    print(markdown_table(cells))
    seconds = table.groupby(["inputs", "budget"]).train_seconds.sum().round(0)
    print("\nSummed train seconds:", {f"{k}, {b}": v for (k, b), v in seconds.items()})
    tasks = table.groupby(["task", "method", "inputs", "budget"]).accuracy.mean().round(1)
    tasks = tasks.unstack(["inputs", "budget"])
    tasks.columns = [f"{kind}, {budget}" for kind, budget in tasks.columns]
    tasks.index = [f"{task} {method}" for task, method in tasks.index]
    print("\nPer task (mean over seeds):\n")
    print(markdown_table(tasks))


if __name__ == "__main__":
    main()
