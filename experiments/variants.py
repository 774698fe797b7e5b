"""Named method variants for the experiment modules: a registered model class plus the
transform / weighting / options that make it the method the tables name."""

from __future__ import annotations

from typing import Dict

VARIANTS: Dict[str, dict] = {
    # Baselines.
    "source_only": {"method": "source_only"},
    "target_only": {"method": "target_only"},  # ORACLE: all target training labels
    # Deep feature adaptation on the one engine.
    "dann": {"method": "dann"},
    "dan": {"method": "dan"},
    "deep_coral": {"method": "deep_coral"},
    "cdan": {"method": "cdan"},
    "cdan_e": {"method": "cdan", "method_options": {"entropy_conditioning": True}},
    "mdd": {"method": "mdd"},
    "mcc": {"method": "mcc"},
    # Shallow feature maps, then the same Keras head as source_only.
    "coral": {"method": "source_only", "transform": "coral"},
    "sa": {"method": "source_only", "transform": "sa"},
    "tca": {"method": "source_only", "transform": "tca"},
    # A shallow map, then a deep method on the mapped features.
    "coral_mcc": {"method": "mcc", "transform": "coral"},
    # Instance transfer: importance-weighted source loss.
    "iw_dc": {"method": "source_only", "importance_weighting": "domain_classifier"},
    "iw_kmm": {"method": "source_only", "importance_weighting": "kmm"},
    # Parameter transfer with a few target labels (not unsupervised: labelled as such).
    "finetune": {"method": "finetune", "target_labels_per_class": 3},
}

UNSUPERVISED = [name for name, v in VARIANTS.items()
                if v["method"] not in ("target_only", "finetune")]


def variant_fields(name: str, base: dict) -> dict:
    """RunConfig fields of variant `name` on top of an experiment's `base` fields."""
    if name not in VARIANTS:
        raise ValueError(f"Unknown method {name!r}. Valid methods: {', '.join(VARIANTS)}")
    fields = {key: value for key, value in VARIANTS[name].items() if key != "method_options"}
    options = {**base.get("method_options", {}), **VARIANTS[name].get("method_options", {})}
    if fields["method"] in ("source_only", "target_only", "finetune"):
        options.pop("lambda_", None)  # no adaptation term
    return {**fields, "method_options": options, "variant": name}
