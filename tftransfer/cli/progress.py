"""What the command line prints while it works: a line per finished run with the time left,
a live status line on a terminal, nothing with `--quiet`."""

from __future__ import annotations

import shutil
import sys
import time
from typing import Optional, TextIO

import keras

from tftransfer.runner import Progress


class Output:
    """Lines for the user.

    Args:
        quiet: Print nothing but errors.
        stream: Where lines go (stdout).
        status_stream: Where the live status line goes (stderr); only when it is a terminal,
            so a log file gets one line per run and no carriage returns.
    """

    def __init__(self, quiet: bool = False, stream: Optional[TextIO] = None,
                 status_stream: Optional[TextIO] = None):
        self.quiet = quiet
        self.stream = stream or sys.stdout
        self.status_stream = status_stream or sys.stderr
        self.live = not quiet and _is_terminal(self.status_stream)
        self._status_shown = False

    def line(self, text: str) -> None:
        if self.quiet:
            return
        self.clear_status()
        print(text, file=self.stream, flush=True)

    def status(self, text: str) -> None:
        """Rewrites the live status line (terminals only)."""
        if not self.live:
            return
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.status_stream.write("\r" + text[:width] + "\x1b[K")
        self.status_stream.flush()
        self._status_shown = True

    def clear_status(self) -> None:
        if self._status_shown:
            self.status_stream.write("\r\x1b[K")
            self.status_stream.flush()
            self._status_shown = False


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


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
