"""N-LEEP: LEEP of a Gaussian mixture's posteriors, its bounds, determinism and bad inputs."""

import numpy as np
import pytest

from tftransfer.ranking import leep, nleep


def test_is_leep_of_the_mixture_posteriors(rng):
    from sklearn.mixture import GaussianMixture

    labels = rng.integers(0, 3, 120)
    features = rng.normal(size=(120, 4)) + 2 * np.eye(4)[labels]
    mixture = GaussianMixture(n_components=6, random_state=3).fit(features)
    expected = leep(mixture.predict_proba(features), labels)
    assert nleep(features, labels, variance_kept=None, components_per_class=2,
                 seed=3) == pytest.approx(expected, abs=1e-12)


def test_clusters_that_are_the_classes_score_zero(rng):
    # One far-apart cluster per class and one component per class: one-hot posteriors
    # that predict the label exactly, the LEEP maximum 0.
    labels = np.repeat([0, 1, 2], 40)
    features = rng.normal(size=(120, 3)) + 50 * np.eye(3)[labels]
    assert nleep(features, labels, components_per_class=1) == pytest.approx(0.0, abs=1e-9)


def test_separating_features_beat_noise_within_the_bounds(rng):
    labels = rng.integers(0, 4, 400)
    separating = 6 * np.eye(8)[labels] + rng.normal(size=(400, 8))
    noise = rng.normal(size=(400, 8))
    p = np.bincount(labels) / 400
    entropy = -np.sum(p * np.log(p))
    high, low = nleep(separating, labels), nleep(noise, labels)
    assert -entropy - 1e-9 <= low < high <= 0.0
    assert high > -0.2 and low < -entropy + 0.8


def test_deterministic_given_the_seed(rng):
    labels = rng.integers(0, 3, 90)
    features = rng.normal(size=(90, 5))
    assert nleep(features, labels, seed=1) == nleep(features, labels, seed=1)


def test_components_stay_below_the_number_of_examples(rng):
    # 5 x 4 classes = 20 components for 12 examples: cut by C until below n (8).
    labels = np.repeat([0, 1, 2, 3], 3)
    value = nleep(rng.normal(size=(12, 3)), labels)
    assert np.isfinite(value) and value <= 0.0


@pytest.mark.parametrize("options, match", [
    ({"variance_kept": 0.0}, "`variance_kept` must be"),
    ({"variance_kept": 1.5}, "`variance_kept` must be"),
    ({"components_per_class": 0}, "`components_per_class` must be"),
    ({"covariance": "diagonal"}, "`covariance` must be one of 'full', 'tied', 'diag', 'spherical'"),
])
def test_bad_options_raise_clear_errors(rng, options, match):
    with pytest.raises(ValueError, match=match):
        nleep(rng.normal(size=(10, 3)), np.arange(10) % 2, **options)


def test_too_few_examples_raise(rng):
    with pytest.raises(ValueError, match="more examples than classes"):
        nleep(rng.normal(size=(2, 3)), np.array([0, 1]))
