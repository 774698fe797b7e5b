"""Readers for data on disk: the data folder, and one reader per file format.

Every reader has two layers (`tftransfer.data.loaders.base`): `read_<format>` returns the
file's `RawData` as stored (labels as the file writes them, features unchecked), and
`load_<format>` returns a validated `FileDomain` (a `Domain`: features float32, labels int32
indexing a sorted class vocabulary, `class_names` as the file names the classes).
`load_file` / `read_file` pick the reader by suffix (`detect_format`), or by `format=`.
The benchmark files (Office-Caltech10, MNIST/USPS, DeCAF) are read by
`tftransfer.data.benchmarks`; two user files become a task with
`tftransfer.data.files.load_task_from_files`.

| format         | module         | reads                                                     |
|----------------|----------------|-----------------------------------------------------------|
| `npz`          | `npz`          | NumPy archives                                            |
| `csv`, `tsv`,  | `tabular`      | tables (pandas), label column `label` or the last,        |
| `parquet`      |                | class names allowed                                       |
| `svmlight`     | `svmlight`     | libsvm lines; labels 0-based, 1-based or -1/+1            |
| `mat`          | `matlab`       | MATLAB v5 (scipy) and v7.3 (h5py), dense or sparse,       |
|                |                | samples per row or per column                             |
| `hdf5`         | `hdf5`         | plain HDF5 files of named datasets                        |
| `image_folder` | `image_folder` | `<folder>/<class>/<image>`                                |
| `text`         | `text`         | one document per line with a label (`TextDomain`)         |

The benchmark files are never part of the project: they are read from a data folder,
`data_dir`, given explicitly (`--data-dir` on the experiment command lines) or found by
`default_data_dir()` (`tftransfer.data.loaders.paths`).

Example:
    >>> domain = load_file("train.csv")                  # label column "label"
    >>> domain.class_names
    ('cat', 'dog')
    >>> domain = load_npz("features.npz", x_key="x", y_key="y")
    >>> domain = load_svmlight("a1a.txt", labels="binary")   # -1/+1 -> classes 0/1
    >>> domain = load_mat("MNIST_vs_USPS.mat", side="source") # v7.3, 256 x 2000 -> (2000, 256)
    >>> domain = load_image_folder("photos/", image_size=(32, 32))
"""

from tftransfer.data.loaders.base import FileDomain, RawData, dense_features, to_domain
from tftransfer.data.loaders.formats import (
    FORMATS,
    FileFormat,
    detect_format,
    format_options,
    load_file,
    read_file,
)
from tftransfer.data.loaders.hdf5 import load_hdf5, read_hdf5
from tftransfer.data.loaders.image_folder import (
    image_folder_class_names,
    load_image_folder,
    read_image_folder,
)
from tftransfer.data.loaders.keys import SIDES
from tftransfer.data.loaders.labels import (
    LABEL_SCHEMES,
    ClassVocabulary,
    build_vocabulary,
    canonical_labels,
)
from tftransfer.data.loaders.matlab import is_mat_v73, load_mat, read_mat
from tftransfer.data.loaders.npz import load_npz, read_npz
from tftransfer.data.loaders.paths import (  # noqa: F401  (private names: benchmarks.py)
    _HOW_TO_POINT,
    DATA_DIR_ENV,
    PathLike,
    _existing_file,
    _missing_keys_error,
    _project_root,
    default_data_dir,
    existing_path,
    resolve_data_dir,
)
from tftransfer.data.loaders.svmlight import load_svmlight, read_svmlight, read_svmlight_files
from tftransfer.data.loaders.tabular import TABLE_FORMATS, load_table, parquet_engine, read_table
from tftransfer.data.loaders.text import TextDomain, load_text, read_text, tfidf_features

__all__ = [
    "DATA_DIR_ENV",
    "FORMATS",
    "LABEL_SCHEMES",
    "SIDES",
    "TABLE_FORMATS",
    "ClassVocabulary",
    "FileDomain",
    "FileFormat",
    "PathLike",
    "RawData",
    "TextDomain",
    "build_vocabulary",
    "canonical_labels",
    "default_data_dir",
    "dense_features",
    "detect_format",
    "existing_path",
    "format_options",
    "image_folder_class_names",
    "is_mat_v73",
    "load_file",
    "load_hdf5",
    "load_image_folder",
    "load_mat",
    "load_npz",
    "load_svmlight",
    "load_table",
    "load_text",
    "parquet_engine",
    "read_file",
    "read_hdf5",
    "read_image_folder",
    "read_mat",
    "read_npz",
    "read_svmlight",
    "read_svmlight_files",
    "read_table",
    "read_text",
    "resolve_data_dir",
    "tfidf_features",
    "to_domain",
]
