"""Data-scarce target tasks: the full USPS as target, a few of its training labels revealed.

Two tasks, one per source setting of the scarce-target experiment
(`experiments/scarce_target.py`); both have the full USPS training set (7,291 images, labels
kept for the few-label draws of `TransferTask.target_partial_labels`) as `target_train` and
the USPS test set (2,007 images) as `target_test`:

| task            | input            | source_train / source_val                               |
|-----------------|------------------|---------------------------------------------------------|
| `mnist->usps`   | 256 (16x16 grey) | the 2,000 MNIST digits of the JDA file, split 90 / 10   |
| `cifar10->usps` | 32x32x3 in [0, 255] | no source data exists (the backbone was pretrained on |
|                 |                  | CIFAR-10 elsewhere): the `labelled_per_class` labelled  |
|                 |                  | USPS training samples (the draw of                       |
|                 |                  | `target_labelled_subset(labelled_per_class, seed)`), and |
|                 |                  | as validation at most 10 of them per class               |

In `cifar10->usps` a domain-adaptation method therefore aligns the labelled target subset
with the whole unlabelled target training set; its "source validation" accuracy is an
accuracy on training samples.

Example:
    >>> task = scarce_target_task("mnist->usps")
    >>> task.source_train.n, task.target_train.n, task.target_test.n
    (1800, 7291, 2007)
    >>> scarce_target_task("cifar10->usps", labelled_per_class=5, seed=0).source_train.n
    50
"""

from __future__ import annotations

import dataclasses
from typing import Optional

import numpy as np
from sklearn.model_selection import train_test_split

from tftransfer.data.benchmarks import load_mnist_usps_jda, load_usps
from tftransfer.data.domains import TransferTask
from tftransfer.data.images import grey_domain_to_rgb
from tftransfer.data.loaders import PathLike

__all__ = ["SCARCE_TARGET_TASKS", "scarce_target_task"]

SCARCE_TARGET_TASKS = ("mnist->usps", "cifar10->usps")
"""The task names `scarce_target_task` accepts."""

MNIST_VAL_FRACTION = 0.1
RGB_SIZE = (32, 32)
# The ResNet-8 of `pretrained/` was trained on raw 8-bit pixels (see data/images.py).
RGB_SCALE = 255.0
LABELLED_VAL_PER_CLASS = 10


def scarce_target_task(name: str, data_dir: Optional[PathLike] = None,
                       labelled_per_class: Optional[int] = None, seed: int = 0) -> TransferTask:
    """The task `name` of `SCARCE_TARGET_TASKS` (see the module docstring).

    Args:
        name: "mnist->usps" or "cifar10->usps".
        data_dir: The data folder; None uses `default_data_dir()`.
        labelled_per_class: "cifar10->usps" only (required there): the labelled USPS
            training samples per class that form the source (a number larger than every
            class takes them all).
        seed: Seed of the MNIST train/val split ("mnist->usps") or of the labelled draw
            ("cifar10->usps"; the draw `FineTuner` and semi-supervised runs make with the
            same seed).

    Returns:
        A `TransferTask` named `name`.

    Raises:
        ValueError: an unknown task name, or `labelled_per_class` missing or < 1 for
            "cifar10->usps", or given for "mnist->usps".
        FileNotFoundError: the data folder or a file is missing.
    """
    if name not in SCARCE_TARGET_TASKS:
        raise ValueError(f"Unknown scarce-target task {name!r}. Valid tasks: {', '.join(SCARCE_TARGET_TASKS)}")
    target_train, target_test = load_usps("train", data_dir), load_usps("test", data_dir)
    if name == "mnist->usps":
        if labelled_per_class is not None:
            raise ValueError("labelled_per_class is for 'cifar10->usps' only (the source of "
                             f"'mnist->usps' is MNIST), got {labelled_per_class!r}")
        mnist = load_mnist_usps_jda("MNIST", data_dir)
        train, val = train_test_split(np.arange(mnist.n), test_size=MNIST_VAL_FRACTION,
                                      random_state=seed, stratify=mnist.y)
        return TransferTask(name, mnist.subset(np.sort(train), name="mnist/train"),
                            mnist.subset(np.sort(val), name="mnist/val"), target_train, target_test,
                            num_classes=mnist.num_classes)

    if isinstance(labelled_per_class, bool) or not isinstance(labelled_per_class, int) \
            or labelled_per_class < 1:
        raise ValueError("'cifar10->usps' has no source data: labelled_per_class (labelled USPS "
                         f"samples per class, >= 1) makes its source; got {labelled_per_class!r}")
    target_train = grey_domain_to_rgb(target_train, size=RGB_SIZE, scale=RGB_SCALE)
    target_test = grey_domain_to_rgb(target_test, size=RGB_SIZE, scale=RGB_SCALE)
    # A placeholder source (the target itself) only to reuse the task's labelled draw.
    draw = TransferTask(name, target_train, target_train, target_train, target_test,
                        num_classes=target_train.num_classes)
    labelled = draw.target_labelled_subset(labelled_per_class, seed)
    val = draw.target_labelled_subset(min(labelled_per_class, LABELLED_VAL_PER_CLASS), seed)
    return dataclasses.replace(
        draw,
        source_train=dataclasses.replace(labelled, name=f"usps/labelled[{labelled_per_class}/class]"),
        source_val=dataclasses.replace(val, name="usps/labelled-val"))
