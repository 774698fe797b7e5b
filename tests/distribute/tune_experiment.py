"""A tiny experiment module for the distributed-tuning test: dann on moons->moons_rotated.

    python tests/distribute/tune_experiment.py --tune --max-trials 4 --seeds 1 --out OUT

The same flags and flow as `python -m experiments.NAME` (`experiments.common`), on a task
whose trials take a second or two (an MLP of 16 units, 160 points, 1 epoch by default);
`--methods` (default dann) gives one search per method.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from experiments.common import common_parser, expand_grid, parse_list, run_experiment  # noqa: E402
from tftransfer import methods  # noqa: E402

BASE = {"experiment": "tune_cluster_test", "dataset": "builtin", "data_options": {"n_samples": 160},
        "epochs": 1, "batch_size": 32, "backbone": "mlp", "backbone_options": {"units": [16]}}


def main(argv=None) -> str:
    parser = common_parser("tiny distributed tuning test", "results/tune_cluster_test")
    args = parser.parse_args(argv)
    names = parse_list(args.methods, methods.names(), "method", ["dann"])
    configs = expand_grid(args, BASE, ["moons->moons_rotated"], names, lambda method: {})
    return run_experiment(configs, args, title="tune_cluster_test: dann on moons",
                          selection="none")


if __name__ == "__main__":
    main()
