"""tftransfer data: domains, tasks, pipelines, embedded tasks, file readers, benchmarks."""

from tftransfer.data.benchmarks import (
    BENCHMARK_TASKS,
    DECAF_TASKS,
    MNIST_USPS_TASKS,
    OFFICE_CALTECH_TASKS,
    PUBLISHED,
    PUBLISHED_SOURCE,
    benchmark_task_names,
    decaf_task,
    load_decaf,
    load_mnist_usps_jda,
    load_office_caltech_surf,
    load_usps,
    mnist_usps_task,
    office_caltech_surf_task,
    surf_preprocess,
)
from tftransfer.data.builtin import DEFAULT_DIGITS_TASKS, load_domain, load_task, task_names
from tftransfer.data.domains import Domain, TransferTask, validate_same_feature_shape
from tftransfer.data.loaders import (
    default_data_dir,
    image_folder_class_names,
    load_image_folder,
    load_npz,
    load_svmlight,
)
from tftransfer.data.pipeline import labelled_dataset, paired_dataset, steps_per_epoch

__all__ = [
    "BENCHMARK_TASKS",
    "DECAF_TASKS",
    "DEFAULT_DIGITS_TASKS",
    "Domain",
    "MNIST_USPS_TASKS",
    "OFFICE_CALTECH_TASKS",
    "PUBLISHED",
    "PUBLISHED_SOURCE",
    "TransferTask",
    "benchmark_task_names",
    "decaf_task",
    "default_data_dir",
    "image_folder_class_names",
    "labelled_dataset",
    "load_decaf",
    "load_domain",
    "load_image_folder",
    "load_mnist_usps_jda",
    "load_npz",
    "load_office_caltech_surf",
    "load_svmlight",
    "load_task",
    "load_usps",
    "mnist_usps_task",
    "office_caltech_surf_task",
    "paired_dataset",
    "steps_per_epoch",
    "surf_preprocess",
    "task_names",
    "validate_same_feature_shape",
]
