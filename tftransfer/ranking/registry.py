"""The transferability-score registry: name -> `Score` (function and what it reads)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional

import numpy as np

from tftransfer.ranking.gbc import gbc
from tftransfer.ranking.hscore import hscore
from tftransfer.ranking.leep import leep
from tftransfer.ranking.logme import logme
from tftransfer.ranking.nce import nce
from tftransfer.ranking.nleep import nleep
from tftransfer.registry import Registry

FEATURES = "features"
SOURCE_PROBABILITIES = "source_probabilities"
SOURCE_LABELS = "source_labels"


@dataclass(frozen=True)
class Score:
    """A registered transferability score.

    Attributes:
        name: Registry name.
        function: `function(inputs, labels) -> float`, higher = more transferable.
        reads: What `inputs` is: "features" (the backbone's features), "source_probabilities"
            (the source classifier's softmax on the target) or "source_labels" (its argmax).
        reference: The paper.
    """

    name: str
    function: Callable[..., float]
    reads: str
    reference: str

    @property
    def needs_source_classifier(self) -> bool:
        """Whether the score reads a source classifier's outputs (LEEP, NCE)."""
        return self.reads != FEATURES

    def __call__(self, *, labels, features=None, source_probabilities=None) -> float:
        """The score from whichever input it reads (NCE takes the argmax of probabilities)."""
        if self.reads == FEATURES:
            if features is None:
                raise ValueError(f"score {self.name!r} reads `features`. Received: features=None")
            return self.function(features, labels)
        if source_probabilities is None:
            raise ValueError(f"score {self.name!r} reads a source classifier's probabilities. "
                             "Received: source_probabilities=None")
        if self.reads == SOURCE_LABELS:
            return self.function(np.asarray(source_probabilities).argmax(axis=1), labels)
        return self.function(source_probabilities, labels)


def _hscore_shrinkage(features, labels, **options) -> float:
    return hscore(features, labels, shrinkage="ledoit_wolf", **options)


SCORES: Registry = Registry("transferability score")
for _score in (
    Score("logme", logme, FEATURES, "You et al., ICML 2021"),
    Score("leep", leep, SOURCE_PROBABILITIES, "Nguyen et al., ICML 2020"),
    Score("nce", nce, SOURCE_LABELS, "Tran et al., ICCV 2019"),
    Score("hscore", hscore, FEATURES, "Bao et al., ICIP 2019"),
    Score("hscore_shrinkage", _hscore_shrinkage, FEATURES,
          "Ibrahim et al., ECML PKDD 2022 (H-score with Ledoit-Wolf shrinkage)"),
    Score("gbc", gbc, FEATURES, "Pándy et al., CVPR 2022"),
    Score("nleep", nleep, FEATURES, "Li et al., CVPR 2021 (N-LEEP: LEEP on a Gaussian mixture)"),
):
    SCORES.register(_score.name, _score)


def get(name: str) -> Score:
    """The registered score `name` (an unknown name lists the valid ones)."""
    return SCORES.get(name)


def names(*, reads: Optional[str] = None) -> List[str]:
    """Registered score names, optionally only those that read `reads`."""
    return [n for n in SCORES.names() if reads is None or SCORES.get(n).reads == reads]
