"""The dataset registry: name -> loader(task_name, **options) -> TransferTask.

| name                  | tasks                                   | module       |
|-----------------------|-----------------------------------------|--------------|
| `builtin`             | embedded digits / moons tasks           | `builtin`    |
| `office_caltech_surf` | `OFFICE_CALTECH_TASKS` ("C->A", ...)    | `benchmarks` |
| `mnist_usps`          | `MNIST_USPS_TASKS` ("M->U", "U->M")     | `benchmarks` |
| `decaf`               | `DECAF_TASKS` ("D->W", "W->D")          | `benchmarks` |
| `reuters`             | `REUTERS_TASKS` ("org->people", ...)    | `benchmarks` |
| `newsgroups`          | `NEWSGROUPS_TASKS` ("comp_vs_rec:12->34", | `benchmarks` |
|                       | ...) and `NEWSGROUPS_FOUR_WAY_TASKS`    |              |
| `msrc_voc`            | `MSRC_VOC_TASKS` ("MSRC->VOC",          | `benchmarks` |
|                       | "VOC->MSRC")                            |              |
| `usps_scarce`         | `SCARCE_TARGET_TASKS` ("mnist->usps",   | `scarce`     |
|                       | "cifar10->usps")                        |              |
| `files`               | a user's source/target files (the       | `files`      |
|                       | `tftransfer` command's runs)            |              |

The benchmark loaders read files from `data_dir` (a keyword option, e.g.
`RunConfig.data_options={"data_dir": "..."}`; None uses `loaders.default_data_dir()`).
"""

from tftransfer.data import benchmarks, builtin, files, scarce
from tftransfer.registry import Registry

DATASETS: Registry = Registry("dataset")
DATASETS.register("builtin", builtin.load_task)
DATASETS.register("office_caltech_surf", benchmarks.office_caltech_surf_task)
DATASETS.register("mnist_usps", benchmarks.mnist_usps_task)
DATASETS.register("decaf", benchmarks.decaf_task)
DATASETS.register("reuters", benchmarks.reuters_task)
DATASETS.register("newsgroups", benchmarks.newsgroups_task)
DATASETS.register("msrc_voc", benchmarks.msrc_voc_task)
DATASETS.register("usps_scarce", scarce.scarce_target_task)
DATASETS.register(files.DATASET, files.files_dataset)


def get(name: str):
    """The task loader registered under `name` (ValueError listing the valid names)."""
    return DATASETS.get(name)


def names() -> list[str]:
    return DATASETS.names()
