"""Named variants: the rows of result tables, as `RunConfig` fields.

Every registered method is a variant of its own name (and any composition "a+b" of paired
methods). The others combine a method with a pipeline step: a shallow feature map fitted on
both domains' inputs (`tftransfer.transforms`), or importance weights on the source loss
(`tftransfer.instance`).
"""

from __future__ import annotations

from typing import Dict, List

from tftransfer import methods

#: Variants that are a registered method plus a transform or a weighting.
PIPELINES: Dict[str, dict] = {
    # Shallow feature maps, then the same Keras network as source_only.
    "coral": {"method": "source_only", "transform": "coral"},
    "sa": {"method": "source_only", "transform": "sa"},
    "tca": {"method": "source_only", "transform": "tca"},
    # A shallow map, then a deep method on the mapped features.
    "coral_mcc": {"method": "mcc", "transform": "coral"},
    # Instance transfer: importance-weighted source loss.
    "iw_dc": {"method": "source_only", "importance_weighting": "domain_classifier"},
    "iw_kmm": {"method": "source_only", "importance_weighting": "kmm"},
}

#: Target labels per class a "few labels" method gets unless an experiment says otherwise.
FEW_TARGET_LABELS = 3


def names() -> List[str]:
    """Every variant name: the registered methods, then the pipelines."""
    return [*methods.names(), *PIPELINES]


def unsupervised() -> List[str]:
    """The variants that read no target label (the adaptation methods and source_only)."""
    return [name for name in names() if methods.get(fields(name)["method"]).target_labels == "none"]


def fields(name: str) -> dict:
    """The `RunConfig` fields of variant `name` (method, transform, weighting, variant).

    Raises:
        ValueError: an unknown name (the valid ones are listed).
    """
    if name in PIPELINES:
        spec = dict(PIPELINES[name])
    else:
        try:
            methods.get(name)
        except ValueError:
            raise ValueError(f"Unknown method {name!r}. Valid methods: {', '.join(names())} "
                             "(or 'a+b' of paired methods)") from None
        spec = {"method": name}
    if methods.get(spec["method"]).target_labels == "few":
        spec.setdefault("target_labels_per_class", FEW_TARGET_LABELS)
    return {**spec, "variant": name}
