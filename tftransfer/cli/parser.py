"""The `tftransfer` argument parser: every subcommand, flag and default, with its help."""

from __future__ import annotations

import argparse
import sys
from typing import Tuple

import yaml

from tftransfer.cli.errors import USAGE


class Parser(argparse.ArgumentParser):
    """argparse with a one-line `error:` message (exit 2) instead of the usage block."""

    def error(self, message):
        self.exit(USAGE, f"error: {message} (see `{self.prog} --help`)\n")


EPILOG = """exit status: 0 success; 1 the command ran and failed (unusable data, a failed
run: the message says what to fix); 2 bad usage (an unknown flag, method, backbone or format, a
bad value, a missing file). Errors are one line starting with `error:`; add --traceback before
the subcommand to see the Python traceback."""

RUN_EPILOG = """files: a labelled source file, a target file (labelled or not) and an optional
labelled target test file, in any format of `tftransfer list formats` (detected by suffix;
--format overrides). Without --target-test the target is the unlabelled adaptation data and,
if it has labels, the test set (transductive); without target labels the command predicts
the target (predictions.csv) and nothing is scored.

writes OUT/: runs/<run id>/ (config.json, history.csv, metrics.json, features.npz,
predictions.csv, done), results.csv, summary.md (with the source's class shares beside
source_only's target predictions), predictions.csv (a column per method), task.json, samples/,
auto.json (with auto), report.html + report.md + figures/, tensorboard/ (with --tensorboard).
A killed command resumes: relaunch it and finished runs are read back, not retrained (a
changed file makes new runs: run ids hash the files' content).

example:
  tftransfer run --source a.csv --target b.csv --methods auto --out results/ab
  tftransfer run --source a.csv --target b.csv --methods source_only,dann,mcc --seeds 3 \\
      --epochs 30 --backbone mlp --backbone-option units=[256,128] --tensorboard
"""


def key_value(text: str) -> Tuple[str, object]:
    """`KEY=VALUE` with VALUE read as YAML (`units=[64,32]`, `x_key=fts`, `scale=0.5`)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        parsed = yaml.safe_load(value) if value.strip() else ""
    except yaml.YAMLError:
        parsed = value
    return key.strip(), parsed


def raw_key_value(text: str) -> Tuple[str, str]:
    """`KEY=VALUE` with VALUE kept as text (search-space specs such as `1:4`)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=SPEC, got {text!r}")
    return key.strip(), value.strip()


def _int_at_least(text: str, minimum: int) -> int:
    """`text` as an integer >= `minimum`; otherwise the argparse error that says so."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer >= {minimum}, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {value}")
    return value


def positive_int(text: str) -> int:
    """An integer >= 1 (an argparse `type`)."""
    return _int_at_least(text, 1)


def non_negative_int(text: str) -> int:
    """An integer >= 0 (an argparse `type`)."""
    return _int_at_least(text, 0)


def _add_input_flags(parser, with_test: bool = True) -> None:
    group = parser.add_argument_group("data")
    group.add_argument("--source", required=True, metavar="PATH",
                       help="the labelled source file (or image folder)")
    group.add_argument("--target", required=True, metavar="PATH",
                       help="the target file: with labels they only score the result; without, "
                            "the command adapts to it and predicts it")
    if with_test:
        group.add_argument("--target-test", default=None, metavar="PATH",
                           help="a labelled target test file (inductive protocol); default: none")
    group.add_argument("--format", default=None, metavar="NAME",
                       help="read every file as this format (default: by suffix; see "
                            "`tftransfer list formats`)")
    group.add_argument("--label-column", default=None, metavar="NAME",
                       help="tables/text: the label column (default: 'label', else the last)")
    group.add_argument("--labels", default="auto",
                       choices=("auto", "zero_based", "one_based", "binary", "values"),
                       help="how numeric labels are read: detected (auto, with a note), 0-based, "
                            "1-based, binary -1/+1, or arbitrary values (default: auto); class "
                            "names are always sorted into one vocabulary")
    group.add_argument("--allow-partial", action="store_true",
                       help="accept a target lacking some source classes (partial-set); a "
                            "target class the source lacks is always an error")
    group.add_argument("--standardize", default="auto",
                       choices=("auto", "pooled", "scale", "none"),
                       help="rescale flat features by statistics of source and target pooled: "
                            "auto (default) when some feature's values are in the hundreds or "
                            "more (root mean square > 100) — each feature z-scored if they "
                            "are in different units (10%% peak 100 times lower than the "
                            "highest), "
                            "else all divided by one scale; "
                            "pooled: always z-score; scale: always divide; none: never")
    group.add_argument("--missing", default="error", choices=("error", "mean"),
                       help="missing (empty / NaN) feature values: error (default: say where "
                            "they are) or mean: fill each with its column's mean over source "
                            "and target; a missing category needs neither (zero in its one-hot "
                            "columns)")
    group.add_argument("--read-option", type=key_value, action="append", default=[],
                       metavar="KEY=VALUE",
                       help="a reader option for every file, e.g. x_key=fts, y_key=labels, "
                            "delimiter=';', image_size=[32,32] (repeatable)")


def _add_model_flags(parser) -> None:
    group = parser.add_argument_group("training")
    group.add_argument("--backbone", default="mlp", metavar="SPEC",
                       help="feature extractor: mlp, lenet, keras_application:<Name>, "
                            "file:<model.keras|.h5>, hub:<handle-or-path> (default: mlp)")
    group.add_argument("--backbone-option", type=key_value, action="append", default=[],
                       metavar="KEY=VALUE",
                       help="a backbone option, e.g. units=[256,128] for mlp (repeatable)")
    # The budget every method's defaults were chosen with (the benchmark modules'). On raw
    # user files (8 tasks of 6 benchmarks, 3 seeds; benchmarks/files_budget.py,
    # docs/benchmarks.md) 20 passes of 64 left every deep method 1.2-3.5 points lower on
    # average, and auto 0.9, for the same compute.
    group.add_argument("--epochs", type=positive_int, default=10,
                       help="epochs per run (default: 10)")
    group.add_argument("--steps-per-epoch", type=positive_int, default=50, metavar="N",
                       help="optimizer steps per epoch: N, or one pass over the larger domain "
                            "where that is more (default: 50, the budget every method's "
                            "defaults were chosen with; 1: one pass)")
    group.add_argument("--batch-size", type=positive_int, default=32,
                       help="batch size per domain (default: 32)")
    group.add_argument("--target-labels", type=non_negative_int, default=None, metavar="K",
                       help="target labels per class for methods that use a few (finetune); "
                            "default: the method's (3)")


def _add_output_flags(parser, default_out: str) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--out", default=default_out, metavar="DIR",
                       help=f"results folder (default: {default_out}); reused folders resume")
    group.add_argument("--seeds", type=positive_int, default=1,
                       help="seeds per method, 0..N-1 (default: 1); tables give mean ± std")
    group.add_argument("--jobs", type=positive_int, default=1,
                       help="runs trained in parallel worker processes (default: 1); results do "
                            "not depend on it")
    group.add_argument("--tensorboard", action="store_true",
                       help="write TensorBoard logs per run to OUT/tensorboard/ (every loss term "
                            "and λ per epoch): tensorboard --logdir OUT/tensorboard")
    group.add_argument("--no-report", action="store_true",
                       help="skip report.html / report.md (make them later: tftransfer report OUT)")
    group.add_argument("--quiet", action="store_true",
                       help="print nothing but errors (default: a line per run with the time left; "
                            "a live epoch line on a terminal)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="tftransfer",
        description="Transfer learning and domain adaptation on your own files: train and "
                    "compare methods, tune them, inspect data, and report.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--traceback", action="store_true",
                        help="show Python tracebacks of errors (for bug reports)")
    from tftransfer import __version__

    parser.add_argument("--version", action="version", version=f"tftransfer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True

    run = sub.add_parser(
        "run", help="train methods on a source and a target file; results and a report",
        description="Train transfer methods from a labelled source file to a target file, "
                    "evaluate them (target labels, if any, only score), and write the results, "
                    "the predictions and a report.",
        epilog=RUN_EPILOG + "\n" + EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_input_flags(run)
    methods = run.add_argument_group("methods")
    methods.add_argument("--methods", default="auto", metavar="LIST",
                         help="comma-separated methods (`tftransfer list methods`), 'a+b' "
                              "compositions, 'auto' (train auto's candidates and pick one with "
                              "honest validators, falling back to source_only), or 'all' "
                              "(default: auto)")
    _add_model_flags(run)
    _add_output_flags(run, "results/tftransfer_run")

    tune = sub.add_parser(
        "tune", help="search a method's hyperparameters (KerasTuner), then train the selection",
        description="Search each method's hyperparameters with KerasTuner on the source and "
                    "target files, maximising a validator (honest: it reads no target label, "
                    "except target_oracle, which is labelled ORACLE), then train the selected "
                    "configuration for every seed and write the results and the report, as "
                    "`tftransfer run` does. Searches resume: a relaunch reruns no finished trial.",
        epilog="writes OUT/tuning/<search>/ (KerasTuner's trials, trials.csv: every trial's "
               "hyperparameters and scores), OUT/tuning/best.json, and what `tftransfer run` "
               "writes.\n\nexample:\n  tftransfer tune --source a.csv --target b.csv --methods "
               "dann --objective dev --max-trials 10 --space lambda_=0.01:10:log\n\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_input_flags(tune)
    search = tune.add_argument_group("search")
    search.add_argument("--methods", default="dann", metavar="LIST",
                        help="comma-separated methods to tune (default: dann)")
    search.add_argument("--objective", default="dev", metavar="VALIDATOR",
                        help="validator to maximise (`tftransfer list validators`; default: dev)")
    search.add_argument("--max-trials", type=positive_int, default=10,
                        help="trials per search (default: 10; hyperband sizes its own)")
    search.add_argument("--tuner", default="random", choices=("random", "bayes", "hyperband"),
                        help="search algorithm (default: random)")
    search.add_argument("--space", type=raw_key_value, action="append", default=[],
                        metavar="NAME=SPEC",
                        help="override a search dimension: LOW:HIGH[:log], A|B|C or a fixed "
                             "value, e.g. lambda_=0.01:10:log (repeatable)")
    _add_model_flags(tune)
    _add_output_flags(tune, "results/tftransfer_tune")

    report = sub.add_parser(
        "report", help="(re)build report.html and report.md of a results folder",
        description="Build report.html (self-contained: figures embedded) and report.md + "
                    "figures/ of a results folder: `tftransfer run`'s or an experiment "
                    "module's (results.csv and runs/). Sections: results table (mean ± std, "
                    "ORACLE rows marked), bar chart, negative-transfer flags, learning curves, "
                    "domain discrepancy (proxy A-distance, MK-MMD) of inputs and features, "
                    "2-D embeddings before/after adaptation (folders with feature samples).",
        epilog="example:\n  tftransfer report results/digits_shift\n\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    report.add_argument("dir", metavar="DIR", help="the results folder")
    report.add_argument("--title", default=None, help="the report's title")
    report.add_argument("--no-tsne", action="store_true", help="PCA embeddings only (faster)")
    report.add_argument("--no-inputs", action="store_true",
                        help="do not reload an experiment's data to measure its inputs' "
                             "discrepancy (folders of `tftransfer run` keep a sample anyway)")
    report.add_argument("--quiet", action="store_true", help="print nothing but errors")

    data = sub.add_parser(
        "data", help="describe data files: shape, classes and counts, NaNs, problems and fixes",
        description="Read each file as `tftransfer run` would and print what was read: format "
                    "and how it was detected, shape, label column and every class with its "
                    "count, NaN/infinite values, constant features, notes, and each problem with "
                    "its fix. Exit status 1 when a file has a problem.",
        epilog="example:\n  tftransfer data a.csv b.csv\n  tftransfer data scores.mat "
               "--read-option side=target\n\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    data.add_argument("paths", nargs="+", metavar="PATH", help="data files or image folders")
    data.add_argument("--format", default=None, metavar="NAME",
                      help="read as this format (default: by suffix)")
    data.add_argument("--label-column", default=None, metavar="NAME",
                      help="tables/text: the label column (default: 'label', else the last)")
    data.add_argument("--labels", default="auto",
                      choices=("auto", "zero_based", "one_based", "binary", "values"),
                      help="how numeric labels are read (default: auto)")
    data.add_argument("--read-option", type=key_value, action="append", default=[],
                      metavar="KEY=VALUE", help="a reader option, e.g. x_key=fts (repeatable)")
    data.add_argument("--json", action="store_true", help="print one JSON object per file")

    listing = sub.add_parser(
        "list", help="list methods, backbones, validators and file formats",
        description="List what the other commands accept by name.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    listing.add_argument("what", nargs="?", default="all",
                         choices=("all", "methods", "backbones", "validators", "formats"),
                         help="what to list (default: all)")
    return parser


def parse(argv=None) -> argparse.Namespace:
    return build_parser().parse_args(sys.argv[1:] if argv is None else list(argv))
