"""The command line on features far from the unit scale: as given, rescaled by default, z-scored.

    python benchmarks/files_scale.py [--tables income,pixels] [--settings none,auto,pooled]
        [--methods source_only,dann,mcc,auto] [--seeds 3] [--jobs 2]
        [--data-dir ../shared/data] [--out results/files_scale]

Two users' files, each run with `tftransfer run --standardize SETTING` in a fresh process,
every method with its defaults:
- "income": a seeded table, 3 classes, 4 columns in different units — an income-like one
  (about 5e4 + 2e4 · class, spread 1e4), an age-like one (40 + 5 · class, spread 8), one of
  values up to about 1.4e6 (uniform, class-dependent offset) and one of noise — 300 source
  rows; the 250 target rows are shifted (incomes +5,000). The default (`auto`) z-scores it.
- "pixels": MNIST→USPS (the JDA files' 16 × 16 images, 2,000 and 1,800) flattened and
  stored as 0..255, as image tables often are. The default divides them by one scale.
Settings: "none" (as given), "auto" (the default), "pooled" (each feature z-scored), "scale"
(all divided by their root mean square). Selection: none — the model at the end of training;
auto picks with honest validators. Target labels only score. Prints each method's target
accuracy (%), mean ± std over seeds, per table and setting.
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

SETTINGS = ("none", "auto", "pooled", "scale")
TABLES = ("income", "pixels")


def write_income(folder: Path) -> tuple:
    """The income table's source and target CSV files (label column "label")."""
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


def write_pixels(folder: Path, data_dir) -> tuple:
    """MNIST and USPS (the JDA files) as 0..255 pixel rows in npz files (x, y)."""
    from tftransfer.data import benchmarks

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ("MNIST", "USPS"):
        domain = benchmarks.load_mnist_usps_jda(name, data_dir)
        path = folder / f"{name}.npz"
        np.savez(path, x=(255 * domain.x.reshape(len(domain.x), -1)).astype(np.float32),
                 y=domain.y)
        paths.append(path)
    return tuple(paths)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--settings", default="none,auto,pooled")
    parser.add_argument("--methods", default="source_only,dann,mcc,auto")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", default="results/files_scale")
    args = parser.parse_args(argv)
    tables = [t for t in args.tables.split(",") if t]
    settings = [s for s in args.settings.split(",") if s]
    for names, valid in ((tables, TABLES), (settings, SETTINGS)):
        unknown = [n for n in names if n not in valid]
        if unknown:
            parser.error(f"unknown {unknown}; valid: {', '.join(valid)}")
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    out = Path(args.out)
    tables_out = {}
    for table_name in tables:
        source, target = (write_income(out / "income") if table_name == "income"
                          else write_pixels(out / "pixels", args.data_dir))
        rows = {}
        for setting in settings:
            folder = out / f"{table_name}_{setting}"
            command = [sys.executable, "-m", "tftransfer", "run", "--source", str(source),
                       "--target", str(target), "--methods", args.methods, "--seeds",
                       str(args.seeds), "--jobs", str(args.jobs), "--standardize", setting,
                       "--no-report", "--quiet", "--out", str(folder)]
            start = time.perf_counter()
            if subprocess.run(command).returncode:  # its own message is above
                parser.error(f"{table_name}, --standardize {setting}: `tftransfer run` failed")
            print(f"{table_name}, --standardize {setting}: {time.perf_counter() - start:.0f} s",
                  flush=True)
            results = pd.read_csv(folder / "results.csv")
            by_method = results.groupby("method", sort=False)["target_accuracy"]
            rows[f"--standardize {setting}"] = {
                m: f"{100 * a.mean():.1f} ± {100 * a.std(ddof=0):.1f}" for m, a in by_method}
        table = pd.DataFrame(rows)
        table.index.name = "method"
        tables_out[table_name] = table
        print(f"\n{table_name}: target accuracy (%), mean ± std over seeds (selection: none; "
              "auto: honest validators):\n")
        print(markdown_table(table), flush=True)
    return tables_out


if __name__ == "__main__":
    main()
