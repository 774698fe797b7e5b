"""TrAdaBoost: the paper's updates, beating source-only learners under label shift, errors."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from tftransfer.instance import TrAdaBoost




def rotated_concept_task(seed, n_s=500, n_t=30, n_test=2000, degrees=60.0):
    """Same inputs N(0, I₂) in both domains; the target labels x₀ > 0, the source labels
    follow a boundary rotated by `degrees`, so a third of the source labels are wrong
    for the target."""
    rng = np.random.default_rng(seed)
    a = np.deg2rad(degrees)
    w_s, w_t = np.array([np.cos(a), np.sin(a)]), np.array([1.0, 0.0])
    xs, xt, xte = (rng.normal(size=(n, 2)) for n in (n_s, n_t, n_test))
    return xs, (xs @ w_s > 0).astype(int), xt, (xt @ w_t > 0).astype(int), xte, \
        (xte @ w_t > 0).astype(int)


def test_tradaboost_beats_source_learners_when_source_labels_disagree():
    rows = []
    for seed in range(3):
        xs, ys, xt, yt, xte, yte = rotated_concept_task(seed)
        assert 0.3 < np.mean(ys != (xs[:, 0] > 0)) < 0.4
        base = LogisticRegression(max_iter=1000)
        source_only = clone(base).fit(xs, ys).score(xte, yte)
        pooled = clone(base).fit(np.vstack([xs, xt]), np.r_[ys, yt]).score(xte, yte)
        boosted = TrAdaBoost(n_estimators=10, seed=seed).fit(xs, ys, xt, yt).score(xte, yte)
        rows.append((source_only, pooled, boosted))
    source_only, pooled, boosted = np.mean(rows, axis=0)
    # Measured means over seeds 0-2: source only 0.669, source + target 0.687,
    # TrAdaBoost 0.818 (0.966 / 0.746 / 0.742); a target-only LR on the 30 labels: 0.95.
    assert boosted > max(source_only, pooled) + 0.08, rows


def test_weights_follow_the_paper_updates():
    xs, ys, xt, yt, _, _ = rotated_concept_task(1, n_s=200, n_t=20)
    model = TrAdaBoost(n_estimators=4, seed=0).fit(xs, ys, xt, yt)
    n_s, n_t = 200, 20
    beta = 1.0 / (1.0 + np.sqrt(2.0 * np.log(n_s) / 4))
    assert model.beta_source_ == pytest.approx(beta)
    # Replay the rounds from the stored learners.
    w = np.full(n_s + n_t, 1.0 / (n_s + n_t))
    x, y = np.vstack([xs, xt]), np.r_[ys, yt]
    for learner, eps in zip(model.estimators_, model.estimator_errors_):
        p = w / w.sum()
        miss = (learner.predict(x) != y).astype(float)
        expected_eps = np.clip(p[n_s:] @ miss[n_s:] / p[n_s:].sum(), 1e-10, 0.499)
        assert eps == pytest.approx(expected_eps)
        beta_t = eps / (1 - eps)
        w = p * np.r_[beta ** miss[:n_s], beta_t ** (-miss[n_s:])]
    np.testing.assert_allclose(model.source_weights_, w[:n_s] / w.sum(), rtol=1e-10)
    np.testing.assert_allclose(model.target_weights_, w[n_s:] / w.sum(), rtol=1e-10)
    np.testing.assert_allclose(model.estimator_weights_, np.log(1 / model.betas_))


def test_vote_uses_the_second_half_and_probabilities_sum_to_one():
    xs, ys, xt, yt, xte, _ = rotated_concept_task(0, n_s=200, n_t=20, n_test=50)
    model = TrAdaBoost(n_estimators=5).fit(xs, ys, xt, yt)
    proba = model.predict_proba(xte)
    assert proba.shape == (50, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    votes = np.zeros((50, 2))
    for learner, weight in zip(model.estimators_[2:], model.estimator_weights_[2:]):  # t = 3..5
        votes[np.arange(50), learner.predict(xte)] += weight
    np.testing.assert_allclose(proba, votes / votes.sum(1, keepdims=True))
    np.testing.assert_array_equal(model.predict(xte), np.argmax(votes, axis=1))


def test_multiclass_string_labels_and_factories(rng):
    centres = np.array([[0.0, 3.0], [3.0, 0.0], [-3.0, -3.0]])
    names = np.array(["cat", "dog", "eel"])
    ys_idx, yt_idx = rng.integers(0, 3, 150), np.arange(15) % 3
    xs = centres[ys_idx] + rng.normal(size=(150, 2))
    xt = centres[yt_idx] + rng.normal(size=(15, 2))
    for estimator in (DecisionTreeClassifier(max_depth=2),
                      lambda: LogisticRegression(max_iter=500), DecisionTreeClassifier):
        model = TrAdaBoost(estimator, n_estimators=3).fit(xs, names[ys_idx], xt, names[yt_idx])
        assert list(model.classes_) == ["cat", "dog", "eel"]
        assert model.score(xt, names[yt_idx]) > 0.8
        assert set(model.predict(xs)) <= set(names)
    # A scikit-learn learner with random_state=None gets seed + round.
    model = TrAdaBoost(DecisionTreeClassifier(), n_estimators=2, seed=7).fit(xs, ys_idx, xt, yt_idx)
    assert [e.random_state for e in model.estimators_] == [7, 8]


def test_bad_arguments_and_inputs_raise(rng):
    for kwargs, error in [({"n_estimators": 0}, ValueError), ({"n_estimators": 2.0}, TypeError),
                          ({"learning_rate": 0.0}, ValueError), ({"seed": -1}, ValueError),
                          ({"estimator": 3}, TypeError)]:
        with pytest.raises(error, match=next(iter(kwargs))):
            TrAdaBoost(**kwargs)
    xs, ys = rng.normal(size=(20, 2)), rng.integers(0, 2, 20)
    xt, yt = rng.normal(size=(6, 2)), np.array([0, 1, 0, 1, 0, 1])
    with pytest.raises(TypeError, match="sample_weight"):
        TrAdaBoost(KNeighborsClassifier()).fit(xs, ys, xt, yt)
    with pytest.raises(ValueError, match="same feature shape"):
        TrAdaBoost().fit(xs, ys, xt[:, :1], yt)
    with pytest.raises(ValueError, match=r"one label per sample \(6\). Received: 5 labels"):
        TrAdaBoost().fit(xs, ys, xt, yt[:5])
    with pytest.raises(ValueError, match="at least 1 sample"):
        TrAdaBoost().fit(xs, ys, xt[:0], yt[:0])
    with pytest.raises(ValueError, match="NaN"):
        TrAdaBoost().fit(np.where(xs > 1, np.nan, xs), ys, xt, yt)
    with pytest.raises(ValueError, match="2-D"):
        TrAdaBoost().fit(xs[:, 0], ys, xt, yt)
    with pytest.raises(RuntimeError, match="not fitted"):
        TrAdaBoost().predict(xs)
    with pytest.raises(ValueError, match="2 features the estimator was fitted on"):
        TrAdaBoost(n_estimators=1).fit(xs, ys, xt, yt).predict(rng.normal(size=(3, 3)))
