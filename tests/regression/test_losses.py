"""Regression task losses against hand-computed values."""

import numpy as np
import pytest

from tftransfer.regression import huber_error, regression_loss, squared_error


def test_squared_error_is_the_mean_over_outputs_per_example():
    y = np.array([[1.0, 2.0], [0.0, -1.0]], np.float32)
    p = np.array([[0.0, 4.0], [0.5, -1.0]], np.float32)
    # Row 0: ((1)^2 + (2)^2) / 2 = 2.5; row 1: (0.25 + 0) / 2 = 0.125.
    np.testing.assert_allclose(squared_error(y, p).numpy(), [2.5, 0.125])


def test_huber_is_quadratic_inside_delta_and_linear_outside():
    y = np.zeros((3, 1), np.float32)
    p = np.array([[0.5], [2.0], [-3.0]], np.float32)
    # δ = 1: 0.5·0.25 = 0.125; 1·(2 − 0.5) = 1.5; 1·(3 − 0.5) = 2.5.
    np.testing.assert_allclose(huber_error(y, p, 1.0).numpy(), [0.125, 1.5, 2.5])
    # δ = 2: 0.125; 0.5·4 = 2; 2·(3 − 1) = 4.
    np.testing.assert_allclose(huber_error(y, p, 2.0).numpy(), [0.125, 2.0, 4.0])


def test_regression_loss_by_name_lists_the_valid_names():
    assert regression_loss("mse") is squared_error
    with pytest.raises(ValueError, match="'mse', 'huber'.*Received: regression_loss='mae'"):
        regression_loss("mae")
