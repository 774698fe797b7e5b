"""Validators on regression tasks: squared error by hand, IWCV/DEV pick the weighted fit
under covariate shift, probability-based validators refuse clearly."""

import keras
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from tftransfer import selection
from tftransfer.data import Domain, TransferTask
from tftransfer.data.builtin import cubic_density_ratio, load_task
from tftransfer.methods import DomainAdaptationModel
from tftransfer.selection import DomainOutputs, ModelOutputs
from tftransfer.selection._outputs import SPLITS


def _task(seed=0, n=40):
    rng = np.random.default_rng(seed)

    def domain(name, shift):
        x = rng.normal(shift, 1.0, (n, 2))
        return Domain(name, x, x @ [1.0, -1.0] + rng.normal(0, 0.1, n), task="regression")

    return TransferTask.from_domains(None, domain("s", 0.0), domain("t", 0.5), seed=seed)


def _linear_model():
    inputs = keras.Input((2,))
    fe = keras.Model(inputs, keras.layers.Dense(2, use_bias=False,
                                                kernel_initializer="identity")(inputs))
    model = DomainAdaptationModel(fe, task="regression")
    model.build((None, 2))
    model.classifier.set_weights([np.array([[1.0], [-1.0]], np.float32), np.zeros(1, np.float32)])
    return model


def _mse(model, domain):
    prediction = keras.ops.convert_to_numpy(model(domain.x)).ravel()
    return float(np.mean((prediction - domain.y) ** 2))


def test_source_val_and_oracle_are_negated_mse():
    task, model = _task(), _linear_model()
    assert selection.score("source_val", model, task) == pytest.approx(-_mse(model, task.source_val),
                                                                      rel=1e-5)
    assert selection.score("target_oracle", model, task) == pytest.approx(
        -_mse(model, task.target_test), rel=1e-5)
    with pytest.raises(ValueError, match="regression task.*`metric` must be left at its default"):
        selection.score("source_val", model, task, metric="cross_entropy")


def test_iwcv_regression_score_by_hand():
    predictions = np.array([[0.0], [1.0], [3.0]])
    y = np.array([0.0, 0.0, 1.0])                      # squared errors 0, 1, 4
    assert selection.iwcv_regression_score(predictions, y, np.ones(3)) == pytest.approx(-5 / 3)
    assert selection.iwcv_regression_score(predictions, y, [1.0, 2.0, 1.0]) == pytest.approx(
        -(0 + 2 + 4) / 4)
    with pytest.raises(ValueError, match="not all 0"):
        selection.iwcv_regression_score(predictions, y, np.zeros(3))


def test_dev_and_iwcv_equal_source_val_when_the_domains_cannot_be_told_apart():
    task = _task()
    same = TransferTask(task.name, task.source_train, task.source_val,
                        task.source_train.subset(np.arange(task.source_train.n)), task.target_test)
    model = _linear_model()
    plain = selection.score("source_val", model, same)
    assert selection.score("iwcv", model, same) == pytest.approx(plain, rel=1e-9)
    assert selection.get("dev", test_alpha=0.05).score(model, same) == pytest.approx(plain,
                                                                                    rel=1e-6)


def test_reverse_validation_regression_by_hand():
    rng = np.random.default_rng(0)
    xt, xv = rng.normal(size=(30, 2)), rng.normal(size=(10, 2))
    # Target predictions that are exactly linear: a least-squares reverse model recovers
    # them, so the score is −MSE(x_v·w, y_v) = −0.5².
    w = np.array([1.0, -1.0])
    yv = xv @ w + 0.5
    score = selection.reverse_validation_regression_score(xt, xt @ w, xv, yv,
                                                          regressor=LinearRegression())
    assert score == pytest.approx(-0.25, rel=1e-9)
    # The default ridge shrinks a little: a lower score, close to it.
    ridge = selection.reverse_validation_regression_score(xt, xt @ w, xv, yv)
    assert -0.5 < ridge < score


@pytest.mark.parametrize("name", ["entropy", "snd"])
def test_probability_validators_refuse_regression(name):
    with pytest.raises(ValueError, match="reads class probabilities.*Validators for regression: "
                                         "source_val, iwcv, dev, reverse_validation"):
        selection.score(name, _linear_model(), _task())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_iwcv_and_dev_prefer_the_importance_weighted_fit_under_covariate_shift(seed):
    """On the cubic task the density-ratio-weighted line is the better target model;
    source validation prefers the unweighted one, IWCV and DEV (with a quadratic domain
    classifier: the log-ratio of two Gaussians is quadratic) the weighted one."""
    task = load_task("cubic->cubic_shifted", seed=seed)
    xs, ys = task.source_train.x, task.source_train.y
    quadratic = make_pipeline(PolynomialFeatures(2), StandardScaler(), LogisticRegression())
    scores = {}
    for name, weights in (("plain", None), ("weighted", cubic_density_ratio(xs))):
        line = LinearRegression().fit(xs, ys, sample_weight=weights)
        outputs = ModelOutputs.from_outputs(task, {
            split: DomainOutputs(split, line.predict(getattr(task, split).x)[:, None],
                                 getattr(task, split).x.astype(float), getattr(task, split).y,
                                 "regression") for split in SPLITS})
        scores[name] = selection.score_all(outputs, task, [
            "source_val", selection.get("iwcv", classifier=quadratic),
            selection.get("dev", classifier=quadratic), "target_oracle"])
    assert scores["weighted"]["target_oracle"] > scores["plain"]["target_oracle"]
    assert scores["weighted"]["source_val"] < scores["plain"]["source_val"]
    assert scores["weighted"]["iwcv"] > scores["plain"]["iwcv"]
    assert scores["weighted"]["dev"] > scores["plain"]["dev"]
