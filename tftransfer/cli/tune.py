"""`tftransfer tune`: `tftransfer.tuning.tune` on the files, then the selection over the seeds.

One KerasTuner search per method on seed 0 (the method's default space, `--space`
overrides), maximising `--objective`; the selected configuration is then trained for every
seed exactly as `tftransfer run` trains (same run directories, results and report), and the
tables say how it was selected.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path
from typing import List

from tftransfer import selection
from tftransfer.cli.errors import CommandFailed, UsageError, one_line
from tftransfer.cli.output import Output, duration
from tftransfer.cli.run import build_configs, check_backbone, execute, load_inputs, parse_methods
from tftransfer.io import write_json_atomic
from tftransfer.report.folder import task_slug

TUNING_DIR = "tuning"


class TrialProgress:
    """A line per finished trial with the time left, read from the search's folder (each
    KerasTuner trial writes `trial_<id>/trial.json` with its status)."""

    def __init__(self, folder: Path, total: int, output: Output, label: str):
        self.folder, self.total, self.output, self.label = folder, total, output, label
        self.stop = threading.Event()
        self.seen = set(self._finished())  # resumed trials
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _finished(self) -> List[str]:
        done = []
        for path in self.folder.glob("trial_*/trial.json"):
            try:
                status = json.loads(path.read_text()).get("status")
            except (OSError, ValueError):  # being written
                continue
            if status in ("COMPLETED", "FAILED", "INVALID", "STOPPED"):
                done.append(f"{path.parent.name}:{status}")
        return done

    def _report_new(self) -> None:
        for trial in sorted(t for t in self._finished() if t not in self.seen):
            self.seen.add(trial)
            self.trained += 1
            elapsed = time.perf_counter() - self.start
            left = elapsed / self.trained * max(0, self.total - len(self.seen))
            name, status = trial.split(":")
            self.output.line(f"[{len(self.seen)}/{self.total}] {self.label} {name}: "
                             f"{status.lower()} | {duration(elapsed)} elapsed, "
                             f"~{duration(left)} left")

    def _watch(self):
        while not self.stop.wait(1.0):
            self._report_new()

    def __enter__(self):
        self.start, self.trained = time.perf_counter(), 0
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self._report_new()  # the trials that ended since the last look


def _space(items) -> dict:
    return {name: spec for name, spec in items}


def tune_command(args, output: Output) -> int:
    start = time.perf_counter()
    names = parse_methods(args.methods)
    if "auto" in names:
        raise UsageError("auto is not tunable (it picks among default settings); name methods "
                         "to tune, e.g. --methods dann,mcc")
    try:
        selection.get(args.objective)
    except ValueError as error:
        raise UsageError(one_line(error)) from None
    check_backbone(args.backbone)
    task, options = load_inputs(args, output)
    if task.prediction_only:
        raise UsageError("tune needs a labelled target (or --target-test): KerasTuner records "
                         "every trial's target accuracy beside its scores, and this target has "
                         "no labels; use `tftransfer run --methods auto` to choose without them")
    base_configs = build_configs(task, options, names, args)
    from tftransfer import tuning  # KerasTuner: imported only by this command

    out = Path(args.out).expanduser()
    directory = out / TUNING_DIR
    selected, best = [], {}
    for method in names:
        base = next(c for c in base_configs if c.label == method and c.seed == 0)
        digest = hashlib.sha1(json.dumps({"base": base.to_dict(), "objective": args.objective,
                                          "tuner": args.tuner, "space": _space(args.space)},
                                         sort_keys=True).encode()).hexdigest()[:10]
        project = f"{task_slug(task.name)}_{method}_{digest}"
        output.line(f"searching {method}: {args.max_trials} trial(s) of {args.tuner} search, "
                    f"objective {args.objective}; {directory / project}")
        try:
            with TrialProgress(directory / project, args.max_trials, output, method):
                result = tuning.tune(base, objective=args.objective, directory=directory,
                                     max_trials=args.max_trials, tuner=args.tuner,
                                     space=_space(args.space), project_name=project, task=task,
                                     verbose=0)
        except (TypeError, ValueError) as error:  # an unknown hyperparameter or spec
            raise UsageError(one_line(error)) from None
        if result.best_config is None:
            raise CommandFailed(f"every trial of the {method} search failed; see "
                                f"{directory / project / 'trials.csv'}")
        changed = {k: v for k, v in result.best_config.to_dict().items()
                   if base.to_dict().get(k) != v}
        scores = result.best_scores
        output.line(f"{method}: selected {json.dumps(changed, default=str)}; {args.objective} "
                    f"{scores[args.objective]:.4f}, target accuracy "
                    f"{100 * scores['target_accuracy']:.1f}% (reported, not used)")
        best[method] = {"selected": changed, "scores": result.best_scores,
                        "oracle": result.oracle, "trials": str(directory / project / "trials.csv")}
        selected += [result.best_config.replace(seed=c.seed) for c in base_configs
                     if c.label == method]
    write_json_atomic(directory / "best.json", {"objective": args.objective, "tuner": args.tuner,
                                                "methods": best})
    oracle = selection.is_oracle(args.objective)
    how = (f"hyperparameters selected by a {args.tuner} KerasTuner search of {args.max_trials} "
           f"trial(s) maximising {args.objective}" + (" (ORACLE: reads target labels)" if oracle
                                                      else " (honest: no target label read)")
           + "; each selected model is the one at the end of training")
    return execute(selected, task, options, args, output, start,
                   title=f"tftransfer tune: {task.name}", selection=how, wants_auto=False)
