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
from typing import Optional, Sequence, Tuple

import numpy as np

from tftransfer.data.domains import Domain

__all__ = ["grey_to_rgb", "grey_domain_to_rgb"]


def _pair(value, what: str) -> Tuple[int, int]:
    pair = tuple(value) if isinstance(value, (tuple, list)) else None
    if (pair is None or len(pair) != 2
            or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1 for v in pair)):
        raise ValueError(f"{what} must be a pair of positive ints (height, width), got {value!r}")
    return int(pair[0]), int(pair[1])


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

    height, width = _pair(size, "size")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale < math.inf:
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"grey_to_rgb needs a non-empty batch of images, got shape {x.shape}")
    if x.ndim == 2:
        if image_shape is None:
            side = math.isqrt(x.shape[1])
            if side * side != x.shape[1]:
                raise ValueError(f"flat rows of {x.shape[1]} values are not square images: "
                                 "pass image_shape=(h, w)")
            image_shape = (side, side)
        h, w = _pair(image_shape, "image_shape")
        if h * w != x.shape[1]:
            raise ValueError(f"image_shape={(h, w)} holds {h * w} values, but the rows have {x.shape[1]}")
        x = x.reshape(-1, h, w)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3:
        raise ValueError("grey_to_rgb takes (n, h*w), (n, h, w) or (n, h, w, 1) grey images, "
                         f"got shape {x.shape}")
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
    if not isinstance(domain, Domain):
        raise TypeError(f"grey_domain_to_rgb needs a Domain, got {type(domain).__name__}")
    return Domain(domain.name, grey_to_rgb(domain.x, size, image_shape, scale), domain.y, domain.num_classes)
