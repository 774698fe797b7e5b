"""Anomaly detection transfer: a one-class detector trained on normal data of one machine /
domain and aligned, without target labels, to another.

- `AlignedDeepSVDD` (deep_svdd.py): Deep SVDD (Ruff et al., ICML 2018) with an optional
  Deep CORAL or MK-MMD alignment term between source and target features;
- `fit_detector` (training.py): sets the centre and trains on paired batches;
- `roc_auc` (metrics.py): the ROC-AUC of anomaly scores;
- `AnomalyTask`, `digits_anomaly_task`, `two_machines_task` (tasks.py): one-class transfer
  tasks from MNIST/USPS and a synthetic two-machines shift.
"""

from tftransfer.anomaly.deep_svdd import ALIGNMENTS, AlignedDeepSVDD
from tftransfer.anomaly.metrics import roc_auc
from tftransfer.anomaly.tasks import (DIGITS_ANOMALY_TASKS, AnomalyTask, digits_anomaly_task,
                                     two_machines_task)
from tftransfer.anomaly.training import fit_detector

__all__ = ["ALIGNMENTS", "AlignedDeepSVDD", "AnomalyTask", "DIGITS_ANOMALY_TASKS",
           "digits_anomaly_task", "fit_detector", "roc_auc", "two_machines_task"]
