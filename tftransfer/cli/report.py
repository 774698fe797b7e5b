"""`tftransfer report DIR`: report.html and report.md of any results folder."""

from __future__ import annotations

from tftransfer.report import build_report


def report_command(args, output) -> int:
    projections = ("pca",) if args.no_tsne else ("pca", "tsne")
    # A folder that is not a results folder raises a ValueError that says so: `main` prints
    # it in one line; any other error keeps its traceback for `--traceback`.
    paths = build_report(args.dir, title=args.title, projections=projections,
                         load_inputs=not args.no_inputs, progress=output.line)
    for note in paths["notes"]:
        output.line(f"note: {note}")
    output.line(f"wrote {paths['html']}, {paths['markdown']} and {len(paths['figures'])} "
                f"figure(s) in {paths['html'].parent / 'figures'}")
    return 0
