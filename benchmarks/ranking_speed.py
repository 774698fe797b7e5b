"""Ranking the zoo on a 2,000-example target: the time of `rank_backbones`, cold and warm.

    python benchmarks/ranking_speed.py [--zoo results/zoo] [--examples 2000] [--threads 0]
                                       [--scores all] [--data-dir ../shared/data]

Target: the first `--examples` images of the USPS test set (2,007), in the zoo's 32x32x3
format. Backbones: every member of the zoo (`tftransfer.zoo`, built first when missing): 7
`hub:` exports and the `file:` ResNet-8. Scores: `--scores`, comma-separated names or `all`
(the default: every registered score, `tftransfer.ranking.names()`, N-LEEP's mixture fit
included), each backbone's own source head for LEEP/NCE.

Two calls, each timed end to end (building every backbone from its spec, the forward passes
or cache reads, the source heads, the scores):

* cold: an empty feature cache, so every backbone runs its forward pass over the target;
* warm: the same call again, features and head outputs read from the cache.

`--threads 0` leaves TensorFlow's thread pools at their default (all cores: 2 on the
development machine, the setting of the issue's goal, "under 2 minutes on 2 cores"). Loading
the data and importing TensorFlow are excluded. The last line prints `ratio: X`, cold time
over warm time, measured in this run.
"""

from __future__ import annotations

import argparse
import tempfile
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", default="results/zoo")
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=0,
                        help="TensorFlow intra/inter-op threads (0: TensorFlow's default)")
    parser.add_argument("--scores", default="all",
                        help="comma-separated score names, or 'all' (every registered score)")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    from tftransfer import ranking

    scores = (ranking.names() if args.scores == "all"
              else [s.strip() for s in args.scores.split(",") if s.strip()])
    unknown = sorted(set(scores) - set(ranking.names()))
    if not scores:
        parser.error(f"--scores names no score; valid: {', '.join(ranking.names())}, all")
    if unknown:
        parser.error(f"unknown scores {unknown}; valid: {', '.join(ranking.names())}, all")

    import tensorflow as tf

    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import pandas as pd

    from tftransfer.data.benchmarks import load_usps
    from tftransfer.ranking import rank_backbones
    from tftransfer.zoo import build_zoo, load_zoo, to_zoo_images

    build_zoo(args.zoo, data_dir=args.data_dir)
    zoo = load_zoo(args.zoo)
    usps = load_usps("test", args.data_dir)
    target = to_zoo_images(usps.subset(range(min(args.examples, usps.n)), name="usps/test"))
    print(f"{len(zoo.members)} backbones, target {target.n} examples {target.feature_shape}, "
          f"TensorFlow threads: {args.threads or 'default'}; scores: {', '.join(scores)}")
    with tempfile.TemporaryDirectory() as cache:
        times = {}
        for run in ("cold", "warm"):
            start = time.perf_counter()
            table = rank_backbones(zoo.specs(), target, scores=scores,
                                   source_heads=zoo.source_heads(), cache_dir=cache)
            times[run] = time.perf_counter() - start
            with pd.option_context("display.width", 200, "display.max_columns", 20):
                print(f"\n{run}: {times[run]:.1f} s")
                print(table.drop(columns=["spec", "note"]).round(3).to_string(index=False))
    print(f"\nranking {len(zoo.members)} backbones on {target.n} examples: cold {times['cold']:.1f} s, "
          f"warm {times['warm']:.1f} s")
    print(f"ratio: {times['cold'] / times['warm']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
