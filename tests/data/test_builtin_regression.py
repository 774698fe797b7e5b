"""The embedded covariate-shift regression task (Shimodaira's cubic)."""

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.linear_model import LinearRegression

from tftransfer.data.builtin import (CUBIC_SOURCE, CUBIC_TARGET, REGRESSION_TASKS,
                                     cubic_density_ratio, load_domain, load_task, task_names)


def test_cubic_task_is_a_regression_task_with_the_documented_inputs():
    task = load_task(REGRESSION_TASKS[0], seed=0)
    assert task.task == "regression" and task.input_shape == (1,)
    assert task.source_train.n + task.source_val.n == 400
    source = load_domain("cubic", seed=0, n_samples=4000)
    target = load_domain("cubic_shifted", role="target", seed=0, n_samples=4000)
    assert source.x.mean() == pytest.approx(CUBIC_SOURCE[0], abs=0.05)
    assert target.x.std() == pytest.approx(CUBIC_TARGET[1], abs=0.02)
    residual = source.y - (-source.x[:, 0] + source.x[:, 0] ** 3)
    assert residual.std() == pytest.approx(0.3, abs=0.02)
    assert REGRESSION_TASKS[0] not in task_names()   # the standard list is classification


def test_density_ratio_is_exact():
    x = np.array([-0.5, 0.0, 0.7])
    expected = norm.pdf(x, *CUBIC_TARGET) / norm.pdf(x, *CUBIC_SOURCE)
    np.testing.assert_allclose(cubic_density_ratio(x[:, None]), expected, rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_importance_weighting_must_help_a_misspecified_model(seed):
    """A straight line fits the cubic where the source is dense; weighting by the exact
    density ratio moves the fit to the target region (Shimodaira 2000)."""
    task = load_task(REGRESSION_TASKS[0], seed=seed)
    xs, ys = task.source_train.x, task.source_train.y
    xt, yt = task.target_test.x, task.target_test.y

    def target_mse(weights):
        line = LinearRegression().fit(xs, ys, sample_weight=weights)
        return float(np.mean((line.predict(xt) - yt) ** 2))

    assert target_mse(cubic_density_ratio(xs)) < 0.6 * target_mse(None)
