"""Source-free and test-time adaptation (SHOT, SHOT-IM, TENT, AdaBN) against the methods that
see the source data, on the digits shifts and MNIST <-> USPS.

    python -m experiments.source_free [--benchmarks digits,mnist_usps] [--seeds 3]
        [--methods source_only,mcc,shot,shot_im,tent,adabn,tent_online,adabn_online]
        [--out results/source_free] [--data-dir ../shared/data]
        [--method-options '{"adaptation_epochs": 30}']

Each benchmark uses its experiment module's settings (`experiments.digits_shift.BASE`: MLP
128-64; `experiments.mnist_usps.BASE`: the project's LeNet, JDA protocol). The source-free
rows ("(source-free)") train the same backbone on the labelled source with the source recipe,
then DROP the source: the adaptation phase receives the unlabelled target training inputs
only (`tftransfer.training.source_free.fit_source_free`). Target labels are read only to
report accuracy; `source_model_target_accuracy` is the source-phase model's target accuracy
(before adaptation), reported for reference. Selection: none (the model at the end; SHOT's
source phase keeps its best source-validation epoch, read from source labels only).

The "(test-time, online)" rows are fully test-time adaptation (`tftransfer.test_time.adapt`):
the source_only model of the same seed is adapted on the target TEST stream itself, batch by
batch in the split's order (batch size of the run), and each batch is scored as it is adapted
on — no target training split, no source data, no second pass.

`--method-options` (a JSON object) overrides options of the source-free rows (not of the
baselines or the online rows), e.g. SHOT's `adaptation_epochs` or `pseudo_label_weight`; each
such run has its own run id, so it never reuses a default run's record.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import keras
import pandas as pd

from experiments.digits_shift import BASE as DIGITS_BASE
from experiments.mnist_usps import BASE as MNIST_USPS_BASE
from tftransfer import backbones, methods, test_time
from tftransfer.config import RunConfig
from tftransfer.data.builtin import DEFAULT_DIGITS_TASKS
from tftransfer.data.benchmarks import MNIST_USPS_TASKS
from tftransfer.data.loaders import default_data_dir
from tftransfer.reproducibility import set_seed
from tftransfer.results import summary_table, write_results
from tftransfer.runner import RunStore, run_grid
from tftransfer.runner.build import load_task
from tftransfer.runner.record import make_record
from tftransfer.runner.run import evaluate_run, train
from tftransfer.training import accuracy, steps_per_training_epoch
from tftransfer.training.source_free import fit_source_free

EXPERIMENT = "source_free"
SOURCE_FREE = {name: methods.SOURCE_FREE_METHODS.get(name) for name in methods.SOURCE_FREE_METHODS.names()}
BASELINES = ("source_only", "mcc")
ONLINE = {"tent_online": "tent", "adabn_online": "adabn"}
DEFAULT_METHODS = [*BASELINES, *SOURCE_FREE, *ONLINE]
BENCHMARKS = {
    "digits": ({**DIGITS_BASE, "dataset": "builtin"}, list(DEFAULT_DIGITS_TASKS)),
    "mnist_usps": ({**MNIST_USPS_BASE, "dataset": "mnist_usps"}, list(MNIST_USPS_TASKS)),
}
SELECTION = ("none — the model at the end of training (SHOT and SHOT-IM adapt the source "
             "epoch of best source validation accuracy, as their reference code); target labels "
             "only report accuracy. Source-free rows never see a source example after their "
             "source phase.")


class _SourceModelAccuracy(keras.callbacks.Callback):
    """Reports the source-phase model's target test accuracy (reporting only: the adaptation
    has not started and gets nothing from it)."""

    def __init__(self, domain, batch_size):
        super().__init__()
        self.domain, self.batch_size, self.value = domain, batch_size, math.nan

    def on_train_end(self, logs=None):
        if not self.model.adapting:
            self.value = accuracy(self.model, self.domain, self.batch_size)


def _method(name: str):
    """The registered source-free method when the lead's hooks are in, else this module's."""
    return methods.get(name) if name in methods.names() else SOURCE_FREE[name]


def run_source_free(config: RunConfig, out_dir) -> dict:
    """One source-free run, recorded like `runner.run` records (cached by run id)."""
    store = RunStore(out_dir)
    if store.is_done(config):
        return store.cached_record(config)
    store.start(config)
    method = _method(config.method)
    keras.backend.clear_session()
    set_seed(config.seed, deterministic=config.deterministic)
    task = load_task(config)
    feature_extractor = backbones.get(config.backbone, input_shape=task.input_shape,
                                      **dict(config.backbone_options))
    model = method(feature_extractor, num_classes=task.num_classes, **dict(config.method_options))
    steps = config.epochs * (config.steps_per_epoch
                             or steps_per_training_epoch("source", task, config.batch_size))
    model.compile(optimizer=method.recipe.updated(config.recipe).build_optimizer(steps))
    model.build((None,) + tuple(task.input_shape))
    probe = _SourceModelAccuracy(task.target_test, config.batch_size)
    start = time.perf_counter()
    history = fit_source_free(model, task, epochs=config.epochs, batch_size=config.batch_size,
                              seed=config.seed, steps_per_epoch=config.steps_per_epoch,
                              callbacks=[keras.callbacks.TerminateOnNaN(), probe])
    seconds = time.perf_counter() - start
    frame = pd.DataFrame(history.history)
    frame.insert(0, "epoch", range(1, len(frame) + 1))
    metrics = evaluate_run(model, task, config, method.target_labels, frame, seconds)
    record = make_record(config, "done", source_model_target_accuracy=probe.value, **metrics)
    store.finish(config, record, frame)
    return record


def run_online(config: RunConfig, out_dir) -> dict:
    """The source_only model of `config`'s seed, adapted at test time on the target test
    stream (`ONLINE[config.method]`), scored online."""
    store = RunStore(out_dir)
    if store.is_done(config):
        return store.cached_record(config)
    store.start(config)
    source_config = RunConfig.from_dict({**config.to_dict(), "method": "source_only"})
    model, task, frame, train_seconds = train(source_config)
    before = accuracy(model, task.target_test, config.batch_size)
    start = time.perf_counter()
    result = test_time.adapt(model, task.target_test.x, ONLINE[config.method],
                             batch_size=config.batch_size)
    seconds = time.perf_counter() - start
    record = make_record(config, "done", target_labels="none",
                         target_accuracy=float((result.predictions == task.target_test.y).mean()),
                         source_model_target_accuracy=before, train_seconds=train_seconds,
                         adapt_seconds=seconds, final_loss=float(frame["loss"].iloc[-1]))
    store.finish(config, record, frame)
    return record


def _markdown(table: pd.DataFrame) -> str:
    header = [table.index.name or ""] + [str(c) for c in table.columns]
    rows = [[str(i)] + [str(v) for v in row] for i, row in zip(table.index, table.values)]
    return "\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                     + ["| " + " | ".join(r) + " |" for r in rows])


def _method_options(parser: argparse.ArgumentParser, text) -> dict:
    """`--method-options` as a dict ({} when not given); bad JSON is a usage error."""
    if text is None:
        return {}
    try:
        options = json.loads(text)
    except json.JSONDecodeError as error:
        parser.error(f"--method-options must be a JSON object: {error}")
    if not isinstance(options, dict):
        parser.error("--method-options must be a JSON object, e.g. '{\"adaptation_epochs\": 30}'. "
                     f"Received: {text}")
    return options


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", default="digits,mnist_usps")
    parser.add_argument("--methods", default=",".join(DEFAULT_METHODS))
    parser.add_argument("--tasks", default=None, help="comma-separated tasks (default: all)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--out", default=f"results/{EXPERIMENT}")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--method-options", default=None,
                        help="JSON object of options for the source-free rows")
    args = parser.parse_args(argv)
    options = _method_options(parser, args.method_options)
    benchmarks = [b.strip() for b in args.benchmarks.split(",") if b.strip()]
    names = [m.strip() for m in args.methods.split(",") if m.strip()]
    for bad, valid, kind in ((set(benchmarks) - set(BENCHMARKS), BENCHMARKS, "benchmark"),
                             (set(names) - set(DEFAULT_METHODS), DEFAULT_METHODS, "method")):
        if bad:
            raise SystemExit(f"error: unknown {kind} {sorted(bad)}; valid: {', '.join(valid)}")
    for name in (n for n in names if n in SOURCE_FREE and options):
        try:
            _method(name).split_options(options)
        except ValueError as error:
            parser.error(f"--method-options: {error}")
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    texts = []
    for benchmark in benchmarks:
        base, all_tasks = BENCHMARKS[benchmark]
        tasks = all_tasks if args.tasks is None else [t for t in args.tasks.split(",")
                                                      if t in all_tasks]
        fields = {**base, "experiment": f"{EXPERIMENT}_{benchmark}"}
        if benchmark == "mnist_usps":
            fields["data_options"] = {"data_dir": str(Path(data_dir).resolve())}
        if args.epochs is not None:
            fields["epochs"] = args.epochs
        out = Path(args.out) / benchmark
        configs = [RunConfig.from_dict({**fields, "task": task, "method": name, "seed": seed,
                                        **({"method_options": options}
                                           if options and name in SOURCE_FREE else {})})
                   for task in tasks for name in names for seed in range(args.seeds)]
        start = time.perf_counter()
        records = run_grid([c for c in configs if c.method in BASELINES], out, jobs=1)
        for config in (c for c in configs if c.method in SOURCE_FREE or c.method in ONLINE):
            if config.method in ONLINE:
                record = run_online(config, out)
                label = f"{ONLINE[config.method]} (test-time, online)"
            else:
                record = run_source_free(config, out)
                label = f"{config.method} (source-free)"
            print(f"{config.task} {label} seed={config.seed}: "
                  f"{100 * record['target_accuracy']:.1f} (source model "
                  f"{100 * record['source_model_target_accuracy']:.1f})", flush=True)
            records.append({**record, "method": label})
        frame = pd.DataFrame([r for r in records if r.get("status", "done") == "done"])
        free = frame[~frame["method"].isin(BASELINES)] if not frame.empty else frame
        appendix = ""
        if not free.empty:
            appendix = ("### The source models of the source-free and test-time rows, before "
                        "adaptation (target accuracy %)\n\n"
                        + _markdown(summary_table(free, "source_model_target_accuracy")) + "\n")
        text = write_results(records, out, title=f"{EXPERIMENT} ({benchmark})",
                             selection=SELECTION, appendix=appendix)
        print(text)
        print(f"{len(records)} runs in {time.perf_counter() - start:.0f}s; results in "
              f"{out}/results.csv, {out}/summary.md")
        texts.append(text)
    return "\n".join(texts)


if __name__ == "__main__":
    main()
