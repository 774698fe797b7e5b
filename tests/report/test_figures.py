import numpy as np
import pytest

from tftransfer.report.figures import project_2d


@pytest.mark.parametrize("how", ["pca", "tsne"])
@pytest.mark.parametrize("d", [1, 3])
def test_projections_take_any_number_of_features(how, d, rng):
    source, target = rng.normal(size=(30, d)), rng.normal(size=(20, d)) + 1.0
    coords_s, coords_t = project_2d(source, target, how)
    assert coords_s.shape == (30, 2) and coords_t.shape == (20, 2)
    assert np.all(np.isfinite(coords_s)) and np.all(np.isfinite(coords_t))
