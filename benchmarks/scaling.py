"""Training throughput of DANN on one device against N replicas (MirroredStrategy).

    python benchmarks/scaling.py [--steps 300] [--batch-size 128] [--repeats 3]

N replicas are the local GPUs when there are at least two, else two logical devices carved
out of the one GPU, or of the CPU when there is no GPU (which proves the distributed path,
not a speed-up: they share the same hardware). Weak scaling: every replica gets `--batch-size` examples per domain, so the
global batch is N times the one-device batch (batch sizes in tftransfer are global). Both
runs train the same networks (MLP 256-128 feature extractor, Dense head, 64-64 domain
discriminator) with Adam through the engine (`Model.fit`, no XLA, which fails under
MirroredStrategy), timed after one warm-up fit (tracing excluded). Throughput = source
samples per second; the last line prints `ratio: N-replica throughput / one-device`.
"""

from __future__ import annotations

import argparse
import statistics
import time

import tensorflow as tf

# Before TensorFlow initialises its devices: with one GPU split it in two, with none the CPU.
_gpus = tf.config.list_physical_devices("GPU")
if len(_gpus) == 1:
    tf.config.set_logical_device_configuration(
        _gpus[0], [tf.config.LogicalDeviceConfiguration(memory_limit=4096)] * 2)
elif not _gpus:
    tf.config.set_logical_device_configuration(
        tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402

from tftransfer import backbones, distribute, methods  # noqa: E402
from tftransfer.data import paired_dataset  # noqa: E402

# The same fixed problem as the speed benchmark (benchmarks/ is on sys.path when run as a script).
from speed_dann import CLASSES, FEATURES, make_data  # noqa: E402


def throughput(strategy, data, steps, global_batch):
    keras.utils.set_random_seed(0)
    with strategy.scope():
        fe = backbones.get("mlp", input_shape=(FEATURES,), units=(256, 128))
        model = methods.get("dann")(fe, CLASSES, discriminator_units=(64, 64))
        model.compile(optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
        model.build((None, FEATURES))
        model.fit(data, epochs=1, steps_per_epoch=20, verbose=0, shuffle=False)  # warm-up
        start = time.perf_counter()
        model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return steps * global_batch / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=128, help="examples per replica and domain")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    mirrored = distribute.resolve_strategy("mirrored")
    single = tf.distribute.get_strategy()
    n = mirrored.num_replicas_in_sync
    devices = ", ".join(mirrored.extended.worker_devices)
    xs, ys, xt = make_data()
    one = paired_dataset(xs, ys, xt, batch_size=args.batch_size, seed=0)
    many = paired_dataset(xs, ys, xt, batch_size=n * args.batch_size, seed=0)
    ones, manys = [], []
    for _ in range(args.repeats):  # interleaved, so drifts in machine load hit both
        ones.append(throughput(single, one, args.steps, args.batch_size))
        manys.append(throughput(mirrored, many, args.steps, n * args.batch_size))

    def show(label, values):
        print(f"{label}: {statistics.mean(values):,.0f} ± {statistics.pstdev(values):,.0f} samples/s "
              f"(runs: {', '.join(f'{v:,.0f}' for v in values)})")

    show(f"1 device, batch {args.batch_size}", ones)
    show(f"{n} replicas ({devices}), global batch {n * args.batch_size}", manys)
    print(f"ideal ratio: {n}")
    print(f"ratio: {statistics.mean(manys) / statistics.mean(ones):.2f}")


if __name__ == "__main__":
    main()
