"""Named variants: the rows of result tables, as `RunConfig` fields.

Every registered method is a variant of its own name (and any composition "a+b" of paired
methods), and so is every shallow classifier (`tftransfer.shallow`: JDA, BDA, MEDA, EasyTL,
GFK, a map + a classical head). The others combine a method with a pipeline step: a shallow
feature map fitted on both domains' inputs (`tftransfer.transforms`), or importance weights
on the source loss (`tftransfer.instance`).
"""

from __future__ import annotations

from typing import Dict, List

from tftransfer import methods, shallow

#: Variants that are a registered method plus a transform or a weighting.
PIPELINES: Dict[str, dict] = {
    # Shallow feature maps, then the same Keras network as source_only (CORAL's per-domain
    # z-scoring, `{"standardize": "domain"}`, measured and not adopted: docs/benchmarks.md).
    # On a backbone that reads the input's layout (a LeNet) SA's and TCA's subspaces are
    # written back in input coordinates (`transforms.InputSpace`).
    "coral": {"method": "source_only", "transform": "coral"},
    "sa": {"method": "source_only", "transform": "sa"},
    # The primal problem (d × d): the same map as the linear kernel's when n > d, at a
    # fraction of the cost of the n × n dual on the text sets (7,800 documents).
    "tca": {"method": "source_only", "transform": "tca", "transform_options": {"kernel": "primal"}},
    # A shallow map, then a deep method on the mapped features.
    "coral_mcc": {"method": "mcc", "transform": "coral"},
    # Instance transfer: importance-weighted source loss.
    "iw_dc": {"method": "source_only", "importance_weighting": "domain_classifier"},
    "iw_kmm": {"method": "source_only", "importance_weighting": "kmm"},
}

#: Target labels per class a "few labels" method gets unless an experiment says otherwise.
FEW_TARGET_LABELS = 3


def names() -> List[str]:
    """Every variant name: the registered methods, the pipelines, the shallow classifiers."""
    return [*methods.names(), *PIPELINES, *shallow.names()]


def is_shallow(name: str) -> bool:
    """Whether variant `name` is a shallow classifier (fitted on arrays, no Keras model)."""
    return name not in methods.METHODS and name not in PIPELINES and name in shallow.SHALLOW_METHODS


def unsupervised() -> List[str]:
    """The variants that read no target label (the adaptation methods, source_only and the
    shallow classifiers)."""
    return [name for name in names()
            if is_shallow(name) or methods.get(fields(name)["method"]).target_labels == "none"]


def fields(name: str) -> dict:
    """The `RunConfig` fields of variant `name` (method, transform, weighting, variant).

    Raises:
        ValueError: an unknown name (the valid ones are listed).
    """
    if name in PIPELINES:
        spec = dict(PIPELINES[name])
    elif is_shallow(name):
        return {"method": name, "variant": name}
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
