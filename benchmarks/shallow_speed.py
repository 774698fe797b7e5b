"""Fit + predict time of the shallow methods on 2,000 × 800 features, against raw 1-NN.

    python benchmarks/shallow_speed.py [--samples 2000] [--features 800] [--classes 10]
                                       [--repeats 3] [--threads 1] [--methods jda,bda,...]

A fixed synthetic problem of the size of an Office-Caltech SURF task (C->A has 2,081 × 800):
half the samples are the source, half the target, 10 Gaussian classes in 800 features, the
target rotated in a 40-feature block, scaled and shifted (seed 0). Each method, with its
default (paper) settings, is timed for `fit(Xs, ys, Xt)` then `predict(Xt)`; each
transform (`tftransfer.transforms`: CORAL, SA, TCA, GFK) for `fit(Xs, Xt)` then
`transform_target(Xt)`. The time is the median of `--repeats` runs (wall clock,
`time.perf_counter`), all in this one process, so they share the machine's load, with
`--threads` BLAS / OpenMP threads (default 1: on a shared 2-core machine two BLAS threads
spin against other processes and run several times slower). The
baseline is 1-NN on the raw features (`nn1`: fit + predict) measured in the same run; each
line prints `ratio` = time / baseline time. The target accuracy is printed as a sanity
check of the problem, not as a benchmark result.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from tftransfer import shallow, transforms

DEFAULT_METHODS = "nn1,svm,logreg,jda,bda,meda,easytl,gfk,coral_nn1,tca_nn1"
DEFAULT_TRANSFORMS = "coral,sa,tca,gfk"


def make_problem(samples: int, features: int, classes: int, seed: int = 0):
    """Source and target halves of a seeded Gaussian-class problem with a domain shift."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1.0, (classes, features))
    n_s = samples // 2

    def draw(n):
        y = np.arange(n) % classes
        return centres[y] + rng.normal(0, 8.0, (n, features)), y

    (xs, ys), (xt, yt) = draw(n_s), draw(samples - n_s)
    block = min(40, features)
    rotation = np.linalg.qr(rng.normal(size=(block, block)))[0]
    xt[:, :block] = xt[:, :block] @ rotation
    xt = 1.5 * xt + 2.0
    return xs, ys, xt, yt


def timed(fn, repeats: int):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000, help="source + target samples")
    parser.add_argument("--features", type=int, default=800)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="BLAS / OpenMP threads")
    parser.add_argument("--methods", default=DEFAULT_METHODS)
    parser.add_argument("--transforms", default=DEFAULT_TRANSFORMS)
    args = parser.parse_args(argv)
    threadpool_limits(args.threads)
    xs, ys, xt, yt = make_problem(args.samples, args.features, args.classes)
    print(f"problem: {len(xs)} source + {len(xt)} target samples, {args.features} features, "
          f"{args.classes} classes; median of {args.repeats} runs; {args.threads} thread(s)")

    def classify(name):
        return lambda: shallow.get(name).fit(xs, ys, xt).predict(xt)

    baseline, _ = timed(classify("nn1"), args.repeats)
    print(f"baseline nn1 (fit + predict): {baseline:.3f} s")
    print(f"{'method':<12} {'fit+predict s':>14} {'ratio':>9} {'target acc':>11}")
    for name in args.methods.split(","):
        seconds, predicted = timed(classify(name), args.repeats)
        print(f"{name:<12} {seconds:>14.3f} {seconds / baseline:>9.1f} "
              f"{100 * np.mean(predicted == yt):>10.1f}%", flush=True)
    print(f"{'transform':<12} {'fit+transform s':>14} {'ratio':>9}")
    for name in args.transforms.split(","):
        seconds, _ = timed(lambda: transforms.get(name).fit(xs, xt).transform_target(xt),
                           args.repeats)
        print(f"{name:<12} {seconds:>14.3f} {seconds / baseline:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
