"""`file:` backbones: the real ResNet-8 (skipped without the data folder), cut layers,
legacy .h5 quirks, freeze depth on a ResNet, and clear errors."""

import json

import h5py
import keras
import numpy as np
import pytest

from tftransfer import backbones, methods
from tftransfer.data import default_data_dir

DATA = default_data_dir()
RESNET8 = None if DATA is None else DATA / "pretrained" / "resnet8_cifar10.h5"
needs_resnet8 = pytest.mark.skipif(
    RESNET8 is None or not RESNET8.is_file(),
    reason=f"pretrained ResNet-8 not found ({RESNET8}; default_data_dir() -> {DATA}); set "
    "$TFTRANSFER_DATA_DIR or provide ../shared/data/pretrained/resnet8_cifar10.h5",
)


@needs_resnet8
def test_resnet8_is_cut_before_its_classifier(rng):
    fe = backbones.get(f"file:{RESNET8}", input_shape=(32, 32, 3))
    assert fe.layers[-1].name == "flatten" and fe.output_shape == (None, 64)
    x = rng.uniform(0, 1, (4, 32, 32, 3)).astype("float32")
    features = fe(x, training=False).numpy()
    assert features.shape == (4, 64) and np.all(np.isfinite(features))
    # The pretrained weights came along: the full model's logits are the head on these.
    full = keras.models.load_model(RESNET8, compile=False)
    head = full.get_layer("dense")
    np.testing.assert_allclose(head(features).numpy(), full([x], training=False).numpy(), atol=1e-4)
    # A named layer, and no input_shape (the file's own).
    block = backbones.get(f"file:{RESNET8}", layer="activation_4")
    assert block.output_shape == (None, 16, 16, 32)


@needs_resnet8
def test_resnet8_freeze_depth_leaves_exactly_the_frozen_layers_unchanged(rng):
    fe = backbones.get(f"file:{RESNET8}", input_shape=(32, 32, 3))
    groups = backbones.weighted_layers(fe)
    names = [[layer.name for layer in group] for group in groups]
    # Each BN joins the conv that feeds it, also where a shortcut conv comes in between.
    assert names[4:] == [["conv2d_4", "batch_normalization_4"], ["conv2d_5"],
                         ["conv2d_6", "batch_normalization_5"],
                         ["conv2d_7", "batch_normalization_6"], ["conv2d_8"]]
    model = methods.get("source_only")(fe, num_classes=3, freeze_depth=2)
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    before = {layer.name: [w.numpy().copy() for w in layer.weights] for layer in fe.layers}
    x = rng.uniform(0, 1, (8, 32, 32, 3)).astype("float32")
    model.fit(x, np.arange(8) % 3, batch_size=8, epochs=2, verbose=0)
    changed = {name for name, weights in before.items()
               if any(np.max(np.abs(a - w.numpy())) > 0 for a, w in
                      zip(weights, fe.get_layer(name).weights))}
    assert changed == {"conv2d_7", "batch_normalization_6", "conv2d_8"}
    assert "False" in backbones.trainable_summary(fe)


def _legacy_h5(tmp_path):
    """An .h5 file whose DepthwiseConv2D config has `groups`, as older Keras wrote it."""
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.DepthwiseConv2D(3, name="dw")(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = keras.layers.Dense(2, activation="softmax", name="classifier")(x)
    path = tmp_path / "legacy.h5"
    model = keras.Model(inputs, outputs)
    model.save(path)
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        for layer in config["config"]["layers"]:
            if layer["class_name"] == "DepthwiseConv2D":
                layer["config"]["groups"] = 1
        f.attrs["model_config"] = json.dumps(config)
    return model, path


def test_legacy_h5_depthwise_groups_loads(tmp_path, rng):
    model, path = _legacy_h5(tmp_path)
    with pytest.raises(Exception, match="groups"):
        keras.models.load_model(path, compile=False)
    fe = backbones.get(f"file:{path}", input_shape=(8, 8, 3))
    assert fe.layers[-1].name == "pool"  # the Dense classifier (with its softmax) is cut
    x = rng.normal(size=(2, 8, 8, 3)).astype("float32")
    expected = keras.Model(model.inputs[0], model.get_layer("pool").output)(x).numpy()
    np.testing.assert_allclose(fe(x).numpy(), expected, atol=1e-6)


def test_file_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        backbones.get(f"file:{tmp_path / 'missing.h5'}")
    _, path = _legacy_h5(tmp_path)
    with pytest.raises(ValueError, match=r"`input_shape` must fit the input shape \(8, 8, 3\) "
                                         r"\(None = any\). Received: input_shape=\(32, 32, 3\)"):
        backbones.get(f"file:{path}", input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="`layer` must be one of .*'dw'.*'pool'.*"
                                         "Received: layer='nope'"):
        backbones.get(f"file:{path}", layer="nope")
    (tmp_path / "weights.txt").write_text("x")
    with pytest.raises(ValueError, match="suffix '.txt'"):
        backbones.get(f"file:{tmp_path / 'weights.txt'}")


@needs_resnet8
def test_reinitialize_gives_the_same_architecture_with_fresh_weights():
    path = f"file:{RESNET8}"
    pretrained = backbones.get(path, input_shape=(32, 32, 3))
    fresh = backbones.get(path, input_shape=(32, 32, 3), reinitialize=True)
    assert [w.shape for w in fresh.weights] == [w.shape for w in pretrained.weights]
    assert len(backbones.weighted_layers(fresh)) == len(backbones.weighted_layers(pretrained))
    kernels = [(a, b) for a, b in zip(pretrained.weights, fresh.weights) if "kernel" in a.path]
    assert kernels and not any(np.allclose(a.numpy(), b.numpy()) for a, b in kernels)
    norms = [l for l in fresh.layers if isinstance(l, keras.layers.BatchNormalization)]
    assert norms and all(l.momentum == 0.9 for l in norms)
