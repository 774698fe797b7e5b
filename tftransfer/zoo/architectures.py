"""The zoo's own architectures: a zoo-format input stem, a feature extractor, a softmax head.

Every member takes `ZOO_INPUT_SHAPE` images in [0, 255] (`tftransfer.zoo.inputs`). The
feature extractor starts with a fixed stem, `Rescaling(1/255)` then `AveragePooling2D(2)`
(32x32 -> 16x16, the digits' native size, which keeps pretraining to seconds on one core),
so the exported extractor reads the same images as the ResNet-8. The body is the project's
`lenet` or `mlp` backbone (`tftransfer.backbones`) or `small_resnet` below; the head is one
Dense softmax layer, a separate model saved beside the exported extractor.
"""

from __future__ import annotations

from typing import Tuple

import keras

from tftransfer import backbones
from tftransfer._checks import check_choice, check_int
from tftransfer.zoo.inputs import PIXEL_SCALE, ZOO_INPUT_SHAPE

ARCHITECTURES = ("lenet", "mlp", "small_resnet")
STEM_SHAPE = (16, 16, 3)


def small_resnet(input_shape, filters: Tuple[int, ...] = (16, 32, 64), bn_momentum: float = 0.9,
                 name: str = "small_resnet") -> keras.Model:
    """A ResNet of basic blocks (He et al., CVPR 2016) sized for 16x16 digits.

    A 3x3 conv stem with `filters[0]` channels, then one basic block per further entry of
    `filters` (two 3x3 convs with BN and ReLU, stride 2, a 1x1 projection shortcut), then
    global average pooling: features of size `filters[-1]`.
    """
    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    x = keras.layers.Conv2D(filters[0], 3, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = keras.layers.BatchNormalization(momentum=bn_momentum, name="stem_bn")(x)
    x = keras.layers.Activation("relu", name="stem_relu")(x)
    for i, width in enumerate(filters[1:]):
        shortcut = keras.layers.Conv2D(width, 1, strides=2, use_bias=False, name=f"block{i}_proj")(x)
        shortcut = keras.layers.BatchNormalization(momentum=bn_momentum,
                                                   name=f"block{i}_proj_bn")(shortcut)
        y = keras.layers.Conv2D(width, 3, strides=2, padding="same", use_bias=False,
                                name=f"block{i}_conv1")(x)
        y = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"block{i}_bn1")(y)
        y = keras.layers.Activation("relu", name=f"block{i}_relu1")(y)
        y = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"block{i}_conv2")(y)
        y = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"block{i}_bn2")(y)
        x = keras.layers.Add(name=f"block{i}_add")([y, shortcut])
        x = keras.layers.Activation("relu", name=f"block{i}_out")(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(inputs, x, name=name)


def _body(architecture: str) -> keras.Model:
    if architecture == "lenet":
        return backbones.get("lenet", input_shape=STEM_SHAPE, feature_units=128)
    if architecture == "mlp":
        return backbones.get("mlp", input_shape=STEM_SHAPE, units=(256, 128))
    return small_resnet(STEM_SHAPE)


def build_classifier(architecture: str, num_classes: int, name: str
                     ) -> Tuple[keras.Model, keras.Model, keras.Model]:
    """A fresh zoo member: (feature extractor, softmax head, the two chained).

    Args:
        architecture: One of `ARCHITECTURES`.
        num_classes: Source classes.
        name: The member's name (the models are named `<name>`, `<name>_head`,
            `<name>_classifier`).

    Returns:
        The feature extractor (zoo images -> features, the exported part), the head
        (features -> source-class probabilities) and the classifier that trains them together.
    """
    check_choice(architecture, "architecture", ARCHITECTURES, owner="zoo")
    num_classes = check_int(num_classes, "num_classes", minimum=2, owner="zoo")
    inputs = keras.Input(shape=ZOO_INPUT_SHAPE, name="images")
    x = keras.layers.Rescaling(1.0 / PIXEL_SCALE, name="to_unit_range")(inputs)
    x = keras.layers.AveragePooling2D(2, name="to_16x16")(x)
    features = _body(architecture)(x)
    extractor = keras.Model(inputs, features, name=name)
    head_input = keras.Input(shape=tuple(features.shape[1:]), name="features")
    head = keras.Model(head_input, keras.layers.Dense(num_classes, activation="softmax",
                                                       name="source_classifier")(head_input),
                       name=f"{name}_head")
    classifier = keras.Model(inputs, head(extractor(inputs)), name=f"{name}_classifier")
    return extractor, head, classifier
