"""Progress output: a line per run with the time left; a live line on terminals only."""

import io
import math

from tftransfer.cli.output import Output
from tftransfer.cli.progress import EpochStatus, RunProgress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def record(method, status="done", cached=False, accuracy=0.5):
    return {"task": "a->b", "method": method, "seed": 0, "status": status, "cached": cached,
            "target_accuracy": accuracy, "source_val_accuracy": 0.9, "train_seconds": 2.0,
            "error": "ValueError: boom"}


def test_a_line_per_run_with_counts_and_time_left():
    lines = io.StringIO()
    progress = RunProgress(3, Output(stream=lines, status_stream=io.StringIO()))
    progress.update(record("source_only", cached=True))
    progress.update(record("dann", status="failed"))
    progress.update(record("mcc", accuracy=math.nan))  # no target labels
    out = lines.getvalue().splitlines()
    assert out[0].startswith("[1/3] source_only seed=0: target acc 50.0% (cached) |")
    assert out[1].startswith("[2/3, 1 failed] dann seed=0: FAILED (ValueError: boom) |")
    assert out[2].startswith("[3/3, 1 failed] mcc seed=0: source val acc 90.0%, 2.0s |")
    assert all("elapsed, ~" in line and line.endswith("left") for line in out)


def test_the_live_line_only_on_a_terminal_and_never_when_quiet():
    for status_stream, quiet, live in ((Terminal(), False, True), (io.StringIO(), False, False),
                                       (Terminal(), True, False)):
        lines = io.StringIO()
        output = Output(quiet=quiet, stream=lines, status_stream=status_stream)
        callback = EpochStatus(output, "[1/2] dann seed=0")
        callback.params = {"epochs": 4}
        callback.on_train_begin()
        callback.on_epoch_end(0, {"loss": 0.5})
        assert ("epoch 1/4, loss 0.5000" in status_stream.getvalue()) is live
        output.line("done")
        assert lines.getvalue() == ("" if quiet else "done\n")
        assert "\r" not in lines.getvalue()
