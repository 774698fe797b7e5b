"""One process of the multi-worker tests: trains tiny runs through `runner.run`, dumps results.

    TF_CONFIG='{"cluster": ..., "task": ...}' python tests/distribute/worker.py OUT DUMP NAME...

With TF_CONFIG it is one worker of a MultiWorkerMirroredStrategy cluster; without, the
single-process reference. `OUT` is the runner's output folder, `DUMP` an .npz of the final
weights (plus DUMP.json with the run records) that the test compares across processes.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tftransfer import distribute  # noqa: E402  (imports TF, runs no op)

STRATEGY = "multi_worker" if os.environ.get("TF_CONFIG") else "default"
# Before any other TF op: a multi-worker strategy configures the runtime's collectives.
# "auto" picks it from TF_CONFIG; the runs below name it and get the same cached object.
assert distribute.is_multi_worker(distribute.resolve_strategy("auto")) == (STRATEGY == "multi_worker")

import importlib  # noqa: E402

import numpy as np  # noqa: E402

from tftransfer import runner  # noqa: E402
from tftransfer.config import RunConfig  # noqa: E402

# Weights large enough that each adaptation term moves the weights visibly (CORAL is tiny).
# Small networks keep the run short; dropout draws per worker, so MDD's is off.
SMALL = {"bottleneck_units": 16}
SMALL_DISCRIMINATOR = {**SMALL, "discriminator_units": (16, 16)}
OPTIONS = {"dann": {**SMALL_DISCRIMINATOR, "lambda_": 0.5}, "dan": {**SMALL, "lambda_": 2.0},
           "deep_coral": {**SMALL, "lambda_": 50.0},
           "cdan": {**SMALL_DISCRIMINATOR, "entropy_conditioning": True, "max_map_dim": 16},
           "cdan_e": SMALL_DISCRIMINATOR, "cdan_mcc": SMALL_DISCRIMINATOR,
           "mdd": {**SMALL, "margin": 2.0, "bottleneck_dropout": 0.0},
           "finetune": {**SMALL, "l2sp_alpha": 0.5, "pretrain_epochs": 1}}


def config(method: str) -> RunConfig:
    """A run of a few seconds: SGD (unlike Adam it shows any gradient-scale error)."""
    return RunConfig(experiment="multi_worker_test", task="moons->moons_rotated", method=method,
                     dataset="builtin", data_options={"n_samples": 160}, epochs=2,
                     batch_size=16, recipe={"learning_rate": 0.05},
                     backbone_options={"units": [16, 8]}, method_options=OPTIONS.get(method, SMALL),
                     target_labels_per_class=4 if method == "finetune" else 0,
                     strategy=STRATEGY).validate()


def keras_fit_status() -> str:
    """Whether plain `Model.fit` runs under this process's strategy: "works" or the error.

    The reason `tftransfer.distributed_loop` exists; the test fails once it works upstream.
    """
    import keras

    with distribute.resolve_strategy(STRATEGY).scope():
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
    try:
        model.fit(np.zeros((8, 2), "float32"), np.zeros((8, 1), "float32"), batch_size=4,
                  epochs=1, verbose=0)
        return "works"
    except Exception as error:  # noqa: BLE001  (any failure is the finding)
        return f"{type(error).__name__}: {str(error)[:200]}"


def main(out, dump, *names):
    """Runs each named method (or "keras_fit", the upstream check), then dann again (cached)."""
    models = []
    # `tftransfer.runner.run` is also the name of a function: the module comes from sys.modules.
    run_module = importlib.import_module("tftransfer.runner.run")
    fit_config = run_module.fit_config

    def recording_fit(model, *args, **kwargs):  # keeps the trained model for the comparison
        models.append(model)
        return fit_config(model, *args, **kwargs)

    run_module.fit_config = recording_fit
    arrays, report = {}, {"chief": distribute.is_chief(distribute.resolve_strategy(STRATEGY)),
                      "records": {}}
    for name in names:
        if name == "keras_fit":
            report["keras_fit"] = keras_fit_status()
            continue
        report["records"][name] = runner.run(config(name), out)
        for i, w in enumerate(models[-1].get_weights()):
            arrays[f"{name}/{i}"] = w
    # Done on the chief only (a non-chief writes nothing): every task must skip it together.
    report["rerun_cached"] = runner.run(config(names[0]), out)["cached"]
    np.savez(dump, **arrays)
    with open(dump + ".json", "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
