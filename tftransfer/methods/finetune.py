"""Parameter transfer: fine-tune a source-trained backbone on a few labelled target samples."""

from __future__ import annotations

import keras

from tftransfer._checks import check_bool, check_int, check_non_negative
from tftransfer.losses import l2_penalty, l2sp_penalty
from tftransfer.methods.base import DomainAdaptationModel
from tftransfer.methods.method import Method


@keras.saving.register_keras_serializable(package="tftransfer")
class FineTuner(DomainAdaptationModel):
    """Fine-tuning with a freeze depth, a backbone learning-rate multiplier and L2-SP.

    Trains on labelled (target) batches `(x, y)`; the top `freeze_depth` layer groups of the
    backbone are trainable, the rest frozen (frozen BatchNorm runs in inference mode, so its
    moving statistics stay as they were). The optional L2-SP penalty (Li, Grandvalet &
    Davoine, "Explicit Inductive Bias for Transfer Learning with Convolutional Networks",
    ICML 2018, eq. 4) pulls the backbone toward its starting point w⁰ instead of toward 0:

        Ω(w) = α/2 · ||w_S − w⁰_S||² + β/2 · ||w_head||²

    The transfer recipe on a `TransferTask` (`tftransfer.training.fit_task`, protocol
    "finetune"): pretrain the backbone (and a head) on the labelled source, take that as w⁰,
    then fine-tune on a few labelled target samples per class, each epoch as many steps as a
    source epoch (or `steps_per_epoch`). Calling `fit` directly fine-tunes whatever backbone
    the model was given (e.g. a pretrained one), with w⁰ its weights when the model was built.

    Args:
        feature_extractor, num_classes, **kwargs: see `DomainAdaptationModel`; `freeze_depth`
            and `backbone_lr_multiplier` are the transfer knobs.
        l2sp_alpha: α, strength of the pull toward the source weights (0 disables).
        l2sp_beta: β, plain L2 on the head weights (0 disables).
        pretrain_epochs: Source-pretraining epochs (None: as many as fine-tuning).
        reuse_source_head: Start the head from the source-pretrained head (same label space).
        steps_per_epoch: Fine-tuning steps per epoch; None: a source epoch's,
            `ceil(max(n_source, n_labelled) / batch_size)`. A fixed count gives every number of
            target labels the same step budget (e.g. when the backbone comes pretrained and
            `pretrain_epochs=0`, so the source size means nothing).
    """

    def __init__(self, feature_extractor, num_classes, l2sp_alpha: float = 0.0,
                 l2sp_beta: float = 0.0, pretrain_epochs: int | None = None,
                 reuse_source_head: bool = True, backbone_lr_multiplier: float = 0.1,
                 steps_per_epoch: int | None = None, **kwargs):
        super().__init__(feature_extractor, num_classes,
                         backbone_lr_multiplier=backbone_lr_multiplier, **kwargs)
        owner = type(self).__name__
        self.l2sp_alpha = check_non_negative(l2sp_alpha, "l2sp_alpha", owner=owner)
        self.l2sp_beta = check_non_negative(l2sp_beta, "l2sp_beta", owner=owner)
        self.pretrain_epochs = check_int(pretrain_epochs, "pretrain_epochs", minimum=0,
                                         allow_none=True, owner=owner)
        self.steps_per_epoch = check_int(steps_per_epoch, "steps_per_epoch", minimum=1,
                                         allow_none=True, owner=owner)
        self.reuse_source_head = check_bool(reuse_source_head, "reuse_source_head", owner=owner)
        self.pretrain_history = None
        self._regularized = []
        self.reference_weights = []

    def build(self, input_shape):
        super().build(input_shape)
        if self.l2sp_alpha > 0 and not self.reference_weights:
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

    def get_config(self):
        config = super().get_config()
        config.update(l2sp_alpha=self.l2sp_alpha, l2sp_beta=self.l2sp_beta,
                      pretrain_epochs=self.pretrain_epochs, reuse_source_head=self.reuse_source_head,
                      steps_per_epoch=self.steps_per_epoch)
        return config


FINETUNE = Method(
    name="finetune",
    summary=("Fine-tuning of a source-pretrained backbone on a few labelled target samples "
             "per class (freeze depth, layer-wise learning rate, L2-SP: Li et al., ICML 2018)"),
    model_class=FineTuner,
    protocol="finetune",
    target_labels="few",
    space={"l2sp_alpha": "0.0001:1.0:log", "backbone_lr_multiplier": "0.01:1.0:log"},
)
