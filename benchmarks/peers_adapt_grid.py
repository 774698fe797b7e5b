"""The ADAPT side of the whole-grid scenario of `benchmarks/peers.py`: a plain ADAPT script.

    .venv-bench/bin/python benchmarks/peers_adapt_grid.py [--tasks A->W,...] [--seeds 3]
        [--epochs 10] [--batch-size 32] [--lambda 1.0] [--device cpu|gpu] [--threads 0] [--result out.json]

What an ADAPT user writes to train DANN on every Office-Caltech SURF task and seed: load a
task once (the same data, preprocessing and source split as tftransfer's runner:
`tftransfer.data.benchmarks.office_caltech_surf_task`), then for each seed a fresh seeded
`adapt.feature_based.DANN` with the networks and optimizer of `peers.adapt_dann`, `fit` for
`--epochs` epochs, and the target accuracy. The session is cleared before each run, as the
tftransfer runner does. Prints one line per run and the mean; `--result` writes the JSON
that `peers.py grid` reads (import seconds, grid seconds, accuracies).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None):
    start = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=None, help="comma-separated (default: all 12)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lambda", dest="lambda_", type=float, default=1.0,
                        help="tftransfer's trade-off λ (ADAPT's lambda_ is λ/2)")
    parser.add_argument("--device", choices=("cpu", "gpu"), default="cpu")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: TF's default)")
    parser.add_argument("--result", default=None)
    args = parser.parse_args(argv)

    sys.path[:0] = [HERE, os.path.dirname(HERE)]
    from peers import adapt_dann, check_tf_device, configure_device

    configure_device(args.device, args.threads)
    import keras
    import numpy as np

    from tftransfer.data.benchmarks import OFFICE_CALTECH_TASKS, office_caltech_surf_task

    check_tf_device(args.device, args.threads)
    imported = time.perf_counter()
    tasks = args.tasks.split(",") if args.tasks else list(OFFICE_CALTECH_TASKS)
    runs = []
    for name in tasks:
        task = office_caltech_surf_task(name)
        xs, ys = task.source_train.x, task.source_train.y
        xt, yt = task.target_test.x, task.target_test.y
        ys_onehot = np.eye(task.num_classes, dtype="float32")[ys]
        for seed in range(args.seeds):
            keras.backend.clear_session()
            keras.utils.set_random_seed(seed)
            model = adapt_dann(xs.shape[1], task.num_classes, args.lambda_, seed)
            model.fit(xs, ys_onehot, xt, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
            accuracy = float(np.mean(np.asarray(model.predict(xt, verbose=0)).argmax(1) == yt))
            runs.append([name, seed, accuracy])
            print(f"{name} seed={seed}: target acc {100 * accuracy:.1f}%", flush=True)
    done = time.perf_counter()
    accuracies = [r[2] for r in runs]
    print(f"{len(runs)} runs in {done - imported:.1f} s (+{imported - start:.1f} s imports), "
          f"mean target acc {100 * np.mean(accuracies):.1f}%")
    if args.result:
        with open(args.result, "w") as f:
            json.dump({"import_s": imported - start, "grid_s": done - imported,
                       "accuracies": accuracies, "runs": runs}, f)


if __name__ == "__main__":
    main()
