"""The one training engine every deep method runs on."""

from __future__ import annotations

import math
from typing import Mapping, Optional, Tuple, Union

import keras
import numpy as np
import tensorflow as tf

from tftransfer import distribute, distributed_loop
from tftransfer._checks import (check_choice, check_dropout, check_float, check_int,
                                check_non_negative)
from tftransfer.adaptation import ADAPTATION_LOSSES, AdaptationLoss
from tftransfer.adaptation import get as get_adaptation_loss
from tftransfer.backbones.freezing import FreezeDepth, apply_freeze_depth
from tftransfer.layers import PhiloxDropout
from tftransfer.optimizers import scaled_optimizer
from tftransfer.regression.losses import REGRESSION_LOSSES, regression_loss
from tftransfer.regression.metrics import R2
from tftransfer.schedules import LAMBDA_SCHEDULES, ramp

MIXUP_MODES = (None, "source", "domains")
#: How BatchNorm normalises the paired batches: source and target together, or each alone.
BATCH_STATISTICS = ("joint", "per_domain")
#: What the head predicts: class logits, or real-valued targets.
TASKS = ("classification", "regression")

LossSpec = Union[AdaptationLoss, Tuple[AdaptationLoss, float], float]


def _normalise_losses(losses) -> list:
    """{name: loss | (loss, weight) | weight} -> [(name, loss, weight)].

    A bare weight builds the registered loss `name` with its defaults
    (`tftransfer.adaptation.get`).
    """
    if losses is None:
        return []
    if isinstance(losses, Mapping):
        items = list(losses.items())
    else:  # a list of (name, loss, weight) from a config
        items = [(entry[0], tuple(entry[1:])) for entry in losses]
    terms = []
    for name, spec in items:
        if isinstance(spec, tuple) and len(spec) == 1:
            spec = spec[0]
        if isinstance(spec, AdaptationLoss):
            loss, weight = spec, 1.0
        elif isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], AdaptationLoss):
            loss, weight = spec
        elif isinstance(spec, (int, float)) and not isinstance(spec, bool):
            loss, weight = get_adaptation_loss(name), spec
        else:
            raise TypeError(f"`losses[{name!r}]` must be an AdaptationLoss, (AdaptationLoss, "
                            f"weight) or a weight. Received: {spec!r}")
        terms.append((name, loss, check_non_negative(weight, f"losses[{name!r}] weight")))
    if len({name for name, _, _ in terms}) != len(terms):
        raise ValueError(f"`losses` names must be unique. Received: {[t[0] for t in terms]}")
    return terms


def bottleneck_block(units: int, dropout: float = 0.0, name: str = "bottleneck") -> keras.Sequential:
    """Dense(units) → BatchNorm → ReLU (→ Dropout): the bottleneck of Transfer-Learning-Library's
    classifiers, between the backbone and the head (BatchNorm momentum 0.9, as the backbones;
    synchronized across replicas, so N replicas normalise the global batch as one device does)."""
    layers = [keras.layers.Dense(units, use_bias=False, name=f"{name}_dense"),
              keras.layers.BatchNormalization(momentum=0.9, synchronized=True, name=f"{name}_bn"),
              keras.layers.ReLU(name=f"{name}_relu")]
    if dropout:
        layers.append(PhiloxDropout(dropout, name=f"{name}_dropout"))
    return keras.Sequential(layers, name=name)


@keras.saving.register_keras_serializable(package="tftransfer")
class DomainAdaptationModel(keras.Model):
    """A feature extractor F, an optional bottleneck B and a classifier C, trained on source
    labels plus any weighted sum of adaptation losses.

    The objective of one step (semi-supervised form; the unsupervised one has no L_t):

        L = L_s(C(f_s), y_s) + target_weight · L_t(C(f_t), y_t) + λ Σ_k w_k · ρ_k(p) · D_k(f_s, f_t, C(f_s), C(f_t))

    with f = B(F(x)) the adaptation features, L_s, L_t cross-entropies averaged over the global
    batch (L_t over the labelled target examples only), D_k the `losses`
    (`tftransfer.adaptation`: domain-adversarial, conditional-adversarial, MK-MMD, CORAL,
    MDD, MCC, entropy, ...) with weights w_k, and ρ(p) the `lambda_schedule` at training
    progress p (Ganin's 2/(1 + e^{−10p}) − 1 for "dann", 1 for "constant"). For losses that
    train the features through gradient reversal, ρ(p) scales the reversed gradient instead
    of the loss: their own networks learn at full strength from the first step.

    p = (steps taken in this fit) / (steps of this fit), computed inside the compiled step
    from the optimizer's counter: `fit` sets the step count from `epochs × steps_per_epoch`.

    `train_step` accepts
      * `((x_s, y_s), (x_t,))` — unsupervised domain adaptation;
      * `((x_s, y_s), (x_t, y_t))` — semi-supervised, `y_t == -1` marks unlabelled targets;
      * `((x_s, y_s, w_s), ...)` — per-example source weights (importance weighting);
      * `(x, y)` or `(x, y, w)` — a plain labelled batch (no adaptation term).
    `test_step` takes one labelled set `(x, y[, w])` and reports `loss` and `accuracy`.

    Every term is reported as a metric (`task_loss`, `target_loss`, `adaptation_loss` = Σ w_k
    D_k, one `<name>_loss` per loss when there are several, `loss` = the total) with
    `accuracy` on the source batch and `lambda` = λ · ρ(p). The classifier outputs logits.

    Regression (`task="regression"`): the head is Dense(num_outputs) predicting real targets
    ŷ = C(B(F(x))), L_s and L_t are the mean squared error (1/k) Σ_j (y_j − ŷ_j)² or the
    Huber loss (`regression_loss`), and `mae`, `rmse` and `r2` (R² = 1 − SS_res / SS_tot)
    replace `accuracy` in training and evaluation. The adaptation losses defined on features
    (domain-adversarial, MK-MMD, CORAL) and mixup (ỹ = μ y_i + (1 − μ) y_j; "domains" mixes
    with the model's own prediction of the target) work unchanged; losses that read class
    probabilities (`AdaptationLoss.uses_predictions`: CDAN, MCC, MDD, entropy) are refused.
    In semi-supervised batches a NaN target marks an unlabelled target example.

    Distribution: correct under `tf.distribute`: per-example losses are averaged over the
    global batch and the adaptation losses see the features of the whole global batch, so 2
    replicas take the same step as 1 device. The bottleneck's BatchNorm is synchronized
    across replicas; dropout (e.g. MDD's bottleneck) and mixup draw per replica, so with them
    a step on N replicas is not bit-equal to one on one device.

    Args:
        feature_extractor: A `keras.Model` mapping inputs to feature vectors (a backbone).
        num_classes: Number of classes (None for regression).
        losses: The adaptation losses, {name: AdaptationLoss | (AdaptationLoss, weight) |
            weight} (a bare weight builds the registered loss `name`, see
            `tftransfer.adaptation.names()`). None or {}: no adaptation (source-only).
        classifier: Optional head on the features; default a single Dense(num_classes) layer.
        bottleneck_units: Width of a Dense → BatchNorm → ReLU bottleneck between backbone and
            head (the adaptation features are its output); 0 for none.
        bottleneck_dropout: Dropout after the bottleneck.
        lambda_: λ >= 0, the trade-off of the adaptation losses.
        lambda_schedule: "constant" or "dann" (Ganin's ramp of ρ).
        target_weight: Weight of the labelled-target loss in semi-supervised training.
        freeze_depth: Layer groups of the backbone that stay trainable, counted from the
            top (`tftransfer.backbones.freezing`): an int, "all" (default) or "none".
        backbone_lr_multiplier: The backbone's learning rate is this times the head's
            (layer-wise learning rates; 0 leaves the backbone untouched).
        label_smoothing: Label smoothing of the cross-entropies.
        mixup: None, "source" (mixup within the labelled source batch, Zhang et al., "mixup:
            Beyond Empirical Risk Minimization", ICLR 2018: x̃ = μ x_i + (1 − μ) x_j,
            ỹ = μ y_i + (1 − μ) y_j, μ ~ Beta(α, α)) or "domains" (inter-domain mixup of a
            source with a target example, the target's label being the model's own
            prediction, without gradient). Adds the term `mixup_loss` = CE(C(B(F(x̃))), ỹ).
            The draws are per replica, so a mixup step on N replicas is not bit-equal to
            one on one device.
        mixup_alpha: α of the Beta distribution.
        seed: Seed of the mixup draws.
        batch_statistics: How the network's BatchNorm layers see a paired step's batches.
            "joint" (the engine's default, the reference codes' way; Deep CORAL's is
            "per_domain"): source and target pass through the network as one batch,
            normalised by their pooled statistics. "per_domain": each domain's batch passes
            on its own, so BatchNorm normalises it by that domain's statistics (the
            statistics of domain-specific BatchNorm, Chang, You, Seo, Kwak & Han, CVPR 2019,
            with γ and β shared): each normalised unit has the same batch
            mean and variance in both domains before its activation, a first-moment alignment
            that CORAL's covariance loss leaves out. The moving statistics that predict at
            test time are then updated by the source's and the target's batches in turn.
            Source-only steps (no target rows) are the same either way.
        task: "classification" (default) or "regression".
        num_outputs: Regression: the number of real-valued targets per example (default 1).
        regression_loss: Regression: "mse" (default) or "huber".
        huber_delta: Regression: δ > 0 of the Huber loss.

    Example:
        >>> from tftransfer import adaptation, backbones
        >>> fe = backbones.get("mlp", input_shape=(64,))
        >>> model = DomainAdaptationModel(fe, num_classes=10, losses={
        ...     "conditional_adversarial": adaptation.ConditionalAdversarialLoss(),
        ...     "class_confusion": (adaptation.ClassConfusionLoss(temperature=2.5), 1.0)},
        ...     lambda_schedule="dann")
        >>> model.compile(optimizer="adam")
        >>> model.fit(paired_ds, epochs=10, steps_per_epoch=20, validation_data=val_ds)
    """

    def __init__(self, feature_extractor: keras.Model, num_classes: Optional[int] = None,
                 losses=None, classifier: Optional[keras.layers.Layer] = None,
                 bottleneck_units: int = 0, bottleneck_dropout: float = 0.0,
                 lambda_: float = 1.0, lambda_schedule: str = "constant",
                 target_weight: float = 1.0, freeze_depth: FreezeDepth = "all",
                 backbone_lr_multiplier: float = 1.0, label_smoothing: float = 0.0,
                 mixup: Optional[str] = None, mixup_alpha: float = 0.2, seed: int = 0,
                 batch_statistics: str = "joint",
                 task: str = "classification", num_outputs: int = 1,
                 regression_loss: str = "mse", huber_delta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        if not isinstance(feature_extractor, keras.Model):
            raise TypeError(f"{owner}: `feature_extractor` must be a keras.Model. "
                            f"Received: {type(feature_extractor).__name__}")
        self.feature_extractor = feature_extractor
        self.task = check_choice(task, "task", TASKS, owner=owner)
        self.regression_loss = check_choice(regression_loss, "regression_loss", REGRESSION_LOSSES,
                                            owner=owner)
        self.huber_delta = check_float(huber_delta, "huber_delta", minimum=0.0, low_open=True,
                                       owner=owner)
        if self.task == "regression":
            if num_classes is not None:
                raise ValueError(f"{owner}: `num_classes` must be None with task='regression' "
                                 f"(set num_outputs). Received: num_classes={num_classes!r}")
            self.num_classes = None
            self.num_outputs = check_int(num_outputs, "num_outputs", minimum=1, owner=owner)
            if label_smoothing:
                raise ValueError(f"{owner}: `label_smoothing` must be 0 with task='regression' "
                                 f"(there are no labels to smooth). "
                                 f"Received: label_smoothing={label_smoothing!r}")
        else:
            self.num_classes = check_int(num_classes, "num_classes", minimum=2, owner=owner)
            self.num_outputs = self.num_classes
        terms = _normalise_losses(losses)
        if self.task == "regression":
            _refuse_prediction_losses(terms, owner)
        self.adaptation_names = [name for name, _, _ in terms]
        self.adaptation_losses = [loss for _, loss, _ in terms]
        self.adaptation_weights = [weight for _, _, weight in terms]
        self.bottleneck_units = check_int(bottleneck_units, "bottleneck_units", minimum=0, owner=owner)
        self.bottleneck_dropout = check_dropout(bottleneck_dropout, "bottleneck_dropout", owner=owner)
        self.bottleneck = (bottleneck_block(self.bottleneck_units, self.bottleneck_dropout)
                           if self.bottleneck_units else None)
        self.classifier = classifier if classifier is not None else keras.layers.Dense(
            self.num_outputs, name="classifier")
        self.lambda_schedule = check_choice(lambda_schedule, "lambda_schedule", LAMBDA_SCHEDULES,
                                            owner=owner)
        self.target_weight = check_non_negative(target_weight, "target_weight", owner=owner)
        self.backbone_lr_multiplier = check_non_negative(backbone_lr_multiplier,
                                                         "backbone_lr_multiplier", owner=owner)
        self.label_smoothing = check_non_negative(label_smoothing, "label_smoothing", owner=owner)
        self.mixup = check_choice(mixup, "mixup", MIXUP_MODES, owner=owner)
        self.mixup_alpha = check_non_negative(mixup_alpha, "mixup_alpha", owner=owner)
        self.seed = int(seed)
        self.batch_statistics = check_choice(batch_statistics, "batch_statistics", BATCH_STATISTICS,
                                             owner=owner)
        self.seed_generator = keras.random.SeedGenerator(self.seed) if mixup else None
        self.freeze_depth = freeze_depth
        apply_freeze_depth(feature_extractor, freeze_depth)
        self.lambda_ = keras.Variable(check_non_negative(lambda_, "lambda_", owner=owner),
                                      trainable=False, dtype="float32", name="lambda")
        # Progress p of the schedule = (optimizer steps - schedule_start) / schedule_steps.
        self.schedule_start = keras.Variable(0.0, trainable=False, dtype="float32",
                                             name="schedule_start")
        self.schedule_steps = keras.Variable(1.0, trainable=False, dtype="float32",
                                             name="schedule_steps")
        self.backbone_optimizer = None
        self.total_loss_tracker = keras.metrics.Mean(name="loss")
        self.task_loss_tracker = keras.metrics.Mean(name="task_loss")
        self.target_loss_tracker = keras.metrics.Mean(name="target_loss")
        self.adaptation_loss_tracker = keras.metrics.Mean(name="adaptation_loss")
        self.term_trackers = ([keras.metrics.Mean(name=f"{name}_loss") for name in self.adaptation_names]
                              if len(terms) > 1 else [])
        self.mixup_loss_tracker = keras.metrics.Mean(name="mixup_loss")
        self.accuracy_tracker = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
        # Regression reports these instead of accuracy (created only then: a classification
        # model's variables and metrics are exactly what they were before regression mode).
        self.regression_trackers = ([keras.metrics.MeanAbsoluteError(name="mae"),
                                     keras.metrics.RootMeanSquaredError(name="rmse"),
                                     R2(self.num_outputs, name="r2")]
                                    if self.task == "regression" else [])

    @property
    def uses_target(self) -> bool:
        """Whether training needs unlabelled target batches (it has adaptation losses or
        target-domain mixup)."""
        return bool(self.adaptation_losses) or self.mixup == "domains"

    # ----------------------------------------------------------------- subclass hooks
    def regularization_loss(self):
        """A weight penalty added to every step (e.g. L2-SP); a scalar or None."""
        return None

    # ----------------------------------------------------------------- Keras plumbing
    def build(self, input_shape):
        # fit() may build the model from the first element of a paired batch, (x_s, y_s).
        if isinstance(input_shape, (tuple, list)) and input_shape and isinstance(
                input_shape[0], (tuple, list)):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        if not self.feature_extractor.built:
            self.feature_extractor.build(input_shape)
        feature_shape = tuple(self.feature_extractor.compute_output_shape(input_shape))
        if self.bottleneck is not None:
            if not self.bottleneck.built:
                self.bottleneck.build(feature_shape)
            feature_shape = tuple(self.bottleneck.compute_output_shape(feature_shape))
        if not self.classifier.built:
            self.classifier.build(feature_shape)
        logits_shape = tuple(self.classifier.compute_output_shape(feature_shape))
        if logits_shape[-1] != self.num_outputs:
            if self.task == "regression":
                raise ValueError(f"the head outputs {logits_shape[-1]} values, "
                                 f"expected num_outputs={self.num_outputs}")
            raise ValueError(f"classifier outputs {logits_shape[-1]} logits, "
                             f"expected num_classes={self.num_classes}")
        for loss in self.adaptation_losses:
            if not loss.built:
                loss.build(feature_shape, feature_shape, logits_shape, logits_shape)
        self.built = True

    def embed(self, inputs, training=False):
        """The adaptation features f = B(F(x)) (the bottleneck's output, or the backbone's)."""
        features = self.feature_extractor(inputs, training=training)
        if self.bottleneck is not None:
            features = self.bottleneck(features, training=training)
        return features

    def call(self, inputs, training=False):
        if isinstance(inputs, (tuple, list)):
            inputs = inputs[0]
        return self.classifier(self.embed(inputs, training=training), training=training)

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """Like `keras.Model.compile`; the task loss is the method's own cross-entropy on logits.

        `loss` must be left unset; `metrics` may only name accuracy (it is always reported).
        A backbone optimizer is derived from `optimizer` when `backbone_lr_multiplier != 1`.
        """
        if loss is not None:
            raise ValueError(f"{type(self).__name__} defines its own losses; got loss={loss!r}. "
                             "Use lambda_ / target_weight / the losses' weights to weight the terms.")
        allowed = ({"mae", "rmse", "r2"} if self.task == "regression"
                   else {"accuracy", "acc", "sparse_categorical_accuracy"})
        if metrics and any(m not in allowed for m in metrics):
            raise ValueError(f"metrics may only be {sorted(allowed)} (always reported), got {metrics!r}")
        # Keras turns `jit_compile=True` off under op determinism, for the GPU's sake; on a
        # CPU-only machine the XLA steps are bit-reproducible (measured, RunConfig.xla), so
        # an explicit True is kept there.
        forced_xla = kwargs.get("jit_compile") is True and not tf.config.list_physical_devices("GPU")
        if forced_xla:
            kwargs["jit_compile"] = False  # Keras's own check would warn and refuse
        super().compile(optimizer=optimizer, **kwargs)
        self._forced_xla = forced_xla
        self.backbone_optimizer = None
        if self.backbone_lr_multiplier not in (0.0, 1.0):
            self.backbone_optimizer = scaled_optimizer(self.optimizer, self.backbone_lr_multiplier)

    @property
    def jit_compile(self):
        """Keras's `jit_compile`, True when `compile(jit_compile=True)` was kept on a
        CPU-only machine under op determinism (`compile`)."""
        return True if getattr(self, "_forced_xla", False) else keras.Model.jit_compile.fget(self)

    @jit_compile.setter
    def jit_compile(self, value):
        self._forced_xla = False
        keras.Model.jit_compile.fset(self, value)

    def get_compile_config(self):
        return {"optimizer": keras.optimizers.serialize(self.optimizer)} if self.compiled else None

    def compile_from_config(self, config):
        self.compile(optimizer=keras.optimizers.deserialize(config["optimizer"]))

    @property
    def metrics(self):
        if self.task == "regression":
            return [self.total_loss_tracker, self.task_loss_tracker, self.target_loss_tracker,
                    self.adaptation_loss_tracker, *self.term_trackers, self.mixup_loss_tracker,
                    *self.regression_trackers]
        return [self.total_loss_tracker, self.task_loss_tracker, self.target_loss_tracker,
                self.adaptation_loss_tracker, *self.term_trackers, self.mixup_loss_tracker,
                self.accuracy_tracker]

    # ----------------------------------------------------------------- schedules
    def set_schedule_steps(self, steps: int) -> None:
        """Starts the λ schedule: progress goes 0 -> 1 over the next `steps` optimizer steps.

        `fit` calls it with `epochs × steps_per_epoch` when it can tell the step count.
        """
        steps = check_int(steps, "steps", minimum=1, owner=type(self).__name__)
        start = float(self.optimizer.iterations.numpy()) if self.compiled else 0.0
        self.schedule_start.assign(start)
        self.schedule_steps.assign(float(steps))

    def progress(self):
        """Training progress p ∈ [0, 1] of the current schedule, as a tensor."""
        steps = tf.cast(self.optimizer.iterations, tf.float32) - self.schedule_start
        return tf.clip_by_value(steps / self.schedule_steps, 0.0, 1.0)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, **kwargs):
        """`keras.Model.fit`, after setting the schedule's step count from the arguments."""
        steps = _steps_per_epoch(x, batch_size, steps_per_epoch, validation_split)
        if steps is not None:
            self.set_schedule_steps(max(1, (epochs - initial_epoch) * steps))
        return super().fit(x, y, batch_size=batch_size, epochs=epochs, verbose=verbose,
                           callbacks=callbacks, validation_split=validation_split,
                           validation_data=validation_data, shuffle=shuffle,
                           class_weight=class_weight, sample_weight=sample_weight,
                           initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch, **kwargs)

    # ----------------------------------------------------------------- the engine
    def update_accuracy(self, y, logits, sample_weight=None):
        """Updates the `accuracy` metric (a hook for models whose labels are not one column);
        in regression the `mae`, `rmse` and `r2` metrics."""
        if self.task == "regression":
            y = self._as_targets(y)
            for tracker in self.regression_trackers:
                tracker.update_state(y, logits, sample_weight=sample_weight)
            return
        self.accuracy_tracker.update_state(y, logits, sample_weight=sample_weight)

    def _as_targets(self, y):
        """Regression targets as float32 (n, num_outputs)."""
        return tf.reshape(tf.cast(y, tf.float32), [-1, self.num_outputs])

    @staticmethod
    def _track(logs: dict, tracker: keras.metrics.Metric, value) -> None:
        """Adds `value` to `tracker` and reports the tracker's mean in `logs` under its name."""
        tracker.update_state(value)
        logs[tracker.name] = tracker.result()

    def _track_adaptation(self, logs: dict, adaptation, term_values) -> None:
        """Tracks the weighted adaptation loss and, with several terms, each term."""
        self._track(logs, self.adaptation_loss_tracker, adaptation)
        for tracker, value in zip(self.term_trackers, term_values):
            self._track(logs, tracker, value)

    def _metric_logs(self) -> dict:
        """The quality metrics of the logs: accuracy, or MAE, RMSE and R²."""
        if self.task == "regression":
            return {t.name: t.result() for t in self.regression_trackers}
        return {"accuracy": self.accuracy_tracker.result()}

    def _task_loss(self, y, outputs):
        """Per-example task loss: cross-entropy on logits, or the regression loss."""
        if self.task == "regression":
            return regression_loss(self.regression_loss, self.huber_delta)(
                self._as_targets(y), outputs)
        return self._cross_entropy(y, outputs)

    def _target_rows(self, y_t):
        """(labelled mask (n,) float32, labels safe to feed the loss) of semi-supervised
        target rows: y >= 0 for classes (-1 = unlabelled), finite for regression (NaN)."""
        if self.task == "regression":
            y_t = self._as_targets(y_t)
            finite = tf.reduce_all(tf.math.is_finite(y_t), axis=-1)
            return tf.cast(finite, tf.float32), tf.where(finite[:, None], y_t, tf.zeros_like(y_t))
        return tf.cast(y_t >= 0, tf.float32), tf.maximum(y_t, 0)

    def _cross_entropy(self, y, logits):
        y = tf.cast(y, tf.int32)
        if self.label_smoothing:
            onehot = tf.one_hot(y, self.num_classes)
            return keras.losses.categorical_crossentropy(
                onehot, logits, from_logits=True, label_smoothing=self.label_smoothing)
        return keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)

    def _adaptation(self, f_s, f_t, logits_s, logits_t, rho):
        """(Σ_k w_k D_k, the part of the objective it adds, per-term values) on the global batch."""
        gathered = [distribute.all_gather(t) for t in (f_s, f_t, logits_s, logits_t)]
        total_raw = objective = 0.0
        values = []
        for loss, weight in zip(self.adaptation_losses, self.adaptation_weights):
            if loss.reverses_gradient:
                value = loss(*gathered, ramp=rho, training=True)
                objective = objective + weight * value
            else:
                value = loss(*gathered, training=True)
                objective = objective + weight * rho * value
            values.append(value)
            total_raw = total_raw + weight * value
        return total_raw, self.lambda_ * objective, values

    def train_step(self, data):
        paired = isinstance(data, (tuple, list)) and len(data) == 2 and isinstance(
            data[0], (tuple, list)) and isinstance(data[1], (tuple, list))
        if paired:
            source, target = data
        else:
            source, target = keras.utils.unpack_x_y_sample_weight(data), ()
        x_s, y_s = source[0], source[1]
        w_s = source[2] if len(source) > 2 else None
        x_t = target[0] if len(target) > 0 else None
        y_t = target[1] if len(target) > 1 else None
        adapt = x_t is not None and bool(self.adaptation_losses)
        use_target_rows = adapt or y_t is not None or (self.mixup == "domains" and x_t is not None)
        replicas = distribute.num_replicas()
        rho = ramp(self.progress(), self.lambda_schedule)

        with tf.GradientTape() as tape:
            if use_target_rows and self.batch_statistics == "joint":
                # One pass over both domains: BatchNorm then normalises the joint batch.
                n_s = tf.shape(x_s)[0]
                features = self.embed(tf.concat([x_s, x_t], 0), training=True)
                logits = self.classifier(features, training=True)
                f_s, f_t = features[:n_s], features[n_s:]
                logits_s, logits_t = logits[:n_s], logits[n_s:]
            else:  # the source alone, then (per_domain) the target on its own
                f_s = self.embed(x_s, training=True)
                logits_s = self.classifier(f_s, training=True)
                f_t = self.embed(x_t, training=True) if use_target_rows else None
                logits_t = self.classifier(f_t, training=True) if use_target_rows else None
            task_loss = distribute.global_mean(self._task_loss(y_s, logits_s), w_s)
            total = task_loss
            target_loss = adaptation = None
            if y_t is not None:
                labelled, y_t_safe = self._target_rows(y_t)
                per_example = self._task_loss(y_t_safe, logits_t)
                target_loss = distribute.global_mean(
                    per_example, labelled, normalizer=distribute.global_sum(tf.reduce_sum(labelled)))
                total = total + self.target_weight * target_loss
            if adapt:
                adaptation, objective, term_values = self._adaptation(f_s, f_t, logits_s, logits_t, rho)
                total = total + objective / replicas
            mixup_loss = self._mixup_loss(x_s, y_s, x_t, logits_t) if self.mixup else None
            if mixup_loss is not None:
                total = total + mixup_loss
            regularization = self.regularization_loss()
            if regularization is not None:
                total = total + regularization / replicas

        self._apply_gradients(tape, total)

        # Reported values are the global ones (shares times the number of replicas).
        self.total_loss_tracker.update_state(total * replicas)
        self.task_loss_tracker.update_state(task_loss * replicas)
        self.update_accuracy(y_s, logits_s, w_s)
        logs = {"loss": self.total_loss_tracker.result(),
                "task_loss": self.task_loss_tracker.result()}
        if target_loss is not None:
            self._track(logs, self.target_loss_tracker, target_loss * replicas)
        if adaptation is not None:
            self._track_adaptation(logs, adaptation, term_values)
        if mixup_loss is not None:
            self._track(logs, self.mixup_loss_tracker, mixup_loss * replicas)
        logs.update(self._metric_logs())
        logs["lambda"] = self.lambda_ * rho
        return logs

    def _mixup_loss(self, x_s, y_s, x_t, logits_t):
        """This replica's share of the mixup term (None when the batch cannot be mixed)."""
        n = tf.shape(x_s)[0]
        mu = keras.random.beta((n,), self.mixup_alpha, self.mixup_alpha, seed=self.seed_generator)
        mu_x = tf.reshape(mu, tf.concat([[-1], tf.ones([tf.rank(x_s) - 1], tf.int32)], 0))
        regression = self.task == "regression"
        # Regression mixes the targets themselves (and a target's prediction, not softmax).
        y_mix = (self._as_targets(y_s) if regression
                 else tf.one_hot(tf.cast(y_s, tf.int32), self.num_classes))
        if self.mixup == "source":
            order = keras.random.shuffle(tf.range(n), seed=self.seed_generator)
            partner_x, partner_y = tf.gather(x_s, order), tf.gather(y_mix, order)
        elif x_t is not None and logits_t is not None:
            partner_y = logits_t if regression else tf.nn.softmax(logits_t)
            partner_x, partner_y = x_t, tf.stop_gradient(partner_y)
        else:
            return None
        mixed = mu_x * x_s + (1.0 - mu_x) * partner_x
        labels = mu[:, None] * y_mix + (1.0 - mu[:, None]) * partner_y
        logits = self.classifier(self.embed(mixed, training=True), training=True)
        if regression:
            return distribute.global_mean(self._task_loss(labels, logits))
        return distribute.global_mean(
            keras.losses.categorical_crossentropy(labels, logits, from_logits=True))

    def _optimizer_groups(self, items, variable_of=lambda item: item):
        """`items` (variables, or (gradient, variable) pairs) split per optimizer."""
        backbone_ids = {id(v) for v in self.feature_extractor.trainable_variables}
        if self.backbone_lr_multiplier == 0.0:
            items = [i for i in items if id(variable_of(i)) not in backbone_ids]
        if self.backbone_optimizer is None:
            return [(self.optimizer, list(items))]
        return [(self.optimizer, [i for i in items if id(variable_of(i)) not in backbone_ids]),
                (self.backbone_optimizer, [i for i in items if id(variable_of(i)) in backbone_ids])]

    def _apply_gradients(self, tape, total):
        variables = [v for _, group in self._optimizer_groups(self.trainable_variables) for v in group]
        # Layers a batch does not reach (a discriminator on plain labelled batches) get None.
        pairs = [(g, v) for g, v in zip(tape.gradient(total, variables), variables) if g is not None]
        for optimizer, group in self._optimizer_groups(pairs, variable_of=lambda pair: pair[1]):
            if group:
                optimizer.apply(*zip(*group))

    def build_optimizers(self):
        """Creates the optimizers' variables now, eagerly.

        Left to the first `optimizer.apply`, they would be created inside the traced train
        step, and `tf.function` traces a function that creates variables twice (about 0.4 s
        per run for the MLP on Office-Caltech). Optimizers that are already built are kept.
        """
        with self.distribute_strategy.scope():
            for optimizer, group in self._optimizer_groups(self.trainable_variables):
                if group and not optimizer.built:
                    optimizer.build(group)

    def test_step(self, data):
        x, y, w = keras.utils.unpack_x_y_sample_weight(data)
        logits = self(x, training=False)
        self.total_loss_tracker.update_state(self._task_loss(y, logits), sample_weight=w)
        self.update_accuracy(y, logits, w)
        return {"loss": self.total_loss_tracker.result(), **self._metric_logs()}

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate`; under a multi-worker strategy, `distributed_loop.evaluate`.

        Multi-worker evaluation takes a `tf.data.Dataset` of labelled batches and returns the
        logs dict (as with `return_dict=True`); `verbose` is accepted and ignored there.
        """
        if not distribute.is_multi_worker(self.distribute_strategy):
            return super().evaluate(x, y, *args, **kwargs)
        unsupported = sorted(set(kwargs) - {"verbose", "return_dict"})
        if y is not None or args or unsupported:
            raise ValueError("under MultiWorkerMirroredStrategy evaluate takes only a dataset, "
                             f"verbose and return_dict; got y={y!r}, {len(args)} positional "
                             f"extras and {unsupported}")
        logs = distributed_loop.evaluate(self, x)
        return logs if kwargs.get("return_dict") else [logs[name] for name in logs]

    # ----------------------------------------------------------------- serialization
    def get_config(self):
        return {
            "name": self.name,
            "feature_extractor": keras.saving.serialize_keras_object(self.feature_extractor),
            "num_classes": self.num_classes,
            "losses": [[name, keras.saving.serialize_keras_object(loss), weight]
                       for name, loss, weight in zip(self.adaptation_names, self.adaptation_losses,
                                                     self.adaptation_weights)],
            "classifier": keras.saving.serialize_keras_object(self.classifier),
            "bottleneck_units": self.bottleneck_units,
            "bottleneck_dropout": self.bottleneck_dropout,
            "lambda_": float(keras.ops.convert_to_numpy(self.lambda_.value)),
            "lambda_schedule": self.lambda_schedule,
            "target_weight": self.target_weight,
            "freeze_depth": self.freeze_depth,
            "backbone_lr_multiplier": self.backbone_lr_multiplier,
            "label_smoothing": self.label_smoothing,
            "mixup": self.mixup,
            "mixup_alpha": self.mixup_alpha,
            "seed": self.seed,
            "batch_statistics": self.batch_statistics,
            **({"task": self.task, "num_outputs": self.num_outputs,
                "regression_loss": self.regression_loss, "huber_delta": self.huber_delta}
               if self.task == "regression" else {}),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("feature_extractor", "classifier"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        if config.get("losses"):
            config["losses"] = {name: (keras.saving.deserialize_keras_object(loss), weight)
                                for name, loss, weight in config["losses"]}
        return cls(**config)


def _refuse_prediction_losses(terms, owner: str) -> None:
    """Regression has no class probabilities: losses that read them cannot be used."""
    refused = [f"{name} ({type(loss).__name__})" for name, loss, _ in terms
               if loss.uses_predictions]
    if refused:
        usable = [n for n in ADAPTATION_LOSSES.names()
                  if not ADAPTATION_LOSSES.get(n).uses_predictions]
        raise ValueError(
            f"{owner}: with task='regression' every adaptation loss must be defined on the "
            f"features: {', '.join(refused)} read class probabilities (uses_predictions=True: "
            f"CDAN, MCC, MDD and entropy need a classifier). Usable for regression: "
            f"{', '.join(usable)}. Received: losses={[t[0] for t in terms]}")


def _steps_per_epoch(x, batch_size, steps_per_epoch, validation_split) -> Optional[int]:
    """The steps of one `fit` epoch when they can be told before fitting, else None."""
    if steps_per_epoch is not None:
        return int(steps_per_epoch)
    if isinstance(x, tf.data.Dataset):
        cardinality = int(x.cardinality().numpy())
        return cardinality if cardinality > 0 else None
    if isinstance(x, np.ndarray) or hasattr(x, "shape"):
        n = int(x.shape[0] * (1.0 - validation_split))
        return max(1, math.ceil(n / (batch_size or 32)))
    return None
