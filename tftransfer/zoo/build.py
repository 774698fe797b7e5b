"""Pretraining the zoo's members and exporting them as TF-Hub SavedModels, resumably.

Layout of a zoo folder:

    <zoo>/<member>/hub/                 the feature extractor, `export_hub` (load: "hub:<path>")
    <zoo>/<member>/source_head.keras    the source softmax head (features -> probabilities)
    <zoo>/<member>/member.json          definition, key, source validation accuracy, seconds
    <zoo>/<member>/done                 written last: the member is complete
    <zoo>/manifest.json                 every member with its spec (the ResNet-8 file included);
                                        paths inside the zoo relative to it

A member whose folder has `done` and the same key (`ZooMember.key`: its definition, the seed
and `ZOO_VERSION`) is kept; anything else is (re)built in a temporary folder that replaces
the old one only when complete, so an interrupted build never leaves a half member.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import keras
import numpy as np
from sklearn.model_selection import train_test_split

from tftransfer._checks import check_int
from tftransfer.backbones import export_hub
from tftransfer.data.loaders import resolve_data_dir
from tftransfer.io import write_json_atomic, write_text_atomic
from tftransfer.reproducibility import set_seed
from tftransfer.zoo.architectures import build_classifier
from tftransfer.zoo.members import MEMBERS, RESNET8_FILE, RESNET8_NAME, ZOO_VERSION, ZooMember
from tftransfer.zoo.sources import load_source

VALIDATION_FRACTION = 0.1


def _is_current(folder: Path, key: str) -> bool:
    if not (folder / "done").is_file():
        return False
    try:
        return json.loads((folder / "member.json").read_text())["key"] == key
    except (OSError, ValueError, KeyError):
        return False


def pretrain_member(member: ZooMember, folder: Path, *, seed: int = 0, data_dir=None,
                    verbose: int = 0) -> dict:
    """Trains `member` on its source and writes it to `folder` (hub export, head, record).

    90% of the source trains (stratified split, `seed`), 10% measures the source validation
    accuracy reported in `member.json`.
    """
    start = time.perf_counter()
    source = load_source(member.source, data_dir)
    train, val = train_test_split(np.arange(source.n), test_size=VALIDATION_FRACTION,
                                  random_state=seed, stratify=source.y)
    set_seed(seed)
    extractor, head, classifier = build_classifier(member.architecture, source.num_classes,
                                                   member.name)
    classifier.compile(optimizer=keras.optimizers.Adam(member.learning_rate),
                       loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    classifier.fit(source.x[train], source.y[train], batch_size=member.batch_size,
                   epochs=member.epochs, shuffle=True, verbose=verbose)
    val_accuracy = float(classifier.evaluate(source.x[val], source.y[val], batch_size=256,
                                             verbose=0, return_dict=True)["accuracy"])
    export_hub(extractor, folder / "hub")
    head.save(folder / "source_head.keras")
    record = {"name": member.name, "architecture": member.architecture, "source": member.source,
              "source_examples": int(len(train)), "epochs": member.epochs,
              "learning_rate": member.learning_rate, "batch_size": member.batch_size,
              "seed": seed, "key": member.key(seed), "zoo_version": ZOO_VERSION,
              "feature_dim": int(extractor.outputs[0].shape[-1]),
              "source_val_accuracy": val_accuracy,
              "seconds": round(time.perf_counter() - start, 1)}
    write_json_atomic(folder / "member.json", record)
    return record


def build_zoo(out, *, members: Optional[Sequence[Union[str, ZooMember]]] = None, seed: int = 0,
              data_dir=None, force: bool = False, verbose: int = 0, log=print) -> List[dict]:
    """Builds (or completes) the zoo in `out` and writes `out/manifest.json`.

    Args:
        out: The zoo folder (created).
        members: Members to build: names of the catalogue (`MEMBERS`; default: all of
            them) or `ZooMember` objects of your own. The ResNet-8 file member is always
            listed in the manifest and never trained.
        seed: Pretraining seed (split, initialisation, batches).
        data_dir: The data folder; None uses `tftransfer.data.loaders.default_data_dir()`.
        force: Rebuild members that are already complete.
        verbose: Keras fit verbosity.
        log: Where progress lines go (None: nowhere).

    Returns:
        The manifest's member records: every complete member of the folder (built now or
        before, in catalogue order), then the ResNet-8 file.

    Raises:
        ValueError: an unknown member (the valid names are listed).
        FileNotFoundError: a source's data, or the ResNet-8 file, is missing.
    """
    seed = check_int(seed, "seed", minimum=0, owner="build_zoo")
    chosen = [m if isinstance(m, ZooMember) else MEMBERS.get(m)
              for m in (MEMBERS.names() if members is None else members)]
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    data_dir = resolve_data_dir(data_dir)
    resnet8 = data_dir / RESNET8_FILE
    if not resnet8.is_file():
        raise FileNotFoundError(f"build_zoo: the zoo's ResNet-8 member needs {str(resnet8)!r}; "
                                "pass data_dir=<the data folder>")
    log = log or (lambda *_: None)
    records: Dict[str, dict] = {}
    for member in chosen:
        folder = root / member.name
        if not force and _is_current(folder, member.key(seed)):
            records[member.name] = json.loads((folder / "member.json").read_text())
            log(f"{member.name}: up to date")
            continue
        partial = root / f".{member.name}.partial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        record = pretrain_member(member, partial, seed=seed, data_dir=data_dir, verbose=verbose)
        write_text_atomic(partial / "done", "")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)
        keras.backend.clear_session()
        records[member.name] = record
        log(f"{member.name}: {member.architecture} on {member.source} ({record['source_examples']} "
            f"examples, {member.epochs} epochs), source val accuracy "
            f"{100 * record['source_val_accuracy']:.1f}%, {record['seconds']:.0f}s")
    # The manifest lists every complete catalogue member in the folder, built now or
    # earlier, in catalogue order, then the members given as ZooMember objects.
    for name in MEMBERS.names():
        if name not in records and _is_current(root / name, MEMBERS.get(name).key(seed)):
            records[name] = json.loads((root / name / "member.json").read_text())
    order = [n for n in MEMBERS.names() if n in records] + [n for n in records if n not in MEMBERS]
    manifest = []
    for name in order:
        record = records[name]
        # Paths inside the zoo are relative to it (the folder can move); `load_zoo` resolves.
        manifest.append({**record, "spec": f"hub:{name}/hub",
                         "source_head": f"{name}/source_head.keras"})
    manifest.append({"name": RESNET8_NAME, "architecture": "resnet8", "source": "cifar10",
                     "source_examples": 50000, "spec": f"file:{resnet8.resolve()}",
                     "source_head": None, "feature_dim": 64,
                     "note": "pretrained elsewhere (MLCommons Tiny); its classifier is the file's"})
    write_json_atomic(root / "manifest.json", {"zoo_version": ZOO_VERSION, "seed": seed,
                                               "members": manifest})
    return manifest
