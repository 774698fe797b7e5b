"""Source validation: the score of the model on held-out labelled source data."""

from __future__ import annotations

import numpy as np

from tftransfer.selection._metrics import (
    as_logits, check_metric, class_labels, per_example_score, regression_metric, squared_errors)
from tftransfer.selection.base import Validator


def source_validation_score(logits, y, metric: str = "accuracy", *,
                            what: str = "source validation") -> float:
    """Mean score of `logits` against labels `y`: accuracy, or −mean cross-entropy (nats).

    Args:
        logits: (n, C) logits on the source validation split.
        y: (n,) integer labels.
        metric: "accuracy" or "cross_entropy" (returned negated, so higher is better).
        what: The split's description, for error messages.
    """
    owner = f"source_validation_score on {what}"
    metric = check_metric(metric, owner)
    logits = as_logits(logits, "logits", owner)
    y = class_labels(y, logits, "y", owner)
    return float(np.mean(per_example_score(logits, y, metric)))


def labelled_split_score(validator: Validator, split, what: str = "source validation") -> float:
    """The score of a labelled split's outputs, for `validator` (its `metric` and `name`).

    Args:
        validator: The validator scoring (`metric`: "accuracy" or "cross_entropy").
        split: The split's outputs (`logits`, its labels, `is_regression`).
        what: The split's description, for error messages.

    Returns:
        The negated mean squared error on a regression task; else as for
        `source_validation_score`.
    """
    if split.is_regression:
        regression_metric(validator.metric, validator.name)
        errors = squared_errors(split.logits, split.require_labels(validator.name), validator.name)
        return -float(np.mean(errors))
    return source_validation_score(split.logits, split.require_labels(validator.name),
                                   validator.metric, what=what)


class SourceValidation(Validator):
    """Accuracy (or −cross-entropy) on `task.source_val`.

    The honest baseline criterion of domain adaptation (e.g. Ganin et al., "Domain-Adversarial
    Training of Neural Networks", JMLR 2016, sec. 5; Gulrajani & Lopez-Paz, "In Search of Lost
    Domain Generalization", ICLR 2021, "training-domain validation"):

        S = (1/n_v) Σ_i m(f(x_i), y_i),   (x_i, y_i) ~ source validation,

    with m = 1[argmax f(x_i) = y_i] (accuracy) or m = log p(y_i | x_i) (the negative
    cross-entropy). It ignores the shift: under covariate shift it estimates the source,
    not the target, risk. Higher is better. On a regression task, S = −(1/n_v) Σ_i
    (1/k) ||f(x_i) − y_i||², the negated mean squared error.

    Args:
        metric: "accuracy" (default) or "cross_entropy" (returned negated); leave the
            default for regression.
    """

    name = "source_val"
    splits = ("source_val",)

    def __init__(self, metric: str = "accuracy"):
        self.metric = check_metric(metric, self.name)

    def _score(self, outputs, seed):
        return labelled_split_score(self, outputs["source_val"])
