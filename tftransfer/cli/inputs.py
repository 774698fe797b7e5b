"""The command line's data: files -> a `FileTask`, identified by their content.

A run on files is a `RunConfig` of the dataset "files" (`tftransfer.data.files`) whose
`data_options` name the files, the reading options and a `fingerprint`, a hash of the files'
bytes: the run id changes when a file's content changes, so a relaunch never reuses results
made from other data, and the config alone reloads the task (worker processes do). The task
is named "<source stem>-><target stem>".
"""

from __future__ import annotations

from typing import Dict, Mapping, Tuple

from tftransfer.data.files import (DATASET, FileTask, content_fingerprint,  # noqa: F401
                                   data_options, files_dataset)  # (DATASET, data_options: the
# command's names for them)


def load_files_task(options: Mapping[str, object]) -> Tuple[FileTask, Dict[str, object]]:
    """The task of `data_options(...)` and those options (for the configs)."""
    options = dict(options)
    task = files_dataset(None, **options)
    return task, options
