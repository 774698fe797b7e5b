"""Source-free methods (SHOT, SHOT-IM, TENT, AdaBN): what each changes, that the adaptation
never reads the source, and that SHOT beats source-only where it must."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer import backbones
from tftransfer.adaptation import DomainAdversarialLoss
from tftransfer.data import Domain, TransferTask
from tftransfer.data.pipeline import paired_dataset
from tftransfer.methods import SOURCE_ONLY
from tftransfer.methods.adabn import ADABN
from tftransfer.methods.shot import SHOT, SHOT_IM, SHOTModel, centroid_pseudo_labels
from tftransfer.methods.source_free import SourceFreeMethod, SourceFreeModel
from tftransfer.methods.tent import TENT
from tftransfer.reproducibility import set_seed
from tftransfer.training import accuracy, fit_task, steps_per_training_epoch
from tftransfer.training import source_free
from tftransfer.training.source_free import (adapt_source_model, adapt_to_target,
                                             fit_source_free, merge_histories)


def _blobs_task(seed=0, degrees=50.0, n=120, offset=0.0):
    """Three Gaussian classes on a circle; the target is the source rotated by `degrees`, so
    a source classifier cuts every target class while the classes stay well apart."""
    rng = np.random.default_rng(seed)
    angles = np.deg2rad([90.0, 210.0, 330.0])

    def domain(name, rotation, shift):
        y = np.arange(n) % 3
        a = angles[y] + np.deg2rad(rotation)
        x = 3.0 * np.stack([np.cos(a), np.sin(a)], 1) + rng.normal(0, 0.6, (n, 2)) + shift
        return Domain(name, x.astype("float32"), y, 3)

    return TransferTask.from_domains("blobs->rotated", domain("s", 0.0, 0.0),
                                     domain("t", degrees, offset), seed=seed)


def _model(method, seed=0, units=(16, 8), bottleneck_units=8, **options):
    set_seed(seed)
    model = method(backbones.get("mlp", input_shape=(2,), units=list(units)), num_classes=3,
                   bottleneck_units=bottleneck_units, **options)
    model.compile(optimizer=method.recipe.build_optimizer(100))
    model.build((None, 2))
    return model


def _weights(model):
    return {w.path: np.array(w) for w in model.weights}


def _network_weights(model):
    """The network's weights: backbone, bottleneck, classifier (not the λ-schedule counters)."""
    if not isinstance(model, SourceFreeModel):
        return _weights(model)
    layers = [model.feature_extractor, model.bottleneck, model.classifier]
    return {w.path: np.array(w) for layer in layers if layer is not None for w in layer.weights}


def _changed(before, model):
    return sorted(p for p, w in _network_weights(model).items()
                  if not np.array_equal(before[p], w))


# ------------------------------------------------------------------ methods as data
def test_methods_are_source_free_and_read_no_target_label():
    for method in (SHOT, SHOT_IM, TENT, ADABN):
        assert isinstance(method, SourceFreeMethod)
        assert method.protocol == "source_free" and method.target_labels == "none"
        assert not method.uses_target
    assert SHOT.defaults["pseudo_label_weight"] == 0.3
    assert SHOT_IM.defaults["pseudo_label_weight"] == 0.0
    assert SHOT.defaults["bottleneck_relu"] is False and SHOT.defaults["label_smoothing"] == 0.1
    assert TENT.defaults["adaptation_recipe"]["optimizer"] == "adam"


def test_source_free_method_rejects_other_protocols_and_models():
    with pytest.raises(ValueError, match="protocol"):
        SourceFreeMethod(name="x", summary="x", protocol="paired", model_class=SHOTModel)
    with pytest.raises(TypeError, match="SourceFreeModel"):
        SourceFreeMethod(name="x", summary="x", model_class=keras.Model)


def test_losses_that_read_the_source_are_rejected():
    fe = backbones.get("mlp", input_shape=(2,), units=[4])
    with pytest.raises(ValueError, match="reads source"):
        SourceFreeModel(fe, 3, losses={"domain_adversarial": DomainAdversarialLoss()})


def test_shot_network_is_the_papers():
    model = _model(SHOT)
    assert type(model.classifier).__name__ == "WeightNormDense"
    kinds = [type(layer).__name__ for layer in model.bottleneck.layers]
    assert kinds == ["Dense", "BatchNormalization", "PhiloxDropout"]  # no ReLU
    assert model.label_smoothing == 0.1 and model.pseudo_label_weight == 0.3


# ------------------------------------------------------------------ pseudo-labels
def test_centroid_pseudo_labels_fix_the_minority_of_each_cluster():
    # Two tight clusters; the source hypothesis gets 1 of 4 points of each cluster wrong.
    features = np.array([[5.0, 0.1], [5.0, -0.1], [4.9, 0.0], [5.1, 0.0],
                         [0.1, 5.0], [-0.1, 5.0], [0.0, 4.9], [0.0, 5.1]])
    probabilities = np.array([[0.9, 0.1]] * 3 + [[0.2, 0.8]] + [[0.1, 0.9]] * 3 + [[0.7, 0.3]])
    labels = centroid_pseudo_labels(features, probabilities)
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 1, 1, 1, 1])


def test_centroid_pseudo_labels_skip_a_class_with_no_member():
    features = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    # Class 2 gets weight at round 0 but no member, so round 1 must not assign to it.
    probabilities = np.array([[0.5, 0.1, 0.4], [0.5, 0.1, 0.4], [0.1, 0.5, 0.4]])
    labels = centroid_pseudo_labels(features, probabilities, rounds=1)
    assert set(labels) <= {0, 1}
    with pytest.raises(ValueError, match="one row per"):
        centroid_pseudo_labels(features, probabilities[:2])


# ------------------------------------------------------------------ what each method changes
def _source_trained(method, task, seed=0, epochs=2, **options):
    model = _model(method, seed, **options)
    source_free.train_source_model(model, task, epochs=epochs, batch_size=32, seed=seed)
    return model


def test_the_source_phase_of_tent_and_adabn_trains_the_source_only_model():
    task = _blobs_task()
    baseline = _model(SOURCE_ONLY)
    steps = 2 * steps_per_training_epoch("source", task, 32)
    baseline.compile(optimizer=SOURCE_ONLY.recipe.build_optimizer(steps))
    fit_task(baseline, task, protocol="source", epochs=2, batch_size=32, seed=0)
    model = _source_trained(ADABN, task, epochs=2)
    for part in ("feature_extractor", "bottleneck", "classifier"):
        for a, b in zip(getattr(baseline, part).get_weights(), getattr(model, part).get_weights()):
            np.testing.assert_array_equal(a, b, err_msg=part)


def test_shot_leaves_the_classifier_head_bit_unchanged():
    task = _blobs_task()
    model = _source_trained(SHOT, task)
    before = _network_weights(model)
    head = [w.path for w in model.classifier.weights]
    adapt_to_target(model, task.target_train.x, epochs=2, batch_size=32, seed=0)
    changed = _changed(before, model)
    assert not set(head) & set(changed)
    # ... while the features and bottleneck did move.
    assert {w.path for w in model.feature_extractor.weights} & set(changed)
    assert {w.path for w in model.bottleneck.weights} & set(changed)


def test_tent_changes_only_batch_norm_parameters_and_statistics():
    task = _blobs_task()
    model = _source_trained(TENT, task)
    before = _network_weights(model)
    adapt_to_target(model, task.target_train.x, epochs=1, batch_size=32, seed=0)
    changed = _changed(before, model)
    bn = model.bottleneck.get_layer("bottleneck_bn")
    assert set(changed) == {w.path for w in bn.weights}  # γ, β (entropy) + statistics (AdaBN)
    assert not np.array_equal(before[bn.gamma.path], np.array(bn.gamma))


def test_adabn_changes_only_batch_norm_statistics():
    task = _blobs_task(offset=2.0)
    model = _source_trained(ADABN, task)
    before = _network_weights(model)
    history = adapt_to_target(model, task.target_train.x, epochs=3, batch_size=32, seed=0)
    assert history is None  # no gradient step
    bn = model.bottleneck.get_layer("bottleneck_bn")
    assert _changed(before, model) == sorted([bn.moving_mean.path, bn.moving_variance.path])


def test_tent_needs_batch_norm():
    set_seed(0)
    model = TENT(backbones.get("mlp", input_shape=(2,), units=[4]), num_classes=3,
                 bottleneck_units=0)
    model.compile(optimizer="sgd")
    model.build((None, 2))
    with pytest.raises(ValueError, match="BatchNormalization"):
        adapt_to_target(model, np.zeros((8, 2), "float32"), epochs=1, batch_size=4, seed=0)


# ------------------------------------------------------------------ the source is never read
class _RecordingSHOT(SHOTModel):
    """SHOT that records, eagerly, the inputs of every adaptation step."""

    seen = []

    def adaptation_step(self, data):
        x, index = data
        tf.py_function(lambda a, i: _RecordingSHOT.seen.append((a.numpy(), i.numpy())),
                       [x, index], [])
        return super().adaptation_step(data)


def test_the_adaptation_step_sees_target_batches_only():
    task = _blobs_task(offset=100.0)  # every target input lies far from every source input
    method = SourceFreeMethod(name="recording_shot", summary="test", build_losses=SHOT.build_losses,
                              defaults=dict(SHOT.defaults), model_class=_RecordingSHOT)
    model = _model(method)
    _RecordingSHOT.seen.clear()
    fit_source_free(model, task, epochs=2, batch_size=32, seed=0)
    assert _RecordingSHOT.seen, "no adaptation step ran"
    target_rows = {tuple(row) for row in task.target_train.x}
    for x, index in _RecordingSHOT.seen:
        assert x.shape == (32, 2) and index.dtype == np.int32
        assert all(tuple(row) in target_rows for row in x)  # no source row, no target_test row
        np.testing.assert_array_equal(x, task.target_train.x[index])  # indices key the examples
    assert all(x[:, 0].min() > 50 for x, _ in _RecordingSHOT.seen)


class _PoisonSource(keras.callbacks.Callback):
    """After the source phase, overwrites the task's source arrays in place: NaN inputs,
    shuffled labels."""

    def __init__(self, task):
        super().__init__()
        self.task = task

    def on_train_end(self, logs=None):
        if not self.model.adapting:
            self.task.source_train.x[:] = np.nan
            self.task.source_val.x[:] = np.nan
            np.random.default_rng(0).shuffle(self.task.source_train.y)


@pytest.mark.parametrize("method", [SHOT, pytest.param(TENT, marks=pytest.mark.slow),
                                    pytest.param(ADABN, marks=pytest.mark.slow)],
                         ids=lambda m: m.name)
def test_a_poisoned_source_makes_no_difference_to_the_adaptation(method):
    results = []
    for poison in (False, True):
        keras.backend.clear_session()
        task = _blobs_task()
        model = _model(method)
        callbacks = [_PoisonSource(task)] if poison else []
        history = fit_source_free(model, task, epochs=2, batch_size=32, seed=0, callbacks=callbacks)
        if poison:
            assert np.isnan(task.source_train.x).all()
        results.append((_weights(model), history.history["loss"]))
    (clean, clean_loss), (poisoned, poisoned_loss) = results
    assert clean.keys() == poisoned.keys()
    for path in clean:
        np.testing.assert_array_equal(clean[path], poisoned[path], err_msg=path)
    np.testing.assert_array_equal(clean_loss, poisoned_loss)


def test_paired_batches_are_refused():
    task = _blobs_task()
    model = _model(SHOT)
    data = paired_dataset(task.source_train.x, task.source_train.y, task.target_train.x,
                          batch_size=16, seed=0)
    with pytest.raises(TypeError, match="never sees source and target batches together"):
        model.fit(data, steps_per_epoch=1, epochs=1, verbose=0)
    assert not model.uses_target


def test_fit_source_free_rejects_target_labels_and_source_weights():
    task = _blobs_task()
    model = _model(SHOT_IM)
    with pytest.raises(ValueError, match="no target label"):
        fit_source_free(model, task, epochs=1, batch_size=32, seed=0, target_labels_per_class=1)
    with pytest.raises(ValueError, match="importance weights"):
        fit_source_free(model, task, epochs=1, batch_size=32, seed=0,
                        source_weights=np.ones(task.source_train.n))
    with pytest.raises(TypeError, match="SourceFreeModel"):
        fit_source_free(SOURCE_ONLY(backbones.get("mlp", input_shape=(2,)), 3), task, epochs=1,
                        batch_size=32, seed=0)


def test_history_has_the_source_then_the_adaptation_epochs():
    task = _blobs_task()
    model = _model(SHOT, source_epochs=None, adaptation_epochs=None)  # both phases: the run's
    history = fit_source_free(model, task, epochs=2, batch_size=32, seed=0, steps_per_epoch=5)
    assert history.history["phase"] == ["source", "source", "adaptation", "adaptation"]
    assert int(model.optimizer.iterations.numpy()) == 2 * 5  # the adaptation optimizer's steps
    assert np.isfinite(history.history["loss"]).all()
    assert np.isnan(history.history["val_accuracy"][2:]).all()  # no validation on the target
    assert "pseudo_label_loss" in history.history
    source_only = merge_histories(model.source_history, None)  # AdaBN: no gradient epoch
    assert source_only.history["phase"] == ["source", "source"]
    assert source_only.history["loss"] == model.source_history.history["loss"]


def test_shot_and_shot_im_run_the_reference_epochs_whatever_the_run_epochs():
    from tftransfer.methods.shot import SHOT_ADAPTATION_EPOCHS, SHOT_SOURCE_EPOCHS

    assert (SHOT_SOURCE_EPOCHS, SHOT_ADAPTATION_EPOCHS) == (30, 30)  # `max_epoch` of uda_digit.py
    for method in (SHOT, SHOT_IM):
        assert method.defaults["source_epochs"] == method.defaults["adaptation_epochs"] == 30
    task = _blobs_task()
    model = _model(SHOT_IM)
    assert model.adaptation_recipe == {"learning_rate": 0.01}
    history = fit_source_free(model, task, epochs=2, batch_size=32, seed=0, steps_per_epoch=1)
    assert history.history["phase"] == ["source"] * 30 + ["adaptation"] * 30
    # The adaptation optimizer: the reference's η0 = 0.01 annealed over its 30 steps, so after
    # them η = 0.01 (1 + 10)^−0.75.
    assert int(model.optimizer.iterations.numpy()) == 30
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 0.01 * 11 ** -0.75, rtol=1e-6)


@pytest.mark.parametrize("jit_compile,expected", [(False, ("FusedSGD", "FusedAdam")),
                                                    (True, ("SGD", "Adam"))])
def test_the_adaptation_optimizer_is_the_fused_one_except_under_xla(jit_compile, expected):
    # As the runner's: the fused kernels round differently from Keras's update under XLA.
    for recipe, name in (({"learning_rate": 0.01}, expected[0]), ({"optimizer": "adam"}, expected[1])):
        model = _model(SHOT, adaptation_recipe=recipe)
        model.compile(optimizer=SHOT.recipe.build_optimizer(100), jit_compile=jit_compile)
        assert type(model.adaptation_optimizer(10)).__name__ == name


# ------------------------------------------------------------------ from a trained model
@pytest.mark.slow
def test_adapt_a_plain_keras_classifier_without_changing_it(tmp_path):
    task = _blobs_task()
    set_seed(0)
    source = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                               keras.layers.BatchNormalization(),
                               keras.layers.Dense(3, activation="softmax")])
    source.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    source.fit(task.source_train.x, task.source_train.y, epochs=3, verbose=0)
    path = tmp_path / "source.keras"
    source.save(path)
    before = _weights(source)
    for method in (SHOT, TENT, ADABN):
        adapted = adapt_source_model(str(path), task.target_train.x, method, epochs=1,
                                     batch_size=32)
        assert isinstance(adapted, SourceFreeModel)
        head = source.layers[-1].get_weights()
        for a, b in zip(adapted.classifier.get_weights(), head):
            if method is not ADABN:
                np.testing.assert_array_equal(a, b)  # SHOT freezes it, TENT/AdaBN never touch it
        # Logits of the copy = the softmax head's pre-activations.
        adapted_probs = keras.ops.softmax(adapted(task.target_test.x)).numpy()
        assert adapted_probs.shape == (task.target_test.n, 3)
    assert _changed(before, source) == []  # the source model is copied, not adapted
    adapted = adapt_source_model(source, task.target_train.x, SHOT, epochs=0)  # given: it wins
    assert adapted.adaptation_history is None
    np.testing.assert_allclose(keras.ops.softmax(adapted(task.target_test.x)).numpy(),
                               source.predict(task.target_test.x, verbose=0), atol=1e-5)


def test_shot_model_saves_and_reloads(tmp_path):
    task = _blobs_task()
    model = _source_trained(SHOT, task, epochs=1)
    adapt_to_target(model, task.target_train.x, epochs=1, batch_size=32, seed=0)
    path = tmp_path / "shot.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded, SHOTModel) and reloaded.bottleneck_relu is False
    np.testing.assert_allclose(reloaded.predict(task.target_test.x, verbose=0),
                               model.predict(task.target_test.x, verbose=0), atol=1e-6)


def test_adapt_source_model_rejects_a_method_that_is_not_source_free():
    with pytest.raises(ValueError, match="source-free"):
        adapt_source_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)]),
                           np.zeros((4, 2)), SOURCE_ONLY)


# ------------------------------------------------------------------ it works
@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_shot_beats_source_only_on_rotated_blobs(seed):
    # Measured when SHOT ran the run's 10 epochs in each phase (300 per domain): source-only
    # 0.53/0.68/0.81, SHOT 1.00/0.99/1.00, SHOT-IM 0.98/0.93/1.00 over seeds 0-2. SHOT now
    # runs its default 30 + 30 (adaptation η0 = 0.01) and must still clear both bars.
    task = _blobs_task(seed, n=300)
    baseline = _model(SOURCE_ONLY, seed, units=(32, 16), bottleneck_units=16)
    fit_task(baseline, task, protocol="source", epochs=10, batch_size=32, seed=seed)
    shot = _model(SHOT, seed, units=(32, 16), bottleneck_units=16)
    fit_source_free(shot, task, epochs=10, batch_size=32, seed=seed)
    before, after = accuracy(baseline, task.target_test, 256), accuracy(shot, task.target_test, 256)
    assert after > before + 0.15, (before, after)
    assert after > 0.95


# ------------------------------------------------------------------ which source model
class _EpochWeights(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.snapshots = []

    def on_epoch_end(self, epoch, logs=None):
        self.snapshots.append(self.model.get_weights())

    def on_train_end(self, logs=None):
        self.at_end = self.model.get_weights()  # what a reporting callback sees


def test_best_source_val_keeps_the_epoch_with_the_best_source_validation_accuracy():
    task = _blobs_task(degrees=0.0, n=60)
    assert SHOT.defaults["source_selection"] == "best_source_val"
    runs = {}
    for selection in ("last", "best_source_val"):
        model = _model(SHOT, 0, source_selection=selection)
        snapshots = _EpochWeights()
        source_free.train_source_model(model, task, epochs=6, batch_size=32, seed=0,
                                       callbacks=[snapshots])
        runs[selection] = (model, snapshots.snapshots, model.source_history.history["val_accuracy"],
                           snapshots.at_end)
    last, best = runs["last"], runs["best_source_val"]
    np.testing.assert_array_equal(last[2], best[2])  # the same training, epoch by epoch
    chosen = int(np.argmax(best[2]))  # the first epoch of the highest accuracy
    assert chosen < 5, best[2]  # else "last" and "best" would not be told apart here
    for kept, seen, snapshot in zip(best[0].get_weights(), best[3], best[1][chosen]):
        np.testing.assert_array_equal(kept, snapshot)
        np.testing.assert_array_equal(seen, snapshot)
    for kept, snapshot in zip(last[0].get_weights(), last[1][-1]):
        np.testing.assert_array_equal(kept, snapshot)


def test_source_selection_is_checked_and_saved():
    with pytest.raises(ValueError, match="source_selection.*last.*best_source_val"):
        _model(SHOT, 0, source_selection="best_target")
    model = _model(SHOT_IM, 0, source_selection="best_source_val")
    assert model.get_config()["source_selection"] == "best_source_val"


def test_source_free_methods_by_name():
    from tftransfer.methods import SOURCE_FREE_METHODS

    assert SOURCE_FREE_METHODS.names() == ["shot", "shot_im", "tent", "adabn"]
    task = _blobs_task()
    source = _source_trained(ADABN, task)
    by_name = adapt_source_model(source, task.target_train.x, "adabn", batch_size=32)
    by_object = adapt_source_model(source, task.target_train.x, ADABN, batch_size=32)
    np.testing.assert_array_equal(by_name.predict(task.target_test.x, verbose=0),
                                  by_object.predict(task.target_test.x, verbose=0))
    with pytest.raises(ValueError, match="Valid source-free methods: shot, shot_im, tent, adabn"):
        adapt_source_model(source, task.target_train.x, "dann")
