"""scikit-learn's diabetes data split into regression domains by a patient covariate."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from tftransfer.data.diabetes import (DIABETES_DOMAINS, DIABETES_TASKS, diabetes_task,
                                      load_diabetes_domain)

SIZES = {"sex_1": 235, "sex_2": 207, "age_young": 214, "age_old": 228, "bmi_low": 218,
         "bmi_high": 224}
PAIRS = [("sex_1", "sex_2"), ("age_young", "age_old"), ("bmi_low", "bmi_high")]


def _row_keys(x):
    return {tuple(r) for r in np.asarray(x, np.float32)}  # Domain stores float32


def test_domain_sizes_and_features_are_as_documented():
    assert set(DIABETES_DOMAINS) == set(SIZES)
    for name, size in SIZES.items():
        domain = load_diabetes_domain(name)
        assert domain.task == "regression" and domain.n == size
        assert domain.x.shape == (size, 9 if name.startswith("sex") else 10)
        assert np.isfinite(domain.x).all() and domain.y.shape == (size,)


@pytest.mark.parametrize("a, b", PAIRS)
def test_each_split_partitions_the_442_patients(a, b):
    data = load_diabetes(scaled=False)
    first, second = load_diabetes_domain(a), load_diabetes_domain(b)
    assert first.n + second.n == len(data.target) == 442
    if a.startswith("sex"):  # the sex column is dropped: compare on the other nine
        full = np.delete(data.data, 1, axis=1)
    else:
        full = data.data
    rows = _row_keys(full)
    assert _row_keys(first.x) | _row_keys(second.x) == rows
    assert not _row_keys(first.x) & _row_keys(second.x)
    np.testing.assert_allclose(np.sort(np.r_[first.y, second.y]), np.sort(data.target),
                               rtol=1e-6)


def test_thresholds_separate_the_domains():
    assert load_diabetes_domain("age_young").x[:, 0].max() < 50 <= \
        load_diabetes_domain("age_old").x[:, 0].min()
    assert load_diabetes_domain("bmi_low").x[:, 2].max() < 25.7 <= \
        load_diabetes_domain("bmi_high").x[:, 2].min()
    # Body-mass index predicts progression: the high-BMI patients progress further.
    assert load_diabetes_domain("bmi_high").y.mean() > load_diabetes_domain("bmi_low").y.mean() + 50


def test_the_constant_sex_column_is_removed_from_the_sex_split():
    data = load_diabetes(scaled=False)
    for name, value in (("sex_1", 1.0), ("sex_2", 2.0)):
        domain = load_diabetes_domain(name)
        assert domain.x.std(axis=0).min() > 0  # no constant column left
        chosen = data.data[:, 1] == value
        np.testing.assert_allclose(domain.x, np.delete(data.data[chosen], 1, axis=1),
                                   rtol=1e-6)
        np.testing.assert_allclose(domain.y, data.target[chosen], rtol=1e-6)


def test_tasks_are_seeded_regression_splits():
    assert len(DIABETES_TASKS) == 6 and "diabetes:bmi_high->bmi_low" in DIABETES_TASKS
    task = diabetes_task("diabetes:bmi_low->bmi_high", seed=1)
    assert task.task == "regression" and task.input_shape == (10,)
    assert task.source_train.n + task.source_val.n == 218
    assert task.target_train.n + task.target_test.n == 224
    again = diabetes_task("diabetes:bmi_low->bmi_high", seed=1)
    np.testing.assert_array_equal(task.target_test.y, again.target_test.y)
    other = diabetes_task("diabetes:bmi_low->bmi_high", seed=2)
    assert not np.array_equal(task.target_test.y, other.target_test.y)
    assert diabetes_task("diabetes:sex_2->sex_1").input_shape == (9,)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"must be one of 'sex_1', 'sex_2', .*'bmi_high'"):
        load_diabetes_domain("obese")
    with pytest.raises(ValueError, match=r"must be one of 'diabetes:sex_1->sex_2'.*Received: "
                                         r"name='bmi_low->bmi_high'"):
        diabetes_task("bmi_low->bmi_high")
    with pytest.raises(ValueError, match="seed"):
        diabetes_task("diabetes:sex_1->sex_2", seed=-1)
