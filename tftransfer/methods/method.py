"""A method: the losses, model defaults, training recipe and search space under one name."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Tuple

from tftransfer._checks import check_choice
from tftransfer.methods.base import DomainAdaptationModel
from tftransfer.methods.recipe import Recipe

#: How training feeds a method (`tftransfer.training.fit_task`).
PROTOCOLS = ("paired", "source", "target", "finetune")
#: Which target labels a method reads: none (unsupervised), a few per class, all (ORACLE).
TARGET_LABELS = ("none", "few", "all")

#: Search space shared by every method (the spec language of `tftransfer.tuning.parse_param`).
COMMON_SPACE = {"learning_rate": "0.001:0.1:log", "freeze_depth": "backbone"}
#: Added for every method with adaptation losses.
ADAPTATION_SPACE = {"lambda_": "0.03:3:log"}
#: The model defaults of the statistics-matching methods' reference code (DAN, Deep CORAL,
#: MCC): a 256-d bottleneck and the trade-off λ = 1 held constant.
CONSTANT_TRADE_OFF = {"bottleneck_units": 256, "lambda_": 1.0, "lambda_schedule": "constant"}


def _no_losses() -> dict:
    return {}


@dataclass(frozen=True)
class Method:
    """A registered method: which losses, on which model, trained how.

    Calling a method builds its model: `methods.get("dann")(feature_extractor, num_classes,
    **options)`. `options` are the method's own knobs (the keyword arguments of
    `build_losses`, e.g. `temperature` for MCC) and the model's arguments
    (`DomainAdaptationModel`: `lambda_`, `bottleneck_units`, `freeze_depth`, ...); the ones
    left out take this method's `defaults`.

    Args:
        name: The registered name.
        summary: One line: what it is and the paper.
        build_losses: knobs -> {name: AdaptationLoss | (AdaptationLoss, weight)}.
        defaults: Default model arguments (bottleneck, λ and its schedule, ...).
        recipe: The optimizer recipe (`Recipe`).
        space: Default search space of the method's own knobs and model arguments (spec
            strings, see `tftransfer.tuning.parse_param`), on top of `COMMON_SPACE` and, for
            methods with adaptation losses, `ADAPTATION_SPACE`.
        protocol: How training feeds it: "paired" (labelled source + unlabelled target),
            "source", "target" (ORACLE: all target labels) or "finetune" (source
            pretraining, then a few target labels).
        target_labels: "none", "few" or "all".
        model_class: The Keras model class (`DomainAdaptationModel` or a subclass).
    """

    name: str
    summary: str
    build_losses: Callable[..., dict] = _no_losses
    defaults: Mapping[str, Any] = field(default_factory=dict)
    recipe: Recipe = field(default_factory=Recipe)
    space: Mapping[str, str] = field(default_factory=dict)
    protocol: str = "paired"
    target_labels: str = "none"
    model_class: type = DomainAdaptationModel

    def __post_init__(self):
        check_choice(self.protocol, "protocol", PROTOCOLS, owner=f"Method {self.name!r}")
        check_choice(self.target_labels, "target_labels", TARGET_LABELS, owner=f"Method {self.name!r}")

    @classmethod
    def from_losses(cls, build_losses: Callable[..., dict], name: str, **fields) -> "Method":
        """The method whose adaptation losses `build_losses` builds, summarised by its docstring.

        Args:
            build_losses: knobs -> losses (see the class); the first paragraph of its
                docstring, less the final period, is the method's `summary`.
            name: The registered name.
            **fields: The other fields (`defaults`, `recipe`, `space`, ...).

        Returns:
            The `Method`.
        """
        summary = " ".join(inspect.getdoc(build_losses).split("\n\n")[0].split())
        return cls(name=name, summary=summary.removesuffix("."), build_losses=build_losses,
                   **fields)

    # ------------------------------------------------------------------ knobs
    def knobs(self) -> Dict[str, Any]:
        """The method's own options (arguments of `build_losses`) and their defaults."""
        return {name: p.default for name, p in inspect.signature(self.build_losses).parameters.items()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}

    def model_arguments(self) -> list[str]:
        """Keyword arguments the model class accepts (beyond the backbone and class count)."""
        accepted = set()
        for klass in self.model_class.__mro__:
            if "__init__" in vars(klass):
                accepted |= set(inspect.signature(klass.__init__).parameters)
        return sorted(accepted - {"self", "kwargs", "feature_extractor", "num_classes", "losses",
                                  "classifier"})

    def options(self) -> list[str]:
        """Every option the method takes: its knobs and the model's arguments."""
        return sorted(set(self.knobs()) | set(self.model_arguments()))

    def split_options(self, options: Mapping[str, Any]) -> Tuple[dict, dict]:
        """(knobs, model arguments with the defaults filled in); unknown options are errors."""
        knobs = {k: v for k, v in options.items() if k in self.knobs()}
        unknown = sorted(set(options) - set(knobs) - set(self.model_arguments()))
        if unknown:
            raise ValueError(f"Unknown options {unknown} for method {self.name!r}. "
                             f"Valid: {', '.join(self.options())}")
        model_args = {**self.defaults, **{k: v for k, v in options.items() if k not in knobs}}
        return knobs, model_args

    # ------------------------------------------------------------------ properties
    @property
    def uses_target(self) -> bool:
        """Whether training pairs the source with unlabelled target batches."""
        return self.protocol == "paired"

    @property
    def adapts(self) -> bool:
        """Whether the method has adaptation losses (λ means something)."""
        return self.build_losses is not _no_losses

    def search_space(self) -> Dict[str, str]:
        """The default search space (spec strings)."""
        space = dict(COMMON_SPACE)
        if self.adapts:
            space.update(ADAPTATION_SPACE)
        space.update(self.space)
        return space

    # ------------------------------------------------------------------ building
    def __call__(self, feature_extractor, num_classes: int, **options) -> DomainAdaptationModel:
        """The method's model on `feature_extractor` (not compiled)."""
        knobs, model_args = self.split_options(options)
        return self.model_class(feature_extractor, num_classes, losses=self.build_losses(**knobs),
                                name=self.name.replace("+", "_"), **model_args)


def compose(name: str, parts: list["Method"]) -> Method:
    """The method whose losses are the union of `parts`' losses (e.g. CDAN + MCC).

    The first part gives the model defaults and the recipe; knobs of later parts that clash
    with earlier ones are rejected, so every option has one meaning.
    """
    if len(parts) < 2 or any(p.protocol != "paired" for p in parts):
        raise ValueError(f"a composed method needs >= 2 paired adaptation methods. Received: "
                         f"{[p.name for p in parts]}")
    seen: Dict[str, str] = {}
    for part in parts:
        for knob in part.knobs():
            if knob in seen:
                raise ValueError(f"cannot compose {[p.name for p in parts]}: option {knob!r} "
                                 f"belongs to both {seen[knob]!r} and {part.name!r}")
            seen[knob] = part.name

    parameters = [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=v)
                  for part in parts for k, v in part.knobs().items()]

    def build_losses(**knobs):
        losses = {}
        for part in parts:
            own = {k: v for k, v in knobs.items() if k in part.knobs()}
            for term, spec in part.build_losses(**own).items():
                if term in losses:
                    raise ValueError(f"cannot compose {[p.name for p in parts]}: both add the "
                                     f"loss {term!r}")
                losses[term] = spec
        return losses

    build_losses.__signature__ = inspect.Signature(parameters)
    space = {}
    for part in reversed(parts):
        space.update(part.space)
    return Method(name=name, summary=" + ".join(p.summary for p in parts),
                  build_losses=build_losses, defaults=dict(parts[0].defaults),
                  recipe=parts[0].recipe, space=space)
