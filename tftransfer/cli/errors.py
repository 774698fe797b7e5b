"""The command line's two failures and their exit statuses."""

#: Exit statuses: success, a failed run (bad data, a run that failed), bad usage.
OK, FAILED, USAGE = 0, 1, 2


class UsageError(Exception):
    """The command line is wrong (an unknown name, a bad value, a missing path): exit 2."""


class CommandFailed(Exception):
    """The command ran and failed (unusable data, failed runs): exit 1."""


def one_line(error: BaseException) -> str:
    """The error's message on one line."""
    text = " ".join(part.strip() for part in str(error).splitlines() if part.strip())
    if isinstance(error, KeyError) and len(error.args) == 1:
        text = str(error.args[0])
    return text or type(error).__name__
