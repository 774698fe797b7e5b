"""Data-scarce target: transfer against training from scratch on USPS with k labels per class.

    python -m experiments.scarce_target [--settings a,b] [--k 1,5,10,50,all] [--methods ...]
        [--seeds 3] [--epochs E] [--out results/scarce_target] [--data-dir ../shared/data]
        [--jobs 2]

Target: the full USPS (`tftransfer.data.scarce`): k labelled training samples per class
(k = "all": the 7,291 training images), the rest of the 7,291 training images unlabelled,
tested on the 2,007 USPS test images. Two source settings:

  a. a LeNet (`lenet`) pretrained by tftransfer on the 2,000 MNIST digits of the JDA file
     (16x16), exported with `tftransfer.backbones.export_hub` and reloaded as `hub:<path>`;
     USPS at 16x16. The export is made once and cached in `OUT/pretrained/`.
  b. the real pretrained ResNet-8 (CIFAR-10), `file:<data_dir>/pretrained/resnet8_cifar10.h5`
     cut before its classifier; USPS upsampled to 32x32x3 (`tftransfer.data.images`).

Methods (all on the engine, through `tftransfer.runner`):

  scratch          the same architecture from random init, trained on the k·10 labelled
                   samples (`finetune` without pretraining on a re-initialised backbone);
  linear_probe     frozen pretrained features + a linear head (`freeze_depth="none"`);
  finetune_d<N>    fine-tuning with the top N layer groups trainable (`finetune_dall`: all),
                   the backbone at 0.1 x the head's learning rate;
  finetune+<DA>    fine-tuning (all groups, same multiplier) plus a DA method (default DANN)
                   that also uses the unlabelled USPS training images. (a): semi-supervised,
                   labelled MNIST batches paired with USPS batches in which the k labels per
                   class are revealed (`target_labels_per_class=k`). (b): there is no source
                   data (CIFAR-10 is not here), so the k·10 labelled USPS samples are the
                   "source" and the whole USPS training set the unlabelled target.

Recipe: this study's own for every method (`adam`), not the methods' default recipes: Adam
at a constant learning rate, no weight decay; 1e-3 for scratch, 1e-2 for the transfer heads.
Budget: every run takes the same number of updates, `epochs` x one pass over the USPS
training set's size (ceil(7291 / batch) steps), whatever k is (the k·10 labelled samples
are cycled); a DA step also carries a target batch. Seeds change which k samples per class
are drawn and the initialisation (head, and the whole network for scratch); the pretrained
backbones are the same for every seed. The reported model is the one at the end of
training: nothing is selected on USPS test labels.

Outputs in OUT: `runs/<hash>/` (resumable: finished runs are skipped), `results.csv` (the
run records, `tftransfer.results`, with their setting and k), `summary.md` (mean ± std per
setting × method × k, the gap to scratch at k = 5 and 10) and `accuracy_vs_k.png`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pandas as pd

from experiments.common import common_parser, parse_list
from tftransfer import backbones, methods, runner, training
from tftransfer.backbones import export_hub
from tftransfer.config import RunConfig
from tftransfer.data.benchmarks import load_usps
from tftransfer.data.loaders import default_data_dir
from tftransfer.io import write_bytes_atomic, write_json_atomic, write_text_atomic
from tftransfer.report.analysis import TARGET_ACCURACY, mean_std
from tftransfer.report.line_chart import line_chart
from tftransfer.results import markdown_table, results_frame, summary_table

EXPERIMENT, DATASET = "scarce_target", "usps_scarce"
SETTING_KEYS = ("a", "b")
DEFAULT_K = ("1", "5", "10", "50", "all")
K_ALL = 100_000  # more labelled samples per class than any USPS class has: all of them
GAP_K, GAP_GOAL = ("5", "10"), 20.0
BATCH_SIZE, EPOCHS, PRETRAIN_EPOCHS = 64, 2, 15
# Adam. Scratch: 1e-3 (3e-3 was worse on setting a at k = 5 and 10). Transfer methods: a
# fresh head learns too slowly at 1e-3 within the step budget (setting a, k = 5: fine-tuning
# 80-81% at 1e-2 against ~70% at 1e-3), so 1e-2 for the head, 0.1 x that for the backbone.
SCRATCH_LEARNING_RATE, TRANSFER_LEARNING_RATE, BACKBONE_LR_MULTIPLIER = 1e-3, 1e-2, 0.1
DA_LAMBDA, DEFAULT_DA = 1.0, "dann"
LENET_OPTIONS = {"feature_units": 128}
# finetune_d2, not d1: the top group of the ResNet-8 is a lone 1x1 shortcut convolution.
DEFAULT_METHODS = ("scratch", "linear_probe", "finetune_d2", "finetune_dall", f"finetune+{DEFAULT_DA}")
SELECTION = ("none — fixed epochs, the model at the end of training; USPS test labels are "
             "read only to report accuracy. Every method of a setting takes the same number "
             "of steps at every k.")


@dataclass(frozen=True)
class Setting:
    """One source setting: the task, the pretrained backbone and its from-scratch twin."""

    key: str
    task: str
    title: str
    pretrained: str  # setting a: "hub:<export>", filled in after pretraining
    scratch: str
    scratch_options: Dict
    groups: int  # layer groups of the backbone (valid finetune_d<N>: 1..groups)


def adam(learning_rate: float) -> Dict:
    """This study's recipe: Adam at a constant rate, no weight decay (not the methods' own)."""
    return {"optimizer": "adam", "learning_rate": learning_rate, "lr_schedule": "constant",
            "weight_decay": 0.0}


def k_value(k: str) -> int:
    return K_ALL if k == "all" else int(k)


# --------------------------------------------------------------------------- flags
def parse_args(argv):
    """The shared flags (`common_parser`) and this study's, all checked before any training."""
    parser = common_parser(__doc__.splitlines()[0], f"results/{EXPERIMENT}",
                           default_jobs=min(2, os.cpu_count() or 1))
    parser.set_defaults(epochs=EPOCHS, batch_size=BATCH_SIZE)
    parser.add_argument("--settings", default=",".join(SETTING_KEYS),
                        help="source settings: a (MNIST LeNet via hub:), b (ResNet-8 CIFAR-10 via file:)")
    parser.add_argument("--k", default=",".join(DEFAULT_K),
                        help=f"labelled target samples per class: ints >= 1 or 'all' (default "
                             f"{','.join(DEFAULT_K)})")
    parser.add_argument("--pretrain-epochs", type=int, default=PRETRAIN_EPOCHS,
                        help=f"epochs of the MNIST pretraining of setting a (default {PRETRAIN_EPOCHS})")
    parser.add_argument("--data-dir", default=None,
                        help="folder holding usps/, mnist_usps_jda/ and pretrained/ (default: "
                             "$TFTRANSFER_DATA_DIR or ../shared/data when it exists)")
    args = parser.parse_args(argv)
    other = {"--tasks (see --settings)": args.tasks, "--target-labels (see --k)": args.target_labels,
             "--tune": args.tune, "--strategy": args.strategy != "default"}
    if any(other.values()):
        raise SystemExit(f"error: not supported by {EXPERIMENT}: "
                         f"{', '.join(flag for flag, given in other.items() if given)}")
    args.settings = list(dict.fromkeys(parse_list(args.settings, SETTING_KEYS, "setting", SETTING_KEYS)))
    ks = [v.strip() for v in args.k.split(",") if v.strip()]
    bad = [v for v in ks if v != "all" and not (v.isdigit() and int(v) >= 1)]
    if bad or not ks:
        raise SystemExit(f"error: invalid --k {bad or args.k!r}; valid: comma-separated ints >= 1 "
                         "(labelled samples per class) or 'all', e.g. 1,5,10,50,all")
    args.k = list(dict.fromkeys(v if v == "all" else str(int(v)) for v in ks))
    for name in ("seeds", "epochs", "pretrain_epochs", "batch_size", "jobs"):
        if getattr(args, name) < 1:
            raise SystemExit(f"error: --{name.replace('_', '-')} must be an int >= 1, got "
                             f"{getattr(args, name)}")
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if data_dir is None or not data_dir.is_dir():
        raise SystemExit(f"error: no data folder (got {args.data_dir!r}); pass --data-dir or set "
                         "$TFTRANSFER_DATA_DIR")
    args.data_dir = data_dir.resolve()
    return args


def da_methods() -> List[str]:
    """Registered methods usable after `finetune+`: those with an adaptation loss."""
    return [m for m in methods.names()
            if methods.get(m).uses_target and methods.get(m).target_labels == "none"]


def parse_methods(value: str | None, settings: Sequence[Setting]) -> List[str]:
    """`--methods`: scratch, linear_probe, finetune_d<N> (N up to the shallowest setting's
    layer groups), finetune_dall, finetune+<DA> (`da_methods`), or 'all'."""
    depth = min(s.groups for s in settings)
    valid = ["scratch", "linear_probe", *(f"finetune_d{n}" for n in range(1, depth + 1)),
             "finetune_dall", *(f"finetune+{m}" for m in da_methods())]
    return list(dict.fromkeys(parse_list(value, valid, "method", DEFAULT_METHODS)))


# --------------------------------------------------------------------------- settings
def make_settings(keys: Sequence[str], data_dir: Path) -> List[Setting]:
    """The settings asked for; setting a's `pretrained` spec is filled in after pretraining."""
    resnet8 = data_dir / "pretrained" / "resnet8_cifar10.h5"
    if "b" in keys and not resnet8.is_file():
        raise SystemExit(f"error: setting b needs the pretrained ResNet-8 at {str(resnet8)!r}; "
                         "pass --data-dir")
    known = {  # task, title, pretrained spec, scratch spec and options, input shape
        "a": ("mnist->usps", "LeNet pretrained on MNIST (JDA, 2,000 16x16 digits), exported with "
              "export_hub and reloaded through hub: — USPS 16x16", "", "lenet", LENET_OPTIONS, (256,)),
        "b": ("cifar10->usps", "ResNet-8 pretrained on CIFAR-10 (file:resnet8_cifar10.h5, cut before "
              "its classifier) — USPS upsampled to 32x32x3", f"file:{resnet8}", f"file:{resnet8}",
              {"reinitialize": True}, (32, 32, 3))}
    settings = []
    for key in keys:
        task, title, pretrained, scratch, options, shape = known[key]
        # The hub export of setting a has the layer groups of the LeNet it is made from.
        backbone = backbones.get(scratch, input_shape=shape, **options)
        settings.append(Setting(key, task, title, pretrained, scratch, dict(options),
                                len(backbones.weighted_layers(backbone))))
    return settings


def pretrained_mnist_backbone(out: Path, data_dir: Path, epochs: int,
                              batch_size: int) -> Tuple[Path, Dict]:
    """Pretrains a LeNet on MNIST (source_only) and exports it with `export_hub`, once.

    The export lives in `OUT/pretrained/mnist_lenet_<config hash>/hub` with `metrics.json`
    (MNIST validation and USPS test accuracy of the pretrained model) and a `done` marker
    written last; a finished export is reused. The SavedModel is written under a temporary
    name and renamed.

    Returns:
        The SavedModel folder (for `hub:<path>`) and the metrics.
    """
    config = RunConfig(experiment=f"{EXPERIMENT}/pretraining", task="mnist->usps",
                       method="source_only", dataset=DATASET, seed=0, epochs=epochs,
                       batch_size=batch_size, recipe=adam(SCRATCH_LEARNING_RATE), backbone="lenet",
                       backbone_options=dict(LENET_OPTIONS),
                       data_options={"data_dir": str(data_dir)}).validate()
    folder = out.resolve() / "pretrained" / f"mnist_lenet_{config.run_id()}"
    if (folder / "done").exists():
        print(f"pretrained MNIST LeNet: reusing {folder / 'hub'}")
        return folder / "hub", json.loads((folder / "metrics.json").read_text())
    print(f"pretraining a LeNet on MNIST ({epochs} epochs) -> {folder / 'hub'}")
    model, task, _, seconds = runner.train(config)
    metrics = {"config": config.to_dict(), "train_seconds": seconds,
               "mnist_val_accuracy": training.accuracy(model, task.source_val, batch_size=256),
               "usps_test_accuracy": training.accuracy(model, task.target_test, batch_size=256)}
    for stale in ("hub.partial", "hub"):
        shutil.rmtree(folder / stale, ignore_errors=True)
    export_hub(model.feature_extractor, folder / "hub.partial")
    os.replace(folder / "hub.partial", folder / "hub")
    write_json_atomic(folder / "metrics.json", metrics)
    write_text_atomic(folder / "done", "")
    print(f"pretrained MNIST LeNet: MNIST val {100 * metrics['mnist_val_accuracy']:.1f}%, "
          f"USPS test (no USPS label) {100 * metrics['usps_test_accuracy']:.1f}%, {seconds:.0f}s")
    return folder / "hub", metrics


# --------------------------------------------------------------------------- the grid
def method_fields(method: str, setting: Setting, k: str, steps: int) -> Dict:
    """RunConfig fields of one method in one setting at one k."""
    if method.startswith("finetune+"):
        # (b): the labelled subset is the source (data_options): no target label revealed twice.
        return {"method": method[len("finetune+"):], "backbone": setting.pretrained,
                "recipe": adam(TRANSFER_LEARNING_RATE),
                "target_labels_per_class": k_value(k) if setting.key == "a" else 0,
                "method_options": {"freeze_depth": "all", "lambda_": DA_LAMBDA,
                                   "backbone_lr_multiplier": BACKBONE_LR_MULTIPLIER}}
    depth = {"scratch": "all", "linear_probe": "none"}.get(method, method[len("finetune_d"):])
    options = {"pretrain_epochs": 0, "steps_per_epoch": steps,
               "freeze_depth": depth if depth in ("all", "none") else int(depth)}
    if method != "linear_probe":
        options["backbone_lr_multiplier"] = 1.0 if method == "scratch" else BACKBONE_LR_MULTIPLIER
    if method == "scratch":
        backbone = {"backbone": setting.scratch, "backbone_options": setting.scratch_options,
                    "recipe": adam(SCRATCH_LEARNING_RATE)}
    else:
        backbone = {"backbone": setting.pretrained, "recipe": adam(TRANSFER_LEARNING_RATE)}
    return {"method": "finetune", **backbone, "target_labels_per_class": k_value(k),
            "method_options": options}


def grid(settings: Sequence[Setting], args, steps: int):
    """One RunConfig per setting × k × method × seed, and run id -> (setting, k, method)."""
    configs, keys = [], {}
    for setting in settings:
        for k in args.k:
            for method in args.methods:
                for seed in range(args.seeds):
                    data = {"data_dir": str(args.data_dir)}
                    if setting.key == "b":
                        data.update(labelled_per_class=k_value(k), seed=seed)
                    config = RunConfig.from_dict({
                        "experiment": EXPERIMENT, "task": setting.task, "dataset": DATASET,
                        "seed": seed, "epochs": args.epochs, "batch_size": args.batch_size,
                        "data_options": data, "variant": f"{method} [k={k}]",  # k in progress lines
                        **method_fields(method, setting, k, steps)}).validate()
                    configs.append(config)
                    keys[config.run_id()] = (setting.key, k, method)
    return configs, keys


# --------------------------------------------------------------------------- outputs
def by_k(frame: pd.DataFrame, setting: str) -> pd.DataFrame:
    """A setting's runs as the shared tables read them: k the column ("task"), the method the
    row (labelled without a target-label count: k, the column, says it)."""
    part = frame[frame["setting"] == setting]
    return part.assign(task=part["k"], target_labels="none", target_labels_per_class=0)


def setting_markdown(part: pd.DataFrame, stats: pd.DataFrame, args) -> List[str]:
    """A setting's mean ± std table (a row per method, a column per k) and its gaps to scratch."""
    table = summary_table(part).reindex(index=args.methods, columns=args.k).fillna("")
    for row in stats[stats["seeds"] != args.seeds].itertuples():
        table.loc[row.label, row.task] += f" ({row.seeds} seeds)"
    table = table.rename(columns=lambda k: f"k={k}").rename_axis("method")
    means = {(row.task, row.label): row.mean for row in stats.itertuples()}
    gaps = []
    for k in (k for k in GAP_K if k in args.k):
        transfer = {m: means[k, m] for m in sorted(args.methods) if m != "scratch" and (k, m) in means}
        if (k, "scratch") not in means or not transfer:
            gaps.append(f"k={k}: n/a (needs scratch and a transfer method)")
            continue
        best = max(transfer, key=transfer.get)
        gap = transfer[best] - means[k, "scratch"]
        gaps.append(f"k={k}: {gap:+.1f} points ({best} {transfer[best]:.1f} vs scratch "
                    f"{means[k, 'scratch']:.1f}; {'meets' if gap >= GAP_GOAL else 'below'} the "
                    f"{GAP_GOAL:.0f}-point goal)")
    return [markdown_table(table)] + (["", "Gap, best transfer method minus scratch (the best "
                                     "picked on these test means, an optimistic view): "
                                     + "; ".join(gaps)] if gaps else [])


def summary_markdown(frame: pd.DataFrame, settings: Sequence[Setting], stats: Dict, args,
                     steps: int, pretraining: Dict, failures: Sequence[dict]) -> str:
    lines = [f"## {EXPERIMENT}: USPS with k labelled samples per class — transfer vs scratch", "",
             f"Selection: {SELECTION}", "",
             f"Budget: {args.epochs} epochs x {steps} steps (batch {args.batch_size}) per run; "
             f"Adam, scratch {SCRATCH_LEARNING_RATE:g}; transfer methods {TRANSFER_LEARNING_RATE:g} "
             f"for the head and {BACKBONE_LR_MULTIPLIER:g} x that for the trainable backbone layers.",
             "", "Target test accuracy (%) on the 2,007 USPS test images, mean ± std over seeds "
             "(std with ddof=0); k = labelled USPS training samples per class (all = 7,291 images).", ""]
    for setting in settings:
        lines += [f"### Setting {setting.key}: {setting.title}", ""]
        if setting.key in pretraining:
            p = pretraining[setting.key]
            lines += [f"Pretrained model alone (no USPS label, its MNIST head): USPS test "
                      f"{100 * p['usps_test_accuracy']:.1f}%, MNIST val "
                      f"{100 * p['mnist_val_accuracy']:.1f}%.", ""]
        lines += setting_markdown(by_k(frame, setting.key), stats[setting.key], args) + [""]
    if not frame.empty:
        seconds = frame.groupby(["setting", "method"])["train_seconds"].mean()
        lines.append("Mean training time per run (s): " + ", ".join(
            f"{s}/{m} {v:.1f}" for (s, m), v in seconds.items()))
    if failures:
        lines += ["", f"Failed runs ({len(failures)}):"]
        lines += [f"- {f['method']} ({f['task']}) seed={f['seed']}: {f['error']}" for f in failures]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main
def main(argv=None) -> str:
    args = parse_args(argv)
    settings = make_settings(args.settings, args.data_dir)
    args.methods = parse_methods(args.methods, settings)  # before any training

    start, out, pretraining = time.perf_counter(), Path(args.out), {}
    if "a" in args.settings:
        hub, pretraining["a"] = pretrained_mnist_backbone(out, args.data_dir, args.pretrain_epochs,
                                                          args.batch_size)
        settings = [dataclasses.replace(s, pretrained=f"hub:{hub}") if s.key == "a" else s
                    for s in settings]
    steps = math.ceil(load_usps("train", args.data_dir).n / args.batch_size)
    configs, keys = grid(settings, args, steps)
    print(f"{len(configs)} runs: settings {','.join(args.settings)} x k {','.join(args.k)} x "
          f"{len(args.methods)} methods x {args.seeds} seeds; {args.epochs} epochs x {steps} steps")
    records = runner.run_grid(configs, out, verbose=args.verbose, jobs=args.jobs)
    runs = results_frame(records)
    frame = pd.concat([pd.DataFrame([keys[r] for r in runs["run_id"]], index=runs.index,
                                    columns=["setting", "k", "method"]),
                       runs.drop(columns="method")], axis=1)
    write_text_atomic(out / "results.csv", frame.to_csv(index=False))
    stats = {s.key: mean_std(by_k(frame, s.key), TARGET_ACCURACY) for s in settings}
    text = summary_markdown(frame, settings, stats, args, steps, pretraining,
                            [r for r in records if r.get("status") == "failed"])
    write_text_atomic(out / "summary.md", text)
    png = line_chart({f"setting {s.key}: {s.task}": stats[s.key] for s in settings},
                     args.k, "labelled USPS samples per class (k)",
                     "USPS test accuracy (%)", dashed=["scratch"])
    write_bytes_atomic(out / "accuracy_vs_k.png", png)
    print(f"\n{text}")
    print(f"{len(records)} runs in {time.perf_counter() - start:.0f}s; results in {out}/results.csv, "
          f"{out}/summary.md, {out}/accuracy_vs_k.png")
    return text


if __name__ == "__main__":
    main()
