"""tftransfer data: domains, tasks, pipelines, embedded tasks, file readers, benchmarks.

The names below resolve on first use (PEP 562), so reading a file's description
(`tftransfer data PATH`) does not import TensorFlow, which only the pipelines need.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "BENCHMARK_TASKS": "tftransfer.data.benchmarks",
    "DECAF_TASKS": "tftransfer.data.benchmarks",
    "DEFAULT_DIGITS_TASKS": "tftransfer.data.builtin",
    "Domain": "tftransfer.data.domains",
    "FileDomain": "tftransfer.data.loaders",
    "FileTask": "tftransfer.data.files",
    "MNIST_USPS_TASKS": "tftransfer.data.benchmarks",
    "MSRC_VOC_TASKS": "tftransfer.data.benchmarks",
    "NEWSGROUPS_TASKS": "tftransfer.data.benchmarks",
    "OFFICE_CALTECH_TASKS": "tftransfer.data.benchmarks",
    "PUBLISHED": "tftransfer.data.benchmarks",
    "PUBLISHED_SOURCE": "tftransfer.data.benchmarks",
    "REUTERS_TASKS": "tftransfer.data.benchmarks",
    "TEXT_DEFAULT_TERMS": "tftransfer.data.benchmarks",
    "TransferTask": "tftransfer.data.domains",
    "benchmark_task_names": "tftransfer.data.benchmarks",
    "decaf_task": "tftransfer.data.benchmarks",
    "default_data_dir": "tftransfer.data.loaders",
    "describe": "tftransfer.data.inspect",
    "format_description": "tftransfer.data.inspect",
    "image_folder_class_names": "tftransfer.data.loaders",
    "labelled_dataset": "tftransfer.data.pipeline",
    "load_decaf": "tftransfer.data.benchmarks",
    "load_domain": "tftransfer.data.builtin",
    "load_file": "tftransfer.data.loaders",
    "load_image_folder": "tftransfer.data.loaders",
    "load_mat": "tftransfer.data.loaders",
    "load_mnist_usps_jda": "tftransfer.data.benchmarks",
    "load_msrc_voc": "tftransfer.data.benchmarks",
    "load_newsgroups": "tftransfer.data.benchmarks",
    "load_npz": "tftransfer.data.loaders",
    "load_office_caltech_surf": "tftransfer.data.benchmarks",
    "load_reuters": "tftransfer.data.benchmarks",
    "load_svmlight": "tftransfer.data.loaders",
    "load_table": "tftransfer.data.loaders",
    "load_task": "tftransfer.data.builtin",
    "load_task_from_files": "tftransfer.data.files",
    "load_text": "tftransfer.data.loaders",
    "load_usps": "tftransfer.data.benchmarks",
    "mnist_usps_task": "tftransfer.data.benchmarks",
    "msrc_voc_task": "tftransfer.data.benchmarks",
    "newsgroups_task": "tftransfer.data.benchmarks",
    "office_caltech_surf_task": "tftransfer.data.benchmarks",
    "paired_dataset": "tftransfer.data.pipeline",
    "reuters_task": "tftransfer.data.benchmarks",
    "steps_per_epoch": "tftransfer.data.pipeline",
    "steps_per_epoch_at_least": "tftransfer.data.pipeline",
    "surf_preprocess": "tftransfer.data.benchmarks",
    "task_domains": "tftransfer.data.benchmarks",
    "task_names": "tftransfer.data.builtin",
    "top_document_frequency_terms": "tftransfer.data.benchmarks",
    "validate_same_feature_shape": "tftransfer.data.domains",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tftransfer.data' has no attribute {name!r}")


def __dir__():
    return __all__
