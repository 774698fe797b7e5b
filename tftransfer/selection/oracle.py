"""The ORACLE: target test accuracy, which reads target labels (for reference only)."""

from __future__ import annotations

import numpy as np

from tftransfer.selection.base import Validator
from tftransfer.selection._metrics import check_metric, regression_metric, squared_errors
from tftransfer.selection.source_val import source_validation_score


class TargetOracle(Validator):
    """ORACLE — accuracy (or −cross-entropy) on `task.target_test` using its LABELS.

    Not an unsupervised criterion: it reads the target labels that unsupervised domain
    adaptation does not have. It is the upper bound any honest validator is compared with
    (Gulrajani & Lopez-Paz, ICLR 2021, "oracle" selection; Musgrave et al., "Benchmarking
    Validation Methods for Unsupervised Domain Adaptation", 2022). A table selected with it
    must say "oracle". Higher is better:

        S = (1/n_t) Σ_j 1[argmax f(x_j) = y_j],   (x_j, y_j) ~ target test

    (on a regression task, the negated mean squared error on the target test split).

    Args:
        metric: "accuracy" (default) or "cross_entropy" (returned negated).
    """

    name = "target_oracle"
    uses_target_labels = True
    splits = ("target_test",)

    def __init__(self, metric: str = "accuracy"):
        self.metric = check_metric(metric, self.name)

    def _score(self, outputs, seed):
        test = outputs["target_test"]
        if test.is_regression:
            regression_metric(self.metric, self.name)
            return -float(np.mean(squared_errors(test.logits, test.require_labels(self.name),
                                                 self.name)))
        return source_validation_score(test.logits, test.require_labels(self.name), self.metric,
                                       what="target test")
