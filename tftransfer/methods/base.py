"""The one training engine every deep method runs on."""

from __future__ import annotations

import math
from typing import Optional

import keras
import tensorflow as tf

from tftransfer import distribute, distributed_loop
from tftransfer.backbones.freezing import FreezeDepth, apply_freeze_depth
from tftransfer.data.pipeline import labelled_dataset, paired_dataset, steps_per_epoch
from tftransfer.optimizers import scaled_optimizer


MIXUP_MODES = (None, "source", "domains")


def _check_non_negative(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a real number >= 0, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


@keras.saving.register_keras_serializable(package="tftransfer")
class DomainAdaptationModel(keras.Model):
    """A feature extractor F and a classifier C trained on source labels plus an adaptation loss.

    The objective of one step (semi-supervised form, the unsupervised one has no L_t):

        L = L_s(C(F(x_s)), y_s) + target_weight · L_t(C(F(x_t)), y_t) + λ · D(F(x_s), F(x_t))

    where L_s, L_t are cross-entropies averaged over the global batch (L_t over the labelled
    target examples only), and D is `adaptation_loss`, which subclasses define (DANN: domain
    discriminator through gradient reversal, DAN: MK-MMD, Deep CORAL: CORAL, ...). `λ` is the
    non-trainable variable `model.lambda_`, which callbacks may assign during fit.

    `train_step` accepts
      * `((x_s, y_s), (x_t,))` — unsupervised domain adaptation;
      * `((x_s, y_s), (x_t, y_t))` — semi-supervised, `y_t == -1` marks unlabelled targets;
      * `((x_s, y_s, w_s), ...)` — per-example source weights (importance weighting);
      * `(x, y)` or `(x, y, w)` — a plain labelled batch (no adaptation term).
    `test_step` takes one labelled set `(x, y[, w])` and reports `loss` and `accuracy`.

    Every loss term is reported as a metric (`task_loss`, `target_loss`, `adaptation_loss`,
    `loss` = the total) together with `accuracy` on the source batch and the current `lambda`.
    The classifier outputs logits.

    Distribution: correct under `tf.distribute` (see `tftransfer.distribute`): per-example
    losses are averaged over the global batch and the adaptation loss sees the features of
    the whole global batch, so 2 replicas take the same step as 1 device.

    Args:
        feature_extractor: A `keras.Model` mapping inputs to feature vectors (a backbone).
        num_classes: Number of classes.
        classifier: Optional head on the features; default a single Dense(num_classes) layer.
        lambda_: Initial weight λ >= 0 of the adaptation loss.
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
            prediction, without gradient). Adds the term `mixup_loss` = CE(C(F(x̃)), ỹ).
            The draws are per replica, so a mixup step on N replicas is not bit-equal to
            one on one device.
        mixup_alpha: α of the Beta distribution.
        seed: Seed of the mixup draws.

    Example:
        >>> fe = tftransfer.backbones.get("mlp", input_shape=(64,))
        >>> model = tftransfer.methods.get("dann")(fe, num_classes=10, lambda_=0.5)
        >>> model.compile(optimizer="adam")
        >>> model.fit(paired_ds, epochs=10, steps_per_epoch=20, validation_data=val_ds)
    """

    #: Whether the adaptation loss needs target batches (source-only methods skip them).
    uses_target: bool = True
    #: Which target labels the method's recipe reads: "none", "few" or "all" (oracle).
    target_labels: str = "none"
    #: Default λ schedule used by the runner: "constant" or "dann" (Ganin et al.).
    default_lambda_schedule: str = "constant"

    def __init__(self, feature_extractor: keras.Model, num_classes: int,
                 classifier: Optional[keras.layers.Layer] = None, lambda_: float = 1.0,
                 target_weight: float = 1.0, freeze_depth: FreezeDepth = "all",
                 backbone_lr_multiplier: float = 1.0, label_smoothing: float = 0.0,
                 mixup: Optional[str] = None, mixup_alpha: float = 0.2, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(feature_extractor, keras.Model):
            raise TypeError(
                f"feature_extractor must be a keras.Model, got {type(feature_extractor).__name__}")
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError(f"num_classes must be an int >= 2, got {num_classes!r}")
        self.feature_extractor = feature_extractor
        self.num_classes = num_classes
        self.classifier = classifier if classifier is not None else keras.layers.Dense(
            num_classes, name="classifier")
        self.target_weight = _check_non_negative("target_weight", target_weight)
        self.backbone_lr_multiplier = _check_non_negative("backbone_lr_multiplier",
                                                          backbone_lr_multiplier)
        self.label_smoothing = _check_non_negative("label_smoothing", label_smoothing)
        if mixup not in MIXUP_MODES:
            raise ValueError(f"Unknown mixup {mixup!r}. Valid: {', '.join(map(repr, MIXUP_MODES))}")
        self.mixup = mixup
        self.mixup_alpha = _check_non_negative("mixup_alpha", mixup_alpha)
        self.seed = int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed) if mixup else None
        self.freeze_depth = freeze_depth
        apply_freeze_depth(feature_extractor, freeze_depth)
        self.lambda_ = keras.Variable(_check_non_negative("lambda_", lambda_), trainable=False,
                                      dtype="float32", name="lambda")
        self.backbone_optimizer = None
        self.total_loss_tracker = keras.metrics.Mean(name="loss")
        self.task_loss_tracker = keras.metrics.Mean(name="task_loss")
        self.target_loss_tracker = keras.metrics.Mean(name="target_loss")
        self.adaptation_loss_tracker = keras.metrics.Mean(name="adaptation_loss")
        self.mixup_loss_tracker = keras.metrics.Mean(name="mixup_loss")
        self.accuracy_tracker = keras.metrics.SparseCategoricalAccuracy(name="accuracy")

    # ----------------------------------------------------------------- subclass hooks
    def build_adaptation(self, feature_shape, logits_shape) -> None:
        """Creates the method's own layers (e.g. a discriminator) from the feature shape."""

    def adaptation_loss(self, features_s, features_t, logits_s, logits_t):
        """The discrepancy D between domains on the GLOBAL batch; a scalar. Default: none."""
        return None

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
        if not self.classifier.built:
            self.classifier.build(feature_shape)
        logits_shape = tuple(self.classifier.compute_output_shape(feature_shape))
        if logits_shape[-1] != self.num_classes:
            raise ValueError(f"classifier outputs {logits_shape[-1]} logits, "
                             f"expected num_classes={self.num_classes}")
        self.build_adaptation(feature_shape, logits_shape)
        self.built = True

    def call(self, inputs, training=False):
        if isinstance(inputs, (tuple, list)):
            inputs = inputs[0]
        return self.classifier(self.feature_extractor(inputs, training=training), training=training)

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """Like `keras.Model.compile`; the task loss is the method's own cross-entropy on logits.

        `loss` must be left unset; `metrics` may only name accuracy (it is always reported).
        A backbone optimizer is derived from `optimizer` when `backbone_lr_multiplier != 1`.
        """
        if loss is not None:
            raise ValueError(f"{type(self).__name__} defines its own losses; got loss={loss!r}. "
                             "Use lambda_ / target_weight to weight the terms.")
        allowed = {"accuracy", "acc", "sparse_categorical_accuracy"}
        if metrics and any(m not in allowed for m in metrics):
            raise ValueError(f"metrics may only be {sorted(allowed)} (always reported), got {metrics!r}")
        super().compile(optimizer=optimizer, **kwargs)
        self.backbone_optimizer = None
        if self.backbone_lr_multiplier not in (0.0, 1.0):
            self.backbone_optimizer = scaled_optimizer(self.optimizer, self.backbone_lr_multiplier)

    def get_compile_config(self):
        return {"optimizer": keras.optimizers.serialize(self.optimizer)} if self.compiled else None

    def compile_from_config(self, config):
        self.compile(optimizer=keras.optimizers.deserialize(config["optimizer"]))

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.task_loss_tracker, self.target_loss_tracker,
                self.adaptation_loss_tracker, self.mixup_loss_tracker, self.accuracy_tracker]

    # ----------------------------------------------------------------- the engine
    def update_accuracy(self, y, logits, sample_weight=None):
        """Updates the `accuracy` metric (a hook for models whose labels are not one column)."""
        self.accuracy_tracker.update_state(y, logits, sample_weight=sample_weight)

    def _cross_entropy(self, y, logits):
        y = tf.cast(y, tf.int32)
        if self.label_smoothing:
            onehot = tf.one_hot(y, self.num_classes)
            return keras.losses.categorical_crossentropy(
                onehot, logits, from_logits=True, label_smoothing=self.label_smoothing)
        return keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)

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
        adapt = x_t is not None and self.uses_target
        use_target_rows = adapt or y_t is not None or (self.mixup == "domains" and x_t is not None)
        replicas = distribute.num_replicas()

        with tf.GradientTape() as tape:
            if use_target_rows:
                # One pass over both domains: BatchNorm then normalises the joint batch.
                n_s = tf.shape(x_s)[0]
                features = self.feature_extractor(tf.concat([x_s, x_t], 0), training=True)
                logits = self.classifier(features, training=True)
                f_s, f_t = features[:n_s], features[n_s:]
                logits_s, logits_t = logits[:n_s], logits[n_s:]
            else:
                f_s = self.feature_extractor(x_s, training=True)
                logits_s = self.classifier(f_s, training=True)
                logits_t = None
            task_loss = distribute.global_mean(self._cross_entropy(y_s, logits_s), w_s)
            total = task_loss
            target_loss = adaptation = None
            if y_t is not None:
                labelled = tf.cast(y_t >= 0, tf.float32)
                per_example = self._cross_entropy(tf.maximum(y_t, 0), logits_t)
                target_loss = distribute.global_mean(
                    per_example, labelled, normalizer=distribute.global_sum(tf.reduce_sum(labelled)))
                total = total + self.target_weight * target_loss
            if adapt:
                adaptation = self.adaptation_loss(
                    distribute.all_gather(f_s), distribute.all_gather(f_t),
                    distribute.all_gather(logits_s), distribute.all_gather(logits_t))
                if adaptation is not None:
                    total = total + self.lambda_ * adaptation / replicas
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
            self.target_loss_tracker.update_state(target_loss * replicas)
            logs["target_loss"] = self.target_loss_tracker.result()
        if adaptation is not None:
            self.adaptation_loss_tracker.update_state(adaptation)
            logs["adaptation_loss"] = self.adaptation_loss_tracker.result()
        if mixup_loss is not None:
            self.mixup_loss_tracker.update_state(mixup_loss * replicas)
            logs["mixup_loss"] = self.mixup_loss_tracker.result()
        logs["accuracy"] = self.accuracy_tracker.result()
        logs["lambda"] = tf.identity(self.lambda_.value)
        return logs

    def _mixup_loss(self, x_s, y_s, x_t, logits_t):
        """This replica's share of the mixup term (None when the batch cannot be mixed)."""
        n = tf.shape(x_s)[0]
        mu = keras.random.beta((n,), self.mixup_alpha, self.mixup_alpha, seed=self.seed_generator)
        mu_x = tf.reshape(mu, tf.concat([[-1], tf.ones([tf.rank(x_s) - 1], tf.int32)], 0))
        y_one_hot = tf.one_hot(tf.cast(y_s, tf.int32), self.num_classes)
        if self.mixup == "source":
            order = keras.random.shuffle(tf.range(n), seed=self.seed_generator)
            partner_x, partner_y = tf.gather(x_s, order), tf.gather(y_one_hot, order)
        elif x_t is not None and logits_t is not None:
            partner_x, partner_y = x_t, tf.stop_gradient(tf.nn.softmax(logits_t))
        else:
            return None
        mixed = mu_x * x_s + (1.0 - mu_x) * partner_x
        labels = mu[:, None] * y_one_hot + (1.0 - mu[:, None]) * partner_y
        logits = self.classifier(self.feature_extractor(mixed, training=True), training=True)
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
        self.total_loss_tracker.update_state(self._cross_entropy(y, logits), sample_weight=w)
        self.update_accuracy(y, logits, w)
        return {"loss": self.total_loss_tracker.result(), "accuracy": self.accuracy_tracker.result()}

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

    # ----------------------------------------------------------------- training recipe
    def fit_task(self, task, *, epochs: int, batch_size: int, seed: int,
                 target_labels_per_class: int = 0, source_weights=None, callbacks=None, verbose=0):
        """Trains on a `TransferTask` with this method's recipe; returns the `History`.

        The default recipe pairs labelled source batches with unlabelled target batches
        (with `target_labels_per_class` revealed target labels, semi-supervised) for `epochs`
        passes over the larger domain, validating on the source validation split. Target
        test labels are never seen here. `source_weights` (one per source training example,
        e.g. importance weights) weight the source loss.
        """
        x_s, y_s = task.source_train.x, task.source_train.y
        y_t = (task.target_partial_labels(target_labels_per_class, seed)
               if target_labels_per_class > 0 else None)
        if self.uses_target or y_t is not None:
            data = paired_dataset(x_s, y_s, task.target_train.x, y_t, batch_size=batch_size, seed=seed,
                                  source_weight=source_weights)
            steps = steps_per_epoch(len(x_s), task.target_train.n, batch_size)
        else:
            data = labelled_dataset(x_s, y_s, batch_size=batch_size, shuffle=True, seed=seed,
                                    repeat=True, drop_remainder=True, sample_weight=source_weights)
            steps = steps_per_epoch(len(x_s), 0, batch_size)
        return self._fit_steps(data, steps, task, epochs=epochs, batch_size=batch_size,
                               callbacks=callbacks, verbose=verbose)

    def _fit_steps(self, data, steps, task, *, epochs, batch_size, callbacks, verbose):
        val = labelled_dataset(task.source_val.x, task.source_val.y, batch_size=batch_size)
        if not self.built:
            self.build((None,) + tuple(task.input_shape))
        self.build_optimizers()
        if distribute.is_multi_worker(self.distribute_strategy):
            # Model.fit fails under MultiWorkerMirroredStrategy (Keras 3.15): same step, own loop.
            return distributed_loop.fit(self, data, epochs=epochs, steps_per_epoch=steps,
                                        validation_data=val, callbacks=callbacks, verbose=verbose)
        return self.fit(data, epochs=epochs, steps_per_epoch=steps, validation_data=val,
                        callbacks=callbacks, verbose=verbose, shuffle=False)

    # ----------------------------------------------------------------- serialization
    def get_config(self):
        return {
            "name": self.name,
            "feature_extractor": keras.saving.serialize_keras_object(self.feature_extractor),
            "num_classes": self.num_classes,
            "classifier": keras.saving.serialize_keras_object(self.classifier),
            "lambda_": float(keras.ops.convert_to_numpy(self.lambda_.value)),
            "target_weight": self.target_weight,
            "freeze_depth": self.freeze_depth,
            "backbone_lr_multiplier": self.backbone_lr_multiplier,
            "label_smoothing": self.label_smoothing,
            "mixup": self.mixup,
            "mixup_alpha": self.mixup_alpha,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("feature_extractor", "classifier"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
