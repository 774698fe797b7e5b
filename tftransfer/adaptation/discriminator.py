"""The domain discriminator network of the adversarial losses."""

from __future__ import annotations

from typing import Sequence

import keras

from tftransfer._checks import check_bool, check_dropout, check_units
from tftransfer.layers import PhiloxDropout


def domain_discriminator(hidden_units: Sequence[int] = (1024, 1024), *, batch_norm: bool = True,
                         dropout: float = 0.0, outputs: int = 1,
                         name: str = "discriminator") -> keras.Sequential:
    """A ReLU MLP that maps a feature vector to `outputs` logits.

    The reference architecture is Transfer-Learning-Library's `DomainDiscriminator` (used by
    its DANN and CDAN): Linear(1024) → BatchNorm → ReLU, twice, then Linear(1); without batch
    norm it is Linear → ReLU → Dropout(0.5) twice, the discriminator of Ganin et al. (JMLR
    2016, the Office experiments: two hidden layers of 1024 units).

    Args:
        hidden_units: Widths of the hidden layers.
        batch_norm: BatchNormalization after each hidden Dense (momentum 0.9: see
            `tftransfer.backbones.mlp` for why not Keras' 0.99). Adaptation losses run on the
            features of the whole global batch on every replica, so the statistics are the
            global batch's without synchronisation.
        dropout: Dropout rate after each hidden layer (0 disables).
        outputs: Number of output logits.
        name: Name of the Sequential model.
    """
    hidden_units = check_units(hidden_units, "hidden_units", owner="domain_discriminator")
    batch_norm = check_bool(batch_norm, "batch_norm", owner="domain_discriminator")
    dropout = check_dropout(dropout, owner="domain_discriminator")
    layers = []
    for i, units in enumerate(hidden_units):
        layers.append(keras.layers.Dense(units, use_bias=not batch_norm, name=f"{name}_dense_{i}"))
        if batch_norm:
            layers.append(keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn_{i}"))
        layers.append(keras.layers.ReLU(name=f"{name}_relu_{i}"))
        if dropout:
            layers.append(PhiloxDropout(dropout, name=f"{name}_dropout_{i}"))
    layers.append(keras.layers.Dense(outputs, name=f"{name}_logits"))
    return keras.Sequential(layers, name=name)
