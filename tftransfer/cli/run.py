"""`tftransfer run`: train methods on a source file and a target file, write results and a report.

Steps: read the files into one task (`tftransfer.data.files`), one `RunConfig` per method ×
seed (dataset "files", the files' content hash in `data_options`), train each into its run
directory (finished runs are read back: a killed command resumes), add auto's row when asked
(`tftransfer.auto`), write `results.csv`, `summary.md`, `predictions.csv`, `auto.json`,
`task.json`, then `report.html` / `report.md` (`tftransfer.report`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

from tftransfer import auto, backbones, methods, variants
from tftransfer.cli import inputs
from tftransfer.cli.class_shares import class_shares_note
from tftransfer.cli.errors import CommandFailed, UsageError, one_line
from tftransfer.cli.output import Output, duration
from tftransfer.cli.progress import EpochStatus, RunProgress
from tftransfer.cli.training import PREDICTIONS_FILE, RunOptions, run_all
from tftransfer.config import RunConfig
from tftransfer.data import pipeline
from tftransfer.io import write_json_atomic, write_text_atomic
from tftransfer.report import build_report, input_sample, save_sample, task_slug
from tftransfer.report.folder import SAMPLES_DIR, TASK_FILE
from tftransfer.results import write_results
from tftransfer.runner import RunStore, resolve

EXPERIMENT = "files"
SELECTION = ("the model at the end of training (no selection on target labels); auto: honest "
             "validators (tftransfer.auto), never target labels")


def parse_methods(value: str) -> List[str]:
    """`--methods`: variant names, "a+b" compositions, "auto", and "all" (every variant and
    auto), comma-separated; unknown names are a usage error listing the valid ones."""
    valid = f"{', '.join(variants.names())}, auto, all"
    items = []
    for item in (v.strip() for v in value.split(",")):
        # "all" may sit in a list ("all,coral+mcc"): every variant and auto, in its place.
        items += [*variants.names(), "auto"] if item == "all" else [item] if item else []
    items = list(dict.fromkeys(items))
    if not items:
        raise UsageError(f"no method in --methods {value!r}; valid methods: {valid}")
    for item in items:
        if item != "auto":
            try:
                variants.fields(item)
            except ValueError:
                raise UsageError(f"unknown method {item!r} in --methods; valid methods: {valid} "
                                 "(or 'a+b' of paired methods)") from None
    return items


def method_list(names: Sequence[str], n_samples: Optional[int] = None,
                n_features: Optional[int] = None) -> List[str]:
    """The variants to train: `names` without auto, plus auto's candidates when asked (the
    classical ones where they fit the data: `auto.candidates_for`)."""
    return auto.with_candidates(names, n_samples, n_features)


def target_labels_of(name: str) -> str:
    """Which target labels variant `name` trains on: "none", "few" or "all"."""
    if variants.is_shallow(name):
        return "none"
    return methods.get(variants.fields(name)["method"]).target_labels


def build_configs(task, data_options: dict, names: Sequence[str], args) -> List[RunConfig]:
    """One validated config per method × seed. Every method that reads no target label
    stores auto's honest validators (auto decides on them; the report flags negative
    transfer with them when the target has no labels)."""
    configs = []
    n_features = int(np.prod(task.input_shape))
    steps = pipeline.steps_per_epoch_at_least(args.steps_per_epoch, task.source_train.n,
                                              task.target_train.n, args.batch_size)
    for name in method_list(names, task.source_train.n + task.target_train.n, n_features):
        fields = variants.fields(name)
        target_labels = target_labels_of(name)
        if task.prediction_only and target_labels != "none":
            raise UsageError(f"method {name!r} trains on target labels and the target "
                             f"{task.files.get('target')!r} has none; drop it from --methods")
        if args.target_labels is not None and target_labels == "few":
            fields["target_labels_per_class"] = args.target_labels
        for seed in range(args.seeds):
            config = RunConfig(
                experiment=EXPERIMENT, task=task.name, dataset=inputs.DATASET, seed=seed,
                epochs=args.epochs, steps_per_epoch=steps, batch_size=args.batch_size,
                backbone=args.backbone,
                backbone_options=dict(args.backbone_option), data_options=dict(data_options),
                validators=tuple(auto.VALIDATORS) if target_labels == "none" else (),
                **fields)
            try:
                resolve(config)
            except (TypeError, ValueError) as error:
                raise UsageError(one_line(error)) from None
            configs.append(config)
    return configs


def add_auto_records(records: List[dict], out: Path) -> List[dict]:
    """`records` plus auto's row per seed whose candidates all finished; the decisions go to
    OUT/auto.json."""
    records, decisions = auto.add_auto_records(records)
    if decisions:
        write_json_atomic(out / "auto.json", auto.decisions_json(decisions))
    return records


def write_predictions(records: List[dict], out: Path) -> Path:
    """OUT/predictions.csv: a column per method (its lowest seed; auto: its pick's run) with
    the predicted class of every target test row, and the true label when known."""
    done = [r for r in records if r.get("status") == "done"]
    seed = min((int(r["seed"]) for r in done), default=0)
    columns: Dict[str, pd.Series] = {}
    label = None
    for record in sorted(done, key=lambda r: int(r["seed"])):
        if int(record["seed"]) != seed or record["method"] in columns:
            continue
        run_id = str(record["run_id"]).removeprefix("auto:")
        path = out / "runs" / run_id / PREDICTIONS_FILE
        if path.exists():
            frame = pd.read_csv(path, keep_default_na=False)
            columns[record["method"]] = frame["prediction"]
            if "label" in frame and label is None:
                label = frame["label"]
    table = pd.DataFrame(columns)
    table.insert(0, "row", range(len(table)))
    if label is not None:
        table["label"] = label
    write_text_atomic(out / PREDICTIONS_FILE, table.to_csv(index=False))
    return out / PREDICTIONS_FILE


def honest_summary(records: List[dict], out: Path, title: str, selection: str) -> str:
    """summary.md of a task without target labels: the honest scores instead of a target
    accuracy that does not exist (`results.write_results` tabulates target accuracy)."""
    from tftransfer.report.analysis import honest_scores_table
    from tftransfer.results import results_frame

    frame = results_frame(records)
    lines = [f"## {title}", "", f"Selection: {selection}", "",
             "The target has no labels: no target accuracy exists. Honest scores (no target "
             "label read; higher is better), mean ± std over seeds; the predictions are in "
             f"{PREDICTIONS_FILE}.", ""]
    if frame.empty:
        lines.append("(no completed runs)")
    else:
        table = honest_scores_table(frame).reset_index()
        header = list(table.columns)
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in table.values]
    failures = [r for r in records if r.get("status") == "failed"]
    if failures:
        lines += ["", f"Failed runs ({len(failures)}):"]
        lines += [f"- {f['task']} {f['method']} seed={f['seed']}: {f['error']}" for f in failures]
    text = "\n".join(lines) + "\n"
    write_text_atomic(out / "summary.md", text)
    return text


def _protocol(task) -> str:
    if task.prediction_only:
        return "prediction only: the target has no labels (adapt to it and predict it)"
    if "target_test" in task.files:
        return "inductive: adapt on the target file, test on the target test file"
    return ("transductive: the target is the unlabelled adaptation data and, by its labels, the "
            "test set")


def load_inputs(args, output: Output):
    """The task of `--source/--target/--target-test` and its data options; the usage is
    checked first (methods, backbone), the files second."""
    options = inputs.data_options(args.source, args.target, args.target_test, format=args.format,
                                  label_column=args.label_column, labels=args.labels,
                                  allow_partial=args.allow_partial,
                                  standardize=args.standardize, missing=args.missing,
                                  reader_options=dict(args.read_option))
    output.line(f"reading {args.source} and {args.target}"
                f"{f' (test: {args.target_test})' if args.target_test else ''}...")
    try:
        task, options = inputs.load_files_task(options)
    except FileNotFoundError:
        raise
    except (TypeError, ValueError) as error:
        raise CommandFailed(one_line(error)) from None
    for note in task.notes:
        output.line(f"note: {note}")
    output.line(f"task {task.name}: source {task.source_train.n}+{task.source_val.n} "
                f"(train+val), target {task.target_train.n}, test "
                f"{'none (prediction only)' if task.prediction_only else task.target_test.n}; "
                f"{task.num_classes} classes; {_protocol(task).split(':')[0]}")
    return task, options


def check_backbone(spec: str) -> None:
    try:
        backbones.check_spec(spec)
    except (TypeError, ValueError) as error:
        raise UsageError(one_line(error)) from None


def run_command(args, output: Output) -> int:
    start = time.perf_counter()
    names = parse_methods(args.methods)
    check_backbone(args.backbone)
    task, options = load_inputs(args, output)
    if args.methods.strip() == "all" and task.prediction_only:
        unsupervised = set(variants.unsupervised())
        names = [n for n in names if n == "auto" or n in unsupervised]
        output.line("note: the target has no labels: --methods all runs the methods that read "
                    "no target label")
    configs = build_configs(task, options, names, args)
    return execute(configs, task, options, args, output, start,
                   title=f"tftransfer run: {task.name}", selection=SELECTION,
                   wants_auto="auto" in names)


def execute(configs: List[RunConfig], task, options: dict, args, output: Output, start: float,
            title: str, selection: str, wants_auto: bool) -> int:
    """Trains `configs` (resuming), writes the results, predictions and the report."""
    out = Path(args.out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(out / TASK_FILE, {
        "task": task.name, "files": dict(task.files), "formats": dict(task.formats),
        "class_names": list(task.class_names), "notes": list(task.notes),
        "protocol": _protocol(task), "prediction_only": task.prediction_only,
        "fingerprint": options["fingerprint"]})
    save_sample(out / SAMPLES_DIR / f"{task_slug(task.name)}.npz", input_sample(task))

    store = RunStore(out)
    cached = sum(store.is_done(c) for c in configs)
    labels = list(dict.fromkeys(c.label for c in configs))
    seeds = len({c.seed for c in configs})
    output.line(f"{len(configs)} runs ({', '.join(labels)} x {seeds} seed(s), "
                f"{configs[0].epochs} epochs of {configs[0].steps_per_epoch} steps of "
                f"{configs[0].batch_size}){f', {cached} already done' if cached else ''}; "
                f"results in {out}")
    progress = RunProgress(len(configs), output)
    callbacks_for = None
    if output.live and args.jobs == 1:
        def callbacks_for(config):
            return [EpochStatus(output, f"[{progress.counter.done + 1}/{len(configs)}] "
                                        f"{config.label} seed={config.seed}")]
    records = run_all(configs, task, RunOptions(str(out), args.tensorboard, 0), jobs=args.jobs,
                      on_record=progress.update, callbacks_for=callbacks_for)
    if wants_auto:
        records = add_auto_records(records, out)
    text = write_results(records, out, title=title, selection=selection)
    if task.prediction_only:
        text = honest_summary(records, out, title, selection)
    predictions = pd.read_csv(write_predictions(records, out), dtype=str, keep_default_na=False)
    shares = class_shares_note(task.class_names, np.concatenate(
        [task.source_train.y, task.source_val.y]), predictions)
    if shares:
        text = f"{text.rstrip()}\n\n{shares}\n"
        write_text_atomic(out / "summary.md", text)
    failed = [r for r in records if r.get("status") == "failed"]
    report = len(failed) < len(records) and not args.no_report
    if report:
        output.line("writing the report...")
        build_report(out, title=title, progress=output.line)
    output.line("")
    output.line(text.rstrip())
    for record in records:
        if record["method"] == "auto" and record.get("status") == "done":
            output.line(f"auto (seed {record['seed']}): {record['auto_pick']} — "
                        f"{record['auto_reason']}")
    written = ["results.csv", "summary.md", PREDICTIONS_FILE] + (["report.html"] if report else [])
    if args.tensorboard:
        written.append("tensorboard/")
    output.line(f"{len(records)} rows in {duration(time.perf_counter() - start)}; "
                f"{', '.join(str(out / w) for w in written)}")
    if failed:
        first = failed[0]
        raise CommandFailed(f"{len(failed)} of {len(records)} runs failed (first: "
                            f"{first['method']} seed={first['seed']}: {first['error']}); the "
                            f"others' results are in {out}; relaunch the same command to retry "
                            "only the failed runs")
    return 0
