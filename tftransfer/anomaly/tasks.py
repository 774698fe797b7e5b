"""One-class transfer tasks: normal data of a source domain, a contaminated unlabelled target.

Two families, both transductive (the detector trains on the unlabelled target sample and is
scored on that same sample; its labels only compute the ROC-AUC):

- `digits_anomaly_task("M->U", digit)` / `("U->M", digit)`: MNIST and USPS as sampled for
  the JDA benchmark (`tftransfer.data.benchmarks.load_mnist_usps_jda`: 2,000 MNIST and 1,800
  USPS 16x16 grey images in [0, 1], 256 features, no other preprocessing). The normal class
  is one digit. Source: every source-domain image of that digit (MNIST 179-227, USPS
  126-352), labelled normal. Target: every target-domain image of that digit plus
  round(n · c / (1 − c)) anomalies, n the number of those normal images and c the
  contamination (default 0.1, so 10 % of the target are anomalies), drawn without
  replacement and uniformly from the target-domain images of the nine other digits with
  `numpy.random.default_rng(seed)`: each seed draws other anomalies.
- `two_machines_task()`: a synthetic operating-point shift between two machines. Features
  are 8-dimensional (think of summary statistics of a vibration signal). Machine A's normal
  data are N(0, diag(σ²)), σ evenly spaced from 1.0 to 0.3. Machine B's normal data are the
  same distribution moved by `shift` (default 4.0) along a fixed unit direction e, and its
  faults are machine-B normal points moved by `fault_radius` (default 3.0) along a uniformly
  random direction — a shell around B's operating point, half of it nearer to A's normal
  data than B's normal data are, so a detector of machine A ranks B's faults badly until
  the features are aligned. Source: 300 normal points of machine A; target: 270 normal
  points and 30 faults of machine B (10 %); e and the samples come from
  `numpy.random.default_rng(seed)`.

Example:
    >>> task = digits_anomaly_task("M->U", 3, seed=0, data_dir="../shared/data")
    >>> task.source_x.shape, task.target_x.shape, int(task.target_is_anomaly.sum())
    ((202, 256), (184, 256), 18)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from tftransfer._checks import (as_labels, as_samples, check_all_finite, check_float, check_int,
                                check_positive, check_same_features)
from tftransfer.data.benchmarks import load_mnist_usps_jda

__all__ = ["AnomalyTask", "DIGITS_ANOMALY_TASKS", "digits_anomaly_task", "two_machines_task"]

#: The transfer directions of the digits tasks (source->target, as `mnist_usps_task`).
DIGITS_ANOMALY_TASKS = ("M->U", "U->M")
DEFAULT_CONTAMINATION = 0.1


@dataclass(frozen=True, eq=False)
class AnomalyTask:
    """A one-class transfer task.

    Args:
        name: E.g. "M->U:3" (direction and normal digit).
        source_x: Normal data of the source domain, shape (n_s, d), n_s >= 2.
        target_x: Unlabelled data of the target domain, shape (n_t, d), n_t >= 2.
        target_is_anomaly: Shape (n_t,), 1 for an anomaly. For reporting (ROC-AUC) and the
            ORACLE baseline only: an unsupervised detector never reads it.

    Raises:
        TypeError: If an array is not numeric.
        ValueError: If an array is empty, not 2-D or not finite, the feature sizes differ, a
            domain has fewer than 2 rows, or the target lacks normal points or anomalies.
    """

    name: str
    source_x: np.ndarray
    target_x: np.ndarray
    target_is_anomaly: np.ndarray

    def __post_init__(self):
        owner = f"AnomalyTask {self.name!r}"
        arrays = {}
        for field in ("source_x", "target_x"):
            x = as_samples(getattr(self, field), field, owner=owner, dtype=np.float32)
            if x.ndim != 2 or len(x) < 2:
                raise ValueError(f"{owner}: `{field}` must have shape (n, d) with n >= 2. "
                                 f"Received: {field} of shape {x.shape}")
            arrays[field] = check_all_finite(x, field, owner=owner)
        check_same_features(arrays["source_x"], arrays["target_x"], ("source_x", "target_x"),
                            owner=owner)
        y = as_labels(self.target_is_anomaly, len(arrays["target_x"]), "target_is_anomaly",
                      owner=owner, num_classes=2).astype(np.int32)
        if y.min() == y.max():
            raise ValueError(f"{owner}: the target must hold normal points and anomalies. "
                             f"Received: {int(y.sum())} anomalies in {len(y)} points")
        object.__setattr__(self, "source_x", arrays["source_x"])
        object.__setattr__(self, "target_x", arrays["target_x"])
        object.__setattr__(self, "target_is_anomaly", y)

    @property
    def target_normal_x(self) -> np.ndarray:
        """The target's normal points (reads the labels: ORACLE baselines only)."""
        return self.target_x[self.target_is_anomaly == 0]


def _n_anomalies(n_normal: int, contamination: float) -> int:
    return max(1, int(round(n_normal * contamination / (1.0 - contamination))))


def digits_anomaly_task(name: str, normal_digit: int, *, contamination: float =
                        DEFAULT_CONTAMINATION, seed: int = 0,
                        data_dir=None) -> AnomalyTask:
    """The one-class task "M->U" or "U->M" with `normal_digit` as the normal class.

    See the module docstring for the split.

    Args:
        name: "M->U" (source MNIST, target USPS) or "U->M".
        normal_digit: The normal class, 0..9.
        contamination: Fraction of anomalies in the target, in (0, 0.5].
        seed: Seed of the anomaly draw, >= 0.
        data_dir: The data folder; None uses `default_data_dir()`.

    Returns:
        An `AnomalyTask` named e.g. "M->U:3" with 256 features.

    Raises:
        ValueError: If an argument is out of range or the task name is unknown.
        FileNotFoundError: If the data folder or the file is missing.
    """
    owner = "digits_anomaly_task"
    if name not in DIGITS_ANOMALY_TASKS:
        raise ValueError(f"{owner}: `name` must be one of {', '.join(DIGITS_ANOMALY_TASKS)}. "
                         f"Received: name={name!r}")
    normal_digit = check_int(normal_digit, "normal_digit", minimum=0, maximum=9, owner=owner)
    contamination = check_float(contamination, "contamination", minimum=0.0, maximum=0.5,
                                low_open=True, owner=owner)
    seed = check_int(seed, "seed", minimum=0, owner=owner)
    source_letter, target_letter = name.split("->")
    source = load_mnist_usps_jda(source_letter, data_dir)
    target = load_mnist_usps_jda(target_letter, data_dir)
    normal = target.x[target.y == normal_digit]
    others = target.x[target.y != normal_digit]
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(others), _n_anomalies(len(normal), contamination), replace=False)
    return AnomalyTask(
        f"{name}:{normal_digit}",
        source.x[source.y == normal_digit],
        np.concatenate([normal, others[np.sort(picked)]]),
        np.r_[np.zeros(len(normal), np.int32), np.ones(len(picked), np.int32)],
    )


def two_machines_task(seed: int = 0, *, n_source: int = 300, n_target: int = 300,
                      contamination: float = DEFAULT_CONTAMINATION, shift: float = 4.0,
                      fault_radius: float = 3.0) -> AnomalyTask:
    """The synthetic two-machines task (see the module docstring): an operating-point shift.

    Args:
        seed: Seed of the shift direction and the samples, >= 0.
        n_source: Normal points of machine A, >= 2.
        n_target: Points of machine B (normal and faults), >= 2.
        contamination: Fraction of faults in the target, in (0, 0.5].
        shift: Distance between the two operating points, > 0.
        fault_radius: Distance of a fault from its normal point, > 0.

    Returns:
        An `AnomalyTask` named "two_machines" with 8 features.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If an argument is out of range.
    """
    owner = "two_machines_task"
    seed = check_int(seed, "seed", minimum=0, owner=owner)
    n_source = check_int(n_source, "n_source", minimum=2, owner=owner)
    n_target = check_int(n_target, "n_target", minimum=2, owner=owner)
    contamination = check_float(contamination, "contamination", minimum=0.0, maximum=0.5,
                                low_open=True, owner=owner)
    shift = check_positive(shift, "shift", owner=owner)
    fault_radius = check_positive(fault_radius, "fault_radius", owner=owner)
    rng = np.random.default_rng(seed)
    dim = 8
    sigma = np.linspace(1.0, 0.3, dim)
    direction = rng.normal(size=dim)
    direction /= np.linalg.norm(direction)
    n_faults = max(1, int(round(n_target * contamination)))
    n_normal = n_target - n_faults
    if n_normal < 1:
        raise ValueError(f"{owner}: the target needs a normal point. Received: "
                         f"n_target={n_target}, contamination={contamination}")
    source = rng.normal(size=(n_source, dim)) * sigma
    normal = rng.normal(size=(n_normal, dim)) * sigma + shift * direction
    away = rng.normal(size=(n_faults, dim))
    away *= fault_radius / np.linalg.norm(away, axis=1, keepdims=True)
    faults = rng.normal(size=(n_faults, dim)) * sigma + shift * direction + away
    return AnomalyTask("two_machines", source, np.concatenate([normal, faults]),
                       np.r_[np.zeros(n_normal, np.int32), np.ones(n_faults, np.int32)])
