"""Freeze depth semantics and the backbone registry."""

import numpy as np
import pytest

from tftransfer import backbones


def test_registry_builds_callable_feature_extractors():
    mlp = backbones.get("mlp", input_shape=(8,), units=(16, 4))
    assert mlp(np.zeros((5, 8), "float32")).shape == (5, 4)
    lenet = backbones.get("lenet", input_shape=(8, 8, 1), feature_units=12)
    assert lenet(np.zeros((2, 8, 8, 1), "float32")).shape == (2, 12)
    flat = backbones.get("lenet", input_shape=(64,), feature_units=12)
    assert flat(np.zeros((2, 64), "float32")).shape == (2, 12)


def test_unknown_spec_and_bad_shapes_are_errors():
    with pytest.raises(ValueError, match="Unknown backbone 'resnet9000'.*mlp.*lenet"):
        backbones.get("resnet9000", input_shape=(8,))
    with pytest.raises(ValueError, match="`input_shape` must be given for backbone 'mlp'"):
        backbones.get("mlp")
    with pytest.raises(ValueError, match=r"`input_shape` must be a sequence of ints >= 1. "
                                         r"Received: input_shape=\(0,\)"):
        backbones.get("mlp", input_shape=(0,))
    with pytest.raises(ValueError, match="flat square input"):
        backbones.get("lenet", input_shape=(10,))


@pytest.mark.parametrize("depth,expected", [(0, [False] * 3), (1, [False, False, True]),
                                            (2, [False, True, True]), ("all", [True] * 3),
                                            ("none", [False] * 3), (None, [True] * 3)])
def test_freeze_depth_counts_groups_from_the_top(depth, expected):
    model = backbones.get("mlp", input_shape=(8,), units=(8, 8, 8), batch_norm=True)
    backbones.apply_freeze_depth(model, depth)
    groups = backbones.weighted_layers(model)
    assert len(groups) == 3 and all(len(g) == 2 for g in groups)  # Dense + its BN
    assert [all(l.trainable for l in g) for g in groups] == expected
    assert [any(l.trainable for l in g) for g in groups] == expected


def test_freeze_depth_errors_and_summary():
    model = backbones.get("mlp", input_shape=(8,), units=(8, 8))
    with pytest.raises(ValueError, match="valid: 0..2, 'all' or 'none'"):
        backbones.apply_freeze_depth(model, 3)
    with pytest.raises(TypeError, match="`freeze_depth` must be an int, 'all', 'none' or None. "
                                        "Received: freeze_depth='half'"):
        backbones.apply_freeze_depth(model, "half")
    backbones.apply_freeze_depth(model, 1)
    summary = backbones.trainable_summary(model)
    assert "dense_0" in summary and "False" in summary and "True" in summary
