"""Speed against the peers: the same DANN trained by tftransfer, by ADAPT and by PyTorch.

    make bench-peers        # creates .venv-bench (pip install -e ".[bench]"), runs both scenarios
    .venv-bench/bin/python benchmarks/peers.py [throughput|grid|all] [--repeats 5]
        [--grid-repeats 3] [--device cpu|gpu] [--json results.json]

The peers are ADAPT's `DANN` (adapt 0.4.5, Keras; de Mathelin et al., 2021) and a minimal
PyTorch loop (torch 2.13.0, CPU build): the `bench` extra of setup.cfg installs both. Keep
them out of the project's own environment (ADAPT pulls scikeras and cvxopt; a torch range
would pull a CUDA build of several GB): `make bench-peers` uses `.venv-bench`.

Every contender trains the same problem: Office-Caltech10 SURF (800-d, 10 classes, the
project's standard preprocessing and source/validation split, `tftransfer.data.benchmarks`),
an MLP feature extractor F (800 -> 256, ReLU), a linear classifier C (256 -> 10 logits) and
a domain discriminator D (256 -> 64 -> 64 -> 1, ReLU, no BatchNorm) behind gradient
reversal, no bottleneck, a constant trade-off λ, Adam (η = 1e-3, ε = 1e-7, no weight
decay), `batch_size` source + `batch_size` target samples a step, an epoch = ceil(max(n_s,
n_t) / batch_size) steps (the definition of tftransfer and of ADAPT), Glorot-uniform weights
and zero biases (Keras' defaults; the PyTorch loop initialises its layers the same way).
The objective is the same: F and C descend L_task − λ · L_dom, D descends L_dom, with
L_dom the discriminator's binary cross-entropy on the joint batch. ADAPT's `DANN` writes
its domain loss as mean(−log D(f_s) − log(1 − D(f_t))), twice that cross-entropy, so it gets
`lambda_ = λ / 2`; it steps D with its own copy of the optimizer at full strength, as the
reversal does in the other two (Adam is invariant to the scale of D's own gradient).

Scenario "throughput" (steady state). Per repeat and contender: a fresh seeded model, a
warm-up call of `--warmup-epochs` epochs (tracing/compilation; its wall time is printed as
`first call`), then the timed call of `--epochs` epochs; samples/s = source samples of the
timed call / its wall seconds; then the target accuracy (all target samples, the
transductive protocol) after warm-up + timed epochs. Contenders:

- tftransfer, default: the runner's setting: TF op determinism on (bit-reproducible), so
  no XLA (Keras turns it off under determinism), `steps_per_execution` =
  `runner.build.steps_per_call` (the largest divisor of an epoch's steps up to 100); built by
  `methods.get("dann")` with the widths above, compiled with the optimizer the runner builds
  from an Adam recipe (`Recipe.build_optimizer`: `FusedAdam`, TensorFlow's fused Adam
  kernel; Keras's own Adam in the XLA modes, as the runner does) and trained by `Model.fit`
  on `data.paired_dataset`, as `training.fit_task` does;
- tftransfer, fast: determinism off, XLA (`jit_compile=True`), `steps_per_execution` = one
  epoch's steps;
- ADAPT `DANN`: its own `fit(Xs, ys, Xt, epochs, batch_size)` with its defaults
  (`jit_compile` left to Keras: off on a CPU-only machine, `steps_per_execution=1`);
- PyTorch: a plain eager loop (forward, `backward`, `Adam.step`) over index batches;
- (only with `--contenders ...,tftransfer_nondet`) tftransfer with determinism off but no
  XLA and the default's steps per call: the cost of op determinism alone;
- (only with `--contenders ...,tftransfer_xla`) the runner's `--xla` mode
  (`RunConfig.xla`): op determinism on, XLA kept (`jit_compile=True`), the default's steps
  per call.

Scenario "grid" (whole-grid cost): `--grid-tasks` (default all 12 tasks) × `--grid-seeds`
(default 3) DANN runs of `--grid-epochs` (default 10) epochs at batch size
`--grid-batch-size` (default 32, the experiment's), each run: fresh seeded model, train,
target accuracy. tftransfer runs `tftransfer.runner.run_grid` (one process, jobs=1, its
records and run directories written to a fresh temporary folder, one compiled model reused
per architecture); ADAPT runs `benchmarks/peers_adapt_grid.py`, the plain script an ADAPT
user writes (each task loaded once, one `DANN` per seed). Each grid is one fresh Python
process, as a user launches it: the time is the process's wall time, import included (also
printed: the time of the grid itself, without the import).

Why contenders run in worker processes. The issue asked for one process. One command runs
everything, but each contender lives in its own persistent worker process, driven in
turn by this one, because (1) TF op determinism, which the tftransfer default mode needs, is
process-wide and TensorFlow's public API can turn it on but not off again, while the
other contenders run without it (their default); (2) PyTorch and TensorFlow each keep
their own intra-op thread pools; in one process both pools would compete for the cores,
which is not how anyone runs either. ADAPT itself needed no workaround: adapt 0.4.5 runs on
Keras 3 (`tf.keras` is Keras 3.15 under TF 2.21), no `tf-keras` or `TF_USE_LEGACY_KERAS`.
The workers run one at a time (the others wait on a pipe), and every repeat visits the
contenders in a rotated order, so drifts of the machine's load hit all of them alike.

`--threads N` gives every contender N CPU threads (TensorFlow's intra- and inter-op pools,
PyTorch's `set_num_threads`, OMP/MKL/OpenBLAS); 0 (default) keeps each framework's default
of one thread per core. On a loaded machine use `--threads 1`: PyTorch's OpenMP threads wait
for each other at every op, and with the second core taken by other work its loop ran
~20x slower (135-197 vs 2,352-2,525 samples/s measured with 2 vs 1 thread, load ~15 on 2
cores), which measures the machine, not the framework.

`--device gpu` makes every contender use the first GPU (TensorFlow's default placement,
PyTorch's "cuda") and fails with a clear message where there is none; `--device cpu`
(default) hides the GPUs from TensorFlow and keeps PyTorch on the CPU.

Ratios are tftransfer / peer (higher favours tftransfer). "Accuracy equal or better"
means tftransfer's mean target accuracy is not below the peer's by more than two
standard errors of the difference of the means.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

UNITS = 256
DISCRIMINATOR_UNITS = (64, 64)
LEARNING_RATE = 1e-3
ADAM_EPSILON = 1e-7  # Keras' default; PyTorch's is 1e-8
CONTENDERS = ("tftransfer", "tftransfer_fast", "adapt", "torch")
# Not run by default: the default mode with determinism off (no XLA, the same steps per call),
# to tell the cost of op determinism from that of XLA and steps_per_execution.
EXTRA_CONTENDERS = ("tftransfer_nondet", "tftransfer_xla")
LABELS = {
    "tftransfer": "tftransfer, default (deterministic, no XLA, runner's steps_per_execution)",
    "tftransfer_fast": "tftransfer, fast (XLA, steps_per_execution=epoch, not deterministic)",
    "tftransfer_nondet": "tftransfer, not deterministic, no XLA, runner's steps_per_execution",
    "tftransfer_xla": "tftransfer, --xla (deterministic, XLA, runner's steps_per_execution)",
    "adapt": "ADAPT DANN (Keras fit, its defaults)",
    "torch": "PyTorch eager loop",
    "grid_tftransfer": "tftransfer run_grid, default (deterministic)",
    "grid_tftransfer_fast": "tftransfer run_grid, deterministic=False",
    "grid_adapt": "ADAPT script (benchmarks/peers_adapt_grid.py)",
}


# --------------------------------------------------------------------------- device setup

def configure_device(device: str, threads: int = 0) -> None:
    """Call in a worker before TensorFlow or PyTorch is imported; `threads` 0 keeps each
    framework's default (one thread per core)."""
    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if threads:
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[name] = str(threads)


def check_tf_device(device: str, threads: int = 0) -> None:
    """Checks the device and sets TensorFlow's thread pools (before its first op)."""
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    if device == "gpu" and not tf.config.list_physical_devices("GPU"):
        raise RuntimeError("--device gpu: TensorFlow sees no GPU on this machine")


# --------------------------------------------------------------------------- contenders
# Each factory imports its framework and returns train(seed) -> dict.


def tftransfer_trainer(problem, mode: str, device: str, threads: int):
    """`mode`: "default" (the runner's), "fast", "nondet" or "xla" (the module docstring)."""
    import keras

    from tftransfer import backbones, methods
    from tftransfer.data import paired_dataset
    from tftransfer.data.domains import Domain
    from tftransfer.methods.recipe import Recipe
    from tftransfer.reproducibility import set_seed
    from tftransfer.runner.build import steps_per_call
    from tftransfer.training import accuracy

    check_tf_device(device, threads)
    xs, ys, xt, yt = problem["xs"], problem["ys"], problem["xt"], problem["yt"]
    bs, spe, classes = problem["batch_size"], problem["steps_per_epoch"], problem["classes"]
    target = Domain(name="target", x=xt, y=yt, num_classes=classes)
    fast = mode == "fast"

    def train(seed):
        keras.backend.clear_session()  # as the runner does before every run
        set_seed(seed, deterministic=mode in ("default", "xla"))
        start = time.perf_counter()
        fe = backbones.get("mlp", input_shape=xs.shape[1:], units=(UNITS,))
        model = methods.get("dann")(fe, classes, bottleneck_units=0,
                                    discriminator_units=DISCRIMINATOR_UNITS,
                                    discriminator_batch_norm=False, lambda_=problem["lambda_"],
                                    lambda_schedule="constant")
        # The runner's optimizer: the recipe's Adam (`FusedAdam`; Keras's own under XLA).
        recipe = Recipe(optimizer="adam", learning_rate=LEARNING_RATE, weight_decay=0.0,
                        lr_schedule="constant")
        jit = mode in ("fast", "xla")
        steps = spe * (problem["warmup_epochs"] + problem["epochs"])
        model.compile(optimizer=recipe.build_optimizer(steps, fused=not jit),
                      jit_compile=True if jit else "auto",
                      steps_per_execution=spe if fast else steps_per_call(spe))
        data = paired_dataset(xs, ys, xt, batch_size=bs, seed=seed)
        model.fit(data, epochs=problem["warmup_epochs"], steps_per_epoch=spe, verbose=0)
        warm = time.perf_counter()
        model.fit(data, epochs=problem["epochs"], steps_per_epoch=spe, verbose=0)
        timed = time.perf_counter() - warm
        return {"first_call_s": warm - start, "timed_s": timed,
                "accuracy": accuracy(model, target, bs)}

    return train


def adapt_trainer(problem, device: str, threads: int):
    import keras
    import numpy as np

    check_tf_device(device, threads)
    xs, ys, xt, yt = problem["xs"], problem["ys"], problem["xt"], problem["yt"]
    classes = problem["classes"]
    ys_onehot = np.eye(classes, dtype="float32")[ys]  # ADAPT reshapes predictions to y's shape

    def train(seed):
        keras.backend.clear_session()
        keras.utils.set_random_seed(seed)
        start = time.perf_counter()
        model = adapt_dann(xs.shape[1], classes, problem["lambda_"], seed)
        model.fit(xs, ys_onehot, xt, epochs=problem["warmup_epochs"],
                  batch_size=problem["batch_size"], verbose=0)
        warm = time.perf_counter()
        model.fit(xs, ys_onehot, xt, epochs=problem["epochs"], batch_size=problem["batch_size"],
                  verbose=0)
        timed = time.perf_counter() - warm
        predictions = np.asarray(model.predict(xt, verbose=0)).argmax(1)
        return {"first_call_s": warm - start, "timed_s": timed,
                "accuracy": float(np.mean(predictions == yt))}

    return train


def adapt_dann(features: int, classes: int, lambda_: float, seed: int):
    """ADAPT's DANN with the networks and optimizer of this benchmark (not fitted)."""
    import keras
    from adapt.feature_based import DANN

    encoder = keras.Sequential([keras.Input((features,)),
                                keras.layers.Dense(UNITS, activation="relu")])
    task = keras.Sequential([keras.Input((UNITS,)), keras.layers.Dense(classes)])
    discriminator = keras.Sequential(
        [keras.Input((UNITS,))]
        + [keras.layers.Dense(u, activation="relu") for u in DISCRIMINATOR_UNITS]
        + [keras.layers.Dense(1, activation="sigmoid")])
    # ADAPT's domain loss is twice the joint cross-entropy: λ/2 gives the same objective.
    return DANN(encoder, task, discriminator, lambda_=lambda_ / 2, random_state=seed,
                loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                optimizer=keras.optimizers.Adam(LEARNING_RATE, epsilon=ADAM_EPSILON))


def torch_trainer(problem, device: str, threads: int):
    import numpy as np
    import torch
    from torch import nn
    from torch.nn import functional as F

    if threads:
        torch.set_num_threads(threads)
        torch.set_num_interop_threads(threads)

    if device == "gpu" and not torch.cuda.is_available():
        raise RuntimeError(f"--device gpu: PyTorch {torch.__version__} sees no CUDA device")
    dev = torch.device("cuda" if device == "gpu" else "cpu")
    xs = torch.as_tensor(problem["xs"], device=dev)
    ys = torch.as_tensor(problem["ys"], dtype=torch.long, device=dev)
    xt = torch.as_tensor(problem["xt"], device=dev)
    yt = problem["yt"]
    bs, spe, lambda_ = problem["batch_size"], problem["steps_per_epoch"], problem["lambda_"]

    class ReverseGradient(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.view_as(x)

        @staticmethod
        def backward(ctx, grad):
            return -grad

    def dense(n_in, n_out):
        layer = nn.Linear(n_in, n_out)
        nn.init.xavier_uniform_(layer.weight)  # Keras' Glorot uniform, zero bias
        nn.init.zeros_(layer.bias)
        return layer

    def batches(n, generator):
        """Endless index batches: passes reshuffled, repeated, then cut (as paired_dataset)."""
        buffer = torch.empty(0, dtype=torch.long)
        while True:
            while len(buffer) < bs:
                buffer = torch.cat([buffer, torch.randperm(n, generator=generator)])
            yield buffer[:bs].to(dev)
            buffer = buffer[bs:]

    def train(seed):
        torch.manual_seed(seed)
        start = time.perf_counter()
        encoder = nn.Sequential(dense(xs.shape[1], UNITS), nn.ReLU()).to(dev)
        classifier = dense(UNITS, problem["classes"]).to(dev)
        layers, width = [], UNITS
        for u in DISCRIMINATOR_UNITS:
            layers += [dense(width, u), nn.ReLU()]
            width = u
        discriminator = nn.Sequential(*layers, dense(width, 1)).to(dev)
        modules = (encoder, classifier, discriminator)
        optimizer = torch.optim.Adam([p for m in modules for p in m.parameters()],
                                     lr=LEARNING_RATE, eps=ADAM_EPSILON)
        domain = torch.cat([torch.ones(bs), torch.zeros(bs)]).to(dev)

        def fit(epochs, call_seed):
            generator = torch.Generator().manual_seed(call_seed)
            source, target = batches(len(xs), generator), batches(len(xt), generator)
            for m in modules:
                m.train()
            for _ in range(epochs * spe):
                i, j = next(source), next(target)
                features = encoder(torch.cat([xs[i], xt[j]]))
                task_loss = F.cross_entropy(classifier(features[:bs]), ys[i])
                logits = discriminator(ReverseGradient.apply(features)).squeeze(-1)
                loss = task_loss + lambda_ * F.binary_cross_entropy_with_logits(logits, domain)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
            loss.detach().item()  # wait for the last step (a GPU runs asynchronously)

        fit(problem["warmup_epochs"], seed)
        warm = time.perf_counter()
        fit(problem["epochs"], seed)
        timed = time.perf_counter() - warm
        for m in modules:
            m.eval()
        with torch.no_grad():
            predictions = classifier(encoder(xt)).argmax(1).cpu().numpy()
        return {"first_call_s": warm - start, "timed_s": timed,
                "accuracy": float(np.mean(predictions == yt))}

    return train


def make_trainer(name, problem, device, threads):
    if name.startswith("tftransfer"):
        mode = {"tftransfer": "default", "tftransfer_fast": "fast", "tftransfer_nondet": "nondet",
                "tftransfer_xla": "xla"}[name]
        return tftransfer_trainer(problem, mode, device, threads)
    if name == "adapt":
        return adapt_trainer(problem, device, threads)
    return torch_trainer(problem, device, threads)


def worker(name, device, threads, connection):
    """A contender's process: set up once, then train one seed per request."""
    configure_device(device, threads)
    try:
        problem = connection.recv()
        train = make_trainer(name, problem, device, threads)
        connection.send(("ready", None))
    except Exception:
        connection.send(("error", traceback.format_exc()))
        return
    while True:
        seed = connection.recv()
        if seed is None:
            return
        try:
            connection.send(("ok", train(seed)))
        except Exception:
            connection.send(("error", traceback.format_exc()))


# --------------------------------------------------------------------------- scenarios


def load_problem(args):
    sys.path.insert(0, ROOT)
    from tftransfer.data import steps_per_epoch
    from tftransfer.data.benchmarks import office_caltech_surf_task

    task = office_caltech_surf_task(args.task)
    xs, ys = task.source_train.x, task.source_train.y
    xt, yt = task.target_test.x, task.target_test.y
    return {"xs": xs.astype("float32"), "ys": ys.astype("int32"), "xt": xt.astype("float32"),
            "yt": yt.astype("int32"), "classes": int(task.num_classes),
            "batch_size": args.batch_size, "lambda_": args.lambda_,
            "steps_per_epoch": steps_per_epoch(len(xs), len(xt), args.batch_size),
            "epochs": args.epochs, "warmup_epochs": args.warmup_epochs}


def throughput(args):
    problem = load_problem(args)
    names = [c for c in args.contenders.split(",")]
    context = multiprocessing.get_context("spawn")
    workers = {}
    for name in names:
        parent, child = context.Pipe()
        process = context.Process(target=worker, args=(name, args.device, args.threads, child), daemon=True)
        process.start()
        parent.send(problem)
        workers[name] = (process, parent)
    for name, (_, connection) in workers.items():
        status, detail = connection.recv()
        if status != "ready":
            raise RuntimeError(f"contender {name} failed to start:\n{detail}")
    steps = problem["epochs"] * problem["steps_per_epoch"]
    print(f"throughput: Office-Caltech SURF {args.task}, {len(problem['xs'])} source / "
          f"{len(problem['xt'])} target samples, batch {args.batch_size}+{args.batch_size}, "
          f"{problem['steps_per_epoch']} steps an epoch, {args.warmup_epochs} warm-up + "
          f"{args.epochs} timed epochs ({steps} steps), λ={args.lambda_}, Adam {LEARNING_RATE}, "
          f"device {args.device}, threads {args.threads or 'default'}, {args.repeats} "
          f"interleaved repeats", flush=True)
    results = {name: [] for name in names}
    try:
        for repeat in range(args.repeats):
            order = names[repeat % len(names):] + names[:repeat % len(names)]
            for name in order:
                _, connection = workers[name]
                connection.send(args.seed + repeat)
                status, detail = connection.recv()
                if status != "ok":
                    raise RuntimeError(f"contender {name} failed (seed {args.seed + repeat}):\n{detail}")
                detail["samples_per_s"] = steps * args.batch_size / detail["timed_s"]
                results[name].append(detail)
                print(f"  repeat {repeat + 1} {name}: {detail['samples_per_s']:,.0f} samples/s, "
                      f"first call {detail['first_call_s']:.2f} s, target acc "
                      f"{100 * detail['accuracy']:.1f}%", flush=True)
    finally:
        for process, connection in workers.values():
            try:
                connection.send(None)
            except (BrokenPipeError, OSError):
                pass
            process.join(30)
    _print_table(("contender", "samples/s", "first call (s)", "target accuracy (%)"),
                 [(LABELS[name], results[name]) for name in names],
                 [(lambda r: r["samples_per_s"], ",.0f"), (lambda r: r["first_call_s"], ".2f"),
                  (lambda r: 100 * r["accuracy"], ".1f")])
    verdicts = []
    for ours in ("tftransfer", "tftransfer_fast", "tftransfer_nondet", "tftransfer_xla"):
        for peer in ("adapt", "torch"):
            if ours in results and peer in results:
                ratio = _mean(results, ours, "samples_per_s") / _mean(results, peer, "samples_per_s")
                paired = [a["samples_per_s"] / b["samples_per_s"]
                          for a, b in zip(results[ours], results[peer])]
                same_or_better = _not_worse(results[ours], results[peer])
                print(f"ratio {ours} / {peer}: {ratio:.2f} (of the mean samples/s; per repeat "
                      f"{_pm(paired, '.2f')}, median {statistics.median(paired):.2f}); accuracy "
                      f"{'equal or better' if same_or_better else 'WORSE'} "
                      f"({_mean(results, ours, 'accuracy') * 100:.1f}% vs "
                      f"{_mean(results, peer, 'accuracy') * 100:.1f}%)")
                verdicts.append({"ours": ours, "peer": peer, "ratio": ratio,
                                 "ratios_per_repeat": paired,
                                 "accuracy_equal_or_better": same_or_better})
    for ours in ("tftransfer", "tftransfer_fast", "tftransfer_xla"):
        if ours in results and "adapt" in results:
            v = next(v for v in verdicts if v["ours"] == ours and v["peer"] == "adapt")
            met = v["ratio"] >= 2.0 and v["accuracy_equal_or_better"]
            print(f"target (>= 2x ADAPT's samples/s at equal or better accuracy), {ours}: "
                  f"{'MET' if met else 'NOT MET'}")
    return {"problem": {k: v for k, v in problem.items() if k not in ("xs", "ys", "xt", "yt")},
            "results": results, "ratios": verdicts}


def grid(args):
    tasks = args.grid_tasks.split(",") if args.grid_tasks else None
    names = args.grid_contenders.split(",")
    results = {name: [] for name in names}
    print(f"grid: Office-Caltech SURF, {len(tasks) if tasks else 12} tasks x {args.grid_seeds} "
          f"seeds, {args.grid_epochs} epochs, batch {args.grid_batch_size}, λ={args.lambda_}, "
          f"device {args.device}, threads {args.threads or 'default'}, {args.grid_repeats} interleaved repeats (fresh process each)",
          flush=True)
    common = ["--seeds", str(args.grid_seeds), "--epochs", str(args.grid_epochs),
              "--batch-size", str(args.grid_batch_size), "--lambda", str(args.lambda_),
              "--device", args.device, "--threads", str(args.threads)]
    if tasks:
        common += ["--tasks", ",".join(tasks)]
    for repeat in range(args.grid_repeats):
        order = names[repeat % len(names):] + names[:repeat % len(names)]
        for name in order:
            with tempfile.TemporaryDirectory(prefix="peers_grid_") as folder:
                result_file = os.path.join(folder, "result.json")
                if name == "adapt":
                    command = [sys.executable, os.path.join(HERE, "peers_adapt_grid.py")]
                else:
                    command = [sys.executable, os.path.abspath(__file__), "_grid",
                               "--out", os.path.join(folder, "out"),
                               "--deterministic", "0" if name == "tftransfer_fast" else "1"]
                command += common + ["--result", result_file]
                start = time.perf_counter()
                done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
                wall = time.perf_counter() - start
                if done.returncode != 0:
                    raise RuntimeError(f"grid contender {name} failed:\n{done.stderr[-4000:]}")
                with open(result_file) as f:
                    result = json.load(f)
            result["wall_s"] = wall
            results[name].append(result)
            accs = result["accuracies"]
            print(f"  repeat {repeat + 1} {name}: {wall:.1f} s in all ({result['grid_s']:.1f} s "
                  f"grid, {result['import_s']:.1f} s imports), {len(accs)} runs, mean target acc "
                  f"{100 * statistics.mean(accs):.1f}%", flush=True)
    _print_table(("contender", "process wall (s)", "grid without imports (s)",
                  "mean target accuracy over runs (%)"),
                 [(LABELS["grid_" + name], results[name]) for name in names],
                 [(lambda r: r["wall_s"], ".1f"), (lambda r: r["grid_s"], ".1f"),
                  (lambda r: 100 * statistics.mean(r["accuracies"]), ".1f")])
    verdicts = []
    for ours in ("tftransfer", "tftransfer_fast", "tftransfer_xla"):
        if ours in results and "adapt" in results:
            ratio = _mean(results, "adapt", "wall_s") / _mean(results, ours, "wall_s")
            inner = _mean(results, "adapt", "grid_s") / _mean(results, ours, "grid_s")
            paired = [b["wall_s"] / a["wall_s"] for a, b in zip(results[ours], results["adapt"])]
            ours_acc = [a for r in results[ours] for a in r["accuracies"]]
            peer_acc = [a for r in results["adapt"] for a in r["accuracies"]]
            same_or_better = _not_worse_values(ours_acc, peer_acc)
            met = ratio >= 1.5 and same_or_better
            print(f"grid speed-up {ours} vs ADAPT: {ratio:.2f}x (process wall; per repeat "
                  f"{_pm(paired, '.2f')}), {inner:.2f}x (grid without imports); accuracy {'equal or better' if same_or_better else 'WORSE'}"
                  f" ({100 * statistics.mean(ours_acc):.1f}% vs {100 * statistics.mean(peer_acc):.1f}%"
                  f" over all runs); target (>= 1.5x at equal or better accuracy): "
                  f"{'MET' if met else 'NOT MET'}")
            verdicts.append({"ours": ours, "speedup_wall": ratio, "speedup_grid": inner,
                             "speedups_wall_per_repeat": paired,
                             "accuracy_equal_or_better": same_or_better})
    return {"results": results, "ratios": verdicts}


def grid_worker(argv):
    """One tftransfer grid in this process (`peers.py _grid ...`); writes a JSON result."""
    parser = argparse.ArgumentParser(prog="peers.py _grid")
    parser.add_argument("--out", required=True)
    parser.add_argument("--result", required=True)
    parser.add_argument("--deterministic", type=int, default=1)
    parser.add_argument("--tasks", default=None)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lambda", dest="lambda_", type=float, default=1.0)
    parser.add_argument("--device", choices=("cpu", "gpu"), default="cpu")
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    configure_device(args.device, args.threads)
    sys.path.insert(0, ROOT)
    from tftransfer.config import RunConfig
    from tftransfer.data.benchmarks import OFFICE_CALTECH_TASKS
    from tftransfer.runner import run_grid

    check_tf_device(args.device, args.threads)
    imported = time.perf_counter()
    tasks = args.tasks.split(",") if args.tasks else list(OFFICE_CALTECH_TASKS)
    configs = [RunConfig(
        experiment="peers_grid", task=task, method="dann", dataset="office_caltech_surf",
        seed=seed, epochs=args.epochs, batch_size=args.batch_size, backbone="mlp",
        backbone_options={"units": [UNITS]},
        method_options={"bottleneck_units": 0, "discriminator_units": list(DISCRIMINATOR_UNITS),
                        "discriminator_batch_norm": False, "lambda_": args.lambda_,
                        "lambda_schedule": "constant"},
        recipe={"optimizer": "adam", "learning_rate": LEARNING_RATE, "weight_decay": 0.0,
                "lr_schedule": "constant"},
        deterministic=bool(args.deterministic)) for task in tasks for seed in range(args.seeds)]
    records = run_grid(configs, args.out, report=None, jobs=1)
    done = time.perf_counter()
    failed = [r for r in records if r["status"] != "done"]
    if failed:
        raise RuntimeError(f"{len(failed)} runs failed, first: {failed[0].get('error')}")
    with open(args.result, "w") as f:
        json.dump({"import_s": imported - start, "grid_s": done - imported,
                   "accuracies": [r["target_accuracy"] for r in records],
                   "runs": [[r["task"], r["seed"], r["target_accuracy"]] for r in records]}, f)


# --------------------------------------------------------------------------- helpers


def _mean(results, name, key):
    return statistics.mean(r[key] for r in results[name])


def _pm(values, spec):
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{format(statistics.mean(values), spec)} ± {format(spread, spec)}"


def _print_table(header, contenders, columns):
    """Prints, between blank lines, a Markdown table: a row per (label, repeats' results) of
    `contenders`, a column per (value of one result, format) of `columns`, as mean ± std."""
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for label, repeats in contenders:
        cells = [_pm([value(r) for r in repeats], spec) for value, spec in columns]
        print("| " + " | ".join([label, *cells]) + " |")
    print()


def _not_worse_values(ours, peer):
    """Mean of `ours` not below the mean of `peer` by more than two standard errors."""
    def var(v):
        return statistics.variance(v) / len(v) if len(v) > 1 else 0.0
    margin = 2 * math.sqrt(var(ours) + var(peer))
    return statistics.mean(ours) >= statistics.mean(peer) - margin


def _not_worse(ours, peer):
    return _not_worse_values([r["accuracy"] for r in ours], [r["accuracy"] for r in peer])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["_grid"]:
        return grid_worker(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", choices=("throughput", "grid", "all"), default="all")
    parser.add_argument("--device", choices=("cpu", "gpu"), default="cpu")
    parser.add_argument("--threads", type=int, default=0,
                        help="CPU threads of every contender (0: each framework's default)")
    parser.add_argument("--task", default="A->W", help="Office-Caltech SURF task of the throughput scenario")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=40, help="timed epochs")
    parser.add_argument("--warmup-epochs", type=int, default=5)
    parser.add_argument("--lambda", dest="lambda_", type=float, default=1.0,
                        help="trade-off λ (ADAPT gets λ/2, see the module docstring)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="seed of the first repeat")
    parser.add_argument("--contenders", default=",".join(CONTENDERS),
                        help=f"of {', '.join(CONTENDERS + EXTRA_CONTENDERS)}")
    parser.add_argument("--grid-contenders", default="tftransfer,adapt",
                        help="of tftransfer, tftransfer_fast, adapt")
    parser.add_argument("--grid-tasks", default=None, help="comma-separated (default: all 12)")
    parser.add_argument("--grid-seeds", type=int, default=3)
    parser.add_argument("--grid-epochs", type=int, default=10)
    parser.add_argument("--grid-batch-size", type=int, default=32)
    parser.add_argument("--grid-repeats", type=int, default=3)
    parser.add_argument("--json", default=None, help="also write every number to this file")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.contenders.split(",")) - set(CONTENDERS + EXTRA_CONTENDERS))
    unknown += sorted(set(args.grid_contenders.split(",")) - {"tftransfer", "tftransfer_fast", "adapt"})
    if unknown:
        parser.error(f"unknown contenders {unknown}")
    report = {"args": vars(args)}
    if args.scenario in ("throughput", "all"):
        report["throughput"] = throughput(args)
        print()
    if args.scenario in ("grid", "all"):
        report["grid"] = grid(args)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1, default=float)


if __name__ == "__main__":
    main()
