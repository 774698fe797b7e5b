"""The command line on a table whose features are far from the unit scale, as given and z-scored.

    python benchmarks/files_scale.py [--methods source_only,dann,mcc,auto] [--seeds 3]
        [--jobs 2] [--out results/files_scale]

A user's table: 3 classes, 4 columns — an income-like one (about 5e4 + 2e4 · class, spread
1e4), an age-like one (40 + 5 · class, spread 8), one of values up to about 1.4e6 (uniform,
class-dependent offset) and one of noise — 300 source rows; the 250 target rows are shifted
(incomes +5,000). Seeded (NumPy 2): the same files every time.
`tftransfer run --standardize none` (features as given) against the default
`--standardize auto` (here: z-scored with the pooled mean and standard deviation of both
files, since a feature's root mean square exceeds 100), each in a fresh process, every
method with its defaults. Selection: none — the model at the end of training; auto picks with
honest validators. Target labels only score. Prints each method's target accuracy (%), mean ±
std over seeds, per setting.
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

from tftransfer.results import markdown_table  # noqa: E402

SETTINGS = ("none", "auto")


def write_table(folder: Path) -> tuple:
    """The source and target CSV files (label column "label"); returns their paths."""
    rng = np.random.default_rng(2)
    ys, yt = rng.integers(0, 3, 300), rng.integers(0, 3, 250)

    def features(y, shift):
        return np.column_stack([5e4 + 2e4 * y + 1e4 * rng.normal(size=len(y)) + 5e3 * shift,
                                40 + 5 * y + 8 * rng.normal(size=len(y)),
                                1e6 * (rng.random(len(y)) + 0.2 * y),
                                rng.normal(size=len(y))])

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for part, x, y in (("source", features(ys, 0), ys), ("target", features(yt, 1), yt)):
        frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(x.shape[1])]).assign(label=y)
        path = folder / f"{part}.csv"
        frame.to_csv(path, index=False)
        paths.append(path)
    return tuple(paths)


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", default="source_only,dann,mcc,auto")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="results/files_scale")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    out = Path(args.out)
    source, target = write_table(out / "data")
    rows = {}
    for setting in SETTINGS:
        folder = out / f"standardize_{setting}"
        command = [sys.executable, "-m", "tftransfer", "run", "--source", str(source),
                   "--target", str(target), "--methods", args.methods, "--seeds",
                   str(args.seeds), "--jobs", str(args.jobs), "--standardize", setting,
                   "--no-report", "--quiet", "--out", str(folder)]
        start = time.perf_counter()
        subprocess.run(command, check=True)
        print(f"--standardize {setting}: {time.perf_counter() - start:.0f} s", flush=True)
        results = pd.read_csv(folder / "results.csv")
        by_method = results.groupby("method", sort=False)["target_accuracy"]
        rows[setting] = {m: f"{100 * a.mean():.1f} ± {100 * a.std(ddof=0):.1f}"
                         for m, a in by_method}
    table = pd.DataFrame(rows)
    table.columns = [f"--standardize {s}" for s in SETTINGS]
    table.index.name = "method"
    print("\nTarget accuracy (%), mean ± std over seeds (selection: none; auto: honest "
          "validators):\n")
    print(markdown_table(table))
    return table


if __name__ == "__main__":
    main()
