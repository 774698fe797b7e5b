"""Training outside the model: pipelines per protocol, the fit loop, evaluation.

`fit_task(model, task, ...)` trains a method's model on a `TransferTask` with the data its
protocol calls for (`tftransfer.methods.method.PROTOCOLS`), dispatching to Keras `fit` or,
under a multi-worker strategy, to `tftransfer.distributed_loop`. `methods/` knows nothing of
data; this package is where the two meet.
"""

from tftransfer.training.evaluate import accuracy
from tftransfer.training.fit import (fit_steps, fit_task, pretrain_on_source, protocol_of,
                                     steps_per_training_epoch)

__all__ = ["accuracy", "fit_steps", "fit_task", "pretrain_on_source", "protocol_of",
           "steps_per_training_epoch"]
