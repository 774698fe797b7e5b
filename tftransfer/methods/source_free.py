"""Source-free adaptation on the engine: a model trained on the source, then adapted on
unlabelled target batches alone."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Mapping, Optional

import keras
import numpy as np
import tensorflow as tf

from tftransfer import distribute
from tftransfer._checks import (check_bool, check_choice, check_dropout, check_int,
                                check_non_negative)
from tftransfer.adaptation import ClassConfusionLoss, EntropyLoss
from tftransfer.adaptation.information_maximization import InformationMaximizationLoss
from tftransfer.backbones.files import symbolic_inputs
from tftransfer.layers import PhiloxDropout
from tftransfer.methods.base import DomainAdaptationModel
from tftransfer.methods.method import Method
from tftransfer.methods.recipe import Recipe
from tftransfer.schedules import AnnealedLearningRate

#: Adaptation losses that read only the target arguments, so the adaptation step can run
#: with no source batch at all.
SOURCE_FREE_LOSSES = (InformationMaximizationLoss, EntropyLoss, ClassConfusionLoss)


#: The data protocol of every source-free method (`tftransfer.training.source_free`).
SOURCE_FREE_PROTOCOL = "source_free"
#: Which source model a source-free adaptation starts from (`SourceFreeModel.source_selection`).
SOURCE_SELECTIONS = ("last", "best_source_val")


@dataclass(frozen=True)
class SourceFreeMethod(Method):
    """A `Method` whose training is source-free: a source phase on the labelled source, then
    an adaptation phase that receives the unlabelled target inputs only
    (`tftransfer.training.source_free.fit_source_free`). Its model class is a
    `SourceFreeModel`; reads no target label."""

    protocol: str = SOURCE_FREE_PROTOCOL
    model_class: type = None

    def __post_init__(self):
        owner = f"Method {self.name!r}"
        check_choice(self.protocol, "protocol", (SOURCE_FREE_PROTOCOL,), owner=owner)
        check_choice(self.target_labels, "target_labels", ("none",), owner=owner)
        model_class = self.model_class
        if not (isinstance(model_class, type) and issubclass(model_class, SourceFreeModel)):
            raise TypeError(f"{owner}: `model_class` must be a SourceFreeModel subclass. "
                            f"Received: model_class={self.model_class!r}")


def linear_bottleneck(units: int, dropout: float = 0.0,
                      name: str = "bottleneck") -> keras.Sequential:
    """Dense(units) → BatchNorm (→ Dropout), no ReLU: SHOT's bottleneck (`feat_bottleneck`
    with type "bn" in the authors' code). Dense without bias: the BatchNorm's β replaces it."""
    layers = [keras.layers.Dense(units, use_bias=False, name=f"{name}_dense"),
              keras.layers.BatchNormalization(momentum=0.9, synchronized=True, name=f"{name}_bn")]
    if dropout:
        layers.append(PhiloxDropout(dropout, name=f"{name}_dropout"))
    return keras.Sequential(layers, name=name)


class _PseudoLabels:
    """The per-example target pseudo-labels, in a variable the model's weights do not include
    (its size is the target set's: a saved model must not depend on it)."""

    def __init__(self, size: int):
        self.variable = tf.Variable(tf.zeros([size], tf.int32), trainable=False,
                                    name="pseudo_labels")


@keras.saving.register_keras_serializable(package="tftransfer")
class SourceFreeModel(DomainAdaptationModel):
    """One network, two phases: trained on the labelled source, then adapted on unlabelled
    target batches with no source data.

    Source phase: the engine's step on labelled source batches `(x, y)` (the source-only
    model's training). Adaptation phase (after `start_adaptation`): `adaptation_step` on
    target-only batches `(x_t, i)`, i the index of each example in the target set (for its
    pseudo-label). The adaptation objective, on the global target batch:

        L = λ Σ_k w_k D_k(f_t, C(f_t)) + β · CE(C(f_t), ŷ_t)

    with f_t = B(F(x_t)), D_k the model's adaptation losses (each reads only the target
    arguments: `SOURCE_FREE_LOSSES`), ŷ_t the pseudo-labels set by `set_pseudo_labels`
    (β = `pseudo_label_weight`; 0: none), minimised over `adaptation_variables()` only —
    everything else keeps its source-trained value bit for bit. Methods that re-estimate
    BatchNorm statistics (`reestimates_statistics`) end the adaptation with AdaBN on the
    target set; `takes_gradient_steps = False` makes that the whole adaptation (AdaBN).

    Training on a `TransferTask` is `tftransfer.training.source_free.fit_source_free`; from
    an already trained source model, `adapt_source_model` (via `from_source_model`).

    Args:
        feature_extractor, num_classes, losses, classifier, **kwargs: see
            `DomainAdaptationModel`.
        bottleneck_units: Width of the bottleneck (0: none).
        bottleneck_dropout: Dropout after it.
        bottleneck_relu: The engine's Dense → BatchNorm → ReLU block (True) or SHOT's linear
            Dense → BatchNorm (False).
        pseudo_label_weight: β, weight of the pseudo-label cross-entropy.
        source_epochs: Epochs of the source phase (None: the run's).
        adaptation_epochs: Epochs of the adaptation phase (None: the run's).
        adaptation_recipe: Recipe fields of the adaptation optimizer (`Recipe`); None: the
            recipe the model was compiled with, its schedule spanning the adaptation steps.
        statistics_batch_size: Batch size of the final AdaBN pass (None: the whole target set
            in one batch, exact; see `tftransfer.test_time.reestimate_batch_norm`).
        source_selection: Which source model the adaptation starts from: "last" (the end of
            the source phase) or "best_source_val" (the epoch with the best accuracy on the
            labelled source validation split, as SHOT's reference code keeps; honest: no
            target label is read).
    """

    #: Whether the adaptation takes gradient steps (False: BatchNorm statistics only).
    takes_gradient_steps = True
    #: Whether the adaptation ends with re-estimating BatchNorm statistics on the target.
    reestimates_statistics = False

    def __init__(self, feature_extractor, num_classes, losses=None, classifier=None,
                 bottleneck_units: int = 0, bottleneck_dropout: float = 0.0,
                 bottleneck_relu: bool = True, pseudo_label_weight: float = 0.0,
                 source_epochs: Optional[int] = None, adaptation_epochs: Optional[int] = None,
                 adaptation_recipe: Optional[Mapping[str, Any]] = None,
                 statistics_batch_size: Optional[int] = 1024, source_selection: str = "last",
                 **kwargs):
        owner = type(self).__name__
        relu = check_bool(bottleneck_relu, "bottleneck_relu", owner=owner)
        # The engine's block is made by the engine, in its order (bottleneck, then head), so a
        # source phase with the same seed trains the very source_only model.
        super().__init__(feature_extractor, num_classes, losses=losses, classifier=classifier,
                         bottleneck_units=bottleneck_units if relu else 0,
                         bottleneck_dropout=bottleneck_dropout if relu else 0.0, **kwargs)
        if getattr(self, "task", "classification") != "classification":
            raise ValueError(f"{owner}: source-free adaptation needs class predictions (its "
                             "losses and pseudo-labels are on them). Received: "
                             f"task={self.task!r}")
        for name, loss in zip(self.adaptation_names, self.adaptation_losses):
            if not isinstance(loss, SOURCE_FREE_LOSSES):
                raise ValueError(f"{owner}: loss {name!r} ({type(loss).__name__}) reads source "
                                 "features or predictions; a source-free adaptation takes only "
                                 f"{', '.join(c.__name__ for c in SOURCE_FREE_LOSSES)}")
        self.bottleneck_units = check_int(bottleneck_units, "bottleneck_units", minimum=0,
                                          owner=owner)
        self.bottleneck_dropout = check_dropout(bottleneck_dropout, "bottleneck_dropout", owner=owner)
        self.bottleneck_relu = relu
        if self.bottleneck_units and not relu:
            self.bottleneck = linear_bottleneck(self.bottleneck_units, self.bottleneck_dropout)
        self.pseudo_label_weight = check_non_negative(pseudo_label_weight, "pseudo_label_weight",
                                                      owner=owner)
        self.source_epochs = check_int(source_epochs, "source_epochs", minimum=0,
                                       allow_none=True, owner=owner)
        self.adaptation_epochs = check_int(adaptation_epochs, "adaptation_epochs", minimum=0,
                                           allow_none=True, owner=owner)
        self.adaptation_recipe = dict(adaptation_recipe) if adaptation_recipe else None
        if self.adaptation_recipe is not None:
            Recipe().updated(self.adaptation_recipe)  # unknown or bad fields fail here
        self.statistics_batch_size = check_int(statistics_batch_size, "statistics_batch_size",
                                               minimum=1, allow_none=True, owner=owner)
        self.source_selection = check_choice(source_selection, "source_selection",
                                             SOURCE_SELECTIONS, owner=owner)
        self.adapting = False
        self._pseudo_labels = None
        self.source_history = self.adaptation_history = None
        self.pseudo_label_loss_tracker = keras.metrics.Mean(name="pseudo_label_loss")

    # ------------------------------------------------------------------ what adapts
    @property
    def uses_pseudo_labels(self) -> bool:
        return self.pseudo_label_weight > 0

    def adaptation_variables(self) -> list:
        """The variables the adaptation trains (default: F and B; the classifier is frozen)."""
        variables = list(self.feature_extractor.trainable_variables)
        if self.bottleneck is not None:
            variables += self.bottleneck.trainable_variables
        return variables

    def adaptation_context(self):
        """The context the adaptation phase trains in (e.g. BatchNorm on batch statistics)."""
        return contextlib.nullcontext()

    @property
    def metrics(self):
        return [*super().metrics, self.pseudo_label_loss_tracker]

    # ------------------------------------------------------------------ phases
    def adaptation_optimizer(self, total_steps: int) -> keras.optimizers.Optimizer:
        """A new optimizer for `total_steps` adaptation steps: `adaptation_recipe`'s, else a
        copy of the compiled one with its learning-rate schedule spanning these steps."""
        if self.adaptation_recipe is not None:
            return Recipe().updated(self.adaptation_recipe).build_optimizer(
                total_steps, fused=self.jit_compile is not True)
        if not self.compiled:
            raise ValueError(f"{type(self).__name__}: compile the model (the source recipe) "
                             "or set adaptation_recipe before adapting")
        return rescheduled_copy(self.optimizer, total_steps)

    def start_adaptation(self, optimizer: keras.optimizers.Optimizer, num_target: int) -> None:
        """Switches to the adaptation phase: `optimizer` for `adaptation_variables()` only,
        a pseudo-label slot per target example (when β > 0)."""
        num_target = check_int(num_target, "num_target", minimum=1, owner=type(self).__name__)
        self.adapting = True
        self.compile(optimizer=optimizer, jit_compile=self.jit_compile)
        if self.uses_pseudo_labels:
            with self.distribute_strategy.scope():
                self._pseudo_labels = _PseudoLabels(num_target)
        with self.distribute_strategy.scope():
            for opt, group in self._optimizer_groups(self.adaptation_variables()):
                if group and not opt.built:
                    opt.build(group)

    def set_pseudo_labels(self, labels) -> None:
        """The pseudo-label of every target example (in target-set order)."""
        if self._pseudo_labels is None:
            raise ValueError(f"{type(self).__name__}: set_pseudo_labels needs the adaptation "
                             "phase of a model with pseudo_label_weight > 0")
        labels = np.asarray(labels)
        expected = tuple(self._pseudo_labels.variable.shape)
        if labels.shape != expected:
            raise ValueError(f"`labels` must hold one label per target example, shape {expected}. "
                             f"Received: labels of shape {labels.shape}")
        self._pseudo_labels.variable.assign(labels.astype(np.int32))

    @property
    def uses_target(self) -> bool:
        """False: the source phase never pairs the source with target batches."""
        return False

    def train_step(self, data):
        if self.adapting:
            return self.adaptation_step(data)
        if (isinstance(data, (tuple, list)) and len(data) == 2
                and all(isinstance(part, (tuple, list)) for part in data)):
            raise TypeError(f"{type(self).__name__} never sees source and target batches "
                            "together: train it with tftransfer.training.source_free."
                            "fit_source_free (labelled source batches, then the target alone)")
        return super().train_step(data)

    def adaptation_step(self, data):
        """One step on a target-only batch `(x_t, i)` (or `x_t` when no pseudo-labels)."""
        if isinstance(data, (tuple, list)):
            x, index = data[0], (data[1] if len(data) > 1 else None)
        else:
            x, index = data, None
        replicas = distribute.num_replicas()
        variables = self.adaptation_variables()
        with tf.GradientTape() as tape:
            features = self.embed(x, training=True)
            logits = self.classifier(features, training=True)
            total = 0.0
            adaptation = pseudo_label_loss = None
            if self.adaptation_losses:
                f_t, logits_t = distribute.all_gather(features), distribute.all_gather(logits)
                term_values = [loss(None, f_t, None, logits_t, training=True)
                               for loss in self.adaptation_losses]
                adaptation = sum(w * v for w, v in zip(self.adaptation_weights, term_values))
                total = total + self.lambda_ * adaptation / replicas
            if self.uses_pseudo_labels:
                if index is None:
                    raise ValueError("pseudo-labels need target batches (x_t, index)")
                labels = tf.gather(self._pseudo_labels.variable, tf.cast(index, tf.int32))
                pseudo_label_loss = distribute.global_mean(
                    keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))
                total = total + self.pseudo_label_weight * pseudo_label_loss
        gradients = tape.gradient(total, variables)
        pairs = [(g, v) for g, v in zip(gradients, variables) if g is not None]
        for optimizer, group in self._optimizer_groups(pairs, variable_of=lambda pair: pair[1]):
            if group:
                optimizer.apply(*zip(*group))

        self.total_loss_tracker.update_state(total * replicas)
        logs = {"loss": self.total_loss_tracker.result()}
        if adaptation is not None:
            self._track_adaptation(logs, adaptation, term_values)
        if pseudo_label_loss is not None:
            self._track(logs, self.pseudo_label_loss_tracker, pseudo_label_loss * replicas)
        return logs

    # ------------------------------------------------------------------ from a trained model
    @classmethod
    def from_source_model(cls, source: keras.Model, losses=None, **options) -> "SourceFreeModel":
        """A new model of this class holding a COPY of a trained source model (the source
        model itself is left untouched), ready to adapt.

        `source` is an engine model (`DomainAdaptationModel`: its backbone, bottleneck and
        classifier are copied) or a functional / Sequential classifier whose last layer with
        weights is a Dense head (the features are everything before it; a softmax on the head
        is dropped: the copy outputs logits). Architecture options (`bottleneck_*`,
        `weight_norm`) come from the source; `options` give the rest (β, epochs, recipe, ...).

        Raises:
            ValueError: a source that cannot be split into features and a Dense head.
        """
        for key in ("bottleneck_units", "bottleneck_dropout", "bottleneck_relu", "classifier",
                    "weight_norm"):
            options.pop(key, None)
        parts = _split_source(source)
        model = cls(parts["feature_extractor"], parts["num_classes"], losses=losses,
                    classifier=parts["classifier"], bottleneck_units=parts["bottleneck_units"],
                    bottleneck_dropout=parts["bottleneck_dropout"],
                    bottleneck_relu=parts["bottleneck_relu"], **options)
        model.build((None,) + parts["input_shape"])
        if parts["bottleneck_weights"] is not None:
            model.bottleneck.set_weights(parts["bottleneck_weights"])
        model.classifier.set_weights(parts["classifier_weights"])
        return model

    def get_config(self):
        config = super().get_config()
        config.update(bottleneck_relu=self.bottleneck_relu,
                      pseudo_label_weight=self.pseudo_label_weight,
                      source_epochs=self.source_epochs, adaptation_epochs=self.adaptation_epochs,
                      adaptation_recipe=self.adaptation_recipe,
                      statistics_batch_size=self.statistics_batch_size,
                      source_selection=self.source_selection)
        return config


def rescheduled_copy(optimizer: keras.optimizers.Optimizer,
                     total_steps: int) -> keras.optimizers.Optimizer:
    """A new optimizer with `optimizer`'s configuration and a fresh state; an annealed
    learning rate (`AnnealedLearningRate`) spans `total_steps` steps instead."""
    config = optimizer.get_config()
    schedule = config["learning_rate"]
    if isinstance(schedule, dict):
        schedule = keras.optimizers.schedules.deserialize(schedule)
        config["learning_rate"] = schedule
    if isinstance(schedule, AnnealedLearningRate):
        config["learning_rate"] = AnnealedLearningRate(
            schedule.initial_learning_rate, max(1, int(total_steps)), schedule.alpha, schedule.beta)
    return optimizer.__class__.from_config(config)


def _copy_layer(layer: keras.layers.Layer) -> keras.layers.Layer:
    return layer.__class__.from_config(layer.get_config())


def _split_source(source: keras.Model) -> dict:
    """A trained model as copies of its parts: features, bottleneck, head."""
    if not isinstance(source, keras.Model):
        raise TypeError(f"`source` must be a keras.Model. Received: {type(source).__name__}")
    if not source.built:
        raise ValueError(f"the source model {source.name!r} is not built")
    if isinstance(source, DomainAdaptationModel):
        backbone = source.feature_extractor
        features = keras.models.clone_model(backbone)
        features.set_weights(backbone.get_weights())
        bottleneck = source.bottleneck
        relu = bottleneck is None or any(isinstance(layer, keras.layers.ReLU)
                                         for layer in bottleneck.layers)
        classifier = _copy_layer(source.classifier)
        return {"feature_extractor": features, "num_classes": source.num_classes,
                "input_shape": tuple(backbone.inputs[0].shape[1:]),
                "bottleneck_units": source.bottleneck_units if bottleneck is not None else 0,
                "bottleneck_dropout": source.bottleneck_dropout if bottleneck is not None else 0.0,
                "bottleneck_relu": relu,
                "bottleneck_weights": bottleneck.get_weights() if bottleneck is not None else None,
                "classifier": classifier, "classifier_weights": source.classifier.get_weights()}
    inputs = symbolic_inputs(source)
    if not inputs or len(inputs) != 1:
        raise ValueError(f"the source model {source.name!r} must be an engine model or a "
                         "functional / Sequential model with one input")
    layers = [layer for layer in source.layers if not isinstance(layer, keras.layers.InputLayer)]
    top = max((i for i, layer in enumerate(layers) if layer.weights), default=None)
    if top is None or top == 0 or not isinstance(layers[top], keras.layers.Dense):
        raise ValueError(f"the source model {source.name!r} must end with a Dense classifier "
                         "(its last layer with weights) after at least one feature layer")
    head = layers[top]
    backbone = keras.Model(inputs[0], layers[top - 1].output, name=f"{source.name}_features")
    features = keras.models.clone_model(backbone)
    features.set_weights(backbone.get_weights())
    classifier = keras.layers.Dense(head.units, use_bias=head.use_bias, name="classifier")
    return {"feature_extractor": features, "num_classes": head.units,
            "input_shape": tuple(inputs[0].shape[1:]), "bottleneck_units": 0,
            "bottleneck_dropout": 0.0, "bottleneck_relu": True, "bottleneck_weights": None,
            "classifier": classifier, "classifier_weights": head.get_weights()}
