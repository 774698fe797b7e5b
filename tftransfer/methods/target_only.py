"""Target-only baseline (ORACLE): trained on all target training labels."""

import keras

from tftransfer.data.pipeline import labelled_dataset, steps_per_epoch
from tftransfer.methods.base import DomainAdaptationModel


@keras.saving.register_keras_serializable(package="tftransfer")
class TargetOnly(DomainAdaptationModel):
    """Supervised training on the labelled target training split.

    This is an ORACLE in unsupervised domain adaptation — it reads the target labels that the
    adaptation methods never see — and gives the usual upper reference. Every table labels it so.
    """

    uses_target = False
    target_labels = "all"

    def fit_task(self, task, *, epochs, batch_size, seed, target_labels_per_class=0,
                 source_weights=None, callbacks=None, verbose=0):
        target = task.target_train
        if target.y is None:
            raise ValueError(f"target_only needs target training labels; task {task.name!r} has none")
        data = labelled_dataset(target.x, target.y, batch_size=batch_size, shuffle=True, seed=seed,
                                repeat=True, drop_remainder=True)
        return self._fit_steps(data, steps_per_epoch(target.n, 0, batch_size), task, epochs=epochs,
                               batch_size=batch_size, callbacks=callbacks, verbose=verbose)
