"""The engine in regression mode: losses and metrics by hand, refusals, every feature-level
method, semi-supervised NaN targets, mixup, fine-tuning with L2-SP, serialization."""

import keras
import numpy as np
import pytest

from tftransfer import backbones, methods
from tftransfer.methods import DomainAdaptationModel, FineTuner
from tftransfer.regression import regression_scores
from tftransfer.regression.fit import fit_regression_task, predict, regression_metrics
from tftransfer.regression.pipeline import regression_labelled_dataset, regression_paired_dataset

from regression_shift import spurious_offset_task


def _linear_model(**kwargs):
    """F = identity on 2 features, head ŷ = x·[1, 2] + 0.5."""
    inputs = keras.Input((2,))
    fe = keras.Model(inputs, keras.layers.Dense(2, use_bias=False,
                                                kernel_initializer="identity")(inputs))
    model = DomainAdaptationModel(fe, task="regression", **kwargs)
    model.build((None, 2))
    model.classifier.set_weights([np.array([[1.0], [2.0]], np.float32),
                                  np.array([0.5], np.float32)])
    return model


X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], np.float32)
Y = np.array([0.0, 2.0, 2.0, 3.0], np.float32)   # predictions 0.5, 1.5, 2.5, 3.5
RESIDUALS = np.array([-0.5, 0.5, -0.5, -0.5])


def test_evaluate_reports_mse_mae_rmse_r2_by_hand():
    model = _linear_model()
    model.compile(optimizer="sgd")
    logs = model.evaluate(X, Y, batch_size=3, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(0.25)
    assert logs["mae"] == pytest.approx(0.5)
    assert logs["rmse"] == pytest.approx(0.5)
    ss_tot = np.sum((Y - Y.mean()) ** 2)   # 5.0
    assert logs["r2"] == pytest.approx(1 - 1.0 / ss_tot, abs=1e-6)
    assert set(logs) == {"loss", "mae", "rmse", "r2"}


def test_huber_task_loss_by_hand():
    model = _linear_model(regression_loss="huber", huber_delta=0.2)
    model.compile(optimizer="sgd")
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    # |r| = 0.5 > δ: δ(|r| − δ/2) = 0.2 · 0.4 = 0.08 for every row.
    assert logs["loss"] == pytest.approx(0.08)


def test_weighted_source_and_nan_masked_target_losses_by_hand():
    model = _linear_model(target_weight=2.0)
    model.compile(optimizer=keras.optimizers.SGD(0.0))   # no update: the logs are step 0's
    w = np.array([1.0, 3.0, 0.0, 2.0], np.float32)
    y_t = np.array([np.nan, 1.0, np.nan, 5.0], np.float32)   # predictions 1.5 and 3.5
    data = regression_paired_dataset(X, Y, X, y_t, batch_size=4, seed=0, source_weight=w)
    logs = model.fit(data, epochs=1, steps_per_epoch=1, verbose=0).history
    expected_source = np.sum(w * RESIDUALS ** 2) / 4    # global_mean: Σ w ℓ / n
    expected_target = (0.5 ** 2 + 1.5 ** 2) / 2          # over the 2 labelled rows only
    assert logs["task_loss"][0] == pytest.approx(expected_source)
    assert logs["target_loss"][0] == pytest.approx(expected_target)
    assert logs["loss"][0] == pytest.approx(expected_source + 2.0 * expected_target)
    np.testing.assert_allclose(regression_scores(Y, predict(model, X)).get("mse"), 0.25)


@pytest.mark.parametrize("name", ["cdan", "mcc", "mdd", "cdan_mcc"])
def test_methods_that_read_class_probabilities_refuse_regression(name):
    fe = backbones.get("mlp", input_shape=(2,), units=(8,))
    with pytest.raises(ValueError, match="task='regression'.*read class probabilities.*"
                                         "Usable for regression: domain_adversarial"):
        methods.get(name)(fe, None, task="regression")


def test_dann_reads_class_probabilities_only_with_entropy_weighting():
    fe = backbones.get("mlp", input_shape=(2,), units=(8,))
    methods.get("dann")(fe, None, task="regression")  # features only: allowed
    with pytest.raises(ValueError, match="task='regression'.*DomainAdversarialLoss.*read class"):
        methods.get("dann")(backbones.get("mlp", input_shape=(2,), units=(8,)), None,
                            task="regression", entropy_weighting=True)


def test_regression_arguments_are_checked():
    fe = backbones.get("mlp", input_shape=(2,), units=(8,))
    with pytest.raises(ValueError, match="`num_classes` must be None with task='regression'"):
        DomainAdaptationModel(fe, 3, task="regression")
    with pytest.raises(ValueError, match="`task` must be one of 'classification', 'regression'"):
        DomainAdaptationModel(fe, 3, task="ranking")
    with pytest.raises(ValueError, match="label_smoothing"):
        DomainAdaptationModel(fe, task="regression", label_smoothing=0.1)
    with pytest.raises(ValueError, match="metrics may only be"):
        DomainAdaptationModel(fe, task="regression").compile(metrics=["accuracy"])


@pytest.mark.parametrize("name, options", [
    ("source_only", {}), ("dann", {"discriminator_units": (16,)}), ("dan", {}),
    ("deep_coral", {}), ("dann", {"mixup": "domains", "discriminator_units": (16,)}),
    ("source_only", {"mixup": "source"})])
def test_feature_methods_train_in_regression_mode(name, options):
    task = spurious_offset_task(0, n=96)
    fe = backbones.get("mlp", input_shape=task.input_shape, units=(16,))
    model = methods.get(name)(fe, None, task="regression", bottleneck_units=0, **options)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = fit_regression_task(model, task, epochs=2, batch_size=16, seed=0,
                                  source_weights=np.ones(task.source_train.n))
    logs = history.history
    assert np.isfinite(logs["loss"]).all() and {"mae", "rmse", "r2", "val_rmse"} <= set(logs)
    if options.get("mixup"):
        assert np.isfinite(logs["mixup_loss"]).all()
    assert logs["val_rmse"][-1] < np.std(task.source_val.y) * 1.5   # it learnt something
    assert set(regression_metrics(model, task.target_test)) == {"mse", "mae", "rmse", "r2"}


def test_fine_tuning_with_l2sp_in_regression_mode():
    task = spurious_offset_task(1, n=96)
    fe = backbones.get("mlp", input_shape=task.input_shape, units=(16,))
    model = methods.get("finetune")(fe, None, task="regression", l2sp_alpha=0.01,
                                    pretrain_epochs=2)
    assert isinstance(model, FineTuner)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = fit_regression_task(model, task, epochs=2, batch_size=16, seed=0, target_labels=10)
    assert model.pretrain_history is not None
    assert np.isfinite(history.history["loss"]).all()
    # The L2-SP reference is the source-pretrained backbone, and fine-tuning moved away from it.
    moved = sum(float(np.abs(keras.ops.convert_to_numpy(w) - keras.ops.convert_to_numpy(r)).sum())
                for w, r in zip(model._regularized, model.reference_weights))
    assert moved > 0


def test_regression_model_round_trips_through_keras_saving(tmp_path):
    task = spurious_offset_task(0, n=64)
    fe = backbones.get("mlp", input_shape=task.input_shape, units=(8,))
    model = methods.get("dan")(fe, None, task="regression", num_outputs=1,
                               regression_loss="huber", bottleneck_units=4)
    model.compile(optimizer="adam")
    fit_regression_task(model, task, epochs=1, batch_size=16, seed=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.task == "regression" and loaded.regression_loss == "huber"
    np.testing.assert_allclose(predict(loaded, task.target_test.x),
                               predict(model, task.target_test.x), rtol=1e-6, atol=1e-6)


def test_two_outputs_and_the_labelled_pipeline():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = np.stack([x.sum(1), x[:, 0] - x[:, 1]], 1)
    fe = backbones.get("mlp", input_shape=(3,), units=(8,))
    model = DomainAdaptationModel(fe, task="regression", num_outputs=2)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    ds = regression_labelled_dataset(x, y, batch_size=8, shuffle=True, seed=0, repeat=True,
                                     drop_remainder=True)
    first = model.fit(ds, epochs=1, steps_per_epoch=4, verbose=0).history["loss"][0]
    last = model.fit(ds, epochs=20, steps_per_epoch=4, verbose=0).history["loss"][-1]
    assert last < first
    with pytest.raises(ValueError, match=r"shape \(32,\) or \(32, num_outputs\)"):
        regression_labelled_dataset(x, np.ones((32, 2, 1)), batch_size=8)


@pytest.mark.slow
@pytest.mark.parametrize("name, options", [("dann", {"discriminator_units": (32,)}),
                                           ("dan", {})])
def test_alignment_beats_source_only_on_a_removable_offset(name, options):
    """One input view is offset in the target: source-only regression is biased by about
    half the offset, feature alignment cannot use that view's level and is not."""
    task = spurious_offset_task(0, n=300)

    def target_mse(method_name, **kw):
        keras.utils.set_random_seed(0)
        fe = backbones.get("mlp", input_shape=task.input_shape, units=(32, 16))
        method = methods.get(method_name)
        model = method(fe, None, task="regression", bottleneck_units=0, **kw)
        model.compile(optimizer=method.recipe.build_optimizer(15 * 10))
        fit_regression_task(model, task, epochs=15, batch_size=32, seed=0)
        return regression_metrics(model, task.target_test)["mse"]

    source_only = target_mse("source_only")
    adapted = target_mse(name, **options)
    assert source_only > 1.0            # the offset's bias (noise alone gives ~0.2)
    assert adapted < 0.6 * source_only
