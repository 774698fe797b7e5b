"""Is an XLA run under op determinism bit-reproducible across processes and thread counts?

    python benchmarks/xla_determinism.py [--runs office_caltech_surf:A->W:cdan_e,...]
                                         [--threads 1,2,1] [--epochs 2] [--data-dir ../shared/data]

Each run (`benchmark:task:method`, as `experiments.defaults_report` builds it, with
`RunConfig(xla=True)`) trains in a fresh process per thread count and prints the SHA-1 of its
final weights: one hash per run means bit-identical. A run TF cannot compile deterministically with XLA (LeNet's max
pooling) prints the runner's ValueError instead.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from tftransfer.data.loaders import default_data_dir

CHILD = r'''
import hashlib, sys
from pathlib import Path
import numpy as np
import tensorflow as tf
threads, bench, task, method, epochs, data_dir = sys.argv[1:7]
tf.config.threading.set_intra_op_parallelism_threads(int(threads))
tf.config.threading.set_inter_op_parallelism_threads(int(threads))
from experiments.defaults_report import benchmark_configs
from tftransfer.runner import train
config = benchmark_configs(bench, [task], [method], 1, Path(data_dir), xla=True)[0]
try:
    model = train(config.replace(epochs=int(epochs)), reuse_compiled=False)[0]
except ValueError as error:
    print("ERROR", str(error)[:160])
else:
    digest = hashlib.sha1(b"".join(np.ascontiguousarray(w).tobytes() for w in model.get_weights()))
    print("HASH", digest.hexdigest()[:16], "jit_compile", model.jit_compile)
'''

DEFAULT_RUNS = "office_caltech_surf:A->W:cdan_e,reuters:org->people:mdd,mnist_usps:M->U:mcc"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default=DEFAULT_RUNS)
    parser.add_argument("--threads", default="1,2,1")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--data-dir", default=None,
                        help="benchmark data folder (default: $TFTRANSFER_DATA_DIR or ../shared/data)")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if data_dir is None:
        parser.error("no data folder: pass --data-dir or set $TFTRANSFER_DATA_DIR")
    root = Path(__file__).resolve().parents[1]
    same = True
    runs = []
    for run in args.runs.split(","):
        # The task may hold a colon itself (20 Newsgroups: "comp_vs_rec:12->34").
        bench, _, rest = run.partition(":")
        task, _, method = rest.rpartition(":")
        if not (bench and task and method):
            parser.error(f"--runs: {run!r} is not benchmark:task:method")
        runs.append((run, bench, task, method))
    for run, bench, task, method in runs:
        outcomes = []
        for threads in args.threads.split(","):
            result = subprocess.run([sys.executable, "-W", "ignore", "-c", CHILD, threads, bench, task,
                                     method, str(args.epochs), str(data_dir)],
                                    capture_output=True, text=True, cwd=root,
                                    env={**os.environ, "PYTHONPATH": str(root)})
            lines = [l for l in result.stdout.splitlines() if l.startswith(("HASH", "ERROR"))]
            outcomes.append(lines[0] if lines else "FAILED " + result.stderr[-200:])
        verdict = "identical" if len(set(outcomes)) == 1 else "DIFFER"
        same &= verdict == "identical"
        print(f"{run}: threads {args.threads} -> {verdict}: {outcomes[0]}", flush=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
