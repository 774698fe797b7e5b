"""Regression transfer: the cubic covariate-shift task and diabetes split by a covariate.

    python -m experiments.regression [--tasks cubic->cubic_shifted,diabetes:bmi_low->bmi_high]
        [--seeds 3] [--target-labels 10] [--epochs 60] [--shallow-only] [--out results/regression]

Tasks: "cubic->cubic_shifted" (`tftransfer.data.builtin`: y = −x + x³ + N(0, 0.3²),
x ~ N(0.5, 0.5²) in the source and N(0, 0.3²) in the target, Shimodaira 2000; 400 points a
domain) and the six diabetes tasks (`tftransfer.data.diabetes`: scikit-learn's 442 patients
split by sex, by age < 50 and by body-mass index < 25.7; 9-10 raw variables; target: disease
progression after one year). Splits: 20% source validation, 50% target test, seeded by the
seed; inputs and targets standardised with the source training statistics (no target
label read), RMSE reported in the original units. Mean ± std over the seeds.

Rows (hyperparameters fixed beforehand; nothing is selected on target labels; the model at
the end of training is reported):
  * ridge (α = 1): source-only; importance-weighted by a domain classifier (logistic
    regression, out of fold) or by KMM; with the EXACT density ratio (cubic only: it is
    known there); pooled with k labelled target examples; TrAdaBoost.R2 (20 rounds) and
    two-stage TrAdaBoost.R2 (10 steps × 10 AdaBoost.R2' rounds, 5 folds) with k target
    labels and ridge base learners; target-only on the k labels; ORACLE target-only on
    every target training label.
  * MLP (the engine, 32-16 ReLU, no bottleneck, Adam 1e-3, batch 32, `--epochs` passes):
    source-only; source-only with domain-classifier importance weights; DANN (a 32-unit
    discriminator), DAN (MK-MMD), Deep CORAL; fine-tuning with L2-SP (α = 0.01) on the k
    labels after source pretraining; ORACLE target-only on every target training label.
k = `--target-labels` labelled target examples drawn from the target training split (the
same draw for every row of a seed); the other rows read no target label.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

from experiments.cells import CellStore
from experiments.mean_std_tables import mean_std_markdown, write_records
from tftransfer.data.builtin import REGRESSION_TASKS, cubic_density_ratio, load_task
from tftransfer.data.diabetes import DIABETES_TASKS, diabetes_task
from tftransfer.data.domains import Domain, TransferTask
from tftransfer.io import write_text_atomic

TASKS = REGRESSION_TASKS + DIABETES_TASKS
SHALLOW = ["ridge source-only", "ridge + IW (domain classifier)", "ridge + IW (KMM)",
           "ridge + IW (exact ratio)", "ridge source + k target", "TrAdaBoost.R2 (k)",
           "two-stage TrAdaBoost.R2 (k)", "ridge target-only (k)",
           "ridge target-only ORACLE (all)"]
DEEP = ["MLP source-only", "MLP + IW (domain classifier)", "MLP DANN", "MLP DAN",
        "MLP Deep CORAL", "MLP fine-tune L2-SP (k)", "MLP target-only ORACLE (all)"]


def load(name: str, seed: int) -> TransferTask:
    """The task `name` (one of `TASKS`) split with `seed`."""
    return load_task(name, seed=seed) if name in REGRESSION_TASKS else diabetes_task(name,
                                                                                       seed=seed)


class Standardised:
    """The task with inputs and targets standardised by the source training statistics."""

    def __init__(self, task: TransferTask):
        self.raw = task
        source = task.source_train
        self.x_mean, self.x_std = source.x.mean(0), source.x.std(0) + 1e-8
        self.y_mean, self.y_std = float(source.y.mean()), float(source.y.std())

        def domain(d: Domain) -> Domain:
            y = None if d.y is None else (d.y - self.y_mean) / self.y_std
            return Domain(d.name, (d.x - self.x_mean) / self.x_std, y, task="regression")

        self.task = TransferTask(task.name, *(domain(getattr(task, s)) for s in
                                              ("source_train", "source_val", "target_train",
                                               "target_test")))

    def rmse(self, standardised_predictions) -> float:
        """RMSE on the target test split in the original units."""
        p = np.asarray(standardised_predictions, np.float64).reshape(-1)
        return float(np.sqrt(np.mean((p * self.y_std + self.y_mean - self.raw.target_test.y) ** 2)))


def shallow_rows(data: Standardised, seed: int, k: int, name: str) -> Dict[str, float]:
    """Target test RMSE of each ridge / instance-transfer row of `SHALLOW` on one task."""
    from sklearn.linear_model import Ridge

    from tftransfer.instance import (TrAdaBoostR2, TwoStageTrAdaBoostR2,
                                     domain_classifier_weights, kmm_weights)

    t = data.task
    xs, ys, xt = t.source_train.x, t.source_train.y, t.target_train.x
    few = t.target_labelled_subset(k, seed)
    test = t.target_test.x

    def ridge(x, y, w=None):
        return data.rmse(Ridge(alpha=1.0).fit(x, y, sample_weight=w).predict(test))

    rows = {
        "ridge source-only": ridge(xs, ys),
        "ridge + IW (domain classifier)": ridge(xs, ys, domain_classifier_weights(xs, xt,
                                                                                  seed=seed)),
        "ridge + IW (KMM)": ridge(xs, ys, kmm_weights(xs, xt)),
        "ridge source + k target": ridge(np.vstack([xs, few.x]), np.r_[ys, few.y]),
        "TrAdaBoost.R2 (k)": data.rmse(TrAdaBoostR2(Ridge(alpha=1.0), n_estimators=20, seed=seed)
                                       .fit(xs, ys, few.x, few.y).predict(test)),
        "two-stage TrAdaBoost.R2 (k)": data.rmse(
            TwoStageTrAdaBoostR2(Ridge(alpha=1.0), n_estimators=10, n_estimators_stage1=10,
                                 cv=5, seed=seed).fit(xs, ys, few.x, few.y).predict(test)),
        "ridge target-only (k)": ridge(few.x, few.y),
        "ridge target-only ORACLE (all)": ridge(xt, t.target_train.y),
    }
    if name in REGRESSION_TASKS:  # the density ratio is known in closed form (raw inputs)
        rows["ridge + IW (exact ratio)"] = ridge(xs, ys, cubic_density_ratio(
            data.raw.source_train.x))
    return rows


def deep_rows(data: Standardised, seed: int, k: int, epochs: int,
              skip: Sequence[str] = (), on_row: Optional[Callable[[str, float], None]] = None
              ) -> Dict[str, float]:
    """Target test RMSE of each MLP row of `DEEP` (the engine) on one task.

    Rows in `skip` are not trained (each row starts from a cleared session and `seed`, so the
    others do not change); `on_row(label, rmse)` is called as each row finishes."""
    import keras

    from tftransfer import backbones, methods
    from tftransfer.instance import domain_classifier_weights
    from tftransfer.regression.fit import fit_regression_task, predict

    t = data.task
    weights = domain_classifier_weights(t.source_train.x, t.target_train.x, seed=seed)
    plan = {
        "MLP source-only": ("source_only", {}, {}),
        "MLP + IW (domain classifier)": ("source_only", {}, {"source_weights": weights}),
        "MLP DANN": ("dann", {"discriminator_units": (32,)}, {}),
        "MLP DAN": ("dan", {}, {}),
        "MLP Deep CORAL": ("deep_coral", {}, {}),
        "MLP fine-tune L2-SP (k)": ("finetune", {"l2sp_alpha": 0.01},
                                    {"target_labels": k}),
        "MLP target-only ORACLE (all)": ("source_only", {}, {"protocol": "target"}),
    }
    rows = {}
    for label, (method, options, fit_options) in plan.items():
        if label in skip:
            continue
        keras.backend.clear_session()
        keras.utils.set_random_seed(seed)
        fe = backbones.get("mlp", input_shape=t.input_shape, units=(32, 16))
        model = methods.get(method)(fe, None, task="regression", bottleneck_units=0, **options)
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
        fit_regression_task(model, t, epochs=epochs, batch_size=32, seed=seed, **fit_options)
        rows[label] = data.rmse(predict(model, t.target_test.x))
        if on_row is not None:
            on_row(label, rows[label])
    return rows


def main(argv=None) -> str:
    """Runs the rows on every task and seed, writes `results.csv` and `summary.md` under
    `--out`, and returns the summary (markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--target-labels", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--shallow-only", action="store_true")
    parser.add_argument("--out", default="results/regression")
    args = parser.parse_args(argv)
    for option in ("seeds", "target_labels", "epochs"):
        if getattr(args, option) < 1:
            parser.error(f"--{option.replace('_', '-')} must be >= 1. "
                         f"Received: {getattr(args, option)}")
    tasks = [t for t in args.tasks.split(",") if t]
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown or not tasks:
        raise SystemExit(f"error: unknown tasks {unknown or tasks}; valid: {', '.join(TASKS)}")
    out = Path(args.out)
    # Each finished (task, method, seed) cell is stored at once; a rerun skips it.
    shallow_store = CellStore(out, {"target_labels": args.target_labels, "version": 1})
    deep_store = CellStore(out, {"target_labels": args.target_labels, "epochs": args.epochs,
                                 "version": 1})
    records: List[dict] = []
    for name in tasks:
        for seed in range(args.seeds):
            start = time.time()
            rows: Dict[str, float] = {}
            # The order of `shallow_rows` (the exact-ratio row last, cubic task only).
            shallow = [m for m in SHALLOW if "exact" not in m] + (
                ["ridge + IW (exact ratio)"] if name in REGRESSION_TASKS else [])
            deep = [] if args.shallow_only else DEEP
            done = {m: (shallow_store if m in SHALLOW else deep_store).get(name, m, seed)
                    for m in shallow + deep}
            done = {m: r["target_rmse"] for m, r in done.items() if r is not None}
            data = None
            if any(m not in done for m in shallow):
                data = Standardised(load(name, seed))
                for m, v in shallow_rows(data, seed, args.target_labels, name).items():
                    shallow_store.put(name, m, seed, {"task": name, "seed": seed, "method": m,
                                                      "target_rmse": v})
                    rows[m] = v
            if any(m not in done for m in deep):
                if data is None:
                    data = Standardised(load(name, seed))

                def store_row(m, v, name=name, seed=seed):
                    deep_store.put(name, m, seed, {"task": name, "seed": seed, "method": m,
                                                   "target_rmse": v})

                rows.update(deep_rows(data, seed, args.target_labels, args.epochs,
                                      skip=list(done), on_row=store_row))
            rows = {m: rows[m] if m in rows else done[m] for m in shallow + deep}
            records += [{"task": name, "seed": seed, "method": m, "target_rmse": v}
                        for m, v in rows.items()]
            print(f"{name} seed {seed}: " + ", ".join(f"{m} {v:.2f}" for m, v in rows.items())
                  + f" ({time.time() - start:.0f} s"
                  + (f", {len(done)} cells read back)" if done else ")"), flush=True)
    write_records(records, out / "results.csv")
    methods = SHALLOW + ([] if args.shallow_only else DEEP)
    for r in records:
        r["task"] = r["task"].replace("diabetes:", "")
    cubic = [t for t in tasks if t in REGRESSION_TASKS]
    diabetes = [t.replace("diabetes:", "") for t in tasks if t in DIABETES_TASKS]
    command = ("python -m experiments.regression"
               + ("" if tasks == list(TASKS) else f" --tasks {','.join(tasks)}")
               + f" --seeds {args.seeds} --target-labels "
               f"{args.target_labels} --epochs {args.epochs}"
               f"{' --shallow-only' if args.shallow_only else ''}")
    text = (f"# Regression transfer: target RMSE (lower is better), mean ± std over "
            f"{args.seeds} seeds, k = {args.target_labels} target labels\n\n"
            f"Command: {command}\n\nRows marked ORACLE read every target training label; "
            "(k) rows read k target labels; the others none.\n")
    if cubic:
        text += ("\n## Synthetic covariate shift (y units; noise σ = 0.3)\n\n"
                 + mean_std_markdown(records, "target_rmse", cubic, methods, digits=3,
                                     average=False) + "\n")
    if diabetes:
        text += ("\n## Diabetes split by a covariate (disease-progression units; target "
                 "standard deviation 77)\n\n"
                 + mean_std_markdown(records, "target_rmse", diabetes,
                                     [m for m in methods if "exact" not in m], digits=1) + "\n")
    write_text_atomic(out / "summary.md", text)
    print(text)
    return text


if __name__ == "__main__":
    main()
