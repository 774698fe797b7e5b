"""The ORACLE: target test accuracy, which reads target labels (for reference only)."""

from __future__ import annotations

from tftransfer.selection.base import Validator
from tftransfer.selection._metrics import check_metric
from tftransfer.selection.source_val import labelled_split_score


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
        return labelled_split_score(self, outputs["target_test"], what="target test")
