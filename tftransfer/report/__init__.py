"""Reports of a results folder: tables, plots, domain discrepancy, negative-transfer flags.

`build_report(folder)` reads any folder the runner writes (`results.csv`, `runs/*/history.csv`,
`auto.json`; `tftransfer run`'s also hold feature samples) and writes `report.html` (one
self-contained file, figures embedded as base64 PNGs) and `report.md` (+ `figures/*.png`):

- the results table (mean ± std over seeds per method × task, ORACLE rows marked) and a bar
  chart with error bars;
- negative-transfer flags: methods below source_only, with the amount (target accuracy when
  the target has labels, an honest validator otherwise; `analysis`);
- learning curves from every run's `history.csv` (losses, λ, source validation accuracy);
- per task, the domain discrepancy — proxy A-distance and MK-MMD (`discrepancy`) — of the
  inputs and of each method's features, and 2-D embeddings (PCA, t-SNE) of the inputs and
  of the features before (source_only) and after adaptation (a method chosen without target
  labels).

A folder without feature samples (an experiment module's) gets every section but the
feature ones, with a note saying why. `tftransfer report DIR` is the command line.

Example:
    >>> from tftransfer.report import build_report
    >>> build_report("results/digits_shift")["html"]
    PosixPath('results/digits_shift/report.html')
"""

from tftransfer.report.analysis import best_method, metric_of, negative_transfer
from tftransfer.report.build import build_report
from tftransfer.report.discrepancy import mk_mmd_distance, proxy_a_distance
from tftransfer.report.folder import ResultsFolder, load_folder, task_slug
from tftransfer.report.samples import (FEATURES_FILE, MAX_ROWS, feature_sample, input_sample,
                                       sample_rows, save_sample)

__all__ = ["FEATURES_FILE", "MAX_ROWS", "ResultsFolder", "best_method", "build_report",
           "feature_sample", "input_sample", "load_folder", "metric_of", "mk_mmd_distance",
           "negative_transfer", "proxy_a_distance", "sample_rows", "save_sample", "task_slug"]
