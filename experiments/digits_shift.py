"""Embedded default experiment: scikit-learn digits under synthetic domain shifts.

    python -m experiments.digits_shift [--methods all] [--tasks original->inverted,...]
                                       [--seeds 3] [--epochs E] [--out results/digits_shift]

Source: one half of the digits; target: the other half under a shift (inverted colours,
30° rotation, Gaussian noise, blur; see `tftransfer.data.builtin`). Unsupervised DA: the
adaptation methods never see target labels. `target_only` is the ORACLE upper reference
(all target training labels); `finetune` uses a few target labels per class.
The reported model is the one at the end of training: nothing is selected on target labels.
"""

from __future__ import annotations

import os

from experiments.common import common_parser, expand_grid, parse_list, parse_methods, run_experiment
from tftransfer import methods, variants
from tftransfer.data.builtin import DEFAULT_DIGITS_TASKS, REVERSED_DIGITS_TASKS, task_names

EXPERIMENT = "digits_shift"
FINETUNE_LABELS_PER_CLASS = 5
# Only the data-dependent parts (backbone, budget); every method keeps its own defaults.
# The budget: 10 epochs of 50 steps of batch 32 on every benchmark (the reference code's
# fixed iterations per epoch: a small task gets the steps a large one gets).
BASE = {"experiment": EXPERIMENT, "dataset": "builtin", "epochs": 10, "steps_per_epoch": 50,
        "batch_size": 32, "backbone": "mlp", "backbone_options": {"units": [128, 64]}}
DEFAULT_METHODS = ["source_only", "target_only", "dann", "dan", "deep_coral", "finetune", "cdan",
                   "cdan_e", "mdd", "mcc", "cdan_mcc"]


def per_method(name: str) -> dict:
    fields = variants.fields(name)
    if variants.is_shallow(name):  # a classical method: no Keras model, no target labels
        return fields
    if methods.get(fields["method"]).target_labels == "few":
        fields["target_labels_per_class"] = FINETUNE_LABELS_PER_CLASS
    return fields


def main(argv=None) -> str:
    parser = common_parser(__doc__.splitlines()[0], f"results/{EXPERIMENT}",
                           default_jobs=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    valid_tasks = [t for t in task_names() if not t.startswith("moons")] + list(REVERSED_DIGITS_TASKS)
    tasks = parse_list(args.tasks, valid_tasks, "task", DEFAULT_DIGITS_TASKS)
    method_names = parse_methods(args.methods, DEFAULT_METHODS)
    configs = expand_grid(args, BASE, tasks, method_names, per_method)
    return run_experiment(
        configs, args,
        title="digits_shift: scikit-learn digits, source half -> shifted target half",
        selection=("none — the model at the end of training (fixed epochs); target labels are "
                   "used only to report accuracy, except by target_only (ORACLE) and finetune "
                   f"({FINETUNE_LABELS_PER_CLASS} labels/class)"))


if __name__ == "__main__":
    main()
