"""A real regression transfer benchmark that ships with scikit-learn: diabetes progression,
split into domains by a patient covariate.

Data: `sklearn.datasets.load_diabetes(scaled=False)` (Efron, Hastie, Johnstone & Tibshirani,
"Least Angle Regression", Annals of Statistics 2004): 442 patients, 10 baseline variables
(age, sex, body-mass index, mean blood pressure, six blood serum measurements s1-s6), target
a quantitative measure of disease progression one year later (25-346). It is part of the
scikit-learn package (no download).

Domains: the patients are split by one covariate, documented here; a task trains on one
group and predicts the other.

| domain      | patients                             | features                        |
|-------------|--------------------------------------|---------------------------------|
| `sex_1`     | sex = 1 (235)                        | the 9 others (sex is constant)  |
| `sex_2`     | sex = 2 (207)                        | the 9 others                    |
| `age_young` | age < 50 (214)                       | all 10                          |
| `age_old`   | age >= 50 (228)                      | all 10                          |
| `bmi_low`   | body-mass index < 25.7, the median (218) | all 10                      |
| `bmi_high`  | body-mass index >= 25.7 (224)        | all 10                          |

The sex split is a population shift with little covariate change; the age split moves the
inputs (and the mean progression: 137 young vs 167 old); the body-mass split is a strong
covariate shift in the most predictive variable (correlation 0.59 with the target), so a
model must extrapolate. Features are the raw values (`scaled=False`); experiments
standardise them with source statistics. No published transfer numbers exist for these
splits: tables compare with source-only and target-only models.

Example:
    >>> task = diabetes_task("diabetes:bmi_low->bmi_high", seed=0)
    >>> task.task, task.input_shape
    ('regression', (10,))
"""

from __future__ import annotations

import functools
from typing import Dict, Tuple

import numpy as np

from tftransfer._checks import check_choice, check_int
from tftransfer.data.domains import Domain, TransferTask

__all__ = ["DIABETES_DOMAINS", "DIABETES_TASKS", "diabetes_task", "load_diabetes_domain"]

AGE_THRESHOLD = 50.0
BMI_THRESHOLD = 25.7
"""The median body-mass index of the 442 patients."""

# domain -> (column, keep rows where `column` op threshold, drop the column?)
_SPLITS: Dict[str, Tuple[int, str, float, bool]] = {
    "sex_1": (1, "==", 1.0, True),
    "sex_2": (1, "==", 2.0, True),
    "age_young": (0, "<", AGE_THRESHOLD, False),
    "age_old": (0, ">=", AGE_THRESHOLD, False),
    "bmi_low": (2, "<", BMI_THRESHOLD, False),
    "bmi_high": (2, ">=", BMI_THRESHOLD, False),
}
DIABETES_DOMAINS: Tuple[str, ...] = tuple(_SPLITS)
_PAIRS = (("sex_1", "sex_2"), ("age_young", "age_old"), ("bmi_low", "bmi_high"))
DIABETES_TASKS: Tuple[str, ...] = tuple(
    f"diabetes:{a}->{b}" for pair in _PAIRS for a, b in (pair, pair[::-1]))


@functools.lru_cache(maxsize=1)
def _diabetes() -> Tuple[np.ndarray, np.ndarray, Tuple[str, ...]]:
    from sklearn.datasets import load_diabetes

    data = load_diabetes(scaled=False)
    return (np.asarray(data.data, np.float64), np.asarray(data.target, np.float64),
            tuple(data.feature_names))


def load_diabetes_domain(name: str) -> Domain:
    """The patients of one domain (`DIABETES_DOMAINS`) as a regression `Domain`.

    Args:
        name: The domain, e.g. "bmi_low" (see the table of the module docstring).

    Returns:
        A `Domain` with task="regression": raw features (float32; the sex column dropped
        for "sex_1" / "sex_2", where it is constant) and the disease progression as target.

    Raises:
        ValueError: an unknown domain (the valid ones are listed).
    """
    check_choice(name, "name", DIABETES_DOMAINS, owner="load_diabetes_domain")
    x, y, _ = _diabetes()
    column, op, threshold, drop = _SPLITS[name]
    values = x[:, column]
    rows = {"==": values == threshold, "<": values < threshold, ">=": values >= threshold}[op]
    features = np.delete(x, column, axis=1) if drop else x
    return Domain(name, features[rows], y[rows], task="regression")


def diabetes_task(name: str, *, seed: int = 0) -> TransferTask:
    """A diabetes task "diabetes:SOURCE->TARGET" (`DIABETES_TASKS`), split by
    `TransferTask.from_domains` (20% source validation, 50% target test, seeded).

    Raises:
        ValueError: an unknown task (the valid ones are listed).
    """
    check_choice(name, "name", DIABETES_TASKS, owner="diabetes_task")
    seed = check_int(seed, "seed", minimum=0, owner="diabetes_task")
    source, target = name.split(":", 1)[1].split("->")
    return TransferTask.from_domains(name, load_diabetes_domain(source),
                                     load_diabetes_domain(target), seed=seed)
