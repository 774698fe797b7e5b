"""Where the command line's lines go: stdout, a live status line on terminals, or nothing
with `--quiet`. Imports no TensorFlow, so usage errors come back fast."""

from __future__ import annotations

import shutil
import sys
from typing import Optional, TextIO


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
