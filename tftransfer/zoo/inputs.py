"""The zoo's one input format: 32x32 RGB images with 8-bit pixel values in [0, 255].

Every backbone of the zoo takes it, so one target array ranks and fine-tunes them all: it is
the input of the ResNet-8 of `pretrained/resnet8_cifar10.h5` (trained on raw CIFAR-10
pixels), and the project's own members rescale and pool it inside their exported model
(`tftransfer.zoo.architectures`). Grey digits are resized bilinearly and repeated over the
three channels (`tftransfer.data.images.grey_to_rgb`).
"""

from __future__ import annotations

import numpy as np

from tftransfer.data.domains import Domain
from tftransfer.data.images import grey_to_rgb

ZOO_INPUT_SHAPE = (32, 32, 3)
PIXEL_SCALE = 255.0


def to_zoo_images(domain: Domain) -> Domain:
    """A grey-image domain (flat square rows in [0, 1], e.g. USPS 16x16 or digits 8x8) in the
    zoo's format, same name and labels.

    Raises:
        TypeError: `domain` is not a `Domain`.
        ValueError: its examples are not flat square grey images in [0, 1].

    Example:
        >>> to_zoo_images(load_usps("test")).feature_shape
        (32, 32, 3)
    """
    if not isinstance(domain, Domain):
        raise TypeError(f"to_zoo_images: `domain` must be a Domain. Received: {type(domain).__name__}")
    if len(domain.feature_shape) != 1:
        raise ValueError("to_zoo_images: `domain` must hold flat grey images (n, side*side). "
                         f"Received: examples of shape {domain.feature_shape}")
    if domain.x.min() < 0 or domain.x.max() > 1:
        raise ValueError("to_zoo_images: `domain` pixel values must lie in [0, 1]. Received: values "
                         f"from {float(domain.x.min()):.3g} to {float(domain.x.max()):.3g}")
    images = grey_to_rgb(domain.x, size=ZOO_INPUT_SHAPE[:2], scale=PIXEL_SCALE)
    return Domain(domain.name, images.astype(np.float32), domain.y, domain.num_classes)
