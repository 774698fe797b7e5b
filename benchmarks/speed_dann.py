"""Training throughput of tftransfer's DANN against a minimal hand-written tf.function loop.

    python benchmarks/speed_dann.py [--steps 600] [--batch-size 128] [--repeats 5]

Both train the same networks (MLP 256-128 feature extractor, Dense classifier, 64-64 domain
discriminator, gradient reversal) with Adam on the same paired tf.data stream, measured in
the same process after a warm-up pass (tracing excluded). The baseline is what a user writes
by hand: a `@tf.function` step called from a Python loop. Two settings, each in its own
worker process (op determinism cannot be switched off again within a process), launched
alternately so that drifts in machine load hit both:

* default: TF op determinism on (bit-reproducible runs), the framework compiled as the
  runner compiles it (`steps_per_execution=runner.build.steps_per_call(steps)`; Keras turns
  XLA off under determinism), against the hand-written loop under determinism too;
* fast: determinism off, the framework with XLA (`jit_compile=True`) and
  `steps_per_execution=20`, against the hand-written loop without determinism.

Throughput = source samples per second. The last lines print the ratios (framework /
hand-written, higher favours the framework), with `default ratio` the one of the runner's
own mode.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

import numpy as np

FEATURES, CLASSES = 64, 10


def make_data(n=4096, seed=0):
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n, FEATURES)).astype("float32")
    ys = rng.integers(0, CLASSES, n)
    xt = (rng.normal(size=(n, FEATURES)) + 0.5).astype("float32")
    return xs, ys, xt


def networks():
    import keras

    from tftransfer import backbones

    fe = backbones.get("mlp", input_shape=(FEATURES,), units=(256, 128))
    head = keras.layers.Dense(CLASSES)
    disc = keras.Sequential([keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
    return fe, head, disc


def framework_throughput(data, steps, batch_size, steps_per_execution, jit_compile):
    import keras

    from tftransfer.adaptation import DomainAdversarialLoss
    from tftransfer.methods import DomainAdaptationModel

    keras.utils.set_random_seed(0)
    fe, head, _ = networks()
    # The hand-written loop's networks: no bottleneck, a 64-64 discriminator without BN.
    model = DomainAdaptationModel(fe, CLASSES, classifier=head, losses={
        "domain_adversarial": DomainAdversarialLoss(hidden_units=(64, 64), batch_norm=False)})
    model.compile(optimizer=keras.optimizers.Adam(1e-3), jit_compile=jit_compile,
                  steps_per_execution=steps_per_execution)
    model.fit(data, epochs=1, steps_per_epoch=steps_per_execution * 4, verbose=0,
              shuffle=False)  # warm-up: tracing and XLA compilation
    start = time.perf_counter()
    model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return steps * batch_size / (time.perf_counter() - start)


def handwritten_throughput(data, steps, batch_size):
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    fe, head, disc = networks()
    head.build((None, 128))
    disc.build((None, 128))
    optimizer = keras.optimizers.Adam(1e-3)
    variables = fe.trainable_variables + head.trainable_variables + disc.trainable_variables
    optimizer.build(variables)

    @tf.custom_gradient
    def reverse(x):
        return tf.identity(x), lambda dy: -dy

    @tf.function
    def step(source, target):
        (x_s, y_s), (x_t,) = source, target
        with tf.GradientTape() as tape:
            f = fe(tf.concat([x_s, x_t], 0), training=True)
            n = tf.shape(x_s)[0]
            task = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(
                y_s, head(f[:n]), from_logits=True))
            d = tf.squeeze(disc(reverse(f)), -1)
            labels = tf.concat([tf.ones([n]), tf.zeros([tf.shape(x_t)[0]])], 0)
            domain = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=d))
            loss = task + domain
        optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    iterator = iter(data)
    for _ in range(20):  # warm-up (tracing)
        step(*next(iterator))
    start = time.perf_counter()
    for _ in range(steps):
        loss = step(*next(iterator))
    float(loss)  # wait for the last step
    return steps * batch_size / (time.perf_counter() - start)


def worker(mode: str, steps: int, batch_size: int) -> dict:
    """One repeat of one setting, in this (fresh) process: {"handwritten": ..., "framework": ...}."""
    import tensorflow as tf

    from tftransfer.data import paired_dataset
    from tftransfer.runner.build import steps_per_call

    if mode == "default":
        tf.config.experimental.enable_op_determinism()
    xs, ys, xt = make_data()
    data = paired_dataset(xs, ys, xt, batch_size=batch_size, seed=0)
    spe, jit = (steps_per_call(steps), "auto") if mode == "default" else (20, True)
    return {"handwritten": handwritten_throughput(data, steps, batch_size),
            "framework": framework_throughput(data, steps, batch_size, spe, jit),
            "steps_per_execution": spe}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cpu", choices=("cpu", "gpu"),
                        help="where TensorFlow runs (gpu: its default placement; cpu: no GPU)")
    parser.add_argument("--worker", choices=("default", "fast"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        if args.device == "cpu":
            import os
            os.environ["CUDA_VISIBLE_DEVICES"] = ""
        print(json.dumps(worker(args.worker, args.steps, args.batch_size)))
        return
    results = {"default": [], "fast": []}
    for _ in range(args.repeats):  # alternated, so drifts in machine load hit both settings
        for mode in results:
            out = subprocess.run([sys.executable, __file__, "--worker", mode, "--steps",
                                  str(args.steps), "--batch-size", str(args.batch_size),
                                  "--device", args.device],
                                 check=True, capture_output=True, text=True).stdout
            results[mode].append(json.loads(out.strip().splitlines()[-1]))

    def show(label, values):
        print(f"{label}: {statistics.mean(values):,.0f} ± {statistics.pstdev(values):,.0f} samples/s "
              f"(runs: {', '.join(f'{v:,.0f}' for v in values)})")

    for mode, title in (("default", "op determinism on"), ("fast", "op determinism off")):
        spe = results[mode][0]["steps_per_execution"]
        show(f"[{title}] hand-written tf.function loop", [r["handwritten"] for r in results[mode]])
        show(f"[{title}] tftransfer DANN, "
             + (f"the runner's setting (no XLA, steps_per_execution={spe})" if mode == "default"
                else f"XLA, steps_per_execution={spe}"), [r["framework"] for r in results[mode]])
    mean = {m: {k: statistics.mean(r[k] for r in results[m]) for k in ("handwritten", "framework")}
            for m in results}
    print(f"default ratio (both deterministic): "
          f"{mean['default']['framework'] / mean['default']['handwritten']:.2f}")
    print(f"default vs a non-deterministic hand-written loop: "
          f"{mean['default']['framework'] / mean['fast']['handwritten']:.2f}")
    print(f"ratio (fast mode, both non-deterministic): "
          f"{mean['fast']['framework'] / mean['fast']['handwritten']:.2f}")


if __name__ == "__main__":
    main()
