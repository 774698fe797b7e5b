"""Reshaping flat grey images for image backbones: 16x16 USPS digits -> 32x32x3.

Pretrained image backbones take colour images of a fixed size (the ResNet-8 of
`pretrained/resnet8_cifar10.h5`: 32x32x3), while the digit benchmarks store flat grey rows
(USPS, MNIST/USPS: 256 values = 16x16). `grey_to_rgb` does the conversion once, in one place,
for the feature-extraction benchmark and the scarce-target experiments.

Example:
    >>> usps = load_usps("test")                       # x: (2007, 256) in [0, 1]
    >>> rgb = grey_domain_to_rgb(usps, size=(32, 32), scale=255.0)  # (2007, 32, 32, 3) in [0, 255]
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

from tftransfer._checks import check_instance, check_int, check_positive, check_units
from tftransfer.data.domains import Domain

__all__ = ["grey_to_rgb", "grey_domain_to_rgb"]


def grey_to_rgb(x, size: Sequence[int] = (32, 32),
                image_shape: Optional[Sequence[int]] = None, scale: float = 1.0,
                batch_size: int = 4096) -> np.ndarray:
    """Resizes grey images bilinearly and repeats them over 3 channels.

    Args:
        x: Grey images, either flat `(n, h*w)` rows (row-major) or `(n, h, w)` or
            `(n, h, w, 1)` arrays.
        size: Output `(height, width)`.
        image_shape: `(h, w)` of flat rows; default: square, `h = w = sqrt(features)`.
        scale: Factor on the values: 255.0 maps [0, 1] digits to the 8-bit pixel range
            of models trained on raw pixels, such as the ResNet-8 of `pretrained/` (on
            [0, 1] inputs half its features are dead; a logistic-regression probe of USPS
            reached 92% with 255, and 30% with 1 on the raw features).
        batch_size: Images resized at a time (bounds the memory of the float32 copies).

    Returns:
        float32 array `(n, height, width, 3)`; values stay in `scale` times the input's
        range (bilinear resizing without antialiasing never overshoots).

    Raises:
        ValueError: a shape that is not one of the above, a flat row that is not square and
            has no `image_shape`, or an empty array.

    Example:
        >>> grey_to_rgb(np.zeros((5, 256)), size=(32, 32)).shape
        (5, 32, 32, 3)
    """
    import tensorflow as tf  # deferred: the other data readers do not need TensorFlow

    owner = "grey_to_rgb"
    height, width = check_units(size, "size", length=2, owner=owner)
    scale = check_positive(scale, "scale", owner=owner)
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner=owner)
    x = np.asarray(x, dtype=np.float32)
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"{owner}: `x` must be a non-empty batch of images. "
                         f"Received: x of shape {x.shape}")
    if x.ndim == 2:
        if image_shape is None:
            side = math.isqrt(x.shape[1])
            if side * side != x.shape[1]:
                raise ValueError(f"{owner}: `image_shape` must be given for flat rows that are "
                                 f"not square images: pass image_shape=(h, w). Received: flat "
                                 f"rows of {x.shape[1]} values and image_shape=None")
            image_shape = (side, side)
        h, w = check_units(image_shape, "image_shape", length=2, owner=owner)
        if h * w != x.shape[1]:
            raise ValueError(f"{owner}: `image_shape` must hold as many values as a row. "
                             f"Received: image_shape={(h, w)} holds {h * w} values, but the "
                             f"rows have {x.shape[1]}")
        x = x.reshape(-1, h, w)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3:
        raise ValueError(f"{owner}: `x` must be (n, h*w), (n, h, w) or (n, h, w, 1) grey "
                         f"images. Received: x of shape {x.shape}")
    out = np.empty((x.shape[0], height, width, 3), dtype=np.float32)
    for start in range(0, x.shape[0], batch_size):
        chunk = x[start:start + batch_size, :, :, None]
        # Broadcasting the one grey channel over 3 gives the same intensity in each.
        out[start:start + batch_size] = tf.image.resize(chunk, (height, width)).numpy()
    if scale != 1:
        out *= np.float32(scale)
    return out


def grey_domain_to_rgb(domain: Domain, size: Sequence[int] = (32, 32),
                       image_shape: Optional[Sequence[int]] = None, scale: float = 1.0) -> Domain:
    """A copy of a grey-image `Domain` with `grey_to_rgb` images (same name and labels).

    Example:
        >>> grey_domain_to_rgb(load_usps("train")).feature_shape
        (32, 32, 3)
    """
    check_instance(domain, "domain", Domain, owner="grey_domain_to_rgb")
    return Domain(domain.name, grey_to_rgb(domain.x, size, image_shape, scale), domain.y, domain.num_classes)
