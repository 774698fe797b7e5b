"""EasyTL: the intra-domain program, CORAL alignment, batches of new samples."""

import numpy as np
import pytest
from shift_data import nuisance_shift_task

from tftransfer.shallow import EasyTL
from tftransfer.shallow.easytl import intra_domain_programming
from tftransfer.transforms import CORAL


def test_program_constraints_and_optimum(rng):
    distances = rng.uniform(size=(12, 4))
    distances[:, 3] += 5.0  # class 3 is nobody's nearest centre, yet must be used
    m = intra_domain_programming(distances)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-9)
    assert np.all(m.sum(axis=0) >= 1.0 - 1e-9) and np.all((m >= 0) & (m <= 1))
    nearest = np.argmin(distances[:, :3], axis=1)
    # The cheapest way to use class 3 once: move the sample that loses least.
    loss = distances[:, 3] - distances[np.arange(12), nearest]
    expected = np.sum(distances[np.arange(12), nearest]) + loss.min()
    np.testing.assert_allclose(np.sum(m * distances), expected, rtol=1e-9)


def test_a_batch_smaller_than_the_classes_is_assigned_to_the_nearest_centre(rng):
    distances = rng.uniform(size=(2, 5))
    np.testing.assert_array_equal(np.argmax(intra_domain_programming(distances), 1),
                                  np.argmin(distances, axis=1))
    assert intra_domain_programming(np.zeros((0, 5))).shape == (0, 5)


def test_fit_matches_the_papers_steps():
    xs, ys, xt, _ = nuisance_shift_task(0)
    model = EasyTL().fit(xs, ys, xt)
    # The reference demos' zscore(X, 1) of each domain, then CORAL and the class centres.
    zs, zt = ((x - x.mean(0)) / x.std(0) for x in (xs.astype(np.float64), xt.astype(np.float64)))
    aligned = CORAL(epsilon=1.0).fit(zs, zt).transform_source(zs).astype(np.float64)
    centres = np.stack([aligned[ys == c].mean(axis=0) for c in range(3)])
    np.testing.assert_allclose(model.centres_, centres, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.predict_scores(xt), model.target_assignment_)
    raw = EasyTL(intra_align="raw", standardize="none").fit(xs, ys, xt)
    np.testing.assert_allclose(raw.centres_, np.stack([xs[ys == c].mean(0) for c in range(3)]))
    np.testing.assert_array_equal(raw.transform_source(xs), xs.astype(np.float32))


def test_standardising_each_domain_ignores_a_domain_offset_and_scale():
    xs, ys, xt, yt = nuisance_shift_task(2)
    # A large common offset on the source and a rescaled target, as non-negative
    # activations or another sensor's units would give.
    shifted_xs, scaled_xt = xs + 50.0, 3.0 * xt - 7.0
    model = EasyTL().fit(xs, ys, xt)
    moved = EasyTL().fit(shifted_xs, ys, scaled_xt)
    np.testing.assert_array_equal(moved.predict(scaled_xt), model.predict(xt))
    assert np.mean(model.predict(xt) == yt) > 0.7
    plain = EasyTL(standardize="none").fit(shifted_xs, ys, scaled_xt)
    assert np.mean(plain.predict(scaled_xt) == yt) < np.mean(model.predict(xt) == yt) - 0.2


@pytest.mark.parametrize("distance", ["sqeuclidean", "cosine"])
def test_other_distances(distance):
    xs, ys, xt, yt = nuisance_shift_task(1)
    assert np.mean(EasyTL(distance=distance).fit_predict(xs, ys, xt) == yt) > 0.7


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="'coral', 'raw'"):
        EasyTL(intra_align="gfk")
    with pytest.raises(ValueError, match="'euclidean', 'sqeuclidean', 'cosine'"):
        EasyTL(distance="manhattan")
    with pytest.raises(ValueError, match="'domain', 'none'"):
        EasyTL(standardize="minmax")
