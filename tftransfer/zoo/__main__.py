"""`python -m tftransfer.zoo build --out DIR` (re)builds the zoo; `list --zoo DIR` shows it.

    python -m tftransfer.zoo build --out results/zoo [--members lenet_usps,mlp_mnist]
        [--seed 0] [--force] [--data-dir ../shared/data] [--threads 1]
    python -m tftransfer.zoo list --zoo results/zoo
"""

from __future__ import annotations

import argparse
import sys
import time


def _threads(count):
    if count:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(count)
        tf.config.threading.set_inter_op_parallelism_threads(count)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tftransfer.zoo", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="pretrain and export the missing or stale members")
    build.add_argument("--out", default="results/zoo", help="zoo folder (default results/zoo)")
    build.add_argument("--members", default=None, help="comma-separated member names (default: all)")
    build.add_argument("--seed", type=int, default=0)
    build.add_argument("--force", action="store_true", help="rebuild complete members too")
    build.add_argument("--data-dir", default=None, help="data folder (default ../shared/data)")
    build.add_argument("--threads", type=int, default=0,
                       help="TensorFlow intra/inter-op threads (default: TensorFlow's)")
    build.add_argument("--verbose", type=int, default=0)
    show = commands.add_parser("list", help="the members of a built zoo")
    show.add_argument("--zoo", default="results/zoo")
    args = parser.parse_args(argv)

    if args.command == "list":
        from tftransfer.zoo.load import load_zoo

        for m in load_zoo(args.zoo).members:
            accuracy = m.get("source_val_accuracy")
            accuracy = f"{100 * accuracy:5.1f}%" if accuracy is not None else "    - "
            print(f"{m['name']:<24}{m['architecture']:<14}{m['source']:<17}{accuracy}  {m['spec']}")
        return 0

    _threads(args.threads)
    from tftransfer.zoo.build import build_zoo
    from tftransfer.zoo.members import MEMBERS

    members = None
    if args.members:
        members = [name.strip() for name in args.members.split(",") if name.strip()]
        unknown = [name for name in members if name not in MEMBERS]
        if unknown:
            parser.error(f"unknown member {unknown[0]!r}; valid: {', '.join(MEMBERS.names())}")
    start = time.perf_counter()
    build_zoo(args.out, members=members, seed=args.seed, data_dir=args.data_dir, force=args.force,
              verbose=args.verbose)
    print(f"zoo in {args.out} ({time.perf_counter() - start:.0f}s); list it with "
          f"`python -m tftransfer.zoo list --zoo {args.out}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
