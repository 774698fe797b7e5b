"""Progress of runs: a line per finished run with the time left, and the live epoch line of
a run on a terminal (`output.Output` decides where lines go)."""

from __future__ import annotations

import time

import keras

from tftransfer.cli.output import Output, duration
from tftransfer.runner import Progress


class RunProgress:
    """A line per finished run: done/total, failed, the run's result, elapsed and time left.

    The counting and the estimate are the runner's (`tftransfer.runner.Progress`: the mean
    time of the runs trained so far, cached runs cost nothing); the line names the source
    validation accuracy when the target has no labels.
    """

    def __init__(self, total: int, output: Output):
        self.counter = Progress(total, None)
        self.output = output

    def update(self, record: dict) -> None:
        c = self.counter
        c.update(record)
        elapsed = time.perf_counter() - c.start
        left = elapsed / c.trained * (c.total - c.done) if c.trained else 0.0
        head = (f"[{c.done}/{c.total}{f', {c.failed} failed' if c.failed else ''}] "
                f"{record['method']} seed={record['seed']}")
        if record["status"] == "failed":
            text = f"{head}: FAILED ({record['error']})"
        else:
            accuracy = record.get("target_accuracy")
            if accuracy is not None and accuracy == accuracy:
                result = f"target acc {100 * accuracy:.1f}%"
            else:
                source_val = record.get("source_val_accuracy", float("nan"))
                result = f"source val acc {100 * source_val:.1f}%"
            cached = " (cached)" if record.get("cached") else f", {record['train_seconds']:.1f}s"
            text = f"{head}: {result}{cached}"
        self.output.line(f"{text} | {duration(elapsed)} elapsed, ~{duration(left)} left")


class EpochStatus(keras.callbacks.Callback):
    """The live status line during a run: which run, which epoch, the time left in it."""

    def __init__(self, output: Output, prefix: str):
        super().__init__()
        self.output, self.prefix = output, prefix

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self.output.status(f"{self.prefix}: training...")

    def on_epoch_end(self, epoch, logs=None):
        epochs = self.params.get("epochs") or 0
        spent = time.perf_counter() - self.start
        left = spent / (epoch + 1) * max(0, epochs - epoch - 1)
        loss = (logs or {}).get("loss")
        loss_text = f", loss {loss:.4f}" if isinstance(loss, (int, float)) else ""
        self.output.status(f"{self.prefix}: epoch {epoch + 1}/{epochs}{loss_text}, "
                           f"~{duration(left)} left in this run")

    def on_train_end(self, logs=None):
        self.output.clear_status()
