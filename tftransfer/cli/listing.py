"""`tftransfer list`: the names the other commands accept."""

from __future__ import annotations

from tftransfer import auto, backbones, selection, variants
from tftransfer.cli.run import target_labels_of
from tftransfer.data.loaders.formats import FORMATS


def _methods() -> list:
    lines = ["methods (--methods):"]
    for name in variants.names():
        fields = variants.fields(name)
        labels = {"none": "no target label", "few": "a few target labels per class",
                  "all": "ORACLE: all target labels"}[target_labels_of(name)]
        extra = [f"{k}={v}" for k, v in fields.items()
                 if k in ("transform", "importance_weighting")]
        if variants.is_shallow(name):
            extra.append("shallow classifier (no network; --backbone and --epochs unused)")
        lines.append(f"  {name:<14} {labels}{'; ' + ', '.join(extra) if extra else ''}")
    lines.append(f"  {'auto':<14} trains {', '.join(auto.CANDIDATES)} (the classical "
                 f"{', '.join(auto.SHALLOW_CANDIDATES)} up to {auto.SHALLOW_MAX_SAMPLES} samples); "
                 f"picks one with honest validators, else {auto.BASELINE}")
    lines.append("  a+b            any composition of paired methods, e.g. dann+mcc")
    return lines


def _backbones() -> list:
    return (["backbones (--backbone):"] + [f"  {name}" for name in backbones.names()]
            + [f"  {form}" for form in backbones.prefixes()])


def _validators() -> list:
    return ["validators (tune --objective):"] + [
        f"  {name}{'  (ORACLE: reads target labels)' if selection.is_oracle(name) else ''}"
        for name in selection.names(include_oracle=True)]


def _formats() -> list:
    lines = ["formats (--format; detected by suffix):"]
    for name in FORMATS.names():
        entry = FORMATS.get(name)
        suffixes = ", ".join(entry.suffixes) or "a folder"
        lines.append(f"  {name:<13} {suffixes:<26} {entry.description}")
    return lines


SECTIONS = {"methods": _methods, "backbones": _backbones, "validators": _validators,
            "formats": _formats}


def list_command(args, output) -> int:
    chosen = list(SECTIONS) if args.what == "all" else [args.what]
    blocks = ["\n".join(SECTIONS[name]()) for name in chosen]
    print("\n\n".join(blocks), flush=True)
    return 0
