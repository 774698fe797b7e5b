"""Training and evaluating a regression model of the engine on a regression `TransferTask`.

The regression counterpart of `tftransfer.training.fit_task`: the same protocols, step
counts and source-validation data, on the float-target pipelines of
`tftransfer.regression.pipeline` (`tftransfer.data.pipeline` casts labels to class indices).
"""

from __future__ import annotations

from typing import Dict, Optional

import keras
import numpy as np

from tftransfer import training
from tftransfer._checks import check_instance, check_int
from tftransfer.backbones.freezing import apply_freeze_depth
from tftransfer.data.domains import Domain, TransferTask
from tftransfer.data.pipeline import steps_per_epoch as paired_steps
from tftransfer.methods import DomainAdaptationModel, FineTuner
from tftransfer.methods.method import PROTOCOLS
from tftransfer.regression.metrics import regression_scores
from tftransfer.regression.pipeline import regression_labelled_dataset, regression_paired_dataset
from tftransfer.training import protocol_of

__all__ = ["fit_regression_task", "predict", "regression_metrics"]


def _check(model, task: TransferTask, owner: str) -> None:
    check_instance(task, "task", TransferTask, owner=owner)
    if task.task != "regression":
        raise ValueError(f"{owner}: `task` must be a regression task (Domain(..., "
                         f"task='regression')). Received: task {task.name!r} of kind {task.task!r}")
    if getattr(model, "task", None) != "regression":
        raise ValueError(f"{owner}: `model` must be built with task='regression'. Received: a "
                         f"{type(model).__name__} with task={getattr(model, 'task', None)!r}")
    if model.num_outputs != task.num_outputs:
        raise ValueError(f"{owner}: the model predicts {model.num_outputs} outputs, the task "
                         f"has {task.num_outputs}. Received: num_outputs={model.num_outputs}")


def fit_regression_task(model: DomainAdaptationModel, task: TransferTask, *, epochs: int,
                        batch_size: int, seed: int, protocol: Optional[str] = None,
                        target_labels: int = 0, source_weights=None, callbacks=None,
                        verbose=0, steps_per_epoch: Optional[int] = None
                        ) -> keras.callbacks.History:
    """Trains a compiled regression `model` on `task` with the data its protocol calls for.

    Protocols as `tftransfer.training.fit_task`: "paired" (source batches with unlabelled
    target batches, plus `target_labels` revealed target targets when > 0), "source",
    "target" (all target training targets: an ORACLE baseline) and "finetune" (pretrain on
    the source, then fine-tune a `FineTuner` on `target_labels` target examples). Regression
    has no classes, so `target_labels` counts target examples, not examples per class.
    Validation data is the source validation split; target test targets are never read.

    Returns:
        The Keras `History` of the (last) fit.
    """
    owner = "fit_regression_task"
    _check(model, task, owner)
    target_labels = check_int(target_labels, "target_labels", minimum=0, owner=owner)
    protocol = protocol or protocol_of(model)
    if protocol not in PROTOCOLS:
        raise ValueError(f"Unknown protocol {protocol!r}. Valid: {', '.join(PROTOCOLS)}")
    if protocol == "finetune":
        return _fine_tune(model, task, epochs=epochs, batch_size=batch_size, seed=seed,
                          target_labels=target_labels, source_weights=source_weights,
                          callbacks=callbacks, verbose=verbose, fixed_steps=steps_per_epoch)
    if protocol == "target":
        target = task.target_train
        if target.y is None:
            raise ValueError(f"target_only needs target training targets; task {task.name!r} "
                             "has none")
        data = regression_labelled_dataset(target.x, target.y, batch_size=batch_size,
                                           shuffle=True, seed=seed, repeat=True,
                                           drop_remainder=True)
        steps = steps_per_epoch or paired_steps(target.n, 0, batch_size)
        return fit_steps(model, data, steps, task, epochs=epochs, batch_size=batch_size,
                         callbacks=callbacks, verbose=verbose)
    y_t = task.target_partial_labels(target_labels, seed) if target_labels else None
    if protocol == "paired" or y_t is not None:
        data = regression_paired_dataset(task.source_train.x, task.source_train.y,
                                         task.target_train.x, y_t, batch_size=batch_size,
                                         seed=seed, source_weight=source_weights)
        steps = paired_steps(task.source_train.n, task.target_train.n, batch_size)
    else:
        data = regression_labelled_dataset(task.source_train.x, task.source_train.y,
                                           batch_size=batch_size, shuffle=True, seed=seed,
                                           repeat=True, drop_remainder=True,
                                           sample_weight=source_weights)
        steps = paired_steps(task.source_train.n, 0, batch_size)
    return fit_steps(model, data, steps_per_epoch or steps, task, epochs=epochs,
                     batch_size=batch_size, callbacks=callbacks, verbose=verbose)


def fit_steps(model, data, steps: int, task: TransferTask, *, epochs: int, batch_size: int,
              callbacks=None, verbose=0) -> keras.callbacks.History:
    """`epochs` × `steps` steps on `data`, validating on the source validation targets
    (`training.fit_steps` with the float-target validation set)."""
    val = regression_labelled_dataset(task.source_val.x, task.source_val.y, batch_size=batch_size)
    return training.fit_steps(model, data, steps, task, epochs=epochs, batch_size=batch_size,
                              callbacks=callbacks, verbose=verbose, validation_data=val)


def _fine_tune(model, task, *, epochs, batch_size, seed, target_labels, source_weights,
               callbacks, verbose, fixed_steps):
    if not isinstance(model, FineTuner):
        raise TypeError("the finetune protocol trains a FineTuner. "
                        f"Received: {type(model).__name__}")
    if target_labels < 1:
        raise ValueError("finetune trains on labelled target examples: set target_labels >= 1. "
                         f"Received: target_labels={target_labels}")
    if not model.built:
        model.build((None,) + tuple(task.input_shape))
    pretrain = epochs if model.pretrain_epochs is None else model.pretrain_epochs
    if pretrain:
        # Source pretraining with every backbone layer trainable and a fresh head, then the
        # freeze depth again, the head copied and the backbone taken as the L2-SP reference.
        source_model = DomainAdaptationModel(model.feature_extractor, None, task="regression",
                                             num_outputs=model.num_outputs,
                                             regression_loss=model.regression_loss,
                                             huber_delta=model.huber_delta,
                                             name="source_pretraining")
        source_model.compile(optimizer=model.optimizer.__class__.from_config(
            model.optimizer.get_config()))
        model.pretrain_history = fit_regression_task(
            source_model, task, protocol="source", epochs=pretrain, batch_size=batch_size,
            seed=seed, source_weights=source_weights, verbose=verbose,
            steps_per_epoch=fixed_steps)
        apply_freeze_depth(model.feature_extractor, model.freeze_depth)
        if model.reuse_source_head:
            model.classifier.set_weights(source_model.classifier.get_weights())
        model.snapshot_reference_weights()
    labelled = task.target_labelled_subset(target_labels, seed)
    data = regression_labelled_dataset(labelled.x, labelled.y, batch_size=min(batch_size,
                                                                              labelled.n),
                                       shuffle=True, seed=seed, repeat=True, drop_remainder=True)
    steps = (model.steps_per_epoch or fixed_steps
             or paired_steps(task.source_train.n, labelled.n, batch_size))
    return fit_steps(model, data, steps, task, epochs=epochs, batch_size=batch_size,
                     callbacks=callbacks, verbose=verbose)


def predict(model, x, batch_size: int = 512) -> np.ndarray:
    """The model's predictions (n, num_outputs) in inference mode, float64."""
    x = np.asarray(x, np.float32)
    out = [keras.ops.convert_to_numpy(model(x[i:i + batch_size], training=False))
           for i in range(0, len(x), batch_size)]
    return np.concatenate(out).astype(np.float64)


def regression_metrics(model, domain: Domain, batch_size: int = 512) -> Dict[str, float]:
    """{"mse", "mae", "rmse", "r2"} of `model` on a labelled regression `Domain`."""
    check_instance(domain, "domain", Domain, owner="regression_metrics")
    if domain.task != "regression" or domain.y is None:
        raise ValueError("regression_metrics: `domain` must be a labelled regression Domain. "
                         f"Received: {domain!r}")
    return regression_scores(domain.y, predict(model, domain.x, batch_size))
