"""`build_report(folder)`: report.html (self-contained) and report.md of a results folder."""

from __future__ import annotations

import math
import time
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

from tftransfer.auto import BASELINE
from tftransfer.report import analysis, figures
from tftransfer.report.discrepancy import mk_mmd_distance, proxy_a_distance
from tftransfer.report.document import Document
from tftransfer.report.folder import ResultsFolder, load_folder, task_slug
from tftransfer.report.samples import input_sample

PROJECTIONS = ("pca", "tsne")
NO_FEATURES = ("{task}: no features.npz in its run directories (runs made by an experiment module, "
               "or without a saved feature sample): feature discrepancy and embeddings skipped")


def build_report(folder, *, title: Optional[str] = None, projections: Sequence[str] = PROJECTIONS,
                 load_inputs: bool = True,
                 progress: Optional[Callable[[str], None]] = None) -> Dict[str, object]:
    """Writes `report.html`, `report.md` and `figures/*.png` into a results folder.

    Args:
        folder: A results folder (`results.csv` and `runs/`): `tftransfer run`'s or an
            experiment module's.
        title: The report's title (default: from the folder).
        projections: 2-D projections of the embeddings ("pca", "tsne").
        load_inputs: For a folder without an input sample (an experiment module's), reload
            each task's data from its runs' config to measure the inputs' discrepancy.
        progress: Called with a line per step (None: silent).

    Returns:
        {"html", "markdown", "figures", "notes"}: the paths written and what was skipped.

    Raises:
        FileNotFoundError / ValueError: the folder or its results.csv is missing or unusable.
    """
    say = progress or (lambda line: None)
    for how in projections:
        if how not in PROJECTIONS:
            raise ValueError(f"Unknown projection {how!r}. Valid: {', '.join(PROJECTIONS)}")
    start = time.perf_counter()
    results = load_folder(folder)
    frame = results.frame
    doc = Document(title or f"Transfer report: {results.root.name}")
    notes: List[str] = []
    _overview(doc, results)
    if frame.empty:
        doc.paragraph("No completed run in this folder.")
        _failures(doc, results)
        paths = doc.write(results.root)
        return {**paths, "notes": ["no completed run"]}
    metric = analysis.metric_of(frame)
    _results_section(doc, results, metric)
    _negative_transfer_section(doc, frame, metric)
    say("report: learning curves")
    _curves_section(doc, results, notes)
    for task in results.tasks:
        say(f"report: {task}: domain discrepancy and embeddings")
        _task_section(doc, results, task, projections, load_inputs, notes)
    _failures(doc, results)
    notes = _merge_feature_notes(notes)
    if notes:
        doc.heading("Notes")
        doc.bullets(notes)
    doc.note(f"Report built in {time.perf_counter() - start:.1f}s by tftransfer.report "
             "(rebuild it with `tftransfer report DIR`).")
    paths = doc.write(results.root)
    return {**paths, "notes": notes}


# ----------------------------------------------------------------------------- sections


def _overview(doc: Document, results: ResultsFolder) -> None:
    frame = results.frame
    info = results.task_info or {}
    seeds = sorted(set(int(s) for s in frame["seed"])) if len(frame) else []
    doc.paragraph(f"Folder: {results.root}. Tasks: {', '.join(results.tasks) or 'none'}; "
                  f"{len(frame)} completed run(s) (auto rows included), seeds {seeds}.")
    if info:
        files = ", ".join(f"{role} {path} ({info.get('formats', {}).get(role, '?')})"
                          for role, path in info.get("files", {}).items())
        doc.paragraph(f"Data: {files}. Protocol: {info.get('protocol', '?')}. Classes "
                      f"({len(info.get('class_names', []))}): "
                      f"{', '.join(map(str, info.get('class_names', [])[:30]))}"
                      f"{' ...' if len(info.get('class_names', [])) > 30 else ''}.")
        doc.bullets([f"data: {note}" for note in info.get("notes", [])])
    doc.paragraph("Every reported model is the one at the end of training: nothing is selected "
                  "on target labels. Target labels, when the target has them, are read only to "
                  "report accuracy; rows trained on them are marked ORACLE.")


def _results_section(doc: Document, results: ResultsFolder, metric: analysis.Metric) -> None:
    frame = results.frame
    doc.heading("Results")
    stats = analysis.mean_std(frame, metric)
    n_seeds = stats["seeds"]
    doc.paragraph(f"{metric.name}, mean ± std over {int(n_seeds.min())}"
                  f"{'' if n_seeds.min() == n_seeds.max() else '-' + str(int(n_seeds.max()))} "
                  "seed(s) per method × task.")
    table = analysis.results_table(frame, metric)
    oracle = set(analysis.oracle_labels(frame))
    doc.table(table, row_class=lambda index, row: "oracle" if index in oracle else "")
    if oracle:
        doc.note(f"ORACLE rows ({', '.join(sorted(oracle))}) were trained on target labels: an "
                 "upper reference, not a method usable without them.")
    if not metric.reads_target_labels:
        doc.paragraph("The target has no labels, so no target accuracy exists. Honest scores "
                      "(no target label read), mean ± std over seeds:")
        doc.table(analysis.honest_scores_table(frame))
    if "auto_pick" in frame and (frame["method"] == "auto").any():
        rows = frame[frame["method"] == "auto"][["task", "seed", "auto_pick", "auto_reason"]]
        doc.heading("auto", 3)
        if results.auto and results.auto.get("rule"):
            doc.paragraph(f"Rule: {results.auto['rule']}.")
        doc.table(rows.rename(columns={"auto_pick": "pick", "auto_reason": "why"})
                  .reset_index(drop=True))
    png = figures.bar_chart(stats, metric.name,
                            f"{metric.name} per method (error bars: std over seeds)")
    doc.image("bars", png, f"{metric.name} per method and task; error bars: std over seeds.")


def _negative_transfer_section(doc: Document, frame: pd.DataFrame, metric: analysis.Metric) -> None:
    doc.heading("Negative transfer")
    table = analysis.negative_transfer(frame, metric)
    if table.empty:
        has_baseline = (frame["method"] == BASELINE).any()
        doc.note(f"Not assessed: no other method ran beside {BASELINE}." if has_baseline else
                 f"Not assessed: no task has a {BASELINE} run to compare with.")
        return
    unit = " points" if metric.percent else ""
    digits = 1 if unit else 3
    flagged = table[table["negative"]]
    if flagged.empty:
        doc.paragraph(f"No method falls below {BASELINE} on {metric.name}.")
    else:
        doc.paragraph(f"{len(flagged)} method × task pair(s) fall below {BASELINE} on "
                      f"{metric.name} (mean over seeds):")
        doc.bullets([f"NEGATIVE TRANSFER: {r.method} on {r.task}: {r.difference:+.{digits}f}"
                     f"{unit} vs {BASELINE} ({r.value:.{digits}f} vs {r.baseline:.{digits}f})"
                     for r in flagged.itertuples()])
    shown = table.drop(columns=["metric"]).assign(
        negative=["NEGATIVE" if v else "" for v in table["negative"]],
        **{c: table[c].round(digits) for c in ("value", "baseline", "difference")})
    doc.table(shown, row_class=lambda index, row: "negative" if row["negative"] else "")
    if (table["seeds"] < 2).any():
        doc.note("With one seed a difference has no error bar: run several seeds (--seeds 3) to "
                 "tell negative transfer from seed noise.")
    if not metric.reads_target_labels:
        doc.note("Without target labels the comparison uses an honest validator, which can "
                 "itself be wrong: a flag is a warning, not a measurement of target accuracy.")


def _curves_section(doc: Document, results: ResultsFolder, notes: List[str]) -> None:
    doc.heading("Learning curves")
    frame = analysis.labelled(results.frame[results.frame["method"] != "auto"])
    shown = False
    for task in results.tasks:
        histories: Dict[str, List[pd.DataFrame]] = {}
        for row in frame[frame["task"] == task].itertuples():
            history = results.history(str(row.run_id))
            if history is not None and "epoch" in history:
                histories.setdefault(row.label, []).append(history)
        png = (figures.learning_curves(histories, f"{task}: per epoch, mean over seeds")
               if histories else None)
        if png is None:
            notes.append(f"{task}: no history.csv in its run directories: no learning curves")
            continue
        doc.image(f"curves_{task_slug(task)}", png,
                  f"{task}: training losses, λ and source validation accuracy per epoch "
                  "(mean over seeds).")
        shown = True
    if not shown:
        doc.note("No learning curve: the run directories hold no history.csv.")


def _features_of(results: ResultsFolder, task: str) -> Dict[str, dict]:
    """method -> {"features": arrays, "seed": s} for the lowest seed with a features.npz."""
    rows = results.frame[(results.frame["task"] == task) & (results.frame["method"] != "auto")]
    out = {}
    for row in rows.sort_values("seed").itertuples():
        if row.method in out:
            continue
        arrays = results.features(str(row.run_id))
        if arrays is not None:
            out[row.method] = {"features": arrays, "seed": int(row.seed)}
    return out


def _inputs_of(results: ResultsFolder, task: str, load_inputs: bool, notes: List[str]):
    sample = results.input_sample(task)
    if sample is not None or not load_inputs:
        return sample
    config = results.first_config(task)
    if config is None:
        notes.append(f"{task}: no run config to reload its data: input discrepancy skipped")
        return None
    try:
        from tftransfer.data import datasets

        loader = datasets.get(config["dataset"])
        loaded = loader(config["task"], **dict(config.get("data_options", {})))
        return input_sample(loaded)
    except Exception as error:  # a report still shows the rest; the note says what failed
        first = str(error).splitlines()[0] if str(error) else ""
        notes.append(f"{task}: its data could not be reloaded ({type(error).__name__}: {first}): "
                     "input discrepancy skipped")
        return None


def _task_section(doc: Document, results: ResultsFolder, task: str, projections: Sequence[str],
                  load_inputs: bool, notes: List[str]) -> None:
    doc.heading(f"Task {task}: domain discrepancy and embeddings")
    inputs = _inputs_of(results, task, load_inputs, notes)
    features = _features_of(results, task)
    rows = []
    if inputs is not None:
        reduced = int(inputs.get("reduced", 0))
        rows.append(_discrepancy_row("inputs" + (f" (first {reduced} principal components)"
                                                 if reduced else ""), "",
                                     inputs["source_x"], inputs["target_x"]))
    for method, item in features.items():
        arrays = item["features"]
        rows.append(_discrepancy_row(f"features: {method}", item["seed"],
                                     arrays["source_features"], arrays["target_features"]))
    if rows:
        some = next(iter(features.values()))["features"] if features else None
        n_s = len(inputs["source_x"] if inputs is not None else some["source_features"])
        n_t = len(inputs["target_x"] if inputs is not None else some["target_features"])
        doc.paragraph(f"Proxy A-distance d_A = 2(1 − 2ε), ε the 5-fold cross-validated error of "
                      "a logistic-regression domain classifier on a domain-balanced sample "
                      "(0: indistinguishable, 2: separable); MK-MMD²: biased estimate, 5 Gaussian "
                      f"kernels, median-heuristic bandwidths. On {n_s} source and {n_t} target "
                      "training rows (the same rows for every model).")
        doc.table(pd.DataFrame(rows).set_index("space"))
    if not features:
        notes.append(NO_FEATURES.format(task=task))
        return
    after, how_chosen = analysis.best_method(results.frame, task)
    panels, names = [], []
    class_names = _class_names(results, features, inputs)
    target_truth = inputs.get("target_y") if inputs is not None else None
    if inputs is not None:
        panels.append({"title": "inputs", "source": inputs["source_x"],
                       "target": inputs["target_x"], "source_y": inputs.get("source_y"),
                       "target_y": target_truth})
    for name, label in ((BASELINE, f"before: {BASELINE}"), (after, f"after: {after}")):
        if name is None or name not in features:
            notes.append(f"{task}: no features of {name or 'an adaptation method'}: its embedding "
                         "panel is skipped")
            continue
        arrays = features[name]["features"]
        panels.append({"title": f"{label} (seed {features[name]['seed']})",
                       "source": arrays["source_features"], "target": arrays["target_features"],
                       "source_y": (inputs.get("source_y") if inputs is not None
                                    else arrays["source_pred"]),
                       "target_y": (target_truth if target_truth is not None
                                    else arrays["target_pred"])})
        names.append(name)
    if not names:
        return
    for panel in panels:  # each projection once, shared by both colourings
        panel["coords"] = {how: figures.project_2d(panel["source"], panel["target"], how)
                           for how in projections}
    doc.paragraph(f"After adaptation: {after} — chosen by {how_chosen}; target labels are not "
                  "read for this choice.")
    png = figures.embedding(panels, projections, "domain", class_names,
                            f"{task}: source (blue) and target (orange)")
    doc.image(f"embedding_domain_{task_slug(task)}", png,
              f"{task}: 2-D {' and '.join(p.upper() for p in projections)} of the inputs and of "
              "the features before and after adaptation, by domain.")
    truth = ("target classes are the TRUE labels (reporting only)" if target_truth is not None
             else "target classes are each model's PREDICTIONS (the target has no labels)")
    png = figures.embedding(panels, projections, "class", class_names,
                            f"{task}: by class (source dots, target crosses)")
    doc.image(f"embedding_class_{task_slug(task)}", png,
              f"{task}: the same projections coloured by class; {truth}.")


def _discrepancy_row(space: str, seed, xs, xt) -> dict:
    try:
        pad = proxy_a_distance(xs, xt)
        mmd = mk_mmd_distance(xs, xt)
    except ValueError as error:  # too few rows, NaN features of a diverged model
        return {"space": space, "seed": seed, "proxy A-distance": math.nan, "MK-MMD²": math.nan,
                "note": str(error)}
    return {"space": space, "seed": seed, "proxy A-distance": round(pad, 3),
            "MK-MMD²": round(mmd, 4), "note": ""}


def _class_names(results: ResultsFolder, features: Dict[str, dict], inputs) -> List[str]:
    """The task's class names (task.json), else the class indices seen."""
    names = (results.task_info or {}).get("class_names")
    if names:
        return [str(n) for n in names]
    arrays = [item["features"][k] for item in features.values()
              for k in ("source_pred", "target_pred")]
    arrays += [inputs[k] for k in ("source_y", "target_y") if inputs is not None and k in inputs]
    top = max((int(np.max(a)) for a in arrays if len(a)), default=0)
    return [str(k) for k in range(top + 1)]


def _merge_feature_notes(notes: List[str]) -> List[str]:
    """One note for every task without feature samples, instead of one per task."""
    suffix = NO_FEATURES.format(task="")
    tasks = [n[:-len(suffix)] for n in notes if n.endswith(suffix)]
    if len(tasks) < 2:
        return notes
    rest = [n for n in notes if not n.endswith(suffix)]
    return [NO_FEATURES.format(task=", ".join(tasks))] + rest


def _failures(doc: Document, results: ResultsFolder) -> None:
    if results.failed:
        doc.heading("Failed runs")
        doc.bullets([f"{run_id} ({results.configs.get(run_id, {}).get('method', '?')}, seed "
                     f"{results.configs.get(run_id, {}).get('seed', '?')}): {reason}"
                     for run_id, reason in results.failed.items()])
