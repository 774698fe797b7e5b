"""Parameter transfer: fine-tune a source-trained backbone on a few labelled target samples."""

from __future__ import annotations

import keras

from tftransfer.backbones.freezing import apply_freeze_depth
from tftransfer.data.pipeline import labelled_dataset, steps_per_epoch
from tftransfer.losses import l2_penalty, l2sp_penalty
from tftransfer.methods.base import DomainAdaptationModel, _check_non_negative
from tftransfer.methods.source_only import SourceOnly


@keras.saving.register_keras_serializable(package="tftransfer")
class FineTuner(DomainAdaptationModel):
    """Fine-tuning with a freeze depth, a backbone learning-rate multiplier and L2-SP.

    Trains on labelled (target) batches `(x, y)`; the top `freeze_depth` layer groups of the
    backbone are trainable, the rest frozen (frozen BatchNorm runs in inference mode, so its
    moving statistics stay as they were). The optional L2-SP penalty (Li, Grandvalet &
    Davoine, "Explicit Inductive Bias for Transfer Learning with Convolutional Networks",
    ICML 2018, eq. 4) pulls the backbone toward its starting point w⁰ instead of toward 0:

        Ω(w) = α/2 · ||w_S − w⁰_S||² + β/2 · ||w_head||²

    `fit_task` is the transfer recipe on a `TransferTask`: pretrain the backbone (and a head)
    on the labelled source, take that as w⁰, then fine-tune on `target_labels_per_class`
    labelled target samples per class, each epoch as many steps as a source epoch (or
    `steps_per_epoch`). Calling `fit` directly fine-tunes whatever backbone the
    model was given (e.g. a pretrained one), with w⁰ its weights when the model was built.

    Args:
        feature_extractor, num_classes, **kwargs: see `DomainAdaptationModel`; `freeze_depth`
            and `backbone_lr_multiplier` are the transfer knobs.
        l2sp_alpha: α, strength of the pull toward the source weights (0 disables).
        l2sp_beta: β, plain L2 on the head weights (0 disables).
        pretrain_epochs: Source-pretraining epochs in `fit_task` (None: as many as fine-tuning).
        reuse_source_head: Start the head from the source-pretrained head (same label space).
        steps_per_epoch: Fine-tuning steps per epoch in `fit_task`; None: a source epoch's,
            `ceil(max(n_source, n_labelled) / batch_size)`. A fixed count gives every number of
            target labels the same step budget (e.g. when the backbone comes pretrained and
            `pretrain_epochs=0`, so the source size means nothing).
    """

    uses_target = False
    target_labels = "few"

    def __init__(self, feature_extractor, num_classes, l2sp_alpha: float = 0.0,
                 l2sp_beta: float = 0.0, pretrain_epochs: int | None = None,
                 reuse_source_head: bool = True, backbone_lr_multiplier: float = 0.1,
                 steps_per_epoch: int | None = None, **kwargs):
        super().__init__(feature_extractor, num_classes,
                         backbone_lr_multiplier=backbone_lr_multiplier, **kwargs)
        self.l2sp_alpha = _check_non_negative("l2sp_alpha", l2sp_alpha)
        self.l2sp_beta = _check_non_negative("l2sp_beta", l2sp_beta)
        if pretrain_epochs is not None and (isinstance(pretrain_epochs, bool)
                                            or not isinstance(pretrain_epochs, int) or pretrain_epochs < 0):
            raise ValueError(f"pretrain_epochs must be None or an int >= 0, got {pretrain_epochs!r}")
        self.pretrain_epochs = pretrain_epochs
        if steps_per_epoch is not None and (isinstance(steps_per_epoch, bool)
                                            or not isinstance(steps_per_epoch, int) or steps_per_epoch < 1):
            raise ValueError(f"steps_per_epoch must be None or an int >= 1, got {steps_per_epoch!r}")
        self.steps_per_epoch = steps_per_epoch
        self.reuse_source_head = bool(reuse_source_head)
        self.pretrain_history = None
        self._regularized = []
        self.reference_weights = []

    def build_adaptation(self, feature_shape, logits_shape):
        if self.l2sp_alpha > 0:
            # w⁰: every trainable-by-nature backbone variable (not BN moving statistics).
            self._regularized = [w for w in self.feature_extractor.weights if w.trainable]
            # A numpy copy: keras.Variable(initializer=<a variable>) would alias it.
            self.reference_weights = [
                keras.Variable(keras.ops.convert_to_numpy(w), trainable=False, name=f"l2sp_ref_{i}")
                for i, w in enumerate(self._regularized)]

    def snapshot_reference_weights(self):
        """Takes the backbone's current weights as the L2-SP reference w⁰."""
        for ref, w in zip(self.reference_weights, self._regularized):
            ref.assign(w.value)

    def regularization_loss(self):
        penalty = None
        if self.l2sp_alpha > 0:
            penalty = 0.5 * self.l2sp_alpha * l2sp_penalty(self._regularized, self.reference_weights)
        if self.l2sp_beta > 0:
            head = 0.5 * self.l2sp_beta * l2_penalty(self.classifier.trainable_weights)
            penalty = head if penalty is None else penalty + head
        return penalty

    def pretrain_on_source(self, task, *, epochs, batch_size, seed, source_weights=None, verbose=0):
        """Trains the backbone with a fresh head on the labelled source (all layers trainable)."""
        source_model = SourceOnly(self.feature_extractor, self.num_classes, name="source_pretraining")
        source_model.compile(optimizer=self.optimizer.__class__.from_config(self.optimizer.get_config()))
        self.pretrain_history = source_model.fit_task(task, epochs=epochs, batch_size=batch_size,
                                                      seed=seed, source_weights=source_weights,
                                                      verbose=verbose)
        apply_freeze_depth(self.feature_extractor, self.freeze_depth)
        if self.reuse_source_head:
            self.classifier.set_weights(source_model.classifier.get_weights())
        self.snapshot_reference_weights()
        return self.pretrain_history

    def fit_task(self, task, *, epochs, batch_size, seed, target_labels_per_class=0,
                 source_weights=None, callbacks=None, verbose=0):
        if target_labels_per_class < 1:
            raise ValueError("finetune trains on labelled target samples: set "
                             f"target_labels_per_class >= 1, got {target_labels_per_class}")
        if not self.built:
            self.build((None,) + tuple(task.input_shape))
        pretrain = epochs if self.pretrain_epochs is None else self.pretrain_epochs
        if pretrain:
            self.pretrain_on_source(task, epochs=pretrain, batch_size=batch_size, seed=seed,
                                    source_weights=source_weights, verbose=verbose)
        labelled = task.target_labelled_subset(target_labels_per_class, seed)
        batch = min(batch_size, labelled.n)
        data = labelled_dataset(labelled.x, labelled.y, batch_size=batch, shuffle=True, seed=seed,
                                repeat=True, drop_remainder=True)
        # A fine-tuning epoch has the step budget of a source epoch (cycling the few labels):
        # counted over 50 samples, 20 epochs would be 20 steps and barely move the model.
        steps = self.steps_per_epoch or steps_per_epoch(task.source_train.n, labelled.n, batch_size)
        return self._fit_steps(data, steps, task, epochs=epochs, batch_size=batch_size,
                               callbacks=callbacks, verbose=verbose)

    def get_config(self):
        config = super().get_config()
        config.update(l2sp_alpha=self.l2sp_alpha, l2sp_beta=self.l2sp_beta,
                      pretrain_epochs=self.pretrain_epochs, reuse_source_head=self.reuse_source_head,
                      steps_per_epoch=self.steps_per_epoch)
        return config
