"""The command line's data: files -> a `FileTask`, identified by their content.

A run on files is a `RunConfig` of the dataset "files" (registered here) whose
`data_options` name the files, the reading options and a `fingerprint`, a hash of the files'
bytes: the run id changes when a file's content changes, so a relaunch never reuses results
made from other data, and the config alone reloads the task (worker processes do). The task
is named "<source stem>-><target stem>".
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple

from tftransfer.data import datasets
from tftransfer.data.files import FileTask, load_task_from_files

DATASET = "files"
#: Chunk size of the content hash.
_CHUNK = 1 << 20


def content_fingerprint(paths: Mapping[str, Optional[str]]) -> str:
    """A 16-hex-digit hash of the role, relative layout and bytes of every file (or folder)."""
    digest = hashlib.sha256()
    for role in sorted(paths):
        if paths[role] is None:
            continue
        path = Path(paths[role])
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        digest.update(f"{role}\0".encode())
        for file in files:
            digest.update(f"{file.relative_to(path) if path.is_dir() else ''}\0".encode())
            with open(file, "rb") as handle:
                for chunk in iter(lambda: handle.read(_CHUNK), b""):
                    digest.update(chunk)
    return digest.hexdigest()[:16]


def files_dataset(name: Optional[str] = None, *, source: str, target: str,
                  target_test: Optional[str] = None, fingerprint: Optional[str] = None,
                  **options) -> FileTask:
    """The "files" dataset loader: `load_task_from_files` on the config's files.

    Args:
        name: The task name.
        source, target, target_test: The files.
        fingerprint: The files' hash when the config was made; the files must still hash
            to it (a changed file would silently give other results under the same run id).
        **options: `load_task_from_files` options (format, label_column, labels, ...).

    Raises:
        ValueError: a file changed since the config was made.
    """
    paths = {"source": source, "target": target, "target_test": target_test}
    if fingerprint is not None:
        now = content_fingerprint(paths)
        if now != fingerprint:
            raise ValueError(f"the data files changed since this run was configured (content hash "
                             f"{now}, configured {fingerprint}); relaunch the command to make "
                             "new runs")
    return load_task_from_files(source, target, target_test, name=name, **options)


def register_dataset() -> None:
    """Registers the "files" dataset (once per process)."""
    if DATASET not in datasets.DATASETS:
        datasets.DATASETS.register(DATASET, files_dataset)


register_dataset()


def data_options(source, target, target_test=None, *, format=None, label_column=None,
                 labels="auto", allow_partial=False,
                 reader_options: Optional[Mapping] = None) -> Dict[str, object]:
    """The `data_options` of a run on these files: absolute paths, the options that differ
    from the defaults, and the files' fingerprint.

    Raises:
        FileNotFoundError: a file does not exist.
    """
    paths = {"source": source, "target": target, "target_test": target_test}
    absolute = {}
    for role, path in paths.items():
        if path is None:
            continue
        resolved = Path(os.path.expanduser(str(path))).resolve()
        if not resolved.exists():
            raise FileNotFoundError(f"{role} file {str(path)!r} not found; check the path")
        absolute[role] = str(resolved)
    options: Dict[str, object] = dict(absolute)
    for key, value, default in (("format", format, None), ("label_column", label_column, None),
                                ("labels", labels, "auto"),
                                ("allow_partial", allow_partial, False)):
        if value != default:
            options[key] = value
    options.update({k: v for k, v in dict(reader_options or {}).items() if v is not None})
    options["fingerprint"] = content_fingerprint(absolute)
    return options


def load_files_task(options: Mapping[str, object]) -> Tuple[FileTask, Dict[str, object]]:
    """The task of `data_options(...)` and those options (for the configs)."""
    options = dict(options)
    task = files_dataset(None, **options)
    return task, options
