"""TrAdaBoost.R2 and two-stage TrAdaBoost.R2: the paper's updates, beating source-only on the
covariate-shift task, scikit-learn and Keras base learners, errors."""

import keras
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.tree import DecisionTreeRegressor

from tftransfer.data.builtin import load_task
from tftransfer.instance import KerasRegressor, TrAdaBoostR2, TwoStageTrAdaBoostR2
from tftransfer.instance.tradaboost_r2 import adjusted_errors, weighted_median
from tftransfer.instance.two_stage_tradaboost_r2 import _source_factor


def test_adjusted_errors_and_weighted_median_by_hand():
    r = np.array([0.0, -1.0, 2.0, 4.0])
    np.testing.assert_allclose(adjusted_errors(r, "linear"), [0, 0.25, 0.5, 1])
    np.testing.assert_allclose(adjusted_errors(r, "square"), [0, 0.0625, 0.25, 1])
    np.testing.assert_allclose(adjusted_errors(r, "exponential"),
                               1 - np.exp(-np.array([0, 0.25, 0.5, 1])))
    np.testing.assert_array_equal(adjusted_errors(np.zeros(3), "linear"), np.zeros(3))
    predictions = np.array([[3.0, 1.0, 2.0], [0.0, 10.0, 5.0]])
    # Row 0 sorted 1 (w .2), 2 (w .3), 3 (w .5): cumulative .2, .5 -> 2. Row 1: 0 (.5) -> 0.
    np.testing.assert_array_equal(weighted_median(predictions, np.array([0.5, 0.2, 0.3])),
                                  [2.0, 0.0])


def _cubic(seed, labels=10):
    task = load_task("cubic->cubic_shifted", seed=seed)
    few = task.target_labelled_subset(labels, seed)
    return (task.source_train.x, task.source_train.y, few.x, few.y, task.target_test.x,
            task.target_test.y)


def test_weights_follow_the_paper_updates():
    xs, ys, xt, yt, _, _ = _cubic(0)
    model = TrAdaBoostR2(n_estimators=4).fit(xs, ys, xt, yt)
    n_s = len(xs)
    beta = 1.0 / (1.0 + np.sqrt(2.0 * np.log(n_s) / 4))
    assert model.beta_source_ == pytest.approx(beta)
    w = np.full(n_s + len(xt), 1.0 / (n_s + len(xt)))
    x, y = np.vstack([xs, xt]), np.r_[ys, yt]
    for learner, eps in zip(model.estimators_, model.estimator_errors_):
        p = w / w.sum()
        e = np.abs(y - learner.predict(x))
        e = e / e.max()
        assert eps == pytest.approx(np.clip(p[n_s:] @ e[n_s:] / p[n_s:].sum(), 1e-10, 0.499))
        w = p * np.r_[beta ** e[:n_s], (eps / (1 - eps)) ** (-e[n_s:])]
    np.testing.assert_allclose(model.source_weights_, w[:n_s] / w.sum(), rtol=1e-9)
    # Learners 2..4 vote (t >= ceil(4/2)); the prediction is their weighted median.
    votes = np.stack([h.predict(xt) for h in model.estimators_[1:]], 1)
    np.testing.assert_allclose(model.predict(xt),
                               weighted_median(votes, model.estimator_weights_[1:]))


@pytest.mark.slow
def test_tradaboost_r2_and_two_stage_beat_source_only_on_covariate_shift():
    """Shimodaira's cubic: a line fitted on the source misses the target region; boosting
    with 10 target labels moves the fit there (linear base learner)."""
    rows = []
    for seed in range(3):
        xs, ys, xt, yt, xte, yte = _cubic(seed)

        def mse(model):
            return float(np.mean((model.predict(xte) - yte) ** 2))

        rows.append((mse(LinearRegression().fit(xs, ys)),
                     mse(LinearRegression().fit(np.vstack([xs, xt]), np.r_[ys, yt])),
                     mse(TrAdaBoostR2(n_estimators=20, seed=seed).fit(xs, ys, xt, yt)),
                     mse(TwoStageTrAdaBoostR2(n_estimators=6, n_estimators_stage1=3,
                                              seed=seed).fit(xs, ys, xt, yt))))
    source_only, pooled, boosted, two_stage = np.mean(rows, axis=0)
    # Measured means (seeds 0-2): source only 0.278, pooled 0.266, TrAdaBoost.R2 0.129,
    # two-stage 0.131; the noise floor is 0.09 (ε ~ N(0, 0.3²)).
    assert boosted < 0.7 * min(source_only, pooled), rows
    assert two_stage < 0.7 * min(source_only, pooled), rows


def test_two_stage_moves_the_weight_to_the_target_linearly():
    xs, ys, xt, yt, _, _ = _cubic(1)
    model = TwoStageTrAdaBoostR2(Ridge(), n_estimators=5, n_estimators_stage1=2).fit(xs, ys,
                                                                                     xt, yt)
    uniform = len(xt) / (len(xs) + len(xt))
    np.testing.assert_allclose(model.target_shares_, uniform + np.arange(5) / 4 * (1 - uniform),
                               atol=1e-8)
    assert model.best_step_ == int(np.argmin(model.cv_errors_))
    assert model.source_weights_.sum() + model.target_weights_.sum() == pytest.approx(1.0)
    # Root finding hits the asked share; share 1 drops the source.
    w, e = np.full(4, 0.2), np.array([0.0, 0.5, 1.0, 0.25])
    factor = _source_factor(w, e, target_total=0.2, share=0.5)
    assert 0.2 / (0.2 + (w * factor).sum()) == pytest.approx(0.5)
    np.testing.assert_array_equal(_source_factor(w, e, 0.2, 1.0), np.zeros(4))


def test_tree_learners_and_arguments_are_checked():
    xs, ys, xt, yt, xte, _ = _cubic(2)
    model = TrAdaBoostR2(DecisionTreeRegressor(max_depth=2), n_estimators=3, loss="square")
    assert model.fit(xs, ys, xt, yt).predict(xte).shape == (len(xte),)
    assert model.estimators_[0].random_state == 0   # seed + round
    with pytest.raises(ValueError, match="`loss` must be one of 'linear', 'square', "
                                         "'exponential'"):
        TrAdaBoostR2(loss="huber")
    with pytest.raises(TypeError, match="`estimator` must be None"):
        TrAdaBoostR2(estimator=3)
    with pytest.raises(ValueError, match=r"one real target per sample"):
        TrAdaBoostR2().fit(xs, np.c_[ys, ys], xt, yt)
    with pytest.raises(ValueError, match="cv=5 with 3 target samples"):
        TwoStageTrAdaBoostR2().fit(xs, ys, xt[:3], yt[:3])
    with pytest.raises(ValueError, match="`n_estimators` must be an int >= 2"):
        TwoStageTrAdaBoostR2(n_estimators=1)
    with pytest.raises(RuntimeError, match="not fitted"):
        TrAdaBoostR2().predict(xte)


def _keras_mlp():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.05), "mse")
    return model


@pytest.mark.slow
def test_keras_base_learners():
    xs, ys, xt, yt, xte, yte = _cubic(0, labels=6)
    learner = KerasRegressor(_keras_mlp, epochs=3, batch_size=64)
    boosted = TrAdaBoostR2(learner, n_estimators=2).fit(xs, ys, xt, yt)
    # A fresh, seeded Keras model each round (seed + round).
    assert [h.random_state for h in boosted.estimators_] == [0, 1]
    assert boosted.estimators_[0].model_ is not boosted.estimators_[1].model_
    assert np.isfinite(boosted.predict(xte)).all()
    two_stage = TwoStageTrAdaBoostR2(learner, n_estimators=2, n_estimators_stage1=1, cv=2)
    assert np.isfinite(two_stage.fit(xs, ys, xt, yt).predict(xte)).all()
    with pytest.raises(ValueError, match="one value per example"):
        KerasRegressor(lambda: _two_outputs()).fit(xs, ys)


def _two_outputs():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2)])
    model.compile("adam", "mse")
    return model
