"""Feature reuse (`tftransfer.features`): the cache is reused, invalidated by any change of
weights or data, heads and shallow maps train on cached features, and errors are clear."""

import keras
import numpy as np
import pytest

from tftransfer import backbones, features, methods, transforms
from tftransfer.data import Domain, TransferTask, default_data_dir
from tftransfer.data.images import grey_domain_to_rgb, grey_to_rgb
from tftransfer.training import fit_task
from tests.helpers import tiny_task

DATA = default_data_dir()
RESNET8 = None if DATA is None else DATA / "pretrained" / "resnet8_cifar10.h5"


@pytest.fixture
def forward_calls(monkeypatch):
    """Counts the backbone forward passes made by tftransfer.features."""
    calls = []
    original = features._forward

    def counting(backbone, x, batch_size):
        calls.append(len(x))
        return original(backbone, x, batch_size)

    monkeypatch.setattr(features, "_forward", counting)
    return calls


def _backbone(units=(16, 6)):
    return backbones.get("mlp", input_shape=(8,), units=units)


def _x(rng, n=40):
    return rng.normal(size=(n, 8)).astype("float32")


def test_second_call_reads_the_cache_without_a_forward_pass(tmp_path, rng, forward_calls):
    fe, x = _backbone(), _x(rng)
    first, hit = features.cached_features(fe, x, tmp_path)
    assert not hit and forward_calls == [40]
    np.testing.assert_allclose(first, fe(x, training=False).numpy(), atol=1e-6)
    second, hit = features.cached_features(fe, x, tmp_path)
    assert hit and forward_calls == [40]  # no second forward pass
    np.testing.assert_array_equal(second, first)
    # Same weights in a new model with other auto-generated layer names, frozen: still a hit.
    twin = _backbone()
    twin.set_weights(fe.get_weights())
    backbones.apply_freeze_depth(twin, "none")
    assert features.backbone_fingerprint(twin) == features.backbone_fingerprint(fe)
    assert features.cached_features(twin, x, tmp_path)[1]
    # Atomic writes leave no temporary files; one entry for one (backbone, data) pair.
    assert [p.suffix for p in tmp_path.rglob("*") if p.is_file()] == [".npz"]


def test_unnamed_layers_do_not_change_the_fingerprint():
    def sequential():
        return keras.Sequential([keras.Input((8,)), keras.layers.Dense(4), keras.layers.Dense(2)])

    a, b = sequential(), sequential()  # auto names: dense, dense_1 / dense_2, dense_3
    b.set_weights(a.get_weights())
    assert a.layers[0].name != b.layers[0].name
    assert features.backbone_fingerprint(a) == features.backbone_fingerprint(b)
    c = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(2)])
    c.set_weights(a.get_weights())  # same weights, other architecture
    assert features.backbone_fingerprint(c) != features.backbone_fingerprint(a)


def test_changed_weights_invalidate_the_cache(tmp_path, rng, forward_calls):
    fe, x = _backbone(), _x(rng)
    before, _ = features.cached_features(fe, x, tmp_path)
    kernel = fe.get_layer("dense_1").kernel
    kernel.assign(kernel.numpy() + 0.5)  # e.g. after fine-tuning
    after, hit = features.cached_features(fe, x, tmp_path)
    assert not hit and len(forward_calls) == 2
    assert np.max(np.abs(after - before)) > 0.1
    np.testing.assert_allclose(after, fe(x, training=False).numpy(), atol=1e-6)


def test_changed_data_invalidates_the_cache(tmp_path, rng, forward_calls):
    fe, x = _backbone(), _x(rng)
    features.cached_features(fe, x, tmp_path)
    changed = x.copy()
    changed[3, 5] += 1e-3
    assert not features.cached_features(fe, changed, tmp_path)[1]
    assert not features.cached_features(fe, x[:-1], tmp_path)[1]              # shape
    assert not features.cached_features(fe, x.astype("float64"), tmp_path)[1]  # dtype
    assert features.cached_features(fe, x.copy(), tmp_path)[1]  # equal bytes: a hit
    assert len(forward_calls) == 4


def test_unreadable_entry_is_recomputed_with_a_warning(tmp_path, rng):
    fe, x = _backbone(), _x(rng)
    first = features.extract_features(fe, x, cache_dir=tmp_path)
    entry = features.cache_path(tmp_path, features.backbone_fingerprint(fe),
                                features.data_fingerprint(x))
    entry.write_bytes(b"torn")
    with pytest.warns(RuntimeWarning, match="unreadable"):
        again, hit = features.cached_features(fe, x, tmp_path)
    assert not hit
    np.testing.assert_array_equal(again, first)
    assert features.cached_features(fe, x, tmp_path)[1]  # rewritten


def test_heads_and_shallow_maps_train_on_cached_features(tmp_path, forward_calls):
    task = tiny_task(n=96, features=8, num_classes=3, shift=1.0)
    fe = _backbone(units=(32, 16))
    feature_task = features.extract_task(fe, task, cache_dir=tmp_path)
    assert feature_task.input_shape == (16,) and len(forward_calls) == 4
    for split in ("source_train", "source_val", "target_train", "target_test"):
        original, mapped = getattr(task, split), getattr(feature_task, split)
        assert mapped.name == original.name and mapped.x.shape == (original.n, 16)
        np.testing.assert_array_equal(mapped.y, original.y)
    # Again: every split from the cache.
    again = features.extract_task(fe, task, cache_dir=tmp_path)
    assert len(forward_calls) == 4
    np.testing.assert_array_equal(again.target_test.x, feature_task.target_test.x)

    head = backbones.get("mlp", input_shape=feature_task.input_shape, units=(32,))
    model = methods.get("source_only")(head, num_classes=3)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    fit_task(model, feature_task, epochs=15, batch_size=32, seed=0)
    accuracy = model.evaluate(feature_task.source_val.x, feature_task.source_val.y,
                              return_dict=True, verbose=0)["accuracy"]
    assert accuracy > 0.8  # 3 well separated classes; chance is 0.33

    coral_task = transforms.transform_task(transforms.get("coral"), feature_task)
    assert coral_task.target_test.x.shape == (feature_task.target_test.n, 16)


def test_transductive_target_is_extracted_once(tmp_path, rng, forward_calls):
    source = Domain("s", _x(rng, 30), np.arange(30) % 3, 3)
    target = Domain("t", _x(rng, 20) + 1, np.arange(20) % 3, 3)
    task = TransferTask.transductive("s->t", source, target, seed=0)
    feature_task = features.extract_task(_backbone(), task)  # no cache folder: still shared
    assert sorted(forward_calls) == [3, 20, 27]
    assert feature_task.target_train.x is feature_task.target_test.x


def test_errors_are_clear(tmp_path, rng):
    fe, x = _backbone(), _x(rng)
    with pytest.raises(TypeError, match="`backbone` must be a keras.Model.*Received: backbone of "
                                        "type function"):
        features.extract_features(lambda v: v, x)
    with pytest.raises(TypeError, match="`backbone` must be a keras.Model.*Dense"):
        features.extract_features(keras.layers.Dense(2), x)
    with pytest.raises(ValueError, match=r"with n >= 1. Received: x of shape \(0, 8\)"):
        features.extract_features(fe, np.zeros((0, 8), "float32"), cache_dir=tmp_path)
    with pytest.raises(ValueError, match=r"`x` must fit the input shape \(8,\) \(None = any\). "
                                         r"Received: x of shape \(40, 9\)"):
        features.extract_features(fe, rng.normal(size=(40, 9)), cache_dir=tmp_path)
    with pytest.raises(TypeError, match="`x` must be a numeric array. Received: x of dtype <U"):
        features.extract_features(fe, np.array([["a"] * 8]))
    with pytest.raises(ValueError, match="`batch_size` must be an int >= 1. "
                                         "Received: batch_size=0"):
        features.extract_features(fe, x, batch_size=0)
    with pytest.raises(TypeError, match="`cache_dir` must be a path.*Received: cache_dir of type "
                                        "int"):
        features.extract_features(fe, x, cache_dir=3)
    with pytest.raises(TypeError, match="`task` must be a TransferTask. "
                                        "Received: task of type dict"):
        features.extract_task(fe, {"x": x})
    with pytest.raises(ValueError, match=r"`x` must fit the input shape \(5,\)"):
        features.extract_task(backbones.get("mlp", input_shape=(5,)), tiny_task(features=8))
    assert not list(tmp_path.iterdir())  # nothing written on an error


def test_grey_to_rgb():
    flat = np.arange(2 * 16, dtype="float32").reshape(2, 16) / 31.0  # two 4x4 images
    rgb = grey_to_rgb(flat, size=(8, 8))
    assert rgb.shape == (2, 8, 8, 3) and rgb.dtype == np.float32
    np.testing.assert_array_equal(rgb[..., 0], rgb[..., 2])
    assert rgb.min() >= 0 and rgb.max() <= 1
    np.testing.assert_allclose(grey_to_rgb(flat.reshape(2, 4, 4, 1), size=(8, 8)), rgb)
    np.testing.assert_allclose(rgb[:, ::2, ::2, 0].mean(), flat.mean(), atol=0.05)
    with pytest.raises(ValueError, match="not square images: pass image_shape"):
        grey_to_rgb(np.zeros((2, 15)))
    with pytest.raises(ValueError, match=r"image_shape=\(3, 4\) holds 12 values"):
        grey_to_rgb(np.zeros((2, 16)), image_shape=(3, 4))
    with pytest.raises(TypeError, match=r"`size` must be a sequence of 2 ints >= 1. "
                                        r"Received: size=32"):
        grey_to_rgb(flat, size=32)
    domain = grey_domain_to_rgb(Domain("d", flat, np.array([0, 1]), 2), size=(8, 8))
    assert domain.feature_shape == (8, 8, 3) and domain.name == "d"


@pytest.mark.skipif(RESNET8 is None or not RESNET8.is_file(),
                    reason=f"pretrained ResNet-8 not found ({RESNET8}; default_data_dir() -> {DATA})")
def test_resnet8_features_of_grey_digits_are_cached(tmp_path, rng, forward_calls):
    fe = backbones.get(f"file:{RESNET8}", input_shape=(32, 32, 3))
    x = grey_to_rgb(rng.uniform(0, 1, (6, 256)))
    first, hit = features.cached_features(fe, x, tmp_path, batch_size=4)
    assert first.shape == (6, 64) and not hit
    np.testing.assert_allclose(first, fe(x, training=False).numpy(), atol=1e-5)
    assert features.cached_features(fe, x, tmp_path)[1] and len(forward_calls) == 1
    reloaded = backbones.get(f"file:{RESNET8}")  # a second load of the file: same entry
    assert features.cached_features(reloaded, x, tmp_path)[1] and len(forward_calls) == 1
