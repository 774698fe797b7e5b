"""CORAL as a shallow transform: covariance matching, the ε effect, accuracy on a scale shift."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from tftransfer.transforms import CORAL
from tftransfer.transforms.coral import symmetric_matrix_power


def _correlated(rng, n, d, scale=1.0):
    mixing = rng.normal(size=(d, d))
    return (rng.normal(size=(n, d)) @ mixing + 2.0) * scale


def _scale_shift_task(seed, n=400):
    """Two classes of independent features with different spreads; the target rescales
    every feature (×0.25 … ×4), the case CORAL's whitening/re-colouring undoes exactly."""
    rng = np.random.default_rng(seed)
    spread = np.array([1.0, 0.5, 1.5, 0.8, 1.2, 0.6])
    class_shift = np.array([1.0, -0.5, 0.8, 0.6, -1.0, 0.4])
    y = rng.integers(0, 2, 2 * n)
    x = rng.normal(size=(2 * n, 6)) * spread + np.outer(y, class_shift) + 1.0
    scale = np.array([4.0, 0.25, 3.0, 0.3, 2.0, 0.5])
    return x[:n], y[:n], x[n:] * scale, y[n:]


def test_source_covariance_matches_target_as_epsilon_vanishes(rng):
    xs = _correlated(rng, 500, 5)
    xt = _correlated(rng, 400, 5, scale=3.0)
    zs = CORAL(epsilon=1e-9).fit(xs, xt).transform_source(xs).astype(np.float64)
    cov_t = np.cov(xt, rowvar=False)
    np.testing.assert_allclose(np.cov(zs, rowvar=False), cov_t, rtol=1e-4,
                               atol=1e-4 * np.abs(cov_t).max())


def test_epsilon_effect_is_the_closed_form(rng):
    # cov(Xs A) = Ct − ε Ct^{1/2} Cs^{-1} Ct^{1/2}, with Cs, Ct the regularised covariances.
    xs, xt = _correlated(rng, 300, 4), _correlated(rng, 200, 4, scale=0.5)
    eps = 1.0
    coral = CORAL(epsilon=eps).fit(xs, xt)
    c_s = np.cov(xs, rowvar=False) + eps * np.eye(4)
    c_t = np.cov(xt, rowvar=False) + eps * np.eye(4)
    root_t = symmetric_matrix_power(c_t, 0.5)
    expected = c_t - eps * root_t @ np.linalg.inv(c_s) @ root_t
    np.testing.assert_allclose(np.cov(xs @ coral.matrix_, rowvar=False), expected, rtol=1e-8,
                               atol=1e-10)
    np.testing.assert_allclose(
        coral.matrix_, symmetric_matrix_power(c_s, -0.5) @ root_t, rtol=1e-10)


def test_target_is_unchanged_and_outputs_are_float32(rng):
    xs, xt = _correlated(rng, 50, 3), _correlated(rng, 40, 3)
    zs, zt = CORAL().fit_transform(xs, xt)
    assert zs.dtype == np.float32 and zt.dtype == np.float32
    assert zs.shape == (50, 3) and zt.shape == (40, 3)
    np.testing.assert_array_equal(zt, xt.astype(np.float32))


def test_coral_beats_no_adaptation_on_a_per_feature_scale_shift():
    gains = []
    for seed in range(3):
        xs, ys, xt, yt = _scale_shift_task(seed)
        baseline = LogisticRegression(max_iter=1000).fit(xs, ys).score(xt, yt)
        coral = CORAL(epsilon=1.0).fit(xs, xt)
        clf = LogisticRegression(max_iter=1000).fit(coral.transform_source(xs), ys)
        gains.append(clf.score(coral.transform_target(xt), yt) - baseline)
    # Measured (seeds 0-2): baseline 0.698 / 0.655 / 0.680, CORAL 0.828 / 0.805 / 0.797
    # (a target-trained oracle reaches 0.855 / 0.845 / 0.825).
    assert min(gains) > 0.08, gains


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_epsilon_value_raises(bad):
    with pytest.raises(ValueError, match="epsilon"):
        CORAL(epsilon=bad)


@pytest.mark.parametrize("bad", ["1", None, True])
def test_bad_epsilon_type_raises(bad):
    with pytest.raises(TypeError, match="epsilon"):
        CORAL(epsilon=bad)


def test_bad_arrays_raise(rng):
    xs, xt = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    with pytest.raises(ValueError, match="same feature shape"):
        CORAL().fit(xs, xt[:, :2])
    with pytest.raises(ValueError, match="2-D"):
        CORAL().fit(xs[:, 0], xt)
    with pytest.raises(ValueError, match="NaN"):
        CORAL().fit(np.where(xs > 1.5, np.nan, xs), xt)
    with pytest.raises(ValueError, match="at least 2"):
        CORAL().fit(xs[:1], xt)
    with pytest.raises(RuntimeError, match="not fitted"):
        CORAL().transform_source(xs)
    with pytest.raises(ValueError, match="3 features the estimator was fitted on"):
        CORAL().fit(xs, xt).transform_source(xs[:, :2])
    with pytest.raises(ValueError, match="'source', 'target'"):
        CORAL().fit(xs, xt).transform(xs, domain="tgt")


def test_standardising_each_domain_first_matches_the_target_correlations(rng):
    # The paper's experiments z-score each domain, then whiten and re-colour the source:
    # the mapped source has the target's (z-scored) covariance, both domains mean 0.
    xs = _correlated(rng, 500, 5) + 10.0
    xt = _correlated(rng, 400, 5, scale=3.0) - 4.0
    coral = CORAL(epsilon=1e-9, standardize="domain").fit(xs, xt)
    zs, zt = (z.astype(np.float64) for z in (coral.transform_source(xs), coral.transform_target(xt)))
    np.testing.assert_allclose(zt.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(zs.mean(axis=0), 0.0, atol=1e-4)
    np.testing.assert_allclose(zt.std(axis=0), 1.0, rtol=1e-5)
    np.testing.assert_allclose(np.cov(zs, rowvar=False), np.cov(zt, rowvar=False), rtol=1e-3,
                               atol=1e-3)
    # The linear map form (what the frozen Keras layer applies) gives the same outputs.
    for x, z, domain in ((xs, zs, "source"), (xt, zt, "target")):
        matrix, offset = coral.linear_map(domain)
        np.testing.assert_allclose((x - offset) @ matrix, z, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="'domain', 'none'"):
        CORAL(standardize="yes")
