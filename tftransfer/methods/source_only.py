"""Source-only baseline: train on labelled source data, apply to the target as is."""

import keras

from tftransfer.methods.base import DomainAdaptationModel


@keras.saving.register_keras_serializable(package="tftransfer")
class SourceOnly(DomainAdaptationModel):
    """No adaptation: minimises the source cross-entropy only (the lower bound every DA method
    must beat). Target batches, if given, are ignored unless they carry labels."""

    uses_target = False
