"""The source datasets the zoo pretrains on, each in the zoo's input format.

| source            | examples | what                                                          |
|-------------------|----------|---------------------------------------------------------------|
| `mnist`           | 2,000    | the MNIST digits of the JDA file (16x16), all of them          |
| `usps`            | 7,291    | the full USPS training set (16x16); the test set is not used   |
| `digits`          | 898      | scikit-learn digits (8x8), half A, no shift                    |
| `digits_inverted` | 898      | the same half A images inverted (1 - x)                        |

The digits sources use half A of `tftransfer.data.builtin` only, so targets built from half
B (its shifted domains) never contain a source image; USPS sources never see the USPS test
set.
"""

from __future__ import annotations

import os
from typing import Callable, Optional, Union

from tftransfer.data.benchmarks import load_mnist_usps_jda, load_usps
from tftransfer.data.builtin import load_domain
from tftransfer.data.domains import Domain
from tftransfer.registry import Registry
from tftransfer.zoo.inputs import to_zoo_images

PathLike = Union[str, os.PathLike]

SOURCES: Registry = Registry("zoo source")
SOURCES.register("mnist", lambda data_dir: load_mnist_usps_jda("MNIST", data_dir))
SOURCES.register("usps", lambda data_dir: load_usps("train", data_dir))
SOURCES.register("digits", lambda data_dir: load_domain("original", role="source"))
SOURCES.register("digits_inverted", lambda data_dir: load_domain("inverted", role="source"))


def load_source(name: str, data_dir: Optional[PathLike] = None) -> Domain:
    """The source `name` in the zoo's format (32x32x3 in [0, 255]).

    Raises:
        ValueError: an unknown source (the valid ones are listed).
        FileNotFoundError: the data folder or file of `mnist`/`usps` is missing.
    """
    loader: Callable = SOURCES.get(name)
    return to_zoo_images(loader(data_dir))


def source_names() -> list:
    """The registered source names."""
    return SOURCES.names()

