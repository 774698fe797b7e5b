"""Linear probe of a frozen pretrained ResNet-8 on USPS: end to end vs on cached features.

    python benchmarks/feature_cache.py [--epochs 60] [--seeds 3] [--train 4000] [--test 2007]
                                       [--batch-size 128] [--data-dir ../shared/data]

Backbone: `file:<data_dir>/pretrained/resnet8_cifar10.h5` (ResNet-8 trained on CIFAR-10, cut
before its classifier: 64 features), frozen (`freeze_depth="none"`). Data: USPS digits
(`load_usps`), 16x16 grey upsampled to 32x32x3 and scaled to [0, 255], the pixel range the
ResNet-8 was trained on (`tftransfer.data.images.grey_to_rgb`). By default a seeded,
stratified SUBSET of about 4,000 of the 7,291 training images (90% to train the
head, 10% to validate it each epoch) and all 2,007 test images, to keep the run under ~5
minutes on 2 CPU cores; `--train 7291` uses them all.

The same head (one Dense layer, `source_only`'s default classifier, Adam 1e-2, batch 128) is
trained for E epochs, for each seed,

(a) end to end: `source_only(frozen ResNet-8)`, every step runs the backbone's forward pass;
(b) on cached features: `tftransfer.features.extract_task` then `source_only` on the
    64-d features, twice: "cold", from an empty cache, so its time INCLUDES the extraction
    of every split (and hashing the weights and data), then "warm", from the cache the
    cold run wrote (its time includes the fingerprints and reading the files).

Times cover building the model, `fit_task` (with its per-epoch validation) and evaluating
on the USPS test set; loading the backbone file and the data is excluded from both. Target
accuracy and times: mean ± std over the seeds (the three runs of a seed follow each other, so
they share the machine's load). The last line prints `ratio: X`, mean end-to-end time over
mean cold cached time (extraction included): the speed-up of a first cached run, the least
favourable one; `ratio warm` is the speed-up once the cache exists. Both grow with the
number of epochs (the extraction is paid once, an end-to-end epoch costs about one
extraction of the training images).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import keras
import numpy as np

from tftransfer import backbones, features, methods
from tftransfer.data import TransferTask, load_usps
from tftransfer.data.images import grey_domain_to_rgb
from tftransfer.data.loaders import resolve_data_dir
from tftransfer.reproducibility import set_seed
from tftransfer.training import fit_task


def usps_task(data_dir, n_train: int, n_test: int, seed: int = 0) -> TransferTask:
    """USPS as 32x32x3 images: a (subset of the) training set and the test set."""
    train, test = load_usps("train", data_dir), load_usps("test", data_dir)
    rng = np.random.default_rng(seed)

    def subset(domain, n):
        if n >= domain.n:
            return domain
        # Stratified: n/num_classes-proportional draw per class, in the original order.
        keep = np.concatenate([rng.permutation(np.flatnonzero(domain.y == c))[
            : round(n * np.mean(domain.y == c))] for c in range(domain.num_classes)])
        return domain.subset(np.sort(keep))

    # [0, 255]: the ResNet-8 was trained on raw 8-bit pixels (on [0, 1] half its features die).
    source = grey_domain_to_rgb(subset(train, n_train), scale=255.0)
    target = grey_domain_to_rgb(subset(test, n_test), scale=255.0)
    return TransferTask.transductive("usps/train->usps/test", source, target, seed=seed)


def train_and_test(backbone, task, *, epochs, batch_size, seed, **method_options):
    """Trains `source_only` (Dense head) on the task; returns (target test accuracy, seconds)."""
    start = time.perf_counter()
    model = methods.get("source_only")(backbone, num_classes=task.num_classes, **method_options)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    fit_task(model, task, epochs=epochs, batch_size=batch_size, seed=seed)
    accuracy = model.evaluate(task.target_test.x, task.target_test.y, batch_size=256,
                              return_dict=True, verbose=0)["accuracy"]
    return accuracy, time.perf_counter() - start


def identity_backbone(shape):
    """A weightless backbone: the cached features are the head's input as they are."""
    return keras.Sequential([keras.Input(shape), keras.layers.Identity()], name="cached_features")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--train", type=int, default=4000, help="USPS training images used")
    parser.add_argument("--test", type=int, default=2007, help="USPS test images used")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)

    data_dir = resolve_data_dir(args.data_dir)
    task = usps_task(data_dir, args.train, args.test)
    resnet = backbones.get(f"file:{data_dir / 'pretrained' / 'resnet8_cifar10.h5'}",
                           input_shape=(32, 32, 3))
    print(f"task: {task}")
    print(f"backbone: {resnet.name}, {resnet.count_params():,} parameters, frozen, "
          f"features {resnet.output_shape[1:]}; head: Dense({task.num_classes}); "
          f"{args.epochs} epochs, batch {args.batch_size}")

    e2e, cold, warm = [], [], []  # (accuracy, seconds) per seed
    with tempfile.TemporaryDirectory() as root:
        for seed in range(args.seeds):
            set_seed(seed, deterministic=False)
            e2e.append(train_and_test(resnet, task, epochs=args.epochs, batch_size=args.batch_size,
                                      seed=seed, freeze_depth="none"))
            cache_dir = f"{root}/seed{seed}"  # empty: the first cached run extracts
            for runs in (cold, warm):
                set_seed(seed, deterministic=False)
                start = time.perf_counter()
                feature_task = features.extract_task(resnet, task, cache_dir=cache_dir)
                extraction = time.perf_counter() - start
                accuracy, seconds = train_and_test(identity_backbone(feature_task.input_shape),
                                                   feature_task, epochs=args.epochs,
                                                   batch_size=args.batch_size, seed=seed)
                runs.append((accuracy, extraction + seconds, extraction))
            print(f"seed {seed}: end to end {e2e[-1][0]:.4f} in {e2e[-1][1]:.1f} s; cached cold "
                  f"{cold[-1][0]:.4f} in {cold[-1][1]:.1f} s (extraction {cold[-1][2]:.1f} s), "
                  f"warm {warm[-1][0]:.4f} in {warm[-1][1]:.1f} s (cache read {warm[-1][2]:.2f} s)")

    def show(label, runs, index, unit, digits):
        values = [run[index] for run in runs]
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        print(f"{label:<36}{statistics.mean(values):.{digits}f} ± {spread:.{digits}f}{unit}")
        return statistics.mean(values)

    print(f"mean ± std over {args.seeds} seeds; accuracy on the {task.target_test.n} USPS test images")
    show("accuracy end to end:", e2e, 0, "", 4)
    show("accuracy cached:", cold, 0, "", 4)
    seconds = show("time end to end:", e2e, 1, " s", 1)
    cold_seconds = show("time cached, cold (extraction in):", cold, 1, " s", 1)
    warm_seconds = show("time cached, warm:", warm, 1, " s", 1)
    print(f"ratio warm: {seconds / warm_seconds:.1f}")
    print(f"ratio: {seconds / cold_seconds:.1f}")


if __name__ == "__main__":
    main()
