"""`tftransfer report DIR`: report.html and report.md of any results folder."""

from __future__ import annotations

from tftransfer.cli.errors import CommandFailed, one_line
from tftransfer.report import build_report


def report_command(args, output) -> int:
    projections = ("pca",) if args.no_tsne else ("pca", "tsne")
    try:
        paths = build_report(args.dir, title=args.title, projections=projections,
                             load_inputs=not args.no_inputs, progress=output.line)
    except FileNotFoundError:
        raise
    except ValueError as error:  # not a results folder
        raise CommandFailed(one_line(error)) from None
    for note in paths["notes"]:
        output.line(f"note: {note}")
    output.line(f"wrote {paths['html']}, {paths['markdown']} and {len(paths['figures'])} "
                f"figure(s) in {paths['html'].parent / 'figures'}")
    return 0
