"""reads_input_layout: which backbones need the data's own layout (a subspace map is written
back in input coordinates for them)."""

import pytest

from tftransfer import backbones


def test_an_mlp_takes_any_width_the_others_read_the_layout():
    assert not backbones.reads_input_layout("mlp")
    assert backbones.reads_input_layout("lenet")
    assert backbones.reads_input_layout("file:/models/encoder.keras")
    assert backbones.reads_input_layout("keras_application:MobileNetV2")


def test_an_unknown_backbone_is_refused_with_the_valid_names():
    with pytest.raises(ValueError, match="Valid backbones: .*mlp"):
        backbones.reads_input_layout("resnet")
