"""The `tftransfer` command: your own data, end to end.

    tftransfer data a.csv b.csv                          what was read, what to fix
    tftransfer run --source a.csv --target b.csv         train, evaluate, report (auto)
    tftransfer tune --source a.csv --target b.csv --methods dann --objective dev
    tftransfer report DIR                                report.html of any results folder
    tftransfer list [methods|backbones|validators|formats]

`main(argv)` returns the exit status: 0 success, 1 a failed command (unusable data, a failed
run), 2 bad usage (an unknown name, a bad value, a missing file). Every error is one line
starting with `error:`, without a traceback (`tftransfer --traceback ...` shows it).

Modules: `parser` (every flag and its help), `inputs` (files -> a task, the "files"
dataset), `training` (a run and a grid, with feature samples, predictions, TensorBoard),
`output` (where lines go), `progress` (a line per run with the time left, the live epoch
line), one module per command (`run`, `tune`, `report`, `data`, `listing`).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Optional, Sequence

from tftransfer.cli.errors import FAILED, USAGE, CommandFailed, UsageError, one_line

__all__ = ["main"]


def _command(name: str):
    # Imported on use: `tftransfer data` and `--help` need neither KerasTuner nor the runner.
    if name == "run":
        from tftransfer.cli.run import run_command
        return run_command
    if name == "tune":
        from tftransfer.cli.tune import tune_command
        return tune_command
    if name == "report":
        from tftransfer.cli.report import report_command
        return report_command
    if name == "data":
        from tftransfer.cli.data import data_command
        return data_command
    from tftransfer.cli.listing import list_command
    return list_command


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the command line `argv` (default: `sys.argv[1:]`); returns the exit status."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from tftransfer.cli.parser import parse

    try:
        args = parse(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else USAGE
    from tftransfer.cli.output import Output

    output = Output(quiet=getattr(args, "quiet", False))
    # TensorFlow's Python warnings (retracing notices) say nothing a user of files can act on.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    try:
        _check_paths(args)
        return _command(args.command)(args, output)
    except KeyboardInterrupt:
        output.clear_status()
        print("error: interrupted; relaunch the same command to resume (finished runs are kept)",
              file=sys.stderr)
        return 130
    except Exception as error:
        status, message = _failure(error)
        output.clear_status()
        if args.traceback:
            traceback.print_exception(error)
        print(f"error: {message}", file=sys.stderr, flush=True)
        return status


def _check_paths(args) -> None:
    """Missing input paths, before TensorFlow is imported (and prints its start-up lines)."""
    for flag in ("source", "target", "target_test"):
        path = getattr(args, flag, None)
        if path is not None and not Path(path).expanduser().exists():
            role = flag.replace("_", " ")
            raise FileNotFoundError(f"{role} file {path!r} not found; check the path")
    for path in getattr(args, "paths", None) or ():
        if not Path(path).expanduser().exists():
            raise FileNotFoundError(f"data file {path!r} not found; check the path")


def _failure(error: Exception):
    """(exit status, one-line message) of an exception a command raised."""
    if isinstance(error, (UsageError, FileNotFoundError)):
        return USAGE, one_line(error)
    if isinstance(error, (CommandFailed, ValueError, TypeError, OSError)):
        return FAILED, one_line(error)
    # A bug: still one line; the traceback on request.
    return FAILED, (f"internal error: {type(error).__name__}: {one_line(error)} (rerun with "
                    "`tftransfer --traceback ...` and report it)")
