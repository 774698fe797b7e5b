"""Training throughput of tftransfer's DANN against a minimal hand-written tf.function loop.

    python benchmarks/speed_dann.py [--steps 600] [--batch-size 128] [--repeats 5]

Both train the same networks (MLP 256-128 feature extractor, Dense classifier, 64-64 domain
discriminator, gradient reversal) with Adam on the same paired tf.data stream, measured in
the same process after one warm-up pass (tracing/compilation excluded). The framework runs
through `Model.fit` set for speed: XLA (`jit_compile=True`) and `steps_per_execution`; it is
also measured without either (the setting the deterministic runner uses), for reference.
The baseline is what a user writes by hand: a `@tf.function` step called from a Python loop.
Throughput = source samples per second; the last line prints
`ratio: framework (XLA, steps_per_execution) / hand-written` (higher favours the framework).
"""

from __future__ import annotations

import argparse
import statistics
import time

import keras
import numpy as np
import tensorflow as tf

from tftransfer import backbones
from tftransfer.adaptation import DomainAdversarialLoss
from tftransfer.methods import DomainAdaptationModel
from tftransfer.data import paired_dataset

FEATURES, CLASSES = 64, 10


def make_data(n=4096, seed=0):
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n, FEATURES)).astype("float32")
    ys = rng.integers(0, CLASSES, n)
    xt = (rng.normal(size=(n, FEATURES)) + 0.5).astype("float32")
    return xs, ys, xt


def networks():
    fe = backbones.get("mlp", input_shape=(FEATURES,), units=(256, 128))
    head = keras.layers.Dense(CLASSES)
    disc = keras.Sequential([keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
    return fe, head, disc


def framework_throughput(data, steps, batch_size, steps_per_execution, jit_compile=True):
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps-per-execution", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    xs, ys, xt = make_data()
    data = paired_dataset(xs, ys, xt, batch_size=args.batch_size, seed=0)
    ours, plain, theirs = [], [], []
    for _ in range(args.repeats):  # interleaved, so drifts in machine load hit all three
        theirs.append(handwritten_throughput(data, args.steps, args.batch_size))
        ours.append(framework_throughput(data, args.steps, args.batch_size, args.steps_per_execution))
        plain.append(framework_throughput(data, args.steps, args.batch_size, 1, jit_compile=False))

    def show(label, values):
        print(f"{label}: {statistics.mean(values):,.0f} ± {statistics.pstdev(values):,.0f} samples/s "
              f"(runs: {', '.join(f'{v:,.0f}' for v in values)})")

    show("hand-written tf.function loop", theirs)
    show("tftransfer DANN, no XLA, steps_per_execution=1 (the runner's deterministic setting)", plain)
    show(f"tftransfer DANN, XLA, steps_per_execution={args.steps_per_execution}", ours)
    print(f"ratio without XLA: {statistics.mean(plain) / statistics.mean(theirs):.2f}")
    print(f"ratio: {statistics.mean(ours) / statistics.mean(theirs):.2f}")


if __name__ == "__main__":
    main()
