"""Every shallow method: beats raw 1-NN on a constructed shift, repeats bit for bit, shares
one interface (scores, labels, embeddings, new samples) and rejects bad input clearly."""

import numpy as np
import pytest
from shift_data import nuisance_shift_task

from tftransfer import shallow

# Small settings for the tiny data (the defaults are the papers', for real benchmarks).
METHODS = {
    "jda": dict(n_components=4),
    "bda": dict(n_components=4),
    "meda": dict(n_components=2),
    "easytl": dict(),
    "gfk": dict(n_components=2),
    "tca_nn1": dict(n_components=2),
    "coral_svm": dict(),
}


@pytest.fixture(scope="module")
def shift_tasks():
    return [nuisance_shift_task(seed) for seed in range(3)]


@pytest.mark.parametrize("name", ["jda", "bda", "meda", "easytl", "gfk", "tca_nn1"])
def test_beats_raw_1nn_on_a_constructed_shift(name, shift_tasks):
    baseline, adapted = [], []
    for xs, ys, xt, yt in shift_tasks:
        baseline.append(np.mean(shallow.get("nn1").fit_predict(xs, ys, xt) == yt))
        adapted.append(np.mean(shallow.get(name, **METHODS[name]).fit_predict(xs, ys, xt) == yt))
    # Measured (means over seeds 0-2): raw 1-NN 0.648; JDA 0.911, BDA 0.859, MEDA 0.948,
    # EasyTL 0.963 (0.926 without its per-domain z-scoring), GFK 0.933, TCA + 1-NN 0.989.
    assert np.mean(adapted) > np.mean(baseline) + 0.15, (baseline, adapted)


@pytest.mark.parametrize("name", sorted(METHODS))
def test_repeated_fits_are_bit_identical(name, shift_tasks):
    xs, ys, xt, _ = shift_tasks[0]
    first = shallow.get(name, **METHODS[name]).fit(xs, ys, xt)
    second = shallow.get(name, **METHODS[name]).fit(xs, ys, xt)
    np.testing.assert_array_equal(first.predict(xt), second.predict(xt))
    np.testing.assert_array_equal(first.predict_scores(xt), second.predict_scores(xt))
    np.testing.assert_array_equal(first.transform_target(xt), second.transform_target(xt))


@pytest.mark.parametrize("name", sorted(METHODS))
def test_interface_on_fitted_and_new_samples(name, shift_tasks):
    xs, ys, xt, _ = shift_tasks[1]
    labels = np.array([0, 2, 7])[ys]  # any non-negative ints; classes_ holds them sorted
    model = shallow.get(name, **METHODS[name]).fit(xs, labels, xt)
    np.testing.assert_array_equal(model.classes_, [0, 2, 7])
    assert model.n_classes_ == 3 and model.n_features_in_ == xs.shape[1]
    scores = model.predict_scores(xt)
    assert scores.shape == (len(xt), 3) and scores.dtype == np.float64
    assert np.all(np.isfinite(scores))
    np.testing.assert_array_equal(model.predict(xt), model.classes_[np.argmax(scores, axis=1)])
    source_scores = model.predict_scores(xs, domain="source")
    assert source_scores.shape == (len(xs), 3)
    # New samples: rows are scored independently (EasyTL solves its program per batch,
    # so it is checked on its own batches), and the fitted samples keep their results.
    x_new = xt[:20] + 0.1
    new_scores = model.predict_scores(x_new)
    assert new_scores.shape == (20, 3) and np.all(np.isfinite(new_scores))
    if name != "easytl":
        np.testing.assert_allclose(model.predict_scores(np.vstack([xt, x_new]))[: len(xt)],
                                   scores, rtol=1e-9, atol=1e-9)
    for z in (model.transform_source(xs), model.transform_target(xt), model.transform(x_new)):
        assert z.dtype == np.float32 and len(z) in (len(xs), len(xt), 20)
        assert np.all(np.isfinite(z))


@pytest.mark.parametrize("name", ["jda", "bda", "meda"])
def test_predict_on_the_fitted_target_gives_the_last_pseudo_labels(name, shift_tasks):
    xs, ys, xt, _ = shift_tasks[2]
    model = shallow.get(name, **METHODS[name]).fit(xs, ys, xt)
    np.testing.assert_array_equal(model.predict(xt), model.classes_[model.pseudo_labels_])
    assert 1 <= model.n_iter_ <= model.n_iter


@pytest.mark.parametrize("name", sorted(METHODS))
def test_bad_input_raises_clear_errors(name, rng):
    model = shallow.get(name, **METHODS[name])
    xs, ys, xt = rng.normal(size=(30, 20)), np.arange(30) % 3, rng.normal(size=(30, 20))
    with pytest.raises(RuntimeError, match="not fitted"):
        model.predict(xt)
    bad = xs.copy()
    bad[3, 4] = np.nan
    with pytest.raises(ValueError, match="Xs.*finite"):
        model.fit(bad, ys, xt)
    with pytest.raises(ValueError, match="same feature shape"):
        model.fit(xs, ys, xt[:, :5])
    with pytest.raises(ValueError, match="at least 2 classes"):
        model.fit(xs, np.zeros(30, dtype=int), xt)
    with pytest.raises(ValueError, match="non-negative"):
        model.fit(xs, ys - 1, xt)
    with pytest.raises(ValueError, match="one label per sample"):
        model.fit(xs, ys[:-1], xt)
    model.fit(xs, ys, xt)
    with pytest.raises(ValueError, match="'source', 'target'"):
        model.predict(xt, domain="tgt")
    with pytest.raises(ValueError, match="20 features"):
        model.predict(xt[:, :3])


@pytest.mark.parametrize("name", ["jda", "bda", "meda", "easytl", "gfk", "coral_svm"])
def test_rank_deficient_and_collinear_features_stay_finite(name, rng):
    """Duplicated, constant and all-zero columns: singular covariances, never NaN."""
    xs, ys, xt, _ = nuisance_shift_task(4, n=60, nuisance=4)
    def degrade(x):
        return np.hstack([x, x[:, :2], np.zeros((len(x), 3)), np.full((len(x), 1), 2.0)])
    model = shallow.get(name, **METHODS[name]).fit(degrade(xs), ys, degrade(xt))
    assert np.all(np.isfinite(model.predict_scores(degrade(xt))))
    assert np.all(np.isfinite(model.transform_target(degrade(xt))))


@pytest.mark.parametrize("name", ["jda", "bda", "meda", "easytl", "gfk"])
def test_standardising_each_domain_makes_a_change_of_units_per_domain_harmless(name, shift_tasks):
    xs, ys, xt, _ = shift_tasks[0]
    options = {**METHODS[name], "standardize": "domain"}
    model = shallow.get(name, **options).fit(xs, ys, xt)
    moved_xs, moved_xt = 4.0 * xs + 50.0, 0.5 * xt - 7.0
    moved = shallow.get(name, **options).fit(moved_xs, ys, moved_xt)
    np.testing.assert_array_equal(moved.predict(moved_xt), model.predict(xt))
    # New samples go through their own domain's statistics.
    np.testing.assert_array_equal(moved.predict(moved_xs, domain="source"),
                                  model.predict(xs, domain="source"))
    np.testing.assert_allclose(model.scaling_["target"][0], xt.mean(axis=0), rtol=1e-5, atol=1e-6)
    plain = {**METHODS[name], "standardize": "none"}
    assert shallow.get(name, **plain).fit(xs, ys, xt).scaling_ is None


def test_an_unknown_standardisation_lists_the_valid_ones(shift_tasks):
    xs, ys, xt, _ = shift_tasks[0]
    with pytest.raises(ValueError, match="'domain', 'none'"):
        shallow.get("jda", standardize="minmax").fit(xs, ys, xt)
