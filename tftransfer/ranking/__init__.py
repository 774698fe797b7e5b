"""Transferability scores: choose a pretrained backbone before fine-tuning it.

Each score reads one forward pass of a candidate backbone over the labelled target
examples and returns a float, higher = expected to transfer better:

| score              | reads                                  | paper                       |
|--------------------|----------------------------------------|-----------------------------|
| `logme`            | features                               | You et al., ICML 2021       |
| `leep`             | the source classifier's probabilities  | Nguyen et al., ICML 2020    |
| `nce`              | the source classifier's argmax labels  | Tran et al., ICCV 2019      |
| `hscore`           | features                               | Bao et al., ICIP 2019       |
| `hscore_shrinkage` | features (Ledoit-Wolf shrunk H-score)  | Ibrahim et al., ECML 2022   |
| `gbc`              | features (Bhattacharyya class overlap) | Pándy et al., CVPR 2022     |
| `nleep`            | features (LEEP on a Gaussian mixture)  | Li et al., CVPR 2021        |

`rank_backbones(specs, target_domain)` scores any mix of backbone specs
(`tftransfer.backbones.get`) on a labelled target and returns a pandas table.

Example:
    >>> from tftransfer import ranking
    >>> ranking.logme(features, labels)
    >>> table = ranking.rank_backbones(["file:resnet8.h5", "hub:/zoo/lenet_usps/hub"], usps)
"""

from tftransfer.ranking.gbc import gbc
from tftransfer.ranking.hscore import hscore
from tftransfer.ranking.leep import leep
from tftransfer.ranking.logme import logme
from tftransfer.ranking.nce import nce
from tftransfer.ranking.nleep import nleep
from tftransfer.ranking.registry import SCORES, Score, get, names

__all__ = ["DEFAULT_SCORES", "SCORES", "Score", "gbc", "get", "hscore", "leep", "logme", "names",
           "nce", "nleep", "rank_backbones"]


def __getattr__(name):
    # The scores are NumPy only; `rank_backbones` needs TensorFlow and the backbones, so it
    # is imported on first use rather than with the scores.
    if name in ("rank_backbones", "DEFAULT_SCORES", "file_classifier_head"):
        from tftransfer.ranking import rank

        return getattr(rank, name)
    raise AttributeError(f"module 'tftransfer.ranking' has no attribute {name!r}")
