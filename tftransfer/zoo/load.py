"""Reading a built zoo: its members' specs and source heads, ready for `rank_backbones`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence


@dataclass(frozen=True)
class Zoo:
    """A built zoo folder (see `tftransfer.zoo.build`).

    Attributes:
        path: The folder.
        members: The manifest's member records (name, architecture, source, spec,
            source_head, source_val_accuracy, ...), the ResNet-8 file last; paths absolute.

    Example:
        >>> zoo = load_zoo("results/zoo")
        >>> table = rank_backbones(zoo.specs(), target, source_heads=zoo.source_heads())
    """

    path: Path
    members: List[dict]

    def names(self) -> List[str]:
        return [m["name"] for m in self.members]

    def _chosen(self, names: Optional[Sequence[str]]) -> List[dict]:
        if names is None:
            return list(self.members)
        by_name = {m["name"]: m for m in self.members}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise ValueError(f"Zoo {str(self.path)!r} has no member {unknown[0]!r}. "
                             f"Valid members: {', '.join(by_name)}")
        return [by_name[n] for n in names]

    def specs(self, names: Optional[Sequence[str]] = None) -> Dict[str, str]:
        """{member name: backbone spec} (`hub:<export>` or `file:<resnet8>`)."""
        return {m["name"]: m["spec"] for m in self._chosen(names)}

    def source_heads(self, names: Optional[Sequence[str]] = None) -> Dict[str, str]:
        """{member name: its source head file} for the members that have one on disk (the
        ResNet-8 file carries its own classifier, found by `rank_backbones` itself)."""
        return {m["name"]: m["source_head"] for m in self._chosen(names) if m.get("source_head")}


def load_zoo(path) -> Zoo:
    """The zoo built in `path` (by `python -m tftransfer.zoo build --out PATH`).

    Raises:
        FileNotFoundError: no manifest there, or a member's export or head is missing.
    """
    root = Path(path)
    manifest = root / "manifest.json"
    if not manifest.is_file():
        raise FileNotFoundError(f"no zoo in {str(root)!r} (no manifest.json): build it with "
                                f"`python -m tftransfer.zoo build --out {root}`")
    members = json.loads(manifest.read_text())["members"]
    for member in members:
        # Relative paths are inside the zoo folder: resolve them against where it is now.
        kind, _, location = member["spec"].partition(":")
        member["spec"] = f"{kind}:{(root / location).resolve()}"
        if member.get("source_head"):
            member["source_head"] = str((root / member["source_head"]).resolve())
        paths = [member["spec"].partition(":")[2]] + (
            [member["source_head"]] if member.get("source_head") else [])
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise FileNotFoundError(f"zoo member {member['name']!r} lacks {missing[0]!r}: rebuild "
                                    f"with `python -m tftransfer.zoo build --out {root}`")
    return Zoo(root, members)
