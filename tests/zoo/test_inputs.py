"""The zoo's input format: 32x32x3 in [0, 255] from flat grey digits."""

import numpy as np
import pytest

from tftransfer.data import Domain
from tftransfer.zoo import ZOO_INPUT_SHAPE, to_zoo_images


def test_grey_digits_become_rgb_pixels():
    x = np.zeros((3, 64), "float32")
    x[:, :8] = 1.0                                  # the top row of the 8x8 images is white
    images = to_zoo_images(Domain("d", x, np.array([0, 1, 2]), num_classes=3))
    assert images.feature_shape == ZOO_INPUT_SHAPE
    assert images.x.min() >= 0 and images.x.max() == pytest.approx(255.0)
    np.testing.assert_array_equal(images.x[..., 0], images.x[..., 2])   # grey in every channel
    assert images.x[:, 0].mean() > 200 and images.x[:, -1].max() == 0   # top white, bottom black
    np.testing.assert_array_equal(images.y, [0, 1, 2])


def test_bad_domains_raise_clear_errors():
    with pytest.raises(TypeError, match="must be a Domain"):
        to_zoo_images(np.zeros((2, 64)))
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        to_zoo_images(Domain("d", np.full((2, 64), 16.0), np.array([0, 1]), num_classes=2))
    with pytest.raises(ValueError, match="flat grey images"):
        to_zoo_images(Domain("d", np.zeros((2, 8, 8)), np.array([0, 1]), num_classes=2))
