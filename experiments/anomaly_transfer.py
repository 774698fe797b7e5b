"""Anomaly detection transfer: a one-class detector of one domain aligned to another (ROC-AUC).

    python -m experiments.anomaly_transfer [--tasks M->U,U->M,two_machines] [--digits 0-4]
        [--seeds 3] [--steps 100] [--methods ...] [--out results/anomaly_transfer]

Tasks (`tftransfer.anomaly.tasks`, transductive; the split is documented there):
  * "M->U" and "U->M": MNIST/USPS of the JDA benchmark (16x16, 256 grey values). One task
    per normal digit (`--digits`): the source is every image of that digit in the source
    domain (labelled normal), the target every image of it in the target domain plus 10 %
    anomalies drawn, with the seed, from the target's other nine digits. The column of a
    direction is the mean over its digits, per seed. The default digits are 0-4 (fixed
    before any run, to keep the default run near 10 minutes on 2 cores); `--digits 0-9`
    runs all ten.
  * "two_machines": the synthetic operating-point shift (8 features, 300 normal points of
    machine A; 270 normal points and 30 faults of machine B).

Rows (Deep SVDD, Ruff et al. ICML 2018: bias-free MLP 64-16 with leaky ReLU, centre = mean
initial source feature, weight decay 1e-6, Adam 1e-3, batch 64 per domain, `--steps` steps;
score = squared distance to the centre; every hyperparameter fixed beforehand — the
alignment weight λ = 1 is the project's default for Deep CORAL and DAN; no epoch or value
is selected on target labels, the model at the end of training is scored):
  * source-only: trained on the source normals;
  * Deep CORAL-aligned / MK-MMD-aligned: + λ · CORAL or MK-MMD between the source and
    target features of each batch (target unlabelled);
  * target-only, unlabelled: trained on the whole contaminated target without labels (the
    plain unsupervised detector of machine B; reads no label);
  * target-only ORACLE: trained on the target's normal points only (reads target labels).

ROC-AUC (%) on the target, mean ± std over seeds. Each finished (task, method, seed) cell is
written at once (atomically) under `--out/cells/<settings>/`; a rerun with the same
settings skips the finished cells.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from experiments.cells import CellStore
from experiments.mean_std_tables import mean_std_markdown, write_records
from tftransfer.io import write_text_atomic

DIRECTIONS = ("M->U", "U->M")
TASKS = DIRECTIONS + ("two_machines",)
METHODS = {  # row label -> (training data, alignment)
    "source-only": ("source", "none"),
    "Deep CORAL-aligned": ("source", "coral"),
    "MK-MMD-aligned": ("source", "mmd"),
    "target-only, unlabelled (contaminated target)": ("target", "none"),
    "target-only ORACLE (target normals)": ("target_normal", "none"),
}
METHOD_KEYS = {"source_only": "source-only", "coral": "Deep CORAL-aligned",
               "mmd": "MK-MMD-aligned", "target_unlabelled": "target-only, unlabelled "
               "(contaminated target)", "oracle": "target-only ORACLE (target normals)"}
UNITS = (64, 16)
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-6
ALIGNMENT_WEIGHT = 1.0


def parse_digits(value: str) -> List[int]:
    """"0-9" or "0,3,7" as a sorted list of digits."""
    try:
        if "-" in value:
            low, high = (int(v) for v in value.split("-"))
            digits = list(range(low, high + 1))
        else:
            digits = sorted({int(v) for v in value.split(",") if v.strip()})
    except ValueError:
        digits = []
    if not digits or min(digits) < 0 or max(digits) > 9:
        raise SystemExit(f"error: --digits must be a range like 0-9 or a list like 0,3,7 of "
                         f"digits 0..9. Received: {value!r}")
    return digits


def cell_names(tasks: Sequence[str], digits: Sequence[int]) -> List[str]:
    """The task cells: "M->U:0".. for the directions, "two_machines" as is."""
    return [f"{t}:{d}" for t in tasks if t in DIRECTIONS for d in digits] + [
        t for t in tasks if t not in DIRECTIONS]


def load_task(cell: str, seed: int, data_dir=None):
    from tftransfer.anomaly import digits_anomaly_task, two_machines_task

    if cell == "two_machines":
        return two_machines_task(seed)
    direction, digit = cell.split(":")
    return digits_anomaly_task(direction, int(digit), seed=seed, data_dir=data_dir)


def run_cell(task, method: str, seed: int, steps: int) -> float:
    """Target ROC-AUC (%) of the row `method` on `task`, trained with `seed`."""
    import keras

    from tftransfer.anomaly import AlignedDeepSVDD, fit_detector, roc_auc
    from tftransfer.reproducibility import set_seed

    data, alignment = METHODS[method]
    keras.backend.clear_session()
    set_seed(seed)
    model = AlignedDeepSVDD(units=UNITS, alignment=alignment, alignment_weight=ALIGNMENT_WEIGHT,
                            weight_decay=WEIGHT_DECAY)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))
    train_x = {"source": task.source_x, "target": task.target_x,
               "target_normal": task.target_normal_x}[data]
    fit_detector(model, train_x, task.target_x, steps=steps, batch_size=BATCH_SIZE, seed=seed)
    return 100.0 * roc_auc(task.target_is_anomaly, model.score(task.target_x))


def settings(steps: int) -> dict:
    """Everything besides (task, method, seed) that a cell's value depends on."""
    return {"steps": steps, "units": UNITS, "batch_size": BATCH_SIZE, "lr": LEARNING_RATE,
            "weight_decay": WEIGHT_DECAY, "lambda": ALIGNMENT_WEIGHT, "version": 1}


def main(argv=None) -> str:
    """Runs the grid (skipping finished cells), writes `results.csv` and `summary.md` under
    `--out`, and returns the summary (markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--digits", default="0-4", help="normal digits of the digits tasks "
                        "(default 0-4: all ten take about twice as long)")
    parser.add_argument("--methods", default=",".join(METHOD_KEYS),
                        help=f"comma-separated rows among {', '.join(METHOD_KEYS)}")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", default="results/anomaly_transfer")
    args = parser.parse_args(argv)
    for option in ("seeds", "steps"):
        if getattr(args, option) < 1:
            parser.error(f"--{option} must be >= 1. Received: {getattr(args, option)}")
    tasks = [t for t in args.tasks.split(",") if t]
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown or not tasks:
        raise SystemExit(f"error: unknown tasks {unknown or tasks}; valid: {', '.join(TASKS)}")
    keys = [m for m in args.methods.split(",") if m]
    bad = sorted(set(keys) - set(METHOD_KEYS))
    if bad or not keys:
        raise SystemExit(f"error: unknown methods {bad or keys}; valid: {', '.join(METHOD_KEYS)}")
    methods = [METHOD_KEYS[k] for k in METHOD_KEYS if k in keys]
    digits = parse_digits(args.digits)
    out = Path(args.out)
    store = CellStore(out, settings(args.steps))
    start = time.time()
    records: List[dict] = []
    computed = 0
    for cell in cell_names(tasks, digits):
        for seed in range(args.seeds):
            task = None
            for method in methods:
                key = next(k for k, v in METHOD_KEYS.items() if v == method)
                done = store.get(cell, key, seed)
                if done is not None:
                    records.append(done)
                    continue
                if task is None:
                    task = load_task(cell, seed, args.data_dir)
                t0 = time.time()
                record = {"task": cell, "seed": seed, "method": method,
                          "roc_auc": run_cell(task, method, seed, args.steps),
                          "seconds": round(time.time() - t0, 2)}
                store.put(cell, key, seed, record)
                records.append(record)
                computed += 1
                print(f"{cell} seed {seed} {method}: {record['roc_auc']:.1f} "
                      f"({record['seconds']:.1f} s)", flush=True)
    write_records(records, out / "results.csv")
    # A direction's value per seed: the mean over its digits.
    table_records: List[dict] = []
    columns = []
    for task in tasks:
        members = [r for r in records if r["task"] == task
                   or r["task"].startswith(f"{task}:")]
        columns.append(task)
        grouped: Dict[tuple, List[float]] = {}
        for r in members:
            grouped.setdefault((r["method"], r["seed"]), []).append(r["roc_auc"])
        table_records += [{"task": task, "method": m, "seed": s, "roc_auc": float(np.mean(v))}
                          for (m, s), v in grouped.items()]
    per_digit = [c for c in cell_names(tasks, digits) if ":" in c]
    command = ("python -m experiments.anomaly_transfer"
               + ("" if tasks == list(TASKS) else f" --tasks {','.join(tasks)}")
               + ("" if digits == list(range(5)) else f" --digits {args.digits}")
               + ("" if keys == list(METHOD_KEYS) else f" --methods {','.join(keys)}")
               + f" --seeds {args.seeds} --steps {args.steps}")
    text = (f"# Anomaly detection transfer: target ROC-AUC (%), mean ± std over {args.seeds} "
            f"seeds\n\nCommand: {command}\n\nDigits columns: the mean over the normal digits "
            f"{args.digits} of each seed. Only the ORACLE row reads target labels; "
            "hyperparameters fixed beforehand, the model at the end of training is scored.\n\n"
            + mean_std_markdown(table_records, "roc_auc", columns, methods, digits=1) + "\n")
    if per_digit:
        text += ("\n## Per normal digit\n\n"
                 + mean_std_markdown(records, "roc_auc", per_digit, methods, digits=1,
                                     average=False) + "\n")
    text += (f"\n{computed} cells trained in this run, {len(records) - computed} read back "
             f"from {store.folder}; wall time {time.time() - start:.0f} s.\n")
    write_text_atomic(out / "summary.md", text)
    print(text)
    return text


if __name__ == "__main__":
    main()
