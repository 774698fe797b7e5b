"""tftransfer losses."""

from tftransfer.losses.class_confusion import class_confusion
from tftransfer.losses.coral import CORAL, coral_loss
from tftransfer.losses.entropy import Entropy, prediction_entropy
from tftransfer.losses.l2sp import l2_penalty, l2sp_penalty
from tftransfer.losses.mmd import MMD, median_heuristic_bandwidths, mk_mmd

__all__ = [
    "CORAL",
    "Entropy",
    "MMD",
    "class_confusion",
    "coral_loss",
    "l2_penalty",
    "l2sp_penalty",
    "median_heuristic_bandwidths",
    "mk_mmd",
    "prediction_entropy",
]
