"""`tftransfer data PATH...`: what a file holds, and what to fix (`tftransfer.data.inspect`)."""

from __future__ import annotations

import json

from tftransfer.cli.errors import CommandFailed, UsageError, one_line
from tftransfer.data.inspect import describe, format_description


def data_command(args, output) -> int:
    problems = []
    for i, path in enumerate(args.paths):
        try:
            description = describe(path, format=args.format, label_column=args.label_column,
                                   labels=args.labels, **dict(args.read_option))
        except FileNotFoundError:
            raise
        except (TypeError, ValueError) as error:  # an unknown format or an option it lacks
            raise UsageError(one_line(error)) from None
        if args.json:
            print(json.dumps(description.to_dict(), default=str), flush=True)
        else:
            if i:
                print(flush=True)
            print(format_description(description), flush=True)
        problems += [(description.path, p) for p in description.problems]
    if problems:
        path, first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s) above)" if len(problems) > 1 else ""
        raise CommandFailed(f"{path}: {first.what}; fix: {first.fix}{more}")
    return 0
