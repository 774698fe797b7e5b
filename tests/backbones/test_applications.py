"""`keras_application:` backbones (never downloading) and the registry's prefixed specs."""

import numpy as np
import pytest

from tftransfer import backbones
from tftransfer.config import RunConfig
from tftransfer.runner import resolve


def test_mobilenet_v2_without_weights_builds_at_a_small_input(tmp_path, rng):
    fe = backbones.get("keras_application:MobileNetV2", input_shape=(32, 32, 3), alpha=0.35)
    assert fe.output_shape == (None, 1280)
    x = rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    assert fe(x, training=False).shape == (2, 1280)
    assert len(backbones.weighted_layers(fe)) == 52  # conv/depthwise (+BN) groups
    # A local weights file is the way to pretrained weights.
    path = tmp_path / "mobilenet.weights.h5"
    fe.save_weights(path)
    again = backbones.get("keras_application:MobileNetV2", input_shape=(32, 32, 3), alpha=0.35,
                          weights=str(path))
    np.testing.assert_array_equal(again(x, training=False).numpy(), fe(x, training=False).numpy())


def test_downloads_and_unknown_applications_are_refused(tmp_path):
    with pytest.raises(ValueError, match="weights='imagenet' would need a download"):
        backbones.get("keras_application:MobileNetV2", input_shape=(32, 32, 3), weights="imagenet")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        backbones.get("keras_application:MobileNetV2", weights=str(tmp_path / "none.weights.h5"))
    with pytest.raises(ValueError, match="Unknown keras application 'MobileNetV9'.*MobileNetV2.*ResNet50"):
        backbones.get("keras_application:MobileNetV9")
    with pytest.raises(ValueError, match="include_top=False"):
        backbones.get("keras_application:MobileNetV2", include_top=True)


def test_unknown_specs_list_names_and_prefixes():
    assert {"file:<path>", "hub:<handle-or-path>", "keras_application:<Name>"} <= set(
        backbones.prefixes())
    with pytest.raises(ValueError, match=r"Unknown backbone 'nope:x'.*mlp, lenet.*'file:<path>'.*"
                                         r"'hub:<handle-or-path>'"):
        backbones.get("nope:x", input_shape=(8,))
    with pytest.raises(TypeError, match="must be a string"):
        backbones.get(None)
    backbones.check_spec("file:/anything.h5")  # checked when used, not when configured
    base = dict(experiment="t", task="moons->moons_rotated", method="dann")
    resolve(RunConfig(**base, backbone="hub:/models/encoder"))
    with pytest.raises(ValueError, match="Unknown backbone 'resnet9000'"):
        resolve(RunConfig(**base, backbone="resnet9000"))
