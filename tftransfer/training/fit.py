"""Training a method's model on a `TransferTask`: which data it sees, for how many steps."""

from __future__ import annotations

from typing import Optional

import keras

from tftransfer import distribute, distributed_loop
from tftransfer.backbones.freezing import apply_freeze_depth
from tftransfer.data.domains import TransferTask
from tftransfer.data import pipeline
from tftransfer.data.pipeline import labelled_dataset, paired_dataset
from tftransfer.methods import DomainAdaptationModel, FineTuner, Method
from tftransfer.methods.method import PROTOCOLS


def protocol_of(model: DomainAdaptationModel, method: Optional[Method] = None) -> str:
    """The data protocol: the method's, else inferred from the model.

    A `FineTuner` fine-tunes ("finetune"), a model with adaptation losses pairs the source
    with unlabelled target batches ("paired"), any other trains on the source ("source").
    """
    if method is not None:
        return method.protocol
    if isinstance(model, FineTuner):
        return "finetune"
    return "paired" if model.uses_target else "source"


def steps_per_training_epoch(protocol: str, task: TransferTask, batch_size: int,
                             target_labels_per_class: int = 0,
                             model: Optional[DomainAdaptationModel] = None) -> int:
    """Optimizer steps in one epoch of `protocol` on `task` (for the learning-rate schedule)."""
    if protocol == "paired" or (protocol == "source" and target_labels_per_class > 0):
        return pipeline.steps_per_epoch(task.source_train.n, task.target_train.n, batch_size)
    if protocol == "target":
        return pipeline.steps_per_epoch(task.target_train.n, 0, batch_size)
    if protocol == "finetune" and isinstance(model, FineTuner) and model.steps_per_epoch:
        return model.steps_per_epoch
    return pipeline.steps_per_epoch(task.source_train.n, 0, batch_size)


def fit_task(model: DomainAdaptationModel, task: TransferTask, *, epochs: int, batch_size: int,
             seed: int, protocol: Optional[str] = None, target_labels_per_class: int = 0,
             source_weights=None, callbacks=None, verbose=0,
             steps_per_epoch: Optional[int] = None) -> keras.callbacks.History:
    """Trains a compiled `model` on `task` with the data its protocol calls for.

    Protocols (`tftransfer.methods.method.PROTOCOLS`):
      * "paired": labelled source batches paired with unlabelled target batches (with
        `target_labels_per_class` revealed target labels, semi-supervised), `epochs` passes
        over the larger domain;
      * "source": labelled source batches only (paired when target labels are revealed);
      * "target": all labelled target training batches (an ORACLE baseline);
      * "finetune": pretrain the backbone and a head on the source, take that as the L2-SP
        reference, then fine-tune on `target_labels_per_class` labels per class
        (`FineTuner`).
    Every protocol validates on the source validation split; target test labels are never
    seen here. `source_weights` (one per source training example, e.g. importance weights)
    weight the source loss. `steps_per_epoch` fixes an epoch's optimizer steps (the reference
    code's "iterations per epoch": the same budget for a small task as for a large one);
    None: one pass over the larger domain.

    Returns:
        The Keras `History` of the (last) fit.
    """
    protocol = protocol or protocol_of(model)
    if protocol not in PROTOCOLS:
        raise ValueError(f"Unknown protocol {protocol!r}. Valid: {', '.join(PROTOCOLS)}")
    if protocol == "finetune":
        return _fine_tune(model, task, epochs=epochs, batch_size=batch_size, seed=seed,
                          steps_per_epoch=steps_per_epoch,
                          target_labels_per_class=target_labels_per_class,
                          source_weights=source_weights, callbacks=callbacks, verbose=verbose)
    steps = steps_per_epoch or steps_per_training_epoch(protocol, task, batch_size,
                                                        target_labels_per_class)
    if protocol == "target":
        target = task.target_train
        if target.y is None:
            raise ValueError(f"target_only needs target training labels; task {task.name!r} has none")
        data = labelled_dataset(target.x, target.y, batch_size=batch_size, shuffle=True, seed=seed,
                                repeat=True, drop_remainder=True)
        return fit_steps(model, data, steps, task, epochs=epochs, batch_size=batch_size,
                         callbacks=callbacks, verbose=verbose)
    x_s, y_s = task.source_train.x, task.source_train.y
    y_t = (task.target_partial_labels(target_labels_per_class, seed)
           if target_labels_per_class > 0 else None)
    if protocol == "paired" or y_t is not None:
        data = paired_dataset(x_s, y_s, task.target_train.x, y_t, batch_size=batch_size, seed=seed,
                              source_weight=source_weights)
    else:
        data = labelled_dataset(x_s, y_s, batch_size=batch_size, shuffle=True, seed=seed,
                                repeat=True, drop_remainder=True, sample_weight=source_weights)
    return fit_steps(model, data, steps, task, epochs=epochs, batch_size=batch_size,
                     callbacks=callbacks, verbose=verbose)


def fit_steps(model: DomainAdaptationModel, data, steps: int, task: TransferTask, *, epochs: int,
              batch_size: int, callbacks=None, verbose=0,
              validation_data=None) -> keras.callbacks.History:
    """`epochs` × `steps` steps on `data`, validating on the source validation split.

    Builds the model and its optimizers first (one trace of the train step), starts the λ
    schedule over these steps, and trains with `Model.fit` — or, under a multi-worker
    strategy, where `Model.fit` fails (Keras 3.15), with `distributed_loop.fit`.
    `validation_data` replaces the default `labelled_dataset` of the source validation
    split (the regression fit passes its float-target twin).
    """
    val = validation_data
    if val is None:
        val = labelled_dataset(task.source_val.x, task.source_val.y, batch_size=batch_size)
    if not model.built:
        model.build((None,) + tuple(task.input_shape))
    model.build_optimizers()
    if distribute.is_multi_worker(model.distribute_strategy):
        model.set_schedule_steps(epochs * steps)
        return distributed_loop.fit(model, data, epochs=epochs, steps_per_epoch=steps,
                                    validation_data=val, callbacks=callbacks, verbose=verbose)
    return model.fit(data, epochs=epochs, steps_per_epoch=steps, validation_data=val,
                     callbacks=callbacks, verbose=verbose, shuffle=False)


def pretrain_on_source(model: FineTuner, task: TransferTask, *, epochs: int, batch_size: int,
                       seed: int, source_weights=None, verbose=0,
                       steps_per_epoch: Optional[int] = None) -> keras.callbacks.History:
    """Trains `model`'s backbone with a fresh head on the labelled source (every layer
    trainable), then restores its freeze depth, copies the head (bottleneck and classifier)
    if asked and takes the backbone's weights as the L2-SP reference."""
    # The same bottleneck width as the fine-tuned model, so its trained head fits it.
    source_model = DomainAdaptationModel(model.feature_extractor, model.num_classes,
                                         bottleneck_units=model.bottleneck_units,
                                         bottleneck_dropout=model.bottleneck_dropout,
                                         name="source_pretraining")
    source_model.compile(optimizer=model.optimizer.__class__.from_config(model.optimizer.get_config()))
    history = fit_task(source_model, task, protocol="source", epochs=epochs, batch_size=batch_size,
                       seed=seed, source_weights=source_weights, verbose=verbose,
                       steps_per_epoch=steps_per_epoch)
    model.pretrain_history = history
    apply_freeze_depth(model.feature_extractor, model.freeze_depth)
    if model.reuse_source_head:
        if model.bottleneck is not None:
            if not model.bottleneck.built:
                model.build((None,) + tuple(task.input_shape))
            model.bottleneck.set_weights(source_model.bottleneck.get_weights())
        model.classifier.set_weights(source_model.classifier.get_weights())
    model.snapshot_reference_weights()
    return history


def _fine_tune(model: FineTuner, task: TransferTask, *, epochs, batch_size, seed,
               target_labels_per_class, source_weights, callbacks, verbose, steps_per_epoch=None):
    if not isinstance(model, FineTuner):
        raise TypeError(f"the finetune protocol trains a FineTuner. Received: {type(model).__name__}")
    if target_labels_per_class < 1:
        raise ValueError("finetune trains on labelled target samples: set "
                         f"target_labels_per_class >= 1, got {target_labels_per_class}")
    fixed_steps = steps_per_epoch
    if not model.built:
        model.build((None,) + tuple(task.input_shape))
    pretrain = epochs if model.pretrain_epochs is None else model.pretrain_epochs
    if pretrain:
        pretrain_on_source(model, task, epochs=pretrain, batch_size=batch_size, seed=seed,
                           source_weights=source_weights, verbose=verbose,
                           steps_per_epoch=fixed_steps)
    labelled = task.target_labelled_subset(target_labels_per_class, seed)
    batch = min(batch_size, labelled.n)
    data = labelled_dataset(labelled.x, labelled.y, batch_size=batch, shuffle=True, seed=seed,
                            repeat=True, drop_remainder=True)
    # A fine-tuning epoch has the step budget of a source epoch (cycling the few labels):
    # counted over 50 samples, 20 epochs would be 20 steps and barely move the model.
    steps = (model.steps_per_epoch or fixed_steps
             or pipeline.steps_per_epoch(task.source_train.n, labelled.n, batch_size))
    return fit_steps(model, data, steps, task, epochs=epochs, batch_size=batch_size,
                     callbacks=callbacks, verbose=verbose)
